"""SparkSFApplier: the same S as PandasSFApplier on a local[2] Spark session, and clear errors.

Every test shares the session-scoped ``spark`` fixture (tests/conftest.py): the JVM starts once.
"""

import subprocess
import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from snorkel_slice.datasets import make_spam_sfs
from snorkel_slice.slicing import PandasSFApplier, SlicingFunctionError, SparkSFApplier
from snorkel_slice.slicing.sf import SlicingFunction

# The columns compared: Spark turns pandas' NaN in a text column (the spam `date`) into null, which
# an SF would see as None instead of nan, so the frames keep only columns without missing values.
COLUMNS = ["author", "text", "label", "video"]


def has_bang(x):
    """Defined at module level: pickled by reference, so a worker must import this test module."""
    return "!" in x.text


def make_raise_on_short():
    # A nested function travels by value (cloudpickle), as a notebook's functions do.
    def raise_on_short(x):
        if len(x.text) < 8:
            raise ValueError("too short")
        return "!" in x.text

    return raise_on_short


def check_same_S(S, expected):
    assert isinstance(S, np.recarray)
    assert S.dtype == expected.dtype, (S.dtype, expected.dtype)  # names, order and int64
    assert np.array_equal(S, expected)


def partition_sizes(sdf):
    return sdf.rdd.mapPartitions(lambda rows: [sum(1 for _ in rows)]).collect()


@pytest.fixture(scope="module")
def spam_test(labelled):
    return labelled[3][COLUMNS]


def test_spark_gives_the_pandas_S_with_an_nlp_sf_and_the_textblob_sf(spark, spam_test):
    from snorkel_slice.slicing import NLPSlicingFunction

    # Defined here, not at module level, so that it travels to Spark's workers by value (a test
    # module is not importable there; a learner's notebook function is sent by value too).
    has_url = NLPSlicingFunction("has_url", lambda x: any(t.like_url for t in x.doc), language="blank:en")
    sfs = [*make_spam_sfs(), has_url]
    S = SparkSFApplier(sfs).apply(spark.createDataFrame(spam_test))
    expected = PandasSFApplier(sfs).apply(spam_test, progress_bar=False)
    check_same_S(S, expected)
    assert 0 < expected.has_url.sum() < len(spam_test)


def test_spark_gives_the_pandas_S_on_spam_data_with_the_textblob_sf(spark, labelled):
    train = labelled[0][COLUMNS]
    sfs = make_spam_sfs()  # the tutorial's five, textblob_polarity's memoized preprocessor too
    sdf = spark.createDataFrame(train)
    assert sdf.count() == len(train) and partition_sizes(sdf) == [793, 793]
    S = SparkSFApplier(sfs).apply(sdf)
    expected = PandasSFApplier(make_spam_sfs()).apply(train, progress_bar=False)
    check_same_S(S, expected)
    assert S.dtype.names == tuple(sf.name for sf in sfs)
    assert all(expected[name].sum() > 0 for name in expected.dtype.names)  # no empty slice


def test_row_order_follows_the_partitions_even_uneven_and_empty_ones(spark):
    # 11 rows in 4 unequal partitions, then 2 rows in 5 (3 of them empty): S is row i of data.
    from pyspark.sql import Row

    df = pd.DataFrame({"text": [f"row {i}" + "!" * (i % 3) for i in range(11)], "n": range(11)})
    sfs = [SlicingFunction("bang", lambda x: x.text.endswith("!")),
           SlicingFunction("even", lambda x: x.n % 2 == 0)]
    for frame, parts in [(df, 4), (df.iloc[:2], 5)]:
        rows = [Row(text=t, n=n) for t, n in zip(frame.text, frame.n, strict=True)]
        rdd = spark.sparkContext.parallelize(rows, parts)
        expected = PandasSFApplier(sfs).apply(frame, progress_bar=False)
        check_same_S(SparkSFApplier(sfs).apply(rdd), expected)
        sdf = spark.createDataFrame(rdd, "text string, n long")  # a schema: no inference job
        check_same_S(SparkSFApplier(sfs).apply(sdf), expected)


def test_an_rdd_of_rows_gives_the_pandas_S(spark, spam_test):
    sfs = make_spam_sfs(("short_comment", "keyword_please", "regex_check_out", "short_link"))
    rdd = spark.createDataFrame(spam_test).rdd
    check_same_S(SparkSFApplier(sfs).apply(rdd),
                 PandasSFApplier(sfs).apply(spam_test, progress_bar=False))


def test_an_empty_frame_gives_an_empty_S(spark):
    sfs = [SlicingFunction("short", lambda x: len(x.text) < 5)]
    S = SparkSFApplier(sfs).apply(spark.createDataFrame([], "text string"))
    check_same_S(S, PandasSFApplier(sfs).apply(pd.DataFrame({"text": []}), progress_bar=False))


