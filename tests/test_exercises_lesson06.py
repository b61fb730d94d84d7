"""Lesson 06's exercises. For each: the reference answer passes its check, plausible wrong answers
fail with feedback that names what is wrong, and copying what the lesson printed fails. No training:
6b uses a literal table of per-seed results in place of the lesson's runs."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_score, recall_score

from exercises import lesson06
from exercises.solutions import lesson06 as solution
from snorkel_slice.datasets.synthetic import make_circle_data
from snorkel_slice.slicing.sf import slicing_function

# 6a ------------------------------------------------------------------------------------------


def test_parameter_formula_solution_passes_and_matches_counted_models():
    feedback = lesson06.check_slice_head_parameters(solution.slice_head_parameters)
    assert feedback, feedback
    assert "right for all 5 models" in feedback.message
    assert "hold 92,088,670 parameters" in feedback.message
    for h, k, C in lesson06.CONFIGS:
        assert solution.slice_head_parameters(h, k, C) == lesson06.counted_overhead(h, k, C)


def test_the_lessons_numbers_follow_from_the_formula():
    # Lesson 06 prints 82 -> 1,340 (1 x 16) and 4,482 -> 21,772 (2 x 64) parameters.
    assert solution.slice_head_parameters(16, 3, 2) == 1340 - 82
    assert solution.slice_head_parameters(64, 3, 2) == 21772 - 4482


def _without(part):
    def formula(h, k, C):
        n = k + 1
        terms = {
            "base": -(h * h + 3 * h + 2),
            "indicators": -n * (2 * h + 2),
            "transforms": -n * (h * h + h),
            "shared head": -C * (h + 1),
            "master head too": C * (h + 1),
            "biases": -(n * (h + 2) + C),
            "transform biases": -n * h,
        }
        return solution.slice_head_parameters(h, k, C) + terms[part]

    return formula


@pytest.mark.parametrize(
    "part, hint",
    [
        ("base", "count base too, k + 1 slices in all"),
        ("indicators", "That is the indicator heads"),
        ("transforms", "That is the transforms, Linear(h, h) per slice"),
        ("shared head", "That is the shared prediction head"),
        ("master head too", "the master head is the plain model's own head"),
        ("biases", "That is the biases"),
        ("transform biases", "That is the transforms' biases"),
    ],
)
def test_a_missing_part_is_named(part, hint):
    feedback = lesson06.check_slice_head_parameters(_without(part))
    assert not feedback
    assert re.search(r"for h=16, k=3, C=2 your formula gives [\d,]+; the slice experts have 1,258 "
                     r"\(off by [-+][\d,]+\)", feedback.message), feedback.message
    assert hint in feedback.message


def test_the_notebook_starting_point_says_how_far_off_it_is():
    feedback = lesson06.check_slice_head_parameters(lambda h, k, C: 0)
    assert not feedback
    assert "gives 0; the slice experts have 1,258 (off by -1,258)" in feedback.message


def test_a_formula_right_only_for_two_classes_fails_on_three():
    feedback = lesson06.check_slice_head_parameters(
        lambda h, k, C: (k + 1) * (h * h + 3 * h + 2) + 2 * (h + 1)
    )
    assert not feedback
    assert "for h=8, k=2, C=3" in feedback.message


@pytest.mark.parametrize(
    "formula, message",
    [
        (lambda h, k, C: h / 0, r"your formula raised ZeroDivisionError"),
        (lambda h, k, C: "1258", r"expected a whole number, got str '1258'"),
        (lambda h, k, C: math.nan, r"expected a whole number, got float nan"),
        (1258, r"expected a function of \(h, k, C\), got int"),
    ],
    ids=["raises", "string", "nan", "not-callable"],
)
def test_bad_formulas_say_what_went_wrong(formula, message):
    feedback = lesson06.check_slice_head_parameters(formula)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_copying_the_printed_counts_fails():
    # The lesson prints 1,258 (1 x 16) and 17,290 (2 x 64): a constant or a lookup of them fails.
    feedback = lesson06.check_slice_head_parameters(lambda h, k, C: 1258)
    assert not feedback
    assert "for h=64, k=3, C=2 your formula gives 1,258; the slice experts have 17,290" in feedback.message
    printed = {(16, 3, 2): 1258, (64, 3, 2): 17290}
    feedback = lesson06.check_slice_head_parameters(lambda h, k, C: printed.get((h, k, C)))
    assert not feedback
    assert "for h=32, k=5, C=2 expected a whole number, got NoneType None" in feedback.message


# 6b ------------------------------------------------------------------------------------------

SEEDS = [0, 1, 2, 3, 4]
CIRCLES = ["circle_bottom", "circle_right", "circle_top"]


@pytest.fixture
def runs():
    """Per-seed accuracies of two models, as in the lesson's `runs` (index seed, one column each)."""
    plain = pd.DataFrame(
        [[0.85, 0.0, 0.0, 0.1], [0.86, 0.0, 0.2, 0.0], [0.84, 0.0, 0.0, 0.5],
         [0.88, 0.0, 0.7, 0.6], [0.86, 0.0, 0.0, 0.5]],
        index=pd.Index(SEEDS, name="seed"), columns=["overall", *CIRCLES],
    )
    sliced = pd.DataFrame(
        [[0.91, 0.55, 0.85, 0.66], [0.94, 0.44, 0.86, 0.75], [0.94, 0.62, 0.94, 0.79],
         [0.94, 0.68, 0.83, 0.79], [0.95, 0.60, 0.90, 0.89]],
        index=pd.Index(SEEDS, name="seed"), columns=["overall", *CIRCLES],
    )
    return sliced, plain


