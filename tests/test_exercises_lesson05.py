"""Lesson 05's exercises: each reference answer passes its check, and plausible wrong answers fail
with feedback that names what is wrong. No training: 3a uses the lesson's slice loader, 3b a small
seeded model whose attention weights are spread out enough to tell the slips apart."""

import re

import numpy as np
import pytest
import torch
from sklearn.feature_extraction.text import CountVectorizer
from spam_sfs import CHEAP, build_sfs
from torch import nn

from exercises import lesson05
from exercises.solutions import lesson05 as solution
from snorkel_slice.slicing.apply import PandasSFApplier
from snorkel_slice.slicing.classifier import SliceAwareClassifier
from utils import create_dict_dataloader, df_to_features

NAME = "short_comment"


@pytest.fixture(scope="module")
def lesson(labelled):
    """What the lesson has at exercise 5a: Y_train, S_train and the slice-aware train loader."""
    df_train = labelled[0]
    X, Y = df_to_features(CountVectorizer(), df_train, "train", sparse=True)
    S = PandasSFApplier(build_sfs("snorkel_slice", CHEAP)).apply(df_train, progress_bar=False)
    model = SliceAwareClassifier(nn.Linear(X.shape[1], 4), 4, list(CHEAP))
    loader = model.make_slice_dataloader(create_dict_dataloader(X, Y, "train").dataset, S)
    return dict(Y=Y, S=S, loader=loader)


def _check_labels(lesson, ind, pred):
    return lesson05.check_slice_labels(ind, pred, lesson["loader"], lesson["S"], lesson["Y"], NAME)


# 3a ------------------------------------------------------------------------------------------


def test_slice_labels_solution_passes_and_matches_the_loader(lesson):
    ind, pred = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    feedback = _check_labels(lesson, ind, pred)
    assert feedback, feedback
    assert "Indicator labels: all 1586 match" in feedback.message
    assert re.search(r"learns from \d+ of the 1586 comments", feedback.message)
    # Also without a loader, against the reference answer:
    assert lesson05.check_slice_labels(ind, pred, None, lesson["S"], lesson["Y"], NAME)


def test_zeros_outside_the_slice_are_told_to_use_minus_one(lesson):
    ind, pred = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    feedback = _check_labels(lesson, ind, np.where(pred == -1, 0, pred))
    assert not feedback
    assert "Indicator labels: all 1586 match" in feedback.message
    assert "Outside the slice your labels are 0" in feedback.message
    assert "put -1 there" in feedback.message


def test_an_inverted_mask_is_named(lesson):
    ind, _ = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    inverted = np.where(ind == 1, -1, lesson["Y"])
    feedback = _check_labels(lesson, 1 - ind, inverted)
    assert not feedback
    assert "0 and 1 are swapped" in feedback.message
    assert "The mask is inverted" in feedback.message


def test_the_notebook_starting_point_gets_both_hints(lesson):
    feedback = _check_labels(lesson, np.zeros(len(lesson["Y"]), dtype=int), np.array(lesson["Y"]))
    assert not feedback
    assert "They are all 0; put 1 where the comment is in the slice" in feedback.message
    assert "These are the task labels everywhere" in feedback.message


def test_task_labels_as_indicator_are_named(lesson):
    _, pred = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    feedback = _check_labels(lesson, lesson["Y"], pred)
    assert not feedback
    assert "These are the task labels; the indicator says whether" in feedback.message
    assert "Predictor labels: all 1586 match" in feedback.message


@pytest.mark.parametrize(
    "ind, message",
    [
        (np.zeros(5), r"expected one label per training comment, shape \(1586,\), got shape \(5,\)"),
        (np.full(1586, 0.5), r"expected whole-number labels, got dtype float64"),
        (np.array(["a"] * 1586), r"expected whole-number labels, got dtype <U1"),
    ],
    ids=["wrong-length", "fractions", "strings"],
)
def test_badly_shaped_labels_say_what_was_expected(lesson, ind, message):
    _, pred = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    feedback = _check_labels(lesson, ind, pred)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_bool_and_tensor_answers_are_accepted(lesson):
    ind, pred = solution.slice_labels(lesson["Y"], lesson["S"], NAME)
    assert _check_labels(lesson, ind.astype(bool), torch.as_tensor(pred))


# 3b ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_and_batch():
    # Large random weights make the indicators and predictors confident in different slices, so
    # the attention weights (and every slip below) differ clearly from one another.
    torch.manual_seed(0)
    model = SliceAwareClassifier(nn.Linear(6, 8), 8, ["a", "b", "c"])
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(4)
    X_dict = {"input_data": torch.randn(10, 6)}
    with torch.no_grad():
        out = model(X_dict)
    return model, X_dict, out


def _check_attention(model_and_batch, weights, top=None):
    model, X_dict, out = model_and_batch
    if top is None:
        top = model.all_slice_names[int(out["attention"][0].argmax())]
    return lesson05.check_attention(weights, top, model, X_dict)


def test_attention_solution_equals_the_models_own_weights(model_and_batch):
    _, _, out = model_and_batch
    torch.testing.assert_close(solution.attention_weights(out), out["attention"])


def test_attention_solution_passes(model_and_batch):
    model, _, out = model_and_batch
    weights = solution.attention_weights(out)
    top = solution.top_expert(weights, model.all_slice_names)
    feedback = _check_attention(model_and_batch, weights, top)
    assert feedback, feedback
    assert "Weights: all 40 match" in feedback.message
    assert f"Top expert: {top!r}" in feedback.message
    assert _check_attention(model_and_batch, weights.numpy(), top)  # numpy answers work too


