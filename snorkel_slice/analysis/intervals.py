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
    smoothed: bool = True,
) -> dict[str, np.ndarray]:
    """Bootstrap replicates ``(n_bootstrap, n_rows)`` of count metrics, each row on its own.

    Plain (``smoothed=False``): resampling a slice's n rows with replacement puts
    each draw in confusion cell c with chance counts[c] / n, so the resampled counts
    are Multinomial(n, counts / n): drawing them *is* the row bootstrap, at a cost
    that does not grow with n. It collapses to a single value when every row of a
    slice is right (or wrong): no resample can contain a mistake.

    Smoothed (the default): the Bayesian bootstrap of the counts (Rubin, 1981),
    cell shares drawn from Dirichlet(counts + prior), where the prior spreads the
    weight of one row evenly over the scored cells. For accuracy on binary labels
    the replicates then follow Beta(right + 1/2, wrong + 1/2), whose percentile
    interval is the Jeffreys interval: honest at 0 and 1 and on a few rows, and
    equal to the plain bootstrap as n grows.

    Examples
    --------
    >>> cells = Cells(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), 2, True)
    >>> rng = np.random.default_rng(0)
    >>> bootstrap_counts(np.array([[5, 0, 0, 5]]), ["accuracy"], cells, 1.0, rng, 3, smoothed=False)["accuracy"]
    array([[1.],
           [1.],
           [1.]])
    >>> smoothed = bootstrap_counts(np.array([[5, 0, 0, 5]]), ["accuracy"], cells, 1.0, rng, 4000)
    >>> from scipy.stats import beta as beta_dist  # Jeffreys: Beta(10 + 1/2, 0 + 1/2)
    >>> abs(np.quantile(smoothed["accuracy"], 0.025) - beta_dist.ppf(0.025, 10.5, 0.5)) < 0.02
    np.True_
    """
    n = counts.sum(1)
    p = np.where(n[:, None] > 0, counts / np.maximum(n, 1)[:, None], 1 / counts.shape[1])
    scored = (cells.gold < cells.n_classes) & (cells.pred < cells.n_classes)
    alpha = counts + np.where(scored, 1.0 / max(scored.sum(), 1), 0.0)  # (rows, cells)
    samples = {m: np.empty((n_bootstrap, len(counts))) for m in metrics}
    step = max(1, 2**23 // (n_bootstrap * counts.shape[1]))  # rows per draw, bounds memory
    for r in range(0, len(counts), step):
        rows = slice(r, r + step)
        if smoothed:
            # Dirichlet draws as normalised gammas, all slices at once; a shape-0 gamma is 0.
            g = rng.standard_gamma(np.broadcast_to(alpha[rows], (n_bootstrap, *alpha[rows].shape)))
            draws = g / g.sum(-1, keepdims=True) * n[rows][None, :, None]
        else:
            draws = rng.multinomial(n[rows], p[rows], size=(n_bootstrap, len(n[rows])))
        replicate = confusion_stats(draws, cells)  # (n_bootstrap, rows, ...)
        for m in metrics:
            samples[m][:, rows] = count_metric(m, replicate, cells.binary, beta)
    return samples
