"""The seed tutorial's five spam SFs, built with Snorkel 0.10.0 or with snorkel_slice, for parity tests.

The SF bodies are shared, so any difference in ``S`` comes from the libraries, not from the SFs.
"""

import re

CHEAP = ("short_comment", "keyword_please", "regex_check_out", "short_link")
ALL = (*CHEAP, "textblob_polarity")


def short_comment(x):
    """Ham comments are often short, such as 'cool video!'."""
    return len(x.text.split()) < 5


def keyword_lookup(x, keywords):
    """Comments that ask for something ('please', 'plz') are often spam."""
    return any(word in x.text.lower() for word in keywords)


def regex_check_out(x):
    """'check ... out' invites the reader somewhere else."""
    return bool(re.search(r"check.*out", x.text, flags=re.I))


def short_link(x):
    """Returns whether text matches common pattern for shortened ".ly" links."""
    return bool(re.search(r"\w+\.ly", x.text))


def textblob_sentiment(x):
    """Add TextBlob's polarity score as x.polarity."""
    from textblob import TextBlob  # here, not at the top: importing it takes seconds (nltk)

    x.polarity = TextBlob(x.text).sentiment.polarity
    return x


def textblob_polarity(x):
    """Very positive comments are usually about the video itself."""
    return x.polarity > 0.9


def build_sfs(lib: str, names: tuple[str, ...] = ALL) -> list:
    """The SFs named in ``names``, built with ``lib`` = "snorkel" or "snorkel_slice"."""
    if lib == "snorkel":
        from snorkel.preprocess import preprocessor
        from snorkel.slicing import SlicingFunction, slicing_function
    else:
        from snorkel_slice.preprocess import preprocessor
        from snorkel_slice.sf import SlicingFunction, slicing_function
    textblob = preprocessor(memoize=True)(textblob_sentiment)
    sfs = {
        "short_comment": slicing_function()(short_comment),
        "keyword_please": SlicingFunction(
            name="keyword_please", f=keyword_lookup, resources=dict(keywords=["please", "plz"])
        ),
        "regex_check_out": slicing_function()(regex_check_out),
        "short_link": slicing_function()(short_link),
        "textblob_polarity": slicing_function(pre=[textblob])(textblob_polarity),
    }
    return [sfs[name] for name in names]
