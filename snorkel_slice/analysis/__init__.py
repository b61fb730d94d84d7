"""Per-slice scores with sizes and intervals, slice summaries, slices over time, and their plots.

As in ``snorkel.analysis``. Nothing here imports torch.
"""

from snorkel_slice.analysis.compare import compare_slices
from snorkel_slice.analysis.find import find_slices
from snorkel_slice.analysis.metric_score import metric_score
from snorkel_slice.analysis.metrics import METRICS
from snorkel_slice.analysis.multitest import adjust_p_values
from snorkel_slice.analysis.notices import SmallSliceWarning, UndefinedScoreWarning
from snorkel_slice.analysis.plots import (
    plot_slice_scores,
    plot_slice_summary,
    plot_slices_over_time,
)
from snorkel_slice.analysis.scorer import Scorer
from snorkel_slice.analysis.summary import slice_overlap, slice_summary
from snorkel_slice.analysis.windows import WINDOW_METRICS, score_windows, window_labels

__all__ = [
    "METRICS",
    "WINDOW_METRICS",
    "Scorer",
    "SmallSliceWarning",
    "UndefinedScoreWarning",
    "adjust_p_values",
    "compare_slices",
    "find_slices",
    "metric_score",
    "plot_slice_scores",
    "plot_slice_summary",
    "plot_slices_over_time",
    "slice_overlap",
    "slice_summary",
    "score_windows",
    "window_labels",
]
