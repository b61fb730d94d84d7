"""The package's shape: Snorkel's import paths, no torch for SFs and scoring, nothing generic installed."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import snorkel_slice

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PACKAGE = ROOT / "snorkel_slice"
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())

# The import lines of Snorkel's slicing workflow that learners copy (the list).
SNORKEL_IMPORTS = [
    "from snorkel.slicing import slicing_function, SlicingFunction, PandasSFApplier, slice_dataframe, SliceAwareClassifier",
    "from snorkel.preprocess import preprocessor",
    "from snorkel.analysis import Scorer",
    "from snorkel.classification import DictDataset, DictDataLoader, Trainer",
    "from snorkel.utils import preds_to_probs",
]
# Every name that `snorkel_slice` exported before the subpackages existed.
FLAT_NAMES = [
    "ApplierMetadata", "ClassifierConfig", "DaskSFApplier", "DictDataLoader", "DictDataset",
    "PandasSFApplier", "PlainClassifier", "Preprocessor", "Scorer", "SliceAwareClassifier",
    "SliceAwareConfig", "SlicingFunction", "SmallSliceWarning", "Trainer", "TrainerConfig",
    "UndefinedScoreWarning", "circle_slices", "make_circle_data", "plot_slice_scores",
    "plot_slice_summary", "preprocessor", "set_seed", "slice_dataframe", "slice_overlap",
    "slice_summary", "slicing_function",
]


def _seed_imports() -> list[str]:
    if not SEEDS.is_dir():
        pytest.fail(f"The seed documents are not beside the clone ({SEEDS}); CI puts ../shared there.")
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        found += re.findall(r"^\s*(from snorkel[\w.]* import [^\n(]+)$", path.read_text(), flags=re.M)
    assert found, f"no `from snorkel... import` lines found in {SEEDS}"
    return found


def _run(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | env
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environment, capture_output=True, text=True)


def test_every_snorkel_import_of_the_seed_tutorial_works_under_snorkel_slice():
    for line in sorted(set(_seed_imports() + SNORKEL_IMPORTS)):
        ours = line.replace("from snorkel", "from snorkel_slice", 1)
        namespace: dict = {}
        exec(ours, namespace)  # noqa: S102 - a fixed import line
        names = [n.strip() for n in ours.split(" import ", 1)[1].split(",")]
        assert all(n in namespace for n in names), ours


def test_every_name_the_flat_package_had_is_still_exported():
    missing = [name for name in FLAT_NAMES if not hasattr(snorkel_slice, name)]
    assert not missing
    assert set(FLAT_NAMES) <= set(snorkel_slice.__all__)


@pytest.mark.parametrize("sub", SUBPACKAGES)
def test_each_subpackage_exports_what_its_all_lists(sub):
    module = importlib.import_module(f"snorkel_slice.{sub}")
    assert all(hasattr(module, name) for name in module.__all__)
    with pytest.raises(AttributeError, match=rf"module 'snorkel_slice.{sub}' has no attribute 'nope'"):
        module.nope  # noqa: B018


def test_writing_applying_and_scoring_sfs_never_imports_torch(tmp_path):
    code = (
        "import sys\n"
        "from snorkel_slice.slicing import PandasSFApplier, slicing_function\n"
        "from snorkel_slice.analysis import Scorer, slice_summary, plot_slice_scores\n"
        "from snorkel_slice.preprocess import preprocessor\n"
        "import snorkel_slice\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
        "snorkel_slice.SliceAwareClassifier  # a lazy name loads it on use\n"
        "assert 'torch' in sys.modules\n"
    )
    done = _run(code, tmp_path)
    assert done.returncode == 0, done.stderr


def test_no_generic_module_is_installed(tmp_path):
    # From a folder outside the repository, with no PYTHONPATH, only the package is importable:
    # a learner's own `utils.py` or `exercises/` can never be shadowed by ours.
    done = _run("import snorkel_slice, importlib.util as u; print(u.find_spec('utils'), u.find_spec('exercises'), u.find_spec('spam_fetch'))", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None", "None"]


@pytest.mark.parametrize("where", [".", "notebooks"])
def test_the_lessons_helpers_import_from_the_root_and_from_notebooks(where):
    done = _run("import utils, exercises; print(utils.load_spam_dataset.__module__)", ROOT / where, PYTHONPATH=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "snorkel_slice.datasets.spam"


def test_modules_stay_short_enough_to_read_in_one_sitting():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 350}
    assert not long, f"split these modules by concept: {long}"


def test_tests_mirror_the_package():
    missing = [sub for sub in SUBPACKAGES if not (ROOT / "tests" / sub).is_dir()]
    assert not missing, f"add tests/<subpackage>/ for {missing}"
