"""``n_jobs > 1``: the frame's rows split into chunks run by worker processes.

This is the one piece of hand-written parallelism in the package: joblib was measured against it
and starts its workers too slowly for a one-off apply (see benchmarks/README.md, "Why not joblib").
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.engine import apply_frame
from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.validation import check_int

# Chunks per worker process: several, so one slow chunk does not leave the other cores idle.
_CHUNKS_PER_JOB = 4


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
# closures or notebook functions that cannot be pickled, and the frame need not be copied.
_FORKED_JOBS: dict[int, tuple[Any, ...]] = {}


def _run_forked(token: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    sfs, df, fault_tolerant = _FORKED_JOBS[token]
    return apply_frame(sfs, df.iloc[start:stop], fault_tolerant)


def apply_parallel(
    sfs: list[SlicingFunction], df: pd.DataFrame, fault_tolerant: bool, n_jobs: int, bar: Any
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``apply_frame`` over chunks of rows in ``n_jobs`` worker processes; blocks in row order.

    On Linux the workers are forked and inherit the SFs and the frame (nothing is pickled, so
    closures and notebook functions work, and memoized preprocessors start from the parent's
    cache). Elsewhere they are spawned and the SFs must be picklable (importable from a module).
    Each block is ``apply_frame``'s (codes ``(n_sfs, rows of the chunk)``, faults per SF);
    vectorized SFs see each chunk as their batch.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> is_big = SlicingFunction("is_big", lambda x: x.a > 1)
    >>> no_bar = SimpleNamespace(update=lambda n: None)
    >>> blocks = apply_parallel([is_big], pd.DataFrame({"a": [1, 2, 3]}), False, 2, no_bar)
    >>> np.concatenate([codes for codes, _ in blocks], axis=1).tolist()
    [[0, 1, 1]]
    """
    n = len(df)
    size = math.ceil(n / (n_jobs * _CHUNKS_PER_JOB))
    bounds = [(start, min(start + size, n)) for start in range(0, n, size)]
    forking = _fork_available()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    if not forking:
        _check_picklable(sfs)
    token = id(df)
    if forking:
        _FORKED_JOBS[token] = (sfs, df, fault_tolerant)
    blocks: list[np.ndarray] = []
    try:
        with ProcessPoolExecutor(min(n_jobs, len(bounds)), mp_context=context) as pool:
            futures = []
            for start, stop in bounds:
                if forking:
                    futures.append(pool.submit(_run_forked, token, start, stop))
                else:
                    futures.append(
                        pool.submit(apply_frame, sfs, df.iloc[start:stop], fault_tolerant)
                    )
            try:
                # Collected in row order, so a failing SF reports the same (first) row as n_jobs=1.
                for future in futures:
                    blocks.append(future.result())
                    bar.update(blocks[-1][0].shape[1])
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _FORKED_JOBS.pop(token, None)
    return blocks
