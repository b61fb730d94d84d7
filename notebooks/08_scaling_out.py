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
# # 08. Scaling out: vectorized SFs, Dask and Spark
#
# **Goal:** tell when `PandasSFApplier` is enough, when `n_jobs` helps, when to write vectorized
# SFs, and when to move to Dask or Spark, with an identical slice matrix `S` everywhere.
#
# *Time: about 90 minutes (an estimate by `tools/lesson_stats.py`). Assumes: [01. Writing slicing functions](01_writing_slicing_functions.ipynb)
# (SFs, the slice matrix `S`, memoized preprocessors). Next:
# [09. Watching slices over time](09_watching_slices_over_time.ipynb), which keeps scoring the
# slices as new data arrives.*
#
# In this lesson you will:
# 1. measure how fast `PandasSFApplier` runs on your machine and how much memory the frame takes;
# 2. spread an expensive SF over your cores with `n_jobs`, and see what that does to a memoized
#    preprocessor's cache;
# 3. apply the same SFs to a Dask dataframe on a local two-worker cluster, check that `S` is
#    identical, and compare the three speeds in a plot;
# 4. do the same on a local Spark session, measure what Spark costs before the first row, and see
#    why a column expression beats a Python SF in every engine;
# 5. write vectorized SFs, which answer for a whole batch of rows at once, check that they give
#    the same `S` as the row-wise ones, and learn when a row-wise SF is still the right choice.
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
import re
import tempfile
import time
from pathlib import Path

import dask.dataframe as dd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
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
from snorkel_slice.datasets.spam_vectorized import make_vectorized_spam_sfs
from snorkel_slice.local import local_dask_cluster, local_spark
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
# times its size in `df_train`. (Row `i` is training comment `i % 1586`. Taking the rows by
# position keeps each column in one piece; `pd.concat` of 64 copies would keep 64 pieces, which
# slows the column-wise string work of section 7.)

# %%
# NBVAL_CHECK_OUTPUT
N_ROWS = 100_000
df_big = df_train.iloc[np.arange(N_ROWS) % len(df_train)].reset_index(drop=True)
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
# Now the cluster. `local_dask_cluster()` starts a scheduler and two worker processes on this
# machine, one per core as `n_jobs=2` had, and gives you a `Client` connected to them. It also does
# the housekeeping a notebook should not show: free ports for Dask's dashboard
# (`client.dashboard_link` gives its address), no start-up logs, and a scratch folder that is
# removed afterwards (read it with `local_dask_cluster??`). A real cluster has workers on many
# machines, and you would connect with `Client("tcp://scheduler-address:8786")` instead.
# Everything else stays the same.
#
# The `with` block closes the client and the cluster when it ends, even after an error, so no
# worker process outlives the cell. Inside it, `DaskSFApplier(sfs).apply(ddf)` sends the SFs to the
# workers, runs them on every partition there, and brings back only the small 0/1 codes.

# %%
# NBVAL_CHECK_OUTPUT
with local_dask_cluster(n_workers=2) as client:
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
# Parquet files:

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
# layout). That is small next to the comments, but it grows with them, and with the number of
# SFs. `apply(..., as_dataframe=True)` returns `S` as a DataFrame of bools instead, one byte per
# row and SF, which every function that takes `S` accepts:

# %%
# NBVAL_CHECK_OUTPUT
bytes_per_row_S = S_dask.nbytes / len(S_dask)
S_compact = PandasSFApplier(sfs).apply(df_big, progress_bar=False, as_dataframe=True)
compact_per_row = S_compact.memory_usage(index=False).sum() / len(S_compact)
print(f"S: {bytes_per_row_S:.0f} bytes per row, or {compact_per_row:.0f} as a DataFrame of bools; "
      f"for 100 million comments {100_000_000 * bytes_per_row_S / 2**30:.1f} GiB "
      f"or {100_000_000 * compact_per_row / 2**30:.1f} GiB")

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
#   can lose; Dask is usually the slowest at this size. Each row costs microseconds, so starting processes, moving
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
# A local session runs the whole of Spark on this machine. `local_spark()` (in
# `snorkel_slice.local`; read it with `local_spark??`) starts one with `master("local[2]")`: one JVM
# with two worker threads, as many as the two Dask workers, on the loopback address `127.0.0.1`,
# with no web UI and no progress bars. It sets `PYSPARK_PYTHON`, the Python that Spark's workers
# run, to this notebook's own: the default is whichever `python3` comes first on the `PATH`, which
# need not have `snorkel_slice`. And it sends the JVM's own notices, which Jupyter would show in
# the cell, to a log file in your temporary folder. Exercise 8c uses it again.

