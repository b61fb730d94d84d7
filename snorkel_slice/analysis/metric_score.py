"""One metric on one set of predictions: ``metric_score``, with ``snorkel.analysis``'s call shape.

It scores through the same code as the ``Scorer`` (no slices, every row kept), after optionally
dropping rows with ``filter_dict``, e.g. ``{"golds": [-1], "preds": [-1]}`` for abstains.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from snorkel_slice.analysis.metrics import METRICS, PROBS_METRICS
from snorkel_slice.utils import filter_labels, to_int_label_array


def metric_score(
    golds: Any = None,
    preds: Any = None,
    probs: Any = None,
    metric: str = "accuracy",
    filter_dict: Mapping[str, Sequence[int]] | None = None,
    **kwargs: Any,
) -> float:
    """Score ``metric`` on all the given rows (after ``filter_dict``), as Snorkel's does.

    Parameters
    ----------
    golds, preds, probs
        Gold labels, predicted labels and class probabilities ``(n, n_classes)``.
    metric
        One of ``snorkel_slice.analysis.METRICS``.
    filter_dict
        Label values to drop per label set, e.g. ``{"golds": [-1]}``.
    **kwargs
        ``beta`` for ``fbeta``.

    Examples
    --------
    >>> metric_score([1, 0, 1, -1], [1, 0, 0, 1], metric="accuracy", filter_dict={"golds": [-1]})
    0.6666666666666666
    """
    from snorkel_slice.analysis.scorer import Scorer  # the scorer imports this module's siblings

    if metric not in METRICS:
        raise ValueError(
            f"The metric you provided ({metric!r}) is not currently implemented; choose from "
            f"{', '.join(METRICS)}."
        )
    unknown = sorted(set(kwargs) - {"beta"})
    if unknown:
        raise TypeError(f"metric_score got unexpected keyword argument(s) {unknown}; only beta is used (by fbeta).")
    golds = None if golds is None else to_int_label_array(golds)
    preds = None if preds is None else to_int_label_array(preds)
    probs = None if probs is None else np.asarray(probs)
    if filter_dict:
        labels = filter_labels({"golds": golds, "preds": preds, "probs": probs}, filter_dict)
        golds, preds, probs = labels["golds"], labels["preds"], labels["probs"]
    needs = ["preds"] if metric == "coverage" else ["golds", "probs" if metric in PROBS_METRICS else "preds"]
    for name, value in zip(("golds", "preds", "probs"), (golds, preds, probs), strict=True):
        if name in needs and value is None:
            raise ValueError(f"Metric {metric} requires access to {name}; pass {name}=...")
    if metric == "coverage":  # the share of rows not abstained on, whatever the golds
        return float(np.mean(preds != -1)) if len(preds) else float("nan")
    if metric == "f1" and golds.max(initial=0) > 1:
        raise ValueError("f1 not supported for multiclass. Try f1_micro or f1_macro instead.")
    scorer = Scorer([metric], abstain_label=None, beta=kwargs.get("beta", 1.0), min_support=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one number: NaN says it all
        return scorer.score(golds, preds, probs)[metric]
