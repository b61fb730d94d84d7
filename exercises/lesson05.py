"""Checks for lesson 05's exercises (slice-based learning).

Each exercise asks for a function. The checks call it on data the lesson never printed (the
validation split, another batch, another temperature, another slice, a made-up log) and compare
with the package's own answer: the labels ``make_slice_dataloader`` adds, the attention weights of
the model, the log the ``Trainer`` wrote. They name the usual slip when an answer is off, and run no
training, so they answer at once.

Examples
--------
>>> S = np.rec.fromarrays([[1, 0, 1, 0]], names="short")
>>> Y = np.array([0, 1, 1, 0])
>>> def slice_labels(Y, S, slice_name):  # zeros outside the slice, where the loss needs -1
...     member = S[slice_name] == 1
...     return member.astype(int), np.where(member, Y, 0)
>>> print(check_slice_labels(slice_labels, Y, S))  # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 5a: slice 'short' of the 4 rows given: Indicator labels: all 4 match.
Predictor labels: 2 of 4 differ. Outside the slice your labels are 0, which the loss reads as
'ham'; put -1 there, the label the loss skips, so the expert learns from its own slice only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
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
            f"{what}: expected one label per row of the Y given, shape ({n},), got shape "
            f"{array.shape}. Compute them from the arguments Y and S."
        )
    if array.dtype == bool:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iuf" or not np.all(np.equal(np.mod(array, 1), 0)):
        return None, f"{what}: expected whole-number labels, got dtype {array.dtype}."
    return array.astype(np.int64), ""


def _loader_labels(Y: np.ndarray, S: np.recarray) -> dict:
    """The labels make_slice_dataloader adds for every slice of S: the package's answer."""
    from snorkel_slice.classification.data import DictDataset
    from snorkel_slice.slicing.loaders import make_slice_dataloader

    dataset = DictDataset.from_tensors(torch.zeros(len(Y), 1), torch.tensor(np.array(Y)), "check")
    return make_slice_dataloader(dataset, S).dataset.Y_dict