# %%
start = time.perf_counter()
spark = local_spark("lesson08")
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
# crossing from the JVM). A *column expression* describes the work on a whole column at once, and
# the engine runs it in compiled code, where no row ever reaches Python. Take `keyword_please`,
# which tests `any(word in x.text.lower() for word in ["please", "plz"])`. In Spark:

# %%
keyword_please = sfs[1]
please_spark = F.lower(F.col("text")).rlike("please|plz")  # a regex: "please" or "plz"
please_spark

# %% [markdown]
# `please_spark` is only a description: nothing has run yet. Time it against the Python SF on the
# 100,000 rows, keeping the fastest of three runs (the first run of anything new in Spark also
# loads code into the JVM), and check that both slice exactly the same rows:

# %%
def best_of_three(apply):
    """The fastest of three runs, in seconds (the first also warms up), and the last result."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = apply()
        times.append(time.perf_counter() - start)
    return min(times), result


spark_seconds = {}  # how -> seconds
spark_seconds["Python SF"], S_please_spark = best_of_three(
    lambda: SparkSFApplier([keyword_please]).apply(sdf))
spark_seconds["column expression"], in_spark = best_of_three(
    lambda: sdf.select(please_spark.alias("please")).toPandas()["please"].to_numpy())
assert np.array_equal(in_spark, S_please_spark.keyword_please == 1)
assert np.array_equal(in_spark, S_pandas.keyword_please == 1)
print({how: f"{t:.2f} s" for how, t in spark_seconds.items()})

# %% [markdown]
# The expression wins because it takes the per-row Python work away: what remains is mostly the
# job's fixed cost, since no text leaves the JVM, only the answers. But an expression is a second
# copy of the SF, in another language: check it against the Python SF on real rows, as the asserts
# above do. Spark's regular expressions are Java's, not Python's; they differ in details such as
# what `\w` matches and how flags are written. Exercise 8c is about exactly that.
#
# Stop the session when you are done: it frees the JVM's memory and its worker processes.

# %%
# NBVAL_CHECK_OUTPUT
sdf.unpersist()
spark.stop()
print("active Spark session:", SparkSession.getActiveSession())

# %% [markdown]
# ## 7. Vectorized SFs: the column idea, as SFs
#
# The same idea works in pandas, and it does not need a second copy of the SF outside the
# slicing API. A **vectorized SF** receives a DataFrame, a batch of rows, and returns one bool per
# row (a bool array or Series of the batch's length). You write it with
# `@slicing_function(vectorized=True)`; everything else stays the same: it has a name, it may take
# `resources`, it goes into the same list as row-wise SFs, and `S` keeps the list's order. Every
# applier runs it: `PandasSFApplier` once on the whole frame (with `n_jobs`, once per worker's
# share), `DaskSFApplier` once per partition, `SparkSFApplier` once per batch of each partition,
# which Spark hands over as a pandas DataFrame.
#
# Here is `keyword_please`, vectorized. `str.contains` runs in Arrow's compiled string code;
# `case=False` ignores case there, without building a lower-cased copy of every comment first:

# %%
@slicing_function(name="keyword_please", resources=dict(words=("please", "plz")), vectorized=True)
def keyword_please_vec(df, words):
    """Comments that ask for something ('please', 'plz'), in any case."""
    return df["text"].str.contains("|".join(words), case=False)


keyword_please_vec(df_train.head(3))

# %% [markdown]
# **Check that it slices exactly like the row-wise SF**, on every row, before trusting it. The two
# `S` must be equal, field names and types included; when they are not, print the rows where they
# differ and read them:

# %%
S_vec = PandasSFApplier([keyword_please_vec]).apply(df_big, progress_bar=False)
differ = np.flatnonzero(S_vec.keyword_please != S_pandas.keyword_please)
print(f"{len(differ)} rows differ", df_big.text.iloc[differ[:3]].tolist())
assert S_vec.dtype.names == ("keyword_please",) and not len(differ)

# %% [markdown]
# Equal here. Two traps make a vectorized SF differ from its row-wise twin, and the check above is
# how you catch them. First, pandas' string methods on Arrow strings use Google's RE2 engine, not
# Python's `re`: RE2's `\w` matches only ASCII letters and digits, where Python's matches any
# letter, so `short_link`'s `\w+\.ly` would miss `naïve.ly`. Second, `case=False` folds a few more
# characters than Python's `str.lower()` (RE2 treats `ſ`, the long s, as an `s`). The fix is the
# same for both: let the engine find the few *candidates* fast, then decide them with Python.
# `short_link`, written that way:

# %%
SHORT_LINK = re.compile(r"\w+\.ly")


@slicing_function(vectorized=True)
def short_link(df):
    """Shortened '.ly' links: the engine finds '.ly', Python's re decides those few rows."""
    hit = df["text"].str.contains(".ly", regex=False).to_numpy(copy=True)  # a writable copy
    for i in np.flatnonzero(hit):
        hit[i] = SHORT_LINK.search(df["text"].iloc[i]) is not None
    return hit


