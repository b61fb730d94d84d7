"""The slice matrix ``S``: the one place where it is read, and the names it may not use.

Appliers write ``S`` as a numpy recarray with one 0/1 field per SF (Snorkel's layout). Everything
downstream (the Scorer, the slice summary, the slice-aware loaders) reads it through
:func:`read_slice_matrix`, so a bad ``S`` gets the same error wherever it is passed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.lib import recfunctions as rfn

OVERALL = "overall"  # the whole-data row of scores and summaries
BASE = "base"  # the slice-aware model's slice of all data points
# Names that downstream code gives a meaning of its own; no SF or column of S may take them.
RESERVED_NAMES = frozenset({OVERALL, BASE})

# Rows checked and converted per block: small enough that a block (1024 x 100 int64, 800 kB)
# stays in cache between the check and the conversion (tuned on 1M x 100; 64k rows was 25% slower).
_BLOCK = 1024


def read_slice_matrix(S: Any) -> tuple[list[str], np.ndarray]:
    """Check ``S`` and return its slice names and an ``(n_rows, n_slices)`` bool matrix.

    Parameters
    ----------
    S
        A record or structured array with one 0/1 (or bool) field per slice, as the appliers
        return, or a DataFrame of 0/1 (or bool) columns.

    Returns
    -------
    names
        The slice names, in ``S``'s order.
    M
        Membership, ``M[i, j]`` is True when row i is in slice j.

    Examples
    --------
    >>> names, M = read_slice_matrix(np.rec.fromarrays([[1, 0], [0, 0]], names=["a", "b"]))
    >>> names, M.tolist()
    (['a', 'b'], [[True, False], [False, False]])
    >>> read_slice_matrix(pd.DataFrame({"overall": [1]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: S has a slice named 'overall', which is reserved for the whole-data row...
    """
    if isinstance(S, pd.DataFrame):
        names = list(S.columns)
        columns = [S.iloc[:, j].to_numpy() for j in range(S.shape[1])]
    elif isinstance(S, np.ndarray) and S.dtype.names is not None and S.ndim == 1:
        names = list(S.dtype.names)
        columns = [S[name] for name in names]
    else:
        got = (
            f"an array of shape {S.shape} and dtype {S.dtype}"
            if isinstance(S, np.ndarray)
            else f"{type(S).__name__}"
        )
        raise TypeError(
            "S must be a 1-d record array with one field per slice (what PandasSFApplier.apply "
            f"returns) or a DataFrame of 0/1 columns; got {got}. For a plain 0/1 matrix use "
            "pd.DataFrame(S, columns=slice_names)."
        )
    for name in names:
        if not isinstance(name, str):
            raise TypeError(
                f"S column names must be slice names (str); got {name!r} "
                f"({type(name).__name__}). Rename the columns, e.g. S.columns = S.columns.astype(str)."
            )
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(
            f"S has duplicated slice names {duplicated}; give every SF (column) a unique name."
        )
    for name in names:
        if name in RESERVED_NAMES:
            meaning = "the whole-data row" if name == OVERALL else "the slice of all data points"
            raise ValueError(
                f"S has a slice named {name!r}, which is reserved for {meaning}; rename that SF "
                f"(column), e.g. to 'sf_{name}'."
            )
    for name, column in zip(names, columns, strict=True):
        if column.ndim != 1 or column.dtype.kind not in "biuf":
            raise TypeError(
                f"S column {name!r} must hold 0/1 (or bool) slice membership; got dtype "
                f"{column.dtype} and shape {column.shape}. Cast it with .astype(bool) once its "
                "values are 0/1."
            )
    if not names:
        return names, np.zeros((len(S), 0), dtype=bool)
    kinds = {column.dtype for column in columns}
    # A packed recarray with one dtype is read as a 2-d view, a row block at a time: no copy.
    V = (
        rfn.structured_to_unstructured(S.view(np.ndarray), copy=False)
        if isinstance(S, np.ndarray) and len(kinds) == 1
        else None
    )
    M = np.empty((len(S), len(names)), dtype=bool)
    for start in range(0, len(S), _BLOCK):
        stop = start + _BLOCK
        X = V[start:stop] if V is not None else np.column_stack([c[start:stop] for c in columns])
        _check_block(names, X, start)
        np.not_equal(X, 0, out=M[start:stop])  # checked, while the block is in cache
    return names, M


def _check_block(names: list[str], X: np.ndarray, start: int) -> None:
    # Raise on the first value that is not 0/1, naming its column and row.
    if X.dtype.kind == "b":
        return
    if X.dtype.kind in "iu":  # as unsigned, a negative int is huge: one max finds every bad value
        bad_columns = X.view(X.dtype.str.replace("i", "u")).max(axis=0) > 1
    else:
        bad_columns = ((X != 0) & (X != 1)).any(axis=0)
    if not bad_columns.any():
        return
    j = int(np.flatnonzero(bad_columns)[0])
    i = int(np.flatnonzero((X[:, j] != 0) & (X[:, j] != 1))[0])
    name = names[j]
    raise ValueError(
        f"S column {name!r} must hold only 0/1 (or bool); got {X[i, j].item()!r} at row "
        f"{start + i}. Snorkel's fault-tolerant applier writes -1 for a failed SF: decide what a "
        f"fault means, e.g. S[{name!r}] == 1, or apply the SFs with PandasSFApplier."
    )
