# The few commands everyone runs. `make lessons` and `make test` are the README's two commands.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup setup-test lessons test lint sync notebooks bench bench-smoke clean

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

lessons: setup  ## open the lessons in JupyterLab
	$(BIN)/jupyter lab notebooks/

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
	rm -rf $(VENV) .pytest_cache .ruff_cache checkpoints
