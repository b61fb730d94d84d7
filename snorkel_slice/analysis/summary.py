"""Slice summary: how big each slice is, how much slices overlap, and their label balance.

Snorkel never reports slice sizes, yet a score on 3 rows says little. These functions take the
slice matrix ``S`` as data (a recarray from an applier, or a DataFrame of 0/1 columns), so they work
with ``S`` from Snorkel as well as from ``snorkel_slice``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.bits import (
    in_two_or_more,
    masked_counts,
    pack_rows,
    pack_slices,
    slice_sizes,
)
from snorkel_slice.slicing.matrix import OVERALL, read_slice_matrix
from snorkel_slice.validation import check_bool


def slice_summary(S: Any, golds: Any = None, *, slice_names: Any = None) -> pd.DataFrame:
    """One row per slice (plus a first ``overall`` row): size, coverage, overlap, label balance.

    Parameters
    ----------
    S
        Slice matrix: a recarray/structured array with one 0/1 field per slice, or a DataFrame of
        0/1 (or bool) columns.
    golds
        Optional gold labels, one per row of ``S``; any number of classes, any label type.
    slice_names
        Names of the columns when ``S`` is a plain matrix (numpy or scipy.sparse).

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
    names, M = read_slice_matrix(S, slice_names)  # M: (n_rows, n_slices) bool
    n_rows = M.shape[0]
    P = pack_slices(M)  # membership as bits: every count below is a popcount (slicing/bits.py)
    n = slice_sizes(P)
    in_another = masked_counts(P, in_two_or_more(P))[:, 0]
    table = pd.DataFrame(
        {
            "n": np.concatenate([[n_rows], n]).astype(np.int64),
            "coverage": _ratio(np.concatenate([[n_rows], n]), n_rows),
            "overlap": np.concatenate([[np.nan], _ratio(in_another, n)]),
        },
        index=pd.Index([OVERALL, *names]),
    )
    if golds is not None:
        golds = _check_golds(golds, n_rows)
        classes = np.unique(golds)
        masks = [golds == c for c in classes]
        packed = np.stack([pack_rows(m) for m in masks]) if masks else np.zeros((0, P.shape[1]))
        counts = masked_counts(P, packed)  # (slices, classes)
        counts = np.vstack([np.array([m.sum() for m in masks], np.int64), counts])
        sizes = np.concatenate([[n_rows], n])
        for j, c in enumerate(classes):
            table[f"label={c}"] = _ratio(counts[:, j], sizes)
    return table


def slice_overlap(S: Any, normalize: bool = True, *, slice_names: Any = None) -> pd.DataFrame:
    """Pairwise overlap: entry (a, b) is the fraction (or count) of slice a's rows also in slice b.

    Parameters
    ----------
    S
        Slice matrix, as for ``slice_summary``.
    normalize
        True: divide each row by the size of slice a (NaN for an empty slice); the diagonal is 1.
        False: raw counts of rows in both slices; the diagonal is each slice's size.
    slice_names
        Names of the columns when ``S`` is a plain matrix (numpy or scipy.sparse).

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
    names, M = read_slice_matrix(S, slice_names)
    P = pack_slices(M)
    both = masked_counts(P, P)  # (n_slices, n_slices) co-membership counts
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
