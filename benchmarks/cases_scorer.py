"""Scorer case: score_slices on 1,000,000 rows x 100 slices, ours vs Snorkel, plus intervals."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from common import add_ratios, alternate, require, summary

COUNT_METRICS = ["accuracy", "coverage", "precision", "recall", "f1", "f1_micro", "f1_macro",
                 "matthews_corrcoef"]
# Snorkel's binary metric set except fbeta, which Snorkel cannot compute (no beta is passed).
FULL_BINARY = [*COUNT_METRICS, "roc_auc"]


def scoring_data(n: int, k: int, seed: int = 0) -> tuple[np.recarray, np.ndarray, np.ndarray, np.ndarray]:
    """Seeded random S (n rows x k slices, each slice 0.1%-50% of rows), golds, preds, probs.

    Preds agree with golds 80% of the time and abstain (-1) on 5% of rows; probs are noisy but
    informative, rounded to 3 decimals so roc_auc meets ties.
    """
    rng = np.random.default_rng(seed)
    golds = rng.integers(0, 2, n)
    preds = np.where(rng.random(n) < 0.8, golds, 1 - golds)
    preds[rng.random(n) < 0.05] = -1
    p1 = np.round(np.clip(0.35 * golds + 0.65 * rng.random(n), 0, 1), 3)
    probs = np.column_stack([1 - p1, p1])
    fields = np.dtype([(f"slice_{j:03d}", np.int64) for j in range(k)])
    members = rng.random((n, k)) < rng.uniform(0.001, 0.5, k)  # (n, k) bool, varied sizes
    S = members.astype(np.int64).view(fields).ravel().view(np.recarray)
    return S, golds, preds, probs


def score_slices(smoke: bool) -> dict[str, Any]:
    """Case 3: ["accuracy", "f1"] and the full binary set; then bootstrap intervals (ours only)."""
    from snorkel.analysis import Scorer as SnorkelScorer

    from snorkel_slice.analysis.scorer import Scorer

    n, k, repeats = (5_000, 10, 1) if smoke else (1_000_000, 100, 3)
    S, golds, preds, probs = scoring_data(n, k)
    sizes = [int(S[f].sum()) for f in S.dtype.names]
    results: dict[str, Any] = {}
    for label, metrics in (("accuracy+f1", ["accuracy", "f1"]), ("full binary set", FULL_BINARY)):
        reference: dict[str, Any] = {}

        def check(name: str, table: Any, metrics: list[str] = metrics, reference: dict = reference) -> None:
            if name == "snorkel" and "table" not in reference:
                reference["table"] = table
            ref = reference["table"]
            require(list(table.index) == list(ref.index), f"{name}: rows differ from Snorkel's")
            counts = [m for m in metrics if m != "roc_auc"]
            ours, theirs = table[counts].to_numpy(float), ref[counts].to_numpy(float)
            require(np.array_equal(ours, theirs, equal_nan=True),
                    f"{name}: count metrics differ from Snorkel's (max |diff| "
                    f"{np.nanmax(np.abs(ours - theirs)):.3g})")
            if "roc_auc" in metrics:
                diff = np.abs(table["roc_auc"].to_numpy(float) - ref["roc_auc"].to_numpy(float))
                require(np.nanmax(diff) <= 1e-12, f"{name}: roc_auc differs by {np.nanmax(diff):.3g}")

        candidates = {
            "snorkel": lambda m=metrics: SnorkelScorer(m).score_slices(S, golds, preds, probs, as_dataframe=True),
            "ours": lambda m=metrics: Scorer(m, min_support=0).score_slices(
                S, golds, preds, probs, as_dataframe=True),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn's and ours' undefined-score warnings
            times = alternate(candidates, repeats if label == "accuracy+f1" else max(1, repeats - 1),
                              warmups=1, check=check)
        part = {name: summary(runs) for name, runs in times.items()}
        add_ratios(part)
        results.update({f"{name} [{label}]": res for name, res in part.items()})
    boot = {"ours bootstrap 1000 [count metrics]": lambda: Scorer(COUNT_METRICS, min_support=0).score_slices(
        S, golds, preds, probs, ci=0.95, n_bootstrap=1000, random_state=0)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times = alternate(boot, repeats, warmups=1)
    results.update({name: summary(runs) for name, runs in times.items()})
    results["snorkel bootstrap"] = {"error": "not offered by Snorkel 0.10.0"}
    return {
        "title": f"Scorer.score_slices, {n:,} rows x {k} slices (sizes {min(sizes):,}..{max(sizes):,})",
        "rows": n,
        "identical": True,
        "checks": ["same row index; count metrics bit-identical to Snorkel's; roc_auc within 1e-12",
                   "fbeta left out: Snorkel 0.10.0 raises TypeError (missing 'beta')"],
        "results": results,
        "target": "ours >= 10x Snorkel; bootstrap for all slices in seconds",
        "notes": "Preds abstain on 5% of rows. Bootstrap: percentile intervals for 8 count "
                 f"metrics x {k + 1} rows, 1000 resamples each, drawn from confusion counts.",
    }
