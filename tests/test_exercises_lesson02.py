"""Lesson 02's exercises: each reference answer passes its check, plausible wrong answers fail
with feedback that names what is wrong, and copying what the lesson printed fails. The lesson's
model and slices are rebuilt here."""

import math
import re
import warnings

import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from spam_sfs import build_sfs

from exercises import lesson02
from exercises.solutions import lesson02 as solution
from snorkel_slice.analysis.notices import SmallSliceWarning
from snorkel_slice.analysis.scorer import Scorer
from snorkel_slice.slicing.apply import PandasSFApplier
from snorkel_slice.slicing.sf import slicing_function
from utils import df_to_features

NAME = "textblob_polarity"


@pytest.fixture(scope="module")
def lesson(labelled):
    """What the lesson has at its exercises: df_test, S_test, Y_test, preds_test, scores_ci."""
    df_train, _, df_valid, df_test = labelled
    vectorizer = CountVectorizer(ngram_range=(1, 1))
    X_train, Y_train = df_to_features(vectorizer, df_train, "train")
    X_test, Y_test = df_to_features(vectorizer, df_test, "test")
    X_valid, Y_valid = df_to_features(vectorizer, df_valid, "valid")
    model = LogisticRegression(C=0.001, solver="liblinear").fit(X_train, Y_train)
    preds = model.predict(X_test)
    S = PandasSFApplier(build_sfs("snorkel_slice")).apply(df_test, progress_bar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSliceWarning)
        scores_ci = Scorer(["f1"]).score_slices(
            S, Y_test, preds, as_dataframe=True, ci=0.95, random_state=123
        )
    return dict(df=df_test, S=S, golds=Y_test, preds=preds, scores_ci=scores_ci,
                df_valid=df_valid, golds_valid=Y_valid, preds_valid=model.predict(X_valid))


# 2a ------------------------------------------------------------------------------------------


def _const(value):
    return lambda S, golds, preds, slice_name: value


def _check_2a(lesson, f1=solution.slice_f1, interval=solution.slice_recall_interval):
    return lesson02.check_slice_scores(f1, interval, lesson["S"], lesson["golds"], lesson["preds"])


def test_slice_scores_solution_passes(lesson):
    feedback = _check_2a(lesson)
    assert feedback, feedback
    assert "right on the lesson's rows and on 250 rows resampled from them" in feedback.message
    assert "as expected" in feedback.message
    assert "is the Wilson interval of recall" in feedback.message


def test_slice_scores_solution_agrees_with_the_scorer(lesson):
    # The reference answer is computed independently of snorkel_slice; the two must agree.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSliceWarning)
        table = Scorer(["f1", "recall"]).score_slices(
            lesson["S"], lesson["golds"], lesson["preds"], as_dataframe=True, ci=0.95,
            ci_method="analytic",
        )
    f1 = solution.slice_f1(lesson["S"], lesson["golds"], lesson["preds"], NAME)
    low, high = solution.slice_recall_interval(lesson["S"], lesson["golds"], lesson["preds"], NAME)
    assert f1 == pytest.approx(table.loc[NAME, "f1"])
    assert (low, high) == pytest.approx(
        (table.loc[NAME, "recall_low"], table.loc[NAME, "recall_high"]), abs=1e-4
    )


def test_copying_the_printed_f1_and_interval_fails_on_resampled_rows(lesson):
    # The lesson printed textblob_polarity's F1 (0.727) and its recall interval; typed in, they
    # are right on the lesson's rows only.
    S, golds, preds = lesson["S"], lesson["golds"], lesson["preds"]
    f1 = solution.slice_f1(S, golds, preds, NAME)
    assert round(f1, 3) == 0.727
    interval = solution.slice_recall_interval(S, golds, preds, NAME)
    feedback = _check_2a(lesson, _const(round(f1, 3)), _const(interval))
    assert not feedback
    assert "Right on the lesson's rows, but not on 250 rows resampled from them (seed 2)" in feedback.message
    assert "not from numbers the lesson printed" in feedback.message


def test_typed_in_numbers_are_refused_as_not_functions(lesson):
    S, golds, preds = lesson["S"], lesson["golds"], lesson["preds"]
    feedback = lesson02.check_slice_scores(0.727, (0.3, 0.9), S, golds, preds)
    assert not feedback
    assert "slice_f1: expected a function slice_f1(S, golds, preds, slice_name)" in feedback.message


def test_overall_f1_instead_of_the_slice_is_recognised(lesson):
    feedback = _check_2a(lesson, f1=lambda S, golds, preds, name: f1_score(golds, preds))
    assert not feedback
    assert re.search(r"off by \+0\.\d{4}", feedback.message), feedback.message
    assert f"That is the F1 of all {len(lesson['golds'])} rows" in feedback.message
    assert f"S['{NAME}'] == 1" in feedback.message


