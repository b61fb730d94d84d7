"""Draw the slice-aware classifier (lesson 05's figure) as an SVG, the same bytes on every run.

    python tools/draw_architecture.py                 # writes notebooks/figures/slice_architecture.svg
    python tools/draw_architecture.py --out other.svg

The diagram follows ``snorkel_slice/slicing/classifier.py``: a backbone maps the input to ``z``;
per slice (``base`` included) an indicator head reads ``z`` and a slice transform maps ``z`` to
``r_s``; one predictor head, shared by every slice, reads each ``r_s``; attention weights
``softmax_s(P(in s) * confidence_s / T)`` mix the ``r_s``; the master head predicts from the mix.
``tests/test_draw_architecture.py`` checks that the committed file is what this script draws.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "figures" / "slice_architecture.svg"
# Colours by role: shared parts grey, per-slice parts blue/orange, the mixing green.
SHARED, INDICATOR, TRANSFORM, MIX = "#e0e0e0", "#c6dbef", "#fdd0a2", "#c7e9c0"


def _box(ax, x, y, w, h, text, colour, size=9):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02",
                                facecolor=colour, edgecolor="#333333", linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=size)


def _arrow(ax, start, end, text=None, colour="#333333"):
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="->", color=colour, linewidth=1, shrinkA=0, shrinkB=0))
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.05, text, ha="center",
                va="bottom", fontsize=7, color="#333333")


def draw() -> plt.Figure:
    """The figure: input -> backbone -> per-slice heads -> attention -> master head."""
    fig, ax = plt.subplots(figsize=(11.5, 5.6))
    ax.set(xlim=(0, 14.2), ylim=(-0.9, 7.1))
    ax.axis("off")
    _box(ax, 0.8, 3.4, 1.2, 0.8, "input x\n(word counts)", "white")
    _box(ax, 2.6, 3.4, 1.7, 1.0, "backbone\n(shared network)", SHARED)
    _arrow(ax, (1.4, 3.4), (1.75, 3.4))
    ax.text(3.5, 3.5, "z", fontsize=9, style="italic")
    for y, name in [(5.8, "slice 1"), (3.4, "slice k"), (1.0, "base (every row)")]:
        ax.text(4.0, y + 0.9, name, fontsize=9, fontweight="bold")
        _box(ax, 5.0, y + 0.45, 2.0, 0.6, "indicator head\nLinear(h, 2)", INDICATOR, 8)
        _box(ax, 5.0, y - 0.45, 2.0, 0.6, "slice transform\nLinear(h, h)", TRANSFORM, 8)
        for dy in (0.45, -0.45):
            _arrow(ax, (3.45, 3.4), (4.0, y + dy))
        _arrow(ax, (6.0, y + 0.45), (8.5, y + 0.45), "P(in slice)")
        _arrow(ax, (6.0, y - 0.45), (6.35, y - 0.45))
        _box(ax, 6.9, y - 0.45, 1.1, 0.6, "shared\npredictor\nhead", SHARED, 7)
        _arrow(ax, (7.45, y - 0.45), (8.5, y - 0.45), "confidence")
        ax.plot([6.17, 6.17], [y - 0.45, y - 0.95], color="#333333", linewidth=1)
        _arrow(ax, (6.17, y - 0.95), (8.5, y - 0.95))
        ax.text(8.0, y - 0.92, "r", fontsize=8, style="italic", va="bottom")
    for y in (4.55, 2.15):
        ax.text(5.0, y, "⋮", ha="center", va="center", fontsize=14)
    _box(ax, 9.7, 3.3, 2.4, 6.6, "attention\n\nweight of slice s =\nsoftmax over slices of\n"
         "P(in s) × conf_s / T\n\nconf_s: P(class 1),\n'positive' (Snorkel's),\n"
         "or the largest P,\n'max_prob'\n\nmix = Σ_s weight_s · r_s", MIX, 8)
    _box(ax, 12.2, 3.4, 1.6, 1.0, "master head\nLinear(h, C)", SHARED, 8)
    _arrow(ax, (10.9, 3.4), (11.4, 3.4), "mix")
    _arrow(ax, (13.0, 3.4), (13.7, 3.4))
    ax.text(13.35, 3.05, "prediction", ha="center", va="top", fontsize=8)
    ax.text(7.1, -0.75, "r = the slice's representation. The indicator head learns 'in the slice?' "
            "on every row; the predictor head learns the label from the rows of each slice only.",
            ha="center", fontsize=8, style="italic")
    ax.set_title("The slice-aware classifier (Chen et al., 2019)", fontsize=11)
    return fig


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the SVG")
    out = parser.parse_args(argv).out
    plt.rcParams["svg.hashsalt"] = "slice-architecture"  # fixed ids, so the bytes repeat
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: readable, searchable, small
    fig = draw()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(main())
