"""The engine every applier shares: a frame (or rows) and SFs in, int8 codes per SF and row out.

Codes are laid out SF-major, ``(n_sfs, n_rows)``: 1 in the slice, 0 out, -1 a fault. Vectorized
SFs run once on the whole batch. Row-wise SFs run on ``LazyRow`` s that carry only the columns
the SFs' code names (``columns.guess_columns``); any other column is read on first access, and
columns are read from the frame one whole column at a time, only when first needed. Each SF runs
over a chunk of rows in one list comprehension, the cheapest loop Python has; if anything goes
wrong the chunk is replayed row by row, so the error names the first failing row as before.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.row import LazyRow
from snorkel_slice.slicing.columns import guess_columns
from snorkel_slice.slicing.sf import SlicingFunction, SlicingFunctionError, bad_return_message
from snorkel_slice.slicing.vectorized import vectorized_codes

CHUNK = 4096  # rows per row-wise chunk: bounds the rows alive at once, paces the progress bar


class FrameColumns(Mapping):
    """A DataFrame's columns as Python lists, each read (``Series.tolist``) on first use.

    Examples
    --------
    >>> columns = FrameColumns(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    >>> columns["b"], list(columns)
    (['x', 'y'], ['a', 'b'])
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df
        self._positions = {name: j for j, name in enumerate(df.columns)}
        self._lists: dict[Any, list[Any]] = {}

    def __getitem__(self, key: Any) -> list[Any]:
        try:
            return self._lists[key]
        except KeyError:
            values = self._lists[key] = self._df.iloc[:, self._positions[key]].tolist()
            return values

    def __iter__(self) -> Iterator[Any]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, key: Any) -> bool:
        return key in self._positions


def check_frame(df: Any) -> pd.DataFrame:
    """Refuse what is not a pandas DataFrame with unique column names; return ``df``.

    Examples
    --------
    >>> check_frame(pd.DataFrame({"a": [1]})).shape
    (1, 1)
    """
    if not isinstance(df, pd.DataFrame):
        hint = (
            "use DaskSFApplier for a dask DataFrame"
            if "dask" in type(df).__module__
            else ("build one with pd.DataFrame(...)")
        )
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__qualname__}; {hint}.")
    if df.columns.has_duplicates:
        duplicates = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(
            f"df has duplicated column names {duplicates}; an SF could not tell them apart. "
            "Rename them first, e.g. df.columns = [...]."
        )
    return df


