"""Custom metrics on every slice: Snorkel's contract, ``f(golds, preds, probs)`` -> float or dict.

A custom metric sees the slice's rows unfiltered (abstains included). It has no confusion counts
to resample, so its bootstrap interval calls it once per resample of the slice's rows.
"""

from collections.abc import Callable, Mapping

import numpy as np

from snorkel_slice.analysis.intervals import percentile_interval


def custom_scores(custom, M, golds, preds, probs, n, ci, method, n_bootstrap, rows):
    """Score each ``{name: f}`` on all rows and on each slice of ``M`` (n_rows, n_slices).

    Returns the values ``{key: (1 + n_slices,)}``, their bounds ``{key: (low, high)}``, the
    keys each function produced ``{name: [key, ...]}`` and the (metric, row) pairs where a
    function returned None (reported as NaN); empty slices stay NaN. ``rows`` names the result
    rows (overall, then the slices). ``method`` is None, "analytic" (no closed form: no bounds)
    or a Generator, which resamples rows; a replicate on which ``f`` fails is skipped.
    """
    values, samples, keys, undefined = {}, {}, {name: [] for name in custom}, []

    def call(name: str, f: Callable, idx: np.ndarray, r: int) -> dict[str, float]:
        where = f"custom metric {name!r} on {rows[r]!r} (n={len(idx)})"
        try:
            out = f(golds[idx], None if preds is None else preds[idx],
                    None if probs is None else probs[idx])
        except Exception as err:
            raise ValueError(
                f"{where} raised {type(err).__name__}: {err}. Make it return NaN (or None) where "
                "it is undefined, e.g. on a slice with a single class."
            ) from err
        out = dict(out) if isinstance(out, Mapping) else {name: out}
        if "n" in out:
            raise ValueError(f"{where} returned the key 'n', the slice-size column; rename it")
        scores = {}
        for key, value in out.items():
            if value is None:
                undefined.append((key, rows[r]))
                value = np.nan
            try:
                scores[key] = float(value)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{where} returned {value!r} ({type(value).__name__}) for {key!r}; return a "
                    "number (or a dict of numbers)."
                ) from None
        return scores

    def replicate(name: str, f: Callable, idx: np.ndarray, r: int) -> dict[str, float]:
        try:
            return call(name, f, idx, r)
        except (ValueError, TypeError):
            return {}  # a resample the metric cannot score: skipped, like a NaN replicate

    for r in np.flatnonzero(n):  # empty slices stay NaN, as for the built-in metrics
        idx = np.arange(len(golds)) if r == 0 else np.flatnonzero(M[:, r - 1])
        for name, f in custom.items():
            for key, value in call(name, f, idx, r).items():
                if key not in values:
                    keys[name].append(key)
                    values[key] = np.full(len(n), np.nan)
                values[key][r] = value
            # No counts to draw from: resample the rows, n_bootstrap calls per slice.
            for b in range(n_bootstrap if isinstance(method, np.random.Generator) else 0):
                for key, value in replicate(name, f, method.choice(idx, size=len(idx)), r).items():
                    samples.setdefault(key, np.full((n_bootstrap, len(n)), np.nan))[b, r] = value
    for name in [name for name, found in keys.items() if not found]:  # never called: all empty
        keys[name], values[name] = [name], np.full(len(n), np.nan)
    bounds = {key: percentile_interval(s, ci) for key, s in samples.items()}
    return values, bounds, keys, undefined
