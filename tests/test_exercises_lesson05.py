"""Lesson 05's exercises: each reference answer passes its check, plausible wrong answers fail with
feedback that names what is wrong, and copying what the lesson printed fails. No training: 5a uses
the validation comments' slices, 5b a small seeded model whose attention weights are spread out
enough to tell the slips apart, 5c a made-up log."""

import re

import numpy as np
import pandas as pd
import pytest
import torch
from spam_sfs import CHEAP, build_sfs
from torch import nn

from exercises import lesson05
from exercises.solutions import lesson05 as solution
from snorkel_slice.classification.data import DictDataset
from snorkel_slice.slicing.apply import PandasSFApplier
from snorkel_slice.slicing.classifier import SliceAwareClassifier
from snorkel_slice.slicing.loaders import make_slice_dataloader

NAME = "short_comment"


@pytest.fixture(scope="module")
def valid(labelled):
    """What the check of 5a gets in the lesson: Y_valid and S_valid; and the train loader's labels."""
    df_train, _, df_valid, _ = labelled
    applier = PandasSFApplier(build_sfs("snorkel_slice", CHEAP))
    S_train = applier.apply(df_train, progress_bar=False)
    dataset = DictDataset.from_tensors(torch.zeros(len(df_train), 1), torch.tensor(df_train["label"].to_numpy()), "train")
    train_labels = make_slice_dataloader(dataset, S_train).dataset.Y_dict
    return dict(Y=df_valid["label"].to_numpy(), S=applier.apply(df_valid, progress_bar=False),
                train_labels=train_labels)


def _labels_fn(ind_rule, pred_rule):
    def slice_labels(Y, S, slice_name):
        member = np.asarray(S[slice_name]) == 1
        return ind_rule(member, Y), pred_rule(member, Y)
    return slice_labels


def _check_5a(valid, fn):
    return lesson05.check_slice_labels(fn, valid["Y"], valid["S"])


# 5a ------------------------------------------------------------------------------------------


def test_slice_labels_solution_passes_on_every_slice(valid):
    feedback = _check_5a(valid, solution.slice_labels)
    assert feedback, feedback
    assert "match make_slice_dataloader's for every slice of these 120 rows" in feedback.message
    assert re.search(r"short_comment \d+, keyword_please \d+", feedback.message), feedback.message


def test_zeros_outside_the_slice_are_told_to_use_minus_one(valid):
    fn = _labels_fn(lambda m, Y: m.astype(int), lambda m, Y: np.where(m, Y, 0))
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert f"slice {NAME!r} of the 120 rows given" in feedback.message
    assert "Indicator labels: all 120 match" in feedback.message
    assert "Outside the slice your labels are 0" in feedback.message and "put -1 there" in feedback.message


def test_an_inverted_mask_is_named(valid):
    fn = _labels_fn(lambda m, Y: (~m).astype(int), lambda m, Y: np.where(m, -1, Y))
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert "0 and 1 are swapped" in feedback.message
    assert "The mask is inverted" in feedback.message


def test_the_notebook_starting_point_gets_both_hints(valid):
    fn = _labels_fn(lambda m, Y: np.zeros(len(Y), dtype=int), lambda m, Y: np.array(Y))
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert "They are all 0; put 1 where the comment is in the slice" in feedback.message
    assert "These are the task labels everywhere" in feedback.message


def test_task_labels_as_indicator_are_named(valid):
    fn = _labels_fn(lambda m, Y: np.array(Y), lambda m, Y: np.where(m, Y, -1))
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert "These are the task labels; the indicator says whether" in feedback.message


def test_a_function_right_for_one_slice_only_fails_on_the_next(valid):
    # A learner who hard-codes the slice of the lesson's exercise text instead of slice_name.
    fn = lambda Y, S, slice_name: solution.slice_labels(Y, S, NAME)  # noqa: E731
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert "slice 'keyword_please' of the 120 rows given" in feedback.message


