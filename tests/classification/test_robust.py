"""Reweighting and Group DRO: their losses by hand, and their mechanism on a spurious task."""

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from snorkel_slice.classification import (
    DictDataLoader,
    DictDataset,
    GroupDROClassifier,
    PlainClassifier,
    ReweightedClassifier,
    Trainer,
    group_dro_update,
    group_weights,
    set_seed,
)
from snorkel_slice.datasets.spurious import make_spurious_data

pytestmark = pytest.mark.usefixtures("one_thread")  # tiny models: one thread, no contention

X = {"input_data": torch.randn(6, 3, generator=torch.Generator().manual_seed(0))}
Y = {"task": torch.tensor([0, 1, 1, 0, 1, -1]), "task_slice:a_ind": torch.tensor([1, 1, 0, 0, 0, 1]),
     "task_slice:b_ind": torch.tensor([0, 1, 1, 0, 0, 0])}


def _ce(model):
    with torch.no_grad():
        return F.cross_entropy(model(X)["task"], Y["task"].clamp(min=0), reduction="none")


def test_reweighted_loss_is_the_weighted_mean_over_labelled_rows():
    set_seed(0)
    model = ReweightedClassifier(nn.Linear(3, 4), 4, {"a": 2.0, "b": 3.0, "rest": 0.5})
    loss, n = model.training_loss(X, Y)
    w = torch.tensor([2.0, 5.0, 3.0, 0.5, 0.5, 0.0])  # row 1 is in a and b; row 5 is unlabelled
    assert n == 6
    assert loss.item() == pytest.approx((w * _ce(model)).sum().item() / 5, rel=1e-5)


def test_group_dro_update_matches_the_formula():
    q, losses = torch.tensor([0.2, 0.3, 0.5]), torch.tensor([1.0, 0.5, 0.1])
    expected = q.numpy() * np.exp(0.7 * losses.numpy())
    assert group_dro_update(q, losses, 0.7).numpy() == pytest.approx(expected / expected.sum())


def test_group_dro_loss_weighs_each_group_mean_by_the_updated_q():
    set_seed(0)
    model = GroupDROClassifier(nn.Linear(3, 4), 4, ["a", "b"], step_size=0.5)
    ce = _ce(model)
    member = torch.tensor([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 0]]).float()
    group_loss = (member * ce[:, None]).sum(0) / member.sum(0)
    q = group_dro_update(torch.full((3,), 1 / 3), group_loss, 0.5)
    loss, _ = model.training_loss(X, Y)
    assert model.q.tolist() == pytest.approx(q.tolist())
    assert loss.item() == pytest.approx((q * group_loss).sum().item(), rel=1e-5)
    model.eval()
    model.training_loss(X, Y)  # evaluation leaves q alone
    assert model.q.tolist() == pytest.approx(q.tolist())


def _spurious_fit(kind, seed=0):
    df, S = make_spurious_data(2000, 0.95, seed=10)
    df_test, S_test = make_spurious_data(2000, 0.5, seed=11)
    cols = [c for c in df.columns if c not in ("label", "attribute")]
    ds = DictDataset.from_tensors(df[cols].to_numpy(), df.label.to_numpy(), "train")
    set_seed(seed)
    body = nn.Sequential(nn.Linear(len(cols), 8), nn.ReLU())
    if kind == "erm":
        model = PlainClassifier(body, 8)
        loader = DictDataLoader(ds, batch_size=128, shuffle=True)
    elif kind == "reweight":
        model = ReweightedClassifier(body, 8, group_weights(S))
        loader = model.make_slice_dataloader(ds, S, batch_size=128, shuffle=True)
    else:
        model = GroupDROClassifier(body, 8, list(S.columns), step_size=0.1)
        loader = model.make_slice_dataloader(ds, S, batch_size=128, shuffle=True)
    Trainer(n_epochs=6, lr=0.01, seed=seed, progress_bar=False).fit(model, [loader])
    correct = model.predict_proba(df_test[cols].to_numpy()).argmax(1) == df_test.label.to_numpy()
    return model, pd.Series({g: correct[S_test[g]].mean() for g in S_test.columns})


def test_on_a_spurious_task_group_dro_puts_its_weight_on_the_minority_groups_and_lifts_them():
    _, erm = _spurious_fit("erm")
    dro, dro_acc = _spurious_fit("group_dro")
    q = pd.Series(dro.q.tolist(), index=dro.group_names)
    # The groups where label and attribute disagree (y0_a1, y1_a0) hold 5% of the rows; q gives them
    # far more than that (a plain loss weighs groups by their share of the rows).
    assert q[["y0_a1", "y1_a0"]].sum() > 0.3, q
    assert dro_acc.min() > erm.min() + 0.2, (dro_acc, erm)


def test_on_a_spurious_task_reweighting_lifts_the_worst_group():
    _, erm = _spurious_fit("erm")
    _, reweighted = _spurious_fit("reweight")
    assert reweighted.min() > erm.min() + 0.2, (reweighted, erm)


@pytest.mark.parametrize("call, match", [
    (lambda: ReweightedClassifier(nn.Linear(3, 4), 4, [1.0]), "group_weights must be a dict"),
    (lambda: ReweightedClassifier(nn.Linear(3, 4), 4, {"a": -1.0}), r"group_weights\['a'\]"),
    (lambda: GroupDROClassifier(nn.Linear(3, 4), 4, "a"), "slice_names must be a list"),
    (lambda: GroupDROClassifier(nn.Linear(3, 4), 4, ["a"], step_size=-1), "step_size"),
    (lambda: GroupDROClassifier(nn.Linear(3, 4), 4, ["c"]).training_loss(X, Y), "make_slice_dataloader"),
])
def test_bad_inputs_say_what_to_fix(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
