"""Label helpers, as in ``snorkel.utils``: hard labels to one-hot probabilities and back."""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_slice.validation import check_int


def preds_to_probs(preds: Any, num_classes: int) -> np.ndarray:
    """One-hot probabilities ``(n, num_classes)`` from integer predictions ``(n,)``.

    Examples
    --------
    >>> preds_to_probs([1, 0, 2], 3)
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.]])
    """
    num_classes = check_int("num_classes", num_classes, low=1)
    preds = np.asarray(preds)
    if preds.ndim != 1 or (preds.size and preds.dtype.kind not in "iub"):
        raise ValueError(
            f"preds must be a 1-d array of integer class labels; got shape {preds.shape} and "
            f"dtype {preds.dtype}."
        )
    bad = (preds < 0) | (preds >= num_classes)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"preds must lie in [0, num_classes={num_classes}); got {preds[i].item()} at row {i}. "
            "Drop abstains (-1) first, or raise num_classes."
        )
    probs = np.zeros((len(preds), num_classes))
    probs[np.arange(len(preds)), preds.astype(np.int64)] = 1
    return probs


def probs_to_preds(probs: Any) -> np.ndarray:
    """The most probable class of each row of ``probs`` ``(n, n_classes)``; ties go to the lower.

    Examples
    --------
    >>> probs_to_preds([[0.2, 0.8], [0.6, 0.4]])
    array([1, 0])
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.dtype.kind not in "iuf":
        raise ValueError(
            f"probs must be a 2-d array of class probabilities (n, n_classes); got shape "
            f"{probs.shape} and dtype {probs.dtype}."
        )
    return probs.argmax(axis=1)


__all__ = ["preds_to_probs", "probs_to_preds"]
