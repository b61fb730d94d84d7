"""Reference answers to lesson 07's exercises. Try the exercise first!"""

from collections import Counter

from snorkel_slice.datasets import spam_pipeline_path
from snorkel_slice.slicing import nlp_slicing_function

# The saved rule-based pipeline of the lesson (built on first use).
SPAM_RULES = spam_pipeline_path()
MIN_SHOUTED = 3  # tokens in capitals a comment needs to shout
MIN_LETTERS = 3  # so that "I", "A" and "OK" are not shouting


# 7a
def is_shouted(token) -> bool:
    """A word in capitals: letters only, all upper case, at least MIN_LETTERS long."""
    return token.is_alpha and token.is_upper and len(token) >= MIN_LETTERS


@nlp_slicing_function(language=SPAM_RULES)
def shouts(x):
    """Spam shouts for attention: at least three words of three or more letters in capitals."""
    return sum(is_shouted(token) for token in x.doc) >= MIN_SHOUTED


# 7b
def artist_mentions(docs) -> dict[str, int]:
    """ARTIST entities per artist, counted by ``ent.ent_id_`` so that every spelling counts."""
    return dict(Counter(ent.ent_id_ for doc in docs for ent in doc.ents if ent.label_ == "ARTIST"))
