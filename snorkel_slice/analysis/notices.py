"""The Scorer's warnings: which scores are undefined (NaN) and why, and which slices are too small."""

import warnings
from typing import Any

import numpy as np


class SmallSliceWarning(UserWarning):
    """Some slices have fewer rows than ``min_support``, so their scores are noisy."""


class UndefinedScoreWarning(UserWarning):
    """Some scores are undefined (an empty slice, a single class, ...) and reported as NaN."""


def undefined_scores(rows: list, values: dict, stats: Any, builtin: list[str]) -> list[str]:
    """Why scores are NaN, grouped by cause, for one ``UndefinedScoreWarning``."""
    def listed(mask: np.ndarray) -> str:
        return ", ".join(
            f"{row!r} (n={size})" for row, size, hit in zip(rows, stats.n, mask, strict=True) if hit
        )

    problems, empty = [], stats.n == 0
    if values and empty.any():
        problems.append(f"every metric on empty slices: {listed(empty)}")
    unscored = ~empty & (stats.scored == 0)
    affected = [m for m in builtin if m != "coverage"]
    if unscored.any() and affected:
        problems.append(
            f"{', '.join(affected)} where every row has an abstained gold or pred: {listed(unscored)}"
        )
    if "roc_auc" in values and (single := (stats.scored > 0) & np.isnan(values["roc_auc"])).any():
        problems.append(f"roc_auc where the scored golds hold a single class: {listed(single)}")
    return problems


def warn_undefined(problems: list[str]) -> None:
    """Issue one ``UndefinedScoreWarning`` listing every cause, if there is any."""
    if problems:
        message = f"Some scores are undefined and reported as NaN: {'; '.join(problems)}."
        warnings.warn(message, UndefinedScoreWarning, stacklevel=3)
