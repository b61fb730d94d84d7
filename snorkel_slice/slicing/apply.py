"""Appliers: run SFs over a pandas DataFrame and return the slice matrix ``S``.

``S`` is a numpy recarray with one int64 field per SF, in SF order, 1 where the row is in the slice,
exactly what ``snorkel.slicing.PandasSFApplier`` returns (or, with ``as_dataframe=True``, a compact
DataFrame of bools). The speed comes from how rows are fed to the SFs: each column an SF reads is
read once into a Python list and every row becomes a light ``LazyRow`` (see ``snorkel_slice.row``)
instead of a ``pandas.Series`` built per row; vectorized SFs get the whole frame at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from snorkel_slice.progress import progress
from snorkel_slice.slicing.engine import (
    SlicingFunctionError,
    apply_frame,
    apply_points,
    check_frame,
)
from snorkel_slice.slicing.matrix import to_slice_matrix
from snorkel_slice.slicing.pool import apply_parallel, check_n_jobs
from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.validation import check_bool, check_int


class ApplierMetadata(NamedTuple):
    """What an apply call observed besides ``S``."""

    faults: dict[str, int]  # SF name -> rows on which it raised (every SF listed, 0 if none)


class PandasSFApplier:
    """Apply SFs to every row of a pandas DataFrame, producing the slice matrix ``S``.

    Each row-wise SF receives a ``snorkel_slice.row.Row``: the row's columns as attributes
    (``x.text``) and items (``x["text"]``), its index label as ``x.name``, and room for new fields
    that preprocessors set (``x.polarity = ...``). What an SF does with Snorkel's row ``Series``
    through attribute or item access works unchanged. A vectorized SF
    (``@slicing_function(vectorized=True)``) receives the whole frame (with ``n_jobs``, each
    worker's share of it) and returns one bool per row; both kinds mix in one list.

    Parameters
    ----------
    sfs
        The SFs, with unique names; their order is the field order of ``S``.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import slicing_function
    >>> @slicing_function()
    ... def short_comment(x):
    ...     return len(x.text.split()) < 5
    >>> df = pd.DataFrame({"text": ["cool video!", "please check out my new channel now"]})
    >>> S = PandasSFApplier([short_comment]).apply(df, progress_bar=False)
    >>> S.short_comment
    array([1, 0])
    """

    def __init__(self, sfs: Sequence[SlicingFunction]) -> None:
        self.sfs = check_sfs(sfs)

    def apply(
        self,
        df: pd.DataFrame,
        progress_bar: bool = True,
        fault_tolerant: bool = False,
        return_meta: bool = False,
        n_jobs: int = 1,
        as_dataframe: bool = False,
    ) -> Any:
        """Run every SF on every row of ``df``.

        Parameters
        ----------
        df
            The data points, one per row.
        progress_bar
            Show one progress bar (also switched off by ``SNORKEL_SLICE_PROGRESS=0``).
        fault_tolerant
            If True, an SF that raises or returns a non-bool on a row marks that row out of its
            slice (0) and counts a fault, instead of stopping with ``SlicingFunctionError``.
            (Snorkel writes -1 there; ``S`` here is always 0/1.)
        return_meta
            Also return an ``ApplierMetadata`` with the fault count of every SF.
        n_jobs
            Worker processes; -1 uses every core. Worth it for expensive SFs (e.g. TextBlob); ``S``
            is identical to ``n_jobs=1``. Memoized preprocessors keep one cache per worker. On Linux
            workers are forked, so any SF works; elsewhere SFs must be importable from a module.
        as_dataframe
            Return ``S`` as a DataFrame of bools (one column per SF, ``df``'s index), 1 byte per
            row and SF instead of the recarray's 8: the layout for thousands of slices. Every
            function that takes ``S`` accepts either.

        Returns
        -------
        S
            Recarray of shape (n_rows,), one int64 0/1 field per SF, in SF order (or the
            DataFrame of bools).
        ApplierMetadata
            Only when ``return_meta`` is True.
        """
        for arg, value in [
            ("progress_bar", progress_bar),
            ("fault_tolerant", fault_tolerant),
            ("return_meta", return_meta),
            ("as_dataframe", as_dataframe),
        ]:
            check_bool(arg, value)
        n_jobs = check_n_jobs(n_jobs)
        check_frame(df)
        with progress(total=len(df), enabled=progress_bar, desc="Applying SFs", unit="rows") as bar:
            if n_jobs == 1 or len(df) == 0:
                codes, faults = apply_frame(self.sfs, df, fault_tolerant, bar)
            else:
                blocks = apply_parallel(self.sfs, df, fault_tolerant, n_jobs, bar)
                codes = np.concatenate([block for block, _ in blocks], axis=1)
                faults = sum(f for _, f in blocks)
        S, faults = to_slice_matrix(
            codes, [sf.name for sf in self.sfs], df.index, as_dataframe, faults
        )
        return (S, ApplierMetadata(faults)) if return_meta else S

    def __repr__(self) -> str:
        return f"PandasSFApplier(sfs={[sf.name for sf in self.sfs]})"


class SFApplier:
    """Apply SFs to a sequence of data points (any objects the SFs can read), as Snorkel's.

    Parameters
    ----------
    sfs
        The SFs, with unique names; their order is the field order of ``S``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> short = SlicingFunction("short", lambda x: len(x.text) < 10)
    >>> SFApplier([short]).apply([SimpleNamespace(text="hi"), SimpleNamespace(text="a long one")],
    ...                          progress_bar=False).short
    array([1, 0])
    """

    def __init__(self, sfs: Sequence[SlicingFunction]) -> None:
        self.sfs = check_sfs(sfs)

    def apply(
        self,
        data_points: Sequence[Any],
        progress_bar: bool = True,
        fault_tolerant: bool = False,
        return_meta: bool = False,
    ) -> np.recarray | tuple[np.recarray, ApplierMetadata]:
        """Run every SF on every data point; arguments and result as ``PandasSFApplier.apply``."""
        for arg, value in [("progress_bar", progress_bar), ("fault_tolerant", fault_tolerant),
                           ("return_meta", return_meta)]:
            check_bool(arg, value)
        if isinstance(data_points, pd.DataFrame):
            raise TypeError("data_points is a DataFrame; use PandasSFApplier for DataFrames.")
        if isinstance(data_points, str | bytes) or not hasattr(data_points, "__len__"):
            raise TypeError(
                f"data_points must be a sequence (list, tuple, array) of data points; got "
                f"{type(data_points).__name__}."
            )
        vectorized = [sf.name for sf in self.sfs if sf.vectorized]
        if vectorized:
            raise TypeError(
                f"SFApplier runs SFs one data point at a time, but {vectorized} are vectorized "
                "(they take a DataFrame batch). Put the data points in a DataFrame and use "
                "PandasSFApplier, or write those SFs row-wise."
            )
        with progress(data_points, enabled=progress_bar, desc="Applying SFs", unit="points") as bar:
            codes = apply_points(self.sfs, bar, fault_tolerant)
        S, faults = to_slice_matrix(codes, [sf.name for sf in self.sfs])
        return (S, ApplierMetadata(faults)) if return_meta else S


class PandasParallelSFApplier(PandasSFApplier):
    """Snorkel's parallel pandas applier: ``apply(df, n_parallel=2)`` runs ``n_parallel`` processes.

    Snorkel builds it on Dask; here it is ``PandasSFApplier.apply(df, n_jobs=n_parallel)``,
    which gives the same ``S`` without Dask.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> short = SlicingFunction("short", lambda x: len(x.text) < 10)
    >>> PandasParallelSFApplier([short]).apply(pd.DataFrame({"text": ["hi", "a long one"]})).short
    array([1, 0])
    """

    def apply(  # type: ignore[override]
        self,
        df: pd.DataFrame,
        n_parallel: int = 2,
        scheduler: str = "processes",
        fault_tolerant: bool = False,
    ) -> np.recarray:
        """Run every SF on every row of ``df`` in ``n_parallel`` (>= 2) worker processes."""
        check_int("n_parallel", n_parallel, low=2,
                  hint="For a single process use PandasSFApplier(sfs).apply(df).")
        if scheduler not in ("processes", "threads", "sync"):
            raise ValueError(
                f"scheduler must be 'processes', 'threads' or 'sync'; got {scheduler!r}. "
                "For a dask cluster use DaskSFApplier."
            )
        n_jobs = n_parallel if scheduler == "processes" else 1  # threads gain nothing on SFs (GIL)
        return super().apply(df, progress_bar=False, fault_tolerant=fault_tolerant, n_jobs=n_jobs)


def slice_dataframe(
    df: pd.DataFrame, slicing_function: SlicingFunction, progress_bar: bool = True
) -> pd.DataFrame:
    """The rows of ``df`` that are in the slice of ``slicing_function`` (index kept).

    Parameters
    ----------
    df
        The data points.
    slicing_function
        The SF defining the slice.
    progress_bar
        Show a progress bar while applying the SF.

    Returns
    -------
    pd.DataFrame
        ``df.iloc`` of the rows where the SF returns True, in ``df``'s order.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import slicing_function
    >>> @slicing_function()
    ... def short_comment(x):
    ...     return len(x.text.split()) < 5
    >>> df = pd.DataFrame({"text": ["check out my channel please now", "Nice"]}, index=[10, 11])
    >>> slice_dataframe(df, short_comment, progress_bar=False)
        text
    11  Nice
    """
    if not isinstance(slicing_function, SlicingFunction):
        raise TypeError(
            "slicing_function must be a snorkel_slice SlicingFunction, got "
            f"{type(slicing_function).__qualname__}; build it with @slicing_function()."
        )
    S = PandasSFApplier([slicing_function]).apply(df, progress_bar=progress_bar, as_dataframe=True)
    return df.iloc[np.flatnonzero(S[slicing_function.name].to_numpy())]


def check_sfs(sfs: Any) -> list[SlicingFunction]:
    """Validate a list of SFs (non-empty, all SFs, unique names) and return it as a new list.

    Examples
    --------
    >>> check_sfs([])
    Traceback (most recent call last):
    ...
    ValueError: sfs is empty; pass a list of at least one SlicingFunction.
    """
    if isinstance(sfs, SlicingFunction):
        raise TypeError("sfs must be a list of SFs, got a single SF; wrap it: [my_sf].")
    if not isinstance(sfs, list | tuple):
        raise TypeError(f"sfs must be a list of SlicingFunctions, got {type(sfs).__name__}.")
    if not sfs:
        raise ValueError("sfs is empty; pass a list of at least one SlicingFunction.")
    for i, sf in enumerate(sfs):
        if not isinstance(sf, SlicingFunction):
            raise TypeError(
                f"sfs[{i}] must be a snorkel_slice SlicingFunction, got "
                f"{type(sf).__module__}.{type(sf).__qualname__}; build it with "
                "@snorkel_slice.slicing.slicing_function()."
            )
    names = [sf.name for sf in sfs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"SF names must be unique (they name the fields of S); duplicated: {duplicates}. "
            "Rename one of each pair, e.g. slicing_function(name='...')."
        )
    return list(sfs)


__all__ = [
    "ApplierMetadata",
    "PandasParallelSFApplier",
    "PandasSFApplier",
    "SFApplier",
    "SlicingFunctionError",
    "check_sfs",
    "slice_dataframe",
]
