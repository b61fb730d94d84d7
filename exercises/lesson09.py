"""Checks for lesson 09's exercises (watching slices over time).

Each check calls the learner's function on data the lesson never printed: streams made up here
from a seed, with their own slices, windows and reference window, or a grid of window sizes. The
expected answers come from ``score_windows`` and from the reference solution, and the feedback
names the usual slips.

Examples
--------
>>> check_detectable_drop(lambda n_rows, accuracy, n_tests: 0.19)  # doctest: +ELLIPSIS
[not yet] Exercise 9b: for n_rows=80, accuracy=0.85, n_tests=42 ...
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

import numpy as np
import pandas as pd

from exercises.feedback import Feedback
from exercises.solutions import lesson09 as solution
from snorkel_slice.analysis import adjust_p_values, score_windows

SLICES = {"mobile": 0.2, "abroad": 0.06, "night": 0.12, "returning": 0.3, "premium": 0.08, "gift": 0.1}
# (n_rows, accuracy, n_tests): a lesson-sized slice, a whole window, and a few the lesson never shows.
GRID = ((80, 0.85, 42), (1000, 0.86, 42), (250, 0.7, 10), (5000, 0.95, 120), (40, 0.6, 1))


def check_stream(seed: int) -> tuple[pd.DataFrame, np.ndarray, int]:
    """A made-up stream: 10 windows of 400 rows, six slices; from window 6 one slice (picked by the
    seed) grows by 4 to 12 points. Returns S, the windows and the reference window."""
    rng = np.random.default_rng(seed)
    windows = np.repeat(np.arange(10), 400)
    grows = list(SLICES)[rng.integers(len(SLICES))]
    S = pd.DataFrame({
        name: rng.random(len(windows))
        < share + np.where((windows >= 6) & (name == grows), rng.uniform(0.04, 0.12), 0.0)
        for name, share in SLICES.items()
    })
    return S, windows, int(rng.integers(0, 3))


def _as_pairs(answer: object) -> set | None:
    if not isinstance(answer, set | list | tuple | frozenset):
        return None
    pairs = set()
    for item in answer:
        if not isinstance(item, tuple | list) or len(item) != 2:
            return None
        name, window = item
        pairs.add((str(name), window.item() if hasattr(window, "item") else window))
    return pairs


def _uncorrected(S, windows, reference, method=None, per_window=False) -> set:
    table = score_windows(S, windows, reference=reference, correction=None)
    table = table[table["share_p"].notna()]
    if per_window:
        adjusted = table.groupby("window")["share_p"].transform(lambda p: adjust_p_values(p, method))
    else:
        adjusted = adjust_p_values(table["share_p"], method)
    hit = table[adjusted < 0.05]
    return set(zip(hit["slice"], hit["window"].astype(int), strict=True))


def check_share_alerts(share_alerts: Callable) -> Feedback:
    """Exercise 9a: ``share_alerts(S, windows, reference)`` gives the (slice, window) share alerts."""
    if not callable(share_alerts):
        return Feedback("9a", False, f"expected a function share_alerts(S, windows, reference), got "
                                     f"{type(share_alerts).__name__}.")
    n_alerts = 0
    for seed in (2, 19):
        S, windows, reference = check_stream(seed)
        try:
            answer = share_alerts(S.copy(), windows.copy(), reference)
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("9a", False, f"on a stream of {len(S.columns)} slices x 10 windows, your "
                                         f"function raised {type(err).__name__}: {err}")
        got = _as_pairs(answer)
        if got is None:
            return Feedback("9a", False, "expected a set of (slice name, window) pairs, e.g. "
                                         f"{{('mobile', 7)}}; got {type(answer).__name__} {answer!r:.80}.")
        table = score_windows(S, windows, reference=reference)
        hit = table[table["share_alert"]]
        expected = set(zip(hit["slice"], hit["window"].astype(int), strict=True))
        n_alerts += len(expected)
        if got == expected:
            continue
        lines = [f"on a stream of slices {list(S.columns)} x windows 0..9 (reference window "
                 f"{reference}), {len(expected)} share alerts are expected; yours has "
                 f"{len(got - expected)} extra and misses {len(expected - got)}."]
        if got - expected:
            lines.append(f"Extra, e.g. {sorted(got - expected)[:3]}.")
        if expected - got:
            lines.append(f"Missing, e.g. {sorted(expected - got)[:3]}.")
        if any(w == reference for _, w in got):
            lines.append(f"The reference window {reference} is what the others are compared "
                         "with; it is no test of its own.")
        elif got == _uncorrected(S, windows, reference):
            lines.append("These are the uncorrected p < 0.05: with 6 slices x 9 windows = 54 tests, "
                         "a few pass by chance. Correct with adjust_p_values(p, 'holm') over all of them.")
        elif got == _uncorrected(S, windows, reference, "holm", per_window=True):
            lines.append("You corrected within each window (6 tests) but not across windows: the "
                         "family is every slice x window tested, 54 here.")
        elif got == _uncorrected(S, windows, reference, "bonferroni"):
            lines.append("These are Bonferroni's decisions; use Holm's, which is never stricter.")
        return Feedback("9a", False, " ".join(lines))
    return Feedback("9a", True, f"right on two streams the lesson never showed ({n_alerts} alerts "
                                "in all, after Holm's correction over 54 tests each).")


def check_detectable_drop(detectable_drop: Callable) -> Feedback:
    """Exercise 9b: ``detectable_drop(n_rows, accuracy, n_tests)``, the smallest detectable change."""
    if not callable(detectable_drop):
        return Feedback("9b", False, "expected a function detectable_drop(n_rows, accuracy, n_tests), "
                                     f"got {type(detectable_drop).__name__}.")
    for n_rows, accuracy, n_tests in GRID:
        where = f"for n_rows={n_rows}, accuracy={accuracy}, n_tests={n_tests}"
        want = solution.detectable_drop(n_rows, accuracy, n_tests)
        try:
            got = detectable_drop(n_rows, accuracy, n_tests)
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("9b", False, f"{where} your function raised {type(err).__name__}: {err}")
        if isinstance(got, bool) or not isinstance(got, Real) or math.isnan(got):
            return Feedback("9b", False, f"{where} expected a number, got {type(got).__name__} {got!r}.")
        if abs(got - want) > 1e-6 * want:
            text = f"{where} yours is {got:.4f}; expected {want:.4f} (off by {got - want:+.4f})."
            return Feedback("9b", False, " ".join([text, *_drop_hints(got, n_rows, accuracy, n_tests)]))
    n, acc, m = GRID[0]
    return Feedback("9b", True, f"right on all {len(GRID)} settings; e.g. a slice of {n} rows per "
                                f"window at accuracy {acc}, among {m} tests, cannot see a change "
                                f"smaller than {solution.detectable_drop(n, acc, m):.3f}.")


def _drop_hints(got: float, n: int, acc: float, m: int) -> list[str]:
    from statistics import NormalDist

    z = NormalDist().inv_cdf
    sd = math.sqrt(2 * acc * (1 - acc) / n)
    known = [
        ((z(1 - 0.05 / 2) + z(0.8)) * sd, "That is without the correction: each of the n_tests "
                                          "tests is run at alpha / n_tests."),
        ((z(1 - 0.05 / m) + z(0.8)) * sd, "That is one-sided: a change either way raises an alert, "
                                          "so split alpha / n_tests over both tails."),
        ((z(1 - 0.05 / m / 2) + z(0.8)) * sd / math.sqrt(2), "That is the spread of one window's "
                                                             "accuracy; a change has two windows' spread, "
                                                             "2 * p * (1 - p) / n_rows."),
        (z(1 - 0.05 / m / 2) * sd, "That detects the change only half the time; add z of the "
                                   "power, NormalDist().inv_cdf(0.8)."),
    ]
    return [hint for value, hint in known if abs(got - value) <= 1e-6 * max(value, 1e-12)]