def apply_frame(
    sfs: list[SlicingFunction], df: pd.DataFrame, fault_tolerant: bool, bar: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Run every SF on every row of ``df``: int8 codes ``(n_sfs, n_rows)`` and faults per SF.

    Examples
    --------
    >>> short = SlicingFunction("short", lambda x: len(x.text) < 3)
    >>> long = SlicingFunction("long", lambda df: df.text.str.len() > 3, vectorized=True)
    >>> codes, faults = apply_frame([short, long], pd.DataFrame({"text": ["hi", "hello"]}), False)
    >>> codes.tolist(), faults.tolist()
    ([[1, 0], [0, 1]], [0, 0])
    """
    check_frame(df)
    n = len(df)
    codes = np.empty((len(sfs), n), np.int8)
    faults = np.zeros(len(sfs), np.int64)
    row_wise = [j for j, sf in enumerate(sfs) if not sf.vectorized]
    for j, sf in enumerate(sfs):
        if sf.vectorized:
            codes[j] = vectorized_codes(sf, df, fault_tolerant)
            if fault_tolerant and n:
                faults[j] = n if codes[j, 0] < 0 else 0  # a vectorized SF faults its whole batch
    if row_wise:
        chosen = [sfs[j] for j in row_wise]
        index = df.index
        ranged = type(index) is pd.RangeIndex  # labels without building a list of them
        labels = range(index.start, index.stop, index.step) if ranged else index.tolist()
        columns = FrameColumns(df)
        eager = guess_columns(chosen, list(columns))
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            block = apply_rows(chosen, columns, labels, fault_tolerant, start, stop, eager)
            codes[row_wise, start:stop] = block
            if fault_tolerant:
                faults[row_wise] += np.count_nonzero(block < 0, axis=1)
            if bar is not None:
                bar.update(stop - start)
    elif bar is not None:
        bar.update(n)
    return codes, faults


def apply_rows(
    sfs: list[SlicingFunction],
    columns: Mapping[Any, Sequence[Any]],
    index: Sequence[Any],
    fault_tolerant: bool,
    start: int = 0,
    stop: int | None = None,
    eager: list[Any] | None = None,
) -> np.ndarray:
    """Run row-wise SFs on rows ``start:stop`` given column-wise; int8 codes ``(n_sfs, n_rows)``.

    ``columns`` maps each field to its values (positions as in ``index``, the rows' labels);
    ``eager`` names the fields every row is built with (default: ``guess_columns``).

    Examples
    --------
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> apply_rows([is_big], {"a": [1, 2], "b": [0, 0]}, [0, 1], fault_tolerant=False)
    array([[0, 1]], dtype=int8)
    """
    stop = len(index) if stop is None else stop
    if eager is None:
        eager = guess_columns(sfs, list(columns))
    rows = _rows(columns, index, start, stop, eager)
    out = np.empty((len(sfs), len(rows)), np.int8)
    if not rows:
        return out
    for j, (sf, call) in enumerate(_fast_call(sf) for sf in sfs):
        if fault_tolerant:
            out[j] = [_tolerant(call, x) for x in rows]
            continue
        try:
            values = np.array([call(x) for x in rows])
        except Exception:
            values = None
        if values is None or values.dtype != bool or values.shape != (len(rows),):
            _replay(sfs, columns, index, start, stop, eager)  # raises for the first bad row
            raise SlicingFunctionError(  # only if the replay ran clean: a flaky SF
                f"SF {sf.name!r} failed on rows {start}..{stop - 1} but not when they were run "
                "again one by one; it gives different results on the same rows."
            )
        out[j] = values
    return out


def _rows(
    columns: Mapping[Any, Sequence[Any]], index: Sequence[Any], start: int, stop: int,
    eager: list[Any],
) -> list[LazyRow]:
    # One LazyRow per row, with the eager fields filled and the rest left to columns. The cyclic
    # garbage collector is paused meanwhile: these rows form no cycles, and its passes over
    # thousands of new objects cost more than building them (restored as it was, always).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build_rows(columns, index, start, stop, eager)
    finally:
        if paused:
            gc.enable()


def _build_rows(
    columns: Mapping[Any, Sequence[Any]], index: Sequence[Any], start: int, stop: int,
    eager: list[Any],
) -> list[LazyRow]:
    new = LazyRow.__new__
    rows = []
    append = rows.append
    labels = index[start:stop]
    if len(eager) == 1:
        key = eager[0]
        for i, (label, value) in enumerate(zip(labels, columns[key][start:stop], strict=True), start):
            x = new(LazyRow)
            x.__dict__ = {key: value}
            x.name, x._columns, x._position = label, columns, i
            append(x)
        return rows
    parts = [columns[key][start:stop] for key in eager]
    values_iter = zip(*parts, strict=True) if parts else ((),) * (stop - start)
    for i, (label, values) in enumerate(zip(labels, values_iter, strict=True), start):
        x = new(LazyRow)
        x.__dict__ = dict(zip(eager, values, strict=True))
        x.name, x._columns, x._position = label, columns, i
        append(x)
    return rows


def _tolerant(call: Any, x: Any) -> int:
    try:
        result = call(x)
    except Exception:
        return -1
    return 1 if result is True else 0 if result is False else _code(result)


def _code(result: Any) -> int:
    return int(result) if isinstance(result, np.bool_) else -1


def _replay(
    sfs: list[SlicingFunction], columns: Mapping[Any, Sequence[Any]], index: Sequence[Any],
    start: int, stop: int, eager: list[Any],
) -> None:
    # Row by row, SF by SF, on fresh rows: raise for the first (row, SF) that fails.
    calls = [_fast_call(sf) for sf in sfs]
    sf = label = None
    try:
        for x in _rows(columns, index, start, stop, eager):
            label = x.name
            for sf, call in calls:
                result = call(x)
                if result is not True and result is not False and not isinstance(result, np.bool_):
                    raise TypeError(bad_return_message(sf.name, result))
    except Exception as err:
        raise SlicingFunctionError(
            f"SF {getattr(sf, 'name', sf)!r} failed on the row with index {label!r}: "
            f"{type(err).__name__}: {err} -- fix the SF, or pass fault_tolerant=True to count "
            "such rows as faults (out of the slice)."
        ) from err


def apply_points(
    sfs: list[SlicingFunction], points: Any, fault_tolerant: bool
) -> np.ndarray:
    """Run row-wise SFs on each data point of a sequence; int8 codes ``(n_sfs, n_points)``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> apply_points([is_big], [SimpleNamespace(a=1), SimpleNamespace(a=2)], False).tolist()
    [[0, 1]]
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
                        if not isinstance(result, np.bool_):
                            raise TypeError(bad_return_message(sf.name, result))
                        result = bool(result)
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
    return np.array(out, dtype=np.int8).reshape(-1, len(sfs)).T


def _fast_call(sf: SlicingFunction) -> tuple[SlicingFunction, Any]:
    # Skip SlicingFunction.__call__ (one Python frame per row and SF) when it adds nothing but
    # the bool check, which the engine does on the whole chunk; the SF does it itself with pre.
    if sf.pre:
        return sf, sf
    if sf.resources:
        return sf, functools.partial(sf.f, **sf.resources)
    return sf, sf.f
