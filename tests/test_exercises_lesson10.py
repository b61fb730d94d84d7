"""Lesson 10's exercises (the capstone): for each step, the reference answer passes, plausible
wrong answers fail with feedback that names the slip, and copying what the lesson's data gives
fails on the checks' other worlds."""

import re

import numpy as np
import pytest

from exercises import lesson10
from exercises.solutions import lesson10 as solution
from snorkel_slice import PandasSFApplier, slicing_function
from snorkel_slice.analysis import compare_slices, find_slices, score_windows

# What the lesson's own world (seed 2026) gives: its weak pair, confirmed slices, threshold, alerts.
LESSON = lesson10.world(2026)


@slicing_function()
def west_web(x):
    """The lesson's weak pair, typed in."""
    return x.region == "west" and x.channel == "web"


def test_the_lessons_world_differs_from_the_checks_worlds():
    pairs = [lesson10.world(seed)["planted"] for seed in lesson10.CHECK_SEEDS]
    assert LESSON["planted"] == {"region": "west", "channel": "web"}
    assert LESSON["planted"] not in pairs


def test_the_model_does_not_use_the_region():
    model = LESSON["model"]
    assert list(model.feature_names_in_) == lesson10.FEATURES


# 10a -----------------------------------------------------------------------------------------


def test_find_solution_passes():
    feedback = lesson10.check_find(solution.find_weak_slice)
    assert feedback, feedback
    assert "names the weak pair" in feedback.message


def test_a_search_over_the_models_features_only_is_told_to_see_the_region():
    def model_columns_only(df, errors):
        return find_slices(df, errors, columns=lesson10.FEATURES, k=1)[0]

    feedback = lesson10.check_find(model_columns_only)
    assert not feedback
    assert "'channel_branch'" in feedback.message
    assert "Let the search see every column (the region too" in feedback.message


def test_a_search_of_single_columns_is_told_to_combine_two():
    def one_column(df, errors):
        return find_slices(df, errors, columns=solution.COLUMNS, k=1, max_order=1)[0]

    feedback = lesson10.check_find(one_column)
    assert not feedback
    assert "It holds the weak rows and more" in feedback.message
    assert "combine two (max_order=2, the default)" in feedback.message


def test_copying_the_lessons_weak_pair_fails():
    feedback = lesson10.check_find(lambda df, errors: west_web)
    assert not feedback
    assert re.search(r"your slice 'west_web' \(\d+ rows\) overlaps the planted weak slice "
                     r"\(257 rows\) by 0%", feedback.message), feedback.message


