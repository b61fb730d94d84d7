"""Vectorized SFs: one call per batch, mixed with row-wise SFs, the same S in every applier."""

import numpy as np
import pandas as pd
import pytest

from snorkel_slice.preprocess import preprocessor
from snorkel_slice.preprocess.fields import Preprocessor
from snorkel_slice.slicing import PandasSFApplier, SFApplier, SlicingFunctionError, slicing_function
from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.slicing.vectorized import batch_result

DF = pd.DataFrame({"text": ["hi", "hello there", "ok!", "a long comment, with words"],
                   "n": [1, 5, 2, 9]}, index=[10, 11, 12, 13])


def row_short(x):
    return len(x.text) < 5


def vec_short(df):
    return df.text.str.len() < 5


@preprocessor()
def add_lower(df):
    df["lower"] = df.text.str.lower()
    return df


class WordCount(Preprocessor):
    def run(self, text):
        return {"n_words": text.str.split().str.len()}


def mixed_sfs():
    calls = []

    def counted(df, limit):
        calls.append(len(df))
        return (df.n > limit).to_numpy()

    return [
        SlicingFunction("row_short", row_short),
        SlicingFunction("big_n", counted, resources=dict(limit=3), vectorized=True),
        SlicingFunction("has_bang", lambda df: df.lower.str.contains("!", regex=False),
                        pre=[add_lower], vectorized=True),
        SlicingFunction("many_words", lambda df: df.n_words >= 3, pre=[WordCount("wc")],
                        vectorized=True),
        SlicingFunction("row_bang", lambda x: "!" in x.text),
    ], calls


EXPECTED = {"row_short": [1, 0, 1, 0], "big_n": [0, 1, 0, 1], "has_bang": [0, 0, 1, 0],
            "many_words": [0, 0, 0, 1], "row_bang": [0, 0, 1, 0]}


def test_vectorized_and_row_wise_sfs_mix_and_S_keeps_sf_order():
    sfs, calls = mixed_sfs()
    S = PandasSFApplier(sfs).apply(DF, progress_bar=False)
    assert S.dtype.names == tuple(EXPECTED) and S.dtype["big_n"] == np.int64
    assert {name: S[name].tolist() for name in S.dtype.names} == EXPECTED
    assert calls == [4]  # one call for the whole frame, not one per row
    assert "lower" not in DF  # the batch preprocessor worked on a copy


def test_as_dataframe_is_a_bool_frame_with_the_index_and_no_copy():
    sfs, _ = mixed_sfs()
    S = PandasSFApplier(sfs).apply(DF, progress_bar=False, as_dataframe=True)
    assert list(S.columns) == list(EXPECTED) and all(t == np.dtype(bool) for t in S.dtypes)
    assert list(S.index) == list(DF.index)
    assert S.astype(int).to_dict("list") == EXPECTED
    M = S.to_numpy()
    assert M.flags.f_contiguous and not M.flags.owndata  # one block, read as a view


def test_n_jobs_gives_each_worker_its_rows_as_a_batch():
    sfs, _ = mixed_sfs()
    big = pd.concat([DF] * 50, ignore_index=True)
    S1 = PandasSFApplier(sfs).apply(big, progress_bar=False)
    S2 = PandasSFApplier(sfs).apply(big, progress_bar=False, n_jobs=2)
    assert S1.dtype == S2.dtype and np.array_equal(S1, S2)
    assert S1["big_n"].sum() == 100


def test_the_sf_is_callable_on_a_frame():
    sf = SlicingFunction("short", vec_short, vectorized=True)
    assert sf(DF).tolist() == [True, False, True, False]
    assert repr(sf) == "SlicingFunction(name='short', pre=[], vectorized=True)"
    decorated = slicing_function(vectorized=True)(vec_short)
    assert decorated.vectorized and decorated.name == "vec_short"


BAD_RESULTS = [
    (lambda df: df.n, TypeError, r"vectorized SF 'bad' returned values of dtype int64, expected bool \(one per row\)\. Compare to get bools"),
    (lambda df: (df.n > 1).to_numpy()[:2], ValueError, r"vectorized SF 'bad' returned 2 values for a batch of 4 rows; return one bool per row"),
    (lambda df: True, TypeError, r"vectorized SF 'bad' returned a single True; a vectorized SF returns one bool per row"),
    (lambda df: [True] * len(df), TypeError, r"vectorized SF 'bad' returned list, expected a bool numpy array or Series"),
    (lambda df: (df.n > 1).reset_index(drop=True), ValueError, r"vectorized SF 'bad' returned a Series whose index differs from the batch's \(index 0\.\.3 for a batch with index 10\.\.13\)"),
    (lambda df: (df.n > 1).astype("boolean").where(df.n < 9), ValueError, r"vectorized SF 'bad' returned missing values \(NA\) at batch positions \[3\]"),
    (lambda df: (df.n > 1).astype(object), TypeError, r"returned values of dtype object, expected bool"),
]


