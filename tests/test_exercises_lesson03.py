"""Lesson 03's exercises: each reference answer passes its check, plausible wrong answers fail
with feedback that names what is wrong, and copying what the lesson printed fails. The lesson's Adult model and top found slice are rebuilt
here."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from exercises import lesson03
from exercises.solutions import lesson03 as solution
from snorkel_slice.analysis import adjust_p_values, find_slices
from snorkel_slice.datasets import load_adult_dataset
from snorkel_slice.slicing.apply import PandasSFApplier

COLUMNS = ["age", "workclass", "education", "marital_status", "occupation", "relationship",
           "race", "sex", "hours_per_week", "native_country"]
P_VALUES = [0.012, 0.3, 0.001, 0.04, 0.014]  # the lesson's 3b


@pytest.fixture(scope="module")
def lesson(adult_data_dir):
    """What the lesson has at its exercises: the top found slice and both splits' predictions."""
    df_train, df_test = load_adult_dataset(adult_data_dir)
    df_fit, df_valid = train_test_split(df_train, test_size=0.3, random_state=123)
    categorical = [c for c in df_train.columns if not pd.api.types.is_numeric_dtype(df_train[c])]
    numeric = [c for c in df_train.columns if c not in categorical and c != "label"]
    features = ColumnTransformer([
        ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
        ("numbers", StandardScaler(), numeric),
    ])
    model = make_pipeline(features, LogisticRegression(max_iter=1000))
    model.fit(df_fit[categorical + numeric], df_fit["label"])
    preds_valid = model.predict(df_valid[categorical + numeric])
    preds_test = model.predict(df_test[categorical + numeric])
    golds_valid, golds_test = df_valid["label"].to_numpy(), df_test["label"].to_numpy()
    top = find_slices(df_valid, (preds_valid != golds_valid).astype(int), columns=COLUMNS, k=1)[0]
    return dict(sf=top, df_test=df_test, golds_test=golds_test, preds_test=preds_test,
                df_valid=df_valid, golds_valid=golds_valid, preds_valid=preds_valid)


def _check_3a(lesson, recall_gap):
    return lesson03.check_complement_gap(
        recall_gap, lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"],
        lesson["df_valid"], lesson["golds_valid"], lesson["preds_valid"],
    )


def _gap_fn(rule):
    """A learner's recall_gap from a rule on (right, in_slice) over the label-1 rows, or all rows."""
    def recall_gap(sf, df, golds, preds):
        member = PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name] == 1
        positive = np.asarray(golds) == 1
        right = np.asarray(preds) == np.asarray(golds)
        return float(rule(right, member, positive))
    return recall_gap


def _constant(value):
    return lambda sf, df, golds, preds: value


# 3a ------------------------------------------------------------------------------------------


