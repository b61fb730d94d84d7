"""Reference answers to lesson 01's exercises. Try the exercise first!"""

import re

from snorkel_slice import SlicingFunction, preprocessor, slicing_function


# 1a
@slicing_function()
def has_link(x):
    """Links take the reader off YouTube, which is what most spam wants."""
    return bool(re.search(r"http|www\.|\.com", x.text, flags=re.I))


# 1b
def keyword_lookup(x, keywords):
    """Spam asks for things: the comment uses one of `keywords` (compared in lower case)."""
    return any(word in x.text.lower() for word in keywords)


keyword_subscribe = SlicingFunction(
    name="keyword_subscribe", f=keyword_lookup, resources=dict(keywords=["subscribe", "channel"])
)


# 1c
@preprocessor(memoize=True)
def caps_ratio(x):
    """Add x.caps_ratio, the share of the comment's letters that are capitals."""
    letters = [c for c in x.text if c.isalpha()]
    x.caps_ratio = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    return x


@slicing_function(pre=[caps_ratio])
def shouting(x):
    """Comments in capitals shout for attention, as much spam does."""
    return x.caps_ratio > 0.5
