"""Sphinx configuration of the course's website (`make site`; see README.md, "The course as a website").

The source directory is the repository root, so README.md (the home page), CONTRIBUTING.md and the
lessons are read where they live and their relative links work on GitHub and on the site alike.
Lessons are found by glob (`notebooks/[0-9][0-9]_*.ipynb`): a new lesson appears with no change here.
Notebooks are rendered from their stored outputs and never re-run (nbval proves they run).
Nothing is fetched at build time or by the pages: no intersphinx, no CDN assets.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSON_GLOB = "notebooks/[0-9][0-9]_*.ipynb"
API_DIR = Path(__file__).resolve().parent / "_api"  # generated from each subpackage's __all__
SUBPACKAGES = ["slicing", "preprocess", "analysis", "classification", "datasets", "utils"]

# The Binder address is the README's badge link: one source for both.
_BINDER = re.search(
    r"\((https://mybinder\.org/v2/gh/[^/?\s]+/[^/?\s]+/[^/?\s]+)\?", (ROOT / "README.md").read_text()
)
if _BINDER is None:
    raise RuntimeError("README.md has no Binder badge link (https://mybinder.org/v2/gh/...)")
BINDER_BASE = _BINDER.group(1)
REPOSITORY_URL = "https://github.com/" + "/".join(BINDER_BASE.split("/")[5:7])

project = "Data slicing"
author = "the course's contributors"
copyright = "the course's contributors, Apache-2.0"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "numpydoc",
]

root_doc = "README"
include_patterns = [
    "README.md",
    "CONTRIBUTING.md",
    "data/README.md",
    "benchmarks/README.md",
    LESSON_GLOB,
    "docs/*.md",
    "docs/_api/*.rst",
]
exclude_patterns = [
    ".venv", ".git", "docs/_build", "test-artifacts", "data/youtube-spam", "data/adult", "data/spacy",
    "**/.ipynb_checkpoints",
]
# Absolute: autosummary resolves template paths from the source directory, the HTML builder from this one.
templates_path = [str(Path(__file__).resolve().parent / "_templates")]

# Fail on anything dubious: sphinx-build runs with -W --keep-going -n (see the Makefile).
nitpicky = True
# Types from other projects: no intersphinx (it would fetch inventories), so their names stay plain text.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|pandas|pd|torch|sklearn|scipy|dask|pyspark|spacy|matplotlib|collections"
               r"|typing|pathlib|os|tqdm|joblib|datetime|re|enum|types|abc)(\..*)?"),
    (r"py:.*", r"(optional|default|callable|array-like|array_like|iterable|mapping|sequence|any|None"
               r"|bool|int|float|str|dict|list|tuple|set|object|bytes|type|Path|DataFrame|Series"
               r"|ndarray|Tensor|Module|Figure|Axes|Generator|Iterator|Iterable|Callable|Sequence"
               r"|Mapping|Hashable|Any|Literal|Self)"),
    # Private base classes (robust._GroupLossClassifier) are not documented; "Bases:" names them as text.
    (r"py:class", r"snorkel_slice(\.\w+)*\._\w+"),
]

# Notebooks: render the stored outputs, never execute.
nb_execution_mode = "off"
nb_merge_streams = True
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
suppress_warnings: list[str] = []

# The API reference (docs/_api/, written below): numpydoc parses the docstrings (a section it cannot read is a warning, so an error).
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "show-inheritance": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

html_theme = "sphinx_book_theme"
html_title = "Data slicing: a course"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # else browsers ask for /favicon.ico, which is not there
html_sourcelink_suffix = ""
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "path_to_docs": "",
    "show_toc_level": 2,
}
# pydata-sphinx-theme 0.20 logs a console error when no mode is set; follow the reader's system.
html_context = {"default_mode": "auto"}
# `/` opens the home page (the README).
html_additional_pages = {"index": "redirect.html"}


def _directive(obj) -> str:
    if inspect.isclass(obj):
        return "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


def _write_api_pages() -> None:
    """One page per subpackage, documenting every name of its ``__all__`` (new exports appear by themselves)."""
    API_DIR.mkdir(exist_ok=True)
    pages = []
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"snorkel_slice.{sub}")
        title = f"snorkel_slice.{sub}"
        lines = [title, "=" * len(title), "", f".. automodule:: snorkel_slice.{sub}", "   :no-members:", "",
                 f".. currentmodule:: snorkel_slice.{sub}", ""]
        for name in sorted(getattr(module, "__all__", [])):
            lines += [f".. {_directive(getattr(module, name))}:: {name}", ""]
        text = "\n".join(lines)
        page = API_DIR / f"{sub}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)
        pages.append(f"   {sub}")
    index = ["API reference", "=============", "",
             "Generated from the docstrings of ``snorkel_slice``, one page per subpackage. Every name is",
             "also importable from ``snorkel_slice.<subpackage>``, as in Snorkel.", "",
             ".. toctree::", "   :maxdepth: 1", "", *pages]
    text = "\n".join(index) + "\n"
    if not (API_DIR / "index.rst").exists() or (API_DIR / "index.rst").read_text() != text:
        (API_DIR / "index.rst").write_text(text)


_write_api_pages()

# The site's contents: the README is the home page; this toctree (added to it on the site only) lists
# the lessons by glob, then the guides and the API reference.
_TOCTREE = f"""

```{{toctree}}
:hidden:
:caption: Lessons
:glob:

{LESSON_GLOB.removesuffix(".ipynb")}
```

```{{toctree}}
:hidden:
:caption: Reference

CONTRIBUTING
data/README
benchmarks/README
docs/_api/index
```
"""

_BADGE_URL = "https://mybinder.org/badge_logo.svg"


def _lesson_links(name: str) -> str:
    return (
        "```{container} lesson-links\n"
        f"[Launch on Binder]({BINDER_BASE}?urlpath=lab/tree/notebooks/{name}) "
        "(run this lesson in JupyterLab in your browser) · "
        f"{{download}}`Download the notebook <{name}>`\n"
        "```"
    )


def _source_read(app, docname: str, source: list[str]) -> None:
    if docname == "README":
        # The badge's picture lives on mybinder.org; the site shows a local copy so no page fetches anything.
        source[0] = source[0].replace(_BADGE_URL, "docs/_static/binder_badge.svg") + _TOCTREE
    elif re.fullmatch(r"notebooks/\d\d_\w+", docname):
        notebook = json.loads(source[0])
        name = docname.split("/")[-1] + ".ipynb"
        links = {"cell_type": "markdown", "id": "lesson-links", "metadata": {}, "source": _lesson_links(name)}
        notebook["cells"].insert(1, links)
        source[0] = json.dumps(notebook)


def setup(app):
    app.connect("source-read", _source_read)
