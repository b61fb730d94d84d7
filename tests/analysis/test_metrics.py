"""Metric kernels (snorkel_slice.analysis.metrics) against sklearn.metrics, scipy and definitions."""

import numpy as np
import pytest
import sklearn.metrics as skm
from scipy.stats import binomtest

from snorkel_slice.analysis.auc import auc_from_groups, bootstrap_auc, sorted_auc, tie_groups
from snorkel_slice.analysis.intervals import (
    bootstrap_counts,
    delong_interval,
    percentile_interval,
    wilson_interval,
)
from snorkel_slice.analysis.metrics import Cells, confusion_stats, count_metric, proportion

# (golds, preds) over classes 0..k-1; k (= the class count) is the abstain code.
BINARY = ([1, 1, 0, 0, 1, 0, 1, 1, 0, 1], [1, 0, 0, 1, 1, 0, 1, 0, 0, 1])
BINARY_NEGATIVES_ONLY = ([0, 0, 0], [0, 0, 0])
MULTI = ([0, 1, 2, 2, 1, 0, 2, 1, 1, 2], [0, 2, 2, 1, 1, 0, 2, 0, 1, 2])
MULTI_TWO_PRESENT = ([0, 2, 2, 0, 2], [0, 2, 0, 0, 2])  # class 1 absent from this slice

SKLEARN = {
    "accuracy": skm.accuracy_score,
    "f1_micro": lambda g, p: skm.f1_score(g, p, average="micro"),
    "f1_macro": lambda g, p: skm.f1_score(g, p, average="macro"),
    "matthews_corrcoef": skm.matthews_corrcoef,
}
BINARY_SKLEARN = SKLEARN | {
    "precision": lambda g, p: skm.precision_score(g, p, zero_division=0),
    "recall": lambda g, p: skm.recall_score(g, p, zero_division=0),
    "f1": lambda g, p: skm.f1_score(g, p, zero_division=0),
}
MACRO_SKLEARN = SKLEARN | {
    "precision": lambda g, p: skm.precision_score(g, p, average="macro", zero_division=0),
    "recall": lambda g, p: skm.recall_score(g, p, average="macro", zero_division=0),
    "f1": lambda g, p: skm.f1_score(g, p, average="macro", zero_division=0),
}


def cells_for(n_classes, binary):
    codes = np.arange((n_classes + 1) ** 2)
    return Cells(codes // (n_classes + 1), codes % (n_classes + 1), n_classes, binary)


def counts_of(golds, preds, n_classes):
    return np.bincount(np.multiply(golds, n_classes + 1) + preds, minlength=(n_classes + 1) ** 2)


@pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")  # sklearn's, on MCC
@pytest.mark.parametrize("metric", sorted(BINARY_SKLEARN))
@pytest.mark.parametrize("data", [BINARY, BINARY_NEGATIVES_ONLY], ids=["mixed", "negatives"])
def test_binary_count_metrics_match_sklearn(metric, data):
    golds, preds = data
    stats = confusion_stats(counts_of(golds, preds, 2), cells_for(2, True))
    assert count_metric(metric, stats, binary=True) == BINARY_SKLEARN[metric](golds, preds)


@pytest.mark.parametrize("metric", sorted(MACRO_SKLEARN))
@pytest.mark.parametrize("data", [MULTI, MULTI_TWO_PRESENT], ids=["three", "two-present"])
def test_multiclass_count_metrics_match_sklearn_macro(metric, data):
    golds, preds = data
    stats = confusion_stats(counts_of(golds, preds, 3), cells_for(3, False))
    assert count_metric(metric, stats, binary=False) == MACRO_SKLEARN[metric](golds, preds)


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 2.0])
def test_fbeta_matches_sklearn(beta):
    golds, preds = BINARY
    stats = confusion_stats(counts_of(golds, preds, 2), cells_for(2, True))
    expected = skm.fbeta_score(golds, preds, beta=beta)
    assert count_metric("fbeta", stats, binary=True, beta=beta) == expected


def test_abstains_leave_the_metrics_and_count_for_coverage():
    # Code 2 is the abstain: 2 of 6 rows abstain in pred, 1 more in gold.
    golds, preds = [1, 0, 2, 1, 0, 1], [1, 0, 1, 2, 2, 0]
    stats = confusion_stats(counts_of(golds, preds, 2), cells_for(2, True))
    assert count_metric("coverage", stats, binary=True) == 4 / 6
    assert count_metric("accuracy", stats, binary=True) == skm.accuracy_score([1, 0, 1], [1, 0, 0])
    assert stats.n == 6 and stats.scored == 3


def test_counts_with_leading_axes_score_each_row():
    counts = np.stack(
        [counts_of(*BINARY, 2), counts_of(*BINARY_NEGATIVES_ONLY, 2), np.zeros(9, int)]
    )
    f1 = count_metric("f1", confusion_stats(counts, cells_for(2, True)), binary=True)
    expected = [
        skm.f1_score(*BINARY),
        skm.f1_score(*BINARY_NEGATIVES_ONLY, zero_division=0),
        np.nan,
    ]
    np.testing.assert_array_equal(f1, expected)


