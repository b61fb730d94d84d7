"""Behaviour: on small circle-shaped slices, slice-based learning beats a plain model of the same backbone.

Setting (``snorkel_slice.datasets.synthetic``): 4,000 training points on [-1, 1]^2, labelled by the
diagonal except inside three circles (3%, 5%, 5% of the points) where labels are flipped. Both
models share a capacity-limited backbone, Linear(2, 16) + ReLU, the same seed (so the same
backbone initialisation and batch order) and the same training: Adam, lr 0.01 decaying linearly,
40 epochs of batches of 64. They are scored on 4,000 fresh points.
"""

import numpy as np
import pandas as pd
import pytest
from torch import nn

from snorkel_slice.classification.data import DictDataLoader, DictDataset
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.classification.trainer import Trainer, set_seed
from snorkel_slice.datasets.synthetic import make_circle_data
from snorkel_slice.slicing.classifier import SliceAwareClassifier

SEEDS = (0, 1, 2, 3, 4)
WIDTH = 16


def circle_accuracy(kind, seed, train, test):
    (df, S), (df_test, S_test) = train, test
    set_seed(seed)
    body = nn.Sequential(nn.Linear(2, WIDTH), nn.ReLU())
    dataset = DictDataset.from_tensors(df[["x1", "x2"]].to_numpy(), df["label"].to_numpy(), "train")
    if kind == "slice-aware":
        model = SliceAwareClassifier(body, WIDTH, list(S.columns))
        loader = model.make_slice_dataloader(dataset, S, batch_size=64, shuffle=True)
    else:
        model = PlainClassifier(body, WIDTH)
        loader = DictDataLoader(dataset, batch_size=64, shuffle=True)
    Trainer(n_epochs=40, lr=0.01, lr_scheduler="linear", seed=seed, progress_bar=False).fit(model, [loader])
    preds = model.predict_proba(df_test[["x1", "x2"]].to_numpy()).argmax(axis=1)
    correct = preds == df_test["label"].to_numpy()
    return {"overall": correct.mean(), **{name: correct[S_test[name]].mean() for name in S_test.columns}}


@pytest.mark.slow
def test_slice_aware_beats_plain_on_every_circle_by_more_than_seed_noise(one_thread):
    train, test = make_circle_data(4000, seed=100), make_circle_data(4000, seed=200)
    rows = [{"kind": kind, "seed": seed, **circle_accuracy(kind, seed, train, test)}
            for seed in SEEDS for kind in ("plain", "slice-aware")]
    table = pd.DataFrame(rows).set_index(["kind", "seed"])
    print(table.round(3).to_string())  # shown with pytest -s, and on failure
    gains = table.loc["slice-aware"] - table.loc["plain"]  # paired by seed
    for circle in test[1].columns:
        mean, spread = gains[circle].mean(), gains[circle].std(ddof=1)
        assert mean > spread, f"{circle}: gain {mean:.3f} is within the seed spread {spread:.3f}\n{table}"
    assert np.all(table.loc["slice-aware", "overall"] > 0.9)
