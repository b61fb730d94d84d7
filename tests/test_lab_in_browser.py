"""The README's first command, end to end in a real browser: JupyterLab started as `make lessons`
starts it (the course's jupyter_config/, --allow-root only as root, the repository root on
PYTHONPATH), with a token and no browser of its own; Chromium opens lesson 01, clears its stored
outputs and runs every cell through the menus, as a learner would.

The server works on a throwaway copy of notebooks/, with fresh user settings and workspaces (a first
open), so the repository's lessons are never touched. A screenshot of the notebook after the run
goes to test-artifacts/lab/ (git-ignored).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_support import ROOT, chromium, screenshot_path

LESSON = "01_writing_slicing_functions.ipynb"
SLICES = ["short_comment", "short_link", "keyword_please", "regex_check_out", "textblob_polarity"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_command() -> tuple[list[str], dict[str, str]]:
    """`make lessons`' JupyterLab command and environment, as the Makefile builds them."""
    dry = subprocess.run(["make", "-n", "-s", "lessons"], cwd=ROOT, capture_output=True, text=True)
    line = next((x for x in dry.stdout.splitlines() if " lab " in x and "jupyter" in x), None)
    assert line, f"`make -n lessons` shows no `jupyter lab` command:\n{dry.stdout}{dry.stderr}"
    words = line.split()
    env = dict(os.environ)
    while "=" in words[0]:  # leading VAR=value assignments
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    jupyter = Path(sys.executable).parent / "jupyter"
    flags = [w for w in words[2:] if w.startswith("--")]  # drop `jupyter lab` and the folder
    return [str(jupyter), "lab", *flags], env


def test_make_lessons_passes_allow_root_only_as_root_and_uses_the_course_settings():
    command, env = _lab_command()
    assert ("--allow-root" in command) == (os.getuid() == 0), command
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(ROOT / "jupyter_config")


@pytest.fixture()
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of notebooks/; yields its base URL."""
    work = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    command, env = _lab_command()
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    token, port = secrets.token_hex(16), _free_port()
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [*command, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text())
                time.sleep(0.5)
        yield {"base": base, "token": token, "work": work, "log": tmp_path / "lab.log"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_a_learner_runs_lesson_01_in_jupyterlab(lab):
    start = time.perf_counter()
    n_code = sum(c.cell_type == "code" for c in nbformat.read(lab["work"] / LESSON, as_version=4).cells)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        # The news feed and update check are off: JupyterLab's server is never asked to contact them.
        page.on("request", lambda r: any(api in r.url for api in ("/lab/api/news", "/lab/api/update"))
                and problems.append(f"asked for news or updates: {r.url}"))
        page.goto(f"{lab['base']}/lab/tree/{LESSON}?token={lab['token']}")

        notebook = page.locator(".jp-NotebookPanel")
        notebook.locator(".jp-Cell").first.wait_for(timeout=60_000)
        idle = page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']")
        idle.wait_for(timeout=60_000)  # the kernel has started

        # A first open asks nothing about news, and each lesson is listed once (no .py twin).
        assert page.get_by_text("official Jupyter news").count() == 0
        listing = page.locator(".jp-DirListing-item .jp-DirListing-itemText").all_inner_texts()
        assert LESSON in listing, listing
        assert not [name for name in listing if name.endswith(".py")], listing

        # Clear the stored outputs, so whatever appears next was computed in this run.
        notebook.locator(".jp-Cell").first.click()
        _menu(page, "Edit", "Clear Outputs of All Cells")
        assert notebook.locator(".jp-OutputArea-output").count() == 0

        _menu(page, "Run", "Run All Cells")
        prompts = notebook.locator(".jp-CodeCell .jp-InputArea-prompt")
        page.wait_for_function(
            """n => {
                const p = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
                return p.length === n && p.every(e => /\\[\\d+\\]/.test(e.textContent));
            }""",
            arg=n_code, timeout=90_000,
        )
        idle.wait_for(timeout=30_000)
        counts = prompts.all_text_contents()  # innerText is empty for cells scrolled out of view
        assert counts == [f"[{i}]:" for i in range(1, n_code + 1)], counts

        # No cell shows an error, and the slice table is there, with every slice of the lesson.
        # (The lesson prints one caught SlicingFunctionError on purpose: that is stdout, not an error.)
        stderr = notebook.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert not [t for t in stderr.all_text_contents() if "Traceback" in t], "a cell failed"
        table = notebook.locator(".jp-OutputArea-output table", has_text="coverage").first
        table.scroll_into_view_if_needed()
        text = table.text_content()
        for name in ["overall", *SLICES]:
            assert name in text, f"the slice table lacks {name}:\n{text}"
        page.wait_for_timeout(300)  # let the figure below the table settle before the picture
        page.screenshot(path=screenshot_path("lab", "01_after_run_all"))

        # Saved as a learner would (Ctrl+S): the file holds the run, cell by cell, with no error.
        page.keyboard.press("Control+s")
        page.locator(".lm-TabBar-tab.jp-mod-dirty").first.wait_for(state="detached", timeout=30_000)
        assert not problems, problems
    seconds = time.perf_counter() - start
    print(f"\nlesson 01 opened, run and saved in JupyterLab in {seconds:.1f} s")

    saved = nbformat.read(lab["work"] / LESSON, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, n_code + 1))
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    assert seconds < 120, f"the browser run took {seconds:.0f} s; keep it under 2 minutes"
