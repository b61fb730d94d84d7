"""DictDataset, DictDataLoader and make_slice_dataloader, checked against Snorkel 0.10.0."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from snorkel.classification import DictDataLoader as SnorkelLoader
from snorkel.classification import DictDataset as SnorkelDataset
from snorkel.slicing.utils import add_slice_labels
from torch.utils.data import TensorDataset

from snorkel_slice.classification.data import DictDataLoader, DictDataset, collate_dicts
from snorkel_slice.slicing.loaders import ind_label, make_slice_dataloader, pred_label

X = torch.arange(12.0).view(6, 2)
Y = torch.tensor([0, 1, 1, 0, 1, 0])
S_REC = np.rec.fromarrays([np.array([1, 0, 1, 0, 0, 1]), np.array([0, 0, 0, 1, 1, 1])], names=["a", "b"])


def batches(loader):
    return [(Xb, Yb) for Xb, Yb in loader]


def test_from_tensors_names_fields_as_snorkel():
    ds = DictDataset.from_tensors(X, Y, "train")
    ref = SnorkelDataset.from_tensors(X, Y, "train")
    assert (ds.name, ds.split, list(ds.X_dict), list(ds.Y_dict)) == (
        ref.name, ref.split, list(ref.X_dict), list(ref.Y_dict))
    assert len(ds) == len(ref) == 6
    assert repr(ds) == "DictDataset(name=SnorkelDataset, split=train, n=6, X_keys=['input_data'], Y_keys=['task'])"


def test_batches_equal_snorkel_batches():
    ours = batches(DictDataLoader(DictDataset.from_tensors(X, Y, "train"), batch_size=4))
    ref = batches(SnorkelLoader(SnorkelDataset.from_tensors(X, Y, "train"), batch_size=4))
    assert len(ours) == len(ref) == 2
    for (Xo, Yo), (Xr, Yr) in zip(ours, ref, strict=True):
        assert torch.equal(Xo["input_data"], Xr["input_data"]) and torch.equal(Yo["task"], Yr["task"])


def test_shuffled_batches_follow_torch_seed():
    ds = DictDataset.from_tensors(X, Y, "train")
    torch.manual_seed(3)
    first = torch.cat([b[1]["task"] for b in batches(DictDataLoader(ds, batch_size=4, shuffle=True))])
    torch.manual_seed(3)
    again = torch.cat([b[1]["task"] for b in batches(DictDataLoader(ds, batch_size=4, shuffle=True))])
    assert torch.equal(first, again) and sorted(first.tolist()) == sorted(Y.tolist())


def test_custom_collate_sees_data_points():
    ds = DictDataset.from_tensors(X, Y, "train")
    seen = next(iter(DictDataLoader(ds, batch_size=3, collate_fn=lambda pts: [y["task"].item() for _, y in pts])))
    assert seen == [0, 1, 1]
    # The generic path (a plain list of points) gives the batch that the fast path gives.
    Xg, Yg = collate_dicts([ds[i] for i in range(3)])
    Xf, Yf = next(iter(DictDataLoader(ds, batch_size=3)))
    assert torch.equal(Xg["input_data"], Xf["input_data"]) and torch.equal(Yg["task"], Yf["task"])


def test_numpy_features_become_float32_and_read_only_arrays_work():
    X64 = np.arange(12.0).reshape(6, 2)
    X64.flags.writeable = False
    Yro = Y.numpy().copy()
    Yro.flags.writeable = False
    ds = DictDataset.from_tensors(X64, Yro, "train")
    Xb, Yb = next(iter(DictDataLoader(ds, batch_size=6)))
    assert Xb["input_data"].dtype == torch.float32 and Yb["task"].dtype == torch.int64
    assert torch.equal(Xb["input_data"], X)


def test_sparse_features_are_densified_per_batch_only():
    Xs = sp.random(50, 30, density=0.1, format="coo", random_state=0, dtype=np.int64)
    ds = DictDataset.from_tensors(Xs, np.zeros(50, dtype=int), "train")
    assert sp.issparse(ds.X_dict["input_data"])  # never densified as a whole
    dense = torch.cat([b[0]["input_data"] for b in batches(DictDataLoader(ds, batch_size=16))])
    assert dense.dtype == torch.float32
    assert torch.equal(dense, torch.tensor(Xs.toarray(), dtype=torch.float32))
    assert torch.equal(ds[7][0]["input_data"], dense[7])


def test_integer_labels_become_int64():
    ds = DictDataset("d", "train", {"x": X}, {"task": Y.int(), "flag": Y.bool()})
    assert ds.Y_dict["task"].dtype == ds.Y_dict["flag"].dtype == torch.int64


def test_list_fields_are_gathered_as_lists():
    ds = DictDataset("texts", "test", {"text": list("abcdef")}, {"task": Y})
    Xb, _ = next(iter(DictDataLoader(ds, batch_size=4)))
    assert Xb["text"] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("d", "train", {"x": X}, {"task": [0, 1]}), TypeError, r"Y_dict\['task'\] must be a torch.Tensor.*got list"),
        (("d", "train", {"x": X}, {"task": Y.float() / 2}), ValueError,
         r"DictDataset 'd': Y_dict\['task'\] must hold whole-number class labels \(-1 = no label\); got 0\.5 at row 1\. Turn probabilities"),
        (("d", "train", {"x": X}, {"task": Y.float().masked_fill(Y == 0, float("nan"))}), ValueError, r"whole-number class labels .*got nan at row 0"),
        (("d", "train", {"x": X}, {"task": Y.view(2, 3)}), ValueError, r"Y_dict\['task'\] must be a 1-D tensor of class labels .*shape \(2, 3\)"),
        (("d", "train", {"x": X}, {"task": [torch.tensor([0, 1])] * 6}), ValueError, r"Y_dict\['task'\] is a list of tensors, but not of single labels"),
        (("d", "train", {"x": X}, {"task": Y[:4]}), ValueError,
         r"'d' \(train\) has inconsistent numbers of data points: X_dict\['x'\] has 6, Y_dict\['task'\] has 4"),
        (("d", "train", {}, {}), ValueError, "has neither inputs nor labels"),
        ((3, "train", {"x": X}, {"task": Y}), TypeError, "DictDataset name must be a str, got 3"),
        (("d", None, {"x": X}, {"task": Y}), TypeError, "DictDataset split must be a str, got None"),
        (("d", "train", {"x": pd.Series(range(6))}, {"task": Y}), TypeError, r"X_dict\['x'\] must be a torch.Tensor.*got Series"),
    ],
)
def test_bad_datasets_are_refused(args, error, match):
    with pytest.raises(error, match=match):
        DictDataset(*args)


def test_loader_needs_a_dict_dataset():
    with pytest.raises(TypeError, match="DictDataLoader needs a DictDataset, got TensorDataset"):
        DictDataLoader(TensorDataset(X, Y))


def test_collate_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="collate_dicts got an empty batch"):
        collate_dicts([])


def test_label_names_are_snorkels():
    assert ind_label("spam", "short") == "spam_slice:short_ind"
    assert pred_label("spam", "short") == "spam_slice:short_pred"


@pytest.mark.parametrize("S", [S_REC, pd.DataFrame({"a": S_REC.a.astype(bool), "b": S_REC.b})], ids=["recarray", "frame"])
def test_slice_labels_equal_snorkels(S):
    dataset = DictDataset.from_tensors(X, Y, "train")
    dl = make_slice_dataloader(dataset, S, batch_size=4)
    ref = SnorkelLoader(SnorkelDataset.from_tensors(X, Y, "train"))
    add_slice_labels(ref, type("Task", (), {"name": "task"})(), S_REC)
    assert list(dl.dataset.Y_dict) == list(ref.dataset.Y_dict)
    for key, labels in ref.dataset.Y_dict.items():
        assert torch.equal(dl.dataset.Y_dict[key], labels.long()), key
    assert list(dataset.Y_dict) == ["task"]  # the dataset given is not modified
    assert dl.batch_size == 4 and dl.dataset.X_dict["input_data"] is dataset.X_dict["input_data"]


@pytest.mark.parametrize(
    ("dataset", "S", "kwargs", "error", "match"),
    [
        (TensorDataset(X, Y), S_REC, {}, TypeError, "dataset must be a DictDataset, got TensorDataset"),
        (DictDataset.from_tensors(X, Y, "train", task_name="spam"), S_REC, {}, ValueError,
         r"The base labels of task 'task' are missing from DictDataset\(name=SnorkelDataset.*task_name='task'"),
        (None, S_REC[:4], {}, ValueError, r"S has 4 rows but dataset 'SnorkelDataset' \(train\) has 6 data points"),
        # Bad S itself gets the same error everywhere: tests/slicing/test_matrix.py.
        (None, S_REC, {"slice_names": ["a", "c", "base"]}, ValueError, r"S has no column for slice\(s\) \['c'\]; its columns are \['a', 'b'\]"),
    ],
)
def test_bad_slice_inputs_are_refused(dataset, S, kwargs, error, match):
    dataset = DictDataset.from_tensors(X, Y, "train") if dataset is None else dataset
    with pytest.raises(error, match=match):
        make_slice_dataloader(dataset, S, **kwargs)


def test_labels_as_whole_floats_or_lists_of_tensors_are_accepted_as_snorkel_does():
    from snorkel.classification import DictDataset as SnorkelDataset

    for labels in (Y.float(), list(Y), Y.view(6, 1)):
        ours = DictDataset("d", "train", {"x": X}, {"task": labels})
        assert ours.Y_dict["task"].dtype == torch.long and ours.Y_dict["task"].tolist() == Y.tolist()
    theirs = SnorkelDataset("d", "train", {"x": X}, {"task": Y.float()})
    assert theirs[2][1]["task"].item() == DictDataset("d", "train", {"x": X}, {"task": Y.float()})[2][1]["task"].item()


def test_variable_length_fields_are_zero_padded_like_snorkels_collate():
    from snorkel.classification import DictDataLoader as SnorkelLoader
    from snorkel.classification import DictDataset as SnorkelDataset

    tokens = [torch.tensor([1, 2, 3]), torch.tensor([4]), torch.tensor([5, 6]), torch.tensor([7, 8, 9, 10])]
    labels = torch.tensor([0, 1, 1, 0])
    ours = DictDataLoader(DictDataset("d", "train", {"tokens": tokens}, {"task": labels}), batch_size=4)
    theirs = SnorkelLoader(SnorkelDataset("d", "train", {"tokens": tokens}, {"task": labels}), batch_size=4)
    (X_ours, Y_ours), (X_theirs, Y_theirs) = next(iter(ours)), next(iter(theirs))
    assert torch.equal(X_ours["tokens"], X_theirs["tokens"]) and torch.equal(Y_ours["task"], Y_theirs["task"])
    assert X_ours["tokens"].tolist()[1] == [4, 0, 0, 0]


def test_from_tensors_takes_snorkels_argument_names():
    ds = DictDataset.from_tensors(X_tensor=X, Y_tensor=Y, split="valid")
    assert ds.split == "valid" and ds.Y_dict["task"].tolist() == Y.tolist()