def test_the_notebook_starting_point_fails_with_the_hint():
    feedback = lesson10.check_find(lambda df, errors: find_slices(df, errors, columns=["age"], k=1)[0])
    assert not feedback
    assert "does not use the region" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ("find_slices", r"expected a function find_weak_slice\(df, errors\), got str"),
    (lambda df, errors: find_slices(df, errors, columns=["region"], k=1), r"expected a SlicingFunction .* got list"),
    (lambda df, errors: 1 / 0, r"your function raised ZeroDivisionError"),
])
def test_bad_find_answers_are_named(answer, message):
    feedback = lesson10.check_find(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


# 10b -----------------------------------------------------------------------------------------


def test_confirm_solution_passes():
    feedback = lesson10.check_confirm(solution.confirm)
    assert feedback, feedback


def test_uncorrected_confirmations_are_named():
    def uncorrected(sfs, df, golds, preds):
        table = compare_slices(PandasSFApplier(sfs).apply(df, progress_bar=False), golds, preds,
                               correction=None)
        return table.loc[table["p_value"] < 0.05, "slice"].tolist()

    feedback = lesson10.check_confirm(uncorrected)
    assert not feedback
    assert "These are the uncorrected p < 0.05; 6 slices were tested" in feedback.message


def test_confirming_every_candidate_is_named():
    feedback = lesson10.check_confirm(lambda sfs, df, golds, preds: [sf.name for sf in sfs])
    assert not feedback
    assert "That is every candidate" in feedback.message


def test_copying_the_lessons_confirmed_slices_fails():
    errors = (LESSON["preds_valid"] != LESSON["golds_valid"]).astype(int)
    sfs = find_slices(LESSON["df_valid"], errors, columns=solution.COLUMNS, k=6)
    printed = solution.confirm(sfs, LESSON["df_test"], LESSON["golds_test"], LESSON["preds_test"])
    assert "region_west__channel_web" in printed
    feedback = lesson10.check_confirm(lambda sfs, df, golds, preds: printed)
    assert not feedback
    assert "wrongly" in feedback.message and "region_west__channel_web" in feedback.message


@pytest.mark.parametrize("answer, message", [
    (None, r"expected a function confirm\(sfs, df, golds, preds\), got NoneType"),
    (lambda sfs, df, golds, preds: sfs, r"expected a list of slice names \(str\)"),
    (lambda sfs, df, golds, preds: "region_east", r"expected a list of slice names"),
])
def test_bad_confirm_answers_are_named(answer, message):
    feedback = lesson10.check_confirm(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


# 10c -----------------------------------------------------------------------------------------


def test_fix_solution_passes_and_closes_the_gap_on_test():
    assert lesson10.check_fix(solution.slice_threshold)
    w = LESSON
    t = solution.slice_threshold(w["probs_valid"], w["golds_valid"], w["weak_valid"])
    fixed = np.where(w["weak_test"], (w["probs_test"][:, 1] >= t).astype(int), w["preds_test"])
    right_before = (w["preds_test"] == w["golds_test"])[w["weak_test"]].mean()
    right_after = (fixed == w["golds_test"])[w["weak_test"]].mean()
    assert right_after > right_before + 0.1, (right_before, right_after)


def test_a_threshold_tuned_on_all_rows_is_named():
    def everyone(probs, golds, in_slice):
        return solution.slice_threshold(probs, golds, np.ones(len(golds), bool))

    feedback = lesson10.check_fix(everyone)
    assert not feedback
    assert "That threshold is tuned on all rows" in feedback.message


def test_copying_the_lessons_threshold_fails_on_the_mirrored_world():
    w = LESSON
    printed = solution.slice_threshold(w["probs_valid"], w["golds_valid"], w["weak_valid"])
    assert printed < 0.5
    feedback = lesson10.check_fix(lambda probs, golds, in_slice: printed)
    assert not feedback
    assert "weak_effect=-4.0" in feedback.message
    assert "its threshold must rise above 0.5" in feedback.message


def test_the_notebook_starting_point_fails():
    feedback = lesson10.check_fix(lambda probs, golds, in_slice: 0.5)
    assert not feedback
    assert "your threshold 0.50 gets" in feedback.message


@pytest.mark.parametrize("answer, message", [
    (0.3, r"expected a function slice_threshold\(probs, golds, in_slice\), got float"),
    (lambda probs, golds, in_slice: "0.3", r"expected a threshold \(a number\), got str"),
    (lambda probs, golds, in_slice: probs[in_slice], r"expected a threshold \(a number\), got ndarray"),
])
def test_bad_thresholds_are_named(answer, message):
    feedback = lesson10.check_fix(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


# 10d -----------------------------------------------------------------------------------------


def _alerts(table):
    return {kind: {(s, str(w)) for s, w in zip(table["slice"][table[f"{kind}_alert"]],
                                               table["window"][table[f"{kind}_alert"]], strict=True)}
            for kind in ("share", "accuracy")}


def test_watch_solution_passes():
    feedback = lesson10.check_watch(solution.watch)
    assert feedback, feedback
    assert "share" in feedback.message


def test_uncorrected_alerts_are_named():
    feedback = lesson10.check_watch(
        lambda S, times, golds, preds: _alerts(score_windows(S, times, golds, preds, freq="M", correction=None)))
    assert not feedback
    assert "These are uncorrected" in feedback.message


def test_weekly_windows_are_named():
    feedback = lesson10.check_watch(
        lambda S, times, golds, preds: _alerts(score_windows(S, times, golds, preds, freq="W")))
    assert not feedback
    assert "use freq='M' for monthly windows" in feedback.message


def test_copying_the_lessons_alerts_fails():
    sf = solution.find_weak_slice(LESSON["df_valid"],
                                  (LESSON["preds_valid"] != LESSON["golds_valid"]).astype(int))
    S = PandasSFApplier([sf]).apply(LESSON["stream"], progress_bar=False)
    printed = solution.watch(S, LESSON["stream"]["applied_at"], LESSON["golds_stream"], LESSON["preds_stream"])
    assert printed["share"] == {("region_west__channel_web", m) for m in ("2025-09", "2025-10", "2025-11", "2025-12")}
    feedback = lesson10.check_watch(lambda S, times, golds, preds: printed)
    assert not feedback
    assert "the share alerts should be [('region_east__channel_branch', '2025-09')" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ("watch", r"expected a function watch\(S, times, golds, preds\), got str"),
    (lambda S, times, golds, preds: set(), r"expected a dict \{'share': \{...\}, 'accuracy': \{...\}\}"),
    (lambda S, times, golds, preds: {"share": set(), "accuracy": set()}, r"the share alerts should be"),
])
def test_bad_watch_answers_are_named(answer, message):
    feedback = lesson10.check_watch(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_copying_the_first_worlds_answers_from_the_feedback_fails_on_the_second():
    """The notebook's stored feedback quotes the first check world's (seed 5) expected confirmed
    slices, threshold and share alerts; answering with them fails on the second world (seed 8)."""
    w = lesson10.world(lesson10.CHECK_SEEDS[0])
    errors = (w["preds_valid"] != w["golds_valid"]).astype(int)
    sfs = find_slices(w["df_valid"], errors, columns=solution.COLUMNS, k=6)
    confirmed = solution.confirm(sfs, w["df_test"], w["golds_test"], w["preds_test"])
    feedback = lesson10.check_confirm(lambda sfs, df, golds, preds: confirmed)
    assert not feedback and "seed 8" in feedback.message, feedback.message

    threshold = solution.slice_threshold(w["probs_valid"], w["golds_valid"], w["weak_valid"])
    feedback = lesson10.check_fix(lambda probs, golds, in_slice: threshold)
    assert not feedback and "seed 8" in feedback.message, feedback.message

    S = PandasSFApplier([solution.find_weak_slice(w["df_valid"], errors)]).apply(
        w["stream"], progress_bar=False)
    alerts = solution.watch(S, w["stream"]["applied_at"], w["golds_stream"], w["preds_stream"])
    feedback = lesson10.check_watch(lambda S, times, golds, preds: alerts)
    assert not feedback and "seed 8" in feedback.message, feedback.message
