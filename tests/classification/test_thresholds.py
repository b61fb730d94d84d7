"""Per-slice thresholds: a shifted slice is repaired, overlaps take the smallest slice's threshold."""

import numpy as np
import pandas as pd
import pytest

from snorkel_slice.classification import SliceThresholds


def test_a_slice_whose_scores_are_shifted_gets_its_own_threshold():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    p1 = np.clip(0.25 + 0.5 * y + rng.normal(0, 0.1, 2000), 0, 1)
    shy = rng.random(2000) < 0.2
    p1[shy] -= 0.3  # the model is under-confident on this slice: its positives fall below 0.5
    S = pd.DataFrame({"shy": shy})
    fitted = SliceThresholds().fit(p1[:1000], y[:1000], S.iloc[:1000])
    assert 0.2 <= fitted.thresholds_["shy"] <= 0.35
    preds = fitted.predict(p1[1000:], S.iloc[1000:])
    assert ((p1[1000:] >= 0.5) == y[1000:])[shy[1000:]].mean() < 0.8  # plain threshold
    assert (preds == y[1000:]).mean() > 0.95


def test_a_row_in_two_slices_takes_the_threshold_of_the_smaller():
    t = SliceThresholds()
    t.thresholds_ = {"small": 0.2, "large": 0.8}  # smallest first, as fit orders them
    S = pd.DataFrame({"small": [1, 0, 0], "large": [1, 1, 0]})
    assert t.predict([0.5, 0.5, 0.5], S).tolist() == [1, 0, 1]


def test_fit_orders_slices_by_size():
    S = pd.DataFrame({"large": [1, 1, 1, 0], "small": [1, 0, 0, 0]})
    assert list(SliceThresholds().fit([0.1, 0.9, 0.9, 0.5], [0, 1, 1, 0], S).thresholds_) == ["small", "large"]


@pytest.mark.parametrize("call, match", [
    (lambda: SliceThresholds().predict([0.5], pd.DataFrame({"a": [1]})), "not fitted"),
    (lambda: SliceThresholds().fit([0.5, 0.5], [1], pd.DataFrame({"a": [1, 0]})), "one entry per row"),
    (lambda: SliceThresholds(["b"]).fit([0.5], [1], pd.DataFrame({"a": [1]})), r"no slice\(s\) \['b'\]"),
    (lambda: SliceThresholds().fit(np.ones((1, 3)), [1], pd.DataFrame({"a": [1]})), "class-1 probabilities"),
])
def test_bad_inputs_say_what_to_fix(call, match):
    with pytest.raises(ValueError, match=match):
        call()
