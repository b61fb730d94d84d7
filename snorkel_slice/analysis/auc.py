"""ROC AUC for many slices at once, after one global sort by score, with its intervals.

Each slice's AUC comes from cumulative counts of its members in the global order, never
another sort; ties count one half, as in sklearn's ROC curve.
"""

import numpy as np

from snorkel_slice.analysis.intervals import delong_interval, percentile_interval
from snorkel_slice.progress import progress


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


def slice_roc_auc(member, scores, golds, scored, n, ci, method, n_bootstrap):
    """ROC AUC of all rows and of each slice, and its bounds; arrays of length 1 + n_slices.

    ``member`` is the ``(n_slices, n_rows)`` uint8 membership, ``scores`` P(class 1) per row,
    ``scored`` which rows have a gold label and ``n`` the row count of each result row.
    ``method`` is None (no interval), "analytic" (DeLong) or a Generator (bootstrap).

    Examples
    --------
    >>> golds = np.array([0, 1, 1, 0])
    >>> auc, _ = slice_roc_auc(np.array([[1, 1, 0, 0]], np.uint8), np.array([0.2, 0.9, 0.4, 0.6]),
    ...                        golds, np.ones(4, bool), np.array([4, 2]), None, None, 1)
    >>> auc.tolist()
    [0.75, 1.0]
    """
    # One global sort by P(class 1); each slice's AUC then comes from cumulative
    # counts of its members in that order, never another sort.
    rows = np.flatnonzero(scored)
    order, before, last = tie_groups(scores[rows])
    rows, k = rows[order], len(member)
    positive = golds[rows] == 1
    member = np.take(member, rows, axis=1)  # (slices, scored rows by score), C order
    auc, var = sorted_auc(np.ones((1, len(rows))), positive, before, last, method == "analytic")
    auc, var = np.resize(auc, 1 + k), np.resize(var, 1 + k)  # overall first, slices next
    width = max(1, 2**24 // max(len(rows), 1))  # slices per pass, bounds memory
    for j in range(0, k, width):
        part = slice(1 + j, 1 + j + width)
        auc[part], var[part] = sorted_auc(
            member[j : j + width], positive, before, last, method == "analytic"
        )
    if method == "analytic":
        return auc, delong_interval(auc, var, ci)
    low, high = np.full(1 + k, np.nan), np.full(1 + k, np.nan)
    if method is None:
        return auc, (low, high)
    # Resampling rows costs ~2-3 s per 1e8 draws: show a bar when it will take that long.
    slow = int(n.sum()) * n_bootstrap > 10**8
    for r in progress(range(1 + k), enabled=slow, desc="roc_auc bootstrap", unit="slice"):
        sel = np.arange(len(rows)) if r == 0 else np.flatnonzero(member[r - 1])
        replicates = bootstrap_auc(positive[sel], last[sel], n[r], method, n_bootstrap)
        low[r], high[r] = percentile_interval(replicates, ci)
    return auc, (low, high)
