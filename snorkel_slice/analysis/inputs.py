"""Scoring inputs: checked and encoded, then counted per slice in confusion cells.

The Scorer (``scorer.py``) calls these before any metric is computed, so a bad input
fails fast with a message that names the argument, the value and the fix.
"""

from typing import Any

import numpy as np

from snorkel_slice.analysis.metrics import Cells
from snorkel_slice.slicing.bits import masked_counts, pack_rows, pack_slices
from snorkel_slice.validation import check_same_length


def check_labels(name: str, x: Any) -> np.ndarray:
    """Labels as an int64 ``(n,)`` array; Snorkel's rules: shape (n,) or (n, 1), integer values.

    Examples
    --------
    >>> check_labels("golds", [[1.0], [0.0]])
    array([1, 0])
    """
    if x is None:
        raise TypeError(f"{name} is None; pass an array of integer labels, one per row")
    arr = np.asarray(x)
    arr = arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape (n_rows,) or (n_rows, 1); got shape {arr.shape}")
    if arr.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(arr) | (arr != np.round(arr)))
        if len(bad):
            raise ValueError(
                f"{name} must hold integer class labels; got {arr[bad[0]].item()!r} at row {bad[0]}. Turn probabilities into labels first, e.g. probs.argmax(axis=1)"
            )
    elif arr.dtype.kind not in "biu":
        raise TypeError(
            f"{name} must hold integer class labels; got dtype {arr.dtype}. Encode labels as integers first, e.g. with sklearn.preprocessing.LabelEncoder"
        )
    return arr.astype(np.int64, copy=False)


def check_lengths(**inputs: np.ndarray | None) -> None:
    """Raise, naming every input and its length, unless all given inputs have one length.

    Examples
    --------
    >>> check_lengths(golds=np.zeros(3), preds=np.zeros(2), probs=None)
    Traceback (most recent call last):
    ...
    ValueError: Found input variables with inconsistent numbers of samples: golds=3, preds=2. Pass one entry per data point in each (they must have the same number of elements).
    """
    check_same_length(**inputs)


def as_probs(probs: Any) -> np.ndarray | None:
    """Probabilities as an array (None stays None); a scalar is an error.

    Examples
    --------
    >>> as_probs([[0.2, 0.8]]).shape
    (1, 2)
    """
    if probs is None:
        return None
    probs = np.asarray(probs)
    if probs.ndim == 0:
        raise ValueError(
            f"probs must have shape (n_rows, n_classes); got the scalar {probs.item()!r}"
        )
    return probs


def check_probs(probs: np.ndarray | None, golds: np.ndarray) -> None:
    """Check what roc_auc needs: binary probs of shape (n, 2) and golds in {0, 1}.

    Examples
    --------
    >>> check_probs(np.array([[0.1, 0.9], [0.6, 0.4]]), np.array([1, 2]))
    Traceback (most recent call last):
    ...
    ValueError: roc_auc needs golds in {0, 1} (abstains aside); got labels [1, 2]. Drop roc_auc from metrics
    """
    if probs is None:
        raise ValueError(
            "metric 'roc_auc' needs probs, but probs is None; pass the (n_rows, 2) class probabilities, e.g. model.predict_proba(X)"
        )
    if probs.ndim != 2:
        raise ValueError(
            f"probs must have shape (n_rows, n_classes); got shape {probs.shape}. For a vector p of P(class 1) pass np.column_stack([1 - p, p])"
        )
    if probs.shape[1] != 2:
        raise ValueError(
            f"Metric roc_auc is currently only defined for binary problems, so probs must have 2 columns; got shape {probs.shape}. Drop roc_auc from metrics"
        )
    if probs.dtype.kind not in "biuf":
        raise TypeError(f"probs must hold real numbers; got dtype {probs.dtype}")
    if np.isnan(probs[:, 1]).any():
        raise ValueError(
            f"probs must not be NaN; got NaN at row {np.flatnonzero(np.isnan(probs[:, 1]))[0]}"
        )
    labels = np.unique(golds)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"roc_auc needs golds in {{0, 1}} (abstains aside); got labels {labels.tolist()}. Drop roc_auc from metrics"
        )
    outside = np.flatnonzero((probs < 0).any(axis=1) | (probs > 1).any(axis=1))
    sums = probs.sum(axis=1)
    unnormalised = np.flatnonzero(np.abs(sums - 1) > 1e-3)
    if len(outside) or len(unnormalised):
        i = int(outside[0]) if len(outside) else int(unnormalised[0])
        raise ValueError(
            f"probs must be class probabilities: each row in [0, 1] and summing to 1; row {i} is "
            f"{np.round(probs[i], 4).tolist()} (sum {sums[i]:.4g}). These look like logits or "
            "scores: apply a softmax first, e.g. scipy.special.softmax(logits, axis=1)"
        )


