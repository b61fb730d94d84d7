"""A slice-unaware classifier: the base architecture followed by a ``Linear(h, C)`` head.

It is the baseline of the lessons. Everything but its forward pass and loss comes from
``ClassifierBase``, which the slice-aware model shares.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from snorkel_slice.classification.base import ClassifierBase, ClassifierConfig, masked_ce
from snorkel_slice.classification.data import DEFAULT_INPUT_DATA_KEY, DEFAULT_TASK_NAME


class PlainClassifier(ClassifierBase):
    """A slice-unaware classifier: the base architecture followed by a ``Linear(h, C)`` head.

    Parameters
    ----------
    base_architecture
        Maps ``X_dict[input_data_key]`` to a (batch, head_dim) representation.
    head_dim
        Width of the base architecture's output.
    n_classes
        Number of classes of the task.
    scorer
        A ``snorkel_slice.analysis.Scorer``; ``None`` scores accuracy and F1 (macro F1 above two
        classes).
    input_data_key
        ``X_dict`` field fed to the base architecture.
    task_name
        ``Y_dict`` key of the task's labels.

    Examples
    --------
    >>> model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
    >>> model({"input_data": torch.zeros(5, 3)})["task"].shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        base_architecture: nn.Module,
        head_dim: int,
        n_classes: int = 2,
        scorer: Any = None,
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
    ) -> None:
        config = ClassifierConfig(head_dim, n_classes, input_data_key, task_name)
        super().__init__(base_architecture, config, scorer)

    def forward(self, X_dict: dict[str, Any]) -> dict[str, torch.Tensor]:
        """Return ``{task_name: logits (batch, C)}``."""
        return {self.task_name: self.head(self._body(X_dict))}

    def training_loss(
        self, X_dict: dict[str, Any], Y_dict: dict[str, torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        """Return the loss to minimise on a batch and the number of data points it covers.

        Examples
        --------
        >>> model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
        >>> loss, n = model.training_loss({"input_data": torch.zeros(5, 3)},
        ...                               {"task": torch.tensor([0, 1, 1, -1, 0])})
        >>> loss.ndim, n
        (0, 5)
        """
        labels = self._labels(Y_dict, self.task_name)
        return masked_ce(self(X_dict)[self.task_name], labels), len(labels)