def test_faults_and_metadata_equal_the_pandas_applier(spark, spam_test):
    sfs = [SlicingFunction("raise_on_short", make_raise_on_short()),
           SlicingFunction("bang", lambda x: "!" in x.text)]
    S, meta = SparkSFApplier(sfs).apply(
        spark.createDataFrame(spam_test), fault_tolerant=True, return_meta=True
    )
    S_pd, meta_pd = PandasSFApplier(sfs).apply(
        spam_test, progress_bar=False, fault_tolerant=True, return_meta=True
    )
    check_same_S(S, S_pd)
    assert meta == meta_pd
    assert meta.faults == {"raise_on_short": int((spam_test.text.str.len() < 8).sum()), "bang": 0}
    assert meta.faults["raise_on_short"] > 0
    assert SparkSFApplier(sfs[1:]).apply(spark.createDataFrame(spam_test)).shape == (len(spam_test),)


def test_an_sf_error_names_the_sf_and_the_first_failing_row_of_the_data(spark, spam_test):
    sf = SlicingFunction("raise_on_short", make_raise_on_short())
    short = (spam_test.text.str.len() < 8).to_numpy()
    first = int(np.flatnonzero(short)[0])
    with pytest.raises(
        SlicingFunctionError,
        match=rf"^SF 'raise_on_short' failed on row {first} of the data \(row {first} of Spark "
        rf"partition 0\): ValueError: too short -- fix the SF, or pass fault_tolerant=True to "
        "count such rows as faults",
    ):
        SparkSFApplier([sf]).apply(spark.createDataFrame(spam_test))
    # The short rows moved to the end, all in the second partition: the row number counts the
    # whole first partition, which ran without error.
    moved = pd.concat([spam_test[~short], spam_test[short]], ignore_index=True)
    sdf = spark.createDataFrame(moved)
    sizes = partition_sizes(sdf)
    n_long = int((~short).sum())
    assert len(sizes) == 2 and sizes[0] <= n_long
    with pytest.raises(
        SlicingFunctionError,
        match=rf"failed on row {n_long} of the data \(row {n_long - sizes[0]} of Spark partition "
        r"1\): ValueError: too short",
    ):
        SparkSFApplier([sf]).apply(sdf)


def test_an_sf_returning_an_int_is_named_with_the_fix(spark):
    sdf = spark.createDataFrame(pd.DataFrame({"text": ["a", "b", "c"]}))
    with pytest.raises(
        SlicingFunctionError,
        match=r"SF 'label_like' failed on row 0 of the data \(row 0 of Spark partition 0\): "
        r"TypeError: SF 'label_like' returned 1 \(int\), expected True.*labeling function",
    ):
        SparkSFApplier([SlicingFunction("label_like", lambda x: 1)]).apply(sdf)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda spark: pd.DataFrame({"text": ["a"]}), TypeError,
         r"^data must be a Spark DataFrame or an RDD of pyspark Rows, got a pandas DataFrame; "
         r"use PandasSFApplier\(sfs\)\.apply\(df\), or move it to Spark with "
         r"spark\.createDataFrame\(df\)\.$"),
        (lambda spark: dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1), TypeError,
         r"got a dask DataFrame; use DaskSFApplier\(sfs\)\.apply\(ddf\) for dask data\."),
        (lambda spark: ["a", "b"], TypeError,
         r"got list; make one with spark\.createDataFrame\(\.\.\.\), or use SFApplier\(sfs\)"),
        (lambda spark: spark.sparkContext, TypeError,
         r"got pyspark\.core\.context\.SparkContext; make a DataFrame with spark\.createDataFrame"),
        (lambda spark: type("DataFrame", (), {"__module__": "pyspark.sql.connect.dataframe"})(),
         TypeError, r"got a Spark Connect DataFrame, which has no RDD to run Python code on"),
        (lambda spark: spark.sparkContext.parallelize(["hello", "world"], 1), TypeError,
         r"^data must hold pyspark Rows with named fields; found str 'hello'\. Make them with "
         r"Row\(text=\.\.\.\), or use spark\.createDataFrame\(\.\.\.\)\. At row 0 \(row 0 of "
         r"Spark partition 0\)\.$"),
        (lambda spark: spark.sparkContext.parallelize([{"text": "a"}], 1), TypeError,
         r"found dict \"{'text': 'a'}\""),
        (lambda spark: _rows(spark, [{"text": "a"}, {"text": "b"}, {"txt": "c"}]), ValueError,
         r"^every Row of data must have the same fields; found \['txt'\] after \['text'\]\..* "
         r"At row 2 \(row 2 of Spark partition 0\)\.$"),
        (lambda spark: spark.createDataFrame([("a", "b")], ["text", "text"]), ValueError,
         r"data has duplicated column names \['text'\]; an SF could not tell them apart"),
    ],
    ids=["pandas", "dask", "list", "spark-context", "spark-connect", "rdd-of-str", "rdd-of-dict",
         "rdd-of-mixed-rows", "duplicated-columns"],
)
def test_bad_data_says_what_to_use_instead(spark, make, error, match):
    with pytest.raises(error, match=match):
        SparkSFApplier([SlicingFunction("ok", lambda x: True)]).apply(make(spark))


