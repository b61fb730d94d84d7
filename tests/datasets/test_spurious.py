"""The spurious-attribute task of lesson 04 and the remedies' convergence test."""

import pytest


def test_spurious_task_agrees_as_asked_and_its_groups_are_label_x_attribute():
    from snorkel_slice.datasets.spurious import SPURIOUS_GROUPS, make_spurious_data

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
    from snorkel_slice.datasets.spurious import make_spurious_data

    with pytest.raises((ValueError, TypeError), match=match):
        make_spurious_data(**kwargs)
