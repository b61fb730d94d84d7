"""The synthetic circle data of the convergence test and lesson 6."""

import numpy as np
import pandas as pd
import pytest

from snorkel_slice.datasets.synthetic import CIRCLES, circle_slices, make_circle_data


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
