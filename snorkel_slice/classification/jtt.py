"""Just Train Twice (Liu et al., "Just Train Twice: Improving Group Robustness without Training
Group Information", ICML 2021): train once, then retrain with the first model's errors upsampled.

JTT needs no slices during training: the errors of a briefly trained plain model stand in for
the hard groups. The second model is an ordinary ``PlainClassifier`` whose training loader draws
each error ``factor`` times as often (the paper's lambda_up); slices are used only to choose
``factor`` and the epoch by worst-slice accuracy on the validation data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from snorkel_slice.validation import check_real


def training_errors(model: Any, dataloader: Any) -> np.ndarray:
    """(n,) bool: the rows of ``dataloader`` that ``model`` gets wrong (unlabelled rows: False).

    The loader must not shuffle, so that row i of the result is row i of its dataset.

    Examples
    --------
    >>> from torch import nn
    >>> from snorkel_slice.classification import DictDataLoader, DictDataset, PlainClassifier
    >>> model = PlainClassifier(nn.Linear(1, 2), head_dim=2)
    >>> ds = DictDataset.from_tensors(torch.zeros(3, 1), torch.tensor([0, 1, -1]), "train")
    >>> training_errors(model, DictDataLoader(ds)).sum() == 1
    np.True_
    """
    out = model.predict(dataloader, return_preds=True)
    golds, preds = out["golds"][model.task_name], out["preds"][model.task_name]
    return (golds != -1) & (golds != preds)


def jtt_sampler(errors: Any, factor: float) -> Any:
    """A sampler that draws each error row ``factor`` times as often as the others.

    An epoch has as many draws as the upsampled set: ``n + (factor - 1) * n_errors``. Pass it to
    the second model's loader: ``DictDataLoader(dataset, batch_size=..., sampler=...)``.

    Examples
    --------
    >>> sampler = jtt_sampler(np.array([True, False, False, False]), factor=5)
    >>> len(sampler)
    8
    """
    from torch.utils.data import WeightedRandomSampler

    factor = check_real("factor", factor, low=1, hint="JTT upsamples errors: use a factor >= 1.")
    errors = np.asarray(errors, dtype=bool)
    if errors.ndim != 1 or len(errors) == 0:
        raise ValueError(f"errors must be a 1-D bool array with one entry per training row; got shape {errors.shape}.")
    weights = np.where(errors, factor, 1.0)
    n = int(round(weights.sum()))
    return WeightedRandomSampler(torch.as_tensor(weights, dtype=torch.double), n, replacement=True)
