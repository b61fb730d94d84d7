"""JTT: the first model's errors, and the sampler that upsamples them."""

import numpy as np
import pytest
import torch
from torch import nn

from snorkel_slice.classification import (
    DictDataLoader,
    DictDataset,
    PlainClassifier,
    jtt_sampler,
    training_errors,
)


def test_training_errors_are_the_rows_the_model_gets_wrong():
    model = PlainClassifier(nn.Identity(), head_dim=2)
    with torch.no_grad():
        model.head.weight.copy_(torch.eye(2))
        model.head.bias.zero_()
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])  # predicts 0, 1, 0, 1
    ds = DictDataset.from_tensors(X, torch.tensor([0, 0, 1, -1]), "train")
    assert training_errors(model, DictDataLoader(ds, batch_size=2)).tolist() == [False, True, True, False]


def test_the_sampler_draws_errors_factor_times_as_often():
    errors = np.zeros(1000, dtype=bool)
    errors[:50] = True
    sampler = jtt_sampler(errors, factor=10)
    assert len(sampler) == 1000 + 9 * 50  # the size of the upsampled set
    torch.manual_seed(0)
    draws = np.concatenate([np.array(list(sampler)) for _ in range(10)])
    per_error, per_other = (draws < 50).sum() / 50, (draws >= 50).sum() / 950
    assert per_error / per_other == pytest.approx(10, rel=0.1)


@pytest.mark.parametrize("errors, factor, match", [
    (np.array([True]), 0.5, "factor >= 1"),
    (np.zeros((2, 2), bool), 2, "1-D bool array"),
])
def test_bad_inputs_say_what_to_fix(errors, factor, match):
    with pytest.raises(ValueError, match=match):
        jtt_sampler(errors, factor)
