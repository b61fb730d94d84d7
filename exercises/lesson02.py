"""Checks for lesson 02's exercises (monitoring a model on slices).

The checks take the lesson's own ``S``, golds and preds, compute the expected answer with the
reference code in ``exercises.solutions.lesson02``, and say how far off an answer is and why.

Examples
--------
>>> S = pd.DataFrame({"loud": [1, 1, 1, 0]}).to_records(index=False)
>>> golds, preds = np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0])
>>> def slice_f1(S, golds, preds, slice_name):
...     return 2 / 3
>>> def slice_recall_interval(S, golds, preds, slice_name):  # 1 of 2 spam caught, but n = 3 rows
...     return solution.wilson_interval(1, 3)
>>> feedback = check_slice_scores(slice_f1, slice_recall_interval, S, golds, preds, "loud")
>>> print(feedback)  # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 2a: F1: your F1 on 'loud' is 0.6667, as expected.
Interval: your low end is 0.0615, expected 0.0945 (off by -0.0330); your high end is 0.7923,
expected 0.9055 (off by -0.1131). You used n = 3, the size of the slice. Recall is spam caught /
spam present, so its n is the slice's 2 spam comments.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from exercises.feedback import Feedback, check_close
from exercises.solutions import lesson02 as solution
from snorkel_slice import PandasSFApplier, SlicingFunction

TOL = 1e-3  # answers computed in another correct way agree to far better than this


def check_slice_scores(
    slice_f1: object,
    slice_recall_interval: object,
    S: np.recarray,
    golds: np.ndarray,
    preds: np.ndarray,
    slice_name: str = "textblob_polarity",
) -> Feedback:
    """Exercise 2a: two functions, a slice's F1 and the 95% Wilson interval of its recall.

    Both are called with ``(S, golds, preds, slice_name)`` on the lesson's rows and on rows
    resampled from them with a fixed seed, which the lesson never printed: typed-in numbers fail.
    """
    problem = _not_functions(("slice_f1", slice_f1), ("slice_recall_interval", slice_recall_interval))
    if problem:
        return Feedback("2a", False, problem)
    cases = [("the lesson's rows", S, golds, preds), (RESAMPLED, *_resample(S, golds, preds))]
    for where, S_, golds_, preds_ in cases:
        try:
            f1 = slice_f1(S_, golds_, preds_, slice_name)
            interval = slice_recall_interval(S_, golds_, preds_, slice_name)
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback("2a", False, f"on {where}, your function raised {type(err).__name__}: {err}")
        feedback = _check_scores(f1, interval, S_, golds_, preds_, slice_name)
        if where != RESAMPLED:
            first = feedback  # the lesson's rows: quoted when all is right
        if not feedback:
            if where == RESAMPLED:
                return Feedback("2a", False, (
                    f"Right on the lesson's rows, but not on {where}, which the lesson never printed. "
                    "Compute from the arguments S, golds and preds, not from numbers the lesson "
                    f"printed.\n{feedback.message}"))
            return feedback
    return Feedback("2a", True, f"right on the lesson's rows and on {where}. On the lesson's rows:\n"
                    f"{first.message}")


RESAMPLED = "250 rows resampled from them (seed 2)"


def _not_functions(*named: tuple[str, object]) -> str:
    for name, value in named:
        if not callable(value):
            return (
                f"{name}: expected a function {name}(S, golds, preds, slice_name) that computes "
                f"the answer from its arguments, got {type(value).__name__} {value!r}. The check "
                "calls it on rows the lesson never printed."
            )
    return ""


def _resample(S: np.recarray, golds: np.ndarray, preds: np.ndarray) -> tuple:
    # A bootstrap of the rows with a fixed seed: other counts in the slice, the same shapes.
    rows = np.random.default_rng(2).integers(0, len(golds), len(golds))
    return S[rows], np.asarray(golds)[rows], np.asarray(preds)[rows]


def _check_scores(f1, interval, S, golds, preds, slice_name) -> Feedback:
    golds, preds = np.asarray(golds), np.asarray(preds)
    expected_f1 = solution.slice_f1(S, golds, preds, slice_name)
    f1_check = check_close("2a", f1, expected_f1, f"F1 on {slice_name!r}", tol=TOL)
    f1_text = f1_check.message
    if not f1_check and isinstance(f1, Real) and not isinstance(f1, bool):
        in_slice = S[slice_name] == 1
        if abs(f1 - f1_score(golds, preds)) <= TOL:
            f1_text += (
                f" That is the F1 of all {len(golds)} rows; keep only the slice's rows first, "
                f"e.g. in_slice = S[{slice_name!r}] == 1."
            )
        elif abs(f1 - accuracy_score(golds[in_slice], preds[in_slice])) <= TOL:
            f1_text += " That is the slice's accuracy; use sklearn.metrics.f1_score."
    interval_check, interval_text = _check_interval(interval, S, golds, preds, slice_name)
    passed = bool(f1_check) and interval_check
    return Feedback("2a", passed, f"F1: {f1_text}\nInterval: {interval_text}")


def _check_interval(interval, S, golds, preds, slice_name) -> tuple[bool, str]:
    try:
        low, high = (float(v) for v in interval)
    except (TypeError, ValueError):
        return False, f"expected a pair (low, high) of numbers, got {interval!r}."
    if math.isnan(low) or math.isnan(high):
        return False, f"your interval ({low}, {high}) holds NaN; are the counts zero?"
    caught, spam = solution.slice_recall_counts(S, golds, preds, slice_name)
    exp_low, exp_high = solution.wilson_interval(caught, spam)
    offs = [(name, got, want) for name, got, want in
            (("low end", low, exp_low), ("high end", high, exp_high)) if abs(got - want) > TOL]
    if not offs:
        return True, f"({low:.3f}, {high:.3f}) is the Wilson interval of recall {caught}/{spam}."
    lines = ["; ".join(f"your {name} is {got:.4f}, expected {want:.4f} (off by {got - want:+.4f})"
                       for name, got, want in offs) + "."]
    size = int((S[slice_name] == 1).sum())
    if size != spam and np.allclose((low, high), solution.wilson_interval(caught, size), atol=TOL):
        lines.append(
            f"You used n = {size}, the size of the slice. Recall is spam caught / spam present, "
            f"so its n is the slice's {spam} spam comments."
        )
    p, z = caught / spam, 1.959964
    wald = (p - z * math.sqrt(p * (1 - p) / spam), p + z * math.sqrt(p * (1 - p) / spam))
    if np.allclose((low, high), wald, atol=TOL):
        lines.append("That is the normal (Wald) interval p ± z·sqrt(p(1-p)/n); use Wilson's formula.")
    return False, " ".join(lines)


def check_widest_interval(widest_interval: object, scores: pd.DataFrame, metric: str = "f1") -> Feedback:
    """Exercise 2b: a function ``widest_interval(scores)`` naming the slice whose interval is widest.

    It is called on ``scores`` and on two tables the lesson never printed: ``scores`` without
    its widest slice, and ``scores`` with the ``overall`` interval made the widest.
    """
    low, high = f"{metric}_low", f"{metric}_high"
    if not isinstance(scores, pd.DataFrame) or not {low, high} <= set(scores.columns):
        return Feedback(
            "2b",
            False,
            f"scores must be the DataFrame from score_slices(..., as_dataframe=True, ci=0.95), "
            f"with {low!r} and {high!r} columns.",
        )
    if not callable(widest_interval):
        return Feedback(
            "2b",
            False,
            f"expected a function widest_interval(scores) that returns a slice's name, got "
            f"{type(widest_interval).__name__} {widest_interval!r}. The check calls it on tables "
            "the lesson never printed, so it must compute the answer from the table it is given.",
        )
    best = solution.widest_interval(scores, metric)
    loud = scores.copy()
    loud.loc["overall", [low, high]] = (-1.0, 2.0)  # overall now has the widest interval
    cases = [("scores_ci", scores),
             (f"scores_ci without {best!r} (a table the lesson never printed)", scores.drop(index=best)),
             ("scores_ci with the overall interval made the widest", loud)]
    for where, table in cases:
        try:
            name = widest_interval(table)
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback("2b", False, f"on {where}, your function raised {type(err).__name__}: {err}")
        feedback = _check_widest(name, table, metric)
        if table is scores:
            if not feedback:
                return feedback
            first = feedback
        elif not feedback:
            again = " Compute the answer from the table your function is given." if name == best else ""
            return Feedback("2b", False, f"Right on scores_ci, but on {where}: {feedback.message}{again}")
    return Feedback("2b", True, f"{first.message} Right on two other tables too.")


def _check_widest(name: object, scores: pd.DataFrame, metric: str) -> Feedback:
    low, high = f"{metric}_low", f"{metric}_high"
    if not isinstance(name, str):
        return Feedback(
            "2b",
            False,
            f"expected a slice name (a str such as 'short_comment'), got {type(name).__name__} "
            f"{name!r}. With the widths in a Series, .idxmax() gives the name.",
        )
    if name == "overall":
        return Feedback(
            "2b",
            False,
            "'overall' is every row, not a slice; leave it out, e.g. scores.drop(index='overall').",
        )
    slices = scores.drop(index="overall", errors="ignore")
    if name not in slices.index:
        return Feedback(
            "2b", False, f"there is no slice named {name!r}; the slices are {list(slices.index)}."
        )
    widths = slices[high] - slices[low]
    expected = solution.widest_interval(scores, metric)
    n = f", n={int(slices.at[name, 'n'])}" if "n" in slices.columns else ""
    if name == expected:
        return Feedback(
            "2b",
            True,
            f"{name!r} has the widest {metric} interval, [{slices.at[name, low]:.3f}, "
            f"{slices.at[name, high]:.3f}] (width {widths[name]:.3f}{n}).",
        )
    return Feedback(
        "2b",
        False,
        f"the {metric} interval of {name!r} is {widths[name]:.3f} wide{n}, but another slice's is "
        f"{widths[expected] - widths[name]:.3f} wider. Compute {high} - {low} for every slice and "
        "take the largest.",
    )


def check_weak_slice(
    sf: object,
    df: pd.DataFrame,
    golds: np.ndarray,
    preds: np.ndarray,
    df_confirm: pd.DataFrame | None = None,
    golds_confirm: np.ndarray | None = None,
    preds_confirm: np.ndarray | None = None,
    min_rows: int = 10,
    margin: float = 0.1,
) -> Feedback:
    """Exercise 2c: an SF found on one split (>= min_rows rows, accuracy >= margin below that
    split's), then confirmed on another split it was not found on, with ``compare_slices``."""
    from snorkel_slice.analysis import compare_slices

    if not isinstance(sf, SlicingFunction):
        return Feedback(
            "2c",
            False,
            f"expected a SlicingFunction, got {type(sf).__name__}. Decorate your function with "
            "@slicing_function().",
        )
    try:
        S = PandasSFApplier([sf]).apply(df, progress_bar=False)
    except Exception as err:  # the learner's code: report any failure as feedback
        return Feedback("2c", False, f"your SF {sf.name!r} raised {type(err).__name__}: {err}")
    in_slice = np.asarray(S[sf.name], dtype=bool)
    n = int(in_slice.sum())
    golds, preds = np.asarray(golds), np.asarray(preds)
    mistakes = preds != golds
    if n < min_rows:
        return Feedback(
            "2c",
            False,
            f"your slice {sf.name!r} holds {n} rows; give it at least {min_rows}, or its score "
            f"says little. The model's {int(mistakes.sum())} mistakes are df[preds != golds]: "
            "what do they have in common?",
        )
    overall = float((~mistakes).mean())
    accuracy = float((~mistakes[in_slice]).mean())
    target = overall - margin
    summary = (
        f"accuracy on {sf.name!r} is {accuracy:.3f} (n={n}) where you looked, overall "
        f"{overall:.3f}; your slice holds {int(mistakes[in_slice].sum())} of the model's "
        f"{int(mistakes.sum())} mistakes."
    )
    if accuracy > target:
        return Feedback(
            "2c",
            False,
            f"{summary} A weak slice needs accuracy <= {target:.3f} ({margin} below overall). "
            "Read the mistakes, df[preds != golds], and write an SF for what many share.",
        )
    if df_confirm is None:
        return Feedback("2c", True, f"{summary} Now confirm it on rows you did not look at.")
    try:
        S_confirm = PandasSFApplier([sf]).apply(df_confirm, progress_bar=False)
    except Exception as err:  # the learner's code: report any failure as feedback
        return Feedback("2c", False, f"{summary} But on the confirmation rows your SF raised "
                        f"{type(err).__name__}: {err}")
    n_confirm = int(np.asarray(S_confirm[sf.name], dtype=bool).sum())
    if n_confirm < min_rows:
        return Feedback("2c", False, (
            f"{summary} But on the {len(df_confirm)} comments you did not look at, it holds "
            f"{n_confirm}, fewer than {min_rows}: your SF lists the comments you read rather than "
            "describing what they share (a word, a length, a link), so it cannot be confirmed. "
            "Write the rule their mistakes have in common."))
    row = compare_slices(S_confirm, golds_confirm, preds_confirm, metrics=["accuracy"], correction=None).iloc[0]
    confirm = (
        f"On the {len(df_confirm)} comments you did not look at, it holds {int(row['n'])}: accuracy "
        f"{row['score']:.3f} against {row['rest_score']:.3f} for the rest (gap {row['delta']:+.3f}, "
        f"95% interval [{row['delta_low']:+.3f}, {row['delta_high']:+.3f}], p = {row['p_value']:.3f})."
    )
    verdict = (
        "Confirmed: the gap holds on fresh rows."
        if row["significant"] and row["delta"] < 0
        else "Not confirmed: the gap you found was largely where you looked. That is the usual "
        "outcome for a slice read off a few mistakes, and why a slice is found on one split and "
        "confirmed on another."
    )
    return Feedback("2c", True, f"{summary} {confirm} {verdict}")
