# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05. Scaling out with Dask and Spark
#
# **Goal:** tell when `PandasSFApplier` is enough, when `n_jobs` helps, and when to move to Dask or
# Spark, and apply the same SFs there with an identical slice matrix `S`.
#
# *Time: about 25 minutes. Assumes: [01. Writing slicing functions](01_writing_slicing_functions.ipynb)
# (SFs, the slice matrix `S`, memoized preprocessors). Next: [07. Slicing functions with
# NLP](07_slicing_functions_with_nlp.ipynb), or take the SFs of lesson 01 and the monitoring of
# [02. Monitoring slices](02_monitoring_slices.ipynb) to your own data, with the applier this
# lesson helps you choose.*
#
# In this lesson you will:
# 1. measure how fast `PandasSFApplier` runs on your machine and how much memory the frame takes;
# 2. spread an expensive SF over your cores with `n_jobs`, and see what that does to a memoized
#    preprocessor's cache;
# 3. apply the same SFs to a Dask dataframe on a local two-worker cluster, check that `S` is
#    identical, and compare the three speeds in a plot;
# 4. do the same on a local Spark session, measure what Spark costs before the first row, and see
#    why a column expression beats a Python SF in every engine.
#
# The lessons so far sliced at most a couple of thousand comments. Monitoring in production slices
# every comment
# a platform receives, and the question becomes which tool to use for which size. The answer is a
# ladder, and each rung costs more set-up than the one below, so climb only as far as you must:
#
# 1. **pandas, one process**: the frame fits in memory and applying the SFs is fast enough.
# 2. **pandas with `n_jobs`**: the frame fits, but the SFs are expensive and you have idle cores.
# 3. **Dask** or **Spark**: the data does not fit in one machine's memory, already lives on many
#    machines, or needs more cores than one machine has. Which of the two is mostly decided by
#    where your data already lives.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import contextlib
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import dask
import dask.dataframe as dd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from dask.distributed import Client, LocalCluster
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from textblob import TextBlob

from exercises import lesson08
from snorkel_slice import (
    DaskSFApplier,
    PandasSFApplier,
    preprocessor,
    slicing_function,
)
from snorkel_slice.slicing import SparkSFApplier
from utils import SPAM_SF_NAMES, load_spam_dataset, make_spam_sfs

SEED = 123

# %% [markdown]
# ## 1. The data and the SFs
#
# The comments are the YouTube spam data of lesson 01, and the SFs are lesson 01's four cheap
# ones: a length test, a keyword list and two regular expressions. Each costs a few microseconds
# per comment.

# %%
df_train, df_test = load_spam_dataset()

sfs = make_spam_sfs(SPAM_SF_NAMES[:4])  # lesson 01's cheap SFs; read them with make_spam_sfs??

# %% [markdown]
# To feel size, tile the 1,586 training comments into a frame of 100,000 rows with a fresh
# index 0, 1, 2, ... The copies change nothing about the SFs' answers, so every slice is about 63
# times its size in `df_train`.

