"""Restart-and-run-all every lesson in place, re-pair it with its text form, and time it.

Usage: ``python tools/run_lessons.py [notebooks/03_*.ipynb ...]`` (default: every lesson).
This is how stored outputs are produced, and the workshop fast path for checking a machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_lesson(path: Path, timeout: int = 900) -> float:
    """Execute one notebook from a fresh kernel in its own folder; return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="lessons to run (default: all)")
    parser.add_argument("--no-sync", action="store_true", help="do not update the .py pairs")
    args = parser.parse_args(argv)
    lessons = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    # Stored outputs must not depend on the machine: no progress bars.
    os.environ["SNORKEL_SLICE_PROGRESS"] = "0"
    # The lessons import `utils` and `exercises` from the repository root (not installed).
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    total = 0.0
    print(f"{'lesson':<48} {'seconds':>8}")
    for path in lessons:
        if not args.no_sync:  # take edits made to the .py twin first, so none are lost
            subprocess.run([sys.executable, "-m", "jupytext", "--sync", "--quiet", str(path)], check=True)
        seconds = run_lesson(path.resolve())
        total += seconds
        print(f"{path.name:<48} {seconds:8.1f}", flush=True)
        if not args.no_sync:
            subprocess.run([sys.executable, "-m", "jupytext", "--sync", "--quiet", str(path)], check=True)
    print(f"{'total':<48} {total:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
