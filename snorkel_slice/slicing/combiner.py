"""``SliceCombinerModule``: Snorkel's attention over slice experts, as a module of its own.

Given the raw logits of every slice's indicator head (in the slice?) and predictor head, and each
slice's predictor representation, it weights the representations by
``softmax_s(P(in slice s) * confidence_s / temperature)`` and sums them. ``SliceAwareClassifier``
computes the same weights inside its fused forward pass; this module serves Snorkel code that
assembles the pieces itself.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from snorkel_slice.validation import check_real


class SliceCombinerModule(nn.Module):
    """Reweight and sum slice representations by indicator and predictor confidence.

    Parameters
    ----------
    slice_ind_key, slice_pred_key, slice_pred_feat_key
        Suffixes of the ``output_dict`` keys holding each slice's indicator logits (batch, 2),
        predictor logits (batch, C) and predictor representation (batch, h). Keys are taken in
        sorted order, as in Snorkel.
    temperature
        Divides the attention scores; lower values give sharper weights.

    Examples
    --------
    >>> out = {"a_ind_head": torch.zeros(3, 2), "a_pred_head": torch.zeros(3, 2),
    ...        "a_pred_transform": torch.ones(3, 4), "b_ind_head": torch.zeros(3, 2),
    ...        "b_pred_head": torch.zeros(3, 2), "b_pred_transform": torch.zeros(3, 4)}
    >>> SliceCombinerModule()(out)[0].tolist()  # equal weights: the mean of 1 and 0
    [0.5, 0.5, 0.5, 0.5]
    """

    def __init__(
        self,
        slice_ind_key: str = "_ind_head",
        slice_pred_key: str = "_pred_head",
        slice_pred_feat_key: str = "_pred_transform",
        temperature: float = 1.0,
    ) -> None:
        super().__init__()
        self.slice_ind_key = slice_ind_key
        self.slice_pred_key = slice_pred_key
        self.slice_pred_feat_key = slice_pred_feat_key
        self.temperature = check_real("temperature", temperature, low=0, low_open=True)

    def _collect(self, output_dict: dict[str, torch.Tensor], suffix: str) -> list[torch.Tensor]:
        found = [output_dict[k] for k in sorted(output_dict) if k.endswith(suffix)]
        if not found:
            raise ValueError(
                f"output_dict has no key ending in {suffix!r} (keys: {sorted(output_dict)}); give "
                "every slice its indicator, predictor and representation outputs."
            )
        return found

    def forward(self, output_dict: dict[str, torch.Tensor]) -> torch.Tensor:
        """Return the reweighted representation (batch, h) from raw head logits in ``output_dict``."""
        ind = self._collect(output_dict, self.slice_ind_key)
        pred = self._collect(output_dict, self.slice_pred_key)
        feats = self._collect(output_dict, self.slice_pred_feat_key)
        if not len(ind) == len(pred) == len(feats):
            raise ValueError(
                f"output_dict has {len(ind)} indicator, {len(pred)} predictor and {len(feats)} "
                "representation outputs; each slice needs one of each."
            )
        if pred[0].shape[1] < 2:  # NotImplementedError, as Snorkel raises
            raise NotImplementedError(
                f"predictor heads must output (batch, n_classes >= 2) logits (the combiner requires "
                f"output shape [..., >= 2]); got {tuple(pred[0].shape)}."
            )
        p_in = torch.stack([F.softmax(o, dim=1)[:, 1] for o in ind], dim=1)  # (batch, K)
        probs = [F.softmax(o, dim=1) for o in pred]
        # Snorkel's confidence is P(class 1), defined for two classes; above two, the
        # probability of the predicted class, as SliceAwareClassifier's "max_prob".
        conf = torch.stack([p[:, 1] if p.shape[1] == 2 else p.amax(dim=1) for p in probs], dim=1)
        weights = F.softmax(p_in * conf / self.temperature, dim=1)  # (batch, K)
        return torch.einsum("bk,bkh->bh", weights, torch.stack(feats, dim=1))
