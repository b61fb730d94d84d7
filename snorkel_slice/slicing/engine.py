"""The row engine shared by the pandas and dask appliers: frame -> rows -> SF codes -> ``S``.

Columns are read once as Python lists; each row becomes a ``Row`` (see ``snorkel_slice.row``) that
every SF of that row shares. Results are int8 codes (1 in, 0 out, -1 fault), turned into Snorkel's
recarray layout at the end. ``n_jobs > 1`` splits the rows into chunks run by worker processes. This is the one piece of
hand-written parallelism in the package: joblib was measured against it and starts its workers
too slowly for a one-off apply (see benchmarks/README.md, "Why not joblib").
"""

from __future__ import annotations

import functools
import itertools
import math
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.row import Row
from snorkel_slice.slicing.sf import SlicingFunction, bad_return_message
from snorkel_slice.validation import check_int

# Chunks per worker process: several, so one slow chunk does not leave the other cores idle.
_CHUNKS_PER_JOB = 4


class SlicingFunctionError(RuntimeError):
    """An SF raised (or returned a non-bool) on a row; the message names the SF and the row."""


def frame_columns(df: Any) -> tuple[list[Any], list[list[Any]], list[Any]]:
    """Column names, column values as Python lists, and index labels of a DataFrame.

    Examples
    --------
    >>> frame_columns(pd.DataFrame({"a": [1, 2]}, index=[5, 6]))
    (['a'], [[1, 2]], [5, 6])
    """
    if not isinstance(df, pd.DataFrame):
        hint = (
            "use DaskSFApplier for a dask DataFrame"
            if "dask" in type(df).__module__
            else ("build one with pd.DataFrame(...)")
        )
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__qualname__}; {hint}.")
    names = list(df.columns)
    if df.columns.has_duplicates:
        duplicates = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(
            f"df has duplicated column names {duplicates}; an SF could not tell them apart. "
            "Rename them first, e.g. df.columns = [...]."
        )
    # One .tolist() per column gives Python scalars without building any per-row Series.
    columns = [df.iloc[:, j].tolist() for j in range(len(names))]
    return names, columns, df.index.tolist()


def apply_rows(
    sfs: list[SlicingFunction],
    names: list[Any],
    columns: list[list[Any]],
    index: list[Any],
    fault_tolerant: bool,
) -> np.ndarray:
    """Run the SFs on rows given column-wise; return int8 codes of shape (n_rows, n_sfs).

    A code is 1 (in the slice), 0 (out) or -1 (the SF raised; only when ``fault_tolerant``).

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> apply_rows([is_big], ["a"], [[1, 2]], [0, 1], fault_tolerant=False)
    array([[0],
           [1]], dtype=int8)
    """
    out: list[Any] = []
    append = out.append
    new_row = Row.__new__
    calls = [_fast_call(sf) for sf in sfs]
    # A frame without columns still has rows: zip(*[]) would yield none.
    values_iter = zip(*columns, strict=True) if columns else itertools.repeat((), len(index))
    sf = label = None
    try:
        for label, values in zip(index, values_iter, strict=True):
            x = new_row(Row)
            x.__dict__ = dict(zip(names, values, strict=True))
            x.name = label
            for sf, call in calls:
                if fault_tolerant:
                    try:
                        result = call(x)
                        if result is not True and result is not False:
                            result = _as_bool(sf, result)
                    except Exception:
                        result = -1
                else:
                    result = call(x)
                    if result is not True and result is not False:
                        result = _as_bool(sf, result)
                append(result)
    except Exception as err:
        raise SlicingFunctionError(
            f"SF {getattr(sf, 'name', sf)!r} failed on the row with index {label!r}: "
            f"{type(err).__name__}: {err} -- fix the SF, or pass fault_tolerant=True to count "
            "such rows as faults (out of the slice)."
        ) from err
    return np.array(out, dtype=np.int8).reshape(len(index), len(sfs))


def apply_points(
    sfs: list[SlicingFunction], points: Any, fault_tolerant: bool
) -> np.ndarray:
    """Run the SFs on each data point of a sequence; int8 codes (n_points, n_sfs), as ``apply_rows``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> apply_points([is_big], [SimpleNamespace(a=1), SimpleNamespace(a=2)], False).ravel().tolist()
    [0, 1]
    """
    out: list[Any] = []
    calls = [_fast_call(sf) for sf in sfs]
    sf = i = None
    try:
        for i, x in enumerate(points):  # noqa: B007 - i names the point in the error
            for sf, call in calls:
                try:
                    result = call(x)
                    if result is not True and result is not False:
                        result = _as_bool(sf, result)
                except Exception:
                    if not fault_tolerant:
                        raise
                    result = -1
                out.append(result)
    except Exception as err:
        raise SlicingFunctionError(
            f"SF {getattr(sf, 'name', sf)!r} failed on data point {i}: {type(err).__name__}: "
            f"{err} -- fix the SF, or pass fault_tolerant=True to count such points as faults "
            "(out of the slice)."
        ) from err
    return np.array(out, dtype=np.int8).reshape(-1, len(sfs))


