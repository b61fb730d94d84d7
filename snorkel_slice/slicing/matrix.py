"""The slice matrix ``S``: the one place where it is read, and the names it may not use.

Appliers write ``S`` as a numpy recarray with one 0/1 field per SF (Snorkel's layout). Everything
downstream (the Scorer, the slice summary, the slice-aware loaders) reads it through
:func:`read_slice_matrix`, so a bad ``S`` gets the same error wherever it is passed.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def read_slice_matrix(S: Any, slice_names: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
    """Check ``S`` and return its slice names and an ``(n_rows, n_slices)`` bool matrix.

    Parameters
    ----------
    S
        Slice membership in any of these layouts, 0/1 or bool:

        - a record or structured array with one field per slice (what the appliers return, as
          Snorkel's do; 8 bytes per row and slice);
        - a DataFrame with one column per slice; a DataFrame of bools built from one bool matrix
          (``PandasSFApplier.apply(df, as_dataframe=True)``, or ``pd.DataFrame(M, columns=names)``)
          is read without a copy, 1 byte per row and slice;
        - a DataFrame of sparse columns (``pd.DataFrame.sparse.from_spmatrix(X, columns=names)``);
        - a 2-D numpy array or ``scipy.sparse`` matrix, with ``slice_names``.
    slice_names
        The slice names of a plain matrix, one per column; not used with named layouts.

    Returns
    -------
    names
        The slice names, in ``S``'s order.
    M
        Membership, ``M[i, j]`` is True when row i is in slice j; Fortran-ordered (each slice's
        column contiguous), and read-only where it is a view of ``S``.

    Examples
    --------
    >>> names, M = read_slice_matrix(np.rec.fromarrays([[1, 0], [0, 0]], names=["a", "b"]))
    >>> names, M.tolist()
    (['a', 'b'], [[True, False], [False, False]])
    >>> read_slice_matrix(np.eye(2, dtype=bool), slice_names=["a", "b"])[1].tolist()
    [[True, False], [False, True]]
    >>> read_slice_matrix(pd.DataFrame({"overall": [1]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: S has a slice named 'overall', which is reserved for the whole-data row...
    """
    plain = _is_sparse(S) or (isinstance(S, np.ndarray) and S.dtype.names is None and S.ndim == 2)
    if slice_names is not None and not plain:
        raise TypeError(
            "slice_names is only for a plain matrix (numpy array or scipy.sparse); this S names "
            "its slices itself (its fields or columns). Leave slice_names out."
        )
    if plain:
        names = _plain_names(S, slice_names)
        _check_names(names)
        if _is_sparse(S):
            return names, _from_sparse(S, names)
        if S.dtype == bool:
            return names, np.asfortranarray(S)
        columns = list(S.T)
    elif isinstance(S, pd.DataFrame):
        names = list(S.columns)
        _check_names(names)
        if len(names) and all(isinstance(t, pd.SparseDtype) for t in S.dtypes):
            return names, _from_sparse(S.sparse.to_coo(), names)
        if len(names) and all(t == np.dtype(bool) for t in S.dtypes):
            M = S.to_numpy()
            if M.dtype == bool and M.flags.f_contiguous:  # one bool block: a view, no copy
                return names, M
        columns = [S.iloc[:, j].to_numpy() for j in range(S.shape[1])]
    elif isinstance(S, np.ndarray) and S.dtype.names is not None and S.ndim == 1:
        names = list(S.dtype.names)
        _check_names(names)
        columns = [S[name] for name in names]
    else:
        got = (
            f"an array of shape {S.shape} and dtype {S.dtype}"
            if isinstance(S, np.ndarray)
            else f"{type(S).__name__}"
        )
        raise TypeError(
            "S must be a 1-d record array with one field per slice (what PandasSFApplier.apply "
            f"returns), a DataFrame of 0/1 columns, or a matrix with slice_names; got {got}. For "
            "a plain 0/1 matrix use pd.DataFrame(S, columns=slice_names)."
        )
    for name, column in zip(names, columns, strict=True):
        if column.ndim != 1 or column.dtype.kind not in "biuf":
            raise TypeError(
                f"S column {name!r} must hold 0/1 (or bool) slice membership; got dtype "
                f"{column.dtype} and shape {column.shape}. Cast it with .astype(bool) once its "
                "values are 0/1."
            )
    if not names:
        return names, np.zeros((len(S), 0), dtype=bool, order="F")
    kinds = {column.dtype for column in columns}
    # A packed recarray with one dtype is read as a 2-d view, a row block at a time: no copy.
    V = (
        rfn.structured_to_unstructured(S.view(np.ndarray), copy=False)
        if isinstance(S, np.ndarray) and S.dtype.names is not None and len(kinds) == 1
        else None
    )
    M = np.empty((len(columns[0]), len(names)), dtype=bool, order="F")
    for start in range(0, len(M), _BLOCK):
        stop = start + _BLOCK
        X = V[start:stop] if V is not None else np.column_stack([c[start:stop] for c in columns])
        _check_block(names, X, start)
        np.not_equal(X, 0, out=M[start:stop])  # checked, while the block is in cache
    return names, M


def _check_names(names: list[Any]) -> None:
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


def _is_sparse(S: Any) -> bool:
    return type(S).__module__.startswith("scipy.sparse")


def _plain_names(S: Any, slice_names: Sequence[str] | None) -> list[str]:
    if S.ndim != 2:
        raise TypeError(f"S as a plain matrix must be 2-D (n_rows, n_slices); got shape {S.shape}.")
    if slice_names is None:
        raise TypeError(
            f"S is a plain matrix of shape {S.shape}, which has no slice names; pass "
            "slice_names=[...] (one per column), or wrap it: pd.DataFrame(S, columns=names)."
        )
    names = list(slice_names)
    if len(names) != S.shape[1]:
        raise ValueError(
            f"slice_names has {len(names)} names for the {S.shape[1]} columns of S; give one name "
            "per column, in order."
        )
    return names


def _from_sparse(X: Any, names: list[str]) -> np.ndarray:
    # Densify a scipy sparse 0/1 matrix straight into the Fortran-ordered bool matrix.
    coo = X.tocoo()
    coo.sum_duplicates()
    bad = np.flatnonzero((coo.data != 0) & (coo.data != 1))
    if len(bad):
        i = bad[0]
        raise ValueError(
            f"S column {names[coo.col[i]]!r} must hold only 0/1 (or bool); got "
            f"{coo.data[i].item()!r} at row {coo.row[i]}."
        )
    M = np.zeros(coo.shape, dtype=bool, order="F")
    M[coo.row, coo.col] = coo.data != 0
    return M


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


def to_slice_matrix(
    codes: np.ndarray, sf_names: list[str], index: Any = None, as_dataframe: bool = False,
    faults: np.ndarray | None = None,
) -> tuple[Any, dict[str, int]]:
    """Codes ``(n_sfs, n_rows)`` -> ``S`` and the fault count of every SF.

    ``S`` is Snorkel's recarray (one int64 field per SF), or with ``as_dataframe`` a DataFrame of
    bools, one column per SF, 1 byte per row and SF, indexed by ``index``. ``codes`` is reused.
    ``faults`` (per SF), when the caller counted them, saves a pass over the codes.

    Examples
    --------
    >>> S, faults = to_slice_matrix(np.array([[1, 0], [-1, 1]], dtype=np.int8), ["a", "b"])
    >>> S.a, S.b, faults
    (array([1, 0]), array([0, 1]), {'a': 0, 'b': 1})
    """
    if faults is None:
        faults = np.array([np.count_nonzero(row < 0) for row in codes], np.int64)
    if faults.any():
        np.maximum(codes, 0, out=codes)  # a fault is out of the slice
    faults = {name: int(f) for name, f in zip(sf_names, faults, strict=True)}
    members = codes.view(bool)  # 0/1 int8 -> bool, no copy
    if as_dataframe:
        # (n_sfs, n_rows) C-order is exactly pandas' block for (n_rows, n_sfs): no copy.
        S = pd.DataFrame(members.T, columns=list(sf_names), index=index, copy=False)
        return S, faults
    # (n_rows, n_sfs) int64, row-major, viewed as one record per row: Snorkel's dtype and layout.
    values = np.ascontiguousarray(members.T, dtype=np.int64)
    dtype = np.dtype([(name, np.int64) for name in sf_names])
    return values.view(dtype).reshape(len(values)).view(np.recarray), faults