def check_slice_labels(slice_labels: object, Y: np.ndarray, S: np.recarray) -> Feedback:
    """Exercise 5a: ``slice_labels(Y, S, slice_name)`` returns the indicator and predictor labels.

    It is called for every slice of ``S`` and compared with the labels ``make_slice_dataloader``
    adds to the same rows, then again on a seeded shuffle of three quarters of them, so that
    labels read from a loader the lesson built cannot pass.
    """
    if not callable(slice_labels):
        return Feedback("5a", False, (
            f"expected a function slice_labels(Y, S, slice_name) returning (ind, pred), got "
            f"{type(slice_labels).__name__}. The check calls it on rows the lesson never printed."))
    Y = np.asarray(Y)
    # First the rows given, then a seeded shuffle of three quarters of them: an answer that reads
    # labels the lesson already built (a loader's Y_dict) instead of computing them from Y and S
    # is right on the first and wrong on the second.
    rows = np.random.default_rng(5).permutation(len(Y))[: max(1, 3 * len(Y) // 4)]
    for Y_rows, S_rows, where in ((Y, S, "rows given"), (Y[rows], S[rows], "rows given, shuffled")):
        feedback = _check_rows(slice_labels, Y_rows, S_rows, where)
        if feedback is not None:
            return feedback
    n = len(Y)
    sizes = ", ".join(f"{name} {int((np.asarray(S[name]) == 1).sum())}" for name in S.dtype.names)
    return Feedback("5a", True, (
        f"your labels match make_slice_dataloader's for every slice of these {n} rows. Each expert "
        f"learns from the rows of its slice only ({sizes}); the loss skips the -1 rows."))


def _check_rows(slice_labels: object, Y: np.ndarray, S: np.recarray, where: str) -> Feedback | None:
    """Feedback on the first slice whose labels differ from make_slice_dataloader's, else None."""
    Y_dict = _loader_labels(Y, S)
    n = len(Y)
    for name in S.dtype.names:
        member = np.asarray(S[name]) == 1
        want_ind = Y_dict[f"task_slice:{name}_ind"].numpy()
        want_pred = Y_dict[f"task_slice:{name}_pred"].numpy()
        try:
            answer = slice_labels(Y, S, name)
            ind, pred = answer
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback("5a", False, f"slice_labels(Y, S, {name!r}) raised "
                            f"{type(err).__name__}: {err}. It should return a pair (ind, pred).")
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
        if not passed:
            return Feedback("5a", False, f"slice {name!r} of the {n} {where}: " + " ".join(texts))
    return None


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


TEMPERATURES = (1.0, 0.5)  # the model's own, and one the lesson never uses


def check_attention(attention: object, top_expert: object, model: torch.nn.Module, loader: object) -> Feedback:
    """Exercise 5b: ``attention(out, temperature)`` and ``top_expert(weights, slice_names, row)``.

    ``attention`` gets only ``out["ind"]`` and ``out["pred"]`` of the loader's first batch (not the
    model's own ``out["attention"]``), at two temperatures; ``top_expert`` is called on made-up
    weights. The expected weights are the reference answer's, which equal the model's own at
    temperature 1 (checked here too).
    """
    for name, fn in (("attention(out, temperature)", attention),
                     ("top_expert(weights, slice_names, row)", top_expert)):
        if not callable(fn):
            return Feedback("5b", False, f"expected a function {name}, got {type(fn).__name__} "
                            f"{fn!r}. The check calls it on a batch the lesson never printed.")
    names = list(model.all_slice_names)
    X_dict, _ = next(iter(loader))
    with torch.no_grad():
        out = model(X_dict)
    heads = {"ind": out["ind"], "pred": out["pred"]}  # the attention itself is the answer sought
    texts = []
    for temperature in TEMPERATURES:
        expected = solution.attention_weights(out, temperature)
        if temperature == model.config.temperature and model.config.confidence == "positive":
            torch.testing.assert_close(expected, out["attention"])  # the reference is the model's
        try:
            weights = attention(dict(heads), temperature)
        except KeyError as err:
            hint = (" The check passes only out['ind'] and out['pred']: out['attention'] is the "
                    "model's answer, and the exercise is to compute it." if "attention" in str(err) else "")
            return Feedback("5b", False, f"attention(out, temperature={temperature}) raised KeyError: {err}.{hint}")
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback("5b", False, f"attention(out, temperature={temperature}) raised "
                            f"{type(err).__name__}: {err}")
        passed, text = _check_weights(weights, expected, out, temperature)
        if not passed:
            return Feedback("5b", False, f"At temperature {temperature}: {text}")
        texts.append(f"at temperature {temperature}, {text[len('Weights: '):].rstrip('.')}")
    weights = torch.softmax(torch.randn(6, len(names), generator=torch.Generator().manual_seed(5)), dim=1)
    for row in range(len(weights)):
        want = solution.top_expert(weights, names, row)
        try:
            got = top_expert(weights, names, row)
        except Exception as err:  # noqa: BLE001
            return Feedback("5b", False, f"Weights right. top_expert(weights, slice_names, {row}) raised "
                            f"{type(err).__name__}: {err}")
        problem = _top_problem(got, want, weights[row], names, row)
        if problem:
            return Feedback("5b", False, f"Weights right. Top expert, on made-up weights: {problem}")
    return Feedback("5b", True, "Weights: " + "; ".join(texts) + ". Top expert: right on 6 rows of "
                    "made-up weights.")


def _top_problem(got: object, want: str, row_weights: torch.Tensor, names: list[str], row: int) -> str:
    if isinstance(got, int | np.integer) and not isinstance(got, bool):
        return (f"for row {row} you gave the position {int(got)}; give the slice's name, e.g. "
                "slice_names[position].")
    if got not in names:
        return f"for row {row}, {got!r} is not one of the slices {names}."
    if got != want:
        return (f"for row {row}, {got!r} gets {row_weights[names.index(got)]:.3f}, but another slice "
                f"gets {row_weights.max():.3f}; take the argmax of weights[row]. Compute it from the "
                "weights given, not from a name the lesson printed.")
    return ""


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


def _made_up_log() -> pd.DataFrame:
    # A log the lesson never shows: the slice peaks (tied) before the overall F1 does.
    overall, sliced = "task/SnorkelDataset/valid/f1", "slice:short_comment/SnorkelDataset/valid/f1"
    return pd.DataFrame({overall: [0.80, 0.85, 0.90, 0.88], sliced: [0.50, 0.75, 0.70, 0.75]},
                        index=pd.Index([0, 1, 2, 3], name="epoch"))


def check_best_slice_epoch(best_slice_epoch: object, log: pd.DataFrame) -> Feedback:
    """Exercise 5c: ``best_slice_epoch(log, slice_name)``, the first epoch with the slice's best
    validation F1 and that F1, from a log read with ``pd.read_json(..., lines=True)``.

    It is called on ``log`` for two slices and on a made-up log with a tie.
    """
    title = "5c"
    if not callable(best_slice_epoch):
        return Feedback(title, False, (
            f"expected a function best_slice_epoch(log, slice_name) returning (epoch, f1), got "
            f"{type(best_slice_epoch).__name__} {best_slice_epoch!r}. The check calls it on slices "
            "and logs the lesson never printed."))
    if "epoch" in log.columns:
        log = log.set_index("epoch")
    cases = [("your log", log, "short_comment"), ("your log", log, "keyword_please"),
             ("a made-up log", _made_up_log(), "short_comment")]
    for where, table, slice_name in cases:
        try:
            answer = best_slice_epoch(table.copy(), slice_name)
            epoch, f1 = answer
        except Exception as err:  # noqa: BLE001 - the learner's code: report, never crash the check
            return Feedback(title, False, f"best_slice_epoch(log, {slice_name!r}) on {where} raised "
                            f"{type(err).__name__}: {err}. It should return a pair (epoch, f1).")
        problem = _epoch_problem(epoch, f1, table, slice_name)
        if problem:
            return Feedback(title, False, f"On {where}, slice {slice_name!r}: {problem}")
    epoch, f1 = solution.best_slice_epoch(log, "short_comment")
    return Feedback(title, True, (
        f"right on two slices of your log and on a made-up one. short_comment's validation F1 "
        f"peaked at {f1:.3f}, first at epoch {epoch}: the slice's best epoch need not be the model's."))


def _epoch_problem(epoch: object, f1: object, log: pd.DataFrame, slice_name: str) -> str:
    expected_epoch, expected_f1 = solution.best_slice_epoch(log, slice_name)
    column = next(c for c in log.columns if c.startswith(f"slice:{slice_name}/") and c.endswith("/valid/f1"))
    if isinstance(epoch, bool) or not isinstance(epoch, int | np.integer):
        return f"expected the epoch as an int, got {type(epoch).__name__} {epoch!r}. Read the column {column!r}."
    if epoch not in log.index:
        return f"epoch {epoch} is not in the log, which has epochs {log.index.min()} to {log.index.max()}."
    if epoch != expected_epoch:
        overall_best = int(log["task/SnorkelDataset/valid/f1"].idxmax())
        if epoch == overall_best and overall_best != expected_epoch:
            hint = "That is the best epoch of the *overall* F1; read the slice's own column."
        elif log.at[epoch, column] == expected_f1:
            hint = "It ties with the best, but an earlier epoch reached it first."
        else:
            hint = f"At epoch {epoch} the slice's F1 is {log.at[epoch, column]:.3f}; a higher value occurs."
        return f"not epoch {epoch}. {hint} Column: {column!r}."
    try:
        value = float(f1)
    except (TypeError, ValueError):
        return f"epoch {epoch} is right. Expected the F1 as a number, got {f1!r}."
    if not math.isclose(value, expected_f1, abs_tol=1e-9):
        return f"epoch {epoch} is right, but its F1 is not {value!r}: read the same row of {column!r}."
    return ""
