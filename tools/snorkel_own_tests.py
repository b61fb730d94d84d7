"""Run Snorkel 0.10.0's own unit tests against snorkel_slice, through a `snorkel` -> `snorkel_slice` shim.

Usage: ``python tools/snorkel_own_tests.py /path/to/snorkel-v0.10.0-checkout``

It builds, in a temporary folder, a package named ``snorkel`` whose modules re-export
``snorkel_slice``'s names (plus Snorkel's pure typing aliases in ``snorkel.types``), copies the
in-scope test files there, and runs each with pytest, the shim first on ``PYTHONPATH``. Snorkel's
``test/map/test_core.py`` is its preprocessor test; its two imports with no counterpart here
(``spacy``, ``get_hashable``) are guarded in the copy so that the rest of the file is collected.
Nothing of Snorkel's is stored in this repository. README's "Differences from Snorkel" quotes
the totals this prints.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = [
    "test/slicing/apply/test_sf_applier.py",
    "test/slicing/sf/test_core.py",
    "test/slicing/sf/test_nlp.py",
    "test/slicing/test_monitor.py",
    "test/slicing/test_slice_combiner.py",
    "test/slicing/test_sliceaware_classifier.py",
    "test/slicing/test_utils.py",
    "test/analysis/test_metrics.py",
    "test/analysis/test_scorer.py",
    "test/classification/test_data.py",
    "test/classification/training/test_trainer.py",
    "test/map/test_core.py",
    "test/utils/test_core.py",
    "test/utils/test_config_utils.py",
    "test/utils/test_data_operators.py",
]

SHIM = {
    "__init__.py": '__version__ = "0.10.0+snorkel_slice-shim"\n',
    "slicing/__init__.py": "from snorkel_slice.slicing import *  # noqa\n",
    "slicing/monitor.py": "from snorkel_slice.slicing import slice_dataframe  # noqa\n",
    "slicing/sf/__init__.py": "from snorkel_slice.slicing import SlicingFunction, slicing_function  # noqa\n",
    "slicing/sf/core.py": "from snorkel_slice.slicing import SlicingFunction, slicing_function  # noqa\n",
    "slicing/apply/__init__.py": (
        "from snorkel_slice.slicing import DaskSFApplier, PandasParallelSFApplier, PandasSFApplier, SFApplier  # noqa\n"
    ),
    "analysis/__init__.py": "from snorkel_slice.analysis import *  # noqa\n",
    "classification/__init__.py": "from snorkel_slice.classification import *  # noqa\n",
    "classification/data.py": (
        "from snorkel_slice.classification.data import DEFAULT_DATASET_NAME, DEFAULT_INPUT_DATA_KEY, "
        "DEFAULT_TASK_NAME, DictDataLoader, DictDataset  # noqa\n"
    ),
    "preprocess/__init__.py": "from snorkel_slice.preprocess import *  # noqa\n",
    "utils/__init__.py": "from snorkel_slice.utils import *  # noqa\n",
    # Snorkel's Preprocessor is its Mapper and preprocessor its lambda_mapper.
    "map/__init__.py": (
        "from snorkel_slice.preprocess import BasePreprocessor as BaseMapper, LambdaPreprocessor as "
        "LambdaMapper, Preprocessor as Mapper, preprocessor as lambda_mapper  # noqa\n"
    ),
    "map/core.py": "from snorkel.map import BaseMapper, LambdaMapper, Mapper, lambda_mapper  # noqa\n",
    "types.py": (
        "from typing import Any, Dict, NamedTuple, Sequence\nDataPoint = Any\n"
        "DataPoints = Sequence[DataPoint]\nField = Any\nFieldMap = Dict[str, Field]\n"
        "HashingFunction = Any\nConfig = NamedTuple\n"
    ),
}


def main(checkout: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="snorkel_own_tests_"))
    for rel, text in SHIM.items():
        (work / "shim" / "snorkel" / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / "shim" / "snorkel" / rel).write_text(text)
    totals = {"passed": 0, "failed": 0, "errors": 0}
    for rel in TESTS:
        source = checkout / rel
        if not source.is_file():
            print(f"{rel}: not in {checkout}")
            continue
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text()
        for line in ("import spacy", "from snorkel.map.core import get_hashable"):
            name = line.split()[-1]
            text = text.replace(line, f"try:\n    {line}\nexcept ImportError:\n    {name} = None", 1)
        target.write_text(text)
        env = {"PYTHONPATH": str(work / "shim"), "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target)],
            cwd=work, env=env, capture_output=True, text=True,
        )
        last = (done.stdout.strip().splitlines() or [""])[-1]
        print(f"{rel}: {last}")
        for key, pattern in (("passed", r"(\d+) passed"), ("failed", r"(\d+) failed"), ("errors", r"(\d+) errors?")):
            found = re.search(pattern, last)
            totals[key] += int(found.group(1)) if found else 0
    print(f"total: {totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['errors']} files or tests erroring (a file that fails to import counts once)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
