"""How each remedy of ``compare_fixes`` builds its model and its training loader.

One function per method, each taking the same ``Task`` (the data, the backbone factory, and
what the method's first stage left behind) and one value of the method's main setting. They
return a ``Run``: a model and loader for the ordinary ``Trainer``, plus Trainer overrides.
Every choice here is the plain, documented form of the method; see the modules they call.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from torch import nn

from snorkel_slice.classification.data import DictDataLoader, DictDataset
from snorkel_slice.classification.groups import (
    append_slices,
    group_weights,
    label_free_slices,
    slice_balanced_sampler,
)
from snorkel_slice.classification.jtt import jtt_sampler
from snorkel_slice.classification.last_layer import freeze_body, split_heldout
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.classification.robust import GroupDROClassifier, ReweightedClassifier

# method -> (name of its main setting, default grid). "thresholds" has no setting of its own:
# it is fitted on the validation rows on top of the selected "erm" model.
GRIDS: dict[str, tuple[str, tuple]] = {
    "erm": ("l2", (0.0, 1e-3)),
    "sf_feature": ("l2", (0.0, 1e-3)),
    "oversample": ("power", (0.5, 1.0)),
    "reweight": ("power", (0.5, 1.0)),
    "group_dro": ("step_size", (0.01, 0.1)),
    "jtt": ("factor", (5.0, 20.0)),
    "last_layer": ("l2", (0.0, 1e-2)),
    "thresholds": ("fitted on valid", (None,)),
    "slice_aware": ("l2", (0.0, 1e-3)),
}
METHODS = tuple(GRIDS)
# Methods that read slice membership at prediction time: label-free slices only.
NEEDS_SLICES_AT_PREDICTION = ("sf_feature", "thresholds")


@dataclass
class Split:
    """One of train, valid, test: features (n, d) float32, labels (n,), slices (n, k) bools."""

    X: np.ndarray
    y: np.ndarray
    S: pd.DataFrame


@dataclass
class Task:
    """What every method of one ``compare_fixes`` call shares."""

    train: Split
    valid: Split
    make_base: Callable[[int], nn.Module]
    head_dim: int
    n_classes: int
    batch_size: int
    n_epochs: int
    feature_slices: list[str]  # label-free slices, usable at prediction time
    cache: dict = field(default_factory=dict)  # per seed: the selected erm model, JTT's errors

    def dataset(self, X: np.ndarray, y: np.ndarray, split: str) -> DictDataset:
        return DictDataset.from_tensors(X, y.astype(np.int64), split)

    def plain(self, in_dim: int) -> PlainClassifier:
        return PlainClassifier(self.make_base(in_dim), self.head_dim, self.n_classes)

    def shuffled(self, ds: DictDataset) -> DictDataLoader:
        return DictDataLoader(ds, batch_size=self.batch_size, shuffle=True)


@dataclass
class Run:
    """A model, its training loader and its validation loader, and Trainer overrides."""

    model: nn.Module
    train_loader: Any
    valid_loader: Any
    trainer_settings: dict = field(default_factory=dict)
    X_test: Callable[[Split], np.ndarray] = lambda split: split.X  # the inputs it predicts from


def valid_loader(task: Task, X: np.ndarray, split: Split | None = None) -> Any:
    """Validation rows with their slice labels, so the Trainer scores every slice each epoch."""
    from snorkel_slice.slicing.loaders import make_slice_dataloader

    split = split or task.valid
    return make_slice_dataloader(task.dataset(X, split.y, "valid"), split.S, batch_size=4096)


def erm(task: Task, value: float) -> Run:
    """The plain classifier; its setting is the weight decay ``l2``."""
    model = task.plain(task.train.X.shape[1])
    ds = task.dataset(task.train.X, task.train.y, "train")
    return Run(model, task.shuffled(ds), valid_loader(task, task.valid.X), {"l2": value})


def sf_feature(task: Task, value: float) -> Run:
    """The plain classifier on the features plus the label-free slices' 0/1 columns."""
    names = task.feature_slices
    X = append_slices(task.train.X, task.train.S, names)
    model = task.plain(X.shape[1])
    return Run(model, task.shuffled(task.dataset(X, task.train.y, "train")),
               valid_loader(task, append_slices(task.valid.X, task.valid.S, names)), {"l2": value},
               X_test=lambda split: append_slices(split.X, split.S, names))