def test_count_metric_rejects_roc_auc():
    stats = confusion_stats(counts_of(*BINARY, 2), cells_for(2, True))
    with pytest.raises(ValueError, match=r"'roc_auc' is not a count-based metric"):
        count_metric("roc_auc", stats, binary=True)


@pytest.mark.parametrize(
    ("metric", "successes", "trials"),
    [
        ("accuracy", 7, 10),
        ("f1_micro", 7, 10),
        ("coverage", 10, 10),
        ("precision", 4, 5),
        ("recall", 4, 6),
    ],
)
def test_proportions(metric, successes, trials):
    stats = confusion_stats(counts_of(*BINARY, 2), cells_for(2, True))
    assert [int(x) for x in proportion(metric, stats, binary=True)] == [successes, trials]


def test_macro_averages_and_ratios_of_counts_are_not_proportions():
    stats = confusion_stats(counts_of(*MULTI, 3), cells_for(3, False))
    assert proportion("precision", stats, binary=False) is None
    assert proportion("f1", stats, binary=True) is None


@pytest.mark.parametrize(("successes", "trials"), [(7, 10), (0, 12), (12, 12), (250, 1000)])
@pytest.mark.parametrize("ci", [0.9, 0.95])
def test_wilson_matches_scipy(successes, trials, ci):
    expected = binomtest(successes, trials).proportion_ci(confidence_level=ci, method="wilson")
    low, high = wilson_interval(np.array(successes), np.array(trials), ci)
    np.testing.assert_allclose([low, high], [expected.low, expected.high], rtol=1e-12, atol=1e-15)


def test_wilson_without_trials_is_nan():
    assert np.isnan(wilson_interval(np.array([0]), np.array([0]))).all()


def brute_force_auc_and_delong(scores, golds):
    # Definitions, pair by pair: AUC = mean of psi(pos, neg); DeLong's placement variance.
    pos, neg = scores[golds == 1], scores[golds == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(1), psi.mean(0)
    return psi.mean(), v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)


SCORES_TIED = np.array([0.1, 0.4, 0.4, 0.8, 0.2, 0.4, 0.9, 0.1, 0.6, 0.6])
SCORES_DISTINCT = np.array([0.15, 0.4, 0.35, 0.8, 0.2, 0.45, 0.9, 0.1, 0.6, 0.65])
AUC_GOLDS = np.array([0, 1, 0, 1, 0, 1, 1, 0, 0, 1])
MEMBER = np.array(  # three slices over the 10 rows, in original row order
    [
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        [0, 1, 1, 1, 0, 1, 0, 1, 1, 1],
        [1, 0, 1, 0, 1, 1, 1, 0, 1, 1],
    ],
    np.uint8,
)


@pytest.mark.parametrize("scores", [SCORES_TIED, SCORES_DISTINCT], ids=["ties", "distinct"])
def test_sorted_auc_matches_sklearn_and_delong_definition(scores):
    order, before, last = tie_groups(scores)
    auc, var = sorted_auc(MEMBER[:, order], AUC_GOLDS[order] == 1, before, last, variance=True)
    for s, member in enumerate(MEMBER.astype(bool)):
        expected = skm.roc_auc_score(AUC_GOLDS[member], scores[member])
        assert auc[s] == pytest.approx(expected, rel=1e-15)
        assert var[s] == pytest.approx(
            brute_force_auc_and_delong(scores[member], AUC_GOLDS[member])[1], rel=1e-12
        )


def test_sorted_auc_is_nan_without_both_classes_and_variance_needs_two_of_each():
    scores, golds = np.array([0.1, 0.2, 0.3]), np.array([0, 1, 1])
    order, before, last = tie_groups(scores)
    member = np.array([[1, 0, 1], [0, 1, 1]], np.uint8)
    auc, var = sorted_auc(member, golds == 1, before, last, variance=True)
    assert auc[0] == 1.0 and np.isnan(var[0])  # one negative: no variance
    assert np.isnan(auc[1]) and np.isnan(var[1])


def test_tie_groups():
    order, before, last = tie_groups(np.array([0.3, 0.1, 0.3, 0.2]))
    np.testing.assert_array_equal(order, [1, 3, 0, 2])
    np.testing.assert_array_equal(before, [-1, 0, 1, 1])
    np.testing.assert_array_equal(last, [0, 1, 3, 3])


def test_auc_from_groups_matches_sklearn_with_tie_weights():
    # Groups in ascending score order; per group positives and negatives.
    pos, neg = np.array([0, 2, 1, 3]), np.array([3, 1, 2, 0])
    scores = np.repeat(np.arange(4), pos + neg)
    golds = np.concatenate([np.r_[np.ones(p), np.zeros(q)] for p, q in zip(pos, neg, strict=True)])
    assert auc_from_groups(pos, neg) == pytest.approx(skm.roc_auc_score(golds, scores), rel=1e-15)
    assert np.isnan(auc_from_groups(np.array([0, 2]), np.array([0, 0])))


