"""Reference answers to lesson 03's exercises. Try the exercise first!"""

import numpy as np
import pandas as pd

from snorkel_slice import PandasSFApplier, SlicingFunction


# 3a
def complement_gap(
    sf: SlicingFunction, df: pd.DataFrame, golds: np.ndarray, preds: np.ndarray
) -> float:
    """Recall (label-1 rows predicted 1) inside the slice minus recall on the rest (not all rows)."""
    in_slice = PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name] == 1
    positive = np.asarray(golds) == 1
    right = np.asarray(preds) == np.asarray(golds)
    return float(right[in_slice & positive].mean() - right[~in_slice & positive].mean())


# 3b
def holm_significant(p_values: list[float], alpha: float = 0.05) -> list[bool]:
    """Holm's step-down test: the i-th smallest p-value (from 0) must be below alpha / (m - i)."""
    m = len(p_values)
    decisions = [False] * m
    for i, j in enumerate(np.argsort(p_values, kind="stable")):
        if p_values[j] >= alpha / (m - i):
            break  # every larger p-value fails too
        decisions[j] = True
    return decisions
