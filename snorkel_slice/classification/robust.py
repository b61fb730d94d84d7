"""Group-robust losses: inverse-frequency reweighting and Group DRO, as model classes.

Both are ``PlainClassifier``s (same forward pass, same parameters) that change only the loss, and
both read slice membership from the ``*_ind`` labels that ``make_slice_dataloader(dataset, S)``
adds, so they train with the ordinary ``Trainer``. Groups follow the per-slice rule of
``groups.py``: every slice is a group, plus ``rest`` for the rows in no slice.

- ``ReweightedClassifier``: each row's loss is multiplied by its inverse-frequency weight, so
  every group counts the same (the "reweighting" baseline of Idrissi et al., "Simple data
  balancing achieves competitive worst-group-accuracy", CLeaR 2022).
- ``GroupDROClassifier``: online Group DRO (Sagawa et al., "Distributionally Robust Neural
  Networks", ICLR 2020, Algorithm 1). It keeps a weight q_g per group; after each batch,
  ``q_g <- q_g * exp(step_size * loss_g)``, renormalised, and the loss is ``sum_g q_g loss_g``,
  so the worst groups get most of the gradient.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from snorkel_slice.classification.groups import REST
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.validation import check_real


def group_dro_update(q: torch.Tensor, group_losses: torch.Tensor, step_size: float) -> torch.Tensor:
    """One exponentiated-gradient step of Group DRO: ``q * exp(step_size * losses)``, normalised.

    Examples
    --------
    >>> q = group_dro_update(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0]), step_size=1.0)
    >>> [round(v, 3) for v in q.tolist()]
    [0.269, 0.731]
    """
    q = q * torch.exp(step_size * group_losses)
    return q / q.sum()


class _GroupLossClassifier(PlainClassifier):
    """A plain classifier whose loss combines per-row losses by slice group."""

    def __init__(self, base_architecture: nn.Module, head_dim: int, slice_names: Sequence[str],
                 **kwargs: Any) -> None:
        if isinstance(slice_names, str) or not all(isinstance(s, str) for s in slice_names):
            raise TypeError(f"slice_names must be a list of slice names (str), got {slice_names!r}.")
        super().__init__(base_architecture, head_dim, **kwargs)
        self.slice_names = list(slice_names)
        self.group_names = [*self.slice_names, REST]

    def make_slice_dataloader(self, dataset: Any, S: Any, **loader_kwargs: Any) -> Any:
        """A loader over ``dataset`` with the slice labels of ``S``, which must hold every slice."""
        from snorkel_slice.slicing.loaders import make_slice_dataloader

        loader = make_slice_dataloader(dataset, S, task_name=self.task_name,
                                       slice_names=self.slice_names, **loader_kwargs)
        self.check_data(loader)
        return loader

    def _membership(self, Y_dict: dict[str, torch.Tensor]) -> torch.Tensor:
        """(batch, G) 0/1 float: the slices from the ``*_ind`` labels, then ``rest``."""
        from snorkel_slice.slicing.loaders import ind_label

        keys = [ind_label(self.task_name, s) for s in self.slice_names]
        missing = [k for k in keys if k not in Y_dict]
        if missing:
            raise ValueError(
                f"{type(self).__name__} needs slice labels {missing}; build the loader with "
                "model.make_slice_dataloader(dataset, S)."
            )
        M = torch.stack([self._labels(Y_dict, k) for k in keys], dim=1).float()  # (B, k)
        return torch.cat([M, (M.sum(dim=1, keepdim=True) == 0).float()], dim=1)  # (B, k + 1)

    def training_loss(self, X_dict: dict[str, Any], Y_dict: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
        """Per-row cross-entropies (unlabelled rows count 0), combined by ``_combine``."""
        labels = self._labels(Y_dict, self.task_name)
        logits = self(X_dict)[self.task_name]
        ce = F.cross_entropy(logits, labels.clamp(min=0), reduction="none")  # (B,)
        member = self._membership(Y_dict) * (labels != -1).float().unsqueeze(1)  # (B, G)
        return self._combine(ce, member), len(labels)


class ReweightedClassifier(_GroupLossClassifier):
    """A plain classifier trained on a loss weighted by inverse slice frequency.

    Parameters
    ----------
    base_architecture, head_dim
        As in ``PlainClassifier``.
    group_weights
        ``{slice: weight}``, plus ``"rest"`` for rows in no slice, e.g. ``group_weights(S_train)``.
        A row's weight is the sum over its groups.
    **kwargs
        Passed to ``PlainClassifier`` (``n_classes``, ``scorer``, ...).

    Examples
    --------
    >>> model = ReweightedClassifier(nn.Linear(3, 4), 4, {"a": 2.0, "rest": 0.5})
    >>> X = {"input_data": torch.zeros(2, 3)}
    >>> Y = {"task": torch.tensor([0, 1]), "task_slice:a_ind": torch.tensor([1, 0])}
    >>> loss, n = model.training_loss(X, Y)
    >>> n, loss.ndim
    (2, 0)
    """

    def __init__(self, base_architecture: nn.Module, head_dim: int, group_weights: Mapping[str, float],
                 **kwargs: Any) -> None:
        if not isinstance(group_weights, Mapping):
            raise TypeError(f"group_weights must be a dict {{slice: weight}}, e.g. group_weights(S); got {group_weights!r}.")
        names = [s for s in group_weights if s != REST]
        super().__init__(base_architecture, head_dim, names, **kwargs)
        w = [check_real(f"group_weights[{g!r}]", group_weights.get(g, 1.0), low=0) for g in self.group_names]
        self.register_buffer("weights", torch.tensor(w))

    def _combine(self, ce: torch.Tensor, member: torch.Tensor) -> torch.Tensor:
        row_weight = member @ self.weights  # (B,); 0 for unlabelled rows
        return (row_weight * ce).sum() / max(int((member.sum(dim=1) > 0).sum()), 1)


class GroupDROClassifier(_GroupLossClassifier):
    """A plain classifier trained by online Group DRO over the slices (and ``rest``).

    Parameters
    ----------
    base_architecture, head_dim
        As in ``PlainClassifier``.
    slice_names
        The slices that are groups, in ``S``'s names.
    step_size
        Step of the exponentiated-gradient update of the group weights q (Sagawa's eta_q):
        0 keeps them uniform; larger values chase the worst group faster.
    **kwargs
        Passed to ``PlainClassifier``.

    Attributes
    ----------
    q
        (G,) current group weights, ``slice_names`` then ``rest``; a buffer, so it is saved
        and restored with the parameters.

    Examples
    --------
    >>> model = GroupDROClassifier(nn.Linear(3, 4), 4, ["a"], step_size=0.5)
    >>> X = {"input_data": torch.randn(4, 3)}
    >>> Y = {"task": torch.tensor([0, 1, 1, 0]), "task_slice:a_ind": torch.tensor([1, 1, 0, 0])}
    >>> _ = model.training_loss(X, Y)
    >>> round(float(model.q.sum()), 6), model.group_names
    (1.0, ['a', 'rest'])
    """

    def __init__(self, base_architecture: nn.Module, head_dim: int, slice_names: Sequence[str],
                 step_size: float = 0.01, **kwargs: Any) -> None:
        super().__init__(base_architecture, head_dim, slice_names, **kwargs)
        self.step_size = check_real("step_size", step_size, low=0)
        G = len(self.group_names)
        self.register_buffer("q", torch.full((G,), 1.0 / G))

    def _combine(self, ce: torch.Tensor, member: torch.Tensor) -> torch.Tensor:
        counts = member.sum(dim=0)  # (G,)
        group_loss = (member * ce.unsqueeze(1)).sum(dim=0) / counts.clamp(min=1)  # (G,); 0 if absent
        if self.training:
            # Groups absent from the batch keep their loss at 0 and so lose weight relative
            # to the others, as in Sagawa et al.'s batch update.
            self.q = group_dro_update(self.q, group_loss.detach(), self.step_size)
        return (self.q * group_loss).sum()
