"""The slice matrix S has one reader: every consumer gives the same error for the same bad S."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from snorkel_slice.analysis.scorer import Scorer
from snorkel_slice.analysis.summary import slice_summary
from snorkel_slice.classification.data import DictDataset
from snorkel_slice.slicing.loaders import make_slice_dataloader
from snorkel_slice.slicing.matrix import RESERVED_NAMES, read_slice_matrix
from snorkel_slice.slicing.sf import SlicingFunction

N = 6
GOLDS = np.array([0, 1, 1, 0, 1, 0])
GOOD = pd.DataFrame({"short": [1, 1, 0, 0, 0, 1], "link": [0, 1, 1, 0, 0, 0]})
REC = np.rec.fromarrays([GOOD.short.to_numpy(), GOOD.link.to_numpy()], names=["short", "link"])


def scorer(S):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Scorer(["accuracy"]).score_slices(S, GOLDS, GOLDS, as_dataframe=True)


def summary(S):
    return slice_summary(S, GOLDS)


def loader(S):
    ds = DictDataset.from_tensors(torch.zeros(N, 2), torch.as_tensor(GOLDS), "train")
    return make_slice_dataloader(ds, S)


CONSUMERS = [read_slice_matrix, scorer, summary, loader]

BAD = [
    (GOOD.to_numpy(), TypeError, r"S is a plain matrix of shape \(6, 2\), which has no slice names; pass slice_names=\[\.\.\.\] \(one per column\), or wrap it: pd\.DataFrame\(S, columns=names\)"),
    ([[1, 0]] * N, TypeError, r"S must be a 1-d record array .*; got list\."),
    (None, TypeError, r"S must be a 1-d record array .*; got NoneType\."),
    (GOOD.rename(columns={"link": 3}), TypeError, r"S column names must be slice names \(str\); got 3 \(int\)\. Rename the columns"),
    (GOOD.rename(columns={"link": "short"}), ValueError, r"S has duplicated slice names \['short'\]; give every SF \(column\) a unique name"),
    (GOOD.rename(columns={"link": "overall"}), ValueError, r"S has a slice named 'overall', which is reserved for the whole-data row; rename that SF \(column\), e\.g\. to 'sf_overall'"),
    (GOOD.rename(columns={"link": "base"}), ValueError, r"S has a slice named 'base', which is reserved for the slice of all data points; rename"),
    (GOOD.assign(link=list("abcdef")), TypeError, r"S column 'link' must hold 0/1 \(or bool\) slice membership; got dtype object"),
    (GOOD.assign(link=[1, -1, 0, 0, -1, 0]), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got -1 at row 1\. Snorkel's fault-tolerant applier writes -1"),
    (GOOD.assign(link=[1, np.nan, 0, 0, 0, 0]), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got nan at row 1"),
    (GOOD.assign(link=[0, 0, 0, 0.5, 0, 0]), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got 0\.5 at row 3"),
    (GOOD.assign(link=[0, 0, 0, 0, 0, 2]).astype(np.uint8), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got 2 at row 5"),
]


@pytest.mark.parametrize("consumer", CONSUMERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("S, error, match", BAD)
def test_every_consumer_gives_the_same_error(consumer, S, error, match):
    with pytest.raises(error, match=match):
        consumer(S)


@pytest.mark.parametrize("S", [GOOD, REC, GOOD.astype(bool), GOOD.astype(float)], ids=["frame", "recarray", "bool", "float"])
def test_good_layouts_read_the_same(S):
    names, M = read_slice_matrix(S)
    assert names == ["short", "link"]
    assert M.dtype == bool and M.tolist() == GOOD.astype(bool).to_numpy().tolist()


def test_mixed_dtype_recarray_and_row_blocks():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, 70_000), rng.integers(0, 2, 70_000).astype(np.uint8)
    names, M = read_slice_matrix(np.rec.fromarrays([a, b], names=["a", "b"]))
    assert np.array_equal(M, np.column_stack([a, b]).astype(bool))
    a[65_537] = 3  # in the second block of rows
    with pytest.raises(ValueError, match=r"S column 'a' must hold only 0/1 \(or bool\); got 3 at row 65537"):
        read_slice_matrix(np.rec.fromarrays([a, b], names=["a", "b"]))


def test_no_slices_is_allowed_everywhere():
    empty = GOOD.iloc[:, :0]
    assert read_slice_matrix(empty)[1].shape == (N, 0)
    assert list(scorer(empty).index) == ["overall"]
    assert list(summary(empty).index) == ["overall"]
    assert "task_slice:base_ind" in loader(empty).dataset.Y_dict


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES))
def test_reserved_names_cannot_be_sf_names(name):
    with pytest.raises(ValueError, match=rf"SF name '{name}' is reserved"):
        SlicingFunction(name, lambda x: True)


def _compact_layouts():
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    M = rng.random((200, 6)) < 0.3
    names = [f"s{j}" for j in range(6)]
    records = M.astype(np.int64).view([(n, np.int64) for n in names]).ravel().view(np.recarray)
    bool_records = M.view([(n, bool) for n in names]).ravel()
    return M, names, records, {
        "bool frame (one block)": (pd.DataFrame(M, columns=names), {}),
        "bool frame (column by column)": (pd.DataFrame({n: M[:, j] for j, n in enumerate(names)}), {}),
        "bool structured array": (bool_records, {}),
        "sparse frame": (pd.DataFrame.sparse.from_spmatrix(sp.csr_matrix(M.astype(int)), columns=names), {}),
        "bool ndarray": (M, {"slice_names": names}),
        "0/1 ndarray": (M.astype(np.int8), {"slice_names": names}),
        "scipy csr": (sp.csr_matrix(M), {"slice_names": names}),
        "scipy csc array": (sp.csc_array(M.astype(np.float32)), {"slice_names": names}),
    }


def test_every_compact_layout_gives_the_recarray_results():
    from snorkel_slice.analysis import Scorer, compare_slices, slice_overlap, slice_summary

    M, names, records, layouts = _compact_layouts()
    rng = np.random.default_rng(1)
    golds = rng.integers(0, 2, len(M))
    preds = np.where(rng.random(len(M)) < 0.8, golds, 1 - golds)
    scorer = Scorer(["accuracy", "f1"], min_support=0)
    expected = (scorer.score_slices(records, golds, preds, as_dataframe=True),
                slice_summary(records, golds), slice_overlap(records),
                compare_slices(records, golds, preds, random_state=0))
    for label, (S, kwargs) in layouts.items():
        got_names, got = read_slice_matrix(S, **kwargs)
        assert got_names == names and got.dtype == bool and np.array_equal(got, M), label
        assert got.flags.f_contiguous, label
        got = (scorer.score_slices(S, golds, preds, as_dataframe=True, **kwargs),
               slice_summary(S, golds, **kwargs), slice_overlap(S, **kwargs),
               compare_slices(S, golds, preds, random_state=0, **kwargs))
        for a, b in zip(got, expected, strict=True):
            pd.testing.assert_frame_equal(a, b, obj=label)


def test_a_bool_frame_is_read_without_a_copy():
    M, names, _, layouts = _compact_layouts()
    S = layouts["bool frame (one block)"][0]
    _, got = read_slice_matrix(S)
    assert np.shares_memory(got, S.to_numpy())


def test_plain_matrices_need_names_and_sparse_values_must_be_0_1():
    import scipy.sparse as sp

    M = np.eye(3, dtype=bool)
    with pytest.raises(ValueError, match=r"slice_names has 2 names for the 3 columns of S"):
        read_slice_matrix(M, slice_names=["a", "b"])
    with pytest.raises(TypeError, match=r"slice_names is only for a plain matrix"):
        read_slice_matrix(pd.DataFrame(M, columns=list("abc")), slice_names=list("abc"))
    with pytest.raises(ValueError, match=r"S column 'a' must hold only 0/1 \(or bool\); got 2.0 at row 0"):
        read_slice_matrix(sp.csr_matrix(np.eye(3) * 2), slice_names=list("abc"))
    with pytest.raises(ValueError, match=r"S has a slice named 'overall'"):
        read_slice_matrix(M, slice_names=["a", "overall", "c"])
