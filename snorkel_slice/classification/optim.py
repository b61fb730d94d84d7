"""The optimizer and the learning-rate schedule a ``TrainerConfig`` asks for."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def make_optimizer(model: nn.Module, c: Any) -> torch.optim.Optimizer:
    """The optimizer of ``c.optimizer`` over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    if c.optimizer == "adamax":
        return torch.optim.Adamax(params, lr=c.lr, betas=c.betas, weight_decay=c.l2)
    # The fused kernels update every parameter in one pass: much faster on large models.
    fused = all(p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in params)
    if c.optimizer == "sgd":
        return torch.optim.SGD(params, lr=c.lr, momentum=c.momentum, weight_decay=c.l2, fused=fused)
    return torch.optim.Adam(params, lr=c.lr, betas=c.betas, weight_decay=c.l2, fused=fused)


def warmup_batches(c: Any, n_batches: int) -> int:
    """Warmup length in batches, from warmup_percentage or warmup_steps in warmup_unit."""
    if c.warmup_percentage > 0:
        return int(c.warmup_percentage * c.n_epochs * n_batches)
    return c.warmup_steps * (n_batches if c.warmup_unit == "epochs" else 1)


def lr_factor(c: Any, step: int, n_batches: int) -> float:
    """Multiplier of ``c.lr`` for the batch after ``step`` optimizer steps.

    Examples
    --------
    >>> from snorkel_slice.classification.trainer import TrainerConfig
    >>> [lr_factor(TrainerConfig(warmup_steps=2), s, 10) for s in range(3)]
    [0.5, 1.0, 1.0]
    """
    warmup = warmup_batches(c, n_batches)
    if step < warmup:
        return (step + 1) / warmup
    t = step - warmup  # steps since warmup ended
    if c.lr_scheduler == "linear":
        factor = max(0.0, 1 - t / max(1, c.n_epochs * n_batches - warmup))
    elif c.lr_scheduler == "exponential":
        factor = c.gamma ** (t / n_batches)
    elif c.lr_scheduler == "step":
        factor = c.gamma ** (t // (c.step_size * n_batches))
    else:
        factor = 1.0
    return max(factor, c.min_lr / c.lr)
