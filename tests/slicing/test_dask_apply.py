"""DaskSFApplier: the same S as PandasSFApplier, on a 2-worker LocalCluster and on dask's own schedulers."""

import subprocess
import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster
from spam_sfs import ALL, CHEAP, build_sfs

from snorkel_slice.slicing.apply import PandasSFApplier, SlicingFunctionError
from snorkel_slice.slicing.dask_apply import DaskSFApplier
from snorkel_slice.slicing.sf import SlicingFunction
from utils import load_spam_dataset


def raise_on_short(x):
    if len(x.text) < 8:
        raise ValueError("too short")
    return "!" in x.text


@pytest.fixture(scope="module")
def spam_test():
    return load_spam_dataset(load_train_labels=True)[1]


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def check_local_cluster_gives_the_pandas_S(client, df, names):
    limit = 40
    sfs = build_sfs("snorkel_slice", names) + [
        SlicingFunction("long", lambda x: len(x.text) > limit)  # a closure: pickled by value
    ]
    ddf = dd.from_pandas(df, npartitions=4)
    S = DaskSFApplier(sfs).apply(ddf)  # the active client runs it on the two worker processes
    expected = PandasSFApplier(sfs).apply(ddf.compute(), progress_bar=False)
    assert S.dtype == expected.dtype and np.array_equal(S, expected)
    assert S.dtype.names == (*names, "long")
    assert len(client.scheduler_info()["workers"]) == 2


def test_local_cluster_gives_the_pandas_S(client, spam_test):
    check_local_cluster_gives_the_pandas_S(client, spam_test, CHEAP)


@pytest.mark.slow  # each worker imports TextBlob (nltk): several seconds on 2 cores
def test_local_cluster_runs_memoized_textblob_preprocessor(client, spam_test):
    check_local_cluster_gives_the_pandas_S(client, spam_test, ALL)


def test_faults_are_counted_across_partitions(client, spam_test):
    ddf = dd.from_pandas(spam_test, npartitions=3, sort=False)  # keep the frame's row order
    sfs = [SlicingFunction("raise_on_short", raise_on_short)]
    S, meta = DaskSFApplier(sfs).apply(ddf, fault_tolerant=True, return_meta=True)
    S_pd, meta_pd = PandasSFApplier(sfs).apply(
        spam_test, progress_bar=False, fault_tolerant=True, return_meta=True
    )
    assert np.array_equal(S, S_pd) and meta == meta_pd
    assert meta.faults["raise_on_short"] == (spam_test.text.str.len() < 8).sum() > 0


def test_sf_error_reaches_the_caller_with_sf_and_row(client, spam_test):
    first_short = spam_test.index[(spam_test.text.str.len() < 8).to_numpy()][0]
    with pytest.raises(
        SlicingFunctionError,
        match=rf"SF 'raise_on_short' failed on the row with "
        rf"index {first_short}: ValueError: too short",
    ):
        DaskSFApplier([SlicingFunction("raise_on_short", raise_on_short)]).apply(
            dd.from_pandas(spam_test, npartitions=1, sort=False)
        )


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_row_order_follows_the_dask_frame(scheduler):
    df = pd.DataFrame(
        {"text": [f"row {i}" + "!" * (i % 3) for i in range(30)]}, index=range(30, 0, -1)
    )
    ddf = dd.from_pandas(df, npartitions=4)  # sorts by index: the reverse of df's order
    ddf = ddf.map_partitions(lambda part: part[part.index != 7])  # partitions of unequal size
    sfs = [SlicingFunction("bang", lambda x: x.text.endswith("!"))]
    S = DaskSFApplier(sfs).apply(ddf, scheduler=scheduler)
    expected = PandasSFApplier(sfs).apply(df.sort_index().drop(index=7), progress_bar=False)
    assert len(S) == 29 and np.array_equal(S, expected)
    assert not np.array_equal(S, PandasSFApplier(sfs).apply(df.drop(index=7), progress_bar=False))


@pytest.mark.parametrize(
    "ddf, kwargs, match",
    [
        (
            pd.DataFrame({"text": ["a"]}),
            {},
            r"ddf must be a dask DataFrame, got DataFrame; use PandasSFApplier for a pandas DataFrame",
        ),
        ([1, 2], {}, r"ddf must be a dask DataFrame, got list; build one with dask.dataframe"),
        (
            dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1),
            dict(fault_tolerant="yes"),
            r"fault_tolerant must be True or False; got 'yes' \(str\)",
        ),
    ],
)
def test_bad_input(ddf, kwargs, match):
    with pytest.raises(TypeError, match=match):
        DaskSFApplier([SlicingFunction("ok", lambda x: True)]).apply(ddf, **kwargs)


def test_importing_the_package_does_not_import_dask():
    code = (
        "import sys, snorkel_slice, snorkel_slice.slicing.apply, snorkel_slice.slicing.dask_apply, "
        "snorkel_slice.analysis.summary; print('dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