def test_slice_accuracy_instead_of_f1_is_recognised(lesson):
    def accuracy(S, golds, preds, name):
        in_slice = S[name] == 1
        return accuracy_score(golds[in_slice], preds[in_slice])

    feedback = _check_2a(lesson, f1=accuracy)
    assert not feedback
    assert "That is the slice's accuracy" in feedback.message


def test_interval_over_the_slice_size_instead_of_its_spam_is_recognised(lesson):
    S, golds, preds = lesson["S"], lesson["golds"], lesson["preds"]
    caught, spam = solution.slice_recall_counts(S, golds, preds, NAME)
    size = int((S[NAME] == 1).sum())

    def by_size(S, golds, preds, name):
        caught, _ = solution.slice_recall_counts(S, golds, preds, name)
        return solution.wilson_interval(caught, int((S[name] == 1).sum()))

    feedback = _check_2a(lesson, interval=by_size)
    assert not feedback
    assert "F1 on 'textblob_polarity' is" in feedback.message and "as expected" in feedback.message
    assert re.search(r"your low end is \d\.\d{4}, expected \d\.\d{4}", feedback.message)
    assert f"You used n = {size}, the size of the slice" in feedback.message
    assert f"the slice's {spam} spam comments" in feedback.message


def test_a_wald_interval_is_recognised(lesson):
    def wald(S, golds, preds, name):
        caught, spam = solution.slice_recall_counts(S, golds, preds, name)
        p, z = caught / spam, 1.96
        half = z * math.sqrt(p * (1 - p) / spam)
        return p - half, p + half

    feedback = _check_2a(lesson, interval=wald)
    assert not feedback
    assert "Wald" in feedback.message and "Wilson" in feedback.message


@pytest.mark.parametrize(
    "interval, message",
    [(None, r"expected a pair \(low, high\) of numbers, got None"),
     (0.5, r"expected a pair \(low, high\) of numbers, got 0\.5"),
     ((0.3, 0.6, 0.9), r"expected a pair \(low, high\) of numbers, got \(0\.3, 0\.6, 0\.9\)"),
     ((float("nan"), 1.0), r"holds NaN")],
)
def test_an_interval_that_is_not_a_pair_of_numbers_is_named(lesson, interval, message):
    feedback = _check_2a(lesson, interval=_const(interval))
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_f1_that_is_not_a_number_is_named(lesson):
    feedback = _check_2a(lesson, f1=_const("0.73"))
    assert not feedback
    assert "expected a number for F1 on 'textblob_polarity', got str '0.73'" in feedback.message


def test_a_function_that_raises_is_reported(lesson):
    feedback = _check_2a(lesson, f1=lambda S, golds, preds, name: S[name + "_typo"])
    assert not feedback
    assert "on the lesson's rows, your function raised ValueError" in feedback.message


# 2b ------------------------------------------------------------------------------------------


def test_widest_interval_solution_passes(lesson):
    name = solution.widest_interval(lesson["scores_ci"])
    feedback = lesson02.check_widest_interval(solution.widest_interval, lesson["scores_ci"])
    assert feedback, feedback
    assert f"{name!r} has the widest f1 interval" in feedback.message
    assert re.search(r"\(width \d\.\d{3}, n=\d+\)", feedback.message), feedback.message
    assert "Right on two other tables too." in feedback.message


def test_copying_the_printed_name_fails_on_a_table_without_it(lesson):
    # The lesson's table shows "short_link" as the widest; a function returning it is a copy.
    name = solution.widest_interval(lesson["scores_ci"])
    assert name == "short_link"
    feedback = lesson02.check_widest_interval(lambda scores: "short_link", lesson["scores_ci"])
    assert not feedback
    assert "Right on scores_ci, but on scores_ci without 'short_link'" in feedback.message
    assert "there is no slice named 'short_link'" in feedback.message
    assert "Compute the answer from the table your function is given." in feedback.message


def test_the_name_typed_in_is_refused_as_not_a_function(lesson):
    feedback = lesson02.check_widest_interval("short_link", lesson["scores_ci"])
    assert not feedback
    assert "expected a function widest_interval(scores) that returns a slice's name, got str" in feedback.message


def test_a_function_keeping_overall_fails_when_overall_is_widest(lesson):
    def widest(scores):
        return str((scores["f1_high"] - scores["f1_low"]).idxmax())

    feedback = lesson02.check_widest_interval(widest, lesson["scores_ci"])
    assert not feedback
    assert "with the overall interval made the widest" in feedback.message
    assert "'overall' is every row, not a slice" in feedback.message


