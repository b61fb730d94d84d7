"""A small trainer for any ``torch.nn.Module`` that reports its own loss.

The trainer knows nothing of slices. A model it fits provides

- ``training_loss(X_dict, Y_dict) -> (loss, n_points)``: the scalar to minimise on a batch, and
  the number of data points it covers (which weights the running loss in the progress bar);
- ``score(dataloaders) -> {"label/dataset/split/metric": value}``, called on the validation
  loaders every ``valid_every`` epochs.

``PlainClassifier`` and ``SliceAwareClassifier`` do. Loaders are sorted into training and
validation by ``loader.dataset.split``, as in Snorkel's ``Trainer``.
"""

from __future__ import annotations

import difflib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import torch
from torch import nn

from snorkel_slice.classification.snorkel_settings import flatten_snorkel_settings
from snorkel_slice.progress import progress
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
    seed: int | None = None  # seeds random, numpy and torch when fit starts
    progress_bar: bool = True  # show a bar with the running loss and the learning rate


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's random generators.

    Examples
    --------
    >>> set_seed(0); a = torch.rand(1)
    >>> set_seed(0); bool(torch.rand(1) == a)
    True
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    """Fit a model that follows the protocol above with mini-batch gradient descent.

    Parameters
    ----------
    config
        Settings; ``None`` uses the defaults.
    **kwargs
        Fields of ``TrainerConfig`` that override ``config``, e.g. ``n_epochs=2, lr=1e-4``.

    Attributes
    ----------
    history_
        One dict per epoch: epoch, the mean training loss, the learning rate of the epoch's
        last batch and any validation metrics.
    best_metric_, best_epoch_
        Best value of ``checkpoint_metric`` and its epoch, if checkpointing.

    Examples
    --------
    >>> from snorkel_slice.classification.data import DictDataLoader, DictDataset
    >>> from snorkel_slice.classification.plain import PlainClassifier
    >>> set_seed(0)
    >>> ds = DictDataset.from_tensors(torch.randn(8, 3), torch.tensor([0, 1] * 4), "train")
    >>> model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
    >>> trainer = Trainer(n_epochs=2, lr=0.1, progress_bar=False).fit(model, [DictDataLoader(ds, batch_size=4)])
    >>> [row["epoch"] for row in trainer.history_]
    [0, 1]
    """

    def __init__(self, config: TrainerConfig | str | None = None, **kwargs: Any) -> None:
        if isinstance(config, str):  # Snorkel's Trainer(name, **settings)
            kwargs.setdefault("name", config)
            config = None
        self.name = kwargs.pop("name", None)
        kwargs = flatten_snorkel_settings(kwargs)  # Snorkel's nested settings -> our fields
        names = [f.name for f in fields(TrainerConfig)]
        for key in kwargs:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise TypeError(f"Trainer got an unknown setting {key!r}.{hint} Settings: {names}.")
        base = config or TrainerConfig()
        self.config = TrainerConfig(**{**{n: getattr(base, n) for n in names}, **kwargs})
        self._check_config()

    def _check_config(self) -> None:
        c = self.config
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
        if c.checkpoint_metric is not None:
            self._metric_mode()

    def _metric_mode(self) -> tuple[str, str]:
        name, _, mode = str(self.config.checkpoint_metric).rpartition(":")
        if not name or mode not in ("max", "min"):
            raise ValueError(
                f"checkpoint_metric must look like 'name:max' or 'name:min', got "
                f"{self.config.checkpoint_metric!r}; e.g. 'task/SnorkelDataset/valid/f1:max'."
            )
        return name, mode

    def _split_loaders(self, dataloaders: Sequence[Any]) -> tuple[list, list]:
        c = self.config
        splits = (c.train_split, c.valid_split, c.test_split)
        for dl in dataloaders:
            split = getattr(getattr(dl, "dataset", None), "split", None)
            if split not in splits:
                raise ValueError(
                    f"Every loader's dataset.split must be one of {list(splits)}, got {split!r}; "
                    "build the DictDataset with one of those splits."
                )
        train = [dl for dl in dataloaders if dl.dataset.split == c.train_split]
        if not train:
            raise ValueError(
                f"None of the {len(dataloaders)} loaders has split {c.train_split!r} (splits: "
                f"{[dl.dataset.split for dl in dataloaders]}); pass a training loader."
            )
        return train, [dl for dl in dataloaders if dl.dataset.split == c.valid_split]

    def _optimizer(self, model: nn.Module) -> torch.optim.Optimizer:
        c = self.config
        params = [p for p in model.parameters() if p.requires_grad]
        if c.optimizer == "adamax":
            return torch.optim.Adamax(params, lr=c.lr, betas=c.betas, weight_decay=c.l2)
        # The fused kernels update every parameter in one pass: much faster on large models.
        fused = all(p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in params)
        if c.optimizer == "sgd":
            return torch.optim.SGD(params, lr=c.lr, momentum=c.momentum, weight_decay=c.l2, fused=fused)
        return torch.optim.Adam(params, lr=c.lr, betas=c.betas, weight_decay=c.l2, fused=fused)

    def _warmup_batches(self, n_batches: int) -> int:
        """Warmup length in batches, from warmup_percentage or warmup_steps in warmup_unit."""
        c = self.config
        if c.warmup_percentage > 0:
            return int(c.warmup_percentage * c.n_epochs * n_batches)
        return c.warmup_steps * (n_batches if c.warmup_unit == "epochs" else 1)

    def _lr_factor(self, step: int, n_batches: int) -> float:
        """Multiplier of ``lr`` for the batch after ``step`` optimizer steps."""
        c = self.config
        warmup = self._warmup_batches(n_batches)
        if step < warmup:
            return (step + 1) / warmup
        t = step - warmup  # steps since warmup ended
        if c.lr_scheduler == "linear":
            factor = max(0.0, 1 - t / max(1, c.n_epochs * n_batches - warmup))
        elif c.lr_scheduler == "exponential":
            factor = c.gamma ** (t / n_batches)
        elif c.lr_scheduler == "step":
            factor = c.gamma ** (t // (c.step_size * n_batches))
        else:
            factor = 1.0
        return max(factor, c.min_lr / c.lr)

    def _batches(self, loaders: list) -> Any:
        """Yield every batch of every training loader once, in the configured order."""
        if self.config.batch_scheduler == "sequential":
            for dl in loaders:
                yield from dl
            return
        iters = [iter(dl) for dl in loaders]
        order = torch.cat([torch.full((len(dl),), i) for i, dl in enumerate(loaders)])
        for i in order[torch.randperm(len(order))].tolist():
            yield next(iters[i])

    def fit(self, model: nn.Module, dataloaders: Sequence[Any]) -> Trainer:
        """Train ``model`` on the "train" loaders, validating on the "valid" ones.

        With ``checkpoint_metric`` set, the parameters with the best value seen at a
        validation are restored at the end (kept in memory, not on disk).

        Parameters
        ----------
        model
            A module with ``training_loss`` (and ``score`` if validating).
        dataloaders
            ``DictDataLoader``s; their ``dataset.split`` says what each is for.

        Returns
        -------
        Trainer
            ``self``, with ``history_`` (and ``best_metric_``, ``best_epoch_``) set.
        """
        if not isinstance(model, nn.Module) or not callable(getattr(model, "training_loss", None)):
            raise TypeError(
                f"model must be a torch.nn.Module with a training_loss(X_dict, Y_dict) method, "
                f"got {type(model).__name__}; use PlainClassifier or SliceAwareClassifier."
            )
        train, valid = self._split_loaders(list(dataloaders))
        for dl in [*train, *valid]:  # bad labels or inputs fail here, not mid-epoch
            if callable(getattr(model, "check_data", None)):
                model.check_data(dl)
        c = self.config
        if c.seed is not None:
            set_seed(c.seed)
        n_batches = sum(len(dl) for dl in train)
        if n_batches == 0:
            raise ValueError("The training loaders have no batches; give them data points.")
        # Neither is kept on self: the optimizer's state is twice the model's size.
        optimizer = self._optimizer(model)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: self._lr_factor(step, n_batches))
        params = [p for p in model.parameters() if p.requires_grad]
        self.history_: list[dict[str, Any]] = []
        self.best_metric_, self.best_epoch_ = None, None
        self._best_state = None
        try:
            for epoch in range(c.n_epochs):
                self.history_.append(self._epoch(model, epoch, train, valid, optimizer, scheduler, params, n_batches))
        finally:
            # On any exit, Ctrl-C included: the best epoch's parameters, in eval mode.
            if self._best_state is not None:
                model.load_state_dict(self._best_state)
            self._best_state = None
            model.eval()
        return self

    def _epoch(self, model, epoch, train, valid, optimizer, scheduler, params, n_batches) -> dict:
        """Train one epoch, validate if due, keep the best parameters; return the history row."""
        c = self.config
        model.train()
        total, count = 0.0, 0
        lr = optimizer.param_groups[0]["lr"]
        bar = progress(self._batches(train), enabled=c.progress_bar, total=n_batches, desc=f"Epoch {epoch}")
        for X_dict, Y_dict in bar:
            lr = optimizer.param_groups[0]["lr"]  # the rate this batch is trained with
            optimizer.zero_grad()
            loss, n = model.training_loss(X_dict, Y_dict)
            value = loss.item()
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"The training loss became {value} in epoch {epoch}; lower lr or set grad_clip."
                )
            loss.backward()
            if c.grad_clip:
                nn.utils.clip_grad_norm_(params, c.grad_clip)
            optimizer.step()
            scheduler.step()
            total, count = total + value * n, count + n
            bar.set_postfix(loss=f"{total / max(count, 1):.4g}", lr=f"{lr:.3g}", refresh=False)
        row = {"epoch": epoch, TRAIN_LOSS: total / max(count, 1), "model/all/train/lr": lr}
        if (epoch + 1) % c.valid_every == 0:
            if valid:
                row.update(model.score(valid))
            if c.checkpoint_metric is not None:
                self._best_state = self._checkpoint(model, row, self._best_state)
        return row

    def _checkpoint(self, model: nn.Module, metrics: dict[str, Any], best_state: Any) -> Any:
        """Keep a copy of the parameters if ``checkpoint_metric`` improved."""
        name, mode = self._metric_mode()
        if name not in metrics:
            raise ValueError(
                f"checkpoint_metric {name!r} is not among the metrics of epoch "
                f"{metrics['epoch']}: {sorted(k for k in metrics if k != 'epoch')}; pick one of "
                f"those (validation metrics need a loader with split {self.config.valid_split!r})."
            )
        value = metrics[name]
        better = not math.isnan(value) and (
            self.best_metric_ is None
            or (value > self.best_metric_ if mode == "max" else value < self.best_metric_)
        )
        if not better:
            return best_state
        self.best_metric_, self.best_epoch_ = value, metrics["epoch"]
        return {k: v.detach().clone() for k, v in model.state_dict().items()}