def _rows(spark, dicts):
    from pyspark.sql import Row

    return spark.sparkContext.parallelize([Row(**d) for d in dicts], 1)


@pytest.mark.parametrize("flag", ["fault_tolerant", "return_meta"])
def test_flags_must_be_bools(spark, flag):
    sdf = spark.createDataFrame(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(TypeError, match=rf"^{flag} must be True or False; got 'yes' \(str\)\.$"):
        SparkSFApplier([SlicingFunction("ok", lambda x: True)]).apply(sdf, **{flag: "yes"})


def test_workers_running_another_python_get_the_fix(spark, tmp_path):
    # A worker Python without the site packages stands in for a `python3` that is not this venv's.
    wrapper = tmp_path / "python-without-site"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    wrapper.chmod(0o755)
    sdf = spark.createDataFrame(pd.DataFrame({"text": ["a"]}))
    context = spark.sparkContext
    python, context.pythonExec = context.pythonExec, str(wrapper)
    try:
        with pytest.raises(
            RuntimeError,
            match=rf"^Spark's Python workers could not import 'numpy' \(they run '{wrapper}'\), so "
            r"they cannot run the SFs\..*set os\.environ\['PYSPARK_PYTHON'\] = sys\.executable "
            r"before the SparkSession starts",
        ):
            SparkSFApplier([SlicingFunction("ok", lambda x: True)]).apply(sdf)
    finally:
        context.pythonExec = python
    assert SparkSFApplier([SlicingFunction("ok", lambda x: True)]).apply(sdf).ok.tolist() == [1]


def test_an_sf_from_a_module_the_workers_cannot_import_gets_the_fix(spark):
    # pytest imports this module from tests/slicing, which Spark's workers do not have on their path.
    sdf = spark.createDataFrame(pd.DataFrame({"text": ["a!"]}))
    with pytest.raises(
        RuntimeError,
        match=r"^Spark's Python workers could not import 'test_spark_apply' \(they run "
        rf"'{sys.executable}'\).*Every worker needs snorkel_slice, the module each SF is defined "
        r"in.*spark\.sparkContext\.addPyFile\(path\)",
    ):
        SparkSFApplier([SlicingFunction("has_bang", has_bang)]).apply(sdf)


def test_repr_lists_the_sfs():
    applier = SparkSFApplier(make_spam_sfs(("short_comment", "short_link")))
    assert repr(applier) == "SparkSFApplier(sfs=['short_comment', 'short_link'])"


def test_importing_the_package_does_not_import_pyspark():
    code = (
        "import sys, snorkel_slice, snorkel_slice.slicing, snorkel_slice.slicing.spark_apply; "
        "print(sorted(m for m in ('pyspark', 'py4j') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_vectorized_sfs_run_on_pandas_batches_mixed_with_row_wise_ones(spark, spam_test):
    from snorkel_slice.datasets.spam_vectorized import make_vectorized_spam_sfs

    # Defined here so that they travel to the workers by value.
    def long_text(df, limit):
        return (df.text.str.len() > limit).to_numpy()

    def wrong_length(df):
        return (df.text.str.len() > 3).to_numpy()[:1]

    sfs = [SlicingFunction("long", long_text, resources=dict(limit=40), vectorized=True),
           *make_spam_sfs(("short_comment",)),
           *make_vectorized_spam_sfs(("keyword_please", "short_link"))]
    sdf = spark.createDataFrame(spam_test).repartition(3)
    ordered = sdf.toPandas()  # the row order Spark gives
    S, meta = SparkSFApplier(sfs).apply(sdf, return_meta=True)
    check_same_S(S, PandasSFApplier(sfs).apply(ordered, progress_bar=False))
    assert S.dtype.names == ("long", "short_comment", "keyword_please", "short_link")
    assert meta.faults == dict.fromkeys(S.dtype.names, 0)
    frame = SparkSFApplier(sfs).apply(sdf, as_dataframe=True)
    assert all(t == np.dtype(bool) for t in frame.dtypes) and frame["long"].sum() == S.long.sum()
    with pytest.raises(TypeError, match=r"vectorized SFs \['long', 'keyword_please', 'short_link'\] need a Spark DataFrame"):
        SparkSFApplier(sfs).apply(sdf.rdd)
    with pytest.raises(ValueError, match=r"vectorized SF 'bad' returned 1 values for a batch of \d+ rows.* \(Spark partition \d+, batch 0, from row \d+ of the data\)"):
        SparkSFApplier([SlicingFunction("bad", wrong_length, vectorized=True)]).apply(sdf)
