"""Suite-wide settings. Notebook kernels started by nbval inherit this process's environment."""

import os
from pathlib import Path

# Keep progress bars out of nbval's comparisons (see snorkel_slice/progress.py).
os.environ.setdefault("SNORKEL_SLICE_PROGRESS", "0")

# The lessons import `utils` and `exercises` from the repository root, which is not installed:
# put it on PYTHONPATH so that nbval's kernels (started in notebooks/) find them, as
# `make lessons` and Binder's `start` do.
_ROOT = str(Path(__file__).resolve().parent)
_paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
if _ROOT not in _paths:
    os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *_paths])

# The lessons' py:percent twins are for reading diffs; nbval runs the .ipynb side.
collect_ignore_glob = ["notebooks/*.py", "**/.ipynb_checkpoints/*", "templates/*"]