S_link = PandasSFApplier([short_link]).apply(df_big, progress_bar=False)
assert np.array_equal(S_link.short_link, S_pandas.short_link)
print("candidates:", int(df_big["text"].str.contains(".ly", regex=False).sum()),
      "of", f"{len(df_big):,}", "rows; in the slice:", int(S_link.short_link.sum()))

# %% [markdown]
# `snorkel_slice.datasets.spam_vectorized` holds all four of lesson 01's cheap SFs written this
# way; its tests check them against the row-wise SFs on every Unicode character where the engines
# could differ. Time them on the 100,000 rows against section 2's row-wise run, and mix them freely
# with row-wise SFs in one list:

# %%
vec_sfs = make_vectorized_spam_sfs()
apply_seconds = {"row-wise": seconds["pandas, n_jobs=1"]}  # measured in section 2
apply_seconds["vectorized"], S_fast = best_of_three(
    lambda: PandasSFApplier(vec_sfs).apply(df_big, progress_bar=False))
S_mixed = PandasSFApplier([vec_sfs[0], sfs[1], vec_sfs[2], sfs[3]]).apply(df_big, progress_bar=False)
assert S_fast.dtype == S_pandas.dtype and np.array_equal(S_fast, S_pandas)
assert np.array_equal(S_mixed, S_pandas)
print({how: f"{t:.3f} s" for how, t in apply_seconds.items()},
      f"vectorized is {apply_seconds['row-wise'] / apply_seconds['vectorized']:.0f}x faster")

# %%
assert apply_seconds["vectorized"] < apply_seconds["row-wise"], apply_seconds

