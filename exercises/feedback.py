"""Building blocks for exercise checks: a `Feedback` value and two generic checks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Feedback:
    """The outcome of one exercise check.

    It shows as one line in a notebook and is truthy only when the answer passed.

    Examples
    --------
    >>> Feedback("1a", True, "all 8 rows right.")
    [correct] Exercise 1a: all 8 rows right.
    >>> bool(Feedback("1a", False, "2 rows wrong."))
    False
    """

    exercise: str  # the exercise's label as the lesson prints it, e.g. "1a"
    passed: bool  # whether the answer meets the check
    message: str  # what was right or, specifically, what is still wrong

    def __repr__(self) -> str:
        mark = "correct" if self.passed else "not yet"
        return f"[{mark}] Exercise {self.exercise}: {self.message}"

    def __bool__(self) -> bool:
        return self.passed


def _snippet(text: object, width: int = 60) -> str:
    text = str(text).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def check_sf(
    exercise: str,
    sf: object,
    df: pd.DataFrame,
    expected: pd.Series | np.ndarray,
    text_column: str = "text",
    max_examples: int = 3,
) -> Feedback:
    """Compare a learner's slicing function with the expected slice membership of ``df``.

    Parameters
    ----------
    exercise
        The exercise label, e.g. ``"1a"``.
    sf
        The learner's SF (a ``SlicingFunction``).
    df
        The rows to check on.
    expected
        Expected membership, one bool per row of ``df``.
    text_column
        The column quoted in the feedback for wrongly sliced rows.
    max_examples
        How many wrong rows of each kind to quote.

    Returns
    -------
    Feedback
        Passed when every row agrees; otherwise which rows are wrongly in or out of the slice.

    Examples
    --------
    >>> from snorkel_slice import slicing_function
    >>> df = pd.DataFrame({"text": ["hi", "check out my channel"]})
    >>> @slicing_function()
    ... def short(x):
    ...     return len(x.text.split()) < 3
    >>> check_sf("1a", short, df, [True, False])
    [correct] Exercise 1a: all 2 rows are sliced as expected (1 in the slice).
    """
    from snorkel_slice import PandasSFApplier, SlicingFunction

    if not isinstance(sf, SlicingFunction):
        return Feedback(
            exercise,
            False,
            f"expected a SlicingFunction, got {type(sf).__name__}. "
            "Decorate your function with @slicing_function() so it becomes one.",
        )
    expected = np.asarray(expected, dtype=bool)
    try:
        S = PandasSFApplier([sf]).apply(df, progress_bar=False)
    except Exception as err:  # the learner's code: report any failure as feedback
        return Feedback(exercise, False, f"your SF {sf.name!r} raised {type(err).__name__}: {err}")
    got = np.asarray(S[sf.name], dtype=bool)
    wrong_in = np.flatnonzero(got & ~expected)
    wrong_out = np.flatnonzero(~got & expected)
    if len(wrong_in) == 0 and len(wrong_out) == 0:
        return Feedback(
            exercise,
            True,
            f"all {len(df)} rows are sliced as expected ({int(expected.sum())} in the slice).",
        )
    lines = [f"{len(wrong_in) + len(wrong_out)} of {len(df)} rows are sliced differently."]
    texts = df[text_column].to_numpy() if text_column in df.columns else None
    for label, rows in (("in your slice but should not be", wrong_in),
                        ("missing from your slice", wrong_out)):
        if len(rows):
            lines.append(f"{len(rows)} {label}, e.g.:")
            for i in rows[:max_examples]:
                quoted = _snippet(texts[i]) if texts is not None else f"row {i}"
                label = df.index[i]
                label = label.item() if hasattr(label, "item") else label  # np.int64(3) -> 3
                lines.append(f"    index {label!r}: {quoted!r}")
    return Feedback(exercise, False, "\n".join(lines))


def check_close(
    exercise: str, value: object, expected: float, what: str, tol: float = 1e-3
) -> Feedback:
    """Check that a number is within ``tol`` of the expected one, and say how far off it is.

    Examples
    --------
    >>> check_close("2a", 0.61, 0.667, "short_comment F1", tol=0.005)
    [not yet] Exercise 2a: your short_comment F1 is 0.6100; expected 0.6670 ± 0.0050 (off by -0.0570).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return Feedback(
            exercise, False, f"expected a number for {what}, got {type(value).__name__} {value!r}."
        )
    value = float(value)
    if math.isnan(value):
        return Feedback(exercise, False, f"your {what} is NaN; is the slice empty?")
    off = value - expected
    if abs(off) <= tol:
        return Feedback(exercise, True, f"your {what} is {value:.4f}, as expected.")
    return Feedback(
        exercise,
        False,
        f"your {what} is {value:.4f}; expected {expected:.4f} ± {tol:.4f} (off by {off:+.4f}).",
    )
