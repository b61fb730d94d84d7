"""Count metrics for many slices at once, from confusion counts.

The Scorer (``scorer.py``) checks and encodes the inputs; this module only does
arithmetic. Every count-based metric is a function of a slice's confusion
counts, so all slices (and all bootstrap replicates) are scored together from
one array of counts of shape ``(..., n_cells)``. Intervals are in
``intervals.py``; ROC AUC, which needs a ranking, is in ``auc.py``.

Values match ``sklearn.metrics`` (1.9) operation for operation: division by
zero gives 0.0 (sklearn's ``zero_division`` default), and macro averages run
over the classes present in the slice's golds or preds.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

# Snorkel's metric names, in Snorkel's order.
METRICS = (
    "accuracy",
    "coverage",
    "precision",
    "recall",
    "f1",
    "f1_micro",
    "f1_macro",
    "fbeta",
    "matthews_corrcoef",
    "roc_auc",
)
# Metrics scored from probs; every other one is scored from preds.
PROBS_METRICS = ("roc_auc",)


@dataclass(frozen=True)
class Cells:
    """The confusion cells that partition a slice's rows, one per (gold, pred) code pair.

    Codes ``0 .. n_classes - 1`` stand for the sorted class labels, code ``n_classes``
    for an abstain.
    """

    gold: np.ndarray  # (n_cells,) gold code of each cell
    pred: np.ndarray  # (n_cells,) pred code of each cell
    n_classes: int  # number of class labels, abstain excluded
    binary: bool  # labels within {0, 1}: precision/recall/f1/fbeta score class 1


class Stats(NamedTuple):
    """Sufficient statistics of confusion counts; leading axes as in the counts."""

    n: np.ndarray  # (...,) rows in the slice
    scored: np.ndarray  # (...,) rows with a gold label and a prediction
    abstained: np.ndarray  # (...,) rows whose prediction is an abstain
    tp: np.ndarray  # (..., n_classes) scored rows with gold == pred == class
    true: np.ndarray  # (..., n_classes) scored rows with gold == class
    pred: np.ndarray  # (..., n_classes) scored rows with pred == class


def confusion_stats(counts: np.ndarray, cells: Cells) -> Stats:
    """Reduce confusion counts ``(..., n_cells)`` to the statistics every metric needs.

    Examples
    --------
    >>> cells = Cells(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), 2, True)
    >>> confusion_stats(np.array([3, 1, 2, 4]), cells).tp
    array([3, 4])
    """
    k = cells.n_classes
    scored = (cells.gold < k) & (cells.pred < k)
    classes = np.arange(k)
    # (n_cells, n_classes) 0/1 maps from cells to per-class sums.
    counts = np.asarray(counts)
    # Integer counts stay exact; the smoothed bootstrap's fractional counts stay float.
    kind = np.float64 if counts.dtype.kind == "f" else np.int64
    counts = counts.astype(kind, copy=False)
    true = ((cells.gold[:, None] == classes) & scored[:, None]).astype(kind)
    pred = ((cells.pred[:, None] == classes) & scored[:, None]).astype(kind)
    return Stats(
        n=counts.sum(-1),
        scored=counts @ scored.astype(kind),
        abstained=counts @ (cells.pred == k).astype(kind),
        tp=counts @ (true * pred),
        true=counts @ true,
        pred=counts @ pred,
    )


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    # sklearn's zero_division default: x / 0 -> 0.0 (it also warns; we do not).
    num, den = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float))
    return np.divide(num, den, out=np.zeros(num.shape), where=den != 0)


def _average(per_class: np.ndarray, stats: Stats, binary: bool) -> np.ndarray:
    # Binary: sklearn's average="binary" scores class 1. Otherwise average="macro"
    # over the classes present in the slice, as sklearn does (sum / count).
    if binary:
        return per_class[..., 1]
    present = (stats.true + stats.pred) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(present, per_class, 0.0).sum(-1) / present.sum(-1)


def _fbeta(stats: Stats, beta: float) -> np.ndarray:
    # sklearn's form (1 + b^2) tp / (b^2 true + pred), per class: (..., n_classes).
    beta2 = beta**2
    return _divide(
        (1 + beta2) * stats.tp.astype(float), beta2 * stats.true + stats.pred.astype(float)
    )


def count_metric(name: str, stats: Stats, binary: bool, beta: float = 1.0) -> np.ndarray:
    """Score one count-based metric from :func:`confusion_stats`; NaN where undefined.

    A metric is undefined (NaN) on an empty slice, and, except ``coverage``, on a
    slice with no row that has both a gold label and a prediction.

    Examples
    --------
    >>> cells = Cells(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), 2, True)
    >>> stats = confusion_stats(np.array([[3, 1, 2, 4], [0, 0, 0, 0]]), cells)
    >>> count_metric("f1", stats, binary=True)
    array([0.72727273,        nan])
    """
    if name == "coverage":
        value = _divide(stats.n - stats.abstained, stats.n)
        return np.where(stats.n > 0, value, np.nan)
    correct = stats.tp.sum(-1).astype(float)
    if name == "accuracy":
        value = _divide(correct, stats.scored)
    elif name == "f1_micro":
        # Micro sums make true = pred = scored: 2 correct / (scored + scored), as sklearn.
        value = _divide(2 * correct, 2.0 * stats.scored)
    elif name == "precision":
        value = _average(_divide(stats.tp, stats.pred), stats, binary)
    elif name == "recall":
        value = _average(_divide(stats.tp, stats.true), stats, binary)
    elif name in ("f1", "fbeta"):
        value = _average(_fbeta(stats, 1.0 if name == "f1" else beta), stats, binary)
    elif name == "f1_macro":
        value = _average(_fbeta(stats, 1.0), stats, binary=False)
    elif name == "matthews_corrcoef":
        value = _matthews(stats)
    else:
        raise ValueError(f"{name!r} is not a count-based metric; expected one of {METRICS[:-1]}")
    return np.where(stats.scored > 0, value, np.nan)


def _matthews(stats: Stats) -> np.ndarray:
    # sklearn's covariance form; all sums are exact integers in float64 below 2**53.
    t, p = stats.true.astype(float), stats.pred.astype(float)
    correct, total = stats.tp.sum(-1).astype(float), p.sum(-1)
    cov_tp = correct * total - (t * p).sum(-1)
    cov_pp = total**2 - (p * p).sum(-1)
    cov_tt = total**2 - (t * t).sum(-1)
    denom = cov_pp * cov_tt
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom == 0, 0.0, cov_tp / np.sqrt(denom))


def proportion(name: str, stats: Stats, binary: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Return ``(successes, trials)`` if the metric is a plain proportion, else None.

    Accuracy and micro-F1 (equal for single-label data), coverage, and on binary
    labels precision and recall are proportions, so a Wilson interval applies.

    Examples
    --------
    >>> cells = Cells(np.array([0, 1]), np.array([0, 1]), 2, True)
    >>> [int(x) for x in proportion("accuracy", confusion_stats(np.array([2, 3]), cells), True)]
    [5, 5]
    """
    if name in ("accuracy", "f1_micro"):
        return stats.tp.sum(-1), stats.scored
    if name == "coverage":
        return stats.n - stats.abstained, stats.n
    if binary and name == "precision":
        return stats.tp[..., 1], stats.pred[..., 1]
    if binary and name == "recall":
        return stats.tp[..., 1], stats.true[..., 1]
    return None
