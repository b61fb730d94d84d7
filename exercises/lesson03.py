"""Checks for lesson 03's exercises (finding slices, then confirming them).

The expected answers come from the package itself: ``compare_slices`` for the gap and
``adjust_p_values`` for Holm's correction, so a learner's own computation is checked against an
independent one. The feedback names the usual slips.

Examples
--------
>>> def holm(p_values, alpha):  # not Holm: every p-value against alpha, uncorrected
...     return [p < alpha for p in p_values]
>>> print(check_holm(holm, [0.01, 0.04, 0.03]))  # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 3b: 2 of 3 decisions differ, at positions [1, 2] (p = [0.04, 0.03]). These are
the uncorrected decisions, p < 0.05; with 3 tests, some of those are expected by chance. Apply
Holm's step-down thresholds.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd

from exercises.feedback import Feedback, check_close
from snorkel_slice import PandasSFApplier, SlicingFunction
from snorkel_slice.analysis import adjust_p_values, compare_slices

TOL = 1e-3  # a gap computed another correct way agrees to far better than this


def _slice_matrix(sf: SlicingFunction, df: pd.DataFrame) -> np.recarray:
    return PandasSFApplier([sf]).apply(df, progress_bar=False)


def check_complement_gap(
    recall_gap: object,
    sf: SlicingFunction,
    df_test: pd.DataFrame,
    golds_test: np.ndarray,
    preds_test: np.ndarray,
    df_valid: pd.DataFrame | None = None,
    golds_valid: np.ndarray | None = None,
    preds_valid: np.ndarray | None = None,
) -> Feedback:
    """Exercise 3a: ``recall_gap(sf, df, golds, preds)``, a slice's recall minus the rest's.

    It is called on the test rows and, when given, on the validation rows; no cell of the lesson
    prints either recall gap, and a function that ignores its arguments gives itself away.
    """
    if not callable(recall_gap):
        return Feedback("3a", False, (
            f"expected a function recall_gap(sf, df, golds, preds) that returns a number, got "
            f"{type(recall_gap).__name__} {recall_gap!r}. The check calls it on the test rows and "
            "on the validation rows."))
    try:
        gap = recall_gap(sf, df_test, golds_test, preds_test)
    except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
        return Feedback("3a", False, f"on the test rows, your function raised {type(err).__name__}: {err}")
    feedback = _check_gap(gap, sf, df_test, golds_test, preds_test, df_valid, golds_valid, preds_valid)
    if not feedback or df_valid is None:
        return feedback
    try:
        valid_gap = recall_gap(sf, df_valid, golds_valid, preds_valid)
    except Exception as err:  # noqa: BLE001
        return Feedback("3a", False, f"Right on the test rows, but on the validation rows your "
                        f"function raised {type(err).__name__}: {err}")
    again = _check_gap(valid_gap, sf, df_valid, golds_valid, preds_valid)
    if not again:
        same = isinstance(valid_gap, Real) and abs(float(valid_gap) - float(gap)) <= TOL
        hint = (" It returns the test gap for other rows too: compute from its arguments df, golds "
                "and preds." if same else "")
        return Feedback("3a", False, "Right on the test rows, but not on the validation rows: "
                        + again.message.split(": ", 1)[-1] + hint)
    return Feedback("3a", True, f"{feedback.message} On the validation rows, where the slice was "
                    f"found, it is {float(valid_gap):+.3f}.")


def _check_gap(
    gap: object,
    sf: SlicingFunction,
    df_test: pd.DataFrame,
    golds_test: np.ndarray,
    preds_test: np.ndarray,
    df_valid: pd.DataFrame | None = None,
    golds_valid: np.ndarray | None = None,
    preds_valid: np.ndarray | None = None,
) -> Feedback:
    S = _slice_matrix(sf, df_test)
    golds_test, preds_test = np.asarray(golds_test), np.asarray(preds_test)
    expected = float(compare_slices(S, golds_test, preds_test, metrics=["recall"])["delta"].iloc[0])
    what = f"recall gap of {sf.name!r} against the rest"
    feedback = check_close("3a", gap, expected, what, tol=TOL)
    if feedback or not isinstance(gap, Real) or isinstance(gap, bool) or math.isnan(gap):
        return feedback
    gap = float(gap)
    positive = golds_test == 1  # recall counts the >50K rows only
    in_slice = (S[sf.name] == 1)[positive]
    right = (preds_test == golds_test)[positive]
    hints = []
    overall_gap = right[in_slice].mean() - right.mean()
    accuracy_gap = float(compare_slices(S, golds_test, preds_test)["delta"].iloc[0])
    if abs(gap - overall_gap) <= TOL:
        hints.append(
            "That is the slice against the overall recall, which contains the slice itself; "
            "compare with the rest of the >50K rows."
        )
    elif abs(gap + expected) <= TOL:
        hints.append("That is the rest minus the slice; subtract the other way round.")
    elif abs(gap - accuracy_gap) <= TOL:
        hints.append(
            "That is the accuracy gap, the table's delta; recall counts only the rows whose "
            "label is 1 (>50K): how many of those the model predicts as 1."
        )
    if df_valid is not None and golds_valid is not None and preds_valid is not None:
        S_valid = _slice_matrix(sf, df_valid)
        valid_gap = float(
            compare_slices(S_valid, np.asarray(golds_valid), np.asarray(preds_valid),
                           metrics=["recall"])["delta"].iloc[0]
        )
        pos_valid = np.asarray(golds_valid) == 1
        right_valid = (np.asarray(preds_valid) == np.asarray(golds_valid))[pos_valid]
        valid_overall = right_valid[(S_valid[sf.name] == 1)[pos_valid]].mean() - right_valid.mean()
        if abs(gap - valid_gap) <= TOL or abs(gap - valid_overall) <= TOL:
            hints.append(
                "That is measured on the validation rows, where the slice was found, so it carries "
                "the search's luck; apply the SF to df_test and use preds_test and Y_test."
            )
    message = " ".join([feedback.message, *hints])
    return Feedback("3a", False, message)


# p-value lists the lesson never shows, with the level to test them at: a step-down that must
# stop early (0.022 passes its own threshold after 0.02 failed), and a seeded random family.
MORE_P_VALUES = [
    ([0.005, 0.02, 0.021, 0.022, 0.5], 0.05),
    ([float(p) for p in np.random.default_rng(3).uniform(0, 0.03, 8).round(4)], 0.1),
]


def check_holm(holm: object, p_values: list[float], alpha: float = 0.05) -> Feedback:
    """Exercise 3b: ``holm(p_values, alpha)``, one True/False per p-value after Holm's correction.

    It is called on the lesson's p-values and on two families the lesson never shows.
    """
    if not callable(holm):
        return Feedback("3b", False, (
            f"expected a function holm(p_values, alpha) that returns one True/False per p-value, "
            f"got {type(holm).__name__} {holm!r}. The check calls it on p-values the lesson "
            "never shows."))
    for i, (p, level) in enumerate([(list(p_values), alpha), *MORE_P_VALUES]):
        try:
            decisions = holm(list(p), level)
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback("3b", False, f"holm({p}, alpha={level}) raised {type(err).__name__}: {err}")
        feedback = _check_decisions(decisions, p, level)
        if not feedback and i:
            return Feedback("3b", False, f"Right on the lesson's p-values, but not on p_values={p}, "
                            f"alpha={level}: {feedback.message}")
        if not feedback:
            return feedback
        if i == 0:
            first = feedback
    return Feedback("3b", True, f"{first.message} Right on two other families too.")


def _check_decisions(decisions: object, p_values: list[float], alpha: float) -> Feedback:
    p = np.asarray(p_values, dtype=float)
    items = list(decisions) if isinstance(decisions, list | tuple | np.ndarray) else None
    if items is None or not all(isinstance(d, bool | np.bool_) for d in items):
        return Feedback(
            "3b", False, f"expected a list of True/False, one per p-value, got {decisions!r}."
        )
    got = [bool(d) for d in items]
    if len(got) != len(p):
        return Feedback(
            "3b", False,
            f"expected {len(p)} decisions, one per p-value in the given order; got {len(got)}."
        )
    adjusted = adjust_p_values(p, "holm")
    expected = (adjusted < alpha).tolist()
    shown = [round(float(a), 3) for a in adjusted]
    if got == expected:
        return Feedback(
            "3b", True,
            f"{sum(expected)} of {len(p)} significant after Holm's correction; Holm's adjusted "
            f"p-values are {shown}.",
        )
    wrong = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
    lines = [f"{len(wrong)} of {len(p)} decisions differ, at positions {wrong} "
             f"(p = {[float(p[i]) for i in wrong]})."]
    if got == (p < alpha).tolist():
        lines.append(f"These are the uncorrected decisions, p < {alpha}; with {len(p)} tests, "
                     "some of those are expected by chance. Apply Holm's step-down thresholds.")
    elif got == (adjust_p_values(p, "bonferroni") < alpha).tolist():
        lines.append(f"These are Bonferroni's decisions (every p against {alpha}/{len(p)}). Holm is "
                     "less strict: after each success the next threshold is alpha / (m - i), "
                     "with one test fewer.")
    elif sum(got) > sum(expected):
        lines.append("You declared more than Holm allows: stop at the first sorted p-value that "
                     "fails its threshold, even if a later one would pass its own.")
    else:
        lines.append("Sort the p-values, compare the i-th smallest (from 0) with "
                     f"{alpha} / (m - i), and stop at the first that fails.")
    return Feedback("3b", False, " ".join(lines))