def test_complement_gap_solution_passes_on_test_and_validation(lesson):
    feedback = _check_3a(lesson, solution.complement_gap)
    assert feedback, feedback
    assert "as expected" in feedback.message
    assert re.search(r"On the validation rows, where the slice was found, it is [-+]0\.\d{3}", feedback.message)
    gap = solution.complement_gap(lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"])
    assert gap < 0  # the top slice is weaker than the rest


def test_gap_against_overall_is_recognised(lesson):
    feedback = _check_3a(lesson, _gap_fn(lambda r, m, p: r[m & p].mean() - r[p].mean()))
    assert not feedback
    assert re.search(r"off by \+0\.\d{4}", feedback.message), feedback.message
    assert "against the overall recall, which contains the slice itself" in feedback.message


def test_copying_the_printed_accuracy_gap_is_recognised(lesson):
    # The accuracy gap is what the lesson's table printed; a function computing it is a slip.
    feedback = _check_3a(lesson, _gap_fn(lambda r, m, p: r[m].mean() - r[~m].mean()))
    assert not feedback
    assert "That is the accuracy gap, the table's delta" in feedback.message


def test_typing_in_the_printed_accuracy_gap_fails_too(lesson):
    S = PandasSFApplier([lesson["sf"]]).apply(lesson["df_test"], progress_bar=False)
    right = lesson["preds_test"] == lesson["golds_test"]
    member = S[lesson["sf"].name] == 1
    feedback = _check_3a(lesson, _constant(float(right[member].mean() - right[~member].mean())))
    assert not feedback
    assert "That is the accuracy gap, the table's delta" in feedback.message


def test_a_gap_typed_in_is_refused_as_not_a_function(lesson):
    gap = solution.complement_gap(lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"])
    feedback = _check_3a(lesson, gap)
    assert not feedback
    assert "expected a function recall_gap(sf, df, golds, preds)" in feedback.message


def test_a_function_that_ignores_its_arguments_fails_on_the_validation_rows(lesson):
    # Right on test, as if computed once and returned: the validation rows give it away.
    gap = solution.complement_gap(lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"])
    feedback = _check_3a(lesson, _constant(gap))
    assert not feedback
    assert "Right on the test rows, but not on the validation rows" in feedback.message
    assert "compute from its arguments df, golds and preds" in feedback.message


def test_reversed_gap_is_recognised(lesson):
    feedback = _check_3a(lesson, _gap_fn(lambda r, m, p: r[~m & p].mean() - r[m & p].mean()))
    assert not feedback
    assert "That is the rest minus the slice" in feedback.message


@pytest.mark.parametrize("gap, message", [
    (None, r"expected a number for recall gap of '\w+' against the rest, got NoneType"),
    ("-0.2", r"got str '-0\.2'"),
    (float("nan"), r"is NaN"),
])
def test_a_gap_that_is_not_a_number_is_named(lesson, gap, message):
    feedback = _check_3a(lesson, _constant(gap))
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_a_function_that_raises_is_reported(lesson):
    feedback = _check_3a(lesson, lambda sf, df, golds, preds: df["no_such_column"])
    assert not feedback
    assert "on the test rows, your function raised KeyError" in feedback.message


# 3b ------------------------------------------------------------------------------------------


def test_holm_solution_passes():
    feedback = lesson03.check_holm(solution.holm_significant, P_VALUES)
    assert feedback, feedback
    assert "3 of 5 significant after Holm's correction" in feedback.message
    assert "Right on two other families too." in feedback.message


@pytest.mark.parametrize("p_values", [[0.01, 0.04, 0.03], [0.2, 0.001, 0.02, 0.011, 0.5, 0.0125],
                                      [0.5], [0.049, 0.049], *[p for p, _ in lesson03.MORE_P_VALUES]])
def test_holm_solution_agrees_with_adjust_p_values(p_values):
    for alpha in (0.05, 0.1):
        expected = (adjust_p_values(p_values, "holm") < alpha).tolist()
        assert solution.holm_significant(p_values, alpha) == expected


def test_uncorrected_decisions_are_recognised():
    feedback = lesson03.check_holm(lambda p, alpha: [x < alpha for x in p], P_VALUES)
    assert not feedback
    assert "These are the uncorrected decisions, p < 0.05" in feedback.message
    assert "positions [3]" in feedback.message


def test_bonferroni_decisions_are_recognised():
    feedback = lesson03.check_holm(lambda p, alpha: (adjust_p_values(p, "bonferroni") < alpha).tolist(), P_VALUES)
    assert not feedback
    assert "These are Bonferroni's decisions" in feedback.message


def test_not_stopping_at_the_first_failure_is_recognised():
    # Each sorted p-value against its own threshold, without stopping: right on the lesson's
    # p-values, wrong on a family where 0.022 passes 0.05/2 after 0.02 failed 0.05/4.
    def no_stop(p, alpha):
        order = np.argsort(p, kind="stable")
        decisions = [False] * len(p)
        for i, j in enumerate(order):
            decisions[j] = p[j] < alpha / (len(p) - i)
        return decisions

    feedback = lesson03.check_holm(no_stop, P_VALUES)
    assert not feedback
    assert "Right on the lesson's p-values, but not on p_values=[0.005, 0.02, 0.021, 0.022, 0.5]" in feedback.message
    assert "stop at the first sorted p-value that fails" in feedback.message


def test_copying_the_lessons_decisions_fails_on_other_p_values():
    # The right decisions for the lesson's five p-values, typed in.
    decisions = solution.holm_significant(P_VALUES)
    feedback = lesson03.check_holm(lambda p, alpha: decisions, P_VALUES)
    assert not feedback
    assert "Right on the lesson's p-values, but not on p_values=" in feedback.message


def test_decisions_typed_in_are_refused_as_not_a_function():
    feedback = lesson03.check_holm(solution.holm_significant(P_VALUES), P_VALUES)
    assert not feedback
    assert "expected a function holm(p_values, alpha)" in feedback.message


def test_ignoring_alpha_fails_on_the_family_tested_at_another_level():
    feedback = lesson03.check_holm(lambda p, alpha: solution.holm_significant(p), P_VALUES)
    assert not feedback
    assert "alpha=0.1" in feedback.message


def test_the_notebook_starting_point_fails_with_the_recipe():
    feedback = lesson03.check_holm(lambda p, alpha: [False] * len(p), P_VALUES)
    assert not feedback
    assert "3 of 5 decisions differ" in feedback.message
    assert "compare the i-th smallest" in feedback.message


@pytest.mark.parametrize("decisions, message", [
    (None, r"expected a list of True/False, one per p-value, got None"),
    ("TFTFT", r"expected a list of True/False"),
    ([1, 0, 1, 0, 1], r"expected a list of True/False"),
    ([True, False], r"expected 5 decisions, one per p-value in the given order; got 2"),
])
def test_bad_decisions_are_named(decisions, message):
    feedback = lesson03.check_holm(lambda p, alpha: decisions, P_VALUES)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_numpy_bools_are_accepted():
    assert lesson03.check_holm(lambda p, alpha: np.array(solution.holm_significant(p, alpha)), P_VALUES)
