"""Suite case: how long the whole test suite takes, and each lesson notebook.

Two views: pytest's own durations (``--durations=0``, nbval cells summed per notebook), and a
restart-and-run-all of each lesson with ``tools/run_lessons.py`` on copies in a temporary folder
(the tool writes outputs in place, so the repository's notebooks are never touched).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import ORIGINAL_ENV, ROOT

DURATION = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+?)(::.*)?$")
SUMMARY = re.compile(r"(\d+ (?:passed|failed|errors?)\b.*?) in ([\d.]+)s")


def pytest_times() -> dict[str, Any]:
    """Run the whole suite as the README does, plus ``--durations=0``; wall time and per-file."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "--durations=0", "-q"], cwd=ROOT,
                          capture_output=True, text=True, env=ORIGINAL_ENV)
    wall = time.perf_counter() - start
    per_file: dict[str, float] = defaultdict(float)
    for line in proc.stdout.splitlines():
        match = DURATION.match(line)
        if match:
            per_file[match.group(3)] += float(match.group(1))
    summary = next((m.group(1) for line in reversed(proc.stdout.splitlines())
                    if (m := SUMMARY.search(line))), "no pytest summary line found")
    notebooks = {f: round(s, 1) for f, s in per_file.items() if f.endswith(".ipynb")}
    slowest = dict(sorted(((f, round(s, 1)) for f, s in per_file.items()),
                          key=lambda kv: -kv[1])[:10])
    return {"wall_s": wall, "exit_code": proc.returncode, "summary": summary,
            "notebooks_s": notebooks, "slowest_files_s": slowest}


def lesson_times() -> dict[str, float]:
    """Restart-and-run-all of every lesson, on copies, with tools/run_lessons.py --no-sync."""
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for nb in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
            copies.append(Path(tmp) / nb.name)
            shutil.copy(nb, copies[-1])
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "run_lessons.py"), "--no-sync",
                               *map(str, copies)], cwd=ROOT, capture_output=True, text=True,
                              env=ORIGINAL_ENV)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    times = {}
    for line in proc.stdout.splitlines()[1:]:
        name, _, seconds = line.rpartition(" ")
        times[name.strip()] = float(seconds)
    return times


def suite(smoke: bool) -> dict[str, Any]:
    """Case 6 (not in --smoke: it runs the suite, which runs the smoke benchmark itself)."""
    title = "Test suite (pytest, nbval over every lesson) and each lesson's run-all"
    if smoke:
        return {"title": title, "skipped": "not in --smoke: the full suite takes minutes"}
    tests, lessons = pytest_times(), lesson_times()
    results = {"pytest, whole suite": {"median_s": tests["wall_s"], "runs": [round(tests["wall_s"], 1)],
                                       "facts": f"{tests['summary']}, exit code {tests['exit_code']}"}}
    for name, seconds in sorted(tests["notebooks_s"].items()):
        results[f"nbval {Path(name).name}"] = {"median_s": seconds, "runs": [seconds]}
    for name, seconds in lessons.items():
        if name != "error":
            results[f"run-all {name}"] = {"median_s": seconds, "runs": [seconds]}
    return {
        "title": title,
        "pytest": tests,
        "lessons_run_all_s": lessons,
        "results": results,
        "target": "whole suite < 300 s on a 2-core machine",
        "notes": "pytest durations are summed per notebook over its nbval cells; run-all times come "
                 "from tools/run_lessons.py on copies (fresh kernel, outputs written to the copies).",
    }
