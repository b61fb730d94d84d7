"""score_windows and plot_slices_over_time, against statsmodels, scipy, sklearn and compare_slices."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact
from sklearn.metrics import accuracy_score, recall_score
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from snorkel_slice.analysis import (
    compare_slices,
    plot_slices_over_time,
    score_windows,
    window_labels,
)


def stream(n=4000, n_windows=4, seed=0):
    """Rows in windows 0..3. From window 2 on, slice "a" grows from 30% to 45% of the rows (a change
    in the data, harmless to the model), and the 10% of rows in "b" are wrong 35% of the time
    instead of 10%: too few rows for the overall score to move significantly."""
    rng = np.random.default_rng(seed)
    window = np.repeat(np.arange(n_windows), n // n_windows)
    late = window >= 2
    b = rng.random(n) < 0.1
    a = ~b & (rng.random(n) < np.where(late, 0.5, 0.33))
    golds = rng.integers(0, 2, n)
    wrong = rng.random(n) < np.where(late & b, 0.35, 0.1)
    preds = np.where(wrong, 1 - golds, golds)
    return pd.DataFrame({"a": a, "b": b}), window, golds, preds


S, WINDOW, GOLDS, PREDS = stream()


def test_shares_and_their_intervals_equal_statsmodels_wilson():
    table = score_windows(S, WINDOW, ci=0.9)
    for _, row in table[table.slice != "overall"].iterrows():
        rows = WINDOW == row.window
        k, n = int(S[row.slice][rows].sum()), int(rows.sum())
        assert (row.n, row.window_n, row.share) == (k, n, k / n)
        low, high = proportion_confint(k, n, alpha=0.1, method="wilson")
        np.testing.assert_allclose([row.share_low, row.share_high], [low, high], rtol=1e-10)


def test_share_tests_are_fisher_against_the_reference_corrected_over_every_slice_and_window():
    table = score_windows(S, WINDOW, reference=1)
    tested = table[(table.slice != "overall") & (table.window != 1)]
    ref = WINDOW == 1
    for _, row in tested.iterrows():
        x, rows = S[row.slice].to_numpy(), WINDOW == row.window
        expected = fisher_exact([[x[rows].sum(), (~x[rows]).sum()], [x[ref].sum(), (~x[ref]).sum()]]).pvalue
        assert row.share_p == pytest.approx(expected, rel=1e-12)
        assert row.share_delta == pytest.approx(x[rows].mean() - x[ref].mean())
    assert len(tested) == 2 * 3  # two slices x three windows other than the reference
    np.testing.assert_allclose(tested.share_p_adjusted, multipletests(tested.share_p, method="holm")[1])
    assert table.loc[table.window == 1, "share_p"].isna().all()  # the reference is no test
    assert table.loc[table.slice == "overall", "share"].eq(1).all()
    assert table.loc[table.slice == "overall", "share_p"].isna().all()


def test_a_baseline_of_several_windows_is_pooled():
    table = score_windows(S, WINDOW, GOLDS, PREDS, reference=[0, 1]).set_index(["slice", "window"])
    base, now = np.isin(WINDOW, [0, 1]), WINDOW == 3
    a = S["a"].to_numpy()
    p = fisher_exact([[a[now].sum(), (~a[now]).sum()], [a[base].sum(), (~a[base]).sum()]]).pvalue
    assert table.loc[("a", 3), "share_p"] == pytest.approx(p, rel=1e-12)
    right, b = GOLDS == PREDS, S["b"].to_numpy()
    assert table.loc[("b", 3), "accuracy_delta"] == pytest.approx(right[b & now].mean() - right[b & base].mean())
    assert table.xs(1, level="window").share_p.isna().all()  # part of the baseline: no test
    assert table.share_p.notna().sum() == 2 * 2  # two slices x windows 2 and 3


def test_the_planted_change_alerts_and_nothing_else_does():
    table = score_windows(S, WINDOW, GOLDS, PREDS).set_index(["slice", "window"])
    assert table.share_alert[table.share_alert].index.tolist() == [("a", 2), ("a", 3)]
    assert table.accuracy_alert[table.accuracy_alert].index.tolist() == [("b", 2), ("b", 3)]
    # Uncorrected, the overall score's small dip would alert too: the correction keeps it out.
    loose = score_windows(S, WINDOW, GOLDS, PREDS, correction=None).set_index(["slice", "window"])
    assert loose.accuracy_alert.sum() > table.accuracy_alert.sum()


@pytest.mark.parametrize("metric, sklearn_metric", [("accuracy", accuracy_score), ("recall", recall_score)])
def test_metric_per_window_equals_sklearn_and_its_change_equals_compare_slices(metric, sklearn_metric):
    table = score_windows(S, WINDOW, GOLDS, PREDS, metric=metric)
    for _, row in table.iterrows():
        member = np.ones(len(S), bool) if row.slice == "overall" else S[row.slice].to_numpy()
        rows = member & (WINDOW == row.window)
        assert row[metric] == pytest.approx(sklearn_metric(GOLDS[rows], PREDS[rows]), rel=1e-12)
        trials = rows.sum() if metric == "accuracy" else (rows & (GOLDS == 1)).sum()
        successes = round(row[metric] * trials)
        low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
        np.testing.assert_allclose([row[f"{metric}_low"], row[f"{metric}_high"]], [low, high], rtol=1e-10)
        if row.window == 0:
            assert np.isnan(row[f"{metric}_p"])
            continue
        both = member & ((WINDOW == row.window) | (WINDOW == 0))
        direct = compare_slices(pd.DataFrame({"w": WINDOW[both] == row.window}), GOLDS[both], PREDS[both],
                                metrics=[metric], correction=None).iloc[0]
        assert row[f"{metric}_delta"] == pytest.approx(direct.delta, rel=1e-12)
        assert row[f"{metric}_p"] == pytest.approx(direct.p_value, rel=1e-12)
        assert row.min_detectable == pytest.approx(direct.min_detectable, rel=1e-12)
    tested = table[table.window != 0]
    assert len(tested) == 3 * 3  # overall and two slices, three windows each
    np.testing.assert_allclose(tested[f"{metric}_p_adjusted"],
                               multipletests(tested[f"{metric}_p"], method="holm")[1], rtol=1e-12)


def test_the_accuracy_p_value_is_fisher_on_right_and_wrong_in_the_two_windows():
    table = score_windows(S, WINDOW, GOLDS, PREDS, correction="bonferroni").set_index(["slice", "window"])
    right = GOLDS == PREDS
    b = S["b"].to_numpy()
    now, ref = right[b & (WINDOW == 3)], right[b & (WINDOW == 0)]
    p = fisher_exact([[now.sum(), (~now).sum()], [ref.sum(), (~ref).sum()]]).pvalue
    assert table.loc[("b", 3), "accuracy_p"] == pytest.approx(p, rel=1e-12)
    assert table.loc[("b", 3), "accuracy_p_adjusted"] == pytest.approx(min(1, p * 9), rel=1e-12)


def test_rows_without_labels_count_in_the_share_but_not_in_the_metric():
    golds = GOLDS.copy()
    golds[WINDOW == 3] = -1  # the last window's labels have not arrived
    table = score_windows(S, WINDOW, golds, PREDS).set_index(["slice", "window"])
    last = table.xs(3, level="window")
    assert (last.labelled == 0).all() and last.accuracy.isna().all() and not last.accuracy_alert.any()
    assert last.loc["a", "share_alert"]  # the label-free alarm still rings
    full = score_windows(S, WINDOW, GOLDS, PREDS).set_index(["slice", "window"])
    assert table.xs(2, level="window").share.equals(full.xs(2, level="window").share)


def test_shares_only_without_labels_have_no_metric_columns():
    table = score_windows(S, WINDOW)
    assert not {"accuracy", "labelled", "min_detectable"} & set(table.columns)


def test_datetimes_are_cut_into_periods_and_windows_are_sorted():
    times = pd.to_datetime("2024-03-04") + pd.to_timedelta(WINDOW * 7 + 1, unit="D")
    shuffled = np.random.default_rng(1).permutation(len(S))
    table = score_windows(S.iloc[shuffled], times[shuffled], freq="W")
    by_label = score_windows(S, WINDOW)
    assert [str(w) for w in pd.unique(table.window)] == [
        "2024-03-04/2024-03-10", "2024-03-11/2024-03-17", "2024-03-18/2024-03-24", "2024-03-25/2024-03-31"]
    np.testing.assert_array_equal(table.share_p.to_numpy(), by_label.share_p.to_numpy())


def test_timezone_aware_times_are_cut_in_their_own_clock():
    times = pd.to_datetime(["2024-03-31 23:30", "2024-04-01 00:30"]).tz_localize("Europe/Paris")
    assert window_labels(times, freq="M").astype(str).tolist() == ["2024-03", "2024-04"]


def test_window_labels_keep_labels_without_freq():
    assert window_labels(np.array(["b", "a"])).tolist() == ["b", "a"]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(golds=GOLDS), ValueError, "pass both golds and preds"),
    (dict(golds=GOLDS, preds=PREDS, metric="f1"), ValueError, "metric must be one of"),
    (dict(freq="W"), TypeError, r"freq='W' cuts datetimes into windows, but windows has dtype int64"),
    (dict(reference=9), ValueError, r"reference=9 is not a window \(or a list of windows\); the windows are \[0, 1, 2, 3\]"),
    (dict(reference=[0, 7]), ValueError, r"reference=\[0, 7\] is not a window"),
    (dict(reference=[]), ValueError, r"reference=\[\] is not a window"),
    (dict(golds=GOLDS * 2, preds=PREDS), ValueError, r"compares binary labels in \{0, 1\} \(-1 = abstain\); got labels \[2\]"),
    (dict(golds=GOLDS.astype(float) / 2, preds=PREDS), ValueError, "golds must hold integer class labels"),
    (dict(correction="fdr"), ValueError, "correction must be one of"),
    (dict(alpha=1.5), ValueError, "alpha must be"),
    (dict(golds=GOLDS[:10], preds=PREDS[:10]), ValueError, "inconsistent numbers of samples: S=4000, golds=10"),
])
def test_bad_settings_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        score_windows(S, WINDOW, **kwargs)


@pytest.mark.parametrize("windows, error, message", [
    (WINDOW[:5], ValueError, "inconsistent numbers of samples: S=4000, windows=5"),
    ("week", TypeError, "windows must hold one time or window label per row"),
    (np.r_[np.nan, WINDOW[1:]], ValueError, "windows has a missing value at row 0"),
    (np.array([1] * 2000 + ["x"] * 2000, dtype=object), TypeError, "cannot be sorted"),
])
def test_bad_windows_are_named(windows, error, message):
    with pytest.raises(error, match=message):
        score_windows(S, windows)


def test_a_bad_frequency_is_named():
    with pytest.raises(ValueError, match="freq='fortnight' is not a pandas period frequency"):
        window_labels(pd.to_datetime(["2024-01-01"]), freq="fortnight")


# --- the plot -----------------------------------------------------------------------------------


@pytest.fixture
def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_draws_shares_and_metric_with_alerts_marked(pyplot):
    table = score_windows(S, WINDOW, GOLDS, PREDS)
    share_ax, metric_ax = plot_slices_over_time(table)
    assert share_ax.get_title() == "Share of rows per window"
    assert metric_ax.get_title() == "accuracy per window (labelled rows)"
    assert [t.get_text() for t in share_ax.get_xticklabels()] == ["0", "1", "2", "3"]
    assert [t for t in share_ax.get_legend_handles_labels()[1] if t != "alert"] == ["a", "b"]
    assert [t for t in metric_ax.get_legend_handles_labels()[1] if t != "alert"] == ["overall", "a", "b"]
    crosses = [line for line in metric_ax.get_lines() if line.get_marker() == "x"]
    assert sum(len(line.get_xdata()) for line in crosses) == table.accuracy_alert.sum() == 2
    assert len(share_ax.patches) == len(metric_ax.patches) == 1  # the reference window, shaded


def test_plot_shades_every_window_of_a_pooled_reference(pyplot):
    (ax,) = plot_slices_over_time(score_windows(S, WINDOW, reference=[0, 1]))
    assert [round(p.get_x() + p.get_width() / 2, 6) for p in ax.patches] == [0, 1]


def test_plot_of_chosen_slices_only(pyplot):
    (ax,) = plot_slices_over_time(score_windows(S, WINDOW), slices=["b"])
    assert [t for t in ax.get_legend_handles_labels()[1] if t != "alert"] == ["b"]


@pytest.mark.parametrize("call, error, message", [
    (lambda t: plot_slices_over_time(t.drop(columns="share_low")), TypeError, "must be what score_windows returns"),
    (lambda t: plot_slices_over_time(t, slices=["c"]), ValueError, re.escape("slices ['c'] are not in the table")),
    (lambda t: plot_slices_over_time(t, metric="recall"), ValueError, "metric 'recall' is not in the table"),
    (lambda t: plot_slices_over_time(t, axes=[None, None]), TypeError, "ax must be a matplotlib Axes"),
])
def test_plot_bad_input_is_named(pyplot, call, error, message):
    with pytest.raises(error, match=message):
        call(score_windows(S, WINDOW, GOLDS, PREDS))
