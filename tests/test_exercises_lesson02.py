"""Lesson 02's exercises: each reference answer passes its check, and plausible wrong answers fail
with feedback that names what is wrong. The lesson's model and slices are rebuilt here."""

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


def test_slice_scores_solution_passes(lesson):
    f1 = solution.slice_f1(lesson["S"], lesson["golds"], lesson["preds"], NAME)
    interval = solution.slice_recall_interval(lesson["S"], lesson["golds"], lesson["preds"], NAME)
    feedback = lesson02.check_slice_scores(
        f1, interval, lesson["S"], lesson["golds"], lesson["preds"]
    )
    assert feedback, feedback
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


_RIGHT = object()  # stands for the reference answer in _check_2a


def _check_2a(lesson, f1=_RIGHT, interval=_RIGHT):
    S, golds, preds = lesson["S"], lesson["golds"], lesson["preds"]
    f1 = solution.slice_f1(S, golds, preds, NAME) if f1 is _RIGHT else f1
    if interval is _RIGHT:
        interval = solution.slice_recall_interval(S, golds, preds, NAME)
    return lesson02.check_slice_scores(f1, interval, S, golds, preds)


def test_overall_f1_instead_of_the_slice_is_recognised(lesson):
    feedback = _check_2a(lesson, f1=f1_score(lesson["golds"], lesson["preds"]))
    assert not feedback
    assert re.search(r"off by \+0\.\d{4}", feedback.message), feedback.message
    assert f"That is the F1 of all {len(lesson['golds'])} rows" in feedback.message
    assert f"S['{NAME}'] == 1" in feedback.message


def test_slice_accuracy_instead_of_f1_is_recognised(lesson):
    in_slice = lesson["S"][NAME] == 1
    accuracy = accuracy_score(lesson["golds"][in_slice], lesson["preds"][in_slice])
    feedback = _check_2a(lesson, f1=accuracy)
    assert not feedback
    assert "That is the slice's accuracy" in feedback.message


def test_interval_over_the_slice_size_instead_of_its_spam_is_recognised(lesson):
    S, golds, preds = lesson["S"], lesson["golds"], lesson["preds"]
    caught, spam = solution.slice_recall_counts(S, golds, preds, NAME)
    size = int((S[NAME] == 1).sum())
    feedback = _check_2a(lesson, interval=solution.wilson_interval(caught, size))
    assert not feedback
    assert "F1 on 'textblob_polarity' is" in feedback.message and "as expected" in feedback.message
    assert re.search(r"your low end is \d\.\d{4}, expected \d\.\d{4}", feedback.message)
    assert f"You used n = {size}, the size of the slice" in feedback.message
    assert f"the slice's {spam} spam comments" in feedback.message


def test_a_wald_interval_is_recognised(lesson):
    caught, spam = solution.slice_recall_counts(lesson["S"], lesson["golds"], lesson["preds"], NAME)
    p, z = caught / spam, 1.96
    half = z * math.sqrt(p * (1 - p) / spam)
    feedback = _check_2a(lesson, interval=(p - half, p + half))
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
    feedback = _check_2a(lesson, interval=interval)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_f1_that_is_not_a_number_is_named(lesson):
    feedback = _check_2a(lesson, f1="0.73")
    assert not feedback
    assert "expected a number for F1 on 'textblob_polarity', got str '0.73'" in feedback.message


# 2b ------------------------------------------------------------------------------------------


def test_widest_interval_solution_passes(lesson):
    name = solution.widest_interval(lesson["scores_ci"])
    feedback = lesson02.check_widest_interval(name, lesson["scores_ci"])
    assert feedback, feedback
    assert f"{name!r} has the widest f1 interval" in feedback.message
    assert re.search(r"\(width \d\.\d{3}, n=\d+\)", feedback.message), feedback.message


def test_a_narrower_slice_is_told_how_much_wider_the_widest_is(lesson):
    scores = lesson["scores_ci"]
    widths = (scores["f1_high"] - scores["f1_low"]).drop("overall")
    runner_up = widths.sort_values().index[-2]  # the plausible slip: second widest
    feedback = lesson02.check_widest_interval(runner_up, scores)
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
    feedback = lesson02.check_widest_interval(name, lesson["scores_ci"])
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_widest_interval_without_intervals_asks_for_ci(lesson):
    feedback = lesson02.check_widest_interval("short_link", lesson["scores_ci"][["f1", "n"]])
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
