"""Named datasets of feature and label dicts, and their loader.

A batch is a pair ``(X_dict, Y_dict)``: ``X_dict`` maps a field name to a batch of inputs and
``Y_dict`` maps a label name to a 1-D ``int64`` tensor of class labels, where -1 means "no label".
The names and call shapes follow Snorkel's ``snorkel.classification`` so that tutorial code runs
unchanged; the loading itself gathers a whole batch with one index per field, instead of building
and stacking one small dict per data point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from torch.utils.data import DataLoader, Dataset

DEFAULT_INPUT_DATA_KEY = "input_data"
DEFAULT_TASK_NAME = "task"
DEFAULT_DATASET_NAME = "SnorkelDataset"

Batch = tuple[dict[str, Any], dict[str, torch.Tensor]]


def _n_rows(value: Any) -> int:
    return value.shape[0] if sp.issparse(value) else len(value)


def _as_labels(name: str, key: str, labels: Any) -> torch.Tensor:
    """One label set as a 1-D int64 tensor; float labels must be whole numbers (Snorkel's rule)."""
    if isinstance(labels, list | tuple) and labels and all(isinstance(v, torch.Tensor) for v in labels):
        if any(v.numel() != 1 for v in labels):
            raise ValueError(
                f"DictDataset {name!r}: Y_dict[{key!r}] is a list of tensors, but not of single "
                "labels; give one class label per data point."
            )
        labels = torch.stack([v.reshape(()) for v in labels])
    if isinstance(labels, np.ndarray):
        labels = torch.as_tensor(labels) if labels.dtype.kind in "biuf" else labels
    if not isinstance(labels, torch.Tensor):
        raise TypeError(
            f"Y_dict[{key!r}] must be a torch.Tensor of class labels, got "
            f"{type(labels).__name__}; convert it with torch.as_tensor(..., dtype=torch.long)."
        )
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or labels.is_complex():
        raise ValueError(
            f"Y_dict[{key!r}] must be a 1-D tensor of class labels (-1 = no label), got dtype "
            f"{labels.dtype} and shape {tuple(labels.shape)}."
        )
    if labels.is_floating_point():
        bad = torch.nonzero(~torch.isfinite(labels) | (labels != labels.round())).flatten()
        if len(bad):
            i = int(bad[0])
            raise ValueError(
                f"DictDataset {name!r}: Y_dict[{key!r}] must hold whole-number class labels "
                f"(-1 = no label); got {labels[i].item()!r} at row {i}. Turn probabilities into "
                "labels first, e.g. probs.argmax(axis=1)."
            )
    return labels.long()  # cross-entropy wants int64 class labels


def _as_field(key: str, value: Any) -> Any:
    """Store a field so that one fancy index gathers a batch of it."""
    if sp.issparse(value):
        return sp.csr_matrix(value)  # row slicing is cheap in CSR; densified per batch
    if isinstance(value, np.ndarray | torch.Tensor) and value.ndim == 0:
        raise ValueError(
            f"X_dict[{key!r}] is a single value (0-d); give one entry per data point, shape (n, ...)."
        )
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind in "US":  # texts and other objects: a list
            return list(value)
        if not value.flags.writeable:  # e.g. a pandas view; torch wants memory it may write
            value = value.copy()
        # Float features become float32, the dtype of torch's layers.
        return torch.as_tensor(value, dtype=torch.float32 if value.dtype.kind == "f" else None)
    if isinstance(value, torch.Tensor | list):
        return value
    raise TypeError(
        f"X_dict[{key!r}] must be a torch.Tensor, numpy array, scipy.sparse matrix or list, "
        f"got {type(value).__name__}; convert it, e.g. with torch.as_tensor(...)."
    )


class DictDataset(Dataset):
    """A named split of data whose inputs and labels are dicts of equally long fields.

    Parameters
    ----------
    name
        Name of the dataset; it appears in metric names such as ``task/name/split/f1``.
    split
        Name of the split, e.g. "train", "valid" or "test".
    X_dict
        Input fields: tensors, numpy arrays, scipy.sparse matrices (densified one batch at a
        time, as float32) or lists, each with one entry per data point.
    Y_dict
        Label sets: 1-D integer tensors with one class label per data point (-1 = no label).

    Examples
    --------
    >>> ds = DictDataset("toy", "train", {"input_data": torch.zeros(3, 2)},
    ...                  {"task": torch.tensor([0, 1, 1])})
    >>> len(ds), ds[1][1]["task"].item()
    (3, 1)
    """

    def __init__(
        self, name: str, split: str, X_dict: Mapping[str, Any], Y_dict: Mapping[str, torch.Tensor]
    ) -> None:
        for arg, value in (("name", name), ("split", split)):
            if not isinstance(value, str):
                raise TypeError(f"DictDataset {arg} must be a str, got {value!r}.")
        for arg, value in (("X_dict", X_dict), ("Y_dict", Y_dict)):
            if not isinstance(value, Mapping):
                raise TypeError(
                    f"DictDataset {name!r}: {arg} must be a dict {{name: values}}, got "
                    f"{type(value).__name__}; e.g. {arg}={{'{'input_data' if arg == 'X_dict' else 'task'}': ...}}, "
                    "or use DictDataset.from_tensors(X, Y, split)."
                )
        Y_dict = {key: _as_labels(name, key, labels) for key, labels in Y_dict.items()}
        self.name = name
        self.split = split
        self.X_dict = {key: _as_field(key, value) for key, value in X_dict.items()}
        self.Y_dict = Y_dict
        sizes = {f"X_dict[{k!r}]": _n_rows(v) for k, v in self.X_dict.items()}
        sizes.update({f"Y_dict[{k!r}]": len(v) for k, v in self.Y_dict.items()})
        if not sizes:
            raise ValueError(f"DictDataset {name!r} has neither inputs nor labels; give X_dict.")
        if len(set(sizes.values())) > 1:
            found = ", ".join(f"{k} has {n}" for k, n in sizes.items())
            raise ValueError(
                f"DictDataset {name!r} ({split}) has inconsistent numbers of data points: "
                f"{found}. Give every field one entry per data point."
            )
        self._len = next(iter(sizes.values()))

    @classmethod
    def from_tensors(
        cls,
        X_tensor: Any,
        Y_tensor: Any,
        split: str,
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
        dataset_name: str = DEFAULT_DATASET_NAME,
    ) -> DictDataset:
        """Build a one-input, one-task dataset from features ``X`` and labels ``Y``.

        Parameters
        ----------
        X_tensor
            Features, shape (n, ...): a tensor, a numpy array or a scipy.sparse matrix.
        Y_tensor
            Class labels, shape (n,): a tensor or anything ``torch.as_tensor`` accepts.
        split
            Name of the split.
        input_data_key
            Key of ``X_tensor`` in ``X_dict``.
        task_name
            Key of ``Y_tensor`` in ``Y_dict``.
        dataset_name
            Name of the dataset.

        Returns
        -------
        DictDataset

        Examples
        --------
        >>> ds = DictDataset.from_tensors(torch.ones(4, 3), torch.tensor([0, 1, 0, 1]), "valid")
        >>> ds
        DictDataset(name=SnorkelDataset, split=valid, n=4, X_keys=['input_data'], Y_keys=['task'])
        """
        for arg, value in (("split", split), ("input_data_key", input_data_key),
                           ("task_name", task_name), ("dataset_name", dataset_name)):
            if not isinstance(value, str):
                raise TypeError(f"{arg} must be a str, got {value!r} ({type(value).__name__}).")
        Y = Y_tensor
        if not isinstance(Y, torch.Tensor):
            array = np.array(Y)  # a copy: Y may be read-only
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"Y_tensor must hold integer class labels; got {type(Y_tensor).__name__} of dtype "
                    f"{array.dtype}. Encode labels as integers first, e.g. with sklearn's LabelEncoder."
                )
            Y = torch.as_tensor(array)
        return cls(dataset_name, split, {input_data_key: X_tensor}, {task_name: Y})

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> Batch:
        return self.gather([index], squeeze=True)

    def __getitems__(self, indices: list[int]) -> _BatchRows:
        # DataLoader calls this with a whole batch of indices; the rows are gathered in
        # `collate_dicts` with one index per field instead of one dict per data point.
        return _BatchRows(self, indices)

    def gather(self, indices: Sequence[int], squeeze: bool = False) -> Batch:
        """Return the batch ``(X_dict, Y_dict)`` of the data points at ``indices``.

        Examples
        --------
        >>> ds = DictDataset.from_tensors(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 1]), "train")
        >>> X, Y = ds.gather([2, 0])
        >>> X["input_data"].tolist(), Y["task"].tolist()
        ([[4.0, 5.0], [0.0, 1.0]], [1, 0])
        """
        idx = torch.as_tensor(indices, dtype=torch.long)
        X: dict[str, Any] = {}
        for key, value in self.X_dict.items():
            if isinstance(value, torch.Tensor):
                X[key] = value[idx]
            elif isinstance(value, list):
                X[key] = merge_values([value[i] for i in idx.tolist()])
            else:  # CSR matrix: (batch, n_features) dense float32 rows
                X[key] = torch.from_numpy(value[idx.numpy()].toarray().astype(np.float32))
        Y = {key: labels[idx] if isinstance(labels, torch.Tensor)
             else merge_values([labels[i] for i in idx.tolist()])  # replaced by the user, as in Snorkel
             for key, labels in self.Y_dict.items()}
        if squeeze:
            X = {key: value[0] for key, value in X.items()}
            Y = {key: value[0] for key, value in Y.items()}
        return X, Y

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name}, split={self.split}, n={len(self)}, "
            f"X_keys={list(self.X_dict)}, Y_keys={list(self.Y_dict)})"
        )


