"""The YouTube spam data of Snorkel's slicing tutorial: its splits, features and SFs.

``load_spam_dataset`` rebuilds the tutorial's splits row for row, so the lessons' numbers can be
compared with the published ones. The five CSVs are found, copied or downloaded by
``fetch_spam_data`` (``fetch.py``) and checked against SHA-256 every time; data/README.md says
where they come from.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from snorkel_slice.datasets.fetch import SPAM_FILES, fetch_spam_data

if TYPE_CHECKING:  # scipy is imported where used, so importing this module stays light
    import scipy.sparse


def _read_video(path: Path, video: int) -> pd.DataFrame:
    df = pd.read_csv(path)
    df.columns = [column.lower() for column in df.columns]
    df = df.drop(columns="comment_id").rename(columns={"class": "label", "content": "text"})
    df["video"] = video
    return df.sample(frac=1, random_state=123).reset_index(drop=True)


def load_spam_dataset(
    load_train_labels: bool = False,
    split_dev_valid: bool = False,
    *,
    data_dir: str | Path | None = None,
) -> tuple[pd.DataFrame, ...]:
    """Load the YouTube spam splits of the Snorkel spam tutorial, row for row.

    Each CSV (sorted by name; ``video`` 1..5) is shuffled with seed 123. Train is videos 1-4
    concatenated; like the tutorial it keeps each file's own 0..n-1 index, so the index repeats.
    Dev is 100 labelled train rows (seed 123). Video 5 (Shakira) is split, stratified by label
    with seed 123, into 120 valid and 250 test rows. Columns: author, date, text, label, video.

    Parameters
    ----------
    load_train_labels
        Keep the train labels; otherwise they are all -1 (dev keeps its labels either way).
    split_dev_valid
        Also return the dev and valid frames.
    data_dir
        Passed to `fetch_spam_data`; None means the repository's ``data/``.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(df_train, df_test)``, or ``(df_train, df_dev, df_valid, df_test)``.

    Examples
    --------
    >>> df_train, df_dev, df_valid, df_test = load_spam_dataset(split_dev_valid=True)
    >>> [len(df) for df in (df_train, df_dev, df_valid, df_test)]
    [1586, 100, 120, 250]
    >>> df_train.label.unique().tolist(), list(df_test.columns)
    ([-1], ['author', 'date', 'text', 'label', 'video'])
    """
    from sklearn.model_selection import train_test_split

    for arg, value in (
        ("load_train_labels", load_train_labels),
        ("split_dev_valid", split_dev_valid),
    ):
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{arg} must be True or False, got {value!r}.")
    folder = fetch_spam_data(data_dir)
    dfs = [_read_video(folder / name, i) for i, name in enumerate(sorted(SPAM_FILES), start=1)]
    df_train = pd.concat(dfs[:4])  # no ignore_index: the tutorial's frames keep per-file indices
    df_dev = df_train.sample(100, random_state=123)  # drawn before the labels are hidden
    if not load_train_labels:
        df_train["label"] = -1
    df_valid, df_test = train_test_split(
        dfs[4], test_size=250, random_state=123, stratify=dfs[4]["label"]
    )
    return (df_train, df_dev, df_valid, df_test) if split_dev_valid else (df_train, df_test)


def df_to_features(
    vectorizer, df: pd.DataFrame, split: str, sparse: bool = False
) -> tuple["np.ndarray | scipy.sparse.csr_matrix", np.ndarray]:
    """Turn a spam frame into a bag-of-words matrix ``X`` and labels ``Y``.

    The vectorizer is fitted on the "train" split and only applied to any other split.
    ``X`` is a plain ndarray: the tutorial's ``np.matrix`` is rejected by scikit-learn.

    Parameters
    ----------
    vectorizer
        A scikit-learn text vectorizer such as ``CountVectorizer``.
    df
        Frame with ``text`` and ``label`` columns.
    split
        "train" fits the vectorizer; any other name reuses the fitted vocabulary.
    sparse
        Return ``X`` as the vectorizer's scipy.sparse matrix instead; scikit-learn and
        `create_dict_dataloader` accept it and it needs a fraction of the memory.

    Returns
    -------
    X : numpy.ndarray or scipy.sparse.csr_matrix
        Feature counts, shape (n_rows, vocabulary size).
    Y : numpy.ndarray
        The ``label`` column, shape (n_rows,).

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> df = pd.DataFrame({"text": ["check out my channel", "nice song"], "label": [1, 0]})
    >>> X, Y = df_to_features(CountVectorizer(), df, "train")
    >>> X.shape, Y.tolist()
    ((2, 6), [1, 0])
    """
    if not isinstance(split, str):
        raise TypeError(f"split must be a str such as 'train' or 'test', got {split!r}.")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"df must be a DataFrame of comments, got {type(df).__name__}; the order is "
            "df_to_features(vectorizer, df, split)."
        )
    if not callable(getattr(vectorizer, "fit_transform", None)):
        raise TypeError(
            f"vectorizer must be a scikit-learn text vectorizer such as CountVectorizer(); got "
            f"{type(vectorizer).__name__}."
        )
    missing = [column for column in ("text", "label") if column not in df.columns]
    if missing:
        raise ValueError(
            f"df lacks the column(s) {missing}; expected 'text' and 'label', got {list(df.columns)}."
        )
    texts = df["text"].tolist()
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise ValueError(
            f"df['text'] must hold strings; rows {bad[:5]} do not (e.g. {texts[bad[0]]!r}). Drop or "
            "fill them first, e.g. df.dropna(subset=['text'])."
        )
    if split == "train":
        feats = vectorizer.fit_transform(texts)
    else:
        from sklearn.exceptions import NotFittedError

        try:
            feats = vectorizer.transform(texts)
        except NotFittedError:
            raise ValueError(
                f"The vectorizer has not been fitted, so split {split!r} cannot reuse its "
                "vocabulary; call df_to_features(vectorizer, df_train, 'train') first."
            ) from None
    return (feats if sparse else feats.toarray()), df["label"].to_numpy()


# The spam tutorial's five SFs, as lesson 01 writes them, for the lessons (and tests) that come after.
SPAM_SF_NAMES = (
    "short_comment",
    "keyword_please",
    "regex_check_out",
    "short_link",
    "textblob_polarity",
)


def _short_comment(x):
    """Ham comments are often short, such as 'cool video!'."""
    return len(x.text.split()) < 5


def _keyword_lookup(x, keywords):
    """Comments that ask for something ('please', 'plz') are often spam."""
    return any(word in x.text.lower() for word in keywords)


def _regex_check_out(x):
    """'check ... out' invites the reader somewhere else."""
    return bool(re.search(r"check.*out", x.text, flags=re.I))


def _short_link(x):
    """Shortened '.ly' links hide where a click leads."""
    return bool(re.search(r"\w+\.ly", x.text))


def _textblob_sentiment(x):
    """Add TextBlob's polarity, from -1 to +1, as x.polarity."""
    from textblob import TextBlob  # imported here: it pulls in nltk, which takes seconds

    x.polarity = TextBlob(x.text).sentiment.polarity
    return x


