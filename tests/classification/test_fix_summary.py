"""The summary of compare_fixes' frame: worst slices, spreads and paired gains, checked by hand and with scipy."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from snorkel_slice.classification import per_seed, plot_fixes, summarize_fixes


def frame():
    rows = []
    scores = {"erm": {0: (0.9, 0.5, 0.8), 1: (0.88, 0.55, 0.7), 2: (0.91, 0.45, 0.9)},
              "fix": {0: (0.85, 0.7, 0.8), 1: (0.86, 0.72, 0.75), 2: (0.84, 0.6, 0.9)}}
    for method, by_seed in scores.items():
        for seed, (overall, a, b) in by_seed.items():
            for name, score in (("overall", overall), ("a", a), ("b", b)):
                rows.append((method, seed, name, "accuracy", score, 10, "x=1", 3))
    out = pd.DataFrame(rows, columns=["method", "seed", "slice", "metric", "score", "n", "setting", "epoch"])
    out.attrs["cost"] = pd.DataFrame({"method": ["erm"] * 3 + ["fix"] * 3, "seed": [0, 1, 2] * 2,
                                      "n_parameters": [10] * 3 + [12] * 3, "seconds": [1, 2, 3, 2, 2, 2]})
    return out


def test_worst_slice_per_seed_is_the_lowest_slice_score():
    seeds = per_seed(frame())
    assert seeds.loc[seeds.method == "fix", "worst"].tolist() == [0.7, 0.72, 0.6]
    assert seeds.loc[seeds.method == "erm", "worst_slice"].tolist() == ["a", "a", "a"]


def test_gains_are_paired_by_seed_with_a_t_interval():
    s = summarize_fixes(frame())
    diffs = np.array([0.2, 0.17, 0.15])
    low, high = stats.t.interval(0.95, 2, loc=diffs.mean(), scale=stats.sem(diffs))
    assert s.loc["fix", "worst_gain"] == pytest.approx(diffs.mean())
    assert (s.loc["fix", "worst_gain_low"], s.loc["fix", "worst_gain_high"]) == pytest.approx((low, high))
    assert s.loc["fix", "worst_spread"] == pytest.approx(np.std([0.7, 0.72, 0.6], ddof=1))
    assert s.loc["fix", "n_parameters"] == 12 and s.loc["erm", "seconds"] == 2
    assert s.loc["fix", "settings"] == "x=1 (3/3)"


def test_plot_draws_both_scores_per_method():
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_fixes(summarize_fixes(frame()))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["erm", "fix"]


@pytest.mark.parametrize("call, match", [
    (lambda: summarize_fixes(frame(), baseline="dro"), "baseline 'dro' is not among"),
    (lambda: summarize_fixes(frame(), metric="f1"), "no 'f1' scores"),
    (lambda: per_seed(frame().drop(columns="slice")), r"lacks column\(s\) \['slice'\]"),
    (lambda: summarize_fixes(frame(), ci=1.5), "ci"),
])
def test_bad_inputs_say_what_to_fix(call, match):
    with pytest.raises(ValueError, match=match):
        call()
