"""The rest of snorkel.slicing's names, each against Snorkel 0.10.0 itself."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from snorkel.classification import DictDataLoader as SnorkelLoader
from snorkel.classification import DictDataset as SnorkelDataset
from snorkel.classification import Operation, Task
from snorkel.slicing import PandasSFApplier as SnorkelPandasApplier
from snorkel.slicing import SFApplier as SnorkelSFApplier
from snorkel.slicing import SliceCombinerModule as SnorkelCombiner
from snorkel.slicing import add_slice_labels as snorkel_add_slice_labels
from snorkel.slicing import convert_to_slice_tasks as snorkel_convert
from snorkel.slicing import slicing_function as snorkel_slicing_function
from torch import nn

from snorkel_slice.classification import DictDataLoader, DictDataset
from snorkel_slice.slicing import (
    PandasParallelSFApplier,
    SFApplier,
    SliceCombinerModule,
    SlicingFunctionError,
    add_slice_labels,
    convert_to_slice_tasks,
    slicing_function,
)

POINTS = [SimpleNamespace(text=t, n=n) for t, n in [("hi", 1), ("check my channel", 3), ("nice", 0), ("a b c d e", 5)]]


def both(body, name):
    return slicing_function(name=name)(body), snorkel_slicing_function(name=name)(body)


def short(x):
    return len(x.text) < 6


def many(x):
    return x.n > 2


def test_sf_applier_on_a_list_equals_snorkels():
    (o1, s1), (o2, s2) = both(short, "short"), both(many, "many")
    ours = SFApplier([o1, o2]).apply(POINTS, progress_bar=False)
    theirs = SnorkelSFApplier([s1, s2]).apply(POINTS, progress_bar=False)
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


def test_sf_applier_names_the_point_and_counts_faults():
    bad = slicing_function(name="bad")(lambda x: x.missing)
    with pytest.raises(SlicingFunctionError, match=r"SF 'bad' failed on data point 0: AttributeError"):
        SFApplier([bad]).apply(POINTS, progress_bar=False)
    S, meta = SFApplier([bad]).apply(POINTS, progress_bar=False, fault_tolerant=True, return_meta=True)
    assert S.bad.tolist() == [0, 0, 0, 0] and meta.faults == {"bad": 4}
    with pytest.raises(TypeError, match=r"data_points is a DataFrame; use PandasSFApplier"):
        SFApplier([bad]).apply(pd.DataFrame({"text": ["a"]}))


def test_pandas_parallel_applier_equals_snorkels_serial_applier():
    df = pd.DataFrame({"text": [p.text for p in POINTS] * 5, "n": [p.n for p in POINTS] * 5})
    (o1, s1), (o2, s2) = both(short, "short"), both(many, "many")
    ours = PandasParallelSFApplier([o1, o2]).apply(df, n_parallel=2)
    assert np.array_equal(ours, SnorkelPandasApplier([s1, s2]).apply(df, progress_bar=False))
    with pytest.raises(ValueError, match=r"n_parallel must be an int >= 2; got 1 \(int\)\. For a single process use PandasSFApplier"):
        PandasParallelSFApplier([o1]).apply(df, n_parallel=1)


def test_add_slice_labels_equals_snorkels():
    X, Y = torch.randn(4, 2), torch.tensor([1, 0, 1, 1])
    S = np.rec.fromarrays([np.array([1, 0, 0, 1]), np.array([0, 0, 1, 1])], names=["a", "b"])
    ours = DictDataLoader(DictDataset.from_tensors(X, Y, "train"))
    theirs = SnorkelLoader(SnorkelDataset("d", "train", {"input_data": X}, {"task": Y.clone()}))
    add_slice_labels(ours, "task", S)
    snorkel_add_slice_labels(theirs, SimpleNamespace(name="task"), S)
    assert ours.dataset.Y_dict.keys() == theirs.dataset.Y_dict.keys()
    for key, labels in theirs.dataset.Y_dict.items():
        assert torch.equal(ours.dataset.Y_dict[key], labels), key


def test_convert_to_slice_tasks_names_snorkels_tasks_in_order():
    pool = nn.ModuleDict({"body": nn.Linear(2, 4), "head": nn.Linear(4, 2)})
    ops = [Operation("body", [("_input_", "input_data")]), Operation("head", ["body"])]
    base = Task(name="task", module_pool=pool, op_sequence=ops)
    expected = [t.name for t in snorkel_convert(base, ["a", "b"])]
    assert [t.name for t in convert_to_slice_tasks(base, ["a", "b"])] == expected
    assert [t.kind for t in convert_to_slice_tasks("task", ["a"])] == ["ind", "ind", "pred", "pred", "master"]


@pytest.mark.parametrize("temperature", [1.0, 0.3])
def test_slice_combiner_equals_snorkels(temperature):
    torch.manual_seed(0)
    out = {}
    for s in ["a", "b", "base"]:
        out[f"task_slice:{s}_ind_head"] = torch.randn(5, 2)
        out[f"task_slice:{s}_pred_head"] = torch.randn(5, 2)
        out[f"task_slice:{s}_pred_transform"] = torch.randn(5, 3)
    ours = SliceCombinerModule(temperature=temperature)(out)
    theirs = SnorkelCombiner(temperature=temperature)(out)
    assert torch.allclose(ours, theirs, atol=1e-6)
    with pytest.raises(ValueError, match=r"output_dict has no key ending in '_ind_head'"):
        SliceCombinerModule()({"x": torch.zeros(1, 2)})


def test_task_names_are_snorkels():
    from snorkel.slicing import SliceAwareClassifier as SnorkelClassifier

    from snorkel_slice.slicing import SliceAwareClassifier

    ours = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["f", "g"], task_name="t")
    theirs = SnorkelClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["f", "g"], input_data_key="input_data", task_name="t")
    assert ours.task_names == theirs.task_names


def test_a_one_column_predictor_is_not_implemented_as_in_snorkel():
    out = {"a_ind_head": torch.zeros(2, 2), "a_pred_head": torch.zeros(2, 1), "a_pred_transform": torch.zeros(2, 3)}
    with pytest.raises(NotImplementedError, match=r"predictor heads must output \(batch, n_classes >= 2\) logits"):
        SliceCombinerModule()(out)


def test_labels_replaced_by_a_list_of_tensors_are_batched_like_snorkels():
    ds = DictDataset.from_tensors(torch.zeros(2, 1), torch.tensor([0, 1]), "train")
    ds.Y_dict["task2"] = [torch.tensor([2]), torch.tensor([2])]  # what Snorkel's own test does
    _, Y = next(iter(DictDataLoader(ds, batch_size=2)))
    assert Y["task2"].tolist() == [[2], [2]]
