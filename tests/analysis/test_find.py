"""find_slices: SliceLine's top-k at equal settings, planted slices found, and SFs any applier runs."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sliceline.slicefinder import Slicefinder

from snorkel_slice.analysis import find_slices
from snorkel_slice.slicing import PandasSFApplier, SlicingFunction


def planted(n=3000, seed=0, d=6):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({f"c{i}": rng.integers(0, rng.integers(2, 6), n).astype(str) for i in range(d)})
    e = (rng.random(n) < 0.1).astype(float)
    hot = ((X.c0 == "1") & (X.c1 == "0")).to_numpy()
    e[hot] = rng.random(hot.sum()) < 0.5
    return X, e, hot


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k, max_order, min_support, alpha", [(5, 2, 30, 0.95), (10, 3, 20, 0.9), (4, 2, 100, 0.7)])
def test_top_k_scores_equal_sliceline(seed, k, max_order, min_support, alpha):
    X, e, _ = planted(seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = Slicefinder(alpha=alpha, k=k, max_l=max_order, min_sup=min_support, verbose=False).fit(X.to_numpy(), e)
    expected = sorted((s["slice_score"] for s in theirs.top_slices_statistics_), reverse=True)[:k]
    ours = [sf.stats["score"] for sf in find_slices(X, e, k=k, max_order=max_order, min_support=min_support, alpha=alpha)]
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


def test_the_planted_slice_comes_first_as_an_sf_any_applier_runs():
    X, e, hot = planted()
    best = find_slices(X, e, k=3)[0]
    assert best.name == "c0_1__c1_0" and best.__doc__ == "c0 == '1' and c1 == '0'"
    assert isinstance(best, SlicingFunction)
    S = PandasSFApplier([best]).apply(X, progress_bar=False)
    assert np.array_equal(S[best.name].astype(bool), hot)
    assert best.stats["size"] == hot.sum() and best.stats["error_rate"] == pytest.approx(e[hot].mean())
    assert best.stats["predicate"] == [("c0", "==", "1"), ("c1", "==", "0")]


def test_numeric_bins_text_words_and_existing_sfs_are_predicates():
    rng = np.random.default_rng(1)
    n = 2000
    age = rng.integers(18, 80, n)
    text = np.where(rng.random(n) < 0.2, "please subscribe now", "nice video")
    df = pd.DataFrame({"age": age, "text": text})
    short = SlicingFunction("short", lambda x: len(x.text) < 12)
    e = ((age >= 60) & (text == "please subscribe now")).astype(float) * 0.8 + 0.05
    found = find_slices(df, e, k=5, columns=["age"], text_columns=["text"], sfs=[short])
    kinds = {op for sf in found for _, op, _ in sf.stats["predicate"]}
    assert {"in", "has_word"} <= kinds
    words = rng.integers(1, 30, n)
    texts = pd.DataFrame({"text": [" ".join(["w"] * k) for k in words]})
    lengths = find_slices(texts, ((words < 5) & (rng.random(n) < 0.6)) + 0.05 * (rng.random(n) < 0.5),
                          k=10, columns=[], text_columns=["text"], min_word_count=10**9)
    assert lengths and all(op == "words_in" for sf in lengths for _, op, _ in sf.stats["predicate"])
    top = lengths[0]
    assert top.stats["predicate"][0][2][0] == 1.0  # the shortest bin holds the errors
    assert PandasSFApplier([top]).apply(texts, progress_bar=False)[top.name].sum() == top.stats["size"]
    best = found[0]
    S = PandasSFApplier([best]).apply(df, progress_bar=False)
    assert S[best.name].sum() == best.stats["size"]  # the SF selects exactly the rows it was scored on


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda X, e: find_slices(X.to_numpy(), e), TypeError, r"df must be a pandas DataFrame, got ndarray"),
        (lambda X, e: find_slices(X, e[:10]), ValueError, r"errors must hold one number per row of df \(3000\); got shape \(10,\)"),
        (lambda X, e: find_slices(X, -e), ValueError, r"errors must be finite and >= 0"),
        (lambda X, e: find_slices(X, e * 0), ValueError, r"errors are all 0"),
        (lambda X, e: find_slices(X, e, columns=["nope"]), ValueError, r"df has no column\(s\) \['nope'\]"),
        (lambda X, e: find_slices(X, e, k=0), ValueError, r"k must be an int >= 1; got 0"),
        (lambda X, e: find_slices(X, e, alpha=0), ValueError, r"alpha must be a number in \(0, 1\]; got 0\.0"),
    ],
)
def test_bad_input_is_named(call, error, match):
    X, e, _ = planted(n=3000)
    with pytest.raises(error, match=match):
        call(X, e)


def test_a_predicate_true_on_every_row_is_not_a_slice():
    rng = np.random.default_rng(2)
    n = 2000
    df = pd.DataFrame({"gain": np.where(rng.random(n) < 0.95, 0, rng.integers(1, 10_000, n)),
                       "c": rng.integers(0, 3, n).astype(str), "const": "x"})
    e = ((df.c == "1").to_numpy() & (rng.random(n) < 0.6)).astype(float) + (rng.random(n) < 0.05)
    found = find_slices(df, np.minimum(e, 1), k=5)
    for sf in found:
        assert sf.stats["size"] < n
        assert all(op != "in" or value[0] > 0 or not np.isinf(value[1]) for _, op, value in sf.stats["predicate"])
        assert all(column != "const" for column, _, _ in sf.stats["predicate"])
    assert len({sf.stats["score"] for sf in found}) == len(found)  # no slice twice under two names
