"""Checks for lesson 05's exercises (slice-based learning).

The checks take the lesson's loader and model and compare an answer with what they hold: the
loader's slice labels (or, without a loader, the reference code in ``exercises.solutions.lesson05``)
and the model's own attention weights. They name the usual slip when an answer is off, and run no
training, so they answer at once.

Examples
--------
>>> S = np.rec.fromarrays([[1, 0, 1, 0]], names="short")
>>> Y = np.array([0, 1, 1, 0])
>>> print(check_slice_labels([1, 0, 1, 0], [0, 0, 1, 0], None, S, Y, "short"))
... # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 5a: Indicator labels: all 4 match. Predictor labels: 2 of 4 differ. Outside
the slice your labels are 0, which the loss reads as 'ham'; put -1 there, the label the loss
skips, so the expert learns from its own slice only.
"""

from __future__ import annotations

import numpy as np
import torch

from exercises.feedback import Feedback
from exercises.solutions import lesson05 as solution

ATOL = 1e-5  # float32 softmaxes computed in another correct order agree far better than this


def _as_labels(value: object, n: int, what: str) -> tuple[np.ndarray | None, str]:
    """The learner's labels as a 1-D int array of length n, or None and why not."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything a learner passes must become feedback
        return None, f"{what}: expected an array of {n} labels, got {type(value).__name__}."
    if array.ndim != 1 or len(array) != n:
        return None, (
            f"{what}: expected one label per training comment, shape ({n},), got shape "
            f"{array.shape}."
        )
    if array.dtype == bool:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iuf" or not np.all(np.equal(np.mod(array, 1), 0)):
        return None, f"{what}: expected whole-number labels, got dtype {array.dtype}."
    return array.astype(np.int64), ""


def check_slice_labels(
    ind: object,
    pred: object,
    loader: object,
    S: np.recarray,
    Y: np.ndarray,
    slice_name: str = "short_comment",
) -> Feedback:
    """Exercise 5a: the indicator and predictor labels of one slice, built from ``Y`` and ``S``.

    The expected labels are the loader's own when ``loader`` is given, else the reference answer's.
    """
    Y = np.asarray(Y)
    member = np.asarray(S[slice_name]) == 1
    if loader is not None:
        Y_dict = loader.dataset.Y_dict
        want_ind = Y_dict[f"task_slice:{slice_name}_ind"].numpy()
        want_pred = Y_dict[f"task_slice:{slice_name}_pred"].numpy()
    else:
        want_ind, want_pred = solution.slice_labels(Y, S, slice_name)
    n = len(Y)
    texts, passed = [], True
    for what, value, want in (("Indicator labels", ind, want_ind), ("Predictor labels", pred, want_pred)):
        got, problem = _as_labels(value, n, what)
        if got is None:
            texts.append(problem)
            passed = False
            continue
        wrong = got != want
        if not wrong.any():
            texts.append(f"{what}: all {n} match.")
            continue
        passed = False
        texts.append(f"{what}: {int(wrong.sum())} of {n} differ. " + _label_hint(what, got, want, member, Y))
    if passed:
        texts.append(
            f"The {slice_name!r} expert learns from {int(member.sum())} of the {n} comments; "
            "the loss skips the -1 rows."
        )
    return Feedback("5a", passed, " ".join(texts))


def _label_hint(what: str, got: np.ndarray, want: np.ndarray, member: np.ndarray, Y: np.ndarray) -> str:
    if what == "Indicator labels":
        if not got.any():
            return "They are all 0; put 1 where the comment is in the slice (S[name] == 1)."
        if np.array_equal(got, 1 - want):
            return "0 and 1 are swapped: 1 means 'in the slice'."
        if np.array_equal(got, Y):
            return "These are the task labels; the indicator says whether a comment is in the slice."
        first = int(np.flatnonzero(got != want)[0])
        return f"E.g. row {first}: yours is {got[first]}, expected {want[first]}."
    outside, inside = ~member, member
    if np.array_equal(got[inside], want[inside]) and np.all(got[outside] == 0):
        return (
            "Outside the slice your labels are 0, which the loss reads as 'ham'; put -1 there, "
            "the label the loss skips, so the expert learns from its own slice only."
        )
    if np.array_equal(got, Y):
        return (
            "These are the task labels everywhere. Outside the slice put -1, the label the loss "
            "skips, so the expert learns from its own slice only."
        )
    if np.all(got[inside] == -1) and np.array_equal(got[outside], Y[outside]):
        return "The mask is inverted: keep the label inside the slice and put -1 outside."
    first = int(np.flatnonzero(got != want)[0])
    where = "inside" if member[first] else "outside"
    return f"E.g. row {first} ({where} the slice): yours is {got[first]}, expected {want[first]}."


def check_attention(
    weights: object, top_expert: object, model: torch.nn.Module, X_dict: dict
) -> Feedback:
    """Exercise 5b: the attention weights of a batch, and the first comment's top expert."""
    names = list(model.all_slice_names)
    with torch.no_grad():
        out = model(X_dict)
    expected = out["attention"]  # the model's own weights; the reference answer must match them
    passed, text = _check_weights(weights, expected, out, model.config.temperature)
    want = solution.top_expert(expected, names)
    if isinstance(top_expert, int | np.integer) and not isinstance(top_expert, bool):
        top_text = (
            f"Top expert: you gave the position {int(top_expert)}; give the slice's name, e.g. "
            "model.all_slice_names[position]."
        )
        passed = False
    elif top_expert not in names:
        top_text = f"Top expert: {top_expert!r} is not one of the model's slices {names}."
        passed = False
    elif top_expert != want:
        first = expected[0]
        top_text = (
            f"Top expert: {top_expert!r} gets {first[names.index(top_expert)]:.3f} for the first "
            f"comment, but another slice gets {first.max():.3f}; take the argmax of row 0."
        )
        passed = False
    else:
        top_text = f"Top expert: {want!r}, with weight {expected[0].max():.3f}."
    return Feedback("5b", passed, f"{text}\n{top_text}")


