"""Scorer: sklearn references, Snorkel 0.10.0 parity, sizes, warnings, intervals, plot, errors."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from scipy.stats import binomtest
from snorkel.analysis import Scorer as SnorkelScorer

from snorkel_slice.analysis.notices import SmallSliceWarning, UndefinedScoreWarning
from snorkel_slice.analysis.plots import plot_slice_scores
from snorkel_slice.analysis.scorer import Scorer

BINARY_METRICS = ["accuracy", "coverage", "precision", "recall", "f1", "f1_micro", "f1_macro"]
BINARY_METRICS += [
    "matthews_corrcoef",
    "roc_auc",
]  # every metric but fbeta, which Snorkel cannot run

# 12 rows with abstains (-1) in golds and preds, and a tie in the scores.
GOLDS = np.array([1, 0, 1, 1, 0, -1, 1, 0, 0, 1, 1, 0])
PREDS = np.array([1, 0, 0, 1, 1, 1, -1, 0, 0, 1, 0, 0])
P1 = np.array([0.9, 0.2, 0.4, 0.8, 0.6, 0.7, 0.5, 0.1, 0.3, 0.9, 0.45, 0.2])
PROBS = np.column_stack([1 - P1, P1])
SCORED = (GOLDS != -1) & (PREDS != -1)
SLICES = {  # what an applier returns: int64 0/1 fields, one per SF
    "first_half": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    "odd": [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
    "big": [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0],
}


def recarray(columns):
    return np.rec.fromarrays(
        [np.asarray(v, np.int64) for v in columns.values()], names=list(columns)
    )


S = recarray(SLICES)


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


# --- each metric against sklearn.metrics ------------------------------------------------------

EXPECTED = {
    "accuracy": lambda g, p, s: skm.accuracy_score(g, p),
    "precision": lambda g, p, s: skm.precision_score(g, p),
    "recall": lambda g, p, s: skm.recall_score(g, p),
    "f1": lambda g, p, s: skm.f1_score(g, p),
    "f1_micro": lambda g, p, s: skm.f1_score(g, p, average="micro"),
    "f1_macro": lambda g, p, s: skm.f1_score(g, p, average="macro"),
    "fbeta": lambda g, p, s: skm.fbeta_score(g, p, beta=1.0),
    "matthews_corrcoef": lambda g, p, s: skm.matthews_corrcoef(g, p),
    "roc_auc": lambda g, p, s: skm.roc_auc_score(g, s),
}


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_each_metric_matches_sklearn_on_scored_rows(metric):
    expected = EXPECTED[metric](GOLDS[SCORED], PREDS[SCORED], P1[SCORED])
    scores = Scorer([metric]).score(GOLDS, PREDS, PROBS)
    assert scores == {metric: pytest.approx(expected, rel=1e-15), "n": 12}  # roc_auc: last bit


def test_coverage_is_the_share_of_rows_with_a_prediction():
    assert Scorer(["coverage"]).score(GOLDS, PREDS)["coverage"] == np.mean(PREDS != -1)


@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_fbeta_uses_beta(beta):
    expected = skm.fbeta_score(GOLDS[SCORED], PREDS[SCORED], beta=beta)
    assert Scorer(["fbeta"], beta=beta).score(GOLDS, PREDS)["fbeta"] == expected


MULTI_GOLDS = np.array([0, 1, 2, 2, 1, 0, 2, 1, 1, 2, -1, 0])
MULTI_PREDS = np.array([0, 2, 2, 1, 1, 0, 2, 0, -1, 2, 1, 1])
MULTI_EXPECTED = {
    "accuracy": skm.accuracy_score,
    "precision": lambda g, p: skm.precision_score(g, p, average="macro", zero_division=0),
    "recall": lambda g, p: skm.recall_score(g, p, average="macro", zero_division=0),
    "f1": lambda g, p: skm.f1_score(g, p, average="macro", zero_division=0),
    "fbeta": lambda g, p: skm.fbeta_score(g, p, beta=2.0, average="macro", zero_division=0),
    "f1_micro": lambda g, p: skm.f1_score(g, p, average="micro"),
    "f1_macro": lambda g, p: skm.f1_score(g, p, average="macro"),
    "matthews_corrcoef": skm.matthews_corrcoef,
}


@pytest.mark.parametrize("metric", sorted(MULTI_EXPECTED))
def test_multiclass_metrics_are_sklearn_macro_averages_per_slice(metric):
    table = Scorer([metric], beta=2.0, min_support=0).score_slices(
        S, MULTI_GOLDS, MULTI_PREDS, as_dataframe=True
    )
    for row, mask in [("overall", np.ones(12, bool))] + [
        (k, np.asarray(v, bool)) for k, v in SLICES.items()
    ]:
        keep = mask & (MULTI_GOLDS != -1) & (MULTI_PREDS != -1)
        assert table.at[row, metric] == MULTI_EXPECTED[metric](MULTI_GOLDS[keep], MULTI_PREDS[keep])


def test_many_classes_keep_only_the_cells_that_occur():
    # 40 classes: 41**2 confusion cells would be wasteful, only occurring pairs are kept.
    rng = np.random.default_rng(0)
    golds = rng.integers(0, 40, 300)
    preds = np.where(rng.random(300) < 0.6, golds, rng.integers(0, 40, 300))
    s = recarray({"a": rng.random(300) < 0.5})
    table = Scorer(["accuracy", "f1_macro", "matthews_corrcoef"], min_support=0).score_slices(
        s, golds, preds, as_dataframe=True
    )
    mask = s["a"].astype(bool)
    assert table.at["a", "accuracy"] == skm.accuracy_score(golds[mask], preds[mask])
    assert table.at["a", "f1_macro"] == pytest.approx(
        skm.f1_score(golds[mask], preds[mask], average="macro"), rel=1e-14
    )
    assert table.at["a", "matthews_corrcoef"] == skm.matthews_corrcoef(golds[mask], preds[mask])


# --- parity with Snorkel 0.10.0 -----------------------------------------------------------------


def assert_same_scores(ours, theirs):
    # Count metrics bit for bit; roc_auc to 1e-12 (sklearn integrates a curve, we count pairs).
    assert list(ours) == list(theirs)
    for key, value in theirs.items():
        if key == "roc_auc":
            assert ours[key] == pytest.approx(value, rel=1e-12, abs=1e-15, nan_ok=True)
        else:
            assert ours[key] == value or (np.isnan(ours[key]) and np.isnan(value)), key


def test_score_matches_snorkel():
    theirs = SnorkelScorer(BINARY_METRICS).score(GOLDS, PREDS, PROBS)
    ours = Scorer(BINARY_METRICS).score(GOLDS, PREDS, PROBS)
    assert ours.pop("n") == 12
    assert_same_scores(ours, theirs)


def test_score_slices_matches_snorkel_as_dict_and_dataframe():
    theirs = SnorkelScorer(BINARY_METRICS).score_slices(S, GOLDS, PREDS, PROBS)
    ours = quiet(Scorer(BINARY_METRICS).score_slices, S, GOLDS, PREDS, PROBS)
    assert list(ours) == ["overall", *SLICES] == list(theirs)
    for row in theirs:
        assert ours[row].pop("n") == (12 if row == "overall" else sum(SLICES[row]))
        assert_same_scores(ours[row], theirs[row])
    frame = quiet(Scorer(BINARY_METRICS).score_slices, S, GOLDS, PREDS, PROBS, as_dataframe=True)
    reference = SnorkelScorer(BINARY_METRICS).score_slices(
        S, GOLDS, PREDS, PROBS, as_dataframe=True
    )
    pd.testing.assert_frame_equal(
        frame.drop(columns="n"), reference.astype(float), check_exact=False, rtol=1e-12
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_score_slices_matches_snorkel_on_random_data(seed):
    rng = np.random.default_rng(seed)
    golds, preds = rng.integers(-1, 2, 300), rng.integers(-1, 2, 300)
    p1 = np.round(rng.random(300), 2)  # two decimals: many ties
    s = recarray({f"s{j}": rng.random(300) < rng.uniform(0.1, 0.9) for j in range(5)})
    theirs = SnorkelScorer(BINARY_METRICS).score_slices(
        s, golds, preds, np.column_stack([1 - p1, p1])
    )
    ours = quiet(
        Scorer(BINARY_METRICS).score_slices, s, golds, preds, np.column_stack([1 - p1, p1])
    )
    for row in theirs:
        ours[row].pop("n")
        assert_same_scores(ours[row], theirs[row])


def test_multiclass_matches_snorkel_where_snorkel_runs():
    metrics = ["accuracy", "coverage", "f1_micro", "f1_macro", "matthews_corrcoef"]
    dummy = np.zeros((12, 2))  # Snorkel needs probs for the length check
    theirs = SnorkelScorer(metrics).score_slices(S, MULTI_GOLDS, MULTI_PREDS, dummy)
    ours = quiet(Scorer(metrics).score_slices, S, MULTI_GOLDS, MULTI_PREDS)
    for row in theirs:
        ours[row].pop("n")
        assert_same_scores(ours[row], theirs[row])


def custom_funcs():
    def positives(golds, preds, probs):
        return float(np.sum(preds == 1))

    def both(golds, preds, probs):
        return {"n_gold": float(len(golds)), "mean_prob": float(probs[:, 1].mean())}

    return {"positives": positives, "both": both}


def test_custom_metric_funcs_match_snorkel_names_order_and_inputs():
    metrics = ["f1", "accuracy"]
    theirs = SnorkelScorer(metrics, custom_funcs()).score_slices(S, GOLDS, PREDS, PROBS)
    ours = quiet(Scorer(metrics, custom_funcs()).score_slices, S, GOLDS, PREDS, PROBS)
    for row in theirs:
        ours[row].pop("n")
        assert list(ours[row]) == ["f1", "accuracy", "positives", "n_gold", "mean_prob"]
        assert_same_scores(ours[row], theirs[row])


@pytest.mark.parametrize(
    ("abstain_label", "golds"),
    [(None, np.array([1, 0, 1, 1, 0, 1])), (-1, np.array([[1], [0], [1], [-1], [0], [1]]))],
    ids=["no-abstain", "column-golds"],
)
def test_abstain_label_and_column_vectors_match_snorkel(abstain_label, golds):
    preds = np.array([1, 0, 0, 1, 1, 1])
    metrics = ["accuracy", "coverage", "f1"]
    theirs = SnorkelScorer(metrics, abstain_label=abstain_label).score(golds, preds)
    ours = Scorer(metrics, abstain_label=abstain_label).score(golds, preds)
    assert ours.pop("n") == 6
    assert_same_scores(ours, theirs)


def test_fbeta_runs_where_snorkel_cannot():
    with pytest.raises(TypeError, match="beta"):
        SnorkelScorer(["fbeta"]).score(GOLDS, PREDS)
    assert Scorer(["fbeta"]).score(GOLDS, PREDS)["fbeta"] == skm.f1_score(
        GOLDS[SCORED], PREDS[SCORED]
    )


def test_no_metrics_scores_only_sizes_as_in_snorkel():
    assert SnorkelScorer().score(GOLDS, PREDS) == {}
    assert Scorer().score(GOLDS, PREDS) == {"n": 12}


# --- sizes, empty slices, undefined scores and small slices -------------------------------------


def test_every_row_carries_its_size():
    table = quiet(Scorer(["accuracy"]).score_slices, S, GOLDS, PREDS, as_dataframe=True)
    assert list(table.columns) == ["accuracy", "n"]
    assert table["n"].dtype == np.int64
    assert table["n"].tolist() == [12] + [sum(v) for v in SLICES.values()]


def test_empty_slice_is_nan_with_n_zero_where_snorkel_crashes():
    s = recarray(SLICES | {"empty": [0] * 12})
    with pytest.raises(ValueError, match="Cannot score empty labels"):
        SnorkelScorer(["accuracy"]).score_slices(s, GOLDS, PREDS, PROBS)
    message = "Some scores are undefined and reported as NaN: every metric on empty slices: 'empty' (n=0)."
    with pytest.warns(UndefinedScoreWarning, match=re.escape(message)):
        table = Scorer(["accuracy", "roc_auc"], custom_funcs(), min_support=0).score_slices(
            s, GOLDS, PREDS, PROBS, as_dataframe=True
        )
    assert table.loc["empty"].drop("n").isna().all() and table.at["empty", "n"] == 0


def test_roc_auc_with_one_gold_class_is_nan_with_a_warning():
    s = recarray({"positives": GOLDS == 1})
    with pytest.warns(
        UndefinedScoreWarning,
        match=r"roc_auc where the scored golds hold a single class: 'positives' \(n=6\)",
    ):
        scores = Scorer(["roc_auc"], min_support=0).score_slices(s, GOLDS, PREDS, PROBS)
    assert np.isnan(scores["positives"]["roc_auc"]) and scores["overall"]["roc_auc"] > 0


def test_slice_of_abstains_keeps_coverage_only():
    s = recarray({"abstained": PREDS == -1})
    with pytest.warns(
        UndefinedScoreWarning,
        match=r"accuracy where every row has an abstained gold or pred: 'abstained' \(n=1\)",
    ):
        scores = Scorer(["accuracy", "coverage"], min_support=0).score_slices(s, GOLDS, PREDS)
    assert np.isnan(scores["abstained"]["accuracy"]) and scores["abstained"]["coverage"] == 0.0


def test_score_without_rows_is_nan():
    with pytest.warns(
        UndefinedScoreWarning, match=r"every metric on empty slices: 'overall' \(n=0\)"
    ):
        scores = Scorer(["accuracy"]).score([], [])
    assert np.isnan(scores["accuracy"]) and scores["n"] == 0


def test_small_slices_warn_with_their_names_and_sizes():
    message = "2 slice(s) have fewer than min_support=7 rows, so their scores are noisy: 'first_half' (n=6), 'odd' (n=6)."
    with pytest.warns(SmallSliceWarning, match=re.escape(message)):
        Scorer(["accuracy"], min_support=7).score_slices(S, GOLDS, PREDS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Scorer(["accuracy"], min_support=0).score_slices(S, GOLDS, PREDS)
    assert Scorer().min_support == 30


# --- S as recarray, structured array or DataFrame -------------------------------------------------


@pytest.mark.parametrize(
    "as_s",
    [
        lambda: pd.DataFrame(SLICES),
        lambda: pd.DataFrame(SLICES).astype(bool),
        lambda: pd.DataFrame(SLICES).astype(float),
        lambda: S.view(np.ndarray),  # structured, not record
        lambda: np.rec.fromarrays(
            [np.asarray(v, bool) for v in SLICES.values()], names=list(SLICES)
        ),
    ],
    ids=["frame", "bool-frame", "float-frame", "structured", "bool-recarray"],
)
def test_slice_matrix_forms_agree(as_s):
    expected = quiet(Scorer(BINARY_METRICS).score_slices, S, GOLDS, PREDS, PROBS, as_dataframe=True)
    table = quiet(
        Scorer(BINARY_METRICS).score_slices, as_s(), GOLDS, PREDS, PROBS, as_dataframe=True
    )
    pd.testing.assert_frame_equal(table, expected)


# --- intervals ----------------------------------------------------------------------------------


def test_interval_columns_follow_each_metric_then_n():
    table = quiet(
        Scorer(["accuracy", "f1"]).score_slices,
        S,
        GOLDS,
        PREDS,
        as_dataframe=True,
        ci=0.9,
        n_bootstrap=50,
    )
    assert list(table.columns) == [
        "accuracy",
        "accuracy_low",
        "accuracy_high",
        "f1",
        "f1_low",
        "f1_high",
        "n",
    ]
    as_dict = quiet(
        Scorer(["accuracy", "f1"]).score_slices, S, GOLDS, PREDS, ci=0.9, n_bootstrap=50
    )
    assert list(as_dict["odd"]) == list(table.columns)


def test_analytic_intervals_are_wilson_delong_or_nan():
    table = quiet(
        Scorer(["accuracy", "recall", "f1", "roc_auc"]).score_slices,
        S,
        GOLDS,
        PREDS,
        PROBS,
        as_dataframe=True,
        ci=0.95,
        ci_method="analytic",
    )
    for row, mask in [("overall", np.ones(12, bool)), ("big", np.asarray(SLICES["big"], bool))]:
        g, p = GOLDS[mask & SCORED], PREDS[mask & SCORED]
        wilson = binomtest(int(np.sum(g == p)), len(g)).proportion_ci(0.95, method="wilson")
        assert table.at[row, "accuracy_low"] == pytest.approx(wilson.low, rel=1e-12)
        assert table.at[row, "accuracy_high"] == pytest.approx(wilson.high, rel=1e-12)
        wilson = binomtest(int(np.sum((g == 1) & (p == 1))), int(np.sum(g == 1))).proportion_ci(
            0.95, method="wilson"
        )
        assert table.at[row, "recall_low"] == pytest.approx(wilson.low, rel=1e-12)
        scores, golds = P1[mask & SCORED], g
        psi = (scores[golds == 1][:, None] > scores[golds == 0]) + 0.5 * (
            scores[golds == 1][:, None] == scores[golds == 0]
        )
        var = psi.mean(1).var(ddof=1) / psi.shape[0] + psi.mean(0).var(ddof=1) / psi.shape[1]
        half = 1.959963984540054 * np.sqrt(var)
        assert table.at[row, "roc_auc_low"] == pytest.approx(max(psi.mean() - half, 0), rel=1e-12)
        assert table.at[row, "roc_auc_high"] == pytest.approx(min(psi.mean() + half, 1), rel=1e-12)
    assert table[["f1_low", "f1_high"]].isna().all().all()


def test_bootstrap_is_seeded_and_brackets_the_scores():
    scorer = Scorer(BINARY_METRICS, custom_funcs(), min_support=0)

    def run(seed):
        return scorer.score_slices(
            S, GOLDS, PREDS, PROBS, as_dataframe=True, ci=0.8, n_bootstrap=200, random_state=seed
        )

    first, again, other = quiet(run, 0), quiet(run, 0), quiet(run, 1)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    for metric in ["accuracy", "f1", "roc_auc", "positives", "mean_prob"]:
        low, high = first[f"{metric}_low"], first[f"{metric}_high"]
        assert ((low <= first[metric]) & (first[metric] <= high)).all(), metric
    pd.testing.assert_frame_equal(quiet(run, np.random.default_rng(0)), first)


def test_bootstrap_bounds_agree_with_resampling_rows():
    # Drawing confusion counts is the row bootstrap: compare with 4,000 explicit row
    # resamples (abstains included). Monte-Carlo error on these percentiles is below 1/n.
    rng = np.random.default_rng(5)
    golds, preds = rng.integers(0, 2, 80), rng.integers(-1, 2, 80)
    all_rows = recarray({"all": [1] * 80})
    table = Scorer(["accuracy", "f1"]).score_slices(
        all_rows, golds, preds, as_dataframe=True, ci=0.9, n_bootstrap=4000,
        ci_method="plain_bootstrap",
    )
    rows = rng.integers(0, 80, size=(4000, 80))
    g, p, kept = golds[rows], preds[rows], preds[rows] != -1
    tp, fp, fn = [np.sum(kept & (g == a) & (p == b), axis=1) for a, b in [(1, 1), (0, 1), (1, 0)]]
    explicit = {
        "accuracy": np.sum(kept & (g == p), axis=1) / kept.sum(1),
        "f1": 2 * tp / (2 * tp + fp + fn),
    }
    for metric, values in explicit.items():
        low, high = np.percentile(values, [5, 95])
        assert table.at["all", f"{metric}_low"] == pytest.approx(low, abs=1 / 80)
        assert table.at["all", f"{metric}_high"] == pytest.approx(high, abs=1 / 80)


def test_the_default_interval_stays_honest_where_every_row_is_right():
    # The plain bootstrap claims certainty (zero width) on a slice of 30 right rows; the default
    # gives the modified Jeffreys interval for its accuracy: [beta.ppf(0.025, 30.5, 0.5), 1].
    from scipy.stats import beta as beta_dist

    golds = np.array([0, 1] * 20)
    preds = golds.copy()
    preds[30:] = 1 - preds[30:]  # the last 10 rows wrong, the first 30 right
    S_right = pd.DataFrame({"right": np.arange(40) < 30, "two": np.arange(40) < 2})
    quiet_scorer = Scorer(["accuracy", "f1"], min_support=0)
    plain = quiet_scorer.score_slices(S_right, golds, preds, as_dataframe=True, ci=0.95, ci_method="plain_bootstrap")
    assert plain.at["right", "accuracy_low"] == plain.at["right", "accuracy_high"] == 1.0
    smooth = quiet_scorer.score_slices(S_right, golds, preds, as_dataframe=True, ci=0.95, n_bootstrap=20_000)
    assert smooth.at["right", "accuracy_low"] == pytest.approx(beta_dist.ppf(0.025, 30.5, 0.5), abs=0.005)
    assert smooth.at["right", "accuracy_high"] == 1.0 and smooth.at["right", "f1_low"] < 0.97
    assert smooth.at["two", "accuracy_low"] == pytest.approx(beta_dist.ppf(0.025, 2.5, 0.5), abs=0.02)


def test_intervals_are_nan_where_the_score_is():
    s = recarray(SLICES | {"empty": [0] * 12})
    table = quiet(
        Scorer(["accuracy", "roc_auc"]).score_slices,
        s,
        GOLDS,
        PREDS,
        PROBS,
        as_dataframe=True,
        ci=0.95,
        n_bootstrap=20,
    )
    assert table.loc["empty"].drop("n").isna().all()


# --- the plot -----------------------------------------------------------------------------------


@pytest.fixture
def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_shows_each_slice_with_size_interval_and_overall_line(pyplot):
    table = quiet(
        Scorer(["f1"]).score_slices, S, GOLDS, PREDS, as_dataframe=True, ci=0.9, n_bootstrap=50
    )
    ax = plot_slice_scores(table, metric="f1")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "first_half (n=6)",
        "odd (n=6)",
        "big (n=10)",
    ]
    assert ax.lines[-1].get_xdata()[0] == table.at["overall", "f1"]  # the dashed overall line
    segments = ax.collections[0].get_segments()  # one interval per slice, first slice on top
    assert [tuple(seg[:, 0]) for seg in segments] == list(
        zip(table["f1_low"][1:], table["f1_high"][1:], strict=True)
    )
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), table["f1"][1:])


def test_plot_takes_the_dict_form_and_an_axes(pyplot):
    scores = quiet(Scorer(["accuracy"]).score_slices, S, GOLDS, PREDS)
    _, ax = pyplot.subplots()
    assert plot_slice_scores(scores, metric="accuracy", ax=ax) is ax
    assert not ax.collections  # no interval columns, no error bars


# --- bad inputs ---------------------------------------------------------------------------------


def scorer_call(metrics=("accuracy",), **kwargs):
    args = {"S": S, "golds": GOLDS, "preds": PREDS, "probs": PROBS} | kwargs
    return lambda: Scorer(list(metrics)).score_slices(**args)


def frame_with(**columns):
    return pd.DataFrame(SLICES | columns)


BAD_INPUTS = [
    (
        lambda: Scorer(metrics="f1"),
        TypeError,
        r"metrics must be a list of names, got the string 'f1'; pass metrics=\['f1'\]",
    ),
    (
        lambda: Scorer(["f2"]),
        ValueError,
        r"Unrecognized metric: 'f2'. Choose from accuracy, coverage, .*custom_metric_funcs",
    ),
    (
        lambda: Scorer(custom_metric_funcs=[len]),
        TypeError,
        r"custom_metric_funcs must be a dict .*; got list",
    ),
    (
        lambda: Scorer(custom_metric_funcs={"m": 3}),
        TypeError,
        r"custom_metric_funcs\['m'\] must be callable .*; got int",
    ),
    (
        lambda: Scorer(custom_metric_funcs={"n": len}),
        ValueError,
        r"cannot use the name 'n', the slice-size column",
    ),
    (
        lambda: Scorer(abstain_label="-1"),
        TypeError,
        r"abstain_label must be an int or None; got '-1'",
    ),
    (lambda: Scorer(beta=-1), ValueError, r"beta must be a number >= 0; got -1.0 \(float\)"),
    (lambda: Scorer(beta="1"), TypeError, r"beta must be a number >= 0; got '1' \(str\)"),
    (lambda: Scorer(min_support=2.5), TypeError, r"min_support must be an int >= 0; got 2.5 \(float\)\. 0 turns the small-slice warning off\."),
    (lambda: Scorer(min_support=-1), ValueError, r"min_support must be an int >= 0; got -1 \(int\)"),
    # Bad S gets the same error in every consumer: tests/slicing/test_matrix.py.
    (
        scorer_call(S=frame_with(overall=[1] * 12)),
        ValueError,
        r"S has a slice named 'overall', which is reserved for the whole-data row",
    ),
    (
        scorer_call(preds=PREDS[:10]),
        ValueError,
        r"Found input variables with inconsistent numbers of samples: S=12, golds=12, preds=10, probs=12. Pass one entry",
    ),
    (
        scorer_call(S=S[:11]),
        ValueError,
        r"inconsistent numbers of samples: S=11, golds=12, preds=12, probs=12",
    ),
    (
        scorer_call(probs=PROBS[:3]),
        ValueError,
        r"inconsistent numbers of samples: S=12, golds=12, preds=12, probs=3",
    ),
    (
        scorer_call(golds=None),
        TypeError,
        r"golds is None; pass an array of integer labels, one per row",
    ),
    (
        scorer_call(golds=np.ones((12, 2))),
        ValueError,
        r"golds must have shape \(n_rows,\) or \(n_rows, 1\); got shape \(12, 2\)",
    ),
    (
        scorer_call(preds=P1),
        ValueError,
        r"preds must hold integer class labels; got 0.9 at row 0. Turn probabilities into labels",
    ),
    (
        scorer_call(golds=np.array(["spam"] * 12)),
        TypeError,
        r"golds must hold integer class labels; got dtype <U4. Encode labels as integers",
    ),
    (scorer_call(preds=None), ValueError, r"metrics \['accuracy'\] need preds, but preds is None"),
    (
        scorer_call(["roc_auc"], probs=None),
        ValueError,
        r"metric 'roc_auc' needs probs, but probs is None",
    ),
    (
        scorer_call(["roc_auc"], probs=np.float64(0.5)),
        ValueError,
        r"probs must have shape \(n_rows, n_classes\); got the scalar 0.5",
    ),
    (
        scorer_call(["roc_auc"], probs=P1),
        ValueError,
        r"probs must have shape \(n_rows, n_classes\); got shape \(12,\). For a vector p of P\(class 1\)",
    ),
    (
        scorer_call(["roc_auc"], probs=np.ones((12, 3)) / 3),
        ValueError,
        r"Metric roc_auc is currently only defined for binary problems, so probs must have 2 columns; got shape \(12, 3\)",
    ),
    (
        scorer_call(["roc_auc"], probs=np.where(np.arange(12)[:, None] == 3, np.nan, PROBS)),
        ValueError,
        r"probs must not be NaN; got NaN at row 3",
    ),
    (
        scorer_call(["roc_auc"], probs=np.array([["a", "b"]] * 12)),
        TypeError,
        r"probs must hold real numbers; got dtype <U1",
    ),
    (
        scorer_call(["roc_auc"], golds=MULTI_GOLDS),
        ValueError,
        r"roc_auc needs golds in \{0, 1\} \(abstains aside\); got labels \[0, 1, 2\]",
    ),
    (
        scorer_call(ci=95),
        ValueError,
        r"ci must be a number in \(0, 1\); got 95.0 \(float\)\. Use a confidence level such as 0.95, or None for no interval\.",
    ),
    (
        scorer_call(ci=0.95, ci_method="exact"),
        ValueError,
        r"ci_method must be one of \('bootstrap', 'plain_bootstrap', 'analytic'\); got 'exact'",
    ),
    (scorer_call(ci=0.95, n_bootstrap=0), ValueError, r"n_bootstrap must be an int >= 1; got 0"),
    (
        lambda: Scorer(custom_metric_funcs={"m": lambda g, p, s: {"n": 1}}).score(GOLDS, PREDS),
        ValueError,
        r"custom metric 'm' on 'overall' \(n=12\) returned the key 'n', the slice-size column",
    ),
    (
        lambda: plot_slice_scores(pd.DataFrame({"f1": [0.5]}), metric="accuracy"),
        ValueError,
        r"metric 'accuracy' is not in scores, whose columns are \['f1'\]; score it first",
    ),
    (
        lambda: plot_slice_scores([0.5], metric="f1"),
        TypeError,
        r"scores must be the DataFrame or dict from Scorer.score_slices; got list",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "match"), BAD_INPUTS, ids=[m[:40] for _, _, m in BAD_INPUTS]
)
def test_bad_inputs_raise_clear_errors(call, error, match):
    with warnings.catch_warnings(), pytest.raises(error, match=match):
        warnings.simplefilter("ignore")
        call()


@pytest.mark.parametrize(("n_bootstrap", "shown"), [(1000, False), (10**7, True)])
def test_roc_auc_bootstrap_shows_a_bar_only_when_it_will_take_seconds(monkeypatch, n_bootstrap, shown):
    import snorkel_slice.analysis.auc as auc_module

    requests = []

    def recording_progress(iterable, *, enabled=True, **kwargs):
        requests.append((enabled, kwargs.get("desc")))
        return iter(())  # skip the resampling itself: only the request is under test

    monkeypatch.setattr(auc_module, "progress", recording_progress)
    s = np.rec.fromarrays([np.ones(12, dtype=np.int64)], names=["all"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Scorer(["roc_auc"], min_support=0).score_slices(s, GOLDS, PREDS, PROBS, ci=0.9, n_bootstrap=n_bootstrap)
    # overall + one slice: 2 x 12 rows x n_bootstrap draws, against a 1e8 threshold
    assert requests == [(shown, "roc_auc bootstrap")]


# --- Faults in what the user passes: named, never silent ------------------------------------------

SMALL_S = pd.DataFrame({"a": [1, 1, 1, 0, 0, 0], "b": [0, 0, 0, 1, 1, 1]})
SMALL_GOLDS, SMALL_PREDS = np.array([1, 1, 1, 0, 1, 0]), np.array([1, 1, 1, 0, 0, 0])


def test_a_custom_metric_that_raises_is_named_with_its_slice():
    def fragile(golds, preds, probs):
        if len(set(golds)) == 1:
            raise ZeroDivisionError("one class only")
        return 0.5

    with pytest.raises(ValueError, match=r"custom metric 'fragile' on 'a' \(n=3\) raised ZeroDivisionError: one class only\. Make it return NaN \(or None\)"):
        Scorer(custom_metric_funcs={"fragile": fragile}).score_slices(SMALL_S, SMALL_GOLDS, SMALL_PREDS)


def test_a_custom_metric_that_returns_none_is_nan_with_a_warning():
    def sometimes(golds, preds, probs):
        return None if len(set(golds)) == 1 else float(np.mean(golds == preds))

    with pytest.warns(UndefinedScoreWarning, match=r"custom metrics that returned None: 'sometimes' on 'a'"):
        table = Scorer(custom_metric_funcs={"sometimes": sometimes}, min_support=0).score_slices(
            SMALL_S, SMALL_GOLDS, SMALL_PREDS, as_dataframe=True)
    assert np.isnan(table.at["a", "sometimes"]) and table.at["b", "sometimes"] == pytest.approx(2 / 3)
    with pytest.raises(TypeError, match=r"custom metric 'text' on 'overall' \(n=6\) returned 'high' \(str\) for 'text'; return a number"):
        Scorer(custom_metric_funcs={"text": lambda g, p, pr: "high"}).score(SMALL_GOLDS, SMALL_PREDS)


@pytest.mark.parametrize(
    "probs, shown",
    [
        (np.array([[2.0, -1.0], [0.5, 1.5]] * 3), r"row 0 is \[2\.0, -1\.0\] \(sum 1\)"),
        (np.array([[0.3, 0.9], [0.5, 0.5]] * 3), r"row 0 is \[0\.3, 0\.9\] \(sum 1\.2\)"),
    ],
    ids=["logits", "unnormalised"],
)
def test_logits_passed_as_probs_are_refused(probs, shown):
    with pytest.raises(ValueError, match=rf"probs must be class probabilities: each row in \[0, 1\] and summing to 1; {shown}\. These look like logits .*softmax"):
        Scorer(["roc_auc"]).score(SMALL_GOLDS, probs=probs)


def test_a_pred_label_the_golds_never_hold_is_refused_for_class_one_metrics():
    preds = np.array([1, 2, 1, 0, 0, 0])
    with pytest.raises(ValueError, match=r"preds hold label\(s\) \[2\] that never occur in the golds, which are all 0 or 1 .*f1 would change from the class-1 score into a macro average over \[0, 1, 2\]"):
        Scorer(["f1"]).score(SMALL_GOLDS, preds)
    assert Scorer(["accuracy", "f1_macro"]).score(SMALL_GOLDS, preds)["accuracy"] == pytest.approx(4 / 6)
