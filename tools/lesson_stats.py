"""Count each lesson's words, code cells and exercises, and estimate a learner's time from them.

Usage: ``python tools/lesson_stats.py [--markdown]``. The README's "your time" column comes from
here, and is an estimate by a stated rule, not a measurement of learners:

    minutes = words / 150 (careful reading of technical prose)
            + 1 per code cell (read it, run it, look at the output)
            + 8 per exercise (think, write, run the check, fix once)

The rule is a planning aid for workshop instructors; rounded to 5 minutes.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 150
MINUTES_PER_CELL = 1
MINUTES_PER_EXERCISE = 8
EXERCISE = re.compile(r"^\*\*(\d+[a-z])\.", re.MULTILINE)
STATED = re.compile(r"\*Time: about (\d+) minutes")


def lesson_stats(path: Path) -> dict[str, object]:
    """Words of prose, code cells, exercise ids and the estimated minutes of one lesson."""
    cells = jupytext.read(path).cells
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = [c for c in cells if c.cell_type == "code" and c.source.strip()]
    words = len(re.findall(r"[A-Za-z0-9][\w'’.-]*", prose))
    exercises = sorted(set(EXERCISE.findall(prose)))
    raw = words / WORDS_PER_MINUTE + MINUTES_PER_CELL * len(code)
    raw += MINUTES_PER_EXERCISE * len(exercises)
    stated = STATED.search(prose)
    return {
        "lesson": path.stem,
        "words": words,
        "code_cells": len(code),
        "exercises": exercises,
        "estimate_min": max(5, int(5 * round(raw / 5))),
        "stated_min": int(stated.group(1)) if stated else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args(argv)
    rows = [lesson_stats(p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))]
    if args.markdown:
        print("| lesson | words | code cells | exercises | estimate (min) | stated (min) |")
        print("|---|---|---|---|---|---|")
    for r in rows:
        ex = ", ".join(r["exercises"]) or "none"
        if args.markdown:
            print(f"| {r['lesson']} | {r['words']:,} | {r['code_cells']} | {len(r['exercises'])} ({ex}) "
                  f"| {r['estimate_min']} | {r['stated_min']} |")
        else:
            print(f"{r['lesson']:40s} {r['words']:6,} words {r['code_cells']:3d} cells "
                  f"{len(r['exercises'])} exercises ({ex}) ~{r['estimate_min']} min "
                  f"(stated {r['stated_min']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