def check_binary_preds(golds: np.ndarray, preds: np.ndarray | None, metrics: list[str]) -> None:
    """Refuse preds outside {0, 1} for golds in {0, 1}: class-1 metrics would turn into averages.

    Examples
    --------
    >>> check_binary_preds(np.array([0, 1]), np.array([0, 2]), ["f1"])
    Traceback (most recent call last):
    ...
    ValueError: preds hold label(s) [2] that never occur in the golds, which are all 0 or 1 (abstains aside); f1 would change from the class-1 score into a macro average over [0, 1, 2]. Check the model's classes, or ask for f1_macro explicitly
    """
    class_one = [m for m in metrics if m in ("precision", "recall", "f1", "fbeta")]
    if preds is None or not class_one or not np.isin(golds, (0, 1)).all():
        return
    foreign = np.setdiff1d(preds, (0, 1))
    if len(foreign):
        classes = np.union1d(np.unique(golds), np.unique(preds)).tolist()
        raise ValueError(
            f"preds hold label(s) {foreign.tolist()} that never occur in the golds, which are all 0 "
            f"or 1 (abstains aside); {', '.join(class_one)} would change from the class-1 score into "
            f"a macro average over {classes}. Check the model's classes, or ask for f1_macro explicitly"
        )


def encode_labels(
    golds: np.ndarray, preds: np.ndarray | None, abstain: int | None
) -> tuple[np.ndarray, Cells, np.ndarray]:
    """Each row's confusion-cell id ``(n,)``, the cells, and which rows are scored ``(n,)``.

    A row is scored when neither its gold nor its pred is the abstain label. Labels
    are binary when they lie in {0, 1}, whichever of the two occur.

    Examples
    --------
    >>> cell, cells, scored = encode_labels(np.array([1, 0, -1]), np.array([1, -1, 0]), -1)
    >>> cell.tolist(), scored.tolist(), cells.binary
    ([4, 2, 6], [True, False, False], True)
    """
    labelled = [a if abstain is None else a[a != abstain] for a in (golds, preds) if a is not None]
    classes = np.unique(np.concatenate(labelled))
    binary = bool(np.isin(classes, (0, 1)).all())
    classes = np.array([0, 1]) if binary else classes
    k = len(classes)

    def code(a: np.ndarray) -> np.ndarray:  # class index; k for an abstain
        return (
            np.searchsorted(classes, a)
            if abstain is None
            else np.where(a == abstain, k, np.searchsorted(classes, a))
        )

    gold = code(golds)
    # Without preds no count metric is scored; a placeholder class 0 keeps every row
    # with a gold label "scored", as roc_auc needs.
    pred = np.zeros(len(golds), np.int64) if preds is None else code(preds)
    scored = (gold < k) & (pred < k)
    cell, ids = gold * (k + 1) + pred, np.arange((k + 1) ** 2)
    if len(ids) > 1024:  # many classes: keep only the (gold, pred) pairs that occur
        ids, cell = np.unique(cell, return_inverse=True)
    return cell, Cells(ids // (k + 1), ids % (k + 1), k, binary), scored


def slice_cell_counts(
    M: np.ndarray, cell: np.ndarray, n_cells: int, keep: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows of each slice in each confusion cell, ``(n_slices, n_cells)``.

    ``M`` is the ``(n_rows, n_slices)`` bool membership from ``read_slice_matrix``. With
    ``keep`` it also returns M transposed, ``(n_slices, n_rows)`` uint8, for roc_auc.

    Examples
    --------
    >>> counts, _ = slice_cell_counts(np.array([[1], [1], [0]], bool), np.array([0, 3, 3]), 4, False)
    >>> counts
    array([[1, 0, 0, 1]])
    """
    k = M.shape[1]
    compact = np.ascontiguousarray(M.T).view(np.uint8) if keep else None  # a view if F-order
    if n_cells <= 64:
        # Binary labels have at most 9 cells: count by popcount over packed bits (bits.py).
        masks = np.stack([pack_rows(cell == c) for c in range(n_cells)])
        return masked_counts(pack_slices(M), masks), compact
    # Many classes: one matrix product per block of rows, onehot(cell) (n_cells, rows) @
    # M_block (rows, n_slices). float32 is exact: every partial sum is an integer below 2**24.
    counts = np.zeros((n_cells, k), np.int64)
    block = 1024
    for start in range(0, len(cell) if k else 0, block):
        X = M[start : start + block]
        onehot = np.zeros((n_cells, len(X)), np.float32)
        onehot[cell[start : start + block], np.arange(len(X))] = 1
        counts += (onehot @ X.astype(np.float32)).astype(np.int64)
    return counts.T, compact
