"""Trainer: the protocol, optimizers, schedules, clipping, batch order, validation, checkpoints."""

import gc
import math
import weakref

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from snorkel_slice.classification.data import DictDataLoader, DictDataset
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.classification.trainer import Trainer, TrainerConfig, set_seed
from snorkel_slice.slicing.classifier import SliceAwareClassifier


def blobs(n=64, split="train", seed=0, name="blobs"):
    g = torch.Generator().manual_seed(seed)
    Y = torch.randint(0, 2, (n,), generator=g)
    X = torch.randn(n, 2, generator=g) * 0.5 + Y[:, None] * 2.0 - 1.0
    return DictDataset.from_tensors(X, Y, split, dataset_name=name)


def loader(split="train", batch_size=16, **kwargs):
    return DictDataLoader(blobs(split=split, **kwargs), batch_size=batch_size, shuffle=split == "train")


def plain(seed=0):
    set_seed(seed)
    return PlainClassifier(nn.Sequential(nn.Linear(2, 4), nn.ReLU()), 4)


class Recorder(nn.Module):
    """The smallest model the trainer accepts: a loss and nothing else. It logs its batches."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(2))
        self.seen = []

    def training_loss(self, X_dict, Y_dict):
        self.seen.append(X_dict["input_data"][0, 0].item())
        return (X_dict["input_data"] @ self.w).pow(2).mean() + self.w.sum(), len(X_dict["input_data"])


def tagged(tag, n_batches=3, split="train"):
    """A loader whose batches start with the value tag, tag + 1, ..."""
    X = torch.arange(float(n_batches)).repeat_interleave(2)[:, None].repeat(1, 2) + tag
    return DictDataLoader(DictDataset.from_tensors(X, torch.zeros(len(X), dtype=torch.long), split), batch_size=2)


def test_settings_are_a_config_dataclass():
    trainer = Trainer(n_epochs=2, lr=1e-4, progress_bar=False)
    assert isinstance(trainer.config, TrainerConfig)
    assert (trainer.config.n_epochs, trainer.config.lr, trainer.config.optimizer) == (2, 1e-4, "adam")
    assert Trainer(TrainerConfig(n_epochs=3), lr=0.5).config.n_epochs == 3


def test_fit_learns_and_returns_the_trainer():
    model = plain()
    trainer = Trainer(n_epochs=5, lr=0.05, progress_bar=False)
    assert trainer.fit(model, [loader(), loader("valid")]) is trainer
    history = pd.DataFrame(trainer.history_)
    assert history["epoch"].tolist() == [0, 1, 2, 3, 4]
    assert history["model/all/train/loss"].iloc[-1] < history["model/all/train/loss"].iloc[0]
    assert history["task/blobs/valid/accuracy"].iloc[-1] > 0.95


def test_same_seed_same_scores_and_weights():
    def run(seed):
        set_seed(seed)
        model = SliceAwareClassifier(nn.Sequential(nn.Linear(2, 4), nn.ReLU()), 4, ["left"])
        ds = blobs()
        S = pd.DataFrame({"left": (ds.X_dict["input_data"][:, 0] < 0).numpy()})
        dl = model.make_slice_dataloader(ds, S, batch_size=16, shuffle=True)
        Trainer(n_epochs=3, lr=0.05, seed=seed, progress_bar=False).fit(model, [dl])
        return model.score([dl]), torch.cat([p.detach().flatten() for p in model.parameters()])

    (scores_a, weights_a), (scores_b, weights_b) = run(1), run(1)
    assert scores_a == scores_b and torch.equal(weights_a, weights_b)
    assert not torch.equal(weights_a, run(2)[1])


def test_validating_does_not_change_training():
    """Iterating a validation loader draws from torch's generator; training must not notice."""
    def weights(loaders, **settings):
        model = plain()
        Trainer(n_epochs=3, lr=0.05, seed=0, progress_bar=False, **settings).fit(model, loaders)
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    alone = weights([loader()])
    assert torch.equal(alone, weights([loader(), loader("valid")]))
    assert torch.equal(alone, weights([loader(), loader("valid")], log_slices=False))


def test_best_checkpoint_is_restored():
    # "max" of the training loss picks the first epoch: the restored model is the 1-epoch model.
    model, reference = plain(), plain()
    trainer = Trainer(n_epochs=4, lr=0.05, seed=0, progress_bar=False,
                      checkpoint_metric="model/all/train/loss:max").fit(model, [loader()])
    Trainer(n_epochs=1, lr=0.05, seed=0, progress_bar=False).fit(reference, [loader()])
    assert trainer.best_epoch_ == 0 and trainer.best_metric_ == trainer.history_[0]["model/all/train/loss"]
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(p, q)
    best = Trainer(n_epochs=4, lr=0.05, seed=0, progress_bar=False,
                   checkpoint_metric="task/blobs/valid/accuracy:max").fit(plain(), [loader(), loader("valid")])
    assert best.best_metric_ == max(row["task/blobs/valid/accuracy"] for row in best.history_)


