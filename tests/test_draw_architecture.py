"""tools/draw_architecture.py draws lesson 05's figure: it runs, repeats itself byte for byte, and
the committed SVG is what it draws today (so the figure cannot drift from the script)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "draw_architecture.py"
COMMITTED = ROOT / "notebooks" / "figures" / "slice_architecture.svg"


def test_the_script_reproduces_the_committed_figure(tmp_path):
    out = tmp_path / "architecture.svg"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == COMMITTED.read_bytes(), (
        "notebooks/figures/slice_architecture.svg is not what tools/draw_architecture.py draws; "
        "run `python tools/draw_architecture.py` and commit the result"
    )


def test_the_figure_names_every_part_of_the_model():
    svg = COMMITTED.read_text(encoding="utf-8")
    for part in ("backbone", "indicator head", "slice transform", "shared", "predictor",
                 "attention", "master head", "base (every row)", "max_prob", "/ T"):
        assert part in svg, part


def test_the_lesson_shows_the_figure():
    lesson = (ROOT / "notebooks" / "05_slice_based_learning.py").read_text(encoding="utf-8")
    assert "](figures/slice_architecture.svg)" in lesson
