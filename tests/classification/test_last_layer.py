"""Last-layer retraining: only the head moves, and a balanced refit repairs a head fitted on a skewed mix."""

import numpy as np
import pytest
import torch
from torch import nn

from snorkel_slice.classification import (
    DictDataLoader,
    DictDataset,
    PlainClassifier,
    Trainer,
    freeze_body,
    slice_balanced_sampler,
    split_heldout,
)
from snorkel_slice.datasets.spurious import make_spurious_data

pytestmark = pytest.mark.usefixtures("one_thread")  # tiny models: one thread, no contention

COLS = ["core", "spurious"]


def _data(n, agreement, seed):
    df, S = make_spurious_data(n, agreement, seed=seed, n_noise=0)
    return df[COLS].to_numpy(), df.label.to_numpy(), S


def test_only_the_head_is_trained_and_a_balanced_refit_lifts_the_worst_group():
    X, y, _ = _data(2000, 0.95, 1)
    X_held, y_held, S_held = _data(1000, 0.95, 2)
    X_test, y_test, S_test = _data(2000, 0.5, 3)
    torch.manual_seed(0)
    # A 16-unit body keeps enough of `core` for a head that weighs it right (DFR's premise).
    model = PlainClassifier(nn.Sequential(nn.Linear(2, 16), nn.ReLU()), head_dim=16)
    ds = DictDataset.from_tensors(X, y, "train")
    Trainer(n_epochs=5, lr=0.05, seed=0, progress_bar=False).fit(model, [DictDataLoader(ds, batch_size=64, shuffle=True)])

    def worst():
        correct = model.predict_proba(X_test).argmax(1) == y_test
        return min(correct[S_test[g]].mean() for g in S_test.columns)

    before_body = [p.clone() for p in model.base_architecture.parameters()]
    erm_worst = worst()
    freeze_body(model, seed=0)
    held = DictDataset.from_tensors(X_held, y_held, "train")
    loader = DictDataLoader(held, batch_size=64, sampler=slice_balanced_sampler(S_held))
    Trainer(n_epochs=20, lr=0.05, seed=0, progress_bar=False).fit(model, [loader])
    assert all(torch.equal(a, b) for a, b in zip(before_body, model.base_architecture.parameters(), strict=True))
    assert worst() > erm_worst + 0.25, (erm_worst, worst())


def test_split_heldout_halves_are_disjoint_and_seeded():
    a, b = split_heldout(11, seed=3)
    assert len(a) == 6 and len(b) == 5 and not set(a) & set(b)
    assert np.array_equal(split_heldout(11, seed=3)[0], a)


def test_bad_inputs_say_what_to_fix():
    with pytest.raises(TypeError, match="Linear head"):
        freeze_body(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="held-out rows"):
        split_heldout(1)
