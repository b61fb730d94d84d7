"""Lesson 03's exercises: each reference answer passes its check, and plausible wrong answers fail
with feedback that names what is wrong. The lesson's Adult model and top found slice are rebuilt
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
P_VALUES = [0.012, 0.3, 0.001, 0.04, 0.014]  # the lesson's 7b


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


def _check_7a(lesson, gap):
    return lesson03.check_complement_gap(
        gap, lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"],
        lesson["df_valid"], lesson["golds_valid"], lesson["preds_valid"],
    )


def _right_and_mask(lesson, split):
    # Over the >50K rows only: a gap of these is a recall gap.
    S = PandasSFApplier([lesson["sf"]]).apply(lesson[f"df_{split}"], progress_bar=False)
    positive = lesson[f"golds_{split}"] == 1
    right = lesson[f"preds_{split}"] == lesson[f"golds_{split}"]
    return right[positive], (S[lesson["sf"].name] == 1)[positive]


# 7a ------------------------------------------------------------------------------------------


def test_complement_gap_solution_passes(lesson):
    gap = solution.complement_gap(
        lesson["sf"], lesson["df_test"], lesson["golds_test"], lesson["preds_test"]
    )
    feedback = _check_7a(lesson, gap)
    assert feedback, feedback
    assert "as expected" in feedback.message
    assert gap < 0  # the top slice is weaker than the rest


def test_gap_against_overall_is_recognised(lesson):
    right, in_slice = _right_and_mask(lesson, "test")
    feedback = _check_7a(lesson, right[in_slice].mean() - right.mean())
    assert not feedback
    assert re.search(r"off by \+0\.\d{4}", feedback.message), feedback.message
    assert "against the overall recall, which contains the slice itself" in feedback.message


def test_gap_on_the_validation_rows_is_recognised(lesson):
    right, in_slice = _right_and_mask(lesson, "valid")
    feedback = _check_7a(lesson, right[in_slice].mean() - right[~in_slice].mean())
    assert not feedback
    assert "measured on the validation rows, where the slice was found" in feedback.message
    assert "df_test" in feedback.message


def test_gap_against_overall_on_validation_names_both_slips(lesson):
    right, in_slice = _right_and_mask(lesson, "valid")
    feedback = _check_7a(lesson, right[in_slice].mean() - right.mean())
    assert not feedback
    assert "validation rows" in feedback.message


def test_copying_the_printed_accuracy_gap_is_recognised(lesson):
    right, in_slice = _right_and_mask(lesson, "test")
    S = PandasSFApplier([lesson["sf"]]).apply(lesson["df_test"], progress_bar=False)
    all_right = lesson["preds_test"] == lesson["golds_test"]
    member = S[lesson["sf"].name] == 1
    feedback = _check_7a(lesson, all_right[member].mean() - all_right[~member].mean())
    assert not feedback
    assert "That is the accuracy gap, the table's delta" in feedback.message


def test_reversed_gap_is_recognised(lesson):
    right, in_slice = _right_and_mask(lesson, "test")
    feedback = _check_7a(lesson, right[~in_slice].mean() - right[in_slice].mean())
    assert not feedback
    assert "That is the rest minus the slice" in feedback.message


@pytest.mark.parametrize("gap, message", [
    (None, r"expected a number for test recall gap of '\w+' against the rest, got NoneType"),
    ("-0.2", r"got str '-0\.2'"),
    (float("nan"), r"is NaN"),
])
def test_a_gap_that_is_not_a_number_is_named(lesson, gap, message):
    feedback = _check_7a(lesson, gap)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


# 7b ------------------------------------------------------------------------------------------


def test_holm_solution_passes():
    decisions = solution.holm_significant(P_VALUES)
    feedback = lesson03.check_holm(decisions, P_VALUES)
    assert feedback, feedback
    assert "3 of 5 significant after Holm's correction" in feedback.message


@pytest.mark.parametrize("p_values", [[0.01, 0.04, 0.03], [0.2, 0.001, 0.02, 0.011, 0.5, 0.0125],
                                      [0.5], [0.049, 0.049]])
def test_holm_solution_agrees_with_adjust_p_values(p_values):
    expected = (adjust_p_values(p_values, "holm") < 0.05).tolist()
    assert solution.holm_significant(p_values) == expected


def test_uncorrected_decisions_are_recognised():
    feedback = lesson03.check_holm([p < 0.05 for p in P_VALUES], P_VALUES)
    assert not feedback
    assert "These are the uncorrected decisions, p < 0.05" in feedback.message
    assert "positions [3]" in feedback.message


def test_bonferroni_decisions_are_recognised():
    decisions = (adjust_p_values(P_VALUES, "bonferroni") < 0.05).tolist()
    feedback = lesson03.check_holm(decisions, P_VALUES)
    assert not feedback
    assert "These are Bonferroni's decisions" in feedback.message


def test_not_stopping_at_the_first_failure_is_recognised():
    # 0.001 passes 0.05/3, 0.03 fails 0.05/2, so 0.04 < 0.05 must not be declared either.
    feedback = lesson03.check_holm([True, False, True], [0.001, 0.03, 0.04])
    assert not feedback
    assert "stop at the first sorted p-value that fails" in feedback.message


def test_the_notebook_starting_point_fails_with_the_recipe():
    feedback = lesson03.check_holm([False] * 5, P_VALUES)
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
    feedback = lesson03.check_holm(decisions, P_VALUES)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_numpy_bools_are_accepted():
    decisions = np.array(solution.holm_significant(P_VALUES))
    assert lesson03.check_holm(decisions, P_VALUES)
