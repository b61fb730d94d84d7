"""Custom metrics on every slice: Snorkel's contract, ``f(golds, preds, probs)`` -> float or dict.

A custom metric sees the slice's rows unfiltered (abstains included). It has no confusion counts
to resample, so its bootstrap interval calls it once per resample of the slice's rows.
"""

from collections.abc import Callable, Mapping

import numpy as np

from snorkel_slice.analysis.intervals import percentile_interval


def custom_scores(custom, M, golds, preds, probs, n, ci, method, n_bootstrap):
    """Score each ``{name: f}`` on all rows and on each slice of ``M`` (n_rows, n_slices).

    Returns the values ``{key: (1 + n_slices,)}``, their bounds ``{key: (low, high)}`` and the
    keys each function produced ``{name: [key, ...]}``; empty slices stay NaN. ``method`` is
    None, "analytic" (no closed form: no bounds) or a Generator, which resamples rows.
    """
    values, samples, keys = {}, {}, {name: [] for name in custom}

    def call(name: str, f: Callable, idx: np.ndarray) -> dict[str, float]:
        out = f(
            golds[idx], None if preds is None else preds[idx], None if probs is None else probs[idx]
        )
        out = dict(out) if isinstance(out, Mapping) else {name: out}
        if "n" in out:
            raise ValueError(
                f"custom metric {name!r} returned the key 'n', the slice-size column; rename it"
            )
        return {key: float(value) for key, value in out.items()}

    for r in np.flatnonzero(n):  # empty slices stay NaN, as for the built-in metrics
        idx = np.arange(len(golds)) if r == 0 else np.flatnonzero(M[:, r - 1])
        for name, f in custom.items():
            for key, value in call(name, f, idx).items():
                if key not in values:
                    keys[name].append(key)
                    values[key] = np.full(len(n), np.nan)
                values[key][r] = value
            # No counts to draw from: resample the rows, n_bootstrap calls per slice.
            for b in range(n_bootstrap if isinstance(method, np.random.Generator) else 0):
                for key, value in call(name, f, method.choice(idx, size=len(idx))).items():
                    samples.setdefault(key, np.full((n_bootstrap, len(n)), np.nan))[b, r] = value
    for name in [name for name, found in keys.items() if not found]:  # never called: all empty
        keys[name], values[name] = [name], np.full(len(n), np.nan)
    return values, {key: percentile_interval(s, ci) for key, s in samples.items()}, keys
