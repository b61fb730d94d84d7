"""Reference answers to lesson 02's exercises. Try the exercise first!"""

import re
from math import sqrt
from statistics import NormalDist

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from snorkel_slice import slicing_function


# 2a
def slice_f1(S: np.recarray, golds: np.ndarray, preds: np.ndarray, slice_name: str) -> float:
    """F1 on the rows of one slice: mask by the slice's field of S, then score as usual."""
    in_slice = S[slice_name] == 1
    return float(f1_score(golds[in_slice], preds[in_slice]))


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion successes / trials."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / trials
    shrink = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / shrink
    half = z / shrink * sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2))
    return centre - half, centre + half


def slice_recall_counts(
    S: np.recarray, golds: np.ndarray, preds: np.ndarray, slice_name: str
) -> tuple[int, int]:
    """(spam caught, spam present) in the slice: recall's numerator and denominator."""
    in_slice = S[slice_name] == 1
    spam = golds[in_slice] == 1
    caught = spam & (preds[in_slice] == 1)
    return int(caught.sum()), int(spam.sum())


def slice_recall_interval(
    S: np.recarray, golds: np.ndarray, preds: np.ndarray, slice_name: str
) -> tuple[float, float]:
    """95% Wilson interval for the recall on one slice."""
    return wilson_interval(*slice_recall_counts(S, golds, preds, slice_name))


# 2b
def widest_interval(scores: pd.DataFrame, metric: str = "f1") -> str:
    """The slice (not overall) whose interval for `metric` is widest."""
    slices = scores.drop(index="overall")
    return str((slices[f"{metric}_high"] - slices[f"{metric}_low"]).idxmax())


# 2c
@slicing_function()
def has_digit(x):
    """Numbers (view counts, prices, phone numbers) turn up in spam and in fans' comments alike."""
    return bool(re.search(r"\d", x.text))