HIDDEN = "on the runs of 7 other seeds (which the lesson never showed)"


def test_paired_gains_solution_passes(runs):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(solution.paired_gains, sliced, plain)
    assert feedback, feedback
    assert "right on section 4's runs and on 7 other seeds." in feedback.message
    diff = sliced["circle_bottom"] - plain["circle_bottom"]
    assert f"circle_bottom: {diff.mean():+.3f} ± {diff.std():.3f}" in feedback.message


def test_the_hidden_runs_are_other_seeds_in_another_order(runs):
    better, worse = lesson06.hidden_runs(list(runs[0].columns))
    assert list(better.columns) == list(runs[0].columns)
    assert sorted(better.index) == sorted(worse.index) == list(lesson06.HIDDEN_SEEDS)
    assert not set(better.index) & set(SEEDS) and list(worse.index) != list(better.index)
    assert better.equals(lesson06.hidden_runs(list(runs[0].columns))[0])  # the same every time


def test_paired_gains_without_the_overall_row_pass(runs):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(
        lambda b, w: solution.paired_gains(b, w).drop(index="overall"), sliced, plain)
    assert feedback, feedback


def _answer(spread):
    """An answer with the right gain and the given (wrong) spread, as a function of the runs."""
    return lambda b, w: pd.DataFrame({"gain": b.mean() - w.mean(), "spread": spread(b, w)})


@pytest.mark.parametrize(
    "spread, hint",
    [
        (lambda b, w: 0.0, "The spread is still 0"),
        (lambda b, w: (b - w).std(ddof=0), "population standard deviation (ddof=0"),
        (lambda b, w: np.sqrt(b.var() + w.var()), "as if they were independent"),
        (lambda b, w: b.std() + w.std(), "You added the two models' spreads"),
        (lambda b, w: (b.std() - w.std()).abs(), "You subtracted the two models' spreads"),
    ],
    ids=["zero", "ddof0", "unpaired", "sum", "difference"],
)
def test_spread_slips_are_named(runs, spread, hint):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(_answer(spread), sliced, plain)
    assert not feedback
    assert "on section 4's runs: gain: right on all 3 circles." in feedback.message
    assert re.search(r"spread on circle_\w+: yours is [\d.]+, expected [\d.]+ \(off by [-+][\d.]+\)",
                     feedback.message), feedback.message
    assert hint in feedback.message


def test_pairing_by_position_fails_on_seeds_in_another_order(runs):
    sliced, plain = runs

    def by_position(b, w):
        diff = pd.DataFrame(b.to_numpy() - w.to_numpy(), columns=b.columns)
        return pd.DataFrame({"gain": diff.mean(), "spread": diff.std()})

    feedback = lesson06.check_paired_gains(by_position, sliced, plain)
    assert not feedback
    assert feedback.message.startswith(HIDDEN + ": gain: right on all 3 circles. spread on circle_")
    assert "Your gains pair the rows by position, but here worse lists the seeds in another order" \
        in feedback.message


def test_dividing_by_five_seeds_fails_on_seven(runs):
    sliced, plain = runs

    def five_seeds(b, w):
        diff = b - w
        return pd.DataFrame({"gain": diff.sum() / 5, "spread": np.sqrt(((diff - diff.mean()) ** 2).sum() / 4)})

    feedback = lesson06.check_paired_gains(five_seeds, sliced, plain)
    assert not feedback
    assert feedback.message.startswith(HIDDEN)
    assert "You divided by 5, but there are 7 seeds here: use .mean()." in feedback.message
    assert "You divided by 4 (5 seeds - 1), but there are 7 seeds here: use .std()." in feedback.message


def test_the_notebook_starting_point_gets_both_hints(runs):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(
        lambda b, w: pd.DataFrame({"gain": 0.0, "spread": 0.0}, index=b.columns), sliced, plain)
    assert not feedback
    assert "The gain is still 0: subtract the plain accuracy" in feedback.message
    assert "The spread is still 0" in feedback.message