# %%
# NBVAL_CHECK_OUTPUT
N_ROWS = 100_000
copies = -(-N_ROWS // len(df_train))  # ceiling division
df_big = pd.concat([df_train] * copies, ignore_index=True).iloc[:N_ROWS]
print(f"{len(df_big):,} rows, {df_big['text'].nunique():,} distinct texts")

# %% [markdown]
# ## 2. How far pandas goes
#
# Two numbers decide whether pandas is enough: how much memory the frame takes, and how many rows
# per second the applier gets through. Memory first. `memory_usage(deep=True)` counts the strings
# too, not only the pointers to them.

# %%
frame_bytes = df_big.memory_usage(deep=True).sum()
bytes_per_row = frame_bytes / len(df_big)
print(f"{frame_bytes / 2**20:.0f} MiB in all, {bytes_per_row:.0f} bytes per comment")

# %%
assert 100 < bytes_per_row < 400, bytes_per_row  # a couple of hundred bytes per comment

# %% [markdown]
# pandas needs room to work beyond the frame itself: filtering, joining or concatenating makes
# copies. A common rule of thumb is to have **5 to 10 times the frame's size** in free memory. So a
# laptop with 8 GiB holds on the order of ten million comments comfortably, and a hundred
# million do not fit:

# %%
ram_bytes = 8 * 2**30
print(f"comfortable in 8 GiB (frame at most 1/5 of it): "
      f"{ram_bytes / 5 / bytes_per_row / 1e6:.0f} million comments")

# %% [markdown]
# Now speed. Time one apply of the four SFs over the 100,000 rows. The result depends on your
# machine and on whatever else it is doing, so it is printed here but never checked, and the
# prose quotes no number: read your own.

# %%
seconds = {}  # setting -> seconds to apply the cheap SFs to df_big
start = time.perf_counter()
S_pandas = PandasSFApplier(sfs).apply(df_big, progress_bar=False)
seconds["pandas, n_jobs=1"] = time.perf_counter() - start
rate = N_ROWS / seconds["pandas, n_jobs=1"]
print(f"pandas, one process: {rate:,.0f} rows/s")
print(f"at that rate 10 million comments take {10_000_000 / rate / 60:.1f} minutes")

# %% [markdown]
# The slice sizes, by contrast, are the same on every machine: each is its `df_train` size times
# the number of copies, give or take the last partial copy.

# %%
# NBVAL_CHECK_OUTPUT
print({name: int(S_pandas[name].sum()) for name in S_pandas.dtype.names})

# %% [markdown]
# For cheap SFs this is the whole story on one machine: if the frame fits and the wait is
# acceptable, stay on the first rung. Most monitoring jobs never need more.
#
# ## 3. Expensive SFs: `n_jobs`
#
# Lesson 01's sentiment SF is different: TextBlob parses every comment, which costs far more per
# row than a regular expression. `PandasSFApplier(sfs).apply(df, n_jobs=2)` splits the rows into
# chunks and runs them in two worker processes, and `S` is identical to `n_jobs=1`.
#
# The preprocessor is memoized, as in lesson 01, so repeated rows would come from its cache and
# hide the cost. A real stream is mostly distinct comments; to stand in for one, take the 1,836
# comments of train and test four times over and add a `copy` column. The cache keys a row by all
# of its columns (lesson 01), so every distinct row is new to it and TextBlob really runs on it:
# 7,280 of the 7,344 rows, since a few comments are exact duplicates (counted below).

# %%
# NBVAL_CHECK_OUTPUT
@preprocessor(memoize=True)
def textblob_sentiment(x):
    """Add TextBlob's polarity, from -1 (negative) to +1 (positive), as x.polarity."""
    x.polarity = TextBlob(x.text).sentiment.polarity
    return x


@slicing_function(pre=[textblob_sentiment])
def textblob_polarity(x):
    """Gushing comments are about the video itself, so they should almost never be spam."""
    return x.polarity > 0.9


df_comments = pd.concat([df_train, df_test], ignore_index=True)
df_stream = pd.concat([df_comments.assign(copy=k) for k in range(4)], ignore_index=True)
TextBlob("warm-up").sentiment  # loads TextBlob's lexicon now, not inside the timings
seconds_textblob = {}  # setting -> seconds to apply textblob_polarity to df_stream
len(df_stream)

# %% [markdown]
# Run `n_jobs=2` first, from an empty cache, so that neither run profits from the other's work.

# %%
textblob_sentiment.reset_cache()
start = time.perf_counter()
S_two = PandasSFApplier([textblob_polarity]).apply(df_stream, progress_bar=False, n_jobs=2)
seconds_textblob["n_jobs=2"] = time.perf_counter() - start
print(f"n_jobs=2: {len(df_stream) / seconds_textblob['n_jobs=2']:,.0f} rows/s")

# %% [markdown]
# The workers filled their caches, yet the notebook's cache is still empty. Each worker process
# has its own copy of the preprocessor: on Linux it is forked with a copy of the parent's cache
# (empty here), fills that copy, and exits with it. Nothing comes back.

# %%
# NBVAL_CHECK_OUTPUT
print("notebook cache after n_jobs=2:", len(textblob_sentiment.cache_))

# %%
start = time.perf_counter()
S_one = PandasSFApplier([textblob_polarity]).apply(df_stream, progress_bar=False, n_jobs=1)
seconds_textblob["n_jobs=1"] = time.perf_counter() - start
print(f"n_jobs=1: {len(df_stream) / seconds_textblob['n_jobs=1']:,.0f} rows/s")

# %% [markdown]
# Run in this process, the cache keeps one entry per distinct row (a few of the 1,836 comments are
# exact duplicates, author and date included), and both runs agree on every row:

# %%
# NBVAL_CHECK_OUTPUT
print("notebook cache after n_jobs=1:", len(textblob_sentiment.cache_))
print("rows in the slice:", S_one["textblob_polarity"].sum())
print("S identical:", np.array_equal(S_one, S_two))

# %% [markdown]
# Whether `n_jobs=2` was faster on your machine depends on two things: how much each row costs,
# and whether both cores were free. Starting worker processes and collecting their results has a
# fixed cost, which pays off only when the rows are expensive, as TextBlob's are. The plot in
# section 5 puts the numbers side by side.
#
# ## 4. Dask: when the data outgrows one machine
#
# When the frame no longer fits in memory, or the comments already live as many files on shared
# storage, no option of `PandasSFApplier` helps: the data has to be processed where it lies, a
# piece at a time. A **Dask dataframe** is such a set of pieces: a list of ordinary pandas frames,
# its *partitions*, plus a plan for computing with them. Nothing is loaded until a result is asked
# for, and then each partition is a separate *task* that a worker runs.
#
# In real use you point Dask at the files, for example `dd.read_parquet("s3://bucket/comments/")`,
# and never hold the whole frame in pandas. Here we make such files first: `df_big` written as
# eight Parquet files in a temporary folder.

# %%
# NBVAL_CHECK_OUTPUT
workdir = tempfile.TemporaryDirectory(prefix="lesson08-")
parquet_dir = Path(workdir.name) / "comments"
dd.from_pandas(df_big, npartitions=8).to_parquet(parquet_dir)
print(sorted(p.name for p in parquet_dir.iterdir()))

# %% [markdown]
# Reading them back is instant, because nothing is read yet: `ddf` knows the columns, their types
# and that there are eight partitions, one per file.

# %%
ddf = dd.read_parquet(parquet_dir)
ddf

# %% [markdown]
# Asking for a result runs the plan. `map_partitions(len)` counts the rows of each partition
# where it lives, and only eight numbers come back:

# %%
# NBVAL_CHECK_OUTPUT
print(ddf.map_partitions(len).compute().tolist())

# %% [markdown]
# Now the cluster. `LocalCluster` starts a scheduler and worker processes on this machine; a real
# cluster has workers on many machines, and you would connect with
# `Client("tcp://scheduler-address:8786")` instead. Everything else stays the same.
#
# - `n_workers=2, threads_per_worker=1, processes=True`: one process per core, as `n_jobs=2` had.
# - `dashboard_address=":0"` serves Dask's web dashboard (when `bokeh` is installed) on any free
#   port, so this cluster never clashes with another one on the machine.
#   `silence_logs=logging.ERROR` keeps the start-up messages, which name ports that change from
#   run to run, out of the notebook.
#   For the same reason the cell never displays `cluster` or `client`; in your own work,
#   `client.dashboard_link` gives the dashboard's address.
# - `dask.config.set({"temporary-directory": ...})` keeps the scratch files of the scheduler and
#   the workers in our temporary folder, so the lesson leaves nothing behind.
#
# The `with` block closes the client and the cluster, and restores the setting, when it ends, even
# after an error, so no worker process outlives the cell. Inside it,
# `DaskSFApplier(sfs).apply(ddf)` sends the SFs to the workers, runs them on every partition there,
# and brings back only the small 0/1 codes.

# %%
# NBVAL_CHECK_OUTPUT
with (
    dask.config.set({"temporary-directory": workdir.name}),  # scratch space of all processes
    LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster,
    Client(cluster) as client,
):
    n_workers = len(client.scheduler_info()["workers"])
    start = time.perf_counter()
    S_dask = DaskSFApplier(sfs).apply(ddf)  # the active client runs it
    seconds["Dask, 2 workers"] = time.perf_counter() - start
print(f"{n_workers} workers gave S with {len(S_dask):,} rows and fields {S_dask.dtype.names}")

# %% [markdown]
# The point of `DaskSFApplier` is that nothing about the answer changes. Row `i` of `S_dask` is
# row `i` of `ddf`, which holds the rows of `df_big` in the same order, so the two matrices must be
# equal, field names and types included:

# %%
assert S_dask.dtype == S_pandas.dtype, (S_dask.dtype, S_pandas.dtype)
assert np.array_equal(S_dask, S_pandas), "Dask and pandas disagree"

# %% [markdown]
# The `with` block has already stopped the workers. Cleaning up the temporary folder removes the
# Parquet files and the workers' scratch space:

# %%
# NBVAL_CHECK_OUTPUT
workdir.cleanup()
print("temporary folder left behind:", Path(workdir.name).exists())

# %% [markdown]
# Three things work differently on Dask, and each follows from "every partition is a separate
# task that receives its own copy of the SFs":
#
# - **Row order is the dataframe's order.** `dd.from_pandas(df, npartitions=...)` sorts the rows by
#   the index unless you pass `sort=False`. `df_train`'s index restarts at 0 for every video, so
#   sorting would reorder it and `S` would no longer line up with `df_train` (exercise 8a).
# - **A memoized preprocessor caches per partition.** Each task unpickles a fresh copy of the SFs,
#   so the cache starts empty for every partition and is dropped when the partition is done; a
#   repeated comment is computed again in every partition that holds it, and nothing reaches the
#   notebook's `cache_`. With many duplicates and an expensive preprocessor, drop the duplicates
#   before applying, or use fewer, larger partitions.
# - **SFs must be pure functions of the row** (and of their `resources`). An SF that counts what it
#   has seen in a global variable counts only what its own copy saw (one partition, or one worker
#   process), so it gives one `S` in pandas and another on Dask.
#
# One thing stays in your notebook's memory: `S` itself, 8 bytes per row and SF (Snorkel's
# layout). That is small next to the comments, but it grows with them:

# %%
# NBVAL_CHECK_OUTPUT
bytes_per_row_S = S_dask.nbytes / len(S_dask)
print(f"S: {bytes_per_row_S:.0f} bytes per row; for 100 million comments "
      f"{100_000_000 * bytes_per_row_S / 2**30:.1f} GiB")

# %% [markdown]
# ## 5. The three speeds side by side
#
# Each bar is a rate measured above on your machine. The left panel is the cheap SFs on 100,000
# rows, the right one the TextBlob SF on 7,344 rows (7,280 distinct). For a fair comparison,
# first time the cheap SFs with `n_jobs=2` too.

# %%
start = time.perf_counter()
S_pandas_two = PandasSFApplier(sfs).apply(df_big, progress_bar=False, n_jobs=2)
seconds["pandas, n_jobs=2"] = time.perf_counter() - start
assert np.array_equal(S_pandas_two, S_pandas)

# %%
fig, (cheap, costly) = plt.subplots(1, 2, figsize=(9, 3))
order = ["pandas, n_jobs=1", "pandas, n_jobs=2", "Dask, 2 workers"]
cheap.barh(order, [N_ROWS / seconds[k] for k in order], color=["C0", "C1", "C2"])
cheap.set(title="4 cheap SFs, 100,000 rows", xlabel="rows per second")
cheap.invert_yaxis()
costly.barh(["n_jobs=1", "n_jobs=2"],
            [len(df_stream) / seconds_textblob[k] for k in ("n_jobs=1", "n_jobs=2")],
            color=["C0", "C1"])
costly.set(title="TextBlob SF, 7,344 rows", xlabel="rows per second")
costly.invert_yaxis()
fig.tight_layout()

# %% [markdown]
# How to read your bars:
#
# - **Cheap SFs:** `n_jobs=2` may help, but less than it helps TextBlob, and on a busy machine it
#   can lose; Dask is the slowest here. Each row costs microseconds, so starting processes, moving
#   data and collecting results weigh as much as the work. The Dask bar also pays for reading the
#   Parquet files, shipping the SFs and, on this first call, for the workers importing
#   `snorkel_slice`.
# - **The TextBlob SF:** each row costs much more, so a second process has real work to share.
#   When both cores are free, `n_jobs=2` can come close to twice the rate of `n_jobs=1`. When other
#   programs keep a core busy (a shared Binder box, a CI runner, another notebook), the gain
#   shrinks or vanishes, and your bars may show exactly that: `n_jobs` can only use idle cores.
# - **What Dask buys is not speed on one laptop.** It is the ability to run the same SFs on data
#   that no single machine could hold, on as many machines as you connect. On two local cores it
#   is at best as fast as `n_jobs=2`.

# %% [markdown]
# ## 6. Spark: when the data already lives there
#
# Many teams keep their data in Spark: tables of Parquet files on a data lake, read by Spark jobs on
# Databricks, EMR or a Hadoop cluster. When the comments live there, send the SFs to them.
# `SparkSFApplier(sfs).apply(sdf)` does for a Spark DataFrame what `DaskSFApplier` does for a Dask
# one: each partition is processed where it lives, and only the 0/1 codes come back.
#
# One difference matters for SFs. Spark's engine runs in a Java virtual machine (the *JVM*), while
# your SFs are Python, so Spark starts separate Python *worker* processes beside it. Every row
# crosses from the JVM into a Python worker, and its codes cross back.
#
# A local session runs the whole of Spark on this machine: `master("local[2]")` means one JVM with
# two worker threads, as many as the two Dask workers. The other settings keep it on this machine
# (the loopback address `127.0.0.1`, no web UI) and keep Spark's progress bars out of the notebook.
# `PYSPARK_PYTHON` names the Python that Spark's workers run. Its default is whichever `python3`
# comes first on the `PATH`, which need not be the Python that has `snorkel_slice`, so set it to
# this notebook's own.
#
# One more detail: the JVM writes its own notices (log settings, a Java warning) straight to the
# terminal, and Jupyter would show them in the cell. `logs_to_file` starts it with that output going
# to a log file instead, `lesson08-spark.log` in your temporary folder. The helper is used again in
# exercise 8c.

# %%
SPARK_LOG = Path(tempfile.gettempdir()) / "lesson08-spark.log"


@contextlib.contextmanager
def logs_to_file(path):
    """Send what this process and the programs it starts write to the terminal to a file."""
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


def start_local_spark():
    """A Spark session on this machine: one JVM, 2 worker threads, loopback only, no web UI."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # Spark's Python workers run this Python
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    # PySpark 4.3 warns about any pandas >= 3; what this lesson uses works with pandas 3.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("lesson08")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    with logs_to_file(SPARK_LOG):  # the JVM keeps this output for its whole life
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


start = time.perf_counter()
spark = start_local_spark()
seconds_spark_start = time.perf_counter() - start
print(f"Spark {spark.version} started in {seconds_spark_start:.1f} s")

# %% [markdown]
# That wait is mostly the JVM starting, and you pay it once per session. In real use you
# would read the comments where they live, for example `spark.read.parquet("s3://bucket/comments/")`.
# Here `spark.createDataFrame` copies `df_big` into Spark and splits it into partitions (here one
# per worker thread). `cache()` keeps the rows in the JVM's memory, so that the timings below
# measure the SFs, not the copy.

# %%
# NBVAL_CHECK_OUTPUT
sdf = spark.createDataFrame(df_big[["text"]]).cache()
print(f"{sdf.count():,} rows in {sdf.rdd.getNumPartitions()} partitions")

# %% [markdown]
# Now the same four SFs. The first apply also starts the Python workers, which import
# `snorkel_slice` and unpickle the SFs, so time it twice and keep the second, warm run:

# %%
for run in ("cold", "warm"):
    start = time.perf_counter()
    S_spark = SparkSFApplier(sfs).apply(sdf)
    rate = N_ROWS / (time.perf_counter() - start)
    print(f"Spark, 2 workers, {run}: {rate:,.0f} rows/s")

# %% [markdown]
# Row `i` of `S_spark` is row `i` of `sdf`, which holds `df_big`'s rows in order, so again the
# matrices must be equal. (A Spark DataFrame keeps its row order until a shuffle, such as
# `repartition`, `join` or `groupBy`; after one, carry a key column to line `S` up with the rows.)

# %%
assert S_spark.dtype == S_pandas.dtype, (S_spark.dtype, S_pandas.dtype)
assert np.array_equal(S_spark, S_pandas), "Spark and pandas disagree"

# %% [markdown]
# ### When each engine pays
#
# Spark pays twice before the first row: once per session, to start the JVM, and once per job, to
# plan it, schedule a task per partition, ship the SFs to the workers and collect the results.
# pandas pays neither. Time both appliers on 1,000, 10,000 and 100,000 rows to see where the fixed
# costs stop mattering:

# %%
sizes = [1_000, 10_000, 100_000]
sweep = {"pandas": [], "Spark": []}  # engine -> seconds per size
for n in sizes:
    df_n = df_big.iloc[:n]
    sdf_n = sdf if n == N_ROWS else spark.createDataFrame(df_n[["text"]]).cache()
    sdf_n.count()  # fill the cache before timing
    start = time.perf_counter()
    S_n = PandasSFApplier(sfs).apply(df_n, progress_bar=False)
    sweep["pandas"].append(time.perf_counter() - start)
    start = time.perf_counter()
    assert np.array_equal(SparkSFApplier(sfs).apply(sdf_n), S_n)
    sweep["Spark"].append(time.perf_counter() - start)
    if sdf_n is not sdf:
        sdf_n.unpersist()
pd.DataFrame(sweep, index=pd.Index(sizes, name="rows")).round(3)

# %%
fig, ax = plt.subplots(figsize=(5, 3.2))
for engine, marker in [("pandas", "o"), ("Spark", "s")]:
    ax.plot(sizes, sweep[engine], marker=marker, label=f"{engine}, one apply")
ax.axhline(seconds_spark_start, color="grey", ls="--", label="Spark session start (once)")
ax.set(xscale="log", yscale="log", xlabel="rows", ylabel="seconds",
       title="4 cheap SFs: fixed costs against rows")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# Read the Spark line from the left. At a thousand rows nearly all of its time is the job's fixed
# cost, which pandas does not pay, so pandas is far ahead. The more rows, the more the work on the
# rows themselves counts, and the gap narrows; on two local cores Spark cannot pull far ahead,
# because the rows still have to cross into Python. On a real cluster the per-row work is shared by
# many machines while the fixed costs stay about the same, and that is where Spark wins. The dashed
# line is paid once per session: for a one-off job on data that fits in memory, it alone makes
# pandas the better choice.
#
# ### Column expressions beat Python SFs in any engine
#
# A Python SF is called once per row, so every row must become a Python object (in Spark, after
# crossing from the JVM). A *column expression* describes the work on a whole column at once, and the
# engine runs it in compiled code: pandas hands it to Arrow's string kernels, Spark compiles it for
# the JVM, and no row ever reaches Python. Take `keyword_please`, which tests
# `any(word in x.text.lower() for word in ["please", "plz"])`. As expressions:

# %%
keyword_please = sfs[1]
please_spark = F.lower(F.col("text")).rlike("please|plz")  # a regex: "please" or "plz"
please_spark

# %% [markdown]
# `please_spark` is only a description: nothing has run yet. In pandas the same expression is
# `df_big["text"].str.lower().str.contains("please|plz")`. Time each engine both ways on the
# 100,000 rows, keeping the fastest of three runs (the first run of anything new in Spark also
# loads code into the JVM), and check that every version slices exactly the same rows:

# %%
def best_of_three(apply):
    """The fastest of three runs, in seconds (the first also warms up), and the last result."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = apply()
        times.append(time.perf_counter() - start)
    return min(times), result


expression_seconds = {}  # (engine, how) -> seconds
expression_seconds["pandas", "Python SF"], S_please = best_of_three(
    lambda: PandasSFApplier([keyword_please]).apply(df_big, progress_bar=False))
expression_seconds["pandas", "column expression"], in_pandas = best_of_three(
    lambda: df_big["text"].str.lower().str.contains("please|plz").to_numpy())
expression_seconds["Spark", "Python SF"], S_please_spark = best_of_three(
    lambda: SparkSFApplier([keyword_please]).apply(sdf))
expression_seconds["Spark", "column expression"], in_spark = best_of_three(
    lambda: sdf.select(please_spark.alias("please")).toPandas()["please"].to_numpy())
for version in (in_pandas, in_spark, S_please_spark.keyword_please):
    assert np.array_equal(np.asarray(version, dtype=bool), S_please.keyword_please == 1)
pd.Series(expression_seconds).unstack().round(3)

# %% [markdown]
# In both engines the expression wins, for the same reason: it takes the per-row Python work away.
# In Spark most of what remains is the job's fixed cost, since no text leaves the JVM, only the
# answers. How much an expression wins depends on it. When most of the work per row is the regular
# expression itself, as in `short_link`'s `\w+\.ly`, the engine still has to do that work and the
# gain is smaller; and an expression that builds a Python object per row, such as `str.split()` in
# pandas, keeps the cost it was meant to remove. So write keyword, simple pattern, length and
# comparison SFs as expressions once the data is large, time them, and keep Python SFs for what
# needs Python, such as TextBlob's sentiment.
#
# Two cautions. An expression is a second copy of the SF, so check it against the Python SF on
# real rows, as the asserts above do. And the engines' regular expressions are not Python's: Spark
# uses Java's and pandas uses RE2 (through Arrow); they differ in details such as what `\w` matches
# and how flags are written. Exercise 8c is about exactly that.
#
# Stop the session when you are done: it frees the JVM's memory and its worker processes.

# %%
# NBVAL_CHECK_OUTPUT
sdf.unpersist()
spark.stop()
print("active Spark session:", SparkSession.getActiveSession())

# %% [markdown]
# ## Summary
#
# - Stay with `PandasSFApplier` while the frame takes at most about a fifth of free memory and one
#   apply is fast enough; measure both (`memory_usage(deep=True)`, rows per second) before moving.
# - For expensive SFs on one machine, `apply(df, n_jobs=...)` uses more cores with an identical
#   `S`. Each worker process keeps its own memoized cache, and nothing it caches comes back.
# - When the data outgrows one machine, `DaskSFApplier(sfs).apply(ddf)` runs the same SFs
#   partition by partition on a `dask.distributed` cluster and gives the same `S`, row for row in
#   `ddf`'s order. Open the cluster and the client in a `with` block so they close.
# - On Dask every partition gets its own copy of the SFs: keep SFs pure, expect memoized caches to
#   last one partition, and mind the row order `dd.from_pandas` gives.
# - Where the data lives in Spark, `SparkSFApplier(sfs).apply(sdf)` gives the same `S`, row for
#   row in the DataFrame's order. Point `PYSPARK_PYTHON` at a Python that has your packages, and
#   stop the session when you are done.
# - Spark pays a JVM start per session and a fixed cost per job, so on one machine pandas wins
#   until the data outgrows it. In every engine a simple column expression (`str.contains`,
#   `F.col("text").rlike(...)`) beats a Python SF, because no row becomes a Python object; check it
#   against the Python SF before trusting it.
#
# ## Exercises
#
# Each cell below holds a starting point that runs. Edit it, run the cell, and read the feedback.
# The reference answers are in `exercises/solutions/lesson08.py`; try first.
#
# **5a. Partitions that keep the order.** Turn `df_train` into a Dask dataframe `ddf_train` with
# partitions of **at most 500 rows**, and as few partitions as that allows. `S` computed from it
# must line up row for row with `PandasSFApplier(sfs).apply(df_train)`. The check runs Dask in this
# process (`scheduler="sync"`), so it needs no cluster.

# %%
ddf_train = dd.from_pandas(df_train, npartitions=2)

lesson08.check_partitions(ddf_train, df_train, sfs)

# %% [markdown]
# **5b. Pandas, `n_jobs` or Dask?** A team timed its SFs, an expensive preprocessor included, on a
# sample of comments on its laptop, and has four jobs to plan. `frame_gb` is the memory the pandas
# frame would take, and `limit_minutes` how long applying the SFs may take:

# %%
# NBVAL_CHECK_OUTPUT
measured = lesson08.MEASURED
print(f"timed on {measured['rows']:,} comments, seconds: {measured['seconds']}")
print(f"laptop: {lesson08.LAPTOP['ram_gb']} GB of memory, {lesson08.LAPTOP['cores']} cores")
pd.DataFrame.from_dict(lesson08.SCENARIOS, orient="index")

# %% [markdown]
# (1) Compute the rows per second of each setting from the timings. (2) For each scenario choose
# `"pandas"`, `"n_jobs"` or `"dask"` with the ladder of this lesson: Dask if the frame takes more
# than a fifth of the laptop's memory; otherwise the lowest rung that applies the SFs to all of
# the scenario's comments within its time limit (Dask again if even `n_jobs` on both cores is too
# slow: then you need more machines).

# %%
rates = {"n_jobs=1": None, "n_jobs=2": None}  # rows per second
choices = {"A": None, "B": None, "C": None, "D": None}  # "pandas", "n_jobs" or "dask"

lesson08.check_scaling_plan(rates, choices)

# %% [markdown]
# **5c. A Spark expression for `regex_check_out`.** Lesson 01's `regex_check_out` is the Python
# test `re.search(r"check.*out", x.text, flags=re.I)`. Write it as a Spark column expression
# `check_out` that slices the training comments exactly as the Python SF does through
# `SparkSFApplier`. `F.col("text").rlike(pattern)` is true where a Java regular expression matches
# somewhere in the text. The check runs the Python SF (with `SparkSFApplier`) and your expression on
# `sdf_train`, and names the rows where they differ. The cell starts a Spark session with section
# 6's helper and stops it at the end.

# %%
spark = start_local_spark()
sdf_train = spark.createDataFrame(df_train[["text"]])

check_out = F.lit(False)  # your column expression

feedback = lesson08.check_column_expression(check_out, sdf_train)
spark.stop()
feedback
