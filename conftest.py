"""Suite-wide settings. Notebook kernels started by nbval inherit this process's environment."""

import os

# Keep progress bars out of nbval's comparisons (see snorkel_slice/progress.py).
os.environ.setdefault("SNORKEL_SLICE_PROGRESS", "0")

# The lessons' py:percent twins are for reading diffs; nbval runs the .ipynb side.
collect_ignore_glob = ["notebooks/*.py", "**/.ipynb_checkpoints/*", "templates/*"]
