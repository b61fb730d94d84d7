"""Apply SFs to a Spark DataFrame (or an RDD of pyspark Rows), partition by partition.

Each partition's rows go through the same row machinery as ``PandasSFApplier`` on Spark's Python
workers, and only small int8 slice codes travel back to the driver, so ``S`` is identical to the
pandas applier's on the same rows. Vectorized SFs run on pandas batches of each partition through
``mapInPandas`` (``spark_vectorized.py``). pyspark is imported only when ``apply`` runs:
``import snorkel_slice`` never needs it, and neither does a learner who never uses Spark.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.apply import ApplierMetadata, check_sfs
from snorkel_slice.slicing.engine import SlicingFunctionError, apply_rows
from snorkel_slice.slicing.matrix import to_slice_matrix
from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.validation import check_bool

# Rows converted and applied at a time on a worker: bounds its memory whatever the partition size.
_CHUNK = 4096


class SparkSFApplier:
    """Apply SFs to every row of a Spark DataFrame, producing the slice matrix ``S``.

    Use it where the data already lives in Spark. Each partition is processed on the Spark worker
    that holds it; the rows never come to the driver, only one int8 code per row and SF. Every row
    reaches the SFs as a ``snorkel_slice.row.Row`` with the row's fields (``x.text``), as in
    ``PandasSFApplier``; Spark rows have no index label, so ``x.name`` is the row's position within
    its partition. SFs are pickled with the job (closures and notebook functions work), and a
    memoized preprocessor's cache starts empty in every partition's task.

    Spark's Python workers must be able to import ``snorkel_slice`` and whatever the SFs use. On
    one machine, point them at the driver's Python before the session starts::

        os.environ["PYSPARK_PYTHON"] = sys.executable
        spark = SparkSession.builder.master("local[2]").getOrCreate()
        S = SparkSFApplier(sfs).apply(spark.createDataFrame(df))

    Parameters
    ----------
    sfs
        The SFs, with unique names; their order is the field order of ``S``.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> short = SlicingFunction("short", lambda x: len(x.text) < 10)
    >>> SparkSFApplier([short]).apply(pd.DataFrame({"text": ["hi"]}))
    Traceback (most recent call last):
    ...
    TypeError: data must be a Spark DataFrame or an RDD of pyspark Rows, got a pandas DataFrame; use PandasSFApplier(sfs).apply(df), or move it to Spark with spark.createDataFrame(df).
    """

    def __init__(self, sfs: Sequence[SlicingFunction]) -> None:
        self.sfs = check_sfs(sfs)

    def apply(
        self,
        data: Any,
        fault_tolerant: bool = False,
        return_meta: bool = False,
        as_dataframe: bool = False,
    ) -> Any:
        """Run every SF on every row of ``data``; rows of ``S`` follow ``data``'s partition order.

        That is the order ``data.collect()`` gives: a DataFrame made from a pandas frame or read
        from one file keeps its rows in order; after a shuffle (``repartition``, ``join``,
        ``groupBy``) carry a key column to line ``S`` up with the rows.

        Parameters
        ----------
        data
            A ``pyspark.sql.DataFrame``, or a ``pyspark.RDD`` of ``pyspark.sql.Row`` s that all
            have the same fields.
        fault_tolerant
            If True, an SF that raises or returns a non-bool marks that row out of its slice
            (0) and counts a fault, instead of stopping with ``SlicingFunctionError``.
        return_meta
            Also return an ``ApplierMetadata`` with the fault count of every SF.
        as_dataframe
            Return ``S`` as a DataFrame of bools (see ``PandasSFApplier``).

        Returns
        -------
        S
            Recarray of shape (n_rows,), one int64 0/1 field per SF, in SF order.
        ApplierMetadata
            Only when ``return_meta`` is True.
        """
        for arg, value in [("fault_tolerant", fault_tolerant), ("return_meta", return_meta),
                           ("as_dataframe", as_dataframe)]:
            check_bool(arg, value)
        rdd = _as_rdd(data)
        names = [sf.name for sf in self.sfs]
        vectorized = [j for j, sf in enumerate(self.sfs) if sf.vectorized]
        row_wise = [j for j, sf in enumerate(self.sfs) if not sf.vectorized]
        parts = []
        if vectorized:
            if data is rdd:
                raise TypeError(
                    f"vectorized SFs {[names[j] for j in vectorized]} need a Spark DataFrame (they "
                    "run on pandas batches of it); make one with spark.createDataFrame(rdd)."
                )
            from pyspark.errors import PythonException

            from snorkel_slice.slicing.spark_vectorized import spark_vectorized_codes

            try:
                parts.append(spark_vectorized_codes(
                    data, [self.sfs[j] for j in vectorized], fault_tolerant))
            except PythonException as err:
                setup = _worker_setup_error(err, rdd.context.pythonExec)
                if setup is None:
                    raise
                raise setup from err
        if row_wise:
            parts.append(self._row_codes(rdd, [self.sfs[j] for j in row_wise], fault_tolerant))
        codes = np.empty((len(names), parts[0].shape[1]), np.int8)
        for rows, part in zip([j for j in (vectorized, row_wise) if j], parts, strict=True):
            if part.shape[1] != codes.shape[1]:
                raise RuntimeError(
                    f"Spark gave {part.shape[1]} rows to some SFs and {codes.shape[1]} to others; "
                    "the data changed between two passes (is it nondeterministic? cache() it)."
                )
            codes[rows] = part
        S, faults = to_slice_matrix(codes, names, None, as_dataframe)
        return (S, ApplierMetadata(faults)) if return_meta else S

    def _row_codes(self, rdd: Any, sfs: list[SlicingFunction], fault_tolerant: bool) -> np.ndarray:
        # Row-wise SFs over the RDD of pyspark Rows: int8 codes (n_sfs, n_rows).
        run = functools.partial(_partition_codes, sfs=sfs, fault_tolerant=fault_tolerant)
        from pyspark.errors import PythonException

        try:
            # One small (partition, codes, failure) triple per partition: never the rows.
            parts = sorted(rdd.mapPartitionsWithIndex(run).collect(), key=lambda p: p[0])
        except PythonException as err:
            setup = _worker_setup_error(err, rdd.context.pythonExec)
            if setup is None:
                raise
            raise setup from err
        blocks, offset = [], 0
        for partition, codes, failure in parts:
            if failure is not None:  # the first failing partition holds the first failing row
                raise _failure_error(failure, partition, offset)
            blocks.append(codes)
            offset += codes.shape[1]
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(sfs), 0), np.int8)

    def __repr__(self) -> str:
        return f"SparkSFApplier(sfs={[sf.name for sf in self.sfs]})"


def _as_rdd(data: Any) -> Any:
    # Refuse what is not Spark data before importing pyspark, which may not be installed.
    got = type(data).__qualname__
    module = type(data).__module__
    start = "data must be a Spark DataFrame or an RDD of pyspark Rows, got"
    if isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{start} a pandas DataFrame; use PandasSFApplier(sfs).apply(df), or move it to "
            "Spark with spark.createDataFrame(df)."
        )
    if module.split(".")[0] in ("dask", "dask_expr"):
        raise TypeError(f"{start} a dask {got}; use DaskSFApplier(sfs).apply(ddf) for dask data.")
    if module.startswith("pyspark.sql.connect"):
        raise TypeError(
            f"{start} a Spark Connect {got}, which has no RDD to run Python code on; use a "
            "classic session (SparkSession.builder.master(...).getOrCreate())."
        )
    if not module.startswith("pyspark"):
        raise TypeError(
            f"{start} {got}; make one with spark.createDataFrame(...), or use SFApplier(sfs) "
            "for a list of data points."
        )
    from pyspark import RDD
    from pyspark.sql import DataFrame

    if isinstance(data, DataFrame):
        duplicates = sorted({c for c in data.columns if data.columns.count(c) > 1})
        if duplicates:
            raise ValueError(
                f"data has duplicated column names {duplicates}; an SF could not tell them apart. "
                "Rename them first, e.g. data.toDF(*new_names) or select(... .alias(...))."
            )
        return data.rdd
    if isinstance(data, RDD):
        return data
    raise TypeError(f"{start} {module}.{got}; make a DataFrame with spark.createDataFrame(...).")


def _partition_codes(
    partition: int, rows: Iterable[Any], sfs: list[SlicingFunction], fault_tolerant: bool
) -> Iterator[tuple[int, np.ndarray | None, tuple[str, str, int] | None]]:
    # Runs on a Spark worker. Failures come back as data, not as a worker exception, so the driver
    # can say which row of the whole data failed (Spark would wrap it in a Java stack trace).
    from pyspark.sql import Row as SparkRow

    blocks: list[np.ndarray] = []
    names: list[str] | None = None
    done = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, _CHUNK)):
        for i, row in enumerate(chunk):
            fields = getattr(row, "__fields__", None) if isinstance(row, SparkRow) else None
            if names is None:
                names = fields
            if fields is None or (fields is not names and fields != names):
                yield partition, None, _bad_row(row, fields, names, done + i)
                return
        columns = dict(zip(names, (list(c) for c in zip(*chunk, strict=True)), strict=True))
        try:
            blocks.append(apply_rows(sfs, columns, range(done, done + len(chunk)),
                                     fault_tolerant))
        except SlicingFunctionError as err:
            yield partition, None, ("SlicingFunctionError", str(err), -1)
            return
        done += len(chunk)
    codes = np.concatenate(blocks, axis=1) if blocks else np.zeros((len(sfs), 0), np.int8)
    yield partition, codes, None


def _bad_row(
    row: Any, fields: list[str] | None, names: list[str] | None, position: int
) -> tuple[str, str, int]:
    # (error type, message, position in the partition) for a row that is not like the first.
    if fields is None:
        return "TypeError", (
            f"data must hold pyspark Rows with named fields; found {type(row).__name__} "
            f"{str(row)[:60]!r}. Make them with Row(text=...), or use spark.createDataFrame(...)."
        ), position
    return "ValueError", (
        f"every Row of data must have the same fields; found {fields} after {names}. Make a "
        "DataFrame with spark.createDataFrame(rdd, schema) to give every row the same fields."
    ), position


def _failure_error(failure: tuple[str, str, int], partition: int, offset: int) -> Exception:
    kind, message, position = failure
    if kind != "SlicingFunctionError":
        where = f"row {offset + position} (row {position} of Spark partition {partition})"
        return {"TypeError": TypeError, "ValueError": ValueError}[kind](f"{message} At {where}.")
    # apply_rows names rows by the labels it was given: here the position in the partition.
    local = re.search(r"failed on the row with index (\d+):", message)
    if local:
        where = (f"failed on row {offset + int(local.group(1))} of the data (row "
                 f"{local.group(1)} of Spark partition {partition}):")
        message = message.replace(local.group(0), where, 1)
    return SlicingFunctionError(message)


def _worker_setup_error(err: Exception, python: str) -> Exception | None:
    # The usual reason a Spark worker cannot run the SFs at all: it runs another Python.
    missing = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'", str(err))
    if missing is None:
        return None
    return RuntimeError(
        f"Spark's Python workers could not import {missing.group(1)!r} (they run {python!r}), so "
        "they cannot run the SFs. Every worker needs snorkel_slice, the module each SF is defined "
        "in, and what the SFs import. On one machine, set os.environ['PYSPARK_PYTHON'] = "
        "sys.executable before the SparkSession starts, so the workers run this Python; send a "
        "module of your own with spark.sparkContext.addPyFile(path) (functions defined in a "
        "notebook travel with the job); on a cluster, install the packages on every worker."
    )


__all__ = ["SparkSFApplier"]
