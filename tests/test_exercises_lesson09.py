"""Lesson 09's exercises: for each, the reference answer passes, plausible wrong answers fail with
feedback that names the slip, and copying what the lesson printed fails."""

import math
import re
from statistics import NormalDist

import numpy as np
import pytest
from scipy.stats import fisher_exact

from exercises import lesson09
from exercises.solutions import lesson09 as solution
from snorkel_slice.analysis import adjust_p_values, score_windows

# What the lesson printed: its share alerts, and the min_detectable values of its tables.
LESSON_ALERTS = {("advanced_degree", 4), ("advanced_degree", 5), ("advanced_degree", 6),
                 ("advanced_degree", 7)}
LESSON_MIN_DETECTABLE = [0.393, 0.277, 0.2, 0.142, 0.101]


def _p_values(S, windows, reference):
    windows = np.asarray(windows)
    ref = windows == reference
    tests, p = [], []
    for name in S.columns:
        x = S[name].to_numpy(bool)
        for w in np.unique(windows):
            if w != reference:
                here = windows == w
                tests.append((name, int(w)))
                p.append(fisher_exact([[x[here].sum(), (~x[here]).sum()],
                                       [x[ref].sum(), (~x[ref]).sum()]]).pvalue)
    return tests, np.array(p)


def uncorrected(S, windows, reference):
    tests, p = _p_values(S, windows, reference)
    return {t for t, q in zip(tests, p, strict=True) if q < 0.05}


def corrected_per_window(S, windows, reference):
    tests, p = _p_values(S, windows, reference)
    out = set()
    for w in {w for _, w in tests}:
        idx = [i for i, (_, v) in enumerate(tests) if v == w]
        out |= {tests[i] for i, q in zip(idx, adjust_p_values(p[idx], "holm"), strict=True) if q < 0.05}
    return out


def always_first_window(S, windows, reference):
    return solution.share_alerts(S, windows, np.asarray(windows).min())


# 9a ------------------------------------------------------------------------------------------


def test_share_alerts_solution_passes():
    feedback = lesson09.check_share_alerts(solution.share_alerts)
    assert feedback, feedback
    assert "right on two streams the lesson never showed (3 alerts in all" in feedback.message


def test_the_solution_agrees_with_score_windows_on_other_streams():
    for seed in (0, 5, 7):
        S, windows, reference = lesson09.check_stream(seed)
        table = score_windows(S, windows, reference=reference)
        expected = set(zip(table.slice[table.share_alert], table.window[table.share_alert].astype(int),
                           strict=True))
        assert solution.share_alerts(S, windows, reference) == expected


def test_uncorrected_alerts_are_named():
    feedback = lesson09.check_share_alerts(uncorrected)
    assert not feedback
    assert "These are the uncorrected p < 0.05: with 6 slices x 9 windows = 54 tests" in feedback.message
    assert re.search(r"yours has \d+ extra and misses 0", feedback.message), feedback.message


def test_correcting_within_each_window_only_is_named():
    feedback = lesson09.check_share_alerts(corrected_per_window)
    assert not feedback
    assert "You corrected within each window (6 tests) but not across windows" in feedback.message


def test_ignoring_the_given_reference_fails():
    feedback = lesson09.check_share_alerts(always_first_window)
    assert not feedback
    assert "reference window 1" in feedback.message


def test_copying_the_lessons_alerts_fails():
    feedback = lesson09.check_share_alerts(lambda S, windows, reference: LESSON_ALERTS)
    assert not feedback
    assert "Extra, e.g. [('advanced_degree', 4)" in feedback.message


def test_the_notebook_starting_point_says_what_is_missing():
    feedback = lesson09.check_share_alerts(lambda S, windows, reference: set())
    assert not feedback
    assert "3 share alerts are expected; yours has 0 extra and misses 3" in feedback.message
    assert "Missing, e.g. [('gift', 6)" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ("not a function", r"expected a function share_alerts\(S, windows, reference\), got str"),
    (lambda S, windows, reference: 1 / 0, r"your function raised ZeroDivisionError"),
    (lambda S, windows, reference: ["gift"], r"expected a set of \(slice name, window\) pairs"),
    (lambda S, windows, reference: None, r"got NoneType None"),
])
def test_bad_share_answers_are_named(answer, message):
    feedback = lesson09.check_share_alerts(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_a_list_of_numpy_pairs_is_accepted():
    def as_list(S, windows, reference):
        return [(name, np.int64(w)) for name, w in solution.share_alerts(S, windows, reference)]

    assert lesson09.check_share_alerts(as_list)


# 9b ------------------------------------------------------------------------------------------


def test_detectable_drop_solution_passes_and_matches_the_two_sample_normal_formula():
    feedback = lesson09.check_detectable_drop(solution.detectable_drop)
    assert feedback, feedback
    assert "cannot see a change smaller than 0.231" in feedback.message
    # Against statsmodels' power of a two-sample z test at that change: 80% by construction.
    from statsmodels.stats.power import NormalIndPower

    n, acc, m = 300, 0.8, 20
    d = solution.detectable_drop(n, acc, m) / math.sqrt(acc * (1 - acc))
    power = NormalIndPower().power(effect_size=d, nobs1=n, alpha=0.05 / m, ratio=1.0)
    assert power == pytest.approx(0.8, abs=2e-3)


def _z(q):
    return NormalDist().inv_cdf(q)


@pytest.mark.parametrize("formula, hint", [
    (lambda n, p, m: (_z(0.975) + _z(0.8)) * math.sqrt(2 * p * (1 - p) / n), "That is without the correction"),
    (lambda n, p, m: (_z(1 - 0.05 / m) + _z(0.8)) * math.sqrt(2 * p * (1 - p) / n), "That is one-sided"),
    (lambda n, p, m: (_z(1 - 0.025 / m) + _z(0.8)) * math.sqrt(p * (1 - p) / n), "That is the spread of one window"),
    (lambda n, p, m: _z(1 - 0.025 / m) * math.sqrt(2 * p * (1 - p) / n), "add z of the power"),
])
def test_drop_slips_are_named(formula, hint):
    feedback = lesson09.check_detectable_drop(formula)
    assert not feedback
    assert "for n_rows=80, accuracy=0.85, n_tests=42" in feedback.message
    assert hint in feedback.message


def test_the_uncorrected_formula_passes_when_there_is_one_test_but_not_otherwise():
    # The grid's last setting has n_tests=1, where both agree; the first already tells them apart.
    uncorrected_drop = lambda n, p, m: (_z(0.975) + _z(0.8)) * math.sqrt(2 * p * (1 - p) / n)  # noqa: E731
    assert uncorrected_drop(40, 0.6, 1) == pytest.approx(solution.detectable_drop(40, 0.6, 1))
    assert not lesson09.check_detectable_drop(uncorrected_drop)


@pytest.mark.parametrize("value", LESSON_MIN_DETECTABLE)
def test_copying_a_printed_min_detectable_fails(value):
    feedback = lesson09.check_detectable_drop(lambda n, p, m, value=value: value)
    assert not feedback
    assert "expected 0.2305" in feedback.message


@pytest.mark.parametrize("answer, message", [
    (0.2, r"expected a function detectable_drop\(n_rows, accuracy, n_tests\), got float"),
    (lambda n, p, m: "0.2", r"expected a number, got str '0.2'"),
    (lambda n, p, m: float("nan"), r"expected a number, got float nan"),
    (lambda n: 0.2, r"your function raised TypeError"),
])
def test_bad_drop_answers_are_named(answer, message):
    feedback = lesson09.check_detectable_drop(answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message
