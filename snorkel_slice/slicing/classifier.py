"""The slice-aware classifier of Chen et al., "Slice-based Learning" (NeurIPS 2019).

It is the model of Snorkel 0.10.0's ``SliceAwareClassifier``, written as one compact module
instead of a graph of tasks. For the base architecture's output ``z`` (batch, h) and K = k user
slices + ``base``, it has

- an indicator head per slice, ``Linear(h, 2)``: is the data point in the slice?
- a predictor per slice: a transform ``W_s z + b_s`` (``Linear(h, h)``) followed by one
  prediction head ``Linear(h, C)`` shared by every slice, trained on in-slice points only;
- a master head: attention weights ``softmax_s(p_in_s * conf_s / temperature)`` mix the slice
  representations ``W_s z + b_s``, and the original ``Linear(h, C)`` head predicts from the mix.

The loss is the sum of the master, every indicator and every predictor cross-entropy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from snorkel_slice.classification.base import ClassifierBase, ClassifierConfig, masked_ce
from snorkel_slice.classification.data import (
    DEFAULT_INPUT_DATA_KEY,
    DEFAULT_TASK_NAME,
    DictDataLoader,
    DictDataset,
)
from snorkel_slice.slicing.loaders import BASE_SLICE, ind_label, make_slice_dataloader, pred_label
from snorkel_slice.slicing.sf import check_sf_name
from snorkel_slice.validation import check_choice, check_real

CONFIDENCES = ("positive", "max_prob")


@dataclass
class SliceAwareConfig(ClassifierConfig):
    """Settings of a ``SliceAwareClassifier``."""

    slice_names: tuple[str, ...] = ()  # the user's slices in order; "base" is appended
    confidence: str = "positive"  # predictor confidence in the attention: "positive" | "max_prob"
    temperature: float = 1.0  # divides attention scores; lower values give sharper weights


class SliceAwareClassifier(ClassifierBase):
    """A classifier that learns slice experts and attends to them, as Snorkel's does.

    Parameters
    ----------
    base_architecture
        Maps ``X_dict[input_data_key]`` to a (batch, head_dim) representation.
    head_dim
        Width of the base architecture's output.
    slice_names
        The slices to learn, in the order of their heads; ``base`` (all data) is appended.
    n_classes
        Number of classes of the task. Snorkel 0.10.0 supports 2 only.
    scorer
        A ``snorkel_slice.scorer.Scorer`` for the task's and predictors' heads; ``None`` scores
        accuracy and F1 (macro F1 above two classes). Indicator heads are scored with F1.
    input_data_key
        ``X_dict`` field fed to the base architecture.
    task_name
        ``Y_dict`` key of the task's labels; slice labels are named after it.
    confidence
        How a slice predictor's confidence enters the attention. "positive" is Snorkel's: the
        predicted probability of class 1, so a predictor sure of class 0 gets little weight.
        "max_prob" is the probability of the predicted class, which treats every class alike
        and is the only choice above two classes. ``None`` picks "positive" for two classes,
        keeping results comparable with Snorkel, and "max_prob" otherwise.
    temperature
        Attention weights are ``softmax(p_in * confidence / temperature)`` over slices.

    Examples
    --------
    >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a", "b"])
    >>> model.all_slice_names
    ['a', 'b', 'base']
    >>> out = model({"input_data": torch.zeros(5, 3)})
    >>> out["task"].shape, out["attention"].shape
    (torch.Size([5, 2]), torch.Size([5, 3]))
    >>> sum(p.numel() for p in model.parameters())  # (3*4+4) + 4*2+2 + 3*(4*4+3*4+2) + 2*(4+1)
    126
    """

    def __init__(
        self,
        base_architecture: nn.Module,
        head_dim: int,
        slice_names: Sequence[str],
        n_classes: int = 2,
        scorer: Any = None,
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
        confidence: str | None = None,
        temperature: float = 1.0,
    ) -> None:
        if (isinstance(slice_names, str) or not isinstance(slice_names, Sequence)
                or not all(isinstance(s, str) for s in slice_names)):
            raise TypeError(f"slice_names must be a list of slice names (str), got {slice_names!r}.")
        for s in slice_names:
            if s != BASE_SLICE:
                check_sf_name(s)  # a slice the model learns must be able to come from an SF
        dupes = sorted({s for s in slice_names if list(slice_names).count(s) > 1})
        if dupes:
            raise ValueError(f"slice_names has duplicates {dupes}; give each slice once.")
        if confidence is None:
            confidence = "positive" if n_classes == 2 else "max_prob"
        check_choice("confidence", confidence, CONFIDENCES)
        if confidence == "positive" and n_classes != 2:
            raise ValueError(
                f"confidence='positive' needs two classes, got n_classes={n_classes}; use "
                "confidence='max_prob' (or None)."
            )
        temperature = check_real("temperature", temperature, low=0, low_open=True)
        names = tuple(s for s in slice_names if s != BASE_SLICE)
        config = SliceAwareConfig(
            head_dim, n_classes, input_data_key, task_name, names, confidence, temperature
        )
        super().__init__(base_architecture, config, scorer)
        h, K = head_dim, len(self.all_slice_names)
        # K indicator heads Linear(h, 2) as one Linear(h, 2K): rows 2s, 2s+1 belong to slice s.
        self.ind_head = nn.Linear(h, 2 * K)
        # K slice transforms Linear(h, h) in one weight, initialised like nn.Linear. Slice s's
        # Linear weight is slice_weight[:, s, :]; this (h_out, K, h_in) layout lets one matmul
        # meet all K transforms, forward and backward, without copying the (K h^2) weight.
        self.slice_weight = nn.Parameter(torch.empty(h, K, h))
        self.slice_bias = nn.Parameter(torch.empty(K, h))
        nn.init.uniform_(self.slice_weight, -1 / math.sqrt(h), 1 / math.sqrt(h))
        nn.init.uniform_(self.slice_bias, -1 / math.sqrt(h), 1 / math.sqrt(h))
        # The prediction head shared by every slice's predictor.
        self.pred_head = nn.Linear(h, n_classes)

    @property
    def slice_names(self) -> list[str]:
        """The user's slices, without ``base`` (as Snorkel's attribute)."""
        return list(self.config.slice_names)

    @property
    def task_names(self) -> set[str]:
        """Snorkel's task names: the task, and each slice's indicator and predictor.

        Examples
        --------
        >>> sorted(SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"]).task_names)
        ['task', 'task_slice:a_ind', 'task_slice:a_pred', 'task_slice:base_ind', 'task_slice:base_pred']
        """
        return {self.task_name} | {
            label(self.task_name, s) for s in self.all_slice_names for label in (ind_label, pred_label)
        }

    @property
    def all_slice_names(self) -> list[str]:
        """Every slice the model has heads for: the user's slices, then ``base``."""
        return [*self.config.slice_names, BASE_SLICE]

    def slice_representations(self, z: torch.Tensor) -> torch.Tensor:
        """Apply every slice transform to ``z`` (batch, h): (batch, K, h), as one matmul.

        Examples
        --------
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a", "b"])
        >>> model.slice_representations(torch.zeros(5, 4)).shape
        torch.Size([5, 3, 4])
        """
        K, h = self.slice_bias.shape
        rep = F.linear(z, self.slice_weight.view(h * K, h)).view(-1, h, K)  # (batch, h_out, K)
        return rep.transpose(1, 2) + self.slice_bias

    def forward(self, X_dict: dict[str, Any]) -> dict[str, torch.Tensor]:
        """Return the task's logits (batch, C) under ``task_name`` and every head's outputs.

        Also returned: "ind" (batch, K, 2) and "pred" (batch, K, C) logits, and "attention"
        (batch, K), the weights of the slice representations in the master head's input.
        """
        z = self._body(X_dict)
        (B, h), K, C = z.shape, len(self.all_slice_names), self.config.n_classes
        ind = self.ind_head(z).view(B, K, 2)
        heads = torch.cat([self.pred_head.weight, self.head.weight])  # (2C, h): [shared; master]
        if B > 2 * C:
            # The transforms are followed by linear heads only, so H (W_s z + b_s) equals
            # (H W_s) z + H b_s: the K h x h weights meet the (2C, h) heads instead of the
            # (B, h) batch, O(K C h^2) instead of O(K B h^2) flops forward and backward. The
            # function and its gradients are Snorkel's; only the rounding differs.
            hw = heads @ self.slice_weight.view(h, K * h)  # (2C, K * h): row c, slice s, input i
            hb = heads @ self.slice_bias.T  # (2C, K)
            out = F.linear(z, hw.view(2 * C * K, h), hb.reshape(-1)).view(B, 2 * C, K).transpose(1, 2)
        else:
            out = self.slice_representations(z) @ heads.T  # (B, K, 2C)
        pred = out[..., :C] + self.pred_head.bias  # (B, K, C) predictor logits
        # Attention as Snorkel's SliceCombinerModule: softmax over slices of the in-slice
        # probability (indicator column 1) times the predictor's confidence, over temperature.
        # Like Snorkel we do not detach: the master loss also trains the indicator and predictor
        # heads through the weights. Unlike Snorkel, confidence may be "max_prob" (and must be
        # above two classes); Snorkel always uses the class-1 probability.
        p_in = F.softmax(ind, dim=-1)[..., 1]  # (B, K)
        probs = F.softmax(pred, dim=-1)
        conf = probs[..., 1] if self.config.confidence == "positive" else probs.amax(dim=-1)
        attention = F.softmax(p_in * conf / self.config.temperature, dim=1)  # (B, K)
        # M (sum_s a_s r_s) + m = sum_s a_s (M r_s) + m: the master head on the mixed representation.
        master = torch.einsum("bk,bkc->bc", attention, out[..., C:]) + self.head.bias
        return {self.task_name: master, "ind": ind, "pred": pred, "attention": attention}

    def training_loss(
        self, X_dict: dict[str, Any], Y_dict: dict[str, torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        """Return master + indicator + predictor cross-entropies on a batch, and its size.

        Each head's loss is a mean over its labelled rows (out-of-slice predictor rows are -1);
        a head without labelled rows in the batch adds 0, as Snorkel skips it.

        Examples
        --------
        >>> from snorkel_slice.classification.data import DictDataset
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"])
        >>> ds = DictDataset.from_tensors(torch.zeros(4, 3), torch.tensor([0, 1, 1, 0]), "train")
        >>> dl = model.make_slice_dataloader(ds, pd.DataFrame({"a": [1, 0, 0, 0]}), batch_size=4)
        >>> loss, n = model.training_loss(*next(iter(dl)))
        >>> round(loss.item(), 1) > 0, n
        (True, 4)
        """
        out = self(X_dict)
        t, names = self.task_name, self.all_slice_names
        labels = self._labels(Y_dict, t)
        ind_y = torch.stack([self._labels(Y_dict, ind_label(t, s)) for s in names], dim=1)
        pred_y = torch.stack([self._labels(Y_dict, pred_label(t, s)) for s in names], dim=1)
        loss = masked_ce(out[t], labels) + _per_slice_ce(out["ind"], ind_y) + _per_slice_ce(out["pred"], pred_y)
        return loss, len(labels)

    def make_slice_dataloader(self, dataset: DictDataset, S: Any, **loader_kwargs: Any) -> DictDataLoader:
        """Return a loader over ``dataset`` plus this model's slice labels from ``S``.

        See ``snorkel_slice.slicing.make_slice_dataloader``; ``S`` must have every slice of the model.

        Examples
        --------
        >>> from snorkel_slice.classification.data import DictDataset
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"])
        >>> ds = DictDataset.from_tensors(torch.zeros(2, 3), torch.tensor([0, 1]), "train")
        >>> list(model.make_slice_dataloader(ds, pd.DataFrame({"a": [1, 0]})).dataset.Y_dict)
        ['task', 'task_slice:a_ind', 'task_slice:a_pred', 'task_slice:base_ind', 'task_slice:base_pred']
        """
        loader = make_slice_dataloader(
            dataset, S, task_name=self.task_name, slice_names=self.slice_names, **loader_kwargs
        )
        self.check_data(loader)  # labels outside [0, n_classes) or NaN inputs fail here, not mid-epoch
        return loader

    def attention_weights(self, dataloader: DictDataLoader) -> pd.DataFrame:
        """Return each data point's attention weights over slices: which expert it leaned on.

        Returns
        -------
        pandas.DataFrame
            One row per data point, one column per slice (``base`` last); rows sum to 1.

        Examples
        --------
        >>> from snorkel_slice.classification.data import DictDataset
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"])
        >>> ds = DictDataset.from_tensors(torch.zeros(2, 3), torch.tensor([0, 1]), "test")
        >>> weights = model.attention_weights(model.make_slice_dataloader(ds, pd.DataFrame({"a": [1, 0]})))
        >>> weights.shape, list(weights.columns), weights.sum(axis=1).round(6).tolist()
        ((2, 2), ['a', 'base'], [1.0, 1.0])
        """
        outs, _ = self._collect(dataloader)
        return pd.DataFrame(outs["attention"].numpy(), columns=self.all_slice_names)

    def _head_scores(self, rows: list, outs: dict, golds: dict, ds: Any) -> None:
        from snorkel_slice.analysis.scorer import Scorer

        super()._head_scores(rows, outs, golds, ds)
        f1 = Scorer(metrics=["f1"])  # indicator tasks are imbalanced, so F1 as in Snorkel
        for k, name in enumerate(self.all_slice_names):
            for key, head, scorer in ((ind_label(self.task_name, name), "ind", f1),
                                      (pred_label(self.task_name, name), "pred", self._scorer())):
                if key in golds:
                    probs = F.softmax(outs[head][:, k], dim=1)
                    self._score_rows(rows, scorer, key, ds, golds[key], probs, golds[key] != -1)


def _per_slice_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Sum over slices of each slice's mean cross-entropy; logits (B, K, c), labels (B, K)."""
    ce = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-1, reduction="none")
    counts = (labels != -1).sum(dim=0).clamp(min=1)  # (K,); a slice without labels adds 0
    return (ce.view(labels.shape).sum(dim=0) / counts).sum()
