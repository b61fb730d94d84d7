"""Reference answers to lesson 09's exercises. Try the exercise first!"""

from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from snorkel_slice.analysis import adjust_p_values


# 9a
def share_alerts(S: pd.DataFrame, windows: np.ndarray, reference: object) -> set:
    """(slice, window) pairs whose share differs from the reference window's, by Fisher's exact
    test with Holm's correction over every slice x window tested."""
    windows = np.asarray(windows)
    ref = windows == reference
    tests, p_values = [], []
    for name in S.columns:
        member = S[name].to_numpy(bool)
        k_ref, n_ref = member[ref].sum(), ref.sum()
        for w in np.unique(windows):
            if w == reference:
                continue
            here = windows == w
            k, n = member[here].sum(), here.sum()
            tests.append((name, w))
            p_values.append(fisher_exact([[k, n - k], [k_ref, n_ref - k_ref]]).pvalue)
    adjusted = adjust_p_values(p_values, "holm")
    return {test for test, p in zip(tests, adjusted, strict=True) if p < 0.05}


# 9b
def detectable_drop(n_rows: int, accuracy: float, n_tests: int, alpha: float = 0.05,
                    power: float = 0.8) -> float:
    """Smallest accuracy change between two windows of n_rows each that a two-sided test at
    alpha / n_tests (Bonferroni) detects with the given power (normal approximation)."""
    z = NormalDist().inv_cdf(1 - alpha / n_tests / 2) + NormalDist().inv_cdf(power)
    return z * np.sqrt(2 * accuracy * (1 - accuracy) / n_rows)
