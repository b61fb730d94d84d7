"""Reference answers to lesson 10's exercises (the capstone). Try the exercise first!"""

import numpy as np
import pandas as pd

from snorkel_slice import PandasSFApplier, SlicingFunction
from snorkel_slice.analysis import compare_slices, find_slices, score_windows

COLUMNS = ["region", "channel", "age", "income", "amount", "term"]


# 10a
def find_weak_slice(df: pd.DataFrame, errors: np.ndarray) -> SlicingFunction:
    """The top slice of find_slices over every column, the region too (the model does not use it,
    but a slice may)."""
    return find_slices(df, errors, columns=COLUMNS, k=1)[0]


# 10b
def confirm(sfs: list, df: pd.DataFrame, golds: np.ndarray, preds: np.ndarray) -> list[str]:
    """Names of the slices whose accuracy differs from the rest's after Holm's correction."""
    S = PandasSFApplier(sfs).apply(df, progress_bar=False)
    table = compare_slices(S, golds, preds, metrics=["accuracy"], correction="holm")
    return table.loc[table["significant"], "slice"].tolist()


# 10c
def slice_threshold(probs: np.ndarray, golds: np.ndarray, in_slice: np.ndarray) -> float:
    """The threshold on P(default) that makes the most of the slice's rows right."""
    p, y = np.asarray(probs)[in_slice, 1], np.asarray(golds)[in_slice]
    grid = np.linspace(0.01, 0.99, 99)
    accuracy = [((p >= t).astype(int) == y).mean() for t in grid]
    return float(grid[int(np.argmax(accuracy))])


# 10d
def watch(S: pd.DataFrame, times: pd.Series, golds: np.ndarray, preds: np.ndarray) -> dict:
    """Monthly share and accuracy alerts against the first month, Holm over every slice x month."""
    table = score_windows(S, times, golds, preds, freq="M")
    return {kind: {(s, str(w)) for s, w in zip(table["slice"][table[f"{kind}_alert"]],
                                               table["window"][table[f"{kind}_alert"]], strict=True)}
            for kind in ("share", "accuracy")}
