"""Build the course's website into docs/_build/html: `make site`, and the site's browser test.

Sphinx + myst-nb + sphinx-book-theme, configured in docs/conf.py: the home page is README.md, then
every lesson (rendered from its stored outputs, never re-run), the contributor guide and the API
reference from the docstrings. Any warning fails the build (-W, nitpicky), and the build is always
from scratch, so a warning cannot hide in a cached page. Nothing is fetched from the internet.

    python tools/build_site.py            # prints the time taken and the number of pages
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_build" / "html"


def build_site() -> tuple[float, list[Path]]:
    """Build the site from scratch; return the seconds it took and its content pages (HTML files).

    Raises ``RuntimeError`` with Sphinx's output when the build fails or warns.
    """
    for stale in (ROOT / "docs" / "_build", ROOT / "docs" / "_api"):
        shutil.rmtree(stale, ignore_errors=True)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
         "-c", "docs", "-d", "docs/_build/doctrees", ".", str(OUT)],
        cwd=ROOT, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if run.returncode != 0 or "WARNING" in run.stderr:
        raise RuntimeError(f"the site's build failed or warned:\n{run.stdout}\n{run.stderr}")
    return seconds, content_pages()


def content_pages() -> list[Path]:
    """The built pages a reader visits: every HTML file but the theme's assets and the `/` redirect."""
    assets = {"_static", "_sources", "_downloads", "_images"}
    return sorted(
        p for p in OUT.rglob("*.html")
        if p.relative_to(OUT).parts[0] not in assets and p != OUT / "index.html"
    )


if __name__ == "__main__":
    seconds, pages = build_site()
    print(f"built {len(pages)} pages in {seconds:.1f} s into {OUT.relative_to(ROOT)}/")
    print(f"open {OUT.relative_to(ROOT)}/index.html, or serve it: "
          f"python -m http.server -d {OUT.relative_to(ROOT)} -b 127.0.0.1 8000")
