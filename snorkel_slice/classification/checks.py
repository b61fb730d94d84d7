"""Checks a loader's labels and inputs before training, so bad data fails at once, not mid-epoch."""

from __future__ import annotations

import torch

from snorkel_slice.classification.data import DictDataLoader


def check_loader(dataloader: DictDataLoader, task_name: str, n_classes: int) -> None:
    """Raise naming the label set or field, and the rows, that would fail in training.

    Labels of ``task_name`` (and its slice predictors' ``_pred`` labels) must lie in
    ``[0, n_classes)`` or be -1; float input fields must be finite.

    Examples
    --------
    >>> from snorkel_slice.classification.data import DictDataset
    >>> ds = DictDataset.from_tensors(torch.zeros(2, 1), torch.tensor([0, 1]), "train")
    >>> check_loader(DictDataLoader(ds), "task", 2)
    """
    ds = dataloader.dataset
    C = n_classes
    for key, labels in ds.Y_dict.items():
        if key == task_name or (key.startswith(f"{task_name}_slice:") and key.endswith("_pred")):
            bad = torch.nonzero((labels < -1) | (labels >= C)).flatten()
            if len(bad):
                values = sorted(set(labels.tolist()))
                raise ValueError(
                    f"{ds!r}: Y_dict[{key!r}] holds label {labels[bad[0]].item()} at row "
                    f"{bad[0].item()}, outside [0, n_classes={C}) (labels found: {values[:10]}). "
                    f"Use -1 for 'no label', or build the model with n_classes={max(values) + 1}."
                )
    for key, value in ds.X_dict.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() and value.numel():
            finite = torch.isfinite(value.reshape(len(value), -1)).all(dim=1)
            if not finite.all():
                rows = torch.nonzero(~finite).flatten()
                raise ValueError(
                    f"{ds!r}: X_dict[{key!r}] has NaN or infinite values in {len(rows)} row(s), "
                    f"first {rows[:5].tolist()}. Fill or drop them before training "
                    "(e.g. np.nan_to_num, or df.dropna())."
                )