def test_a_flipped_sign_is_named(runs):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(lambda b, w: solution.paired_gains(w, b), sliced, plain)
    assert not feedback
    assert "The sign is flipped" in feedback.message
    assert "spread: right on all 3 circles." in feedback.message  # a spread has no sign


def test_copying_the_lessons_table_fails(runs):
    sliced, plain = runs
    small_gain = solution.paired_gains(sliced, plain)  # what the lesson printed as small_gain
    # The old exercise: hand in the lesson's variable itself.
    feedback = lesson06.check_paired_gains(small_gain, sliced, plain)
    assert not feedback
    assert "expected a function paired_gains(better, worse), got DataFrame" in feedback.message
    # A function that returns the lesson's table is right on section 4's runs only.
    feedback = lesson06.check_paired_gains(lambda b, w: small_gain, sliced, plain)
    assert not feedback
    assert feedback.message.startswith(HIDDEN + ": gain on circle_")
    assert "Your function returns the same table whatever frames it gets" in feedback.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda g: g["gain"], r"expected a DataFrame with columns 'gain' and 'spread'"),
        (lambda g: g.rename(columns={"spread": "std"}), r"got \['gain', 'std'\]"),
        (lambda g: g.reset_index(drop=True), r"rows \['circle_bottom', 'circle_right', 'circle_top'\] "
                                            r"are missing"),
    ],
    ids=["series", "wrong-column", "unnamed-rows"],
)
def test_badly_shaped_gains_say_what_was_expected(runs, answer, message):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(lambda b, w: answer(solution.paired_gains(b, w)), sliced, plain)
    assert not feedback
    assert feedback.message.startswith("on section 4's runs: ")
    assert re.search(message, feedback.message), feedback.message


def test_a_function_that_raises_is_reported(runs):
    sliced, plain = runs
    feedback = lesson06.check_paired_gains(lambda b, w: b["nope"], sliced, plain)
    assert not feedback
    assert "on section 4's runs your function raised KeyError: 'nope'" in feedback.message


# 6c ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def df_train():
    """The lesson's training points."""
    return make_circle_data(2000, seed=100)[0]


def test_circle_sf_solution_passes_on_fresh_points():
    feedback = lesson06.check_circle_sf(solution.circle_left)
    assert feedback, feedback
    assert re.search(r"all 2000 rows are sliced as expected \(\d+ in the slice\)", feedback.message)
    n, seed = lesson06.FRESH_POINTS
    assert seed not in (100, 200)  # the lesson draws its points with seeds 100 and 200


def _circle_sf(test):
    @slicing_function()
    def circle_left(x):
        return bool(test(x.x1, x.x2))

    return circle_left


@pytest.mark.parametrize(
    "test, hint",
    [
        (lambda a, b: math.hypot(a - 0.6, b - 0.1) < 0.2, "The center is at (-0.6, -0.1)"),
        (lambda a, b: math.hypot(a + 0.1, b + 0.6) < 0.2, "x1 and x2 are swapped"),
        (lambda a, b: (a + 0.6) ** 2 + (b + 0.1) ** 2 < 0.2, "compared the squared distance with 0.2"),
        (lambda a, b: abs(a + 0.6) < 0.2 and abs(b + 0.1) < 0.2, "That is a square around the center"),
        (lambda a, b: math.hypot(a + 0.25, b - 0.6) < 0.25, "That is circle_top, one of the lesson's circles"),
        (lambda a, b: False, "Your slice is empty"),
    ],
    ids=["sign", "swapped", "squared", "square", "lesson-circle", "empty"],
)
def test_circle_slips_are_named_and_points_quoted(test, hint):
    feedback = lesson06.check_circle_sf(_circle_sf(test))
    assert not feedback
    assert re.search(r"index \d+: '\([-+]\d\.\d{3}, [-+]\d\.\d{3}\)'", feedback.message), feedback.message
    assert hint in feedback.message


def test_copying_the_lessons_points_fails(df_train):
    # An SF that remembers which of the lesson's training points lie in the circle, by their
    # coordinates or by their index, is right on those points only.
    members = np.hypot(df_train.x1 + 0.6, df_train.x2 + 0.1) < 0.2
    remembered = set(zip(df_train.x1[members], df_train.x2[members], strict=True))
    by_point = _circle_sf(lambda a, b: (a, b) in remembered)
    assert lesson06.check_circle_sf(by_point, df_train)  # right on the lesson's own points
    feedback = lesson06.check_circle_sf(by_point)
    assert not feedback
    assert "Your slice is empty" in feedback.message
    indices = set(df_train.index[members])

    @slicing_function()
    def by_index(x):
        return x.name in indices

    feedback = lesson06.check_circle_sf(by_index)
    assert not feedback
    assert re.search(r"\d+ of 2000 rows are sliced differently", feedback.message), feedback.message