# %% [markdown]
# Whether that is 10 or 50 times on your machine, the vectorized SFs are faster by a wide margin,
# and so by more than any number of cores could make the row-wise ones. Three habits keep them
# fast: use the engine's options (`case=False`) rather than building a modified copy of the column
# first; avoid methods that build a Python object per row, such as `str.split().str.len()`, which
# cost more than the row-wise SF (`short_comment` counts words with one regular expression
# instead); and keep the column in one piece, not in the many pieces `pd.concat` leaves.
#
# **When a row-wise SF is still right:**
#
# - the test needs Python per row anyway: a model or a parser such as TextBlob or spaCy, or logic
#   with many branches; a vectorized version would loop over the rows inside itself and gain
#   nothing;
# - the data is small: on a few thousand rows both take milliseconds, and the row-wise SF is the
#   easier one to read and to get right;
# - you cannot yet check it: a vectorized SF you have not compared with its row-wise twin on real
#   rows is a guess. Write the row-wise SF first, and vectorize it when the data is large, with
#   the equality check as its test.

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
#   until the data outgrows it. In every engine a column expression (`F.col("text").rlike(...)`)
#   beats a Python SF, because no row becomes a Python object.
# - A vectorized SF (`@slicing_function(vectorized=True)`) takes a batch of rows as a DataFrame and
#   returns one bool per row; every applier runs it, mixed with row-wise SFs. Check it against its
#   row-wise twin on real rows (`np.array_equal` of the two `S`): the engines' regular expressions
#   are not Python's. Keep row-wise SFs for per-row Python work (TextBlob, spaCy) and small data.
# - With many SFs, `apply(..., as_dataframe=True)` keeps `S` at one byte per row and SF.
#
# ## Exercises
#
# Each cell below holds a starting point that runs. Edit it, run the cell, and read the feedback.
# The reference answers are in `exercises/solutions/lesson08.py`; try first.
#
# **8a. Partitions that keep the order.** Write a function `partition(df, max_rows)` that turns a
# pandas frame into a Dask dataframe with partitions of **at most `max_rows` rows**, and as few
# partitions as that allows, so that `S` computed from it lines up row for row with
# `PandasSFApplier(sfs).apply(df)`. The check calls it on `df_train` with 500 rows, and on the test
# comments with 120. It runs Dask in this process (`scheduler="sync"`), so it needs no cluster.

# %%
def partition(df, max_rows):
    return dd.from_pandas(df, npartitions=2)


lesson08.check_partitions(partition, df_train, sfs)

# %% [markdown]
# **8b. Pandas, `n_jobs` or Dask?** A team timed its SFs, an expensive preprocessor included, on a
# sample of comments on its laptop, and has four jobs to plan. `frame_gb` is the memory the pandas
# frame would take, and `limit_minutes` how long applying the SFs may take:

# %%
# NBVAL_CHECK_OUTPUT
measured = lesson08.MEASURED
print(f"timed on {measured['rows']:,} comments, seconds: {measured['seconds']}")
print(f"laptop: {lesson08.LAPTOP['ram_gb']} GB of memory, {lesson08.LAPTOP['cores']} cores")
pd.DataFrame.from_dict(lesson08.SCENARIOS, orient="index")

# %% [markdown]
# Write two functions. (1) `rows_per_second(rows, seconds)`, the rate of a timing. (2)
# `choose_tool(scenario, rates, laptop)`, which returns `"pandas"`, `"n_jobs"` or `"dask"` with the
# ladder of this lesson: Dask if the frame takes more than a fifth of the laptop's memory;
# otherwise the lowest rung that applies the SFs to all of the scenario's comments within its time
# limit (Dask again if even `n_jobs` on every core is too slow: then you need more machines).
# `rates` maps `"n_jobs=1"` and `f"n_jobs={laptop['cores']}"` to rows per second. The check runs
# your functions on the scenarios above and on another team's, which the lesson does not show.

# %%
def rows_per_second(rows, seconds):
    return None


def choose_tool(scenario, rates, laptop):
    return None


lesson08.check_scaling_plan(rows_per_second, choose_tool)

# %% [markdown]
# **8c. A Spark expression for `regex_check_out`.** Lesson 01's `regex_check_out` is the Python
# test `re.search(r"check.*out", x.text, flags=re.I)`. Write it as a Spark column expression
# `check_out` that slices the comments exactly as the Python SF does through `SparkSFApplier`.
# `F.col("text").rlike(pattern)` is true where a Java regular expression matches somewhere in the
# text. The check runs the Python SF (with `SparkSFApplier`) and your expression on `sdf_train`
# and on the test comments, and names the rows where they differ. The cell starts a Spark session
# with `local_spark` and stops it at the end.

# %%
spark = local_spark("lesson08")
sdf_train = spark.createDataFrame(df_train[["text"]])

check_out = F.lit(False)  # your column expression

feedback = lesson08.check_column_expression(check_out, sdf_train)
spark.stop()
feedback
