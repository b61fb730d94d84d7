"""The synthetic data: circles (the convergence test and lesson 06), loans (the capstone)."""

import numpy as np
import pandas as pd
import pytest

from snorkel_slice.datasets.synthetic import (
    CHANNELS,
    CIRCLES,
    REGIONS,
    circle_slices,
    make_circle_data,
    make_loan_data,
)


def test_labels_follow_the_diagonal_flipped_inside_circles():
    df, S = make_circle_data(n=20_000, seed=1)
    assert list(df.columns) == ["x1", "x2", "label"] and list(S.columns) == list(CIRCLES)
    assert df[["x1", "x2"]].abs().max().max() <= 1 and df.dtypes["x1"] == np.float32
    above = (df.x2 > df.x1).to_numpy()
    inside = S.any(axis=1).to_numpy()
    assert np.array_equal(df.label.to_numpy() == 1, above ^ inside)
    assert S.sum(axis=1).max() == 1  # the circles do not overlap
    # Each circle covers its area's share of the square: pi r^2 / 4.
    for name, (_, _, r) in CIRCLES.items():
        assert S[name].mean() == pytest.approx(np.pi * r**2 / 4, abs=0.005)
        assert len(set(above[S[name].to_numpy()])) == 1  # on one side of the diagonal


def test_same_seed_same_points():
    assert make_circle_data(50, seed=3)[0].equals(make_circle_data(50, seed=3)[0])
    assert not make_circle_data(50, seed=3)[0].equals(make_circle_data(50, seed=4)[0])


def test_custom_circles():
    df = pd.DataFrame({"x1": [0.0, 0.5], "x2": [0.0, 0.5]})
    assert circle_slices(df, {"middle": (0.0, 0.0, 0.1)})["middle"].tolist() == [True, False]


@pytest.mark.parametrize("n, error", [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_bad_sizes_are_refused(n, error):
    with pytest.raises(error, match=rf"n must be an int >= 1; got {n!r} \({type(n).__name__}\)"):
        make_circle_data(n)


def test_missing_coordinates_are_refused():
    with pytest.raises(ValueError, match=r"df lacks the column\(s\) \['x2'\]; expected x1 and x2"):
        circle_slices(pd.DataFrame({"x1": [0.0]}))


def test_three_classes_are_bands_of_the_diagonal_moved_on_inside_circles():
    df, S = make_circle_data(n=20_000, seed=1, n_classes=3)
    d = (df.x2 - df.x1).to_numpy()
    band = np.where(d <= -1 / 3, 0, np.where(d <= 1 / 3, 1, 2))
    inside = S.any(axis=1).to_numpy()
    assert np.array_equal(df.label.to_numpy(), np.where(inside, (band + 1) % 3, band))
    assert df.dtypes["label"] == np.int64
    # Above 1/3 lies (5/3)^2 / 8 = 0.347 of the square; circle_top's points move to class 0.
    assert (df.label == 2).mean() == pytest.approx(0.347 - np.pi * 0.25**2 / 4, abs=0.01)
    for name in CIRCLES:
        assert df.label[S[name]].nunique() == 1  # each circle lies inside one band


def test_two_classes_stay_the_default_and_the_same_points():
    two, S2 = make_circle_data(500, seed=7)
    three, S3 = make_circle_data(500, seed=7, n_classes=3)
    assert two.equals(make_circle_data(500, seed=7, n_classes=2)[0])
    assert two[["x1", "x2"]].equals(three[["x1", "x2"]]) and S2.equals(S3)


@pytest.mark.parametrize("n_classes, error", [(4, ValueError), (1, ValueError), (3.0, TypeError)])
def test_other_class_counts_are_refused(n_classes, error):
    with pytest.raises(error, match=rf"n_classes must be an int in \[2, 3\]; got {n_classes!r} "
                                    r"\(\w+\)\. The circles come with 2 or 3 classes\."):
        make_circle_data(10, n_classes=n_classes)
# --- the capstone's loan applications -------------------------------------------------------


def _weak(df, planted):
    return (df.region == planted["region"]) & (df.channel == planted["channel"])


def test_loans_have_a_planted_weak_pair_whose_share_grows_in_the_last_third():
    df, planted = make_loan_data(n=30_000, seed=4, return_planted=True)
    assert list(df.columns) == ["applied_at", "region", "channel", "age", "income", "amount", "term", "label"]
    assert df.applied_at.is_monotonic_increasing and df.applied_at.dt.year.eq(2025).all()
    assert df.applied_at.dt.month.nunique() == 12 and set(df.label) == {0, 1}
    assert set(df.region) == set(REGIONS) and set(df.channel) == set(CHANNELS)
    assert (df.amount <= df.income).all() and df.age.between(18, 75).all()
    weak, late = _weak(df, planted), df.applied_at.dt.month >= 9
    assert weak[~late].mean() == pytest.approx(1 / 12, abs=0.01)  # one pair of twelve
    assert weak[late].mean() == pytest.approx(1 / 12 * 0.88 + 0.12, abs=0.01)  # plus the campaign
    assert df.label[weak].mean() > df.label[~weak].mean() + 0.3


def test_a_negative_weak_effect_makes_the_pair_default_less():
    df, planted = make_loan_data(seed=4, weak_effect=-4.0, return_planted=True)
    assert df.label[_weak(df, planted)].mean() < 0.05 < df.label.mean()


def test_the_same_seed_gives_the_same_loans_and_seeds_pick_different_pairs():
    assert make_loan_data(500, seed=3).equals(make_loan_data(500, seed=3))
    pairs = {tuple(make_loan_data(50, seed=s, return_planted=True)[1].values()) for s in range(12)}
    assert len(pairs) >= 5


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n=0), ValueError, r"n must be an int >= 1; got 0"),
    (dict(n_months=2), ValueError, r"n_months must be an int >= 3; got 2"),
    (dict(seed=-1), ValueError, r"seed must be an int >= 0"),
    (dict(weak_effect="big"), TypeError, r"weak_effect must be a number"),
])
def test_bad_loan_settings_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_loan_data(**kwargs)
