"""The spam tutorial's four cheap SFs written as vectorized SFs, giving exactly the row-wise ``S``.

Each one answers for a whole DataFrame of comments at once, in pandas' (pyarrow's) compiled string
kernels, and agrees with its row-wise twin in ``spam.py`` on every row. That takes care, because
pyarrow's regular expressions (RE2) are not Python's:

- ``short_comment``: Python's ``str.split()`` splits on the 29 characters for which
  ``str.isspace()`` is true; the pattern spells them out, since RE2's ``\\s`` knows only 6. It asks
  "are there 5 words?" and stops at the fifth, rather than splitting every comment
  (``str.split().str.len()`` builds Python lists and is the slowest of all).
- ``keyword_please``: ``case=False`` instead of ``str.lower()`` first (no lowered copy of the
  column); RE2's case folding matches a few more characters than ``str.lower()`` (``ſ`` for ``s``),
  so non-ASCII candidates are checked again in Python.
- ``regex_check_out``: RE2's case folding of ``check`` and ``out`` equals Python's ``re.I``, and
  ``.`` means the same in both (anything but a newline), so RE2 alone is exact.
- ``short_link``: RE2's ``\\w`` is ASCII-only where Python's is Unicode, so a cheap literal filter
  (``".ly"``) finds the few candidates and Python's ``re`` decides them.

``tests/datasets/test_spam_vectorized.py`` checks all four against the row-wise SFs, character by
character over every Unicode code point where the engines could differ, and on the spam data.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Every character for which Python's str.isspace() is True: what str.split() splits on.
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)



def _five_words(space: str) -> str:
    return f"^[{space}]*(?:[^{space}]+[{space}]+){{4}}[^{space}]"


# The same pattern for RE2 (pyarrow strings; escapes such as \x{2028}) and for Python's re.
_FIVE_WORDS_RE2 = _five_words("".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_WHITESPACE))
_FIVE_WORDS_PYTHON = _five_words("".join(f"\\u{ord(c):04x}" for c in PYTHON_WHITESPACE))
_SHORT_LINK = re.compile(r"\w+\.ly")
# Lower-case letters that str.lower() produces only from themselves and their upper case ('i' also
# comes from 'İ', 'k' from the Kelvin sign; tests/datasets/test_spam_vectorized.py checks this).
_PLAIN_LETTERS = set("abcdefghjlmnopqrstuvwxyz")


def short_comment(df: pd.DataFrame) -> pd.Series:
    """Ham comments are often short: fewer than 5 words (``len(x.text.split()) < 5``).

    Examples
    --------
    >>> short_comment(pd.DataFrame({"text": ["cool video!", "one two three four five"]})).tolist()
    [True, False]
    """
    text = df["text"]
    arrow = getattr(text.dtype, "storage", None) == "pyarrow"
    return ~text.str.contains(_FIVE_WORDS_RE2 if arrow else _FIVE_WORDS_PYTHON, regex=True)


def keyword_please(df: pd.DataFrame, keywords: tuple[str, ...] = ("please", "plz")) -> np.ndarray:
    """Comments that ask for something ('please', 'plz'), in any case.

    Examples
    --------
    >>> keyword_please(pd.DataFrame({"text": ["PLZ sub", "nice"]})).tolist()
    [True, False]
    """
    text = df["text"]
    if all(set(word) <= _PLAIN_LETTERS for word in keywords):
        # Each letter as [xX]: exactly what str.lower() maps to it (RE2's case=False would also
        # let 'ſ' stand for 's'), so the engine's answer is Python's, with no second look.
        pattern = "|".join("".join(f"[{c}{c.upper()}]" for c in word) for word in keywords)
        return text.str.contains(pattern, regex=True).to_numpy()
    pattern = "|".join(map(re.escape, keywords))
    hit = text.str.contains(pattern, case=False, regex=True).to_numpy(copy=True)  # writable
    for i in np.flatnonzero(hit & ~text.str.isascii().to_numpy()):  # decide these in Python
        lowered = text.iloc[i].lower()
        hit[i] = any(word in lowered for word in keywords)
    return hit


def regex_check_out(df: pd.DataFrame) -> pd.Series:
    """'check ... out' invites the reader somewhere else (``re.search("check.*out", text, re.I)``).

    Examples
    --------
    >>> regex_check_out(pd.DataFrame({"text": ["Check it OUT", "checkout"]})).tolist()
    [True, True]
    """
    return df["text"].str.contains("check.*out", case=False, regex=True)


def short_link(df: pd.DataFrame) -> np.ndarray:
    """Shortened '.ly' links hide where a click leads (``re.search(r"\\w+\\.ly", text)``).

    Examples
    --------
    >>> short_link(pd.DataFrame({"text": ["see bit.ly/x", "really", "naïve.ly"]})).tolist()
    [True, False, True]
    """
    text = df["text"]
    hit = text.str.contains(r"\.ly", regex=True).to_numpy(copy=True)  # necessary, cheap, rare
    for i in np.flatnonzero(hit):
        hit[i] = _SHORT_LINK.search(text.iloc[i]) is not None
    return hit


def make_vectorized_spam_sfs(
    names: tuple[str, ...] = ("short_comment", "keyword_please", "regex_check_out", "short_link"),
) -> list:
    """The vectorized twins of the tutorial's cheap SFs, with the same names.

    Examples
    --------
    >>> [sf.name for sf in make_vectorized_spam_sfs(("short_link",))]
    ['short_link']
    """
    from snorkel_slice.slicing import SlicingFunction

    functions = {f.__name__: f for f in (short_comment, keyword_please, regex_check_out, short_link)}
    unknown = [name for name in names if name not in functions]
    if unknown or isinstance(names, str):
        raise ValueError(f"names must be drawn from {tuple(functions)}; got {names!r}.")
    return [SlicingFunction(name, functions[name], vectorized=True) for name in names]
