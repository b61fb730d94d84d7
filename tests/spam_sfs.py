"""The seed tutorial's five spam SFs, built with Snorkel 0.10.0 or with snorkel_slice, for parity tests.

The SF bodies live once, in ``utils.make_spam_sfs``, so any difference in ``S`` comes from the
libraries, not from the SFs.
"""

from utils import SPAM_SF_NAMES, make_spam_sfs

CHEAP = SPAM_SF_NAMES[:4]
ALL = SPAM_SF_NAMES


def build_sfs(lib: str, names: tuple[str, ...] = ALL) -> list:
    """The SFs named in ``names``, built with ``lib`` = "snorkel" or "snorkel_slice"."""
    return make_spam_sfs(tuple(names), library=lib)
