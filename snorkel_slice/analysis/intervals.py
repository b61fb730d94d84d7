"""Confidence intervals for per-slice scores: Wilson, percentile bootstrap, DeLong.

Count metrics are bootstrapped by drawing confusion counts from a multinomial, which is
exactly the row bootstrap at a cost that does not grow with the slice's size.
"""

import warnings
from statistics import NormalDist

import numpy as np

from snorkel_slice.analysis.metrics import Cells, confusion_stats, count_metric


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
