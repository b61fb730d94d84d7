"""Spark case: SparkSFApplier against our pandas applier and DaskSFApplier, on one machine.

The 4 cheap seed SFs on the train texts tiled to 10,000, 100,000 and 1,000,000 rows. Spark runs a
``local[2]`` session (loopback, no UI), Dask a 2-worker LocalCluster, and pandas one process. What
each engine pays before its first row is timed on its own: the Spark session's start (the JVM),
the Dask cluster's start, and each engine's first apply (its Python workers importing the SFs).
The data is moved into the engine before timing (Spark: ``createDataFrame(...).cache()``; Dask:
``from_pandas(...).persist()``), as it would already live there; that move is reported as a fact.
Every S is compared with our pandas applier's S (dtype and values) before any time is reported.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from cases_apply import _n_tasks, _same_S
from common import alternate, require, spam_frames, summary, tiled

CHEAP = ("short_comment", "keyword_please", "regex_check_out", "short_link")
PARTITIONS = 4  # per frame, in both engines: two per worker


def start_spark(partitions: int) -> Any:
    """A local[2] Spark session on the loopback interface, with no UI and quiet logs."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this Python (and package)
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    import warnings

    from pyspark.sql import SparkSession

    # PySpark 4.3 warns about any pandas >= 3; the paths used here are tested with the pin.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("snorkel_slice-bench")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.default.parallelism", str(partitions))  # createDataFrame's slices
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark(smoke: bool) -> dict[str, Any]:
    """Case: pandas vs Dask vs Spark at 10k, 100k and 1M rows, start-up costs apart."""
    import dask.dataframe as dd
    import pandas as pd
    from dask.distributed import Client, LocalCluster, wait

    from snorkel_slice.datasets import make_spam_sfs
    from snorkel_slice.slicing import DaskSFApplier, PandasSFApplier, SparkSFApplier

    sizes, repeats = ([2_000], 1) if smoke else ([10_000, 100_000, 1_000_000], 3)
    texts = spam_frames()[0][["text"]]
    sfs = make_spam_sfs(CHEAP)
    results: dict[str, Any] = {}

    start = time.perf_counter()
    session = start_spark(PARTITIONS)
    results["Spark session start (JVM)"] = summary([time.perf_counter() - start])
    first = session.createDataFrame(tiled(texts, 10))
    start = time.perf_counter()
    require(len(SparkSFApplier(sfs).apply(first)) == 10, "Spark: first apply lost rows")
    results["Spark first apply, 10 rows (workers start)"] = summary([time.perf_counter() - start])

    # The smoke run uses thread workers: process workers take ~10 s to start on a busy 2-core box.
    start = time.perf_counter()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=not smoke,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        results["Dask cluster start"] = summary([time.perf_counter() - start])
        start = time.perf_counter()
        ddf_first = dd.from_pandas(tiled(texts, 10), npartitions=1)
        require(len(DaskSFApplier(sfs).apply(ddf_first)) == 10, "Dask: first apply lost rows")
        results["Dask first apply, 10 rows (workers start)"] = summary([time.perf_counter() - start])
        moves = {}
        for n in sizes:
            # createDataFrame sends one Arrow batch per partition once there are more batches than
            # partitions: a column of many chunks (tiled() concatenates copies) or of more than
            # maxRecordsPerBatch rows (10,000) gave up to 2,620 partitions at 1M rows. So: one
            # contiguous column, and batches of a quarter of the rows.
            big = pd.DataFrame({"text": tiled(texts, n)["text"].tolist()})
            session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(-(-n // PARTITIONS)))
            expected = PandasSFApplier(sfs).apply(big, progress_bar=False)
            start = time.perf_counter()
            sdf = session.createDataFrame(big).cache()
            require(sdf.count() == n and sdf.rdd.getNumPartitions() == PARTITIONS,
                    f"Spark frame of {n} rows is not in {PARTITIONS} partitions")
            spark_move = time.perf_counter() - start
            start = time.perf_counter()
            ddf = dd.from_pandas(big, npartitions=PARTITIONS).persist()  # rows live on the workers
            wait(ddf)
            moves[n] = {"spark_s": round(spark_move, 3),
                        "dask_s": round(time.perf_counter() - start, 3)}
            same_S = _same_S({"S": expected}, "pandas n_jobs=1")
            n_tasks = client.run_on_scheduler(_n_tasks)  # the persisted partitions

            def check(name: str, S: Any, same_S: Any = same_S, n_tasks: int = n_tasks) -> None:
                same_S(name, S)
                # As in dask_apply: wait (untimed) until dask has released the last result, or an
                # identical graph is answered from memory.
                deadline = time.perf_counter() + 10
                while client.run_on_scheduler(_n_tasks) > n_tasks and time.perf_counter() < deadline:
                    time.sleep(0.01)

            candidates = {
                "pandas n_jobs=1": lambda big=big: PandasSFApplier(sfs).apply(big, progress_bar=False),
                "Dask 2 workers": lambda ddf=ddf: DaskSFApplier(sfs).apply(ddf),
                "Spark local[2]": lambda sdf=sdf: SparkSFApplier(sfs).apply(sdf),
            }
            times = alternate(candidates, repeats, warmups=1, check=check)
            part = {name: summary(runs, n) for name, runs in times.items()}
            base = part["pandas n_jobs=1"]["median_s"]
            for res in part.values():
                res["ratio"] = base / res["median_s"]  # > 1: faster than pandas
            results.update({f"{name} [{n:,}]": res for name, res in part.items()})
            sdf.unpersist()
            del ddf
    session.stop()
    return {
        "title": f"SparkSFApplier vs DaskSFApplier vs pandas, 4 cheap SFs, "
                 f"{', '.join(f'{n:,}' for n in sizes)} rows, 2 workers each "
                 + ("(Dask threads: smoke)" if smoke else "(Dask processes)"),
        "rows": sizes,
        "identical": True,
        "checks": ["S from Spark and from Dask: same dtype and values as our PandasSFApplier's on "
                   "the same rows, every run, warm-ups included"],
        "results": results,
        "reference": "pandas n_jobs=1 (ratio = pandas median / this median: > 1 is faster)",
        "moves_into_engine": moves,
        "notes": f"Frames of {PARTITIONS} partitions in both engines, cached (Spark) or persisted "
                 "(Dask) before timing; 'moves_into_engine' times that move. The start-up rows are "
                 "single runs, paid once per session (JVM) or cluster, and once per worker process.",
    }
