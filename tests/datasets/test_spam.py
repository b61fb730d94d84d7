"""The lessons' helpers: spam splits as in the Snorkel tutorial, features, MLP, dataloaders.

The data is copied once into a temporary folder (from $YOUTUBE_SPAM_DIR, else the repo's
data/youtube-spam), so these tests never write into the repo's data/ folder.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from utils import (
    SPAM_SF_NAMES,
    create_dict_dataloader,
    df_to_features,
    get_pytorch_mlp,
    load_spam_dataset,
    make_spam_sfs,
)

COLUMNS = ["author", "date", "text", "label", "video"]


def test_split_sizes_columns_and_dtypes(labelled):
    assert [len(df) for df in labelled] == [1586, 100, 120, 250]
    for df in labelled:
        assert list(df.columns) == COLUMNS
        assert df["label"].dtype == np.int64 and df["video"].dtype == np.int64
        assert all(pd.api.types.is_string_dtype(df[c]) for c in ["author", "date", "text"])
    train, dev, valid, test = labelled
    assert train["video"].value_counts().sort_index().tolist() == [350, 350, 438, 448]
    assert set(valid["video"]) == set(test["video"]) == {5}
    assert set(train["label"]) == set(dev["label"]) == {0, 1}


def test_hidden_train_labels_are_int_minus_one_and_dev_keeps_its_labels(spam_data_dir, labelled):
    train, dev, valid, test = load_spam_dataset(split_dev_valid=True, data_dir=spam_data_dir)
    assert train["label"].dtype == np.int64 and set(train["label"]) == {-1}
    # Dev is drawn before the labels are hidden, as in the tutorial.
    pd.testing.assert_frame_equal(dev, labelled[1])
    pd.testing.assert_frame_equal(train.drop(columns="label"), labelled[0].drop(columns="label"))
    pd.testing.assert_frame_equal(test, labelled[3])


def test_default_returns_train_and_test_only(spam_data_dir, labelled):
    train, test = load_spam_dataset(load_train_labels=True, data_dir=spam_data_dir)
    pd.testing.assert_frame_equal(train, labelled[0])
    pd.testing.assert_frame_equal(test, labelled[3])


def test_loading_is_deterministic(spam_data_dir, labelled):
    again = load_spam_dataset(load_train_labels=True, split_dev_valid=True, data_dir=spam_data_dir)
    for first, second in zip(labelled, again, strict=True):
        pd.testing.assert_frame_equal(first, second)


def test_each_file_is_shuffled_with_seed_123_and_keeps_its_own_index(spam_data_dir, labelled):
    train = labelled[0]
    raw = pd.read_csv(spam_data_dir / "youtube-spam" / "Youtube02-KatyPerry.csv")
    shuffled = raw.sample(frac=1, random_state=123)
    video2 = train[train["video"] == 2]
    assert video2["text"].tolist() == shuffled["CONTENT"].tolist()
    assert video2["label"].tolist() == shuffled["CLASS"].tolist()
    # Like the tutorial's pd.concat, train restarts its index at 0 for every file.
    expected_index = np.concatenate([np.arange(n) for n in (350, 350, 438, 448)])
    np.testing.assert_array_equal(train.index, expected_index)


def test_dev_is_a_seeded_sample_of_labelled_train(labelled):
    train, dev = labelled[0], labelled[1]
    pd.testing.assert_frame_equal(dev, train.sample(100, random_state=123))


def test_valid_and_test_partition_the_shakira_file_by_label(spam_data_dir, labelled):
    valid, test = labelled[2], labelled[3]
    assert sorted([*valid.index, *test.index]) == list(range(370))
    raw = pd.read_csv(spam_data_dir / "youtube-spam" / "Youtube05-Shakira.csv")
    spam_share = raw["CLASS"].mean()
    for df in (valid, test):  # stratified: each keeps the file's spam share to within one row
        assert abs(df["label"].sum() - spam_share * len(df)) < 1


def test_first_short_comments_in_test_match_the_seed(labelled):
    test = labelled[3]
    short = test[[len(text.split()) < 5 for text in test["text"]]].head()
    assert short.index.tolist() == [194, 2, 110, 263, 77]
    # The raw comments carry a byte-order mark, invisible in the seed's table.
    texts = [text.replace("\ufeff", "") for text in short["text"]]
    assert texts == ["super music", "I like shakira..", " subscribe to my feed", "Awesome ", "Nice"]
    assert short["label"].tolist() == [0, 0, 1, 0, 0]


def test_seed_logistic_regression_reaches_test_f1_0_925(labelled):
    train, test = labelled[0], labelled[3]
    vectorizer = CountVectorizer(ngram_range=(1, 1))
    X_train, Y_train = df_to_features(vectorizer, train, "train")
    X_test, Y_test = df_to_features(vectorizer, test, "test")
    assert X_train.shape == (1586, 3916)  # the seed's bow_dim
    model = LogisticRegression(C=0.001, solver="liblinear").fit(X_train, Y_train)
    assert f1_score(Y_test, model.predict(X_test)) == pytest.approx(0.925)


def test_df_to_features_fits_on_train_only():
    train = pd.DataFrame({"text": ["buy now", "nice song"], "label": [1, 0]})
    test = pd.DataFrame({"text": ["buy this song", "unknown words"], "label": [1, 0]})
    vectorizer = CountVectorizer()
    X_train, Y_train = df_to_features(vectorizer, train, "train")
    X_test, Y_test = df_to_features(vectorizer, test, "test")
    assert type(X_train) is np.ndarray and type(X_test) is np.ndarray  # not np.matrix
    assert sorted(vectorizer.vocabulary_) == ["buy", "nice", "now", "song"]
    np.testing.assert_array_equal(X_test, [[1, 0, 0, 1], [0, 0, 0, 0]])
    np.testing.assert_array_equal(Y_test, [1, 0])


@pytest.mark.parametrize(
    "df, split, error, match",
    [
        (
            pd.DataFrame({"content": ["a"], "label": [0]}),
            "train",
            ValueError,
            r"\['text'\].*got \[",
        ),
        (pd.DataFrame({"text": ["a"]}), "train", ValueError, r"lacks the column\(s\) \['label'\]"),
        (pd.DataFrame({"text": ["a"], "label": [0]}), 0, TypeError, r"split must be a str.*got 0"),
    ],
)
def test_df_to_features_rejects_bad_input(df, split, error, match):
    with pytest.raises(error, match=match):
        df_to_features(CountVectorizer(), df, split)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"load_train_labels": "yes"},
            TypeError,
            r"load_train_labels must be True or False, got 'yes'",
        ),
        ({"split_dev_valid": 1}, TypeError, r"split_dev_valid must be True or False, got 1"),
    ],
)
def test_load_spam_dataset_rejects_non_bool_flags(spam_data_dir, kwargs, error, match):
    with pytest.raises(error, match=match):
        load_spam_dataset(data_dir=spam_data_dir, **kwargs)


def test_loading_never_changes_the_working_directory(spam_data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    load_spam_dataset(data_dir=spam_data_dir)
    assert Path.cwd() == tmp_path and list(tmp_path.iterdir()) == []


def test_mlp_matches_the_seed_backbone():
    import torch

    mlp = get_pytorch_mlp(hidden_dim=3916, num_layers=2)
    kinds = [type(layer).__name__ for layer in mlp]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU"]
    assert sum(p.numel() for p in mlp.parameters()) == 2 * (3916**2 + 3916)
    assert mlp(torch.zeros(3, 3916)).shape == (3, 3916)


@pytest.mark.parametrize(
    "hidden_dim, num_layers, error, match",
    [
        (0, 2, ValueError, r"hidden_dim must be at least 1, got 0"),
        (8, -1, ValueError, r"num_layers must be at least 1, got -1"),
        (8.0, 2, TypeError, r"hidden_dim must be an int, got 8\.0 \(float\)"),
        (8, True, TypeError, r"num_layers must be an int, got True \(bool\)"),
    ],
)
def test_mlp_rejects_bad_sizes(hidden_dim, num_layers, error, match):
    with pytest.raises(error, match=match):
        get_pytorch_mlp(hidden_dim, num_layers)


def test_dict_dataloader_matches_snorkel():
    import torch
    from snorkel.classification.data import DictDataset as SnorkelDictDataset

    X = np.array([[1, 0, 2], [0, 3, 0], [4, 0, 0]])
    Y = np.array([1, 0, 1])
    ours = create_dict_dataloader(X, Y, "valid", batch_size=2, shuffle=False)
    ref = SnorkelDictDataset.from_tensors(torch.FloatTensor(X), torch.LongTensor(Y), "valid")
    assert (ours.dataset.name, ours.dataset.split) == (ref.name, ref.split)
    assert ours.dataset.X_dict.keys() == ref.X_dict.keys()
    assert ours.dataset.Y_dict.keys() == ref.Y_dict.keys()
    for key in ref.X_dict:
        assert torch.equal(ours.dataset.X_dict[key], ref.X_dict[key])
    for key in ref.Y_dict:
        assert torch.equal(ours.dataset.Y_dict[key], ref.Y_dict[key])
    task = next(iter(ref.Y_dict))
    assert [len(batch_Y[task]) for _, batch_Y in ours] == [2, 1]


def test_dict_dataloader_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=r"X of shape \(3, 2\) and Y of shape \(2,\)"):
        create_dict_dataloader(np.zeros((3, 2)), np.zeros(2), "train")


def test_sparse_features_give_the_same_batches_as_dense(labelled):
    import torch

    X_sparse, Y = df_to_features(CountVectorizer(), labelled[3], "train", sparse=True)
    X_dense, _ = df_to_features(CountVectorizer(), labelled[3], "train")
    np.testing.assert_array_equal(X_sparse.toarray(), X_dense)
    dense = create_dict_dataloader(X_dense, Y, "test", batch_size=100)
    sparse = create_dict_dataloader(X_sparse, Y, "test", batch_size=100)
    for (X_a, Y_a), (X_b, Y_b) in zip(dense, sparse, strict=True):
        assert torch.equal(X_a["input_data"], X_b["input_data"])
        assert torch.equal(Y_a["task"], Y_b["task"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"names": ("short_comment", "long_comment")}, r"got \('short_comment', 'long_comment'\)"),
        ({"library": "sklearn"}, r"library must be 'snorkel_slice' or 'snorkel', got 'sklearn'"),
    ],
)
def test_make_spam_sfs_rejects_bad_arguments(kwargs, message):
    with pytest.raises(TypeError, match=r"names must be a tuple drawn from .*; got 'short_comment'"):
        make_spam_sfs("short_comment")
    with pytest.raises(ValueError, match=message):
        make_spam_sfs(**kwargs)


def test_make_spam_sfs_builds_the_tutorial_slices_in_order(labelled):
    from snorkel_slice import PandasSFApplier

    sfs = make_spam_sfs()
    assert [sf.name for sf in sfs] == list(SPAM_SF_NAMES)
    S = PandasSFApplier(sfs).apply(labelled[3], progress_bar=False)
    # Slice sizes on the 250 test comments, as lesson 02 shows them.
    assert [int(S[name].sum()) for name in SPAM_SF_NAMES] == [92, 23, 45, 3, 24]
