"""snorkel_slice.utils against snorkel.utils (Snorkel 0.10.0): same values, clearer errors."""

import numpy as np
import pytest
from snorkel.utils import filter_labels as snorkel_filter_labels
from snorkel.utils import preds_to_probs as snorkel_preds_to_probs
from snorkel.utils import probs_to_preds as snorkel_probs_to_preds
from snorkel.utils import to_int_label_array as snorkel_to_int_label_array

from snorkel_slice.utils import filter_labels, preds_to_probs, probs_to_preds, to_int_label_array

RNG = np.random.default_rng(0)
PROBS = RNG.random((200, 3))
PROBS[::7, 1] = PROBS[::7, 0]  # ties between classes 0 and 1 on every 7th row
PROBS[::11] = 1 / 3  # three-way ties


@pytest.mark.parametrize("policy", ["random", "abstain"])
def test_probs_to_preds_equals_snorkel_ties_included(policy):
    expected = snorkel_probs_to_preds(PROBS, tie_break_policy=policy)
    assert np.array_equal(probs_to_preds(PROBS, tie_break_policy=policy), expected)
    assert (probs_to_preds(PROBS, tie_break_policy=policy) == -1).any() == (policy == "abstain")


def test_true_random_ties_pick_a_tied_class():
    preds = probs_to_preds(PROBS, tie_break_policy="true-random")
    assert np.all(np.isclose(PROBS[np.arange(200), preds], PROBS.max(axis=1)))


@pytest.mark.parametrize("preds", [np.array([0, 2, 1, 1]), np.array([[0], [2], [1], [1]])], ids=["(n,)", "(n, 1)"])
def test_preds_to_probs_equals_snorkel(preds):
    assert np.array_equal(preds_to_probs(preds, 3), snorkel_preds_to_probs(preds, 3))


@pytest.mark.parametrize(
    "X, flatten",
    [(np.array([[1.0], [0.0]]), True), (np.array([3]), True), (np.array([[1, 2], [3, 4]]), False)],
)
def test_to_int_label_array_equals_snorkel(X, flatten):
    assert np.array_equal(to_int_label_array(X, flatten), snorkel_to_int_label_array(X, flatten))


def test_filter_labels_equals_snorkel():
    labels = {"golds": np.array([-1, 0, 0, 1, 0]), "preds": np.array([0, 0, 0, 1, -1])}
    ours = filter_labels(labels, {"golds": [-1], "preds": [-1]})
    theirs = snorkel_filter_labels(labels, {"golds": [-1], "preds": [-1]})
    assert ours.keys() == theirs.keys()
    assert all(np.array_equal(ours[k], theirs[k]) for k in ours)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: probs_to_preds([[1.0]]), ValueError, r"probs must have probabilities for at least 2 classes; got 1 column"),
        (lambda: probs_to_preds([0.2, 0.8]), ValueError, r"probs must be a 2-d array .*got shape \(2,\)"),
        (lambda: probs_to_preds([[0.5, 0.5]], tie_break_policy="first"), ValueError, r"tie_break_policy='first' policy not recognized; use one of \('random', 'true-random', 'abstain'\)"),
        (lambda: preds_to_probs([0, -1], 2), ValueError, r"Could not convert abstained vote to probability: preds has -1 at row 1\. Drop abstains"),
        (lambda: preds_to_probs([0, 2], 2), ValueError, r"preds must lie in \[0, num_classes=2\); got 2 at row 1"),
        (lambda: preds_to_probs([0, 1], 2.0), TypeError, r"num_classes must be an int >= 1; got 2.0"),
        (lambda: to_int_label_array(np.array([0.5, 1.0])), ValueError, r"Input contains at least one non-integer value: 0\.5"),
        (lambda: to_int_label_array(np.array(["a"])), ValueError, r"Labels must be numbers; got dtype <U1\. Encode them"),
        (lambda: to_int_label_array(np.array([[1, 2], [3, 4]])), ValueError, r"Input could not be converted to 1d np.array: shape \(2, 2\)"),
        (lambda: filter_labels({"golds": np.array([1])}, {"probs": [-1]}), ValueError, r"filter_dict names \['probs'\], which label_dict does not have \(it has \['golds'\]\)"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
