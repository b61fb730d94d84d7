"""Slices as groups for the cheap remedies: the overlap rule, inverse-frequency weights, sampling.

**The rule for overlapping slices: per-slice losses, not intersections.** Each column of ``S`` is
one group, and the rows in no slice form one more group, ``rest``. A row in two slices counts
in both groups' losses. We chose this over "every intersection is a group" because the number
of intersections grows as 2^k and most of them are tiny, so their losses (and Group DRO's
weights) would be noise; because the groups are then the slices a learner scores, so
"worst group" during training is "worst slice" in the report; and because it is what
slice-based learning does too (one predictor per slice, trained on its rows).

With per-slice losses, "every group weighs the same" means the loss
``sum_g (1 / G) * mean_{i in g} loss_i``, which gives row i the weight
``sum_{g containing i} n / (G n_g)``: inverse slice frequency, summed over the row's slices.
Reweighting multiplies each row's loss by it; oversampling draws rows with it. Both are the
"data balancing" baselines of Idrissi et al. ("Simple data balancing achieves competitive
worst-group-accuracy", CLeaR 2022), who found them as good as the elaborate methods when the
model is selected by worst-group validation accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from snorkel_slice.slicing.matrix import read_slice_matrix
from snorkel_slice.validation import check_real

REST = "rest"  # the group of rows in no slice


def slice_groups(S: Any) -> tuple[list[str], np.ndarray]:
    """Return the group names and an (n, G) bool membership: the slices, then ``rest`` if needed.

    Examples
    --------
    >>> import pandas as pd
    >>> names, M = slice_groups(pd.DataFrame({"a": [1, 1, 0], "b": [0, 1, 0]}))
    >>> names, M.astype(int).tolist()
    (['a', 'b', 'rest'], [[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    """
    names, M = read_slice_matrix(S)
    if REST in names:
        raise ValueError(f"S has a slice named {REST!r}, the name of the rows in no slice; rename it.")
    rest = ~M.any(axis=1)
    if rest.any():
        names, M = [*names, REST], np.column_stack([M, rest])
    return names, M


def group_weights(S: Any, power: float = 1.0) -> dict[str, float]:
    """Weight of each group: ``(n / (G n_g)) ** power``, scaled so that rows average weight 1.

    ``power=1`` is inverse slice frequency (every group weighs the same in the loss); 0 is the
    plain loss; values between temper the upweighting. Empty groups get weight 0.

    Examples
    --------
    >>> import pandas as pd
    >>> {g: round(w, 3) for g, w in group_weights(pd.DataFrame({"small": [1, 0, 0, 0]})).items()}
    {'small': 2.0, 'rest': 0.667}
    """
    power = check_real("power", power, low=0)
    names, M = slice_groups(S)
    counts = M.sum(axis=0)
    raw = np.where(counts > 0, (len(M) / (len(names) * np.maximum(counts, 1))) ** power, 0.0)
    scale = (M @ raw).mean()  # mean row weight before scaling
    return {name: float(w / scale) for name, w in zip(names, raw, strict=True)}


def slice_weights(S: Any, power: float = 1.0) -> np.ndarray:
    """Per-row weights (n,): the sum of ``group_weights`` over the row's groups; mean 1.

    Examples
    --------
    >>> import pandas as pd
    >>> slice_weights(pd.DataFrame({"small": [1, 0, 0, 0]})).round(3).tolist()
    [2.0, 0.667, 0.667, 0.667]
    """
    weights = group_weights(S, power)
    _, M = slice_groups(S)
    return M @ np.array(list(weights.values()))


def slice_balanced_sampler(S: Any, power: float = 1.0, num_samples: int | None = None) -> Any:
    """A sampler that draws rows with replacement, each with chance proportional to its weight.

    Pass it to a loader (``DictDataLoader(dataset, batch_size=..., sampler=...)``): with
    ``power=1`` every slice, and the rows in none, is drawn about equally often. An epoch is
    ``num_samples`` draws (default: the number of rows). The draws use torch's generator,
    which the ``Trainer``'s ``seed`` sets.

    Examples
    --------
    >>> import pandas as pd
    >>> sampler = slice_balanced_sampler(pd.DataFrame({"small": [1] + [0] * 9}))
    >>> _ = torch.manual_seed(0)
    >>> draws = torch.tensor(list(sampler))
    >>> len(draws), round(float((draws == 0).float().mean()), 1) > 0.2
    (10, True)
    """
    from torch.utils.data import WeightedRandomSampler

    weights = slice_weights(S, power)
    if num_samples is None:
        num_samples = len(weights)
    return WeightedRandomSampler(torch.as_tensor(weights, dtype=torch.double), num_samples, replacement=True)


def label_free_slices(S: Any, golds: Any) -> list[str]:
    """The slices of ``S`` that do not give the label away: rows of more than one class.

    A slice whose rows all share one label was (almost surely) written with the label, as the
    label x attribute groups of a spurious task are. It may guide training and scoring, but a
    remedy that reads slice membership at prediction time (the SF as a feature, per-slice
    thresholds) would read the answer, so it must not use such a slice.

    Examples
    --------
    >>> import pandas as pd
    >>> label_free_slices(pd.DataFrame({"pos": [1, 1, 0], "mixed": [1, 0, 1]}), [1, 1, 0])
    ['mixed']
    """
    names, M = read_slice_matrix(S)
    golds = np.asarray(golds)
    if len(golds) != len(M):
        raise ValueError(f"S has {len(M)} rows but golds has {len(golds)}; give one label per row of S.")
    return [name for j, name in enumerate(names) if len(np.unique(golds[M[:, j]])) > 1]


def append_slices(X: Any, S: Any, names: list[str] | None = None) -> np.ndarray:
    """The features ``X`` (n, d) with the 0/1 columns of the slices ``names`` appended: (n, d + k).

    The "SF as a feature" remedy: the model sees slice membership as input, at training and at
    prediction time, so only slices known at prediction time qualify (see ``label_free_slices``).

    Examples
    --------
    >>> import pandas as pd
    >>> append_slices(np.zeros((2, 1)), pd.DataFrame({"a": [1, 0]})).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    all_names, M = read_slice_matrix(S)
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or len(X) != len(M):
        raise ValueError(f"X must be (n, d) with one row per row of S ({len(M)}); got shape {X.shape}.")
    names = all_names if names is None else list(names)
    missing = [n for n in names if n not in all_names]
    if missing:
        raise ValueError(f"S has no slice(s) {missing}; its slices are {all_names}.")
    cols = [all_names.index(n) for n in names]
    return np.hstack([X, M[:, cols].astype(np.float32)])
