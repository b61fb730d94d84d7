"""The course's Jupyter settings, read by every Jupyter server started with this folder on
JUPYTER_CONFIG_PATH: `make lessons`, the browser tests (tests/test_lab_in_browser.py) and Binder
(the repository's `start` script exports it).

- Each lesson is stored twice, as `NN_name.ipynb` and its jupytext twin `NN_name.py`; the file
  browser lists only the notebook, so a learner opens the right one. Only lesson twins are hidden
  (two digits, an underscore, `.py`): every other Python file stays visible.
- JupyterLab's settings overrides live in `lab-settings/overrides.json` beside this file: they turn
  off the news feed and the update check, which would otherwise ask on first open to contact a
  website (the course runs offline).
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.ContentsManager.hide_globs = [
    # jupyter_server's defaults, kept
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".DS_Store",
    "*~",
    # the lessons' py:percent twins
    "[0-9][0-9]_*.py",
]
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab-settings")
