"""PandasSFApplier and slice_dataframe: Snorkel 0.10.0 parity, faults, processes, errors."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from snorkel.slicing import PandasSFApplier as SnorkelSFApplier
from snorkel.slicing import slice_dataframe as snorkel_slice_dataframe
from snorkel.slicing import slicing_function as snorkel_slicing_function
from spam_sfs import ALL, CHEAP, build_sfs

from snorkel_slice.preprocess.core import LambdaPreprocessor
from snorkel_slice.slicing import pool
from snorkel_slice.slicing.apply import (
    ApplierMetadata,
    PandasSFApplier,
    SlicingFunctionError,
    slice_dataframe,
)
from snorkel_slice.slicing.sf import SlicingFunction, slicing_function
from utils import load_spam_dataset

FRAME = pd.DataFrame(
    {
        "text": ["check out my channel", "Nice", "please subscribe bit.ly/x", "", "I love it"],
        "n": [3, 1, 4, 0, 3],
        "score": [0.5, np.nan, 2.5, -1.0, 0.9],
    },
    index=[10, 11, 10, 12, 13],  # repeated labels, as in the spam train split
)


def literal_sf_bodies():
    return {
        "has_check": lambda x: "check" in x["text"],
        "many_words": lambda x: x.n >= 3,
        "high_score": lambda x: x.score > 0.7,  # NaN > 0.7 is False in both libraries
        "empty": lambda x: x.text == "",
    }


def both(bodies):
    ours = [SlicingFunction(name, f) for name, f in bodies.items()]
    theirs = [snorkel_slicing_function(name=name)(f) for name, f in bodies.items()]
    return ours, theirs


def assert_same_S(S, S_snorkel):
    assert type(S) is type(S_snorkel) is np.recarray
    assert S.dtype == S_snorkel.dtype  # same field names, order and int64
    assert np.array_equal(S, S_snorkel)


@pytest.fixture(scope="module")
def spam():
    return load_spam_dataset(load_train_labels=True)


def test_literal_frame_matches_snorkel():
    ours, theirs = both(literal_sf_bodies())
    S = PandasSFApplier(ours).apply(FRAME, progress_bar=False)
    assert_same_S(S, SnorkelSFApplier(theirs).apply(FRAME, progress_bar=False))
    assert S.has_check.tolist() == [1, 0, 0, 0, 0]  # the data as written above, by eye
    assert S.many_words.tolist() == [1, 0, 1, 0, 1]


@pytest.mark.parametrize("split", [0, 1], ids=["train", "test"])
def test_spam_tutorial_sfs_match_snorkel(spam, split):
    df = spam[split]
    S = PandasSFApplier(build_sfs("snorkel_slice")).apply(df, progress_bar=False)
    assert_same_S(S, SnorkelSFApplier(build_sfs("snorkel")).apply(df, progress_bar=False))
    assert S.dtype.names == ALL
    assert all(S[name].sum() > 0 for name in ALL)  # every slice is non-trivial on this split


def test_sf_receives_a_row_with_columns_index_and_python_scalars():
    seen = []

    def record(x):
        seen.append((x.name, x["text"], type(x.n), type(x.score)))
        return True

    PandasSFApplier([SlicingFunction("record", record)]).apply(FRAME.iloc[:2], progress_bar=False)
    assert seen == [(10, "check out my channel", int, float), (11, "Nice", int, float)]


def test_empty_frame_and_frame_without_columns():
    (ours,), (theirs,) = both({"always": lambda x: True})
    S = PandasSFApplier([ours]).apply(FRAME.iloc[:0], progress_bar=False)
    assert_same_S(S, SnorkelSFApplier([theirs]).apply(FRAME.iloc[:0], progress_bar=False))
    no_columns = pd.DataFrame(index=range(3))  # rows without columns still get a row each
    assert PandasSFApplier([ours]).apply(no_columns, progress_bar=False).always.tolist() == [
        1,
        1,
        1,
    ]


def test_memoized_preprocessor_gives_same_S_as_unmemoized_across_calls():
    calls = []

    def add_len(x):
        calls.append(x.text)
        x.length = len(x.text)
        return x

    def sf_with(memoize):
        pre = [LambdaPreprocessor("add_len", add_len, memoize=memoize)]
        return SlicingFunction("long", lambda x: x.length > 4, pre=pre)

    df = pd.DataFrame({"text": ["aaaaa", "b", "aaaaa", "b", "aaaaa"]})
    plain = PandasSFApplier([sf_with(False)]).apply(df, progress_bar=False)
    calls.clear()
    memo_sf = sf_with(True)
    first = PandasSFApplier([memo_sf]).apply(df, progress_bar=False)
    second = PandasSFApplier([memo_sf]).apply(df, progress_bar=False)
    assert plain.long.tolist() == first.long.tolist() == second.long.tolist() == [1, 0, 1, 0, 1]
    assert calls == ["aaaaa", "b"]  # computed once per distinct row, the second apply all hits


def raise_on_nice(x):
    if x.text == "Nice":
        raise KeyError("boom")
    return True


def return_minus_one(x):
    return -1 if x.n == 0 else x.n > 2


def test_fault_tolerant_counts_faults_and_marks_rows_out_of_slice():
    bodies = {"raise_on_nice": raise_on_nice, "minus_one": return_minus_one, "ok": lambda x: True}
    ours, theirs = both(bodies)
    S, meta = PandasSFApplier(ours).apply(
        FRAME, progress_bar=False, fault_tolerant=True, return_meta=True
    )
    assert isinstance(meta, ApplierMetadata)
    assert meta.faults == {"raise_on_nice": 1, "minus_one": 1, "ok": 0}
    assert S.raise_on_nice.tolist() == [1, 0, 1, 1, 1]
    assert S.minus_one.tolist() == [1, 0, 1, 0, 1]
    # Snorkel writes -1 for the raising SF's faults (where ours says 0) and keeps -1 returned by an
    # SF; on every other cell, and in the fault count of the raising SF, the two agree.
    S_sn, meta_sn = SnorkelSFApplier(theirs).apply(
        FRAME, progress_bar=False, fault_tolerant=True, return_meta=True
    )
    for name in bodies:
        assert np.array_equal(S[name], (S_sn[name] == 1).astype(np.int64))
    assert meta_sn.faults["raise_on_nice"] == meta.faults["raise_on_nice"]


def test_return_meta_without_faults_lists_every_sf():
    ours, _ = both(literal_sf_bodies())
    S, meta = PandasSFApplier(ours).apply(FRAME, progress_bar=False, return_meta=True)
    assert meta.faults == dict.fromkeys(literal_sf_bodies(), 0)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize(
    "sf, match",
    [
        (
            SlicingFunction("raise_on_nice", raise_on_nice),
            r"SF 'raise_on_nice' failed on the row with index 11: KeyError: 'boom' -- fix the SF, "
            r"or pass fault_tolerant=True",
        ),
        (
            SlicingFunction("minus_one", return_minus_one),
            r"SF 'minus_one' failed on the row with index 12: TypeError: SF 'minus_one' returned -1",
        ),
        (
            SlicingFunction("typo", lambda x: x.txt == ""),
            r"SF 'typo' failed on the row with index 10: AttributeError: the row has no field 'txt'",
        ),
    ],
)
def test_sf_error_names_sf_and_row(sf, match, n_jobs):
    with pytest.raises(SlicingFunctionError, match=match), warnings.catch_warnings():
        warnings.simplefilter("error")  # the error alone: no warning from cancelled workers
        PandasSFApplier([SlicingFunction("ok", lambda x: True), sf]).apply(
            FRAME, progress_bar=False, n_jobs=n_jobs
        )


def test_n_jobs_gives_identical_S_with_closures_and_memoized_preprocessors(spam):
    df = spam[1]
    sfs = build_sfs("snorkel_slice") + [SlicingFunction("closure", lambda x: len(x.text) > 40)]
    serial = PandasSFApplier(sfs).apply(df, progress_bar=False)
    textblob = sfs[-2].pre[0]
    cached = len(textblob.cache_)
    parallel = PandasSFApplier(sfs).apply(df, progress_bar=False, n_jobs=2)
    assert_same_S(parallel, serial)
    assert len(textblob.cache_) == cached  # workers keep their own caches (documented)
    assert_same_S(
        PandasSFApplier(sfs).apply(df.iloc[:3], progress_bar=False, n_jobs=-1), serial[:3]
    )


def test_spawned_workers_give_identical_S(monkeypatch, spam):
    # Where fork is not used (macOS, Windows) workers are spawned and SFs travel by pickle.
    monkeypatch.setattr(pool, "_fork_available", lambda: False)
    sfs = build_sfs("snorkel_slice", CHEAP)
    df = spam[1].iloc[:40]
    serial = PandasSFApplier(sfs).apply(df, progress_bar=False)
    assert_same_S(PandasSFApplier(sfs).apply(df, progress_bar=False, n_jobs=2), serial)
    closure = SlicingFunction("closure", lambda x: True)
    with pytest.raises(
        TypeError,
        match=r"n_jobs > 1 needs to send SF 'closure' to worker "
        r"processes, but it cannot be pickled \(AttributeError: Can't pickle local object .*or use "
        r"n_jobs=1",
    ):
        PandasSFApplier([closure]).apply(df, progress_bar=False, n_jobs=2)


def test_progress_bar_is_one_bar_and_can_be_switched_off(monkeypatch, capsys):
    monkeypatch.setenv("SNORKEL_SLICE_PROGRESS", "1")
    ours, _ = both(literal_sf_bodies())
    PandasSFApplier(ours).apply(FRAME)
    shown = capsys.readouterr().err
    # One bar over the 5 rows, redrawn a handful of times at most (not once per row), then cleared.
    assert "Applying SFs:   0%|          | 0/5" in shown
    assert 1 <= len(re.findall(r"Applying SFs", shown)) <= 3
    PandasSFApplier(ours).apply(FRAME, progress_bar=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", ALL)
def test_slice_dataframe_matches_snorkel(spam, name):
    df = spam[1]
    (ours,), (theirs,) = build_sfs("snorkel_slice", (name,)), build_sfs("snorkel", (name,))
    expected = snorkel_slice_dataframe(df, theirs)
    pd.testing.assert_frame_equal(slice_dataframe(df, ours, progress_bar=False), expected)


good_sf = SlicingFunction("good", lambda x: True)


@pytest.mark.parametrize(
    "sfs, error, match",
    [
        ([], ValueError, r"sfs is empty; pass a list of at least one SlicingFunction"),
        (good_sf, TypeError, r"sfs must be a list of SFs, got a single SF; wrap it: \[my_sf\]"),
        ("good", TypeError, r"sfs must be a list of SlicingFunctions, got str"),
        (
            [good_sf, raise_on_nice],
            TypeError,
            r"sfs\[1\] must be a snorkel_slice SlicingFunction, got builtins.function; build it with",
        ),
        (
            [snorkel_slicing_function()(raise_on_nice)],
            TypeError,
            r"sfs\[0\] must be a snorkel_slice SlicingFunction, got "
            r"snorkel.slicing.sf.core.SlicingFunction",
        ),
        (
            [
                good_sf,
                SlicingFunction("b", raise_on_nice),
                good_sf,
                SlicingFunction("b", raise_on_nice),
            ],
            ValueError,
            r"SF names must be unique .*duplicated: \['b', 'good'\]",
        ),
    ],
)
def test_applier_rejects_bad_sfs(sfs, error, match):
    with pytest.raises(error, match=match):
        PandasSFApplier(sfs)


@pytest.mark.parametrize(
    "df, kwargs, error, match",
    [
        (FRAME.text, {}, TypeError, r"df must be a pandas DataFrame, got Series; build one with"),
        ({"text": ["a"]}, {}, TypeError, r"df must be a pandas DataFrame, got dict"),
        (
            pd.DataFrame([[1, 2]], columns=["a", "a"]),
            {},
            ValueError,
            r"df has duplicated column names \['a'\]; an SF could not tell them apart",
        ),
        (
            FRAME,
            dict(progress_bar="no"),
            TypeError,
            r"progress_bar must be True or False; got 'no' \(str\)",
        ),
        (FRAME, dict(fault_tolerant=1), TypeError, r"fault_tolerant must be True or False; got 1 \(int\)"),
        (FRAME, dict(return_meta=None), TypeError, r"return_meta must be True or False; got None \(NoneType\)"),
        (FRAME, dict(n_jobs=0), ValueError, r"n_jobs must be an int >= 1; got 0 \(int\)\. Use 1, 2, \.\.\. or -1 for every core\."),
        (FRAME, dict(n_jobs=-2), ValueError, r"n_jobs must be an int >= 1; got -2 \(int\)\. Use 1, 2"),
        (FRAME, dict(n_jobs=1.5), TypeError, r"n_jobs must be an int >= 1; got 1.5 \(float\)\. Use 1, 2, \.\.\. or -1"),
        (FRAME, dict(n_jobs=True), TypeError, r"n_jobs must be an int .*got True"),
    ],
)
def test_apply_rejects_bad_input(df, kwargs, error, match):
    with pytest.raises(error, match=match):
        PandasSFApplier([good_sf]).apply(df, **kwargs)


def test_slice_dataframe_rejects_a_plain_function():
    with pytest.raises(
        TypeError, match=r"slicing_function must be a snorkel_slice SlicingFunction"
    ):
        slice_dataframe(FRAME, raise_on_nice)


def test_decorated_sf_in_applier_and_repr():
    @slicing_function()
    def nice(x):
        return x.text == "Nice"

    applier = PandasSFApplier([nice, good_sf])
    assert repr(applier) == "PandasSFApplier(sfs=['nice', 'good'])"
    assert applier.apply(FRAME, progress_bar=False).nice.tolist() == [0, 1, 0, 0, 0]
