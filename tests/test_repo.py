"""Checks on the repository itself: environments, lint, and the lessons' stored form."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
BIN = Path(sys.executable).parent


def _requirements(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, f"environment.yml must pin python=3.11, has {deps}"
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    pins = {}
    for line in pip_section:
        if not line.startswith("-"):
            name, version = line.split("==")
            pins[name.lower()] = version.removesuffix("+cpu")  # same torch, CPU-only wheel
    assert pins == _requirements(ROOT / "requirements.txt")
    assert any("download.pytorch.org/whl/cpu" in line for line in pip_section)


def test_lint_is_clean():
    paths = ["snorkel_slice", "exercises", "utils.py", "tests", "tools", "benchmarks", "conftest.py"]
    paths = [p for p in paths if (ROOT / p).exists()]
    ruff = subprocess.run([BIN / "ruff", "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    nbqa = subprocess.run(
        [BIN / "nbqa", "ruff", "notebooks/"], cwd=ROOT, capture_output=True, text=True
    )
    assert nbqa.returncode == 0, nbqa.stdout + nbqa.stderr


def test_every_lesson_exists_in_order():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1)), [p.name for p in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_is_paired_and_in_sync(lesson):
    twin = lesson.with_suffix(".py")
    assert twin.exists(), f"{lesson.name} has no py:percent twin; run `make sync`"
    strip = [(c.cell_type, c.source.strip()) for c in jupytext.read(lesson).cells]
    text = [(c.cell_type, c.source.strip()) for c in jupytext.read(twin).cells]
    assert strip == text, f"{lesson.name} and {twin.name} differ; run `make sync`"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_was_stored_from_a_clean_run(lesson):
    nb = nbformat.read(lesson, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{lesson.name}: execution counts {counts} are not 1..{len(code)}; "
        "re-run it with `make notebooks`"
    )
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{lesson.name} has stored errors"
    text = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert "it/s]" not in text, f"{lesson.name} stores a progress bar; re-run with `make notebooks`"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_follows_the_house_shape(lesson):
    nb = nbformat.read(lesson, as_version=4)
    first = nb.cells[0].source
    assert first.startswith("# "), f"{lesson.name} must open with an H1 title"
    assert "In this lesson you will" in first, f"{lesson.name} must list what the lesson covers"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("## Summary", "## Exercises"):
        assert heading in markdown, f"{lesson.name} has no '{heading}' section"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "os.chdir" not in code, f"{lesson.name} must not change directory"
    assert not re.search(r"^\s*from \S+ import \*", code, re.M), f"{lesson.name} uses a star import"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_title_and_exercises_carry_its_number(lesson):
    """Renumbering a lesson renumbers its title and its exercises ("**3a."), or this fails."""
    number = int(lesson.name[:2])
    nb = nbformat.read(lesson, as_version=4)
    title = nb.cells[0].source.splitlines()[0]
    assert title.startswith(f"# {number:02d}. "), f"{lesson.name} is titled {title!r}"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    ids = re.findall(r"^\*\*(\d+)[a-z]\.", markdown, re.M)
    assert ids, f"{lesson.name} has no exercise headed like **{number}a."
    assert {int(i) for i in ids} == {number}, f"{lesson.name} heads exercises {sorted(set(ids))}"


def _nbval(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def test_a_new_lesson_is_tested_without_touching_any_test_file(tmp_path):
    """An instructor's new notebook in notebooks/ is run by nbval through the shared config alone."""
    for name in ("pyproject.toml", "conftest.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", tmp_path / "tests" / "nbval_sanitize.cfg")
    (tmp_path / "notebooks").mkdir()
    lesson = tmp_path / "notebooks" / "99_throwaway.ipynb"
    template = jupytext.read(ROOT / "templates" / "lesson_template.py")
    nbformat.write(template, lesson)
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_lessons.py"), "--no-sync", str(lesson)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr

    passed = _nbval(tmp_path)
    assert passed.returncode == 0, passed.stdout
    assert "99_throwaway.ipynb" in passed.stdout or " passed" in passed.stdout
    collected = int(re.search(r"(\d+) passed", passed.stdout).group(1))
    n_code = sum(c.cell_type == "code" for c in nbformat.read(lesson, as_version=4).cells)
    assert collected == n_code

    # A stored number the prose relies on that no longer matches must fail the suite.
    nb = nbformat.read(lesson, as_version=4)
    checked = next(c for c in nb.cells if "NBVAL_CHECK_OUTPUT" in c.source)
    checked.outputs[0]["text"] = "something else\n"
    nbformat.write(nb, lesson)
    failed = _nbval(tmp_path)
    assert failed.returncode != 0, failed.stdout
