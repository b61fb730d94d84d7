"""Reference answers to lesson 06's exercises. Try the exercise first!"""

import math

import pandas as pd

from snorkel_slice import slicing_function


# 6a
def slice_head_parameters(h: int, k: int, C: int) -> int:
    """Parameters a SliceAwareClassifier adds to the plain model with the same backbone."""
    per_slice = (h * 2 + 2) + (h * h + h)  # indicator Linear(h, 2) + transform Linear(h, h)
    return (k + 1) * per_slice + (h * C + C)  # k slices and base, + the shared Linear(h, C)


# 6b
def paired_gains(better: pd.DataFrame, worse: pd.DataFrame) -> pd.DataFrame:
    """Mean and spread over seeds of the per-seed difference; rows of both frames are seeds."""
    diff = better - worse  # pandas aligns the rows on the seed index: each pair shares a seed
    return pd.DataFrame({"gain": diff.mean(), "spread": diff.std()})


# 6c
@slicing_function()
def circle_left(x):
    """Points within 0.2 of (-0.6, -0.1)."""
    return math.hypot(x.x1 + 0.6, x.x2 + 0.1) < 0.2


# 6d
def slice_precision_recall(S_sf: pd.DataFrame, S_true: pd.DataFrame) -> pd.DataFrame:
    """Per slice: the share of the SF's members that truly belong, and of true members it finds."""
    hits = (S_sf & S_true).sum()  # members the SF and the truth agree on, per slice
    return pd.DataFrame({"precision": hits / S_sf.sum(), "recall": hits / S_true.sum()})