def test_validation_runs_every_n_epochs():
    trainer = Trainer(n_epochs=4, lr=0.05, valid_every=2, progress_bar=False).fit(plain(), [loader(), loader("valid")])
    assert ["task/blobs/valid/f1" in row for row in trainer.history_] == [False, True, False, True]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamax"])
def test_every_optimizer_trains_with_weight_decay(optimizer):
    model = Recorder()
    trainer = Trainer(n_epochs=3, lr=0.05, l2=0.1, optimizer=optimizer, grad_clip=None, progress_bar=False)
    trainer.fit(model, [tagged(0)])
    assert model.w.sum() < 0  # it followed the gradient of w.sum()
    assert trainer.history_[-1]["model/all/train/loss"] < trainer.history_[0]["model/all/train/loss"]


def test_weight_decay_and_clipping_reach_the_update():
    # One SGD step without momentum: w <- w - lr * clip(grad). The gradient at w = 0 is (1, 1).
    model = Recorder()
    Trainer(lr=1.0, optimizer="sgd", momentum=0.0, grad_clip=1e-3, progress_bar=False).fit(model, [tagged(0, n_batches=1)])
    assert torch.allclose(model.w.detach(), torch.full((2,), -1e-3 / math.sqrt(2)))
    model = Recorder()
    Trainer(lr=1.0, optimizer="sgd", momentum=0.0, grad_clip=None, progress_bar=False).fit(model, [tagged(0, n_batches=1)])
    assert torch.allclose(model.w.detach(), torch.full((2,), -1.0))


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, [1, 1, 1, 1, 1, 1, 1, 1]),
        ({"warmup_steps": 4}, [0.25, 0.5, 0.75, 1, 1, 1, 1, 1]),
        ({"lr_scheduler": "linear", "warmup_steps": 2}, [0.5, 1, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6]),
        ({"lr_scheduler": "exponential", "gamma": 0.5}, [1, 0.5, 0.25, 0.125, 0.5**4, 0.5**5, 0.5**6, 0.5**7]),
        ({"lr_scheduler": "step", "gamma": 0.5, "step_size": 2}, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]),
        ({"lr_scheduler": "step", "gamma": 0.5, "step_size": 1, "min_lr": 0.3}, [1, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]),
    ],
)
def test_learning_rate_schedules(settings, expected):
    # 8 epochs of one batch each: the history holds the learning rate of every batch.
    trainer = Trainer(n_epochs=8, lr=1.0, optimizer="sgd", progress_bar=False, **settings)
    trainer.fit(Recorder(), [tagged(0, n_batches=1)])
    assert np.allclose([row["model/all/train/lr"] for row in trainer.history_], expected)


def test_exponential_decay_is_smooth_within_an_epoch():
    # Snorkel decays by gamma every batch; here gamma is per epoch, spread over its batches.
    trainer = Trainer(n_epochs=2, lr=1.0, optimizer="sgd", lr_scheduler="exponential", gamma=0.25, progress_bar=False)
    trainer.fit(Recorder(), [tagged(0, n_batches=2)])
    assert np.allclose([row["model/all/train/lr"] for row in trainer.history_], [0.5, 0.125])


def test_batch_schedulers():
    model = Recorder()
    Trainer(batch_scheduler="sequential", progress_bar=False).fit(model, [tagged(0), tagged(10)])
    assert model.seen == [0, 1, 2, 10, 11, 12]
    model = Recorder()
    Trainer(batch_scheduler="shuffled", n_epochs=2, seed=0, progress_bar=False).fit(model, [tagged(0), tagged(10)])
    first, second = model.seen[:6], model.seen[6:]
    assert sorted(first) == sorted(second) == [0, 1, 2, 10, 11, 12]
    assert first != [0, 1, 2, 10, 11, 12] and first != second
    assert [b for b in first if b < 10] == [0, 1, 2]  # each loader keeps its own order


