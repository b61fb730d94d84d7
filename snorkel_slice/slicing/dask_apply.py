"""Apply SFs to a dask DataFrame, partition by partition, on any dask scheduler or cluster.

Each partition is a pandas DataFrame and goes through the same engine as ``PandasSFApplier``
(vectorized SFs get the partition as their batch), so ``S`` is identical to the pandas applier's on
the computed frame. dask is
imported only when ``apply`` runs: ``import snorkel_slice`` never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.apply import ApplierMetadata, check_sfs
from snorkel_slice.slicing.engine import apply_frame
from snorkel_slice.slicing.matrix import to_slice_matrix
from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.validation import check_bool

# dask's named schedulers ("single-threaded" and "synchronous" are aliases of "sync").
SCHEDULERS = ("sync", "synchronous", "single-threaded", "threads", "threading", "processes",
              "multiprocessing", "distributed")


class DaskSFApplier:
    """Apply SFs to every row of a ``dask.dataframe.DataFrame``, producing the slice matrix ``S``.

    Move here from ``PandasSFApplier`` when the data no longer fits in memory or one machine's
    cores are too few: each partition is processed where it lives, and only the small int8 slice
    codes travel back. SFs and preprocessors are pickled with every partition's task, so they
    must be picklable by dask (cloudpickle), and a memoized preprocessor's cache starts empty for
    each partition: it saves work within a partition, never across partitions.

    Parameters
    ----------
    sfs
        The SFs, with unique names; their order is the field order of ``S``.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from snorkel_slice.slicing.sf import slicing_function
    >>> @slicing_function()
    ... def short_comment(x):
    ...     return len(x.text.split()) < 5
    >>> df = pd.DataFrame({"text": ["cool video!", "please check out my new channel now"] * 2})
    >>> ddf = dd.from_pandas(df, npartitions=2)
    >>> DaskSFApplier([short_comment]).apply(ddf, scheduler="sync").short_comment
    array([1, 0, 1, 0])
    """

    def __init__(self, sfs: Sequence[SlicingFunction]) -> None:
        self.sfs = check_sfs(sfs)

    def apply(
        self,
        ddf: Any,
        scheduler: Any = None,
        fault_tolerant: bool = False,
        return_meta: bool = False,
        as_dataframe: bool = False,
    ) -> Any:
        """Run every SF on every row of ``ddf``; rows of ``S`` follow ``ddf``'s order.

        Parameters
        ----------
        ddf
            A dask DataFrame of data points.
        scheduler
            Passed to ``compute``: None uses dask's default (the active ``dask.distributed``
            client, if any); or "sync", "threads", "processes", or a ``Client``.
        fault_tolerant
            If True, an SF that raises or returns a non-bool marks that row out of its slice
            (0) and counts a fault, instead of stopping with ``SlicingFunctionError``.
        return_meta
            Also return an ``ApplierMetadata`` with the fault count of every SF.
        as_dataframe
            Return ``S`` as a DataFrame of bools indexed like ``ddf`` (see ``PandasSFApplier``).

        Returns
        -------
        S
            Recarray of shape (n_rows,), one int64 0/1 field per SF, in SF order.
        ApplierMetadata
            Only when ``return_meta`` is True.
        """
        import dask.dataframe as dd

        if not isinstance(ddf, dd.DataFrame):
            hint = (
                "use PandasSFApplier for a pandas DataFrame, or dd.from_pandas(df, npartitions=...)"
                if isinstance(ddf, pd.DataFrame)
                else "build one with dask.dataframe"
            )
            raise TypeError(f"ddf must be a dask DataFrame, got {type(ddf).__qualname__}; {hint}.")
        for arg, value in [("fault_tolerant", fault_tolerant), ("return_meta", return_meta),
                           ("as_dataframe", as_dataframe)]:
            check_bool(arg, value)
        names = [sf.name for sf in self.sfs]
        meta = pd.DataFrame({name: pd.Series(dtype=np.int8) for name in names})
        codes = ddf.map_partitions(
            _partition_codes, self.sfs, fault_tolerant, meta=meta, align_dataframes=False
        )
        if isinstance(scheduler, str) and scheduler not in SCHEDULERS:
            raise ValueError(
                f"scheduler must be one of {SCHEDULERS}, a dask.distributed Client, or None for "
                f"dask's default; got {scheduler!r}."
            )
        codes = codes.compute(scheduler=scheduler)
        index = codes.index
        codes = np.array(codes.to_numpy(dtype=np.int8).T, order="C")  # (n_sfs, n_rows)
        S, faults = to_slice_matrix(codes, names, index, as_dataframe)
        return (S, ApplierMetadata(faults)) if return_meta else S

    def __repr__(self) -> str:
        return f"DaskSFApplier(sfs={[sf.name for sf in self.sfs]})"


def _partition_codes(
    partition: pd.DataFrame, sfs: list[SlicingFunction], fault_tolerant: bool
) -> pd.DataFrame:
    # Runs on a worker: the pandas applier's engine -> int8 codes (-1 marks a fault, counted later).
    codes, _ = apply_frame(sfs, partition, fault_tolerant)
    return pd.DataFrame(codes.T, index=partition.index, columns=[sf.name for sf in sfs])
