"""Snorkel's Trainer settings run unchanged: nested configs land on the flat TrainerConfig."""

import warnings

import pytest
import torch
from snorkel.classification.training.trainer import TrainerConfig as SnorkelTrainerConfig
from torch import nn

from snorkel_slice.classification import DictDataLoader, DictDataset, PlainClassifier, Trainer


def test_snorkels_full_default_config_is_accepted():
    defaults = SnorkelTrainerConfig()._asdict()  # nested named tuples, as Snorkel builds them
    config = Trainer(**defaults).config
    assert (config.n_epochs, config.lr, config.grad_clip, config.optimizer) == (1, 0.01, 1.0, "adam")
    assert (config.train_split, config.valid_split, config.test_split) == ("train", "valid", "test")
    assert config.checkpoint_metric is None


def test_nested_settings_map_onto_flat_fields():
    trainer = Trainer(
        "my_trainer",  # Snorkel's first positional argument is the trainer's name
        optimizer="sgd",
        optimizer_config={"sgd_config": {"momentum": 0.5}, "adam_config": {"betas": (0.8, 0.99)}},
        lr_scheduler="exponential",
        lr_scheduler_config={"warmup_steps": 2.0, "warmup_unit": "epochs", "min_lr": 1e-4,
                             "exponential_config": {"gamma": 0.5}},
        checkpointing=True,
        checkpointer_config={"checkpoint_metric": {"task/SnorkelDataset/valid/accuracy": "max"},
                             "checkpoint_factor": 2},
        log_manager_config={"counter_unit": "epochs", "evaluation_freq": 1},
    )
    c = trainer.config
    assert trainer.name == "my_trainer"
    assert (c.momentum, c.betas, c.warmup_steps, c.warmup_unit, c.min_lr, c.gamma) == (0.5, (0.8, 0.99), 2, "epochs", 1e-4, 0.5)
    assert c.checkpoint_metric == "task/SnorkelDataset/valid/accuracy:max" and c.valid_every == 2


def test_snorkel_style_checkpointing_trains_and_keeps_the_best():
    torch.manual_seed(0)
    X, Y = torch.randn(40, 3), torch.arange(40) % 2
    loaders = [DictDataLoader(DictDataset.from_tensors(X, Y, split), batch_size=10) for split in ("train", "valid")]
    model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
    trainer = Trainer(n_epochs=3, lr=0.05, progress_bar=False, checkpointing=True,
                      checkpointer_config={"checkpoint_metric": "task/SnorkelDataset/valid/accuracy:max"})
    trainer.fit(model, loaders)
    best = max(row["task/SnorkelDataset/valid/accuracy"] for row in trainer.history_)
    assert trainer.best_metric_ == best


def test_logging_and_checkpoint_dir_map_onto_the_flat_fields(tmp_path):
    trainer = Trainer(logging=True, log_writer="json", log_writer_config={"log_dir": str(tmp_path), "run_name": "run1"},
                      checkpointing=True, checkpointer_config={"checkpoint_dir": str(tmp_path / "ckpt")})
    c = trainer.config
    assert (c.log_dir, c.log_writer, c.checkpoint_dir) == (f"{tmp_path}/run1", "json", str(tmp_path / "ckpt"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Trainer(logging=False, log_writer="tensorboard").config.log_dir is None  # Snorkel's defaults


@pytest.mark.parametrize(
    "settings, error, match",
    [
        ({"optimizer_config": {"sgd": {"momentum": 0.5}}}, TypeError, r"optimizer_config has unknown setting\(s\) \['sgd'\]; Snorkel's optimizer_config takes \['adam_config', 'adamax_config', 'sgd_config'\]"),
        ({"optimizer_config": 3}, TypeError, r"optimizer_config must be a dict of settings, as in Snorkel; got int"),
        ({"optimizer_config": {"adam_config": {"amsgrad": True}}}, ValueError, r"adam_config.amsgrad=True is not supported: this trainer uses plain Adam"),
        ({"lr_scheduler": "step", "lr_scheduler_config": {"step_config": {"step_size": 100}}}, ValueError, r"step_config.step_size counts batches in Snorkel, but this trainer's step_size counts epochs; pass step_size="),
        ({"lr_scheduler_config": {"warmup_unit": "points"}}, ValueError, r"warmup_unit must be one of \('batches', 'epochs'\); got 'points'"),
        ({"checkpointing": True, "checkpointer_config": {"checkpoint_runway": 2}}, ValueError, r"checkpointer_config.checkpoint_runway=2 is not supported"),
        ({"log_manager_config": {"counter_unit": "batches"}}, ValueError, r"log_manager_config.counter_unit='batches' is not supported: validation runs every valid_every epochs"),
        ({"log_manager_config": {"evaluation_freq": 0.5}}, ValueError, r"evaluation_freq must be a whole number of epochs >= 1; got 0.5"),
        ({"log_writer": "csv"}, ValueError, r"log_writer must be 'tensorboard' or 'json', as in Snorkel; got 'csv'"),
        ({"train_split": 1}, TypeError, r"train_split must be a str naming a DictDataset split; got 1"),
        ({"betas": (0.9, 1.5)}, ValueError, r"betas\[1\] must be a number in \[0, 1\); got 1.5"),
    ],
)
def test_settings_that_cannot_be_honoured_are_refused(settings, error, match):
    with pytest.raises(error, match=match):
        Trainer(**settings)
