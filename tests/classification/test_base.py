"""The evaluation API both classifiers share: predict_proba on array-likes, safe save and load, Ctrl-C."""

import os

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from snorkel_slice.classification import DictDataLoader, DictDataset, PlainClassifier, Trainer
from snorkel_slice.classification.base import ClassifierBase
from snorkel_slice.slicing import SliceAwareClassifier


def plain():
    torch.manual_seed(0)
    return PlainClassifier(nn.Linear(3, 4), head_dim=4)


def test_both_classifiers_share_one_base_through_super():
    assert PlainClassifier.__mro__[1] is ClassifierBase
    assert SliceAwareClassifier.__mro__[1] is ClassifierBase
    assert not issubclass(SliceAwareClassifier, PlainClassifier)


@pytest.mark.parametrize(
    "X",
    [np.zeros((2, 3)), [[0.0, 0.0, 0.0]] * 2, pd.DataFrame(np.zeros((2, 3))), torch.zeros(2, 3)],
    ids=["ndarray", "list", "frame", "tensor"],
)
def test_predict_proba_takes_array_likes(X):
    probs = plain().predict_proba(X)
    assert probs.shape == (2, 2) and np.allclose(probs.sum(axis=1), 1)


def test_predict_proba_names_bad_input():
    with pytest.raises(ValueError, match=r"Input X contains NaN"):
        plain().predict_proba([[0.0, np.nan, 1.0]])
    with pytest.raises(TypeError, match=r"batch_size must be an int >= 1; got 2.5"):
        plain().predict_proba(np.zeros((2, 3)), batch_size=2.5)


def test_save_replaces_the_file_atomically(tmp_path, monkeypatch):
    model, path = plain(), tmp_path / "model.pt"
    model.save(path)
    good = path.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert path.read_bytes() == good  # the good checkpoint survives
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # and no temporary is left


def test_save_into_a_folder_that_cannot_be_written_names_the_path(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere: use a path under a file instead
        blocker = tmp_path / "file"
        blocker.write_text("x")
        target = blocker / "model.pt"
    else:
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o500)
        target = folder / "model.pt"
    with pytest.raises(OSError, match=rf"Cannot write the model to {target}: .*Choose a folder you can write to"):
        plain().save(target)


def test_a_damaged_checkpoint_is_named(tmp_path):
    path = tmp_path / "model.pt"
    plain().save(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match=rf"{path} is damaged \(truncated or corrupted; torch said: .*Save the model again"):
        plain().load(path)
    with pytest.raises(FileNotFoundError, match=r"No model file at .*missing.pt; save one first"):
        plain().load(tmp_path / "missing.pt")


def test_ctrl_c_in_fit_keeps_the_best_epoch_in_eval_mode():
    torch.manual_seed(0)
    X, Y = torch.randn(40, 3), (torch.arange(40) % 2)
    train = DictDataLoader(DictDataset.from_tensors(X, Y, "train"), batch_size=10)
    valid = DictDataLoader(DictDataset.from_tensors(X, Y, "valid"), batch_size=40)
    model = plain()
    calls = {"n": 0}
    original = model.training_loss

    def interrupt_in_epoch_two(X_dict, Y_dict):
        calls["n"] += 1
        if calls["n"] == 6:  # the second batch of the second epoch
            raise KeyboardInterrupt
        return original(X_dict, Y_dict)

    model.training_loss = interrupt_in_epoch_two
    trainer = Trainer(n_epochs=3, lr=0.1, progress_bar=False, checkpoint_metric="task/SnorkelDataset/valid/accuracy:max")
    best = {}

    def remember(model_, metrics, best_state):
        state = Trainer._checkpoint(trainer, model_, metrics, best_state)
        best.update({k: v.clone() for k, v in state.items()})
        return state

    trainer._checkpoint = remember
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(model, [train, valid])
    assert not model.training
    assert trainer.best_epoch_ == 0
    assert all(torch.equal(model.state_dict()[k], v) for k, v in best.items())


def test_an_empty_validation_loader_is_named_not_blamed_on_labels():
    empty = DictDataLoader(DictDataset.from_tensors(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), "valid"))
    with pytest.raises(ValueError, match=r"The loader over DictDataset\(name=SnorkelDataset, split=valid, n=0.*yields no batches"):
        plain().score([empty])