def test_delong_interval_is_normal_and_clipped():
    low, high = delong_interval(np.array([0.8, 0.99]), np.array([0.01, 0.01]), ci=0.95)
    np.testing.assert_allclose(
        [low[0], high[0]], [0.8 - 1.959963984540054 * 0.1, 0.8 + 1.959963984540054 * 0.1]
    )
    assert high[1] == 1.0


def test_percentile_interval_matches_numpy_and_skips_nan():
    samples = np.array(
        [[3.0, np.nan], [1.0, np.nan], [2.0, np.nan], [np.nan, np.nan], [5.0, np.nan]]
    )
    low, high = percentile_interval(samples, ci=0.8)
    assert low[0] == pytest.approx(np.percentile([3, 1, 2, 5], 10), rel=1e-12)
    assert high[0] == pytest.approx(np.percentile([3, 1, 2, 5], 90), rel=1e-12)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_bootstrap_counts_are_the_row_bootstrap():
    # Without abstains the resampled number correct is Binomial(n, accuracy): check the
    # first two moments of 20,000 seeded replicates against it (4 standard errors).
    golds, preds = BINARY
    counts = counts_of(golds, preds, 2)[None, :]
    samples = bootstrap_counts(
        counts, ["accuracy", "coverage"], cells_for(2, True), 1.0, np.random.default_rng(0), 20_000,
        smoothed=False,
    )
    p, n, reps = 0.7, 10, 20_000
    assert samples["accuracy"].shape == (reps, 1)
    assert abs(samples["accuracy"].mean() - p) < 4 * np.sqrt(p * (1 - p) / n / reps)
    assert abs(samples["accuracy"].var() - p * (1 - p) / n) < 0.05 * p * (1 - p) / n
    assert (samples["coverage"] == 1).all()


@pytest.mark.parametrize("right, wrong", [(2, 0), (30, 0), (0, 30), (7, 3), (45, 5)])
def test_smoothed_bootstrap_of_binary_accuracy_is_the_jeffreys_interval(right, wrong):
    # Known answer: with the prior's one row spread over the 4 binary cells, accuracy follows
    # Beta(right + 1/2, wrong + 1/2), the Jeffreys posterior (Brown, Cai & DasGupta, 2001).
    from scipy.stats import beta as beta_dist

    golds = np.r_[np.arange(right) % 2, np.arange(wrong) % 2]  # right ones split over the classes
    preds = np.r_[np.arange(right) % 2, 1 - np.arange(wrong) % 2]
    counts = counts_of(golds, preds, 2)[None, :]  # 9 cells; the abstain code 2 goes unused
    samples = bootstrap_counts(counts, ["accuracy"], cells_for(2, True), 1.0, np.random.default_rng(1), 40_000)
    low, high = percentile_interval(samples["accuracy"], ci=0.95)
    expected = beta_dist.ppf([0.025, 0.975], right + 0.5, wrong + 0.5)
    assert low[0] == pytest.approx(expected[0], abs=0.006) and high[0] == pytest.approx(expected[1], abs=0.006)
    assert high[0] - low[0] > 0.01  # never collapses, even when every row is right or wrong


def test_bootstrap_counts_are_reproducible_and_empty_rows_are_nan():
    counts = np.stack([counts_of(*BINARY, 2), np.zeros(9, int)])
    first = bootstrap_counts(counts, ["f1"], cells_for(2, True), 1.0, np.random.default_rng(3), 50)
    again = bootstrap_counts(counts, ["f1"], cells_for(2, True), 1.0, np.random.default_rng(3), 50)
    np.testing.assert_array_equal(first["f1"], again["f1"])
    assert np.isnan(first["f1"][:, 1]).all() and not np.isnan(first["f1"][:, 0]).any()


def test_bootstrap_auc_replicates_are_sklearn_on_resampled_rows():
    # Rows of one slice in score order; the last row (index 5) is unscored (abstained).
    scores = np.array([0.1, 0.2, 0.2, 0.5, 0.7])
    positive = np.array([False, True, False, False, True])
    _, _, last = tie_groups(scores)
    replicates = bootstrap_auc(positive, last, 6, np.random.default_rng(7), 40)
    # The same draws, by hand: 40 replicates of 6 row indices (one batch).
    draws = np.random.default_rng(7).integers(0, 6, size=(40, 6))
    for draw, value in zip(draws, replicates, strict=True):
        rows = draw[draw < 5]
        if len(set(positive[rows])) < 2:
            assert np.isnan(value)
        else:
            assert value == pytest.approx(
                skm.roc_auc_score(positive[rows], scores[rows]), rel=1e-15
            )
