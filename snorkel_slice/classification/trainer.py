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
import warnings
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from snorkel_slice.classification.checkpoint import (
    load_state,
    read_checkpoint,
    rng_state,
    save_state,
    set_rng_state,
)
from snorkel_slice.classification.logs import TrainingLog
from snorkel_slice.classification.optim import lr_factor, make_optimizer
from snorkel_slice.classification.snorkel_settings import flatten_snorkel_settings
from snorkel_slice.classification.trainer_config import (
    TRAIN_LOSS,
    TrainerConfig,
    check_config,
    metric_mode,
)
from snorkel_slice.progress import progress


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
        check_config(self.config)

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

    def fit(self, model: nn.Module, dataloaders: Sequence[Any], resume_from: str | Path | None = None) -> Trainer:
        """Train ``model`` on the "train" loaders, validating on the "valid" ones.

        With ``checkpoint_metric`` set, the parameters with the best value seen at a
        validation are restored at the end, and on any exit (Ctrl-C included). With
        ``checkpoint_dir`` set, ``best.pt`` and ``last.pt`` are written there atomically,
        with the optimizer, scheduler, random generators and epoch; with ``log_dir`` set, every
        epoch's figures are logged there.

        Parameters
        ----------
        model
            A module with ``training_loss`` (and ``score`` if validating).
        dataloaders
            ``DictDataLoader``s; their ``dataset.split`` says what each is for.
        resume_from
            A ``last.pt`` written by an earlier run with the same settings: training continues
            after its epoch, up to ``n_epochs``, and ends with the parameters an uninterrupted
            run would have, bit for bit.

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
        n_batches = sum(len(dl) for dl in train)
        if n_batches == 0:
            raise ValueError("The training loaders have no batches; give them data points.")
        # Neither is kept on self: the optimizer's state is twice the model's size.
        optimizer = make_optimizer(model, c)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: lr_factor(c, step, n_batches))
        self.history_: list[dict[str, Any]] = []
        self.best_metric_, self.best_epoch_ = None, None
        self._best_state = None
        start = 0
        if resume_from is not None:
            start = self._resume(resume_from, model, optimizer, scheduler)
        elif c.seed is not None:
            set_seed(c.seed)
        log = TrainingLog(c.log_dir, c.log_writer) if c.log_dir is not None else None
        try:
            for epoch in range(start, c.n_epochs):
                row = self._epoch(model, epoch, train, valid, optimizer, scheduler, n_batches)
                self.history_.append(row)
                if log is not None:
                    log.write(row)
                last = epoch + 1 == c.n_epochs
                if c.checkpoint_dir is not None and ((epoch + 1) % c.checkpoint_every == 0 or last):
                    self._write("last.pt", model.state_dict(), optimizer, scheduler, epoch)
        finally:
            # On any exit, Ctrl-C included: the best epoch's parameters, in eval mode.
            if log is not None:
                log.close()
            if self._best_state is not None:
                model.load_state_dict(self._best_state)
            self._best_state = None
            model.eval()
        return self

    def _write(self, name: str, model_state: dict, optimizer: Any, scheduler: Any, epoch: int) -> None:
        """Write a checkpoint: the model, the trainer's state and the generators, atomically."""
        state = {
            "model": model_state,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": rng_state(),
            "epoch": epoch,
            "history": self.history_,
            "best_metric": self.best_metric_,
            "best_epoch": self.best_epoch_,
        }
        save_state(state, Path(self.config.checkpoint_dir) / name)

    def _resume(self, path: str | Path, model: nn.Module, optimizer: Any, scheduler: Any) -> int:
        """Load ``last.pt`` into the model and the trainer's state; return the next epoch."""
        state = read_checkpoint(path)
        if not (isinstance(state, dict) and {"model", "optimizer", "rng", "epoch"} <= set(state)):
            raise ValueError(
                f"{path} is not a trainer checkpoint (model.save writes parameters only); resume "
                "from the last.pt that a Trainer with checkpoint_dir wrote."
            )
        model.load_state_dict(load_state(path, like=model.state_dict()))
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        set_rng_state(state["rng"])
        self.history_ = list(state["history"])
        self.best_metric_, self.best_epoch_ = state["best_metric"], state["best_epoch"]
        best = Path(path).with_name("best.pt")
        if self.best_epoch_ is not None and best.is_file():
            self._best_state = load_state(best, like=model.state_dict())
        return int(state["epoch"]) + 1

    def _epoch(self, model, epoch, train, valid, optimizer, scheduler, n_batches) -> dict:
        """Train one epoch, validate if due, keep the best parameters; return the history row."""
        c = self.config
        params = [p for p in model.parameters() if p.requires_grad]
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
                # Iterating a loader draws a seed from torch's global generator; validating must not
                # change what training does next, so it draws from a forked generator.
                with torch.random.fork_rng(devices=[]):
                    row.update(model.score(valid))
                if c.log_slices and callable(getattr(model, "score_slices", None)):
                    row.update(slice_metrics(model, valid))
            if c.checkpoint_metric is not None:
                improved = self._checkpoint(model, row, self._best_state)
                if improved is not self._best_state and c.checkpoint_dir is not None:
                    self._write("best.pt", improved, optimizer, scheduler, epoch)
                self._best_state = improved
        return row

    def _checkpoint(self, model: nn.Module, metrics: dict[str, Any], best_state: Any) -> Any:
        """Keep a copy of the parameters if ``checkpoint_metric`` improved."""
        name, mode = metric_mode(self.config.checkpoint_metric)
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


def slice_metrics(model: nn.Module, loaders: list) -> dict[str, float]:
    """Every slice's scores, keyed ``slice:<name>/dataset/split/metric``, and each metric's worst.

    The lowest score over the slices (NaN for empty ones skipped) is keyed
    ``worst_slice/dataset/split/metric``; for a loss-like metric, lowest is not worst.
    """
    # Iterating a DataLoader draws from torch's generator, even unshuffled: fork it, so that
    # logging slices leaves training exactly as it would be without.
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")  # small and empty slices are expected, every epoch
        frame = model.score_slices(loaders, as_dataframe=True, min_support=0)
    frame = frame[~frame["slice"].isin(["overall", "base"])]
    out, worst = {}, {}
    for r in frame.itertuples():
        out[f"slice:{r.slice}/{r.dataset}/{r.split}/{r.metric}"] = score = float(r.score)
        # The worst slice of each metric, e.g. for checkpoint_metric="worst_slice/.../valid/accuracy:max"
        # (model selection by worst-slice score, as in Idrissi et al., CLeaR 2022).
        key = f"worst_slice/{r.dataset}/{r.split}/{r.metric}"
        prev = worst.get(key, math.nan)
        worst[key] = score if math.isnan(prev) else min(prev, score)  # NaN (empty slice) never wins
    return {**out, **worst}