def oversample(task: Task, value: float) -> Run:
    """The plain classifier, fed rows drawn with inverse slice frequency to the ``power``."""
    model = task.plain(task.train.X.shape[1])
    ds = task.dataset(task.train.X, task.train.y, "train")
    loader = DictDataLoader(ds, batch_size=task.batch_size,
                            sampler=slice_balanced_sampler(task.train.S, power=value))
    return Run(model, loader, valid_loader(task, task.valid.X))


def reweight(task: Task, value: float) -> Run:
    """The loss weighted by inverse slice frequency to the ``power``."""
    model = ReweightedClassifier(task.make_base(task.train.X.shape[1]), task.head_dim,
                                 group_weights(task.train.S, power=value), n_classes=task.n_classes)
    ds = task.dataset(task.train.X, task.train.y, "train")
    loader = model.make_slice_dataloader(ds, task.train.S, batch_size=task.batch_size, shuffle=True)
    return Run(model, loader, valid_loader(task, task.valid.X))


def group_dro(task: Task, value: float) -> Run:
    """Online Group DRO over the slices, with group-weight step size ``value``."""
    model = GroupDROClassifier(task.make_base(task.train.X.shape[1]), task.head_dim,
                               list(task.train.S.columns), step_size=value, n_classes=task.n_classes)
    ds = task.dataset(task.train.X, task.train.y, "train")
    loader = model.make_slice_dataloader(ds, task.train.S, batch_size=task.batch_size, shuffle=True)
    return Run(model, loader, valid_loader(task, task.valid.X))


def jtt(task: Task, value: float, errors: np.ndarray) -> Run:
    """A fresh plain classifier, trained with the first model's errors upsampled ``value`` times."""
    model = task.plain(task.train.X.shape[1])
    ds = task.dataset(task.train.X, task.train.y, "train")
    loader = DictDataLoader(ds, batch_size=task.batch_size, sampler=jtt_sampler(errors, value))
    return Run(model, loader, valid_loader(task, task.valid.X))


def last_layer(task: Task, value: float, erm_model: nn.Module, seed: int) -> Run:
    """The selected erm model's head refitted on slice-balanced draws from half the valid rows.

    The other half selects the epoch and ``l2``, as in DFR's use of held-out data.
    """
    model = freeze_body(copy.deepcopy(erm_model), seed=seed)
    fit_rows, select_rows = split_heldout(len(task.valid.y), seed=seed)
    v = task.valid
    fit_S, select = v.S.iloc[fit_rows].reset_index(drop=True), Split(
        v.X[select_rows], v.y[select_rows], v.S.iloc[select_rows].reset_index(drop=True))
    ds = task.dataset(v.X[fit_rows], v.y[fit_rows], "train")
    loader = DictDataLoader(ds, batch_size=task.batch_size, sampler=slice_balanced_sampler(fit_S))
    return Run(model, loader, valid_loader(task, select.X, select), {"l2": value})


def slice_aware(task: Task, value: float) -> Run:
    """The ``SliceAwareClassifier`` on every slice (membership is needed only to train)."""
    from snorkel_slice.slicing.classifier import SliceAwareClassifier

    model = SliceAwareClassifier(task.make_base(task.train.X.shape[1]), task.head_dim,
                                 list(task.train.S.columns), n_classes=task.n_classes)
    ds = task.dataset(task.train.X, task.train.y, "train")
    loader = model.make_slice_dataloader(ds, task.train.S, batch_size=task.batch_size, shuffle=True)
    return Run(model, loader, valid_loader(task, task.valid.X), {"l2": value})


def feature_slices(train: Split) -> list[str]:
    """The slices a method may read at prediction time: those that do not give the label away."""
    return label_free_slices(train.S, train.y)


BUILDERS: dict[str, Callable[..., Run]] = {
    "erm": erm, "sf_feature": sf_feature, "oversample": oversample, "reweight": reweight,
    "group_dro": group_dro, "jtt": jtt, "last_layer": last_layer, "slice_aware": slice_aware,
}