def _fast_call(sf: SlicingFunction) -> tuple[SlicingFunction, Any]:
    # Skip SlicingFunction.__call__ (one Python frame per row and SF) when it adds nothing but
    # the bool check, which apply_rows does inline; the SF itself still does it when pre is set.
    if sf.pre:
        return sf, sf
    if sf.resources:
        return sf, functools.partial(sf.f, **sf.resources)
    return sf, sf.f


def _as_bool(sf: SlicingFunction, result: Any) -> bool:
    if isinstance(result, np.bool_):
        return bool(result)
    raise TypeError(bad_return_message(sf.name, result))


def to_recarray(codes: np.ndarray, sf_names: list[str]) -> tuple[np.recarray, dict[str, int]]:
    """Turn (n_rows, n_sfs) codes into Snorkel's ``S`` layout and per-SF fault counts.

    Examples
    --------
    >>> S, faults = to_recarray(np.array([[1, -1], [0, 1]], dtype=np.int8), ["a", "b"])
    >>> S.a, S.b, faults
    (array([1, 0]), array([0, 1]), {'a': 0, 'b': 1})
    """
    faults = {name: int(n) for name, n in zip(sf_names, (codes < 0).sum(axis=0), strict=True)}
    # (n_rows, n_sfs) int64, row-major, viewed as one record per row: Snorkel's dtype and layout.
    values = np.ascontiguousarray(codes > 0, dtype=np.int64)
    dtype = np.dtype([(name, np.int64) for name in sf_names])
    S = values.view(dtype).reshape(len(values)).view(np.recarray)
    return S, faults


def check_n_jobs(n_jobs: Any) -> int:
    """Validate ``n_jobs`` and resolve -1 to the number of cores.

    Examples
    --------
    >>> check_n_jobs(2)
    2
    """
    if n_jobs == -1 and not isinstance(n_jobs, bool):
        return os.cpu_count() or 1
    return check_int("n_jobs", n_jobs, low=1, hint="Use 1, 2, ... or -1 for every core.")


def _fork_available() -> bool:
    # fork is the default on Linux only; macOS offers it but system libraries may crash after it.
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def _check_picklable(sfs: list[SlicingFunction]) -> None:
    for sf in sfs:
        try:
            pickle.dumps(sf)
        except Exception as err:
            raise TypeError(
                f"n_jobs > 1 needs to send SF {sf.name!r} to worker processes, but it cannot be "
                f"pickled ({type(err).__name__}: {err}). Define its function (and any "
                "preprocessor's) at the top level of a .py module and import it, or use n_jobs=1."
            ) from err


# Work handed to forked workers through inherited memory rather than pickles: the SFs may be
# closures or notebook functions that cannot be pickled, and the columns need not be copied.
_FORKED_JOBS: dict[int, tuple[Any, ...]] = {}


def _run_forked(token: int, start: int, stop: int) -> np.ndarray:
    sfs, names, columns, index, fault_tolerant = _FORKED_JOBS[token]
    part = [c[start:stop] for c in columns]
    return apply_rows(sfs, names, part, index[start:stop], fault_tolerant)


def apply_parallel(
    sfs: list[SlicingFunction],
    names: list[Any],
    columns: list[list[Any]],
    index: list[Any],
    fault_tolerant: bool,
    n_jobs: int,
    bar: Any,
) -> list[np.ndarray]:
    """``apply_rows`` over chunks of rows in ``n_jobs`` worker processes; blocks in row order.

    On Linux the workers are forked and inherit the SFs and columns (nothing is pickled, so
    closures and notebook functions work, and memoized preprocessors start from the parent's
    cache). Elsewhere they are spawned and the SFs must be picklable (importable from a module).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> no_bar = SimpleNamespace(update=lambda n: None)
    >>> blocks = apply_parallel([is_big], ["a"], [[1, 2, 3]], [0, 1, 2], False, 2, no_bar)
    >>> np.concatenate(blocks).ravel().tolist()
    [0, 1, 1]
    """
    n = len(index)
    size = math.ceil(n / (n_jobs * _CHUNKS_PER_JOB))
    bounds = [(start, min(start + size, n)) for start in range(0, n, size)]
    forking = _fork_available()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    if not forking:
        _check_picklable(sfs)
    token = id(columns)
    if forking:
        _FORKED_JOBS[token] = (sfs, names, columns, index, fault_tolerant)
    blocks: list[np.ndarray] = []
    try:
        with ProcessPoolExecutor(min(n_jobs, len(bounds)), mp_context=context) as pool:
            futures = []
            for start, stop in bounds:
                if forking:
                    futures.append(pool.submit(_run_forked, token, start, stop))
                else:
                    part = [c[start:stop] for c in columns]
                    futures.append(
                        pool.submit(apply_rows, sfs, names, part, index[start:stop], fault_tolerant)
                    )
            try:
                # Collected in row order, so a failing SF reports the same (first) row as n_jobs=1.
                for future in futures:
                    blocks.append(future.result())
                    bar.update(len(blocks[-1]))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _FORKED_JOBS.pop(token, None)
    return blocks
