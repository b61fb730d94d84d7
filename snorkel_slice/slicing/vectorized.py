"""Vectorized SFs: one call per batch of rows (a pandas DataFrame), one bool per row back.

A row-wise SF pays the Python interpreter once per row; a vectorized SF hands the whole batch to
pandas (or numpy, or pyarrow) and pays it once per batch. Every applier runs both kinds, mixed in
one list: the pandas applier on the whole frame (or on each worker's rows with ``n_jobs``), Dask on
each partition, Spark on each Arrow batch of each partition (``mapInPandas``). What a vectorized SF
may return is checked here, so a wrong result gets the same message from every applier.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_BOOL = np.dtype(bool)


def check_batch_preprocessors(name: str, pre: list[Any]) -> None:
    """Refuse memoized preprocessors on a vectorized SF: a batch is not one data point.

    Examples
    --------
    >>> check_batch_preprocessors("short", [])
    """
    for p in pre:
        if p.memoize:
            raise ValueError(
                f"SF {name!r} is vectorized, so its preprocessors receive whole batches (DataFrames), "
                f"but preprocessor {p.name!r} memoizes per data point. Pass memoize=False: a batch "
                "preprocessor runs once per batch anyway."
            )
        check_batch_preprocessors(name, p.pre)


def run_batch(sf: Any, batch: pd.DataFrame) -> Any:
    """Run a vectorized SF's preprocessors and function on ``batch``; its raw result, unchecked.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> sf = SlicingFunction("short", lambda df: df.text.str.len() < 3, vectorized=True)
    >>> run_batch(sf, pd.DataFrame({"text": ["hi", "hello"]})).tolist()
    [True, False]
    """
    if not isinstance(batch, pd.DataFrame):
        raise TypeError(
            f"SF {sf.name!r} is vectorized: it takes a pandas DataFrame (a batch of rows), got "
            f"{type(batch).__name__}. Call it on a DataFrame, or apply it with an applier."
        )
    x = batch
    for p in sf.pre:
        x = p(x)
        if not isinstance(x, pd.DataFrame) or len(x) != len(batch):
            got = f"{len(x)} rows" if isinstance(x, pd.DataFrame) else type(x).__name__
            raise TypeError(
                f"SF {sf.name!r}: preprocessor {p.name!r} must return the batch (a DataFrame of "
                f"its {len(batch)} rows, new columns added); got {got}. End it with `return df`."
            )
    return sf.f(x, **sf.resources)


def batch_result(name: str, result: Any, batch: pd.DataFrame) -> np.ndarray:
    """Check a vectorized SF's result and return it as a bool ndarray with one value per row.

    Accepted: a bool numpy array, or a Series / pandas array of a bool dtype (numpy, nullable or
    pyarrow) without missing values; a Series must carry the batch's index, in its order.

    Examples
    --------
    >>> batch = pd.DataFrame({"text": ["hi", "hello"]})
    >>> batch_result("short", batch.text.str.len() < 3, batch)
    array([ True, False])
    >>> batch_result("short", batch.text.str.len(), batch)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: vectorized SF 'short' returned values of dtype int64, expected bool...
    """
    n = len(batch)
    if type(result) is np.ndarray and result.dtype == _BOOL and result.shape == (n,):
        return result  # the common case, checked first: every applier calls this per SF and batch
    if (type(result) is pd.Series and result.dtype == _BOOL and len(result) == n
            and result.index.equals(batch.index)):
        return result.to_numpy()
    where = f"vectorized SF {name!r} returned"
    if isinstance(result, pd.Series) and not result.index.equals(batch.index):
        raise ValueError(
            f"{where} a Series whose index differs from the batch's (index {span(result.index)} "
            f"for a batch with index {span(batch.index)}); values would land on the wrong rows. "
            "Keep the batch's rows and order (no reset_index, sort or filter), or return "
            "`.to_numpy()` of values already in the batch's order."
        )
    if isinstance(result, pd.Series | pd.Index | pd.api.extensions.ExtensionArray | np.ndarray):
        dtype = result.dtype
        if not pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            hint = (
                " Compare to get bools, e.g. `df.n_words < 5`, or `.astype(bool)` once the "
                "values are 0/1." if not pd.api.types.is_object_dtype(dtype) else
                " Object dtype: make the values a bool column, e.g. `.astype(bool)`."
            )
            raise TypeError(f"{where} values of dtype {dtype}, expected bool (one per row).{hint}")
        if getattr(result, "ndim", 1) != 1 or len(result) != n:
            shape = getattr(result, "shape", (len(result),))
            raise ValueError(
                f"{where} {len(result) if len(shape) == 1 else shape} values for a batch of {n} "
                "rows; return one bool per row, in the batch's order."
            )
        if isinstance(result, np.ndarray):
            return result
        missing = pd.isna(result)
        if missing.any():
            first = np.flatnonzero(np.asarray(missing))[:5].tolist()
            raise ValueError(
                f"{where} missing values (NA) at batch positions {first}; decide what a missing "
                "value means, e.g. `(...).fillna(False)`."
            )
        return np.asarray(result, dtype=bool)
    if isinstance(result, bool | np.bool_):
        raise TypeError(
            f"{where} a single {result!r}; a vectorized SF returns one bool per row of the batch, "
            "e.g. `df.text.str.len() < 20`. For a function of one row, drop vectorized=True."
        )
    raise TypeError(
        f"{where} {type(result).__name__}, expected a bool numpy array or Series with one value "
        f"per row of the batch ({n} rows)."
    )


def call_vectorized(sf: Any, batch: pd.DataFrame) -> np.ndarray:
    """Run a vectorized SF on ``batch`` and return its checked bool ndarray.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> sf = SlicingFunction("short", lambda df: df.text.str.len() < 3, vectorized=True)
    >>> call_vectorized(sf, pd.DataFrame({"text": ["hi", "hello"]}))
    array([ True, False])
    """
    return batch_result(sf.name, run_batch(sf, batch), batch)


def span(index: pd.Index) -> str:
    """``first..last`` label of an index, as plain Python values ("empty" if none).

    Examples
    --------
    >>> span(pd.RangeIndex(3, 7))
    '3..6'
    """
    if len(index) == 0:
        return "empty"
    first, last = index[[0, -1]].tolist()
    return f"{first!r}..{last!r}"


def vectorized_codes(sf: Any, batch: pd.DataFrame, fault_tolerant: bool) -> np.ndarray:
    """int8 codes ``(n_rows,)`` of one vectorized SF on ``batch``; a raise faults the whole batch.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> sf = SlicingFunction("short", lambda df: df.text.str.len() < 3, vectorized=True)
    >>> vectorized_codes(sf, pd.DataFrame({"text": ["hi", "hello"]}), False)
    array([1, 0], dtype=int8)
    """
    from snorkel_slice.slicing.sf import SlicingFunctionError  # sf.py imports this module

    try:
        raw = run_batch(sf, batch)
    except Exception as err:
        if fault_tolerant:
            return np.full(len(batch), -1, np.int8)
        raise SlicingFunctionError(
            f"vectorized SF {sf.name!r} failed on a batch of {len(batch)} rows (index "
            f"{span(batch.index)}): "
            f"{type(err).__name__}: {err} -- fix the SF, or pass fault_tolerant=True to count the "
            "batch's rows as faults (out of the slice)."
        ) from err
    # Checked outside the try: a result of the wrong shape or type is a bug, never a fault.
    return batch_result(sf.name, raw, batch).view(np.int8)