def test_an_undecorated_function_is_told_to_use_the_decorator():
    feedback = lesson06.check_circle_sf(lambda x: False)
    assert not feedback
    assert "@slicing_function()" in feedback.message


# 6d ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def noisy_slices():
    """Like the lesson's S_noisy: a quarter of each circle's training members swapped out."""
    df, S_true = make_circle_data(2000, seed=100)
    rng = np.random.default_rng(0)
    S_sf = S_true.copy()
    for name in S_true.columns:
        inside, outside = np.flatnonzero(S_true[name]), np.flatnonzero(~S_true[name])
        k = round(0.25 * len(inside))
        S_sf.iloc[rng.choice(inside, k, replace=False), S_sf.columns.get_loc(name)] = False
        S_sf.iloc[rng.choice(outside, k, replace=False), S_sf.columns.get_loc(name)] = True
    return S_sf, S_true


HIDDEN_6D = "on slightly-off circles on 1,500 fresh points (which the lesson never showed)"


def test_precision_recall_solution_passes_and_matches_sklearn(noisy_slices):
    feedback = lesson06.check_precision_recall(solution.slice_precision_recall, *noisy_slices)
    assert feedback, feedback
    assert "right on the lesson's slices and on slightly-off circles" in feedback.message
    for S_sf, S_true in (noisy_slices, lesson06.hidden_slices()):
        ours = solution.slice_precision_recall(S_sf, S_true)
        for name in S_true.columns:
            assert ours.loc[name, "precision"] == pytest.approx(precision_score(S_true[name], S_sf[name]))
            assert ours.loc[name, "recall"] == pytest.approx(recall_score(S_true[name], S_sf[name]))


def test_the_hidden_sf_has_different_precision_and_recall():
    ours = solution.slice_precision_recall(*lesson06.hidden_slices())
    assert (ours["precision"] - ours["recall"]).abs().min() > 0.05, ours


@pytest.mark.parametrize(
    "answer, where, hint",
    [
        (lambda sf, true: solution.slice_precision_recall(true, sf), HIDDEN_6D,
         "You swapped precision and recall"),
        (lambda sf, true: pd.DataFrame({"precision": (sf == true).mean(), "recall": (sf == true).mean()}),
         "on the lesson's slices", "the share of all rows where the SF agrees with the truth (accuracy)"),
        (lambda sf, true: pd.DataFrame({"precision": (sf & true).sum(), "recall": (sf & true).sum()}),
         "on the lesson's slices", "That is a count of the rows in both"),
        (lambda sf, true: 1 - solution.slice_precision_recall(sf, true), "on the lesson's slices",
         "That is the share of mistakes"),
        (lambda sf, true: pd.DataFrame({"precision": 0.0, "recall": 0.0}, index=true.columns),
         "on the lesson's slices", "The precision is still 0."),
    ],
    ids=["swapped", "accuracy", "counts", "mistakes", "starting-point"],
)
def test_precision_recall_slips_are_named(noisy_slices, answer, where, hint):
    feedback = lesson06.check_precision_recall(answer, *noisy_slices)
    assert not feedback
    assert feedback.message.startswith(where + ": "), feedback.message
    assert re.search(r"(precision|recall) of circle_\w+: yours is [\d.]+, expected [\d.]+\.",
                     feedback.message), feedback.message
    assert hint in feedback.message


def test_copying_the_lessons_numbers_fails(noisy_slices):
    # The lesson prints S_noisy's sizes and how many are in the right circle (51 of 68, ...): with
    # a quarter swapped, precision and recall are both 0.75. Handing those in fails on other slices.
    S_sf, S_true = noisy_slices
    printed = solution.slice_precision_recall(S_sf, S_true)
    feedback = lesson06.check_precision_recall(lambda sf, true: printed, S_sf, S_true)
    assert not feedback
    assert feedback.message.startswith(HIDDEN_6D + ": precision of circle_")
    feedback = lesson06.check_precision_recall(printed, S_sf, S_true)
    assert not feedback
    assert "expected a function slice_precision_recall(S_sf, S_true), got DataFrame" in feedback.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda sf, true: (sf & true).sum() / sf.sum(), r"expected a DataFrame with columns 'precision' "
                                                        r"and 'recall', one row per slice; got Series"),
        (lambda sf, true: solution.slice_precision_recall(sf, true).reset_index(drop=True),
         r"rows \['circle_bottom', 'circle_right', 'circle_top'\] are missing"),
        (lambda sf, true: sf["nope"], r"your function raised KeyError: 'nope'"),
    ],
    ids=["series", "unnamed-rows", "raises"],
)
def test_badly_shaped_precision_recall_say_what_was_expected(noisy_slices, answer, message):
    feedback = lesson06.check_precision_recall(answer, *noisy_slices)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message
