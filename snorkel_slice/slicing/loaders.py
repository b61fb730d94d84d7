"""Slice labels for the slice-aware model: two label sets per slice, made from ``S``.

For slice s of task t, ``t_slice:s_ind`` says whether a data point is in s (1/0), and
``t_slice:s_pred`` holds the task's labels inside s and -1 outside it, so that s's predictor
learns from its own rows only. The names are Snorkel's; ``base``, the slice of all data points,
is always added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import torch

from snorkel_slice.classification.data import (
    DEFAULT_TASK_NAME,
    DictDataLoader,
    DictDataset,
)
from snorkel_slice.slicing.matrix import BASE, read_slice_matrix

BASE_SLICE = BASE


def ind_label(task_name: str, slice_name: str) -> str:
    """Return the ``Y_dict`` key of a slice's indicator labels (Snorkel's naming).

    Examples
    --------
    >>> ind_label("task", "short_comment")
    'task_slice:short_comment_ind'
    """
    return f"{task_name}_slice:{slice_name}_ind"


def pred_label(task_name: str, slice_name: str) -> str:
    """Return the ``Y_dict`` key of a slice's masked predictor labels (Snorkel's naming).

    Examples
    --------
    >>> pred_label("task", "base")
    'task_slice:base_pred'
    """
    return f"{task_name}_slice:{slice_name}_pred"


def slices_from_labels(Y_dict: dict[str, Any], task_name: str = DEFAULT_TASK_NAME) -> pd.DataFrame:
    """Recover ``S`` (the user's slices, without ``base``) from a loader's indicator labels.

    Examples
    --------
    >>> Y = {"task": torch.tensor([1, 0]), "task_slice:a_ind": torch.tensor([1, 0]),
    ...      "task_slice:base_ind": torch.tensor([1, 1])}
    >>> slices_from_labels(Y)
       a
    0  1
    1  0
    """
    prefix, suffix = f"{task_name}_slice:", "_ind"
    columns = {
        key[len(prefix) : -len(suffix)]: np.asarray(value)
        for key, value in Y_dict.items()
        if key.startswith(prefix) and key.endswith(suffix)
    }
    columns.pop(BASE, None)
    n = len(Y_dict[task_name]) if task_name in Y_dict else 0
    return pd.DataFrame(columns, index=pd.RangeIndex(n)).astype(np.int64)


def make_slice_dataloader(
    dataset: DictDataset,
    S: Any,
    task_name: str = DEFAULT_TASK_NAME,
    slice_names: Sequence[str] | None = None,
    **loader_kwargs: Any,
) -> DictDataLoader:
    """Return a loader over a copy of ``dataset`` with indicator and predictor labels from ``S``.

    For every column of ``S``, plus the ``base`` slice of all data points, two label sets are
    added: ``{task}_slice:{name}_ind`` (1 in the slice, else 0) and ``{task}_slice:{name}_pred``
    (the task's labels in the slice, -1 outside it, so the slice's predictor ignores those rows).
    ``dataset`` itself is not changed.

    Parameters
    ----------
    dataset
        A dataset whose ``Y_dict`` holds the task's labels.
    S
        Slice membership, shape (n,): a record array from an SF applier or a DataFrame.
    task_name
        Key of the task's labels in ``dataset.Y_dict``.
    slice_names
        Slices that must be in ``S`` (e.g. a model's); ``None`` checks nothing.
    **loader_kwargs
        Passed to ``DictDataLoader`` (``batch_size``, ``shuffle``, ...).

    Returns
    -------
    DictDataLoader

    Examples
    --------
    >>> ds = DictDataset.from_tensors(torch.zeros(3, 2), torch.tensor([1, 0, 1]), "train")
    >>> S = pd.DataFrame({"short": [True, False, True]})
    >>> dl = make_slice_dataloader(ds, S, batch_size=3)
    >>> dl.dataset.Y_dict["task_slice:short_pred"].tolist()
    [1, -1, 1]
    >>> dl.dataset.Y_dict["task_slice:base_ind"].tolist()
    [1, 1, 1]
    """
    if not isinstance(dataset, DictDataset):
        raise TypeError(
            f"dataset must be a DictDataset, got {type(dataset).__name__}; pass loader.dataset "
            "or build one with DictDataset.from_tensors(X, Y, split)."
        )
    if task_name not in dataset.Y_dict:
        raise ValueError(
            f"The base labels of task {task_name!r} are missing from {dataset!r} (labels missing "
            f"from Y_dict: {task_name!r}); build the "
            f"dataset with DictDataset.from_tensors(X, Y, split, task_name={task_name!r})."
        )
    names, M = read_slice_matrix(S)
    if len(M) != len(dataset):
        raise ValueError(
            f"S has {len(S)} rows but dataset {dataset.name!r} ({dataset.split}) has "
            f"{len(dataset)} data points; apply the SFs to the same rows the dataset was built from."
        )
    if isinstance(slice_names, str) or (slice_names is not None and not all(isinstance(n, str) for n in slice_names)):
        raise TypeError(f"slice_names must be a list of slice names (str), got {slice_names!r}; e.g. [{slice_names!r}].")
    missing = [name for name in slice_names or [] if name != BASE_SLICE and name not in names]
    if missing:
        raise ValueError(
            f"S has no column for slice(s) {missing}; its columns are {names}. Apply "
            "every SF the model was built with."
        )
    columns = {name: M[:, j].astype(np.int64) for j, name in enumerate(names)}
    columns[BASE_SLICE] = np.ones(len(dataset), dtype=np.int64)
    labels = dataset.Y_dict[task_name]
    Y_dict = dict(dataset.Y_dict)
    for name, member in columns.items():
        ind = torch.from_numpy(member)
        Y_dict[ind_label(task_name, name)] = ind
        Y_dict[pred_label(task_name, name)] = torch.where(ind.bool(), labels, -1)
    copy = DictDataset(dataset.name, dataset.split, dataset.X_dict, Y_dict)
    return DictDataLoader(copy, **loader_kwargs)


class SliceTask(NamedTuple):
    """One task of a slice-aware model, by Snorkel's name: an indicator, a predictor or the master."""

    name: str  # e.g. "task_slice:short_ind", as Snorkel names it
    slice_name: str | None  # None for the master task
    kind: str  # "ind", "pred" or "master"


def add_slice_labels(dataloader: DictDataLoader, base_task: Any, S: Any) -> None:
    """Add the slice labels of ``S`` to ``dataloader.dataset.Y_dict`` in place, as Snorkel does.

    ``base_task`` is the task's name, or anything with a ``name`` (such as a Snorkel ``Task``).
    Same labels as ``make_slice_dataloader``, which returns a new loader instead.

    Examples
    --------
    >>> dl = DictDataLoader(DictDataset.from_tensors(torch.zeros(2, 1), torch.tensor([1, 0]), "train"))
    >>> add_slice_labels(dl, "task", pd.DataFrame({"a": [1, 0]}))
    >>> dl.dataset.Y_dict["task_slice:a_pred"].tolist()
    [1, -1]
    """
    if not isinstance(dataloader, DictDataLoader):
        raise TypeError(
            f"dataloader must be a DictDataLoader, got {type(dataloader).__name__}; to label a "
            "dataset use make_slice_dataloader(dataset, S)."
        )
    task_name = base_task if isinstance(base_task, str) else getattr(base_task, "name", None)
    if not isinstance(task_name, str):
        raise TypeError(f"base_task must be a task name (str) or have a name; got {base_task!r}.")
    labelled = make_slice_dataloader(dataloader.dataset, S, task_name=task_name)
    dataloader.dataset.Y_dict.update(labelled.dataset.Y_dict)


def convert_to_slice_tasks(base_task: Any, slice_names: Sequence[str]) -> list[SliceTask]:
    """The tasks Snorkel's ``convert_to_slice_tasks`` makes, by name and in its order.

    Snorkel returns ``Task`` objects wired into its multitask graph. This package has no such
    graph (``SliceAwareClassifier`` builds its heads from ``slice_names``), so it returns what the
    tasks are: every slice's indicator, then every slice's predictor (``base`` appended), then
    the master task.

    Examples
    --------
    >>> [t.name for t in convert_to_slice_tasks("task", ["a"])]
    ['task_slice:a_ind', 'task_slice:base_ind', 'task_slice:a_pred', 'task_slice:base_pred', 'task']
    """
    task_name = base_task if isinstance(base_task, str) else getattr(base_task, "name", None)
    if not isinstance(task_name, str):
        raise TypeError(f"base_task must be a task name (str) or have a name; got {base_task!r}.")
    if isinstance(slice_names, str) or not all(isinstance(n, str) for n in slice_names):
        raise TypeError(f"slice_names must be a list of slice names (str); got {slice_names!r}.")
    names = list(slice_names) + ([] if BASE_SLICE in slice_names else [BASE_SLICE])
    return (
        [SliceTask(ind_label(task_name, n), n, "ind") for n in names]
        + [SliceTask(pred_label(task_name, n), n, "pred") for n in names]
        + [SliceTask(task_name, None, "master")]
    )