def test_copying_the_lessons_loader_labels_fails_with_the_shape(valid):
    # The lesson printed the train loader's labels; returning them ignores the rows given.
    train = valid["train_labels"]
    fn = lambda Y, S, slice_name: (train[f"task_slice:{slice_name}_ind"],  # noqa: E731
                                   train[f"task_slice:{slice_name}_pred"])
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert "shape (120,), got shape (1586,). Compute them from the arguments Y and S" in feedback.message



def test_copying_the_validation_loaders_labels_fails_on_the_shuffled_rows(valid):
    # The lesson builds valid_dl_slice from the very rows the check is given; reading its labels
    # matches on those rows, so the check also asks for a seeded shuffle of three quarters of them.
    dataset = DictDataset.from_tensors(torch.zeros(len(valid["Y"]), 1), torch.tensor(valid["Y"]), "valid")
    labels = make_slice_dataloader(dataset, valid["S"]).dataset.Y_dict
    fn = lambda Y, S, slice_name: (labels[f"task_slice:{slice_name}_ind"],  # noqa: E731
                                   labels[f"task_slice:{slice_name}_pred"])
    feedback = _check_5a(valid, fn)
    assert not feedback
    assert f"slice {NAME!r} of the 90 rows given, shuffled" in feedback.message, feedback.message
    assert "shape (90,), got shape (120,). Compute them from the arguments Y and S" in feedback.message


@pytest.mark.parametrize(
    "answer, message",
    [
        ("not a function", r"expected a function slice_labels\(Y, S, slice_name\)"),
        (lambda Y, S, name: None, r"raised TypeError: .* It should return a pair \(ind, pred\)"),
        (lambda Y, S, name: (np.full(len(Y), 0.5), np.zeros(len(Y))), r"expected whole-number labels, got dtype float64"),
    ],
    ids=["not-callable", "returns-none", "fractions"],
)
def test_bad_answers_say_what_was_expected(valid, answer, message):
    feedback = _check_5a(valid, answer)
    assert not feedback
    assert re.search(message, feedback.message), feedback.message


def test_bool_and_tensor_answers_are_accepted(valid):
    fn = lambda Y, S, name: tuple(  # noqa: E731
        torch.as_tensor(a) if i else a.astype(bool) for i, a in enumerate(solution.slice_labels(Y, S, name)))
    assert _check_5a(valid, fn)


# 5b ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_and_loader():
    # Large random weights make the indicators and predictors confident in different slices, so
    # the attention weights (and every slip below) differ clearly from one another.
    torch.manual_seed(0)
    model = SliceAwareClassifier(nn.Linear(6, 8), 8, ["a", "b", "c"])
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(4)
    dataset = DictDataset.from_tensors(torch.randn(10, 6), torch.randint(0, 2, (10,)), "valid")
    loader = model.make_slice_dataloader(dataset, pd.DataFrame({k: np.arange(10) % 2 for k in "abc"}),
                                         batch_size=10)
    X_dict, _ = next(iter(loader))
    with torch.no_grad():
        out = model(X_dict)
    return model, loader, out


def _check_5b(model_and_loader, attention, top=solution.top_expert):
    model, loader, _ = model_and_loader
    return lesson05.check_attention(attention, top, model, loader)


def test_attention_solution_equals_the_models_own_weights(model_and_loader):
    _, _, out = model_and_loader
    torch.testing.assert_close(solution.attention_weights(out), out["attention"])


def test_attention_solution_matches_a_model_built_with_another_temperature(model_and_loader):
    model, loader, out = model_and_loader
    cool = SliceAwareClassifier(nn.Linear(6, 8), 8, ["a", "b", "c"], temperature=0.5)
    cool.load_state_dict(model.state_dict())
    X_dict, _ = next(iter(loader))
    with torch.no_grad():
        torch.testing.assert_close(solution.attention_weights(out, 0.5), cool(X_dict)["attention"])