def _textblob_polarity(x):
    """Gushing comments are about the video itself, so they are rarely spam."""
    return x.polarity > 0.9


def make_spam_sfs(names: tuple[str, ...] = SPAM_SF_NAMES, library: str = "snorkel_slice") -> list:
    """Build the spam tutorial's SFs, the ones lesson 01 writes step by step.

    Parameters
    ----------
    names
        Which SFs, in the order wanted; any of ``SPAM_SF_NAMES``.
    library
        ``"snorkel_slice"`` (the course package) or ``"snorkel"`` (Snorkel 0.10.0, if installed):
        the same SF bodies work with either, which the parity tests rely on.

    Returns
    -------
    list
        The SFs; ``textblob_polarity`` reads a memoized TextBlob preprocessor.

    Examples
    --------
    >>> [sf.name for sf in make_spam_sfs(("short_comment", "short_link"))]
    ['short_comment', 'short_link']
    """
    if isinstance(names, str) or not isinstance(names, tuple | list):
        raise TypeError(f"names must be a tuple drawn from {SPAM_SF_NAMES}; got {names!r}.")
    unknown = [n for n in names if n not in SPAM_SF_NAMES]
    if unknown:
        raise ValueError(f"names must be a tuple drawn from {SPAM_SF_NAMES}; got {names!r}.")
    if library == "snorkel":
        from snorkel.preprocess import preprocessor
        from snorkel.slicing import SlicingFunction, slicing_function
    elif library == "snorkel_slice":
        from snorkel_slice.preprocess import preprocessor
        from snorkel_slice.slicing import SlicingFunction, slicing_function
    else:
        raise ValueError(f"library must be 'snorkel_slice' or 'snorkel', got {library!r}.")
    textblob = preprocessor(memoize=True)(_textblob_sentiment)
    build = {
        "short_comment": lambda: slicing_function(name="short_comment")(_short_comment),
        "keyword_please": lambda: SlicingFunction(
            name="keyword_please", f=_keyword_lookup, resources=dict(keywords=["please", "plz"])
        ),
        "regex_check_out": lambda: slicing_function(name="regex_check_out")(_regex_check_out),
        "short_link": lambda: slicing_function(name="short_link")(_short_link),
        "textblob_polarity": lambda: slicing_function(name="textblob_polarity", pre=[textblob])(
            _textblob_polarity
        ),
    }
    return [build[name]() for name in names]
