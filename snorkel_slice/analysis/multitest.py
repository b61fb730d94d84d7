"""Corrections for testing many slices at once: Holm, Benjamini-Hochberg, Bonferroni.

Each takes the raw p-values of a family of tests and returns adjusted ones, so that
``p_adjusted < alpha`` controls the family-wise error rate (Holm, Bonferroni) or the false
discovery rate (BH). NaN p-values (an empty slice, an empty complement) are no test: they stay
NaN and do not count in the family. ``tests/analysis/test_compare.py`` checks the results against
statsmodels' ``multipletests``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CORRECTIONS = ("holm", "bh", "bonferroni", None)


def adjust_p_values(p_values: Any, method: str | None = "holm") -> np.ndarray:
    """Adjusted p-values, capped at 1, in the input's order; NaN stays NaN.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_p_values([0.01, 0.04, 0.03], "bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}; got {method!r}.")
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    if m == 0:
        return out
    q = p[tested]
    if method is None:
        adjusted = q
    elif method == "bonferroni":
        adjusted = q * m
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        # Step down: the i-th smallest is multiplied by (m - i), then made non-decreasing.
        stepped = np.maximum.accumulate(q[order] * (m - np.arange(m)))
        adjusted = np.empty(m)
        adjusted[order] = stepped
    else:  # "bh": step up, the i-th smallest times m / i, then non-increasing from the top
        order = np.argsort(q, kind="stable")
        stepped = q[order] * m / np.arange(1, m + 1)
        stepped = np.minimum.accumulate(stepped[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = stepped
    out[tested] = np.minimum(adjusted, 1.0)
    return out