@pytest.mark.parametrize(("f", "error", "match"), BAD_RESULTS)
def test_a_bad_result_names_the_sf_in_every_mode(f, error, match):
    sf = SlicingFunction("bad", f, vectorized=True)
    for fault_tolerant in (False, True):  # a wrong shape is a bug, never a fault
        with pytest.raises(error, match=match):
            PandasSFApplier([sf]).apply(DF, progress_bar=False, fault_tolerant=fault_tolerant)


def test_a_raising_sf_names_the_sf_and_the_batch_or_counts_its_rows_as_faults():
    def boom(df):
        raise KeyError("txt")

    sfs = [SlicingFunction("row_short", row_short), SlicingFunction("boom", boom, vectorized=True)]
    with pytest.raises(SlicingFunctionError, match=r"vectorized SF 'boom' failed on a batch of 4 rows \(index 10\.\.13\): KeyError: 'txt' -- fix the SF, or pass fault_tolerant=True"):
        PandasSFApplier(sfs).apply(DF, progress_bar=False)
    S, meta = PandasSFApplier(sfs).apply(DF, progress_bar=False, fault_tolerant=True, return_meta=True)
    assert meta.faults == {"row_short": 0, "boom": 4} and S.boom.tolist() == [0, 0, 0, 0]


def test_bad_settings_are_refused():
    with pytest.raises(TypeError, match=r"SF 'v': vectorized must be True or False, got 'yes'"):
        SlicingFunction("v", vec_short, vectorized="yes")
    memo = preprocessor(memoize=True)(lambda df: df)
    with pytest.raises(ValueError, match=r"SF 'v' is vectorized, so its preprocessors receive whole batches .* preprocessor '<lambda>' memoizes per data point\. Pass memoize=False"):
        SlicingFunction("v", vec_short, pre=[memo], vectorized=True)
    drop = preprocessor()(lambda df: df.iloc[:1])
    with pytest.raises(SlicingFunctionError, match=r"preprocessor '<lambda>' must return the batch \(a DataFrame of its 4 rows"):
        PandasSFApplier([SlicingFunction("v", vec_short, pre=[drop], vectorized=True)]).apply(DF, progress_bar=False)
    with pytest.raises(TypeError, match=r"SF 'short' is vectorized: it takes a pandas DataFrame \(a batch of rows\), got dict"):
        SlicingFunction("short", vec_short, vectorized=True)({"text": "hi"})
    with pytest.raises(TypeError, match=r"SFApplier runs SFs one data point at a time, but \['short'\] are vectorized"):
        SFApplier([SlicingFunction("short", vec_short, vectorized=True)]).apply([DF.iloc[0]])


def test_batch_result_accepts_every_bool_dtype():
    batch = DF[["n"]]
    for result in [(batch.n > 1), (batch.n > 1).to_numpy(), (batch.n > 1).astype("boolean"),
                   (batch.n > 1).astype("bool[pyarrow]"), pd.array([False, True, True, True])]:
        assert batch_result("ok", result, batch).tolist() == [False, True, True, True]


def test_an_empty_frame_gives_an_empty_S():
    sfs, _ = mixed_sfs()
    S = PandasSFApplier(sfs).apply(DF.iloc[:0], progress_bar=False)
    assert len(S) == 0 and S.dtype.names == tuple(EXPECTED)


def test_dask_runs_vectorized_sfs_per_partition():
    import dask.dataframe as dd

    from snorkel_slice.slicing import DaskSFApplier

    sfs, _ = mixed_sfs()
    big = pd.concat([DF] * 5, ignore_index=True)
    S = DaskSFApplier(sfs).apply(dd.from_pandas(big, npartitions=3), scheduler="sync")
    expected = PandasSFApplier(sfs).apply(big, progress_bar=False)
    assert S.dtype == expected.dtype and np.array_equal(S, expected)
    frame = DaskSFApplier(sfs).apply(dd.from_pandas(big, npartitions=3), scheduler="sync",
                                     as_dataframe=True)
    assert all(t == np.dtype(bool) for t in frame.dtypes) and np.array_equal(frame.to_numpy(), expected.view(np.int64).reshape(len(big), -1) == 1)
