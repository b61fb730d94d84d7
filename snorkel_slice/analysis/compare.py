"""Compare each slice with the rest of the data, with a test that fits the metric and a correction.

A slice's score against the *overall* score is a biased comparison: the overall score contains
the slice. ``compare_slices`` compares a slice with its complement (or reports the gap to the
overall score, which is the complement gap scaled by the share of rows outside the slice, so it
has the same test). Which test is used:

- proportions (``accuracy``, ``recall``, ``precision``, ``fpr``): Fisher's exact test on the 2 x 2
  table of successes and failures in the slice and in the rest; the interval of the difference is
  Newcombe's hybrid score interval (from two Wilson intervals), which stays honest at 0 and 1;
- ``f1``, which is not a proportion: an exact permutation test (the slice's confusion counts are
  redrawn from the pooled rows by the multivariate hypergeometric law, which is what permuting
  slice membership does), and a bootstrap interval of the difference;
- ``roc_auc`` (needs ``probs``): a permutation test that redraws which rows form the slice, every
  replicate's AUC computed from one global sort by score, and a bootstrap interval (rows resampled
  within the slice and within the rest).

Every row also gives each side's base rate (the share of gold class 1), because F1, precision and
recall move with a slice's class mix, and ``min_detectable``, the smallest gap the slice could
detect at its size (two-sided ``alpha``, 80% power): a tiny slice shows up as untestable, not fine.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.analysis.inputs import check_labels, check_lengths
from snorkel_slice.analysis.intervals import wilson_interval
from snorkel_slice.analysis.multitest import CORRECTIONS, adjust_p_values
from snorkel_slice.slicing.bits import masked_counts, pack_rows, pack_slices
from snorkel_slice.slicing.matrix import read_slice_matrix
from snorkel_slice.validation import check_choice, check_int, check_real

# metric -> (success cell, cells of its denominator) over the binary cells tp, fp, fn, tn.
PROPORTIONS = {
    "accuracy": (("tp", "tn"), ("tp", "fp", "fn", "tn")),
    "recall": (("tp",), ("tp", "fn")),
    "precision": (("tp",), ("tp", "fp")),
    "fpr": (("fp",), ("fp", "tn")),
}
COMPARE_METRICS = (*PROPORTIONS, "f1", "roc_auc")
CELLS = ("tp", "fp", "fn", "tn")


def compare_slices(
    S: Any,
    golds: Any,
    preds: Any,
    probs: Any = None,
    metrics: tuple[str, ...] | list[str] = ("accuracy",),
    against: str = "complement",
    correction: str | None = "holm",
    alpha: float = 0.05,
    ci: float = 0.95,
    random_state: int | None = None,
    n_resamples: int = 2000,
    *,
    slice_names: Any = None,
) -> pd.DataFrame:
    """One row per slice x metric: the slice against the rest, with a corrected p-value.

    Parameters
    ----------
    S
        The slice matrix, as the appliers return it.
    golds, preds
        Binary labels in {0, 1}; rows where either is -1 (abstain) are left out.
    probs
        Class probabilities (n, 2); ``roc_auc`` needs them.
    metrics
        Any of ``COMPARE_METRICS``.
    against
        ``"complement"``: the rows outside the slice; ``"overall"``: all rows (the reported
        gap is then the complement gap times the share of rows outside the slice).
    correction
        ``"holm"``, ``"bh"``, ``"bonferroni"`` or None, over every slice x metric row.
    alpha
        ``significant`` is ``p_adjusted < alpha``; also sets ``min_detectable``.
    ci
        Level of the ``delta_low`` .. ``delta_high`` interval.
    random_state
        Seed of the permutation and bootstrap draws (F1 only).
    n_resamples
        Draws for the permutation test and the bootstrap (F1 only).
    slice_names
        Names of the columns when ``S`` is a plain matrix (numpy or scipy.sparse).

    Returns
    -------
    pandas.DataFrame
        Columns slice, metric, n, score, rest_n, rest_score, delta, delta_low, delta_high,
        p_value, p_adjusted, significant, base_rate, rest_base_rate, min_detectable, test.

    Examples
    --------
    >>> S = pd.DataFrame({"hard": [1] * 40 + [0] * 160})
    >>> golds = np.array([0, 1] * 100)
    >>> preds = golds.copy(); preds[:20] = 1 - preds[:20]  # half of "hard" wrong, the rest right
    >>> row = compare_slices(S, golds, preds).iloc[0]
    >>> row["score"], row["rest_score"], bool(row["significant"])
    (np.float64(0.5), np.float64(1.0), True)
    """
    names, M = read_slice_matrix(S, slice_names)
    golds = check_labels("golds", golds)
    preds = check_labels("preds", preds)
    check_lengths(S=M, golds=golds, preds=preds)
    if isinstance(metrics, str):
        raise TypeError(f"metrics must be a list of names, got the string {metrics!r}; pass metrics=[{metrics!r}].")
    for m in metrics:
        check_choice("metrics", m, COMPARE_METRICS)
    check_choice("against", against, ("complement", "overall"))
    check_choice("correction", correction, CORRECTIONS)
    alpha = check_real("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    ci = check_real("ci", ci, low=0, high=1, low_open=True, high_open=True)
    check_int("n_resamples", n_resamples, low=100)
    scored = (golds != -1) & (preds != -1)
    bad = np.setdiff1d(np.union1d(golds[scored], preds[scored]), (0, 1))
    if len(bad):
        raise ValueError(
            f"compare_slices compares binary labels in {{0, 1}} (-1 = abstain); got labels "
            f"{bad.tolist()}. For more classes compare accuracy per class, e.g. golds == c."
        )
    if "roc_auc" in metrics:
        if probs is None:
            raise ValueError("metric 'roc_auc' needs probs; pass the (n_rows, 2) class probabilities.")
        probs = np.asarray(probs, dtype=float)
        if probs.ndim != 2 or probs.shape != (len(golds), 2):
            raise ValueError(f"probs must have shape (n_rows, 2) = ({len(golds)}, 2); got {probs.shape}.")
    rng = np.random.default_rng(random_state)
    g = golds[scored]
    ranked = None if probs is None else _ranked(probs[scored][:, 1], g)
    code = {"tp": (golds == 1) & (preds == 1), "fp": (golds == 0) & (preds == 1),
            "fn": (golds == 1) & (preds == 0), "tn": (golds == 0) & (preds == 0)}  # scored only
    # (slices, 4) confusion counts in each slice, by popcount over packed bits (slicing/bits.py).
    inside = masked_counts(pack_slices(M), np.stack([pack_rows(code[c]) for c in CELLS]))
    total = np.array([code[c].sum() for c in CELLS])
    rows = []
    for j, name in enumerate(names):
        mine, rest = inside[j], total - inside[j]
        for metric in metrics:
            if metric == "roc_auc":
                rows.append(_compare_auc(name, M[:, j][scored], g, ranked, against, alpha, ci, rng,
                                         n_resamples))
            else:
                rows.append(_compare(name, metric, mine, rest, against, alpha, ci, rng, n_resamples))
    table = pd.DataFrame(rows, columns=[
        "slice", "metric", "n", "score", "rest_n", "rest_score", "delta", "delta_low", "delta_high",
        "p_value", "base_rate", "rest_base_rate", "min_detectable", "test"])
    table.insert(10, "p_adjusted", adjust_p_values(table["p_value"], correction))
    table.insert(11, "significant", table["p_adjusted"] < alpha)
    return table


def _counts(counts: np.ndarray) -> dict[str, Any]:
    return dict(zip(CELLS, counts.T, strict=True))


def _score(metric: str, counts: np.ndarray) -> np.ndarray:
    # Vectorised over leading axes; NaN where the denominator is 0.
    c = _counts(np.asarray(counts, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric == "f1":
            return 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"])
        top, bottom = PROPORTIONS[metric]
        return sum(c[k] for k in top) / sum(c[k] for k in bottom)


def _compare(name, metric, mine, rest, against, alpha, ci, rng, n_resamples) -> tuple:
    n, rest_n = int(mine.sum()), int(rest.sum())
    score, rest_score = float(_score(metric, mine)), float(_score(metric, rest))
    base = mine[0] + mine[2]  # gold class 1: tp + fn
    base_rate = base / n if n else np.nan
    rest_base_rate = (rest[0] + rest[2]) / rest_n if rest_n else np.nan
    # The gap to the overall score is the complement gap scaled by the share outside the slice.
    scale = rest_n / (n + rest_n) if against == "overall" and (n + rest_n) else 1.0
    out_score = float(_score(metric, mine + rest)) if against == "overall" else rest_score
    out_n = n + rest_n if against == "overall" else rest_n
    nan = (name, metric, n, score, out_n, out_score, np.nan, np.nan, np.nan, np.nan,
           base_rate, rest_base_rate, np.nan, "")
    if np.isnan(score) or np.isnan(rest_score):
        return nan
    z_a = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(0.8)
    if metric in PROPORTIONS:
        from scipy.stats import fisher_exact

        top, bottom = PROPORTIONS[metric]
        c1, c2 = _counts(mine), _counts(rest)
        s1, t1 = sum(c1[k] for k in top), sum(c1[k] for k in bottom)
        s2, t2 = sum(c2[k] for k in top), sum(c2[k] for k in bottom)
        p_value = float(fisher_exact([[s1, t1 - s1], [s2, t2 - s2]]).pvalue)
        (l1, h1), (l2, h2) = wilson_interval(s1, t1, ci), wilson_interval(s2, t2, ci)
        d = score - rest_score  # Newcombe's hybrid score interval of the difference
        low = d - np.sqrt((score - l1) ** 2 + (h2 - rest_score) ** 2)
        high = d + np.sqrt((h1 - score) ** 2 + (rest_score - l2) ** 2)
        pooled = (s1 + s2) / (t1 + t2)
        mde = z_a * np.sqrt(pooled * (1 - pooled) * (1 / t1 + 1 / t2))
        test = "Fisher exact; Newcombe interval"
    else:
        observed = score - rest_score
        pooled = mine + rest
        draws = rng.multivariate_hypergeometric(pooled, n, size=n_resamples)  # permuted slices
        null = _score(metric, draws) - _score(metric, pooled - draws)
        null = null[~np.isnan(null)]
        p_value = float((1 + np.sum(np.abs(null) >= abs(observed) - 1e-12)) / (1 + len(null)))
        boot = (_score(metric, rng.multinomial(n, mine / n, size=n_resamples))
                - _score(metric, rng.multinomial(rest_n, rest / rest_n, size=n_resamples)))
        boot = boot[~np.isnan(boot)]
        low, high = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
        mde = z_a * float(np.std(boot))
        d, test = observed, "permutation (exact counts); bootstrap interval"
    return (name, metric, n, score, out_n, out_score, d * scale, low * scale, high * scale, p_value,
            base_rate, rest_base_rate, mde * scale, test)


def _ranked(scores: np.ndarray, golds: np.ndarray) -> tuple:
    from snorkel_slice.analysis.auc import tie_groups

    order, before, last = tie_groups(scores)
    return order, before, last, golds[order] == 1


def _auc(member: np.ndarray, ranked: tuple) -> np.ndarray:
    """AUC of each row of ``member`` (sets, rows in the original order), from the one global sort."""
    from snorkel_slice.analysis.auc import sorted_auc

    order, before, last, positive = ranked
    out = []
    for start in range(0, len(member), 256):  # bounded memory: 256 sets at a time
        auc, _ = sorted_auc(member[start : start + 256][:, order], positive, before, last)
        out.append(auc)
    return np.concatenate(out) if out else np.zeros(0)


def _compare_auc(name, member, g, ranked, against, alpha, ci, rng, n_resamples) -> tuple:
    n, rest_n = int(member.sum()), int((~member).sum())
    base_rate = g[member].mean() if n else np.nan
    rest_base_rate = g[~member].mean() if rest_n else np.nan
    both = np.stack([member, ~member]).astype(np.uint8)
    score, rest_score = (float(x) for x in _auc(both, ranked))
    overall = float(_auc(np.ones((1, len(g)), np.uint8), ranked)[0])
    out_score, out_n = (overall, n + rest_n) if against == "overall" else (rest_score, rest_n)
    # The AUC of all rows is not a mix of the slice's and the rest's: report its own gap.
    if np.isnan(score) or np.isnan(rest_score):
        return (name, "roc_auc", n, score, out_n, out_score, np.nan, np.nan, np.nan, np.nan,
                base_rate, rest_base_rate, np.nan, "")
    observed = score - rest_score
    perms = np.zeros((n_resamples, len(g)), np.uint8)
    for r in range(n_resamples):
        perms[r, rng.choice(len(g), size=n, replace=False)] = 1
    null = _auc(perms, ranked) - _auc(1 - perms, ranked)
    null = null[~np.isnan(null)]
    p_value = float((1 + np.sum(np.abs(null) >= abs(observed) - 1e-12)) / (1 + len(null)))
    inside, outside = np.flatnonzero(member), np.flatnonzero(~member)
    d_boot = []
    for _ in range(n_resamples):  # rows resampled within the slice and within the rest
        a = np.bincount(rng.choice(inside, size=n), minlength=len(g))
        b = np.bincount(rng.choice(outside, size=rest_n), minlength=len(g))
        other = a + b if against == "overall" else b
        d_boot.append(_weighted_auc(a, ranked) - _weighted_auc(other, ranked))
    d_boot = np.array(d_boot)
    d_boot = d_boot[~np.isnan(d_boot)]
    low, high = np.quantile(d_boot, [(1 - ci) / 2, (1 + ci) / 2])
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(0.8)
    # The p-value is the slice-against-rest test either way; against "overall" the gap and its
    # interval are to the AUC of all rows, which is not a mix of the two sides' AUCs.
    return (name, "roc_auc", n, score, out_n, out_score, score - out_score, low, high, p_value,
            base_rate, rest_base_rate, z * float(np.std(d_boot)), "permutation; bootstrap interval")


def _weighted_auc(weights: np.ndarray, ranked: tuple) -> float:
    """AUC over rows counted ``weights`` times (a bootstrap resample), ties counting one half."""
    order, before, last, positive = ranked
    w = weights[order].astype(float)
    pos, neg = w * positive, w * ~positive
    cneg = np.concatenate([[0.0], np.cumsum(neg)])
    below = cneg[before + 1]  # negatives strictly below each row's tie group
    tied = cneg[last + 1] - below  # negatives in its tie group
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos == 0 or n_neg == 0:
        return np.nan
    return float((pos * (below + tied / 2)).sum() / (n_pos * n_neg))
