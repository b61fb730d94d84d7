"""Checks for lesson 01's exercises (writing slicing functions).

Each check applies the learner's SF and the reference SF from ``exercises.solutions.lesson01`` to
the same rows, quotes the comments that differ, and adds a hint for the usual mistake.

Examples
--------
>>> import re
>>> from snorkel_slice import slicing_function
>>> df = pd.DataFrame({"text": ["nice song", "see www.example.com", "VISIT FIREPA.COM"]})
>>> @slicing_function()
... def has_link(x):
...     return bool(re.search(r"http|www\\.|\\.com", x.text))
>>> print(check_has_link(has_link, df))  # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 1a: 1 of 3 rows are sliced differently.
1 missing from your slice, e.g.:
    index 2: 'VISIT FIREPA.COM'
Hint: the comments missing from your slice contain '.com' (1).
Hint: they all match only when case is ignored ('WWW.', '.COM'); use flags=re.I or compare
x.text.lower().
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exercises.feedback import Feedback, check_sf
from exercises.solutions import lesson01 as solution
from snorkel_slice import PandasSFApplier, SlicingFunction
from snorkel_slice.row import Row

# The link markers of exercise 1a, for hints about which ones a learner's SF misses.
LINK_MARKERS = ("http", "www.", ".com")


def check_has_link(sf: object, df: pd.DataFrame, df_more: pd.DataFrame | None = None) -> Feedback:
    """Exercise 1a: checked on ``df``, then on ``df_more`` (comments the lesson never showed)."""
    return _on_both("1a", _check_has_link, sf, df, df_more)


def _check_has_link(sf: object, df: pd.DataFrame) -> Feedback:
    """Exercise 1a: ``sf`` slices the comments containing http, www. or .com (any case)."""
    df = _plain_index(df)
    feedback = check_sf("1a", sf, df, _expected(solution.has_link, df))
    if feedback or not isinstance(sf, SlicingFunction) or "raised" in feedback.message:
        return feedback
    missing = _missing_texts(sf, solution.has_link, df)
    hints = []
    if missing:
        found = [(m, sum(m in t.lower() for t in missing)) for m in LINK_MARKERS]
        listed = ", ".join(f"{m!r} ({k})" for m, k in sorted(found, key=lambda p: -p[1]) if k)
        hints.append(f"the comments missing from your slice contain {listed}.")
        if all(not any(m in t for m in LINK_MARKERS) for t in missing):
            hints.append(
                "they all match only when case is ignored ('WWW.', '.COM'); "
                "use flags=re.I or compare x.text.lower()."
            )
    return _with_hints(feedback, hints)


def check_keyword_subscribe(sf: object, df: pd.DataFrame, df_more: pd.DataFrame | None = None) -> Feedback:
    """Exercise 1b: checked on ``df``, then on ``df_more`` (comments the lesson never showed)."""
    return _on_both("1b", _check_keyword_subscribe, sf, df, df_more)


def _check_keyword_subscribe(sf: object, df: pd.DataFrame) -> Feedback:
    """Exercise 1b: ``sf`` is built with ``resources`` and slices 'subscribe' or 'channel'."""
    if isinstance(sf, SlicingFunction):
        keywords = sf.resources.get("keywords")
        if not keywords:
            return Feedback(
                "1b",
                False,
                f"your SF {sf.name!r} has no keywords yet (resources={sf.resources!r}). Pass "
                "resources=dict(keywords=[...]) with the words to look for.",
            )
        upper = [k for k in keywords if isinstance(k, str) and k != k.lower()]
        if upper and getattr(sf.f, "__name__", "") == "keyword_lookup":
            return Feedback(
                "1b",
                False,
                f"keyword_lookup compares with x.text.lower(), so the keywords {upper} can never "
                "match; write them in lower case.",
            )
    df = _plain_index(df)
    feedback = check_sf("1b", sf, df, _expected(solution.keyword_subscribe, df))
    if feedback or not isinstance(sf, SlicingFunction) or "raised" in feedback.message:
        return feedback
    missing = _missing_texts(sf, solution.keyword_subscribe, df)
    words = solution.keyword_subscribe.resources["keywords"]
    found = [(w, sum(w in t.lower() for t in missing)) for w in words]
    listed = ", ".join(f"{w!r} ({k})" for w, k in found if k)
    hints = [f"the comments missing from your slice use {listed}."] if listed else []
    return _with_hints(feedback, hints)


def check_shouting(sf: object, df: pd.DataFrame, df_more: pd.DataFrame | None = None) -> Feedback:
    """Exercise 1c: checked on ``df``, then on ``df_more`` (comments the lesson never showed)."""
    return _on_both("1c", _check_shouting, sf, df, df_more)


def _check_shouting(sf: object, df: pd.DataFrame) -> Feedback:
    """Exercise 1c: ``sf`` reads ``x.caps_ratio`` from a preprocessor and slices ratios > 0.5."""
    if isinstance(sf, SlicingFunction) and not sf.pre:
        return Feedback(
            "1c",
            False,
            f"your SF {sf.name!r} has no preprocessor; decorate it with "
            "@slicing_function(pre=[caps_ratio]) so that x.caps_ratio is computed first.",
        )
    df = _plain_index(df)
    feedback = check_sf("1c", sf, df, _expected(solution.shouting, df))
    if feedback or not isinstance(sf, SlicingFunction):
        return feedback
    if "ZeroDivisionError" in feedback.message:
        return _with_hints(
            feedback,
            ["a comment with no letters (such as ':)') divides by zero; give it a ratio of 0.0."],
        )
    if "raised" in feedback.message:
        return feedback
    got = np.asarray(PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name], dtype=bool)
    wrong = np.flatnonzero(got != _expected(solution.shouting, df))[:3]
    hints = []
    for i in wrong:
        x = Row(df.iloc[i].to_dict(), name=df.index[i])
        yours = _caps_ratio(sf, x)
        ref = solution.caps_ratio(x).caps_ratio
        hints.append(
            f"index {df.index[i]!r}: your caps_ratio is {yours}, expected {ref:.2f} "
            "(capitals / letters, spaces and digits left out)."
        )
    return _with_hints(feedback, hints)


def _on_both(exercise: str, check, sf: object, df: pd.DataFrame, df_more: pd.DataFrame | None) -> Feedback:
    # The second split catches an SF that lists the comments it saw instead of stating a rule.
    feedback = check(sf, df)
    if not feedback or df_more is None:
        return feedback
    more = check(sf, df_more)
    if not more:
        return Feedback(exercise, False, (
            f"Right on the {len(df)} comments of the lesson, but not on {len(df_more)} others it "
            f"never showed: {more.message}\nWrite the rule itself rather than listing comments."))
    return Feedback(exercise, True, f"{feedback.message} Right on {len(df_more)} other comments too.")


def _plain_index(df: pd.DataFrame) -> pd.DataFrame:
    # Python scalars as index labels, so feedback quotes "index 322", not "np.int64(322)".
    return df.set_axis(pd.Index(df.index.tolist(), dtype=object), axis=0)


def _expected(reference: SlicingFunction, df: pd.DataFrame) -> np.ndarray:
    return np.asarray(PandasSFApplier([reference]).apply(df, progress_bar=False)[reference.name], bool)


def _missing_texts(sf: SlicingFunction, reference: SlicingFunction, df: pd.DataFrame) -> list[str]:
    got = np.asarray(PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name], dtype=bool)
    return [str(t) for t in df["text"].to_numpy()[_expected(reference, df) & ~got]]


def _caps_ratio(sf: SlicingFunction, x: Row) -> str:
    # The learner's value, formatted; whatever their preprocessors produce, even nothing.
    try:
        for p in sf.pre:
            x = p(x)
        value = x.caps_ratio
    except Exception as err:  # the learner's code: report, never crash the check
        return f"not computed ({type(err).__name__}: {err})"
    return f"{value:.2f}" if isinstance(value, int | float) else repr(value)


def _with_hints(feedback: Feedback, hints: list[str]) -> Feedback:
    if not hints:
        return feedback
    text = "\n".join([feedback.message, *(f"Hint: {h}" for h in hints)])
    return Feedback(feedback.exercise, feedback.passed, text)

