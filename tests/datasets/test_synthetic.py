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


def test_spurious_task_agrees_as_asked_and_its_groups_are_label_x_attribute():
    from snorkel_slice.datasets.synthetic import SPURIOUS_GROUPS, make_spurious_data

    df_train, S_train = make_spurious_data(20000, 0.95, seed=0)
    df_test, S_test = make_spurious_data(20000, 0.5, seed=1)
    assert abs((df_train.label == df_train.attribute).mean() - 0.95) < 0.01
    assert abs((df_test.label == df_test.attribute).mean() - 0.5) < 0.01
    assert list(S_train.columns) == list(SPURIOUS_GROUPS)
    for name in SPURIOUS_GROUPS:
        expected = (df_train.label == int(name[1])) & (df_train.attribute == int(name[4]))
        assert S_train[name].equals(expected)
    # `spurious` separates the attribute almost surely; `core` the label at about Phi(1) = 0.84.
    assert (((df_test.spurious > 0).astype(int)) == df_test.attribute).mean() > 0.99
    assert abs((((df_test.core > 0).astype(int)) == df_test.label).mean() - 0.841) < 0.01
    assert make_spurious_data(50, seed=3)[0].equals(make_spurious_data(50, seed=3)[0])


@pytest.mark.parametrize("kwargs, match", [({"agreement": 1.5}, "agreement"), ({"n": 0}, "n"),
                                           ({"n_noise": -1}, "n_noise")])
def test_spurious_task_bad_settings_are_named(kwargs, match):
    from snorkel_slice.datasets.synthetic import make_spurious_data

    with pytest.raises((ValueError, TypeError), match=match):
        make_spurious_data(**kwargs)
