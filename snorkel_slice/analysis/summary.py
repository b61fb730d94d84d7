"""Slice summary: how big each slice is, how much slices overlap, and their label balance.

Snorkel never reports slice sizes, yet a score on 3 rows says little. These functions take the
slice matrix ``S`` as data (a recarray from an applier, or a DataFrame of 0/1 columns), so they work
with ``S`` from Snorkel as well as from ``snorkel_slice``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.matrix import OVERALL, read_slice_matrix
from snorkel_slice.validation import check_bool


def slice_summary(S: Any, golds: Any = None) -> pd.DataFrame:
    """One row per slice (plus a first ``overall`` row): size, coverage, overlap, label balance.

    Parameters
    ----------
    S
        Slice matrix: a recarray/structured array with one 0/1 field per slice, or a DataFrame of
        0/1 (or bool) columns.
    golds
        Optional gold labels, one per row of ``S``; any number of classes, any label type.

    Returns
    -------
    pd.DataFrame
        Indexed by slice name, ``overall`` first, with columns ``n`` (rows in the slice),
        ``coverage`` (n / rows of S), ``overlap`` (fraction of the slice's rows that are also in at
        least one other slice; NaN for ``overall``) and, with golds, one ``label=<c>`` column per
        class: the fraction of the slice's rows with gold label c. An empty slice gets ``n=0`` and
        NaN fractions.

    Examples
    --------
    >>> S = pd.DataFrame({"short": [1, 1, 0, 0], "link": [0, 1, 1, 0]})
    >>> slice_summary(S, golds=[0, 1, 1, 0])
             n  coverage  overlap  label=0  label=1
    overall  4       1.0      NaN      0.5      0.5
    short    2       0.5      0.5      0.5      0.5
    link     2       0.5      0.5      0.0      1.0
    """
    names, M = read_slice_matrix(S)  # M: (n_rows, n_slices) bool
    n_rows = M.shape[0]
    n = M.sum(axis=0)
    in_another = M & (M.sum(axis=1, keepdims=True) >= 2)
    table = pd.DataFrame(
        {
            "n": np.concatenate([[n_rows], n]).astype(np.int64),
            "coverage": _ratio(np.concatenate([[n_rows], n]), n_rows),
            "overlap": np.concatenate([[np.nan], _ratio(in_another.sum(axis=0), n)]),
        },
        index=pd.Index([OVERALL, *names]),
    )
    if golds is not None:
        golds = _check_golds(golds, n_rows)
        classes = np.unique(golds)
        onehot = golds[:, None] == classes[None, :]  # (n_rows, n_classes)
        counts = M.T.astype(np.int64) @ onehot.astype(np.int64)  # (n_slices, n_classes)
        counts = np.vstack([onehot.sum(axis=0), counts])
        sizes = np.concatenate([[n_rows], n])
        for j, c in enumerate(classes):
            table[f"label={c}"] = _ratio(counts[:, j], sizes)
    return table


def slice_overlap(S: Any, normalize: bool = True) -> pd.DataFrame:
    """Pairwise overlap: entry (a, b) is the fraction (or count) of slice a's rows also in slice b.

    Parameters
    ----------
    S
        Slice matrix, as for ``slice_summary``.
    normalize
        True: divide each row by the size of slice a (NaN for an empty slice); the diagonal is 1.
        False: raw counts of rows in both slices; the diagonal is each slice's size.

    Returns
    -------
    pd.DataFrame
        Square, slice names as index and columns.

    Examples
    --------
    >>> S = pd.DataFrame({"short": [1, 1, 0, 0], "link": [0, 1, 1, 1]})
    >>> slice_overlap(S).round(2)
           short  link
    short   1.00   0.5
    link    0.33   1.0
    >>> slice_overlap(S, normalize=False)
           short  link
    short      2     1
    link       1     3
    """
    check_bool("normalize", normalize)
    names, M = read_slice_matrix(S)
    both = M.T.astype(np.int64) @ M.astype(np.int64)  # (n_slices, n_slices) co-membership counts
    if normalize:
        both = _ratio(both, np.diag(both)[:, None])
    return pd.DataFrame(both, index=names, columns=names)


def _check_golds(golds: Any, n_rows: int) -> np.ndarray:
    array = golds.to_numpy() if isinstance(golds, pd.Series) else np.asarray(golds)
    if array.ndim != 1:
        raise ValueError(
            f"golds must be 1-D, one label per row; got shape {array.shape}. For probabilities, "
            "pass probs.argmax(axis=1)."
        )
    if len(array) != n_rows:
        raise ValueError(
            f"Found inconsistent numbers of rows: S has {n_rows}, golds has {len(array)}. "
            "Pass the golds of the same rows, in the same order."
        )
    missing = pd.isna(array)
    if missing.any():
        raise ValueError(
            f"golds has missing labels (NaN/None) at rows {np.flatnonzero(missing)[:5].tolist()}; "
            "drop those rows from both S and golds, or give them a label."
        )
    return array


def _ratio(numerator: np.ndarray, denominator: Any) -> np.ndarray:
    # x / 0 is NaN here (an empty slice has no coverage or balance), without a RuntimeWarning.
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.broadcast_to(np.asarray(denominator, dtype=float), numerator.shape)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out
