"""Vectorised metrics for many slices at once: scores and intervals from counts.

The Scorer (``scorer.py``) checks and encodes the inputs; this module only does
arithmetic. Every count-based metric is a function of a slice's confusion
counts, so all slices (and all bootstrap replicates) are scored together from
one array of counts of shape ``(..., n_cells)``. ROC AUC is computed from
positive/negative counts per group of tied scores, after one global sort.

Values match ``sklearn.metrics`` (1.9) operation for operation: division by
zero gives 0.0 (sklearn's ``zero_division`` default), and macro averages run
over the classes present in the slice's golds or preds.
"""

import warnings
from dataclasses import dataclass
from statistics import NormalDist
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
    true = ((cells.gold[:, None] == classes) & scored[:, None]).astype(np.int64)
    pred = ((cells.pred[:, None] == classes) & scored[:, None]).astype(np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    return Stats(
        n=counts.sum(-1),
        scored=counts @ scored.astype(np.int64),
        abstained=counts @ (cells.pred == k).astype(np.int64),
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


def _z(ci: float) -> float:
    return NormalDist().inv_cdf(0.5 + ci / 2)


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion; NaN where ``trials == 0``.

    Examples
    --------
    >>> low, high = wilson_interval(np.array([8]), np.array([10]))
    >>> np.round([low[0], high[0]], 4)
    array([0.4902, 0.9433])
    """
    z2 = _z(ci) ** 2
    s, n = np.asarray(successes, float), np.asarray(trials, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s / n
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = np.sqrt(z2) / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def tie_groups(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort once: ``(order, before, last)`` for the rows in ascending score order.

    ``before[i]`` is the last sorted position below row i's tie group (-1 if none)
    and ``last[i]`` the last position of its own tie group.

    Examples
    --------
    >>> tie_groups(np.array([0.3, 0.1, 0.3]))
    (array([1, 0, 2]), array([-1,  0,  0]), array([0, 2, 2]))
    """
    order = np.argsort(scores, kind="stable")
    ranked = scores[order]
    new = np.r_[True, ranked[1:] != ranked[:-1]][: len(ranked)]
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(ranked)] - 1
    return order, starts[group] - 1, ends[group]


def sorted_auc(
    member: np.ndarray,
    positive: np.ndarray,
    before: np.ndarray,
    last: np.ndarray,
    variance: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """ROC AUC of many slices at once, and optionally DeLong's variance; NaN if a class is missing.

    ``member`` is the ``(n_slices, n_rows)`` 0/1 membership and ``positive`` the
    ``(n_rows,)`` bool golds, rows in ascending score order; ``before`` and ``last``
    come from :func:`tie_groups`. A tie counts one half, as in sklearn's ROC curve.
    The variance (NaN with fewer than two of a class) is ``var(pos placements) / P +
    var(neg placements) / N``, a placement being the share of the other class a row
    beats.

    Examples
    --------
    >>> order, before, last = tie_groups(np.array([0.1, 0.4, 0.4, 0.8, 0.2]))
    >>> positive = np.array([0, 1, 0, 1, 0], bool)[order]
    >>> sorted_auc(np.ones((1, 5)), positive, before, last)[0]  # 5.5 of 6 pairs
    array([0.91666667])
    """
    member = np.asarray(member, np.uint8)
    pos_in = member * positive  # (slices, rows): 1 for the slice's positives
    neg_in = member - pos_in
    n_pos = pos_in.sum(1, dtype=np.int64)
    n_neg = member.sum(1, dtype=np.int64) - n_pos
    ties = not np.array_equal(last, np.arange(len(last)))

    def twice_beaten(mine: np.ndarray, other: np.ndarray) -> np.ndarray:
        # For each row in `mine`: 2 * (rows of `other` strictly below it) + (tied ones);
        # 0 elsewhere. (slices, rows) int32.
        c = np.empty((len(member), member.shape[1] + 1), np.int32)  # c[:, i + 1]: up to row i
        c[:, 0] = 0
        np.cumsum(other, axis=1, dtype=np.int32, out=c[:, 1:])
        if ties:
            return (c[:, before + 1] + c[:, last + 1]) * mine
        # No ties: a row of `mine` adds nothing to `other`, so c[:, i] == c[:, i + 1].
        twice = np.multiply(c[:, 1:], mine, out=c[:, 1:])
        return np.left_shift(twice, 1, out=twice)

    twice_pos = twice_beaten(pos_in, neg_in)  # each positive against the slice's negatives
    with np.errstate(invalid="ignore", divide="ignore"):
        # The sum is twice the Mann-Whitney U, exact in int64: the AUC is correctly rounded.
        auc = twice_pos.sum(1, dtype=np.int64) / (2 * n_pos * n_neg)
        auc[n_pos * n_neg == 0] = np.nan
        if not variance:
            return auc, np.full(len(member), np.nan)
        # Each negative beats 2 P - (this) halves of the slice's positives.
        twice_neg = twice_beaten(neg_in, pos_in)
        sum_neg, sum_neg2 = twice_neg.sum(1, dtype=np.int64), (twice_neg.astype(float) ** 2).sum(1)
        sq_pos = (twice_pos.astype(float) ** 2).sum(1) / (4.0 * n_neg**2)
        sq_neg = (4.0 * n_pos**2 * n_neg - 4.0 * n_pos * sum_neg + sum_neg2) / (4.0 * n_pos**2)
        s10 = np.maximum(sq_pos - n_pos * auc**2, 0) / (n_pos - 1)
        s01 = np.maximum(sq_neg - n_neg * auc**2, 0) / (n_neg - 1)
        var = np.where((n_pos > 1) & (n_neg > 1), s10 / n_pos + s01 / n_neg, np.nan)
    return auc, var


def auc_from_groups(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """ROC AUC from counts per tie group, ``(..., n_groups)`` in ascending score order.

    Used for bootstrap replicates; NaN where a class is missing.

    Examples
    --------
    >>> float(auc_from_groups(np.array([0, 1, 1]), np.array([2, 1, 0])))  # 11 of 12 pairs
    0.9166666666666666
    """
    pos, neg = np.asarray(pos, np.int64), np.asarray(neg, np.int64)
    below = np.cumsum(neg, axis=-1) - neg  # negatives strictly below each group
    n_pos, n_neg = pos.sum(-1), neg.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (pos * (2 * below + neg)).sum(-1) / (2 * n_pos * n_neg)
    return np.where(n_pos * n_neg > 0, auc, np.nan)


def delong_interval(
    auc: np.ndarray, var: np.ndarray, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Normal interval ``auc +- z * sqrt(var)`` from the DeLong variance, clipped to [0, 1].

    Examples
    --------
    >>> delong_interval(np.array([0.8]), np.array([0.0025]), ci=0.95)[0].round(4)
    array([0.702])
    """
    half = _z(ci) * np.sqrt(var)
    return np.clip(auc - half, 0, 1), np.clip(auc + half, 0, 1)


def percentile_interval(samples: np.ndarray, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0 of bootstrap replicates, skipping NaN replicates.

    Examples
    --------
    >>> [float(x) for x in percentile_interval(np.array([1.0, 2.0, np.nan, 3.0]), ci=0.5)]
    [1.5, 2.5]
    """
    with warnings.catch_warnings():
        # A row whose replicates are all NaN gives NaN, which numpy also warns about.
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanquantile(samples, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    return low, high


def bootstrap_counts(
    counts: np.ndarray,
    metrics: list[str],
    cells: Cells,
    beta: float,
    rng: np.random.Generator,
    n_bootstrap: int,
) -> dict[str, np.ndarray]:
    """Bootstrap replicates ``(n_bootstrap, n_rows)`` of count metrics, each row on its own.

    Resampling a slice's n rows with replacement picks each row with chance 1/n,
    so each draw lands in confusion cell c with chance counts[c] / n, independently
    n times: the resampled counts are Multinomial(n, counts / n). The metrics see
    the rows only through these counts, so drawing the counts *is* the row
    bootstrap, at a cost that does not grow with n.

    Examples
    --------
    >>> cells = Cells(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), 2, True)
    >>> rng = np.random.default_rng(0)
    >>> bootstrap_counts(np.array([[5, 0, 0, 5]]), ["accuracy"], cells, 1.0, rng, 3)["accuracy"]
    array([[1.],
           [1.],
           [1.]])
    """
    n = counts.sum(1)
    p = np.where(n[:, None] > 0, counts / np.maximum(n, 1)[:, None], 1 / counts.shape[1])
    samples = {m: np.empty((n_bootstrap, len(counts))) for m in metrics}
    step = max(1, 2**23 // (n_bootstrap * counts.shape[1]))  # rows per draw, bounds memory
    for r in range(0, len(counts), step):
        rows = slice(r, r + step)
        draws = rng.multinomial(n[rows], p[rows], size=(n_bootstrap, len(n[rows])))
        replicate = confusion_stats(draws, cells)  # (n_bootstrap, rows, ...)
        for m in metrics:
            samples[m][:, rows] = count_metric(m, replicate, cells.binary, beta)
    return samples


def bootstrap_auc(
    positive: np.ndarray, group: np.ndarray, n: int, rng: np.random.Generator, n_bootstrap: int
) -> np.ndarray:
    """Bootstrap replicates ``(n_bootstrap,)`` of one slice's ROC AUC, by resampling its rows.

    ``positive`` (bool) and ``group`` (a tie-group label, non-decreasing) describe the
    slice's scored rows in ascending score order; ``n`` counts all its rows, so
    unscored (abstained) rows are resampled too and then dropped. Unlike the
    count metrics there is no shortcut: the cost is O(n_bootstrap * n).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> bootstrap_auc(np.array([0, 0, 1, 1], bool), np.arange(4), 5, rng, 3)  # nan: one class drawn
    array([ 1., nan, nan])
    """
    dense = np.cumsum(np.r_[False, group[1:] != group[:-1]])[: len(group)]  # groups 0, 1, ...
    code = 2 * dense + positive  # (tie group, class) cell of each scored row
    n_cells = 2 * (int(dense[-1]) + 1) if len(dense) else 0
    samples = np.full(n_bootstrap, np.nan)
    step = max(1, 2**16 // max(n, 1))  # replicates per batch, keeps the counts in cache
    for b in range(0, n_bootstrap if positive.any() and not positive.all() else 0, step):
        m = min(step, n_bootstrap - b)
        draw = rng.integers(0, n, size=(m, n))  # row indices; >= len(code) is an unscored row
        hit = draw < len(code)
        replicate = np.broadcast_to(np.arange(m)[:, None], draw.shape)[hit]
        cells = np.bincount(replicate * n_cells + code[draw[hit]], minlength=m * n_cells)
        cells = cells.reshape(m, n_cells // 2, 2)  # (replicates, groups, [negative, positive])
        samples[b : b + m] = auc_from_groups(cells[..., 1], cells[..., 0])
    return samples
