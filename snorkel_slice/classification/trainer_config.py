"""The Trainer's settings: one dataclass, with one comment per field, and their checks."""

from __future__ import annotations

import os
from dataclasses import dataclass

from snorkel_slice.classification.logs import LOG_WRITERS
from snorkel_slice.validation import check_bool, check_choice, check_int, check_real

OPTIMIZERS = ("sgd", "adam", "adamax")
LR_SCHEDULERS = ("constant", "linear", "exponential", "step")
BATCH_SCHEDULERS = ("shuffled", "sequential")
TRAIN_LOSS = "model/all/train/loss"



@dataclass
class TrainerConfig:
    """Settings of a ``Trainer``; the defaults are Snorkel's unless noted."""

    n_epochs: int = 1  # passes over the training loaders
    lr: float = 0.01  # base learning rate
    l2: float = 0.0  # weight decay of the optimizer
    optimizer: str = "adam"  # "sgd" | "adam" | "adamax"
    momentum: float = 0.9  # momentum of "sgd"
    betas: tuple[float, float] = (0.9, 0.999)  # moment decay rates of "adam" and "adamax"
    lr_scheduler: str = "constant"  # "constant" | "linear" (to 0) | "exponential" | "step"
    warmup_steps: int = 0  # linear warmup, in warmup_unit, from lr / steps up to lr
    warmup_unit: str = "batches"  # unit of warmup_steps: "batches" | "epochs"
    warmup_percentage: float = 0.0  # if > 0, warm up over this share of all batches instead
    gamma: float = 0.9  # lr factor per epoch ("exponential") or per step_size epochs ("step")
    step_size: int = 5  # epochs between "step" decays (Snorkel counts batches)
    min_lr: float = 0.0  # floor of the scheduled learning rate
    grad_clip: float | None = 1.0  # largest global gradient norm; None turns clipping off
    batch_scheduler: str = "shuffled"  # batch order across training loaders: or "sequential"
    train_split: str = "train"  # loaders whose dataset.split is this are trained on
    valid_split: str = "valid"  # ... are scored every valid_every epochs
    test_split: str = "test"  # ... are accepted and left alone
    valid_every: int = 1  # epochs between validations (and checkpoint checks)
    checkpoint_metric: str | None = None  # "name:max|min", e.g. "task/SnorkelDataset/valid/f1:max"
    checkpoint_dir: str | None = None  # folder for best.pt and last.pt; None keeps the best in memory
    checkpoint_every: int = 1  # epochs between writes of last.pt (the run to resume from)
    log_dir: str | None = None  # folder for the per-epoch log; None keeps it in history_ only
    log_writer: str = "json"  # "json" (log.jsonl, read with pandas) | "tensorboard" (event files)
    log_slices: bool = True  # also score each valid loader's slices with the model's score_slices
    seed: int | None = None  # seeds random, numpy and torch when fit starts
    progress_bar: bool = True  # show a bar with the running loss and the learning rate


def check_config(c: TrainerConfig) -> None:
    """Raise, naming the setting, if any field of ``c`` has the wrong type or value."""
    check_choice("optimizer", c.optimizer, OPTIMIZERS)
    check_choice("lr_scheduler", c.lr_scheduler, LR_SCHEDULERS)
    check_choice("batch_scheduler", c.batch_scheduler, BATCH_SCHEDULERS)
    check_int("n_epochs", c.n_epochs, low=1)
    check_int("warmup_steps", c.warmup_steps, low=0)
    check_choice("warmup_unit", c.warmup_unit, ("batches", "epochs"))
    check_real("warmup_percentage", c.warmup_percentage, low=0, high=1, high_open=True)
    if not (isinstance(c.betas, tuple | list) and len(c.betas) == 2):
        raise TypeError(f"betas must be a pair of numbers such as (0.9, 0.999); got {c.betas!r}.")
    for i, beta in enumerate(c.betas):
        check_real(f"betas[{i}]", beta, low=0, high=1, high_open=True)
    for name in ("train_split", "valid_split", "test_split"):
        if not isinstance(getattr(c, name), str):
            raise TypeError(f"{name} must be a str naming a DictDataset split; got {getattr(c, name)!r}.")
    check_int("step_size", c.step_size, low=1)
    check_int("valid_every", c.valid_every, low=1)
    if c.seed is not None:
        check_int("seed", c.seed, low=0)
    check_real("lr", c.lr, low=0, low_open=True)
    check_real("l2", c.l2, low=0)
    check_real("momentum", c.momentum, low=0, high=1)
    check_real("gamma", c.gamma, low=0, high=1, low_open=True)
    check_real("min_lr", c.min_lr, low=0)
    if c.grad_clip is not None:
        check_real("grad_clip", c.grad_clip, low=0, low_open=True, hint="Use None to turn clipping off.")
    check_bool("progress_bar", c.progress_bar)
    check_bool("log_slices", c.log_slices)
    check_int("checkpoint_every", c.checkpoint_every, low=1)
    check_choice("log_writer", c.log_writer, LOG_WRITERS)
    for name in ("checkpoint_dir", "log_dir"):
        value = getattr(c, name)
        if value is not None and not isinstance(value, str | os.PathLike):
            raise TypeError(f"{name} must be a folder path (str or Path) or None; got {value!r}.")
    if c.checkpoint_metric is not None:
        metric_mode(c.checkpoint_metric)

def metric_mode(checkpoint_metric: str) -> tuple[str, str]:
    """Split ``checkpoint_metric`` into the metric's name and "max" or "min"."""
    name, _, mode = str(checkpoint_metric).rpartition(":")
    if not name or mode not in ("max", "min"):
        raise ValueError(
            f"checkpoint_metric must look like 'name:max' or 'name:min', got "
            f"{checkpoint_metric!r}; e.g. 'task/SnorkelDataset/valid/f1:max'."
        )
    return name, mode
