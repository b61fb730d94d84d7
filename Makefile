# The few commands everyone runs. `make lessons` and `make test` are the README's two commands.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup setup-test lessons site test lint sync notebooks bench bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python  ## install what the lessons need, plus this repo (editable)
	$(BIN)/pip install --quiet -r requirements.txt -e .
	$(BIN)/python -m snorkel_slice.datasets

setup-test: $(BIN)/python  ## install the lessons' needs plus test-only tools (Snorkel 0.10.0, ruff, nbqa)
	$(BIN)/pip install --quiet -r requirements-test.txt -e .
	$(BIN)/python -m snorkel_slice.datasets

# The lessons import `utils` and `exercises` from the repository root, which is not installed.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

# JupyterLab refuses to run as root without --allow-root; workshop containers and many cloud
# notebooks run as root, so pass it there and only there.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)
# The course's Jupyter settings (jupyter_config/): no news feed or update check, lesson twins hidden.
LAB_ENV := JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter_config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

lessons: setup  ## open the lessons in JupyterLab
	$(LAB_ENV) $(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

site: setup-test  ## build the course website into docs/_build/html, offline, from the stored outputs
	$(BIN)/python tools/build_site.py

test: setup-test  ## unit tests, doctests, lint, notebook pairing, and nbval over every lesson
	$(BIN)/python -m pytest

lint: setup-test
	$(BIN)/ruff check snorkel_slice utils.py exercises tests benchmarks tools
	$(BIN)/nbqa ruff notebooks/

sync:  ## re-pair every lesson with its py:percent text form
	$(BIN)/jupytext --sync notebooks/*.ipynb

notebooks: setup  ## restart-and-run-all every lesson in place, timing each
	$(BIN)/python tools/run_lessons.py

bench: setup-test
	$(BIN)/python benchmarks/run.py

bench-smoke: setup-test
	$(BIN)/python benchmarks/run.py --smoke

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache checkpoints docs/_build docs/_api test-artifacts
