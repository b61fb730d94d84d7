"""Training logs on disk (JSON lines, TensorBoard) and checkpoints a run can resume from, bit for bit."""

import os

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from snorkel_slice.classification import DictDataLoader, DictDataset, PlainClassifier, Trainer
from snorkel_slice.slicing import SliceAwareClassifier

METRIC = "task/SnorkelDataset/valid/f1:max"


def data():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(60, 4, generator=g)
    Y = (X[:, 0] + 0.3 * X[:, 1] > 0).long()
    S = pd.DataFrame({"left": (X[:, 2] < 0).numpy(), "tiny": (X[:, 3] > 1.5).numpy()})
    return X, Y, S


def model_and_loaders(dropout=0.0):
    torch.manual_seed(1)
    X, Y, S = data()
    model = SliceAwareClassifier(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(dropout)), 8, ["left", "tiny"])
    train = model.make_slice_dataloader(DictDataset.from_tensors(X[:40], Y[:40], "train"), S[:40], batch_size=8, shuffle=True)
    valid = model.make_slice_dataloader(DictDataset.from_tensors(X[40:], Y[40:], "valid"), S[40:].reset_index(drop=True), batch_size=20)
    return model, [train, valid]


def settings(tmp_path, **more):
    return dict(n_epochs=4, lr=0.05, seed=3, progress_bar=False, checkpoint_metric=METRIC,
                checkpoint_dir=str(tmp_path / "ckpt"), **more)


def test_the_json_log_holds_every_figure_of_every_epoch_per_slice_included(tmp_path):
    model, loaders = model_and_loaders()
    trainer = Trainer(**settings(tmp_path, log_dir=str(tmp_path / "logs"))).fit(model, loaders)
    log = pd.read_json(tmp_path / "logs" / "log.jsonl", lines=True)
    assert log["epoch"].tolist() == [0, 1, 2, 3]
    assert "slice:left/SnorkelDataset/valid/f1" in log.columns and "slice:tiny/SnorkelDataset/valid/accuracy" in log.columns
    expected = pd.DataFrame(trainer.history_)
    pd.testing.assert_frame_equal(log[expected.columns], expected, check_dtype=False)
    # the per-slice figure is the model's own score_slices on that loader at that epoch
    assert 0 <= log["slice:left/SnorkelDataset/valid/f1"].iloc[-1] <= 1


def test_the_tensorboard_log_opens_with_tensorboards_reader(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    model, loaders = model_and_loaders()
    trainer = Trainer(**settings(tmp_path, log_dir=str(tmp_path / "tb"), log_writer="tensorboard")).fit(model, loaders)
    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    losses = [e.value for e in events.Scalars("model/all/train/loss")]
    assert losses == pytest.approx([row["model/all/train/loss"] for row in trainer.history_], rel=1e-6)
    assert len(events.Scalars("slice:left/SnorkelDataset/valid/f1")) == 4


def test_best_and_last_checkpoints_are_written_and_load_into_a_fresh_model(tmp_path):
    model, loaders = model_and_loaders()
    trainer = Trainer(**settings(tmp_path)).fit(model, loaders)
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["best.pt", "last.pt"]  # no temporary left
    fresh, _ = model_and_loaders()
    fresh.load(tmp_path / "ckpt" / "best.pt")
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), model.state_dict().values(), strict=True))
    last = torch.load(tmp_path / "ckpt" / "last.pt", weights_only=True)
    assert last["epoch"] == 3 and last["best_epoch"] == trainer.best_epoch_


@pytest.mark.parametrize("stop_in_epoch", [1, 3])
def test_a_resumed_run_ends_with_the_parameters_of_an_uninterrupted_one(tmp_path, stop_in_epoch, one_thread):
    # Dropout and shuffling both draw random numbers, so the generators must be restored too.
    model, loaders = model_and_loaders(dropout=0.2)
    whole = Trainer(**settings(tmp_path / "whole")).fit(model, loaders)
    expected = {k: v.clone() for k, v in model.state_dict().items()}

    model, loaders = model_and_loaders(dropout=0.2)
    original, calls = model.training_loss, {"n": 0}

    def interrupted(X_dict, Y_dict):
        calls["n"] += 1
        if calls["n"] == stop_in_epoch * len(loaders[0]) + 2:  # mid-epoch, as a Ctrl-C would
            raise KeyboardInterrupt
        return original(X_dict, Y_dict)

    model.training_loss = interrupted
    with pytest.raises(KeyboardInterrupt):
        Trainer(**settings(tmp_path / "parts")).fit(model, loaders)
    model, loaders = model_and_loaders(dropout=0.2)  # a new process would start from scratch
    resumed = Trainer(**settings(tmp_path / "parts")).fit(model, loaders, resume_from=tmp_path / "parts" / "ckpt" / "last.pt")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in expected.items())
    assert resumed.best_epoch_ == whole.best_epoch_ and resumed.best_metric_ == whole.best_metric_
    assert pd.DataFrame(resumed.history_).equals(pd.DataFrame(whole.history_))


def test_resume_errors_name_the_file(tmp_path):
    model, loaders = model_and_loaders()
    model.save(tmp_path / "params.pt")
    with pytest.raises(ValueError, match=r"params\.pt is not a trainer checkpoint \(model\.save writes parameters only\)"):
        Trainer(**settings(tmp_path)).fit(model, loaders, resume_from=tmp_path / "params.pt")
    with pytest.raises(FileNotFoundError, match=r"No model file at .*nothing\.pt"):
        Trainer(**settings(tmp_path)).fit(model, loaders, resume_from=tmp_path / "nothing.pt")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match=rf"Cannot create the log folder {blocker}/logs: .*log_dir="):
        Trainer(**settings(tmp_path, log_dir=str(blocker / "logs"))).fit(model, loaders)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ({"log_writer": "csv"}, ValueError, r"log_writer must be 'tensorboard' or 'json', as in Snorkel; got 'csv'"),
        ({"log_dir": 3}, TypeError, r"log_dir must be a folder path \(str or Path\) or None; got 3"),
        ({"checkpoint_every": 0}, ValueError, r"checkpoint_every must be an int >= 1; got 0"),
        ({"log_slices": "yes"}, TypeError, r"log_slices must be True or False; got 'yes'"),
    ],
)
def test_bad_log_and_checkpoint_settings(bad, error, match):
    with pytest.raises(error, match=match):
        Trainer(**bad)


def test_a_plain_model_logs_without_slices(tmp_path):
    X, Y, _ = data()
    loaders = [DictDataLoader(DictDataset.from_tensors(X, Y, split), batch_size=20) for split in ("train", "valid")]
    Trainer(n_epochs=2, progress_bar=False, log_dir=str(tmp_path)).fit(PlainClassifier(nn.Linear(4, 4), 4), loaders)
    log = pd.read_json(tmp_path / "log.jsonl", lines=True)
    assert len(log) == 2 and not any(c.startswith("slice:") for c in log.columns)
    assert np.isfinite(log["task/SnorkelDataset/valid/f1"]).all()


def test_logging_slices_leaves_training_unchanged(tmp_path):
    runs = []
    for log_slices in (True, False):
        model, loaders = model_and_loaders(dropout=0.2)
        Trainer(n_epochs=3, lr=0.05, seed=3, progress_bar=False, log_slices=log_slices).fit(model, loaders)
        runs.append(model.state_dict())
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0])