def _slip(out, kind):
    ind, pred = out["ind"], out["pred"]
    p_in, p_spam = torch.softmax(ind, -1)[..., 1], torch.softmax(pred, -1)[..., 1]
    return {
        "uniform": torch.full(p_in.shape, 1 / p_in.shape[1]),
        "logits": torch.softmax(ind[..., 1] * pred[..., 1], dim=1),
        "no-softmax": p_in * p_spam,
        "batch-softmax": torch.softmax(p_in * p_spam, dim=0),
        "column-0": torch.softmax(torch.softmax(ind, -1)[..., 0] * p_spam, dim=1),
        "ham": torch.softmax(p_in * torch.softmax(pred, -1)[..., 0], dim=1),
        "max-prob": torch.softmax(p_in * torch.softmax(pred, -1).amax(-1), dim=1),
    }[kind]


@pytest.mark.parametrize(
    "kind, hint",
    [
        ("uniform", "starting point's uniform weights"),
        ("logits", "You multiplied raw logits"),
        ("no-softmax", "finish with a softmax over the slices"),
        ("batch-softmax", "Your softmax runs over the batch"),
        ("column-0", "You used column 0, 'not in the slice'"),
        ("ham", "You used the probability of ham"),
        ("max-prob", "You used the predictor's largest probability"),
    ],
)
def test_attention_slips_are_named(model_and_batch, kind, hint):
    _, _, out = model_and_batch
    feedback = _check_attention(model_and_batch, _slip(out, kind))
    assert not feedback
    assert re.search(r"Weights: off by up to \d\.\d{3}\.", feedback.message), feedback.message
    assert hint in feedback.message


def test_weights_with_both_classes_are_told_to_take_column_one(model_and_batch):
    _, _, out = model_and_batch
    feedback = _check_attention(model_and_batch, torch.softmax(out["ind"], -1))
    assert not feedback
    assert "expected shape (10, 4), got (10, 4, 2)" in feedback.message
    assert "take column 1" in feedback.message


def test_an_unknown_slip_gets_the_steps_to_check(model_and_batch):
    _, _, out = model_and_batch
    feedback = _check_attention(model_and_batch, out["attention"].flip(1))
    assert not feedback
    assert "Check each step" in feedback.message


def test_top_expert_as_a_position_is_told_to_give_the_name(model_and_batch):
    model, _, out = model_and_batch
    feedback = _check_attention(model_and_batch, out["attention"], int(out["attention"][0].argmax()))
    assert not feedback
    assert "Weights: all 40 match" in feedback.message
    assert "give the slice's name, e.g. model.all_slice_names[position]" in feedback.message


def test_a_wrong_top_expert_quotes_both_weights(model_and_batch):
    model, _, out = model_and_batch
    first = out["attention"][0]
    wrong = model.all_slice_names[int(first.argmin())]
    feedback = _check_attention(model_and_batch, out["attention"], wrong)
    assert not feedback
    assert f"Top expert: {wrong!r} gets {first.min():.3f} for the first comment" in feedback.message
    assert f"another slice gets {first.max():.3f}" in feedback.message


def test_a_name_that_is_no_slice_is_rejected(model_and_batch):
    _, _, out = model_and_batch
    feedback = _check_attention(model_and_batch, out["attention"], "short_comment")
    assert not feedback
    assert "'short_comment' is not one of the model's slices ['a', 'b', 'c', 'base']" in feedback.message


# 3c -------------------------------------------------------------------------------------------


@pytest.fixture
def training_log(tmp_path):
    import pandas as pd

    rows = [
        {"epoch": 0, "task/SnorkelDataset/valid/f1": 0.80, "slice:short_comment/SnorkelDataset/valid/f1": 0.50},
        {"epoch": 1, "task/SnorkelDataset/valid/f1": 0.90, "slice:short_comment/SnorkelDataset/valid/f1": 0.70},
        {"epoch": 2, "task/SnorkelDataset/valid/f1": 0.85, "slice:short_comment/SnorkelDataset/valid/f1": 0.75},
        {"epoch": 3, "task/SnorkelDataset/valid/f1": 0.86, "slice:short_comment/SnorkelDataset/valid/f1": 0.75},
    ]
    path = tmp_path / "log.jsonl"
    pd.DataFrame(rows).to_json(path, orient="records", lines=True)
    return str(path)


def test_best_slice_epoch_solution_passes(training_log):
    epoch, f1 = solution.best_slice_epoch(training_log, "short_comment")
    assert (epoch, f1) == (2, 0.75)
    assert lesson05.check_best_slice_epoch(epoch, f1, training_log)


@pytest.mark.parametrize(
    "epoch, f1, hint",
    [
        (1, 0.90, r"That is the best epoch of the \*overall\* F1; read the slice's own column"),
        (3, 0.75, r"It ties with the best, but an earlier epoch reached it first"),
        (0, 0.5, r"At epoch 0 the slice's F1 is 0\.500; a higher value occurs"),
        (2, 0.7, r"Epoch 2 is right, but its F1 is not 0\.7"),
        (None, None, r"Expected the epoch as an int, got NoneType None"),
        (9, 0.1, r"Epoch 9 is not in the log, which has epochs 0 to 3"),
    ],
)
def test_best_slice_epoch_slips_are_named(training_log, epoch, f1, hint):
    feedback = lesson05.check_best_slice_epoch(epoch, f1, training_log)
    assert not feedback and re.search(hint, str(feedback)), str(feedback)