class _BatchRows(Sequence):
    """The data points of one batch, as a sequence of ``(x_dict, y_dict)`` pairs.

    A custom ``collate_fn`` sees an ordinary sequence of data points; ``collate_dicts`` instead
    asks the dataset for the whole batch at once.
    """

    def __init__(self, dataset: DictDataset, indices: list[int]) -> None:
        self.dataset = dataset
        self.indices = list(indices)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, j: int | slice) -> Any:
        if isinstance(j, slice):
            return [self.dataset[i] for i in self.indices[j]]
        return self.dataset[self.indices[j]]


def collate_dicts(batch: Sequence[Batch]) -> Batch:
    """Merge data points ``(x_dict, y_dict)`` into one batch ``(X_dict, Y_dict)``.

    Tensors are stacked along a new first dimension; other values are gathered into lists.

    Examples
    --------
    >>> points = [({"x": torch.tensor([1.0])}, {"task": torch.tensor(0)}),
    ...           ({"x": torch.tensor([2.0])}, {"task": torch.tensor(1)})]
    >>> X, Y = collate_dicts(points)
    >>> X["x"].shape, Y["task"].tolist()
    (torch.Size([2, 1]), [0, 1])
    """
    if isinstance(batch, _BatchRows):
        return batch.dataset.gather(batch.indices)
    if len(batch) == 0:
        raise ValueError("collate_dicts got an empty batch; a batch needs at least one data point.")
    X = {key: merge_values([x[key] for x, _ in batch]) for key in batch[0][0]}
    Y = {key: torch.stack([y[key] for _, y in batch]) for key in batch[0][1]}
    return X, Y


