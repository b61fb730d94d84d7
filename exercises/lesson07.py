"""Checks for lesson 07's exercises (slicing functions with NLP).

Each check runs the reference answer from ``exercises.solutions.lesson07`` on the same comments as
the learner's answer, names the rows or artists that differ, and recognises the usual slips (a
plain SF, tokens of any length, text split on spaces, counting entity texts) to say which one it is.

Examples
--------
>>> from snorkel_slice.slicing import nlp_slicing_function
>>> df = pd.DataFrame({"text": ["I LOVE IT", "OMG LOVE THIS!", "nice"]})
>>> @nlp_slicing_function(language=solution.SPAM_RULES)
... def shouts(x):
...     return sum(token.is_upper for token in x.doc) >= 3
>>> print(check_shouts(shouts, df))  # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 7a: 1 of 3 rows are sliced differently.
1 in your slice but should not be, e.g.:
    index 0: 'I LOVE IT'
Hint: index 0: the reference counts 1 shouted token ('LOVE').
Hint: your slice is what counting capitals of any length gives: 'I', 'A' and 'OK' count in yours.
Keep only tokens with len(token) >= 3.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd

from exercises.feedback import Feedback, _snippet, check_sf
from exercises.solutions import lesson07 as solution
from snorkel_slice.preprocess.nlp import load_pipeline
from snorkel_slice.slicing import NLPSlicingFunction, PandasSFApplier, SlicingFunction

# Slips that give a different slice than the reference, as (rule on the reference's Docs, hint).
# Each rule maps one Doc to membership; the first that reproduces the learner's slice is named.
N, L = solution.MIN_SHOUTED, solution.MIN_LETTERS
SLIPS: list[tuple[Callable, str]] = [
    (lambda doc: sum(t.is_alpha and t.is_upper for t in doc) >= N,
     "your slice is what counting capitals of any length gives: 'I', 'A' and 'OK' count in yours. "
     f"Keep only tokens with len(token) >= {L}."),
    (lambda doc: sum(t.is_upper and len(t) >= L for t in doc) >= N,
     "your slice is what counting upper-case tokens that are not words gives: 'ZONEPA.COM', "
     "'50K' or '!!!' count in yours. Keep only alphabetic ones with token.is_alpha."),
    (lambda doc: sum(t.is_upper for t in doc) >= N,
     f"your slice is what counting every upper-case token gives; keep words (token.is_alpha) of "
     f"{L} or more letters (len(token) >= {L})."),
    (lambda doc: sum(w.isalpha() and w.isupper() and len(w) >= L for w in doc.text.split()) >= N,
     "your slice is what splitting the text on spaces gives: then 'LOVE!!' is one word and not "
     "alphabetic. Count the Doc's tokens instead: for token in x.doc."),
    (lambda doc: sum(t.is_alpha and t.is_upper and len(t) >= L for t in doc) > N,
     f"your slice is what '> {N}' gives; at least {N} means '>= {N}'."),
    (lambda doc: sum(t.is_alpha and t.is_upper and len(t) >= L for t in doc) >= N - 1,
     f"your slice is what '>= {N - 1}' gives; at least {N} means '>= {N}'."),
    (lambda doc: sum(t.is_alpha and t.is_upper and len(t) > L for t in doc) >= N,
     f"your slice is what 'len(token) > {L}' gives, which leaves out words such as 'NOW' and "
     f"'OMG'; {L} or more letters means 'len(token) >= {L}'."),
]


def check_shouts(sf: object, df: pd.DataFrame, df_more: pd.DataFrame | None = None) -> Feedback:
    """Exercise 7a: an NLP SF slicing comments with >= 3 capitalised words of >= 3 letters.

    It is checked on ``df`` and then, when given, on ``df_more``: comments the lesson never showed,
    so an SF that lists the texts it saw fails there.
    """
    feedback = _check_shouts(sf, df)
    if not feedback or df_more is None:
        return feedback
    more = _check_shouts(sf, df_more)
    if not more:
        return Feedback("7a", False, f"Right on the {len(df)} comments of the lesson, but not on "
                        f"{len(df_more)} others it never showed: {more.message} Count the shouted "
                        "tokens of x.doc instead of listing comments.")
    return Feedback("7a", True, f"{feedback.message} Right on {len(df_more)} other comments too.")


def _check_shouts(sf: object, df: pd.DataFrame) -> Feedback:
    if isinstance(sf, SlicingFunction) and not isinstance(sf, NLPSlicingFunction):
        return Feedback(
            "7a",
            False,
            f"your SF {sf.name!r} is a plain SF, so x has no Doc (x.doc). Decorate it with "
            "@nlp_slicing_function(language=SPAM_RULES) and count the tokens of x.doc.",
        )
    df = _plain_index(df)
    expected = _membership(solution.shouts, df)
    feedback = check_sf("7a", sf, df, expected)
    if feedback or not isinstance(sf, SlicingFunction) or "raised" in feedback.message:
        return feedback
    got = _membership(sf, df)
    docs = list(load_pipeline(solution.SPAM_RULES).pipe(df["text"]))
    hints = []
    for i in np.flatnonzero(got != expected)[:3]:
        shouted = [t.text for t in docs[i] if solution.is_shouted(t)]
        quoted = ", ".join(repr(w) for w in shouted[:6]) + (", …" if len(shouted) > 6 else "")
        tokens = "token" if len(shouted) == 1 else "tokens"
        hints.append(f"index {df.index[i]!r}: the reference counts {len(shouted)} shouted {tokens}"
                     + (f" ({quoted})." if shouted else "."))
    language = sf.spacy.language
    if language == "blank:en":
        hints.append(
            "your SF uses language='blank:en', whose tokenizer leaves the byte-order mark on the "
            "last word ('GREAT\\ufeff' is not alphabetic); use language=SPAM_RULES."
        )
    elif str(language) != str(solution.SPAM_RULES):
        hints.append(f"your SF uses language={_describe(language)}; use language=SPAM_RULES, "
                     "the lesson's pipeline, which the reference uses too.")
    else:
        hints += [hint for rule, hint in SLIPS if np.array_equal(got, [rule(d) for d in docs])][:1]
    return _with_hints(feedback, hints)


def check_artist_mentions(counts: object, df: pd.DataFrame) -> Feedback:
    """Exercise 7b: ARTIST entities per artist (``ent.ent_id_``) in the comments of ``df``."""
    if not isinstance(counts, Mapping):
        return Feedback(
            "7b",
            False,
            f"expected a dict {{artist: mentions}} such as {{'Shakira': 2}}, got "
            f"{type(counts).__name__} {_snippet(repr(counts))}. collections.Counter(...) gives one.",
        )
    bad = [k for k, v in counts.items() if isinstance(v, bool) or not isinstance(v, Integral)]
    if bad:
        return Feedback(
            "7b", False, f"the counts must be whole numbers; {bad[0]!r} has {counts[bad[0]]!r}."
        )
    docs = list(load_pipeline(solution.SPAM_RULES).pipe(df["text"]))
    expected = solution.artist_mentions(docs)
    counts = {k: int(v) for k, v in counts.items() if v}  # an artist with 0 mentions may be left out
    if counts == expected:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(expected.items(), key=lambda kv: -kv[1]))
        return Feedback("7b", True, f"the {len(df)} comments name: {listed}.")
    if not counts:
        return Feedback(
            "7b",
            False,
            f"your dict has no counts yet. Parse the {len(df)} comments with "
            "nlp.pipe(df['text']) and count the ARTIST entities of each Doc (doc.ents).",
        )
    # Say which artists are off and in which direction, never the expected numbers: the learner
    # computes them.
    unknown = [k for k in counts if k not in expected]
    off = [f"{k!r} ({counts.get(k, 0)}, too {'many' if counts.get(k, 0) > v else 'few'})"
           for k, v in sorted(expected.items()) if counts.get(k, 0) != v]
    lines = []
    if off:
        lines.append(f"{len(off)} of the {len(expected)} artists named have a wrong count: "
                     + ", ".join(off) + ".")
    if unknown:
        lines.append(f"{len(unknown)} of your keys are not an artist's id: "
                     + ", ".join(repr(k) for k in unknown[:5])
                     + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
                     + f". The ids are the artists' names, e.g. {sorted(expected)[0]!r}.")
    ents = [e for d in docs for e in d.ents]
    artist_texts = Counter(e.text for e in ents if e.label_ == "ARTIST")
    if set(counts) - set(expected) and set(counts) & set(artist_texts):
        lines.append(
            "Hint: your keys are the entities' texts, so 'eminem' and 'EMINEM' count apart. "
            "Key by ent.ent_id_, which is the artist's name for every spelling."
        )
    elif counts == dict(Counter(e.ent_id_ for e in ents)):
        lines.append(
            "Hint: you counted SONG entities too ('Roar' counts for Katy Perry); keep only "
            "ent.label_ == 'ARTIST'."
        )
    elif counts == dict(Counter(i for d in docs for i in
                                {e.ent_id_ for e in d.ents if e.label_ == "ARTIST"})):
        lines.append(
            "Hint: you counted comments, once each; count mentions: a comment that names "
            "Katy Perry twice counts twice."
        )
    return Feedback("7b", False, "\n".join(lines))


def _describe(language: object) -> str:
    # Never an absolute path: feedback is printed in the lesson's stored outputs.
    if isinstance(language, os.PathLike) or (isinstance(language, str) and os.sep in language):
        return f"a pipeline saved in a folder named {Path(language).name!r}"
    return repr(language) if isinstance(language, str) else f"an nlp object ({type(language).__name__})"


def _plain_index(df: pd.DataFrame) -> pd.DataFrame:
    # Python scalars as index labels, so feedback quotes "index 322", not "np.int64(322)".
    return df.set_axis(pd.Index(df.index.tolist(), dtype=object), axis=0)


def _membership(sf: SlicingFunction, df: pd.DataFrame) -> np.ndarray:
    return np.asarray(PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name], dtype=bool)


def _with_hints(feedback: Feedback, hints: list[str]) -> Feedback:
    if not hints:
        return feedback
    text = "\n".join([feedback.message, *(f"Hint: {h}" for h in hints)])
    return Feedback(feedback.exercise, feedback.passed, text)
