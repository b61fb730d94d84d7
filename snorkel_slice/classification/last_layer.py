"""Last-layer retraining (Kirichenko et al., "Last Layer Re-Training is Sufficient for Robustness
to Spurious Correlations", ICLR 2023: DFR): keep a trained body, refit the head on slice-balanced
held-out data.

The body's features often already separate the weak slices; the head learned on the training
mix just weighs them badly. ``freeze_body`` re-initialises the head of a trained classifier and
freezes everything else, so that the ordinary ``Trainer`` (which optimises trainable parameters
only) refits the head; the loader should draw slice-balanced rows of held-out data, e.g. with
``slice_balanced_sampler(S_heldout)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_slice.validation import check_int


def freeze_body(model: Any, seed: int | None = None) -> Any:
    """Freeze every parameter but the head's, and re-initialise the head; returns ``model``.

    Examples
    --------
    >>> from torch import nn
    >>> from snorkel_slice.classification import PlainClassifier
    >>> model = freeze_body(PlainClassifier(nn.Linear(3, 4), head_dim=4))
    >>> [name for name, p in model.named_parameters() if p.requires_grad]
    ['head.weight', 'head.bias']
    """
    import torch

    head = getattr(model, "head", None)
    if not isinstance(head, torch.nn.Linear):
        raise TypeError(f"freeze_body needs a classifier with a Linear head (model.head); got {type(model).__name__}.")
    for p in model.parameters():
        p.requires_grad_(False)
    if seed is not None:
        torch.manual_seed(seed)
    head.reset_parameters()
    for p in head.parameters():
        p.requires_grad_(True)
    return model


def split_heldout(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split ``n`` held-out rows into two random halves: one refits the head, one selects it.

    Examples
    --------
    >>> fit, select = split_heldout(5, seed=0)
    >>> len(fit), len(select), sorted([*fit, *select]) == list(range(5))
    (3, 2, True)
    """
    n = check_int("n", n, low=2, hint="Last-layer retraining needs held-out rows to refit and to select on.")
    order = np.random.default_rng(seed).permutation(n)
    half = (n + 1) // 2
    return np.sort(order[:half]), np.sort(order[half:])