def merge_values(values: list[Any]) -> Any:
    """A batch of one field: tensors stacked, or zero-padded when their lengths differ; else a list.

    As Snorkel's collate: scalars and equal-shaped tensors of 2+ dimensions are stacked; other
    tensors are flattened and padded on the right with 0 to the longest, (batch, max_len).

    Examples
    --------
    >>> merge_values([torch.tensor([1, 2, 3]), torch.tensor([4])]).tolist()
    [[1, 2, 3], [4, 0, 0]]
    >>> merge_values(["a", "b"])
    ['a', 'b']
    """
    if not values or not all(isinstance(v, torch.Tensor) for v in values):
        return values
    if all(v.dim() == 0 for v in values) or all(
        v.shape == values[0].shape and v.dim() != 1 for v in values
    ):
        return torch.stack(values)
    flat = [v.reshape(-1) for v in values]
    return torch.nn.utils.rnn.pad_sequence(flat, batch_first=True, padding_value=0)


class DictDataLoader(DataLoader):
    """A ``torch.utils.data.DataLoader`` over a ``DictDataset`` that yields ``(X_dict, Y_dict)``.

    Parameters
    ----------
    dataset
        The dataset to load from.
    collate_fn
        Merges data points into a batch; ``None`` uses ``collate_dicts``.
    **kwargs
        Passed to ``DataLoader`` (``batch_size``, ``shuffle``, ``num_workers``, ...).

    Examples
    --------
    >>> ds = DictDataset.from_tensors(torch.zeros(5, 2), torch.tensor([0, 1, 0, 1, 1]), "train")
    >>> X, Y = next(iter(DictDataLoader(ds, batch_size=4)))
    >>> X["input_data"].shape, Y["task"].shape
    (torch.Size([4, 2]), torch.Size([4]))
    """

    def __init__(
        self, dataset: DictDataset, collate_fn: Callable[..., Any] | None = None, **kwargs: Any
    ) -> None:
        if not isinstance(dataset, DictDataset):
            raise TypeError(
                f"DictDataLoader needs a DictDataset, got {type(dataset).__name__}; "
                "build one with DictDataset.from_tensors(X, Y, split)."
            )
        super().__init__(dataset, collate_fn=collate_fn or collate_dicts, **kwargs)
