"""compare_slices and its corrections, against statsmodels, scipy and answers known by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from snorkel_slice.analysis import adjust_p_values, compare_slices

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("method, theirs", [("holm", "holm"), ("bh", "fdr_bh"), ("bonferroni", "bonferroni")])
@pytest.mark.parametrize(
    "p",
    [
        RNG.random(12),
        np.array([0.01, 0.01, 0.04, 0.04, 0.2, 0.2]),  # ties
        np.array([0.03]),  # a single test
        np.r_[RNG.random(20) ** 3, 1.0, 0.0],
    ],
    ids=["random", "ties", "single", "skewed"],
)
def test_corrections_equal_statsmodels(method, theirs, p):
    np.testing.assert_allclose(adjust_p_values(p, method), multipletests(p, method=theirs)[1], rtol=1e-12)


def test_nan_p_values_are_no_test_and_stay_nan():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    out = adjust_p_values(p, "holm")
    assert np.isnan(out[[1, 4]]).all()
    np.testing.assert_allclose(out[[0, 2, 3]], multipletests(p[[0, 2, 3]], method="holm")[1])
    assert np.isnan(adjust_p_values([np.nan, np.nan], "bh")).all()


def data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    golds = rng.integers(0, 2, n)
    hard = np.arange(n) < 80
    wrong = rng.random(n) < np.where(hard, 0.35, 0.08)
    preds = np.where(wrong, 1 - golds, golds)
    S = pd.DataFrame({"hard": hard, "easy": (np.arange(n) >= 80) & (np.arange(n) < 200), "none": False, "all": True})
    return S, golds, preds


def test_proportions_use_fisher_and_newcombe_as_the_references_do():
    S, golds, preds = data()
    table = compare_slices(S, golds, preds, metrics=["accuracy", "recall", "fpr"], correction=None).set_index(["slice", "metric"])
    hard = S["hard"].to_numpy()
    right = golds == preds
    row = table.loc[("hard", "accuracy")]
    s1, t1, s2, t2 = right[hard].sum(), hard.sum(), right[~hard].sum(), (~hard).sum()
    assert row["p_value"] == pytest.approx(fisher_exact([[s1, t1 - s1], [s2, t2 - s2]]).pvalue)
    low, high = confint_proportions_2indep(s1, t1, s2, t2, method="newcomb", alpha=0.05)
    assert (row["delta_low"], row["delta_high"]) == pytest.approx((low, high), abs=1e-9)
    assert row["delta"] == pytest.approx(s1 / t1 - s2 / t2)
    pos = golds == 1
    rec = table.loc[("hard", "recall")]
    assert rec["score"] == pytest.approx(right[hard & pos].mean()) and rec["rest_score"] == pytest.approx(right[~hard & pos].mean())
    assert table.loc[("hard", "accuracy"), "base_rate"] == pytest.approx(golds[hard].mean())


def test_a_planted_gap_is_found_and_a_null_slice_is_not():
    S, golds, preds = data()
    table = compare_slices(S, golds, preds, metrics=["accuracy", "f1"], random_state=0).set_index(["slice", "metric"])
    assert table.loc[("hard", "accuracy"), "significant"] and table.loc[("hard", "f1"), "significant"]
    # "easy" really is better than its complement (which holds "hard"): that is a real gap too
    assert table.loc[("easy", "accuracy"), "delta"] > 0
    spread = compare_slices(S.assign(spread=np.arange(len(golds)) % 5 == 0)[["spread"]], golds, preds)
    assert not spread.loc[0, "significant"]  # a slice drawn across all rows has no gap
    assert table.loc[("hard", "accuracy"), "delta_high"] < 0
    f1 = table.loc[("hard", "f1")]
    assert f1["test"].startswith("permutation") and f1["delta_low"] < f1["delta"] < f1["delta_high"]


def test_the_f1_permutation_p_value_matches_permuting_rows():
    S, golds, preds = data(n=300, seed=3)
    fast = compare_slices(S[["hard"]], golds, preds, metrics=["f1"], correction=None, random_state=1, n_resamples=4000)
    rng = np.random.default_rng(2)
    hard = S["hard"].to_numpy()

    def f1(g, p):
        tp, fp, fn = ((g == 1) & (p == 1)).sum(), ((g == 0) & (p == 1)).sum(), ((g == 1) & (p == 0)).sum()
        return 2 * tp / (2 * tp + fp + fn)

    observed = f1(golds[hard], preds[hard]) - f1(golds[~hard], preds[~hard])
    null = []
    for _ in range(4000):
        m = rng.permutation(hard)
        null.append(f1(golds[m], preds[m]) - f1(golds[~m], preds[~m]))
    slow = (1 + np.sum(np.abs(null) >= abs(observed))) / 4001
    assert fast.loc[0, "p_value"] == pytest.approx(slow, abs=0.01)


def test_against_overall_scales_the_gap_and_keeps_the_test():
    S, golds, preds = data()
    rest = compare_slices(S[["hard"]], golds, preds, correction=None).iloc[0]
    overall = compare_slices(S[["hard"]], golds, preds, against="overall", correction=None).iloc[0]
    share_outside = 1 - S["hard"].mean()
    assert overall["delta"] == pytest.approx(rest["delta"] * share_outside)
    assert overall["delta"] == pytest.approx(overall["score"] - overall["rest_score"])
    assert overall["p_value"] == rest["p_value"] and overall["rest_n"] == len(golds)


def test_empty_slice_and_empty_complement_give_nan_not_a_crash():
    S, golds, preds = data()
    table = compare_slices(S, golds, preds, metrics=["accuracy", "f1"], random_state=0).set_index(["slice", "metric"])
    for name in ("none", "all"):
        for metric in ("accuracy", "f1"):
            row = table.loc[(name, metric)]
            assert np.isnan(row["p_value"]) and np.isnan(row["p_adjusted"]) and not row["significant"]
    assert table.loc[("none", "accuracy"), "n"] == 0 and table.loc[("all", "accuracy"), "rest_n"] == 0
    # NaN rows are not in the family: Holm counts the 4 real tests only
    real = table.dropna(subset=["p_value"])
    np.testing.assert_allclose(real["p_adjusted"], multipletests(real["p_value"], method="holm")[1])


def test_a_small_slice_shows_as_untestable():
    S, golds, preds = data()
    S = S.assign(tiny=np.arange(len(golds)) < 6)
    table = compare_slices(S[["tiny", "easy"]], golds, preds).set_index("slice")
    assert table.loc["tiny", "min_detectable"] > 0.3 > table.loc["easy", "min_detectable"]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(metrics=["auc"]), ValueError, r"metrics must be one of \('accuracy', 'recall', 'precision', 'fpr', 'f1', 'roc_auc'\); got 'auc'"),
        (dict(metrics="accuracy"), TypeError, r"metrics must be a list of names, got the string 'accuracy'"),
        (dict(against="mean"), ValueError, r"against must be one of \('complement', 'overall'\); got 'mean'"),
        (dict(correction="fdr"), ValueError, r"correction must be one of \('holm', 'bh', 'bonferroni', None\); got 'fdr'"),
        (dict(alpha=5), ValueError, r"alpha must be a number in \(0, 1\); got 5\.0"),
        (dict(n_resamples=10), ValueError, r"n_resamples must be an int >= 100; got 10"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    S, golds, preds = data(n=50)
    with pytest.raises(error, match=match):
        compare_slices(S, golds, preds, **kwargs)


def test_more_than_two_classes_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"compare_slices compares binary labels in \{0, 1\} \(-1 = abstain\); got labels \[2\]"):
        compare_slices(pd.DataFrame({"a": [1, 0, 1]}), [0, 1, 2], [0, 1, 1])


def test_roc_auc_permutation_test_agrees_with_sklearn_on_permuted_rows():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(4)
    n = 300
    golds = rng.integers(0, 2, n)
    hard = np.arange(n) < 90
    noise = np.where(hard, 1.2, 0.4)
    p1 = 1 / (1 + np.exp(-(golds * 2 - 1) / noise - rng.normal(0, 1, n)))
    probs = np.column_stack([1 - p1, p1])
    preds = (p1 > 0.5).astype(int)
    S = pd.DataFrame({"hard": hard})
    row = compare_slices(S, golds, preds, probs, metrics=["roc_auc"], correction=None, random_state=0, n_resamples=2000).iloc[0]
    assert row["score"] == pytest.approx(roc_auc_score(golds[hard], p1[hard]))
    assert row["rest_score"] == pytest.approx(roc_auc_score(golds[~hard], p1[~hard]))
    observed = row["score"] - row["rest_score"]
    null = []
    for _ in range(2000):
        m = rng.permutation(hard)
        null.append(roc_auc_score(golds[m], p1[m]) - roc_auc_score(golds[~m], p1[~m]))
    slow = (1 + np.sum(np.abs(null) >= abs(observed))) / 2001
    assert row["p_value"] == pytest.approx(slow, abs=0.01)
    assert row["delta_low"] < row["delta"] < row["delta_high"] and row["test"].startswith("permutation")
    overall = compare_slices(S, golds, preds, probs, metrics=["roc_auc"], against="overall", random_state=0).iloc[0]
    assert overall["rest_score"] == pytest.approx(roc_auc_score(golds, p1))
    with pytest.raises(ValueError, match=r"metric 'roc_auc' needs probs"):
        compare_slices(S, golds, preds, metrics=["roc_auc"])
