"""Per-slice decision thresholds: a post-hoc remedy that leaves the model untouched.

A binary classifier predicts class 1 when ``p1 >= 0.5``. If a slice's scores are shifted (the
model is under-confident on it, say), a threshold of its own, chosen on held-out rows for the
best accuracy inside the slice, can win rows back at no training cost. It is the simplest of the
post-processing fixes surveyed by Hardt, Price and Srebro ("Equality of Opportunity in Supervised
Learning", NeurIPS 2016), aimed here at accuracy instead of a fairness criterion.

It needs slice membership at prediction time, so it applies to slices known then (not to slices
defined with the label). **Overlap rule:** a row in several slices takes the threshold of the
smallest of them (on the rows the thresholds were fitted on), the most specific group it is in;
a row in no slice keeps 0.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_slice.slicing.matrix import read_slice_matrix

CANDIDATES = np.round(np.arange(0.05, 0.951, 0.05), 2)  # thresholds tried; coarse, so not overfit


def _p1(probs: Any) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 2 and probs.shape[1] == 2:
        probs = probs[:, 1]
    if probs.ndim != 1:
        raise ValueError(f"probs must be (n,) class-1 probabilities or (n, 2); got shape {probs.shape}.")
    return probs


class SliceThresholds:
    """Per-slice thresholds on the class-1 probability, fitted for accuracy inside each slice.

    Parameters
    ----------
    slice_names
        The slices that get a threshold; ``None`` uses every column of ``S`` given to ``fit``.

    Attributes
    ----------
    thresholds_
        ``{slice: threshold}``, smallest slice first: the order in which overlaps are resolved.

    Examples
    --------
    >>> import pandas as pd
    >>> S = pd.DataFrame({"shy": [1, 1, 1, 0]})
    >>> t = SliceThresholds().fit([0.3, 0.35, 0.1, 0.9], [1, 1, 0, 1], S)
    >>> t.thresholds_
    {'shy': 0.3}
    >>> t.predict([0.3, 0.1, 0.3, 0.4], S).tolist()
    [1, 0, 1, 0]
    """

    def __init__(self, slice_names: list[str] | None = None) -> None:
        self.slice_names = slice_names

    def fit(self, probs: Any, golds: Any, S: Any) -> SliceThresholds:
        """Choose each slice's threshold from ``CANDIDATES`` (ties: the one nearest 0.5)."""
        p1, golds = _p1(probs), np.asarray(golds)
        names, M = read_slice_matrix(S)
        if not (len(p1) == len(golds) == len(M)):
            raise ValueError(f"probs, golds and S need one entry per row; got {len(p1)}, {len(golds)}, {len(M)}.")
        use = names if self.slice_names is None else list(self.slice_names)
        missing = [s for s in use if s not in names]
        if missing:
            raise ValueError(f"S has no slice(s) {missing}; its slices are {names}.")
        order = sorted(use, key=lambda s: (M[:, names.index(s)].sum(), use.index(s)))
        nearest = np.argsort(np.abs(CANDIDATES - 0.5), kind="stable")  # 0.5 first, then outwards
        self.thresholds_: dict[str, float] = {}
        for s in order:
            rows = M[:, names.index(s)] & (golds != -1)
            if not rows.any():
                self.thresholds_[s] = 0.5
                continue
            acc = np.array([((p1[rows] >= t) == golds[rows]).mean() for t in CANDIDATES[nearest]])
            self.thresholds_[s] = float(CANDIDATES[nearest][int(np.argmax(acc))])
        return self

    def predict(self, probs: Any, S: Any) -> np.ndarray:
        """Class predictions (n,): each row against the threshold of its smallest slice, else 0.5."""
        if not hasattr(self, "thresholds_"):
            raise ValueError("SliceThresholds is not fitted yet; call fit(probs, golds, S) first.")
        p1 = _p1(probs)
        names, M = read_slice_matrix(S)
        if len(M) != len(p1):
            raise ValueError(f"S has {len(M)} rows but probs has {len(p1)}; give S for the same rows.")
        threshold = np.full(len(p1), 0.5)
        assigned = np.zeros(len(p1), dtype=bool)
        for s, t in self.thresholds_.items():
            if s not in names:
                raise ValueError(f"S has no slice {s!r}, which the thresholds were fitted with; its slices are {names}.")
            rows = M[:, names.index(s)] & ~assigned
            threshold[rows], assigned[rows] = t, True
        return (p1 >= threshold).astype(np.int64)
