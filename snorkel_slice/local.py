"""Quiet, self-cleaning local Dask and Spark sessions for notebooks and tests.

A local cluster is set-up work that has nothing to do with slicing: free ports for dashboards,
start-up logs that name ports changing from run to run, scratch folders, a JVM writing notices to
the terminal. These helpers do it once, so a lesson's cell reads ``with local_dask_cluster() as
client:`` and nothing else. Dask and pyspark are imported only when a helper is called.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def local_dask_cluster(n_workers: int = 2) -> Iterator[Any]:
    """A ``dask.distributed`` client of ``n_workers`` local worker processes, one thread each.

    The dashboard takes any free port (``client.dashboard_link`` gives it), start-up logs are
    silenced, and every process keeps its scratch files in a temporary folder that is removed,
    with the cluster, when the ``with`` block ends (even after an error).

    Examples
    --------
    >>> with local_dask_cluster() as client:  # doctest: +SKIP
    ...     S = DaskSFApplier(sfs).apply(ddf)
    """
    import dask
    from dask.distributed import Client, LocalCluster

    with (
        tempfile.TemporaryDirectory(prefix="snorkel-slice-dask-") as scratch,
        dask.config.set({"temporary-directory": scratch}),
        LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                     dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextlib.contextmanager
def logs_to_file(path: str | Path) -> Iterator[None]:
    """Send what this process, and the programs it starts, write to the terminal to ``path``.

    Examples
    --------
    >>> import subprocess, tempfile
    >>> log = Path(tempfile.mkdtemp()) / "out.log"
    >>> with logs_to_file(log):
    ...     _ = subprocess.run(["echo", "hidden"])
    >>> log.read_text()
    'hidden\\n'
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}  # stdout and stderr, as file descriptors
    with open(path, "ab") as log:
        for fd in saved:
            os.dup2(log.fileno(), fd)
    try:
        yield
    finally:
        for fd, original in saved.items():
            os.dup2(original, fd)
            os.close(original)


def local_spark(app_name: str = "snorkel-slice", log: str | Path | None = None) -> Any:
    """A Spark session on this machine: one JVM, 2 worker threads, loopback only, no web UI.

    Spark's Python workers run this Python (``PYSPARK_PYTHON``), so they import the same packages.
    The JVM's own notices go to ``log`` (default: ``<tempdir>/<app_name>-spark.log``), not into
    the notebook. Stop the session with ``spark.stop()`` when done.

    Examples
    --------
    >>> spark = local_spark("lesson08")  # doctest: +SKIP
    """
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    # PySpark 4.3 warns about any pandas >= 3; what the package uses works with pandas 3.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    log = Path(tempfile.gettempdir()) / f"{app_name}-spark.log" if log is None else log
    with logs_to_file(log):  # the JVM keeps this output for its whole life
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


__all__ = ["local_dask_cluster", "local_spark", "logs_to_file"]