def test_a_diverging_loss_stops_training():
    class Exploding(Recorder):
        def training_loss(self, X_dict, Y_dict):
            return self.w.sum() * float("nan"), 2

    with pytest.raises(FloatingPointError, match="The training loss became nan in epoch 0; lower lr or set grad_clip"):
        Trainer(progress_bar=False).fit(Exploding(), [tagged(0)])


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"n_epoch": 2}, TypeError, "Trainer got an unknown setting 'n_epoch'. Did you mean 'n_epochs'\\?"),
        ({"optimizer": "rmsprop"}, ValueError, r"optimizer must be one of \('sgd', 'adam', 'adamax'\); got 'rmsprop' \(str\)"),
        ({"lr_scheduler": "cosine"}, ValueError, "lr_scheduler must be one of .*got 'cosine'"),
        ({"batch_scheduler": "random"}, ValueError, "batch_scheduler must be one of .*got 'random'"),
        ({"n_epochs": 0}, ValueError, r"n_epochs must be an int >= 1; got 0 \(int\)"),
        ({"n_epochs": 2.0}, TypeError, r"n_epochs must be an int >= 1; got 2.0 \(float\)"),
        ({"warmup_steps": -1}, ValueError, r"warmup_steps must be an int >= 0; got -1 \(int\)"),
        ({"valid_every": 1.5}, TypeError, r"valid_every must be an int >= 1; got 1.5 \(float\)"),
        ({"step_size": True}, TypeError, r"step_size must be an int >= 1; got True \(bool\)"),
        ({"seed": "0"}, TypeError, r"seed must be an int >= 0; got '0' \(str\)"),
        ({"lr": 0}, ValueError, r"lr must be a number > 0; got 0.0 \(float\)"),
        ({"lr": "1e-3"}, TypeError, r"lr must be a number > 0; got '1e-3' \(str\)\. Write it without quotes, e\.g\. lr=1e-3\."),
        ({"lr": float("nan")}, ValueError, r"lr must be a number > 0; got nan"),
        ({"l2": -0.1}, ValueError, r"l2 must be a number >= 0; got -0.1"),
        ({"momentum": 1.5}, ValueError, r"momentum must be a number in \[0, 1\]; got 1.5"),
        ({"gamma": 0}, ValueError, r"gamma must be a number in \(0, 1\]; got 0.0"),
        ({"min_lr": "0"}, TypeError, r"min_lr must be a number >= 0; got '0' \(str\)"),
        ({"grad_clip": 0}, ValueError, r"grad_clip must be a number > 0; got 0.0 \(float\)\. Use None to turn clipping off\."),
        ({"progress_bar": "yes"}, TypeError, r"progress_bar must be True or False; got 'yes' \(str\)"),
        ({"checkpoint_metric": "task/valid/f1"}, ValueError, "checkpoint_metric must look like 'name:max' or 'name:min', got 'task/valid/f1'"),
    ],
)
def test_bad_settings_are_refused(settings, error, match):
    with pytest.raises(error, match=match):
        Trainer(**settings)


def test_bad_fit_arguments_are_refused():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module with a training_loss"):
        Trainer().fit(nn.Linear(2, 2), [loader()])
    with pytest.raises(ValueError, match=r"None of the 1 loaders has split 'train' \(splits: \['valid'\]\)"):
        Trainer().fit(plain(), [loader("valid")])
    with pytest.raises(ValueError, match=r"dataset.split must be one of \['train', 'valid', 'test'\], got 'dev'"):
        Trainer().fit(plain(), [loader(), loader("dev")])
    empty = DictDataLoader(DictDataset.from_tensors(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long), "train"))
    with pytest.raises(ValueError, match="The training loaders have no batches; give them data points"):
        Trainer().fit(plain(), [empty])
    with pytest.raises(ValueError, match=r"checkpoint_metric 'task/blobs/valid/f1' is not among the metrics of epoch 0: \['model/all/train/loss'"):
        Trainer(checkpoint_metric="task/blobs/valid/f1:max", progress_bar=False).fit(plain(), [loader()])


def test_fit_leaves_no_reference_cycle_holding_the_model():
    # A cycle would keep the model and the optimizer's state (3x the model) alive until the
    # garbage collector runs: gigabytes at the seed's size. The first optimizer of a process
    # imports torch._dynamo, whose frames hold a cycle of their own: do that first.
    torch.optim.Adam(nn.Linear(1, 1).parameters(), fused=True)
    gc.disable()
    try:
        model = plain()
        alive = weakref.ref(model), weakref.ref(next(model.parameters()))
        trainer = Trainer(n_epochs=2, lr=0.05, progress_bar=False, checkpoint_metric="task/blobs/valid/f1:max")
        trainer.fit(model, [loader(), loader("valid")])
        del model, trainer
        assert alive[0]() is None and alive[1]() is None
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "X, Y, match",
    [
        (torch.randn(6, 3), torch.tensor([0, 1, 2, 0, 1, -1]),
         r"Y_dict\['task'\] holds label 2 at row 2, outside \[0, n_classes=2\) \(labels found: \[-1, 0, 1, 2\]\)\. Use -1 for 'no label', or build the model with n_classes=3"),
        (torch.randn(6, 3).index_fill(0, torch.tensor([1, 4]), float("nan")), torch.tensor([0, 1, 1, 0, 1, 0]),
         r"X_dict\['input_data'\] has NaN or infinite values in 2 row\(s\), first \[1, 4\]\. Fill or drop them"),
    ],
    ids=["label-out-of-range", "nan-input"],
)
def test_bad_labels_and_inputs_fail_before_the_first_batch(X, Y, match):
    from snorkel_slice.classification import PlainClassifier

    model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    loader = DictDataLoader(DictDataset.from_tensors(X, Y, "train"), batch_size=3)
    with pytest.raises(ValueError, match=match):
        Trainer(n_epochs=1, progress_bar=False).fit(model, [loader])
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # not a step taken
