"""The vectorized spam SFs give the row-wise (and Snorkel's) S, on the data and at every code point."""

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from snorkel.slicing import PandasSFApplier as SnorkelApplier
from spam_sfs import CHEAP, build_sfs

from snorkel_slice.datasets import spam_vectorized
from snorkel_slice.datasets.spam_vectorized import PYTHON_WHITESPACE, make_vectorized_spam_sfs
from snorkel_slice.slicing import PandasSFApplier

CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_whitespace_is_what_str_split_splits_on():
    assert "".join(c for c in CHARS if c.isspace()) == PYTHON_WHITESPACE


def test_plain_letters_lower_only_from_their_upper_case():
    changed = {c: c.lower() for c in CHARS if c.lower() != c}
    for letter in spam_vectorized._PLAIN_LETTERS:
        sources = {c for c, low in changed.items() if letter in low}
        assert sources == {letter.upper()}, letter
    assert "i" in "\u0130".lower() and "k" == "\u212a".lower()  # why i and k are left out


@pytest.fixture(scope="module")
def probes():
    # Every code point inside texts shaped to hit each SF's edge: word breaks, keywords, links.
    texts = []
    for c in CHARS[::97] + [c for c in CHARS if c.isspace() or c in "ſKİ\u00e9"]:
        texts += [f"a{c}b c d e", f"one{c}two three four five", f"ple{c}se", f"p{c}z",
                  f"{c}PLEASE", f"chec{c} it ou{c}", f"x{c}.ly", f"{c}.ly", f"check{c}out"]
    return pd.DataFrame({"text": pd.array(texts, dtype="str")})


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_same_S_as_row_wise_on_every_probe(probes, storage):
    df = probes.astype({"text": pd.StringDtype(storage)})
    S = PandasSFApplier(make_vectorized_spam_sfs()).apply(df, progress_bar=False)
    expected = PandasSFApplier(build_sfs("snorkel_slice", CHEAP)).apply(df, progress_bar=False)
    for name in S.dtype.names:
        bad = np.flatnonzero(S[name] != expected[name])
        assert not len(bad), (name, [df.text[i] for i in bad[:5]])


def test_same_S_as_snorkel_on_the_spam_data(labelled):
    df = pd.concat(labelled, ignore_index=True)
    S = PandasSFApplier(make_vectorized_spam_sfs()).apply(df, progress_bar=False)
    expected = SnorkelApplier(build_sfs("snorkel", CHEAP)).apply(df, progress_bar=False)
    assert S.dtype == expected.dtype and np.array_equal(S, expected)


def test_other_keywords_are_checked_in_python():
    df = pd.DataFrame({"text": ["LIKE it", "liKe", "lİke", "no"]})
    expected = [any(w in t.lower() for w in ("like",)) for t in df.text]
    assert spam_vectorized.keyword_please(df, keywords=("like",)).tolist() == expected


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match=r"names must be drawn from \('short_comment'"):
        make_vectorized_spam_sfs(("textblob_polarity",))
    assert re.search(spam_vectorized._FIVE_WORDS_PYTHON, "a b c d e")
    assert pa.array(["x"]).type == pa.string()
