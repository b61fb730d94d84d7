"""Vectorized SFs on Spark: each Arrow batch of each partition as a pandas DataFrame.

Spark's ``mapInPandas`` hands every partition to the Python worker as pandas DataFrames (Spark does
the Arrow conversion); each batch goes through the pandas applier's engine, and only one small
record per batch travels back: its partition, its number, and the batch's int8 codes as bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.sf import SlicingFunction, SlicingFunctionError
from snorkel_slice.slicing.vectorized import vectorized_codes

_SCHEMA = "partition int, batch long, n_rows long, codes binary, error string, message string"
_ERRORS = {"TypeError": TypeError, "ValueError": ValueError,
           "SlicingFunctionError": SlicingFunctionError}


def spark_vectorized_codes(
    data: Any, sfs: list[SlicingFunction], fault_tolerant: bool
) -> np.ndarray:
    """int8 codes ``(n_sfs, n_rows)`` of vectorized SFs on a Spark DataFrame, in partition order."""
    run = functools.partial(_batches, sfs=sfs, fault_tolerant=fault_tolerant)
    records = data.mapInPandas(run, _SCHEMA).collect()
    records.sort(key=lambda r: (r["partition"], r["batch"]))
    blocks, offset = [], 0
    for r in records:
        if r["error"] is not None:  # the first failing batch in row order
            where = (f" (Spark partition {r['partition']}, batch {r['batch']}, from row "
                     f"{offset} of the data)")
            raise _ERRORS.get(r["error"], RuntimeError)(r["message"] + where)
        blocks.append(np.frombuffer(r["codes"], np.int8).reshape(len(sfs), r["n_rows"]))
        offset += r["n_rows"]
    if not blocks:
        return np.zeros((len(sfs), 0), np.int8)
    return np.concatenate(blocks, axis=1)


def _batches(
    batches: Iterator[pd.DataFrame], sfs: list[SlicingFunction], fault_tolerant: bool
) -> Iterator[pd.DataFrame]:
    # Runs on a Spark worker. Failures come back as data, so the driver raises them as the pandas
    # applier would, without a Java stack trace around them.
    from pyspark import TaskContext

    partition = TaskContext.get().partitionId()
    done = 0
    for number, batch in enumerate(batches):
        batch.index = pd.RangeIndex(done, done + len(batch))  # positions within the partition
        record = {"partition": [partition], "batch": [number], "n_rows": [len(batch)]}
        try:
            codes = np.stack([vectorized_codes(sf, batch, fault_tolerant) for sf in sfs])
        except (TypeError, ValueError, SlicingFunctionError) as err:
            yield pd.DataFrame(record | {"codes": [b""], "error": [type(err).__name__],
                                         "message": [str(err)]})
            return
        yield pd.DataFrame(record | {"codes": [codes.tobytes()], "error": [None],
                                     "message": [None]})
        done += len(batch)