def test_attention_solution_passes(model_and_loader):
    feedback = _check_5b(model_and_loader, solution.attention_weights)
    assert feedback, feedback
    assert "at temperature 1.0, all 40 match" in feedback.message
    assert "at temperature 0.5, all 40 match" in feedback.message
    assert "Top expert: right on 6 rows of made-up weights" in feedback.message
    numpy_answer = lambda out, temperature=1.0: solution.attention_weights(out, temperature).numpy()  # noqa: E731
    assert _check_5b(model_and_loader, numpy_answer)  # numpy answers work too


def _slip(kind):
    def attention(out, temperature=1.0):
        ind, pred = out["ind"], out["pred"]
        p_in, p_spam = torch.softmax(ind, -1)[..., 1], torch.softmax(pred, -1)[..., 1]
        return {
            "uniform": lambda: torch.full(p_in.shape, 1 / p_in.shape[1]),
            "logits": lambda: torch.softmax(ind[..., 1] * pred[..., 1], dim=1),
            "no-softmax": lambda: p_in * p_spam / temperature,
            "batch-softmax": lambda: torch.softmax(p_in * p_spam / temperature, dim=0),
            "column-0": lambda: torch.softmax(torch.softmax(ind, -1)[..., 0] * p_spam / temperature, dim=1),
            "ham": lambda: torch.softmax(p_in * torch.softmax(pred, -1)[..., 0] / temperature, dim=1),
            "max-prob": lambda: torch.softmax(p_in * torch.softmax(pred, -1).amax(-1) / temperature, dim=1),
        }[kind]()
    return attention


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
def test_attention_slips_are_named(model_and_loader, kind, hint):
    feedback = _check_5b(model_and_loader, _slip(kind))
    assert not feedback
    assert re.search(r"At temperature 1\.0: Weights: off by up to \d\.\d{3}\.", feedback.message), feedback.message
    assert hint in feedback.message


def test_ignoring_the_temperature_fails_at_the_second_one(model_and_loader):
    feedback = _check_5b(model_and_loader, lambda out, temperature=1.0: solution.attention_weights(out))
    assert not feedback
    assert "At temperature 0.5: Weights: off by up to" in feedback.message


def test_copying_the_models_own_attention_is_refused(model_and_loader):
    # The lesson's starting point printed out["attention"]; the check does not pass it in.
    feedback = _check_5b(model_and_loader, lambda out, temperature=1.0: out["attention"])
    assert not feedback
    assert "raised KeyError" in feedback.message
    assert "out['attention'] is the model's answer, and the exercise is to compute it" in feedback.message


def test_weights_with_both_classes_are_told_to_take_column_one(model_and_loader):
    feedback = _check_5b(model_and_loader, lambda out, temperature=1.0: torch.softmax(out["ind"], -1))
    assert not feedback
    assert "expected shape (10, 4), got (10, 4, 2)" in feedback.message
    assert "take column 1" in feedback.message


def test_an_unknown_slip_gets_the_steps_to_check(model_and_loader):
    feedback = _check_5b(model_and_loader,
                         lambda out, temperature=1.0: solution.attention_weights(out, temperature).flip(1))
    assert not feedback
    assert "Check each step" in feedback.message


def test_the_printed_top_expert_as_a_constant_fails(model_and_loader):
    # The lesson's starting value was "base"; a constant name cannot be right on every row.
    feedback = _check_5b(model_and_loader, solution.attention_weights, lambda w, names, row: "base")
    assert not feedback
    assert "Weights right. Top expert, on made-up weights: for row" in feedback.message
    assert "take the argmax of weights[row]" in feedback.message


def test_top_expert_as_a_position_is_told_to_give_the_name(model_and_loader):
    feedback = _check_5b(model_and_loader, solution.attention_weights,
                         lambda w, names, row: int(w[row].argmax()))
    assert not feedback
    assert "give the slice's name, e.g. slice_names[position]" in feedback.message