def _check_weights(weights: object, expected: torch.Tensor, out: dict, temperature: float) -> tuple[bool, str]:
    try:
        got = torch.as_tensor(np.asarray(weights.detach() if isinstance(weights, torch.Tensor) else weights),
                              dtype=torch.float32)
    except (TypeError, ValueError):
        return False, f"Weights: expected a (batch, slices) tensor, got {type(weights).__name__}."
    if got.shape != expected.shape:
        hint = ""
        if got.ndim == 3 and got.shape[:2] == expected.shape:
            hint = " You kept both classes; take column 1 (index [..., 1]) of each softmax."
        return False, f"Weights: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}.{hint}"
    off = float((got - expected).abs().max())
    if off <= ATOL:
        return True, f"Weights: all {expected.numel()} match (largest difference {off:.1e})."
    text = f"Weights: off by up to {off:.3f}."
    for hint, candidate in _attention_slips(out, temperature):
        if candidate.shape == got.shape and float((got - candidate).abs().max()) <= ATOL:
            return False, f"{text} {hint}"
    return False, text + " Check each step: softmax of the indicator logits, column 1; softmax of " \
        "the predictor logits, column 1; their product; softmax over the slices (dim=1)."


def _attention_slips(out: dict, temperature: float) -> list[tuple[str, torch.Tensor]]:
    """Plausible wrong answers, each with the hint that explains it."""
    ind, pred = out["ind"], out["pred"]
    p_in, p_spam = torch.softmax(ind, -1)[..., 1], torch.softmax(pred, -1)[..., 1]
    product = p_in * p_spam / temperature
    batch, slices = p_in.shape
    return [
        ("These are the starting point's uniform weights.", torch.full((batch, slices), 1 / slices)),
        ("You multiplied raw logits; turn each head's logits into probabilities with a softmax "
         "over its last dimension first.", torch.softmax(ind[..., 1] * pred[..., 1], dim=1)),
        ("That is the product before the last step; finish with a softmax over the slices (dim=1).",
         product),
        ("Your softmax runs over the batch (dim=0); the weights of one comment must sum to 1 over "
         "the slices (dim=1).", torch.softmax(product, dim=0)),
        ("You used column 0, 'not in the slice'; the indicator's column 1 is 'in the slice'.",
         torch.softmax(torch.softmax(ind, -1)[..., 0] * p_spam / temperature, dim=1)),
        ("You used the probability of ham (column 0); the confidence is the probability of spam, "
         "column 1.", torch.softmax(p_in * torch.softmax(pred, -1)[..., 0] / temperature, dim=1)),
        ("You used the predictor's largest probability ('max_prob'); this model's confidence is "
         "the probability of spam, as in Snorkel.",
         torch.softmax(p_in * torch.softmax(pred, -1).amax(-1) / temperature, dim=1)),
    ]


def check_best_slice_epoch(epoch: object, f1: object, log_path: str, slice_name: str = "short_comment") -> Feedback:
    """Exercise 5c: the first epoch with the slice's best validation F1, read from the log file."""
    import math

    import pandas as pd

    title = "5c"
    expected_epoch, expected_f1 = solution.best_slice_epoch(log_path, slice_name)
    log = pd.read_json(log_path, lines=True).set_index("epoch")
    column = next(c for c in log.columns if c.startswith(f"slice:{slice_name}/") and c.endswith("/valid/f1"))
    if isinstance(epoch, bool) or not isinstance(epoch, int | np.integer):
        return Feedback(title, False, f"Expected the epoch as an int, got {type(epoch).__name__} {epoch!r}. "
                        f"Read the column {column!r} of the log.")
    if epoch not in log.index:
        return Feedback(title, False, f"Epoch {epoch} is not in the log, which has epochs {log.index.min()} to "
                        f"{log.index.max()}.")
    if epoch != expected_epoch:
        overall_best = int(log["task/SnorkelDataset/valid/f1"].idxmax())
        if epoch == overall_best and overall_best != expected_epoch:
            hint = "That is the best epoch of the *overall* F1; read the slice's own column."
        elif log.at[epoch, column] == expected_f1:
            hint = "It ties with the best, but an earlier epoch reached it first."
        else:
            hint = f"At epoch {epoch} the slice's F1 is {log.at[epoch, column]:.3f}; a higher value occurs."
        return Feedback(title, False, f"Not epoch {epoch}. {hint} Column: {column!r}.")
    try:
        value = float(f1)
    except (TypeError, ValueError):
        return Feedback(title, False, f"Epoch {epoch} is right. Expected the F1 as a number, got {f1!r}.")
    if not math.isclose(value, expected_f1, abs_tol=1e-9):
        return Feedback(title, False, f"Epoch {epoch} is right, but its F1 is not {value!r}: read the same "
                        f"row of {column!r}.")
    return Feedback(title, True, f"Epoch {epoch}: {slice_name}'s validation F1 peaked at {value:.3f}. "
                    "Compare it with the overall curve: the slice's best epoch need not be the model's.")
