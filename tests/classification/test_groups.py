"""Slices as groups: the per-slice overlap rule, inverse-frequency weights and the balanced sampler."""

import numpy as np
import pandas as pd
import pytest
import torch

from snorkel_slice.classification.groups import (
    append_slices,
    group_weights,
    label_free_slices,
    slice_balanced_sampler,
    slice_groups,
    slice_weights,
)

S_OVERLAP = pd.DataFrame({"a": [1, 1, 1, 0, 0, 0, 0, 0], "b": [0, 1, 0, 0, 0, 0, 0, 1]})


def test_overlapping_slices_are_per_slice_groups_plus_rest():
    names, M = slice_groups(S_OVERLAP)
    assert names == ["a", "b", "rest"]
    assert M[1].tolist() == [True, True, False]  # in both slices: counted in both groups
    assert M[:, 2].sum() == 4


def test_weights_make_every_group_weigh_the_same_in_the_loss():
    # mean_i w_i loss_i = sum_g (c_g n_g / n) * mean_{i in g} loss_i: c_g n_g is the same for every group.
    w = slice_weights(S_OVERLAP)
    names, M = slice_groups(S_OVERLAP)
    c = group_weights(S_OVERLAP)
    assert w.mean() == pytest.approx(1.0)
    shares = [c[g] * M[:, j].sum() for j, g in enumerate(names)]
    assert shares == pytest.approx([shares[0]] * 3)
    # by hand: groups a (3 rows), b (2), rest (4); n=8, G=3 -> raw n/(G n_g) = 8/9, 4/3, 2/3
    raw = np.array([8 / 9, 4 / 3, 2 / 3])
    expected = M @ raw
    assert w == pytest.approx(expected / expected.mean())


def test_power_zero_is_the_plain_loss():
    assert slice_weights(S_OVERLAP, power=0) == pytest.approx(
        (slice_groups(S_OVERLAP)[1].sum(axis=1)) / slice_groups(S_OVERLAP)[1].sum(axis=1).mean())
    assert list(group_weights(S_OVERLAP, power=0).values()) == pytest.approx([1 / 1.125] * 3)


def test_balanced_sampler_draws_each_disjoint_group_equally_often():
    S = pd.DataFrame({"small": [1] * 10 + [0] * 990})
    torch.manual_seed(0)
    draws = np.array(list(slice_balanced_sampler(S, num_samples=20000)))
    assert abs((draws < 10).mean() - 0.5) < 0.02  # 1% of the rows, half of the draws
    assert len(slice_balanced_sampler(S)) == 1000


def test_label_free_slices_drop_slices_written_with_the_label():
    S = pd.DataFrame({"pos": [1, 1, 0, 0], "mixed": [1, 0, 1, 0], "empty": [0, 0, 0, 0]})
    assert label_free_slices(S, [1, 1, 0, 0]) == ["mixed"]


def test_append_slices_adds_the_named_columns():
    X = append_slices(np.ones((3, 2)), pd.DataFrame({"a": [1, 0, 1], "b": [0, 0, 1]}), ["b"])
    assert X.tolist() == [[1, 1, 0], [1, 1, 0], [1, 1, 1]]


@pytest.mark.parametrize("call, match", [
    (lambda: slice_groups(pd.DataFrame({"rest": [1, 0]})), "named 'rest'"),
    (lambda: group_weights(S_OVERLAP, power=-1), "power"),
    (lambda: append_slices(np.ones((2, 1)), S_OVERLAP), "one row per row of S"),
    (lambda: append_slices(np.ones((8, 1)), S_OVERLAP, ["c"]), r"no slice\(s\) \['c'\]"),
    (lambda: label_free_slices(S_OVERLAP, [0, 1]), "one label per row"),
])
def test_bad_inputs_say_what_to_fix(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_the_slice_as_a_feature_lets_a_linear_model_fix_a_flipped_circle(one_thread):
    from torch import nn

    from snorkel_slice.classification import (
        DictDataLoader,
        DictDataset,
        PlainClassifier,
        Trainer,
        set_seed,
    )
    from snorkel_slice.datasets.synthetic import make_circle_data

    circles = {"blob": (0.5, -0.5, 0.35)}
    (df, S), (df_test, S_test) = make_circle_data(2000, 1, circles), make_circle_data(2000, 2, circles)

    def circle_accuracy(with_slice):
        X, X_test = df[["x1", "x2"]].to_numpy(), df_test[["x1", "x2"]].to_numpy()
        if with_slice:
            X, X_test = append_slices(X, S), append_slices(X_test, S_test)
        set_seed(0)
        model = PlainClassifier(nn.Identity(), head_dim=X.shape[1])  # a linear model
        ds = DictDataset.from_tensors(X, df.label.to_numpy(), "train")
        Trainer(n_epochs=20, lr=0.1, seed=0, progress_bar=False).fit(model, [DictDataLoader(ds, batch_size=64, shuffle=True)])
        correct = model.predict_proba(X_test).argmax(1) == df_test.label.to_numpy()
        return correct[S_test["blob"].to_numpy()].mean()

    # A line cannot carve out the circle; one more input that says "inside" lets it flip the label there.
    assert circle_accuracy(False) < 0.2 and circle_accuracy(True) > 0.8