def test_a_narrower_slice_is_told_how_much_wider_the_widest_is(lesson):
    scores = lesson["scores_ci"]
    widths = (scores["f1_high"] - scores["f1_low"]).drop("overall")
    runner_up = widths.sort_values().index[-2]  # the plausible slip: second widest
    feedback = lesson02.check_widest_interval(lambda s: runner_up, scores)
    assert not feedback
    assert f"the f1 interval of {runner_up!r} is {widths[runner_up]:.3f} wide" in feedback.message
    assert re.search(r"another slice's is \d\.\d{3} wider", feedback.message), feedback.message


@pytest.mark.parametrize(
    "name, message",
    [
        (None, r"expected a slice name \(a str such as 'short_comment'\), got NoneType None"),
        ("overall", r"'overall' is every row, not a slice"),
        ("short_links", r"there is no slice named 'short_links'; the slices are \["),
    ],
)
def test_widest_interval_bad_names_are_explained(lesson, name, message):
    feedback = lesson02.check_widest_interval(lambda scores: name, lesson["scores_ci"])
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_widest_interval_without_intervals_asks_for_ci(lesson):
    feedback = lesson02.check_widest_interval(solution.widest_interval, lesson["scores_ci"][["f1", "n"]])
    assert not feedback
    assert "ci=0.95" in feedback.message and "'f1_low'" in feedback.message


# 2c ------------------------------------------------------------------------------------------


def _check_2c(lesson, sf):
    # Found on the validation comments, confirmed on the test comments.
    return lesson02.check_weak_slice(sf, lesson["df_valid"], lesson["golds_valid"], lesson["preds_valid"],
                                     lesson["df"], lesson["golds"], lesson["preds"])


def test_weak_slice_solution_passes_and_is_not_confirmed_on_fresh_rows(lesson):
    feedback = _check_2c(lesson, solution.has_digit)
    assert feedback, feedback
    assert re.search(r"accuracy on 'has_digit' is 0\.780 \(n=41\) where you looked", feedback.message)
    assert re.search(r"On the 250 comments you did not look at, it holds \d+: accuracy 0\.\d{3} against", feedback.message)
    assert "Not confirmed: the gap you found was largely where you looked" in feedback.message


def test_a_slice_confirmed_on_fresh_rows_says_so():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"text": ["aa"] * 40 + ["b"] * 160})
    golds = np.array([0, 1] * 100)
    preds = golds.copy()
    preds[:20] = 1 - preds[:20]  # "aa" comments: half wrong
    short = slicing_function(name="double_a")(lambda x: x.text == "aa")
    feedback = lesson02.check_weak_slice(short, df, golds, preds, df, golds, preds)
    assert feedback and "Confirmed: the gap holds on fresh rows." in feedback.message


def test_a_slice_the_model_does_well_on_fails_with_the_target(lesson):
    short_comment = build_sfs("snorkel_slice", ("short_comment",))[0]
    feedback = _check_2c(lesson, short_comment)
    assert not feedback
    assert re.search(r"A weak slice needs accuracy <= 0\.\d{3} \(0\.1 below overall\)",
                     feedback.message), feedback.message
    assert re.search(r"holds \d+ of the model's \d+ mistakes", feedback.message)


def test_a_tiny_slice_is_told_to_grow(lesson):
    short_link = build_sfs("snorkel_slice", ("short_link",))[0]
    n = int(PandasSFApplier([short_link]).apply(lesson["df_valid"], progress_bar=False).short_link.sum())
    feedback = _check_2c(lesson, short_link)
    assert not feedback
    assert f"holds {n} rows; give it at least 10" in feedback.message


def test_the_notebook_starting_point_fails_as_empty(lesson):
    @slicing_function()
    def weak_spot(x):
        return False

    feedback = _check_2c(lesson, weak_spot)
    assert not feedback
    assert "holds 0 rows" in feedback.message
    assert "df[preds != golds]" in feedback.message


def test_a_weak_slice_sf_that_raises_is_reported(lesson):
    @slicing_function()
    def weak_spot(x):
        return x.comment.startswith("!")

    feedback = _check_2c(lesson, weak_spot)
    assert not feedback
    assert "your SF 'weak_spot' raised" in feedback.message


def test_a_plain_function_is_told_to_use_the_decorator(lesson):
    feedback = _check_2c(lesson, lambda x: True)
    assert not feedback
    assert "expected a SlicingFunction, got function" in feedback.message


def test_an_sf_listing_the_validation_mistakes_fails_on_the_test_comments(lesson):
    # Copying: the mistakes the learner read, typed in as texts. Weak where it was found, but it
    # holds (almost) none of the test comments, so it cannot be confirmed.
    wrong = lesson["preds_valid"] != lesson["golds_valid"]
    texts = set(lesson["df_valid"]["text"][wrong])
    copied = slicing_function(name="copied")(lambda x: x.text in texts)
    feedback = _check_2c(lesson, copied)
    assert not feedback
    assert re.search(r"it holds \d, fewer than 10: your SF lists the comments you read", feedback.message), feedback.message