def test_top_expert_that_is_no_slice_is_rejected(model_and_loader):
    feedback = _check_5b(model_and_loader, solution.attention_weights, lambda w, names, row: "short_comment")
    assert not feedback
    assert "'short_comment' is not one of the slices ['a', 'b', 'c', 'base']" in feedback.message


def test_answers_that_are_not_functions_are_named(model_and_loader):
    _, _, out = model_and_loader
    feedback = _check_5b(model_and_loader, out["attention"])
    assert not feedback
    assert "expected a function attention(out, temperature), got Tensor" in feedback.message


# 5c -------------------------------------------------------------------------------------------


@pytest.fixture
def training_log():
    """A log like the lesson's, read with pandas and indexed by epoch."""
    return pd.DataFrame({
        "task/SnorkelDataset/valid/f1": [0.80, 0.90, 0.85, 0.86],
        "slice:short_comment/SnorkelDataset/valid/f1": [0.50, 0.70, 0.75, 0.75],
        "slice:keyword_please/SnorkelDataset/valid/f1": [0.95, 0.90, 1.0, 0.9],
    }, index=pd.Index([0, 1, 2, 3], name="epoch"))


def _best(log, slice_name):
    return solution.best_slice_epoch(log, slice_name)


def test_best_slice_epoch_solution_passes(training_log):
    assert solution.best_slice_epoch(training_log, "short_comment") == (2, 0.75)
    feedback = lesson05.check_best_slice_epoch(solution.best_slice_epoch, training_log)
    assert feedback, feedback
    assert "short_comment's validation F1 peaked at 0.750, first at epoch 2" in feedback.message


def test_a_log_read_without_the_epoch_index_is_accepted(training_log):
    assert lesson05.check_best_slice_epoch(solution.best_slice_epoch, training_log.reset_index())


def _constant(epoch, f1):
    return lambda log, slice_name: (epoch, f1)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda log, s: (int(log["task/SnorkelDataset/valid/f1"].idxmax()),
                         float(log["task/SnorkelDataset/valid/f1"].max())),
         r"That is the best epoch of the \*overall\* F1; read the slice's own column"),
        (lambda log, s: (int(log[f"slice:{s}/SnorkelDataset/valid/f1"][::-1].idxmax()),
                         float(log[f"slice:{s}/SnorkelDataset/valid/f1"].max())),
         r"It ties with the best, but an earlier epoch reached it first"),
        (lambda log, s: (int(log[f"slice:{s}/SnorkelDataset/valid/f1"].idxmax()), 0.5),
         r"epoch 2 is right, but its F1 is not 0\.5"),
        (_constant(None, None), r"expected the epoch as an int, got NoneType None"),
        (_constant(9, 0.1), r"epoch 9 is not in the log, which has epochs 0 to 3"),
        (lambda log, s: None, r"raised TypeError: .* It should return a pair \(epoch, f1\)"),
        ((2, 0.75), r"expected a function best_slice_epoch\(log, slice_name\)"),
    ],
    ids=["overall", "last-tie", "wrong-f1", "none", "no-such-epoch", "returns-none", "not-callable"],
)
def test_best_slice_epoch_slips_are_named(training_log, answer, hint):
    feedback = lesson05.check_best_slice_epoch(answer, training_log)
    assert not feedback and re.search(hint, str(feedback)), str(feedback)


def test_copying_the_lessons_answer_fails_on_another_slice(training_log):
    # The right answer for short_comment, typed in, is wrong for keyword_please.
    feedback = lesson05.check_best_slice_epoch(_constant(2, 0.75), training_log)
    assert not feedback
    assert "On your log, slice 'keyword_please'" in feedback.message


def test_a_function_right_for_the_lessons_slice_only_fails_on_the_made_up_log(training_log):
    answers = {"short_comment": (2, 0.75), "keyword_please": (2, 1.0)}
    feedback = lesson05.check_best_slice_epoch(lambda log, s: answers[s], training_log)
    assert not feedback
    assert "On a made-up log, slice 'short_comment': not epoch 2" in feedback.message
