"""Label helpers with the names and call shapes of ``snorkel.utils``.

Hard labels to one-hot probabilities and back, integer label arrays, and filtering out rows whose
label is, e.g., the abstain label -1. Results equal Snorkel 0.10.0's (``tests/test_utils.py``),
including its deterministic tie-breaking; the errors say what to change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from snorkel_slice.validation import check_int, check_real

TIE_BREAK_POLICIES = ("random", "true-random", "abstain")


def _tie_index(i: int, n_tied: int) -> int:
    # Snorkel's "random" policy: a deterministic choice among tied classes, from the row number's
    # SHA-1, so the same probs always give the same preds.
    return int(hashlib.sha1(str(i).encode("utf-8")).hexdigest(), 16) % n_tied


def probs_to_preds(probs: Any, tie_break_policy: str = "random", tol: float = 1e-5) -> np.ndarray:
    """The most probable class of each row of ``probs`` ``(n, n_classes)``.

    Parameters
    ----------
    probs
        Class probabilities, one row per data point, at least two columns.
    tie_break_policy
        What to do when several classes are within ``tol`` of the row's maximum: "random"
        picks one deterministically (the same every run), "true-random" picks one at random,
        "abstain" returns -1.
    tol
        Smallest difference between probabilities that is not a tie.

    Examples
    --------
    >>> probs_to_preds([[0.2, 0.8], [0.6, 0.4]])
    array([1, 0])
    >>> probs_to_preds([[0.5, 0.5]], tie_break_policy="abstain")
    array([-1])
    """
    if tie_break_policy not in TIE_BREAK_POLICIES:
        raise ValueError(
            f"tie_break_policy={tie_break_policy!r} policy not recognized; use one of "
            f"{TIE_BREAK_POLICIES}."
        )
    check_real("tol", tol, low=0)
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.dtype.kind not in "iuf":
        raise ValueError(
            f"probs must be a 2-d array of class probabilities (n, n_classes); got shape "
            f"{probs.shape} and dtype {probs.dtype}."
        )
    if probs.shape[1] < 2:
        raise ValueError(
            f"probs must have probabilities for at least 2 classes; got {probs.shape[1]} column(s). "
            "For a vector p of P(class 1) pass np.column_stack([1 - p, p])."
        )
    if not np.isfinite(probs).all():
        i = int(np.flatnonzero(~np.isfinite(probs).all(axis=1))[0])
        raise ValueError(
            f"probs must be finite; row {i} is {probs[i].tolist()}. Fill or drop that row first."
        )
    tied = np.abs(probs - probs.max(axis=1, keepdims=True)) < tol  # (n, n_classes)
    preds = probs.argmax(axis=1)
    for i in np.flatnonzero(tied.sum(axis=1) > 1):
        candidates = np.flatnonzero(tied[i])
        if tie_break_policy == "abstain":
            preds[i] = -1
        elif tie_break_policy == "true-random":
            preds[i] = np.random.choice(candidates)
        else:
            preds[i] = candidates[_tie_index(int(i), len(candidates))]
    return preds.astype(np.int_)


def preds_to_probs(preds: Any, num_classes: int) -> np.ndarray:
    """One-hot probabilities ``(n, num_classes)`` from integer predictions ``(n,)`` or ``(n, 1)``.

    Examples
    --------
    >>> preds_to_probs([1, 0, 2], 3)
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.]])
    """
    num_classes = check_int("num_classes", num_classes, low=1)
    try:
        preds = to_int_label_array(np.asarray(preds))
    except ValueError as err:
        raise ValueError(f"preds must hold integer class labels: {err}") from None
    if (preds < 0).any():
        i = int(np.flatnonzero(preds < 0)[0])
        raise ValueError(
            f"Could not convert abstained vote to probability: preds has {preds[i]} at row {i}. "
            "Drop abstains (-1) first, e.g. with filter_labels."
        )
    if (preds >= num_classes).any():
        i = int(np.flatnonzero(preds >= num_classes)[0])
        raise ValueError(
            f"preds must lie in [0, num_classes={num_classes}); got {preds[i]} at row {i}. "
            "Raise num_classes to the number of classes."
        )
    return np.eye(num_classes)[preds]


def to_int_label_array(X: Any, flatten_vector: bool = True) -> np.ndarray:
    """``X`` as an int array, flattened from ``(n, 1)`` to ``(n,)`` unless told otherwise.

    Examples
    --------
    >>> to_int_label_array(np.array([[1.0], [0.0]]))
    array([1, 0])
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise ValueError(
            f"Labels must be numbers; got dtype {X.dtype}. Encode them as integers first, e.g. "
            "with sklearn.preprocessing.LabelEncoder."
        )
    if np.any(np.not_equal(np.mod(X, 1), 0)):
        raise ValueError(
            "Input contains at least one non-integer value: "
            f"{X[np.not_equal(np.mod(X, 1), 0)][0].item()!r}. Turn probabilities into labels first, e.g. "
            "probs_to_preds(probs)."
        )
    X = X.astype(int)
    if flatten_vector:
        X = X.squeeze()
        if X.ndim == 0:
            X = X[None]
        if X.ndim != 1:
            raise ValueError(
                f"Input could not be converted to 1d np.array: shape {X.shape}. Pass one label "
                "per data point."
            )
    return X


def filter_labels(
    label_dict: Mapping[str, np.ndarray | None], filter_dict: Mapping[str, Sequence[int]]
) -> dict[str, np.ndarray]:
    """Drop, from every array of ``label_dict``, the rows where any named array has a filtered value.

    Parameters
    ----------
    label_dict
        Aligned arrays by name, e.g. ``{"golds": golds, "preds": preds}``; None entries are kept
        as they are.
    filter_dict
        Values to drop per name, e.g. ``{"golds": [-1], "preds": [-1]}``.

    Examples
    --------
    >>> out = filter_labels({"golds": np.array([-1, 0, 1]), "preds": np.array([0, -1, 1])},
    ...                     {"golds": [-1], "preds": [-1]})
    >>> out["golds"], out["preds"]
    (array([1]), array([1]))
    """
    unknown = sorted(set(filter_dict) - set(label_dict))
    if unknown:
        raise ValueError(
            f"filter_dict must only include keys in label_dict: filter_dict names {unknown}, "
            f"which label_dict does not have (it has "
            f"{sorted(label_dict)}); filter only label sets you pass."
        )
    keep = None
    for name, values in filter_dict.items():
        array = label_dict[name]
        if array is not None:
            mask = ~np.isin(np.asarray(array), list(values))
            mask = mask.reshape(len(mask), -1).all(axis=1)
            keep = mask if keep is None else keep & mask
    if keep is None:
        return dict(label_dict)
    return {name: None if a is None else np.asarray(a)[keep] for name, a in label_dict.items()}


__all__ = ["filter_labels", "preds_to_probs", "probs_to_preds", "to_int_label_array"]
