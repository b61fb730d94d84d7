"""Checks for lesson 10's exercises (the capstone: find, confirm, fix, watch).

Every check builds its own world from ``make_loan_data`` with seeds the lesson never uses: new
applications, a new weak region x channel pair, a newly fitted model, and calls the learner's
function on it. The expected answers come from the package and the reference solution; the
feedback names the usual slips.

Examples
--------
>>> world(5)["planted"]
{'region': 'east', 'channel': 'branch'}
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from exercises.feedback import Feedback
from exercises.solutions import lesson10 as solution
from snorkel_slice import PandasSFApplier, SlicingFunction
from snorkel_slice.analysis import compare_slices, find_slices, score_windows
from snorkel_slice.datasets import make_loan_data

FEATURES = ["channel", "age", "income", "amount", "term"]  # the model may not use the region
CHECK_SEEDS = (5, 8)  # worlds the lesson never shows (it uses seed 2026)
TOL_FIX = 0.01  # accuracy on the slice's ~250 validation rows: a coarser threshold grid may lose 2 rows


def fit_model(df: pd.DataFrame):
    """The lesson's model: a logistic regression on the channel and the numbers (no region)."""
    features = ColumnTransformer([("channel", OneHotEncoder(handle_unknown="ignore"), ["channel"]),
                                  ("numbers", StandardScaler(), FEATURES[1:])])
    return make_pipeline(features, LogisticRegression(max_iter=1000)).fit(df[FEATURES], df["label"])


@lru_cache(maxsize=8)
def world(seed: int, weak_effect: float = 4.0) -> dict:
    """The lesson's set-up on another seed: splits of the first six months, model, predictions,
    and the last six months as the stream to watch."""
    df, planted = make_loan_data(seed=seed, weak_effect=weak_effect, return_planted=True)
    early = df[df["applied_at"] < "2025-07-01"]
    stream = df[df["applied_at"] >= "2025-07-01"].reset_index(drop=True)
    fit, rest = train_test_split(early, test_size=0.6, random_state=seed)
    valid, test = (part.reset_index(drop=True) for part in train_test_split(rest, test_size=0.5, random_state=seed))
    model = fit_model(fit)
    out = {"planted": planted, "model": model, "stream": stream}
    for name, part in (("valid", valid), ("test", test), ("stream", stream)):
        out[f"df_{name}"], out[f"golds_{name}"] = part, part["label"].to_numpy()
        out[f"probs_{name}"] = model.predict_proba(part[FEATURES])
        out[f"preds_{name}"] = model.predict(part[FEATURES])
        out[f"weak_{name}"] = ((part["region"] == planted["region"])
                               & (part["channel"] == planted["channel"])).to_numpy()
    return out


def _members(sf: SlicingFunction, df: pd.DataFrame) -> np.ndarray:
    return PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name].astype(bool)


def _call(exercise: str, what: str, fn: Callable, *args) -> tuple[object, Feedback | None]:
    try:
        return fn(*args), None
    except Exception as err:  # the learner's code: report any failure as feedback
        return None, Feedback(exercise, False, f"on {what}, your function raised {type(err).__name__}: {err}")


def check_find(find_weak_slice: Callable) -> Feedback:
    """Exercise 10a: ``find_weak_slice(df_valid, errors)`` returns an SF for the planted weak pair."""
    if not callable(find_weak_slice):
        return Feedback("10a", False, "expected a function find_weak_slice(df, errors), got "
                                      f"{type(find_weak_slice).__name__}.")
    for seed in CHECK_SEEDS:
        w = world(seed)
        errors = (w["preds_valid"] != w["golds_valid"]).astype(int)
        what = f"the validation rows of another world (seed {seed})"
        sf, failed = _call("10a", what, find_weak_slice, w["df_valid"].copy(), errors)
        if failed is not None:
            return failed
        if not isinstance(sf, SlicingFunction):
            return Feedback("10a", False, f"expected a SlicingFunction (what find_slices returns, e.g. "
                                          f"find_slices(...)[0]), got {type(sf).__name__}.")
        got, want = _members(sf, w["df_valid"]), w["weak_valid"]
        jaccard = (got & want).sum() / max((got | want).sum(), 1)
        if jaccard < 0.95:
            lines = [f"on {what}, your slice {sf.name!r} ({int(got.sum())} rows) overlaps the planted "
                     f"weak slice ({int(want.sum())} rows) by {jaccard:.0%} (rows in both / rows in "
                     "either)."]
            if got.sum() and (got >= want).all():
                lines.append("It holds the weak rows and more: the weak rows share a second trait. "
                             "Let the search see every column (the region too: the model may not "
                             "use it, but a slice may) and combine two (max_order=2, the default).")
            elif "region" not in sf.name:
                lines.append("Your slice does not use the region. The model may not use it, but a "
                             "slice may: pass every column of the data to find_slices, region too.")
            return Feedback("10a", False, " ".join(lines))
    return Feedback("10a", True, f"on both new worlds your search names the weak pair, e.g. {sf.name!r}.")


def check_confirm(confirm: Callable) -> Feedback:
    """Exercise 10b: ``confirm(sfs, df_test, golds, preds)`` names the slices confirmed on test."""
    if not callable(confirm):
        return Feedback("10b", False, "expected a function confirm(sfs, df, golds, preds), got "
                                      f"{type(confirm).__name__}.")
    for seed in CHECK_SEEDS:
        w = world(seed)
        errors = (w["preds_valid"] != w["golds_valid"]).astype(int)
        sfs = find_slices(w["df_valid"], errors, columns=solution.COLUMNS, k=6)
        what = f"the test rows of another world (seed {seed})"
        got, failed = _call("10b", what, confirm, sfs, w["df_test"].copy(), w["golds_test"].copy(),
                            w["preds_test"].copy())
        if failed is not None:
            return failed
        if not isinstance(got, list | tuple | set) or not all(isinstance(n, str) for n in got):
            return Feedback("10b", False, "expected a list of slice names (str), e.g. [sf.name, ...]; "
                                          f"got {type(got).__name__} {got!r:.80}.")
        S = PandasSFApplier(sfs).apply(w["df_test"], progress_bar=False)
        table = compare_slices(S, w["golds_test"], w["preds_test"], correction=None)
        expected = set(solution.confirm(sfs, w["df_test"], w["golds_test"], w["preds_test"]))
        if set(got) == expected:
            continue
        lines = [f"on {what}, {len(expected)} of {len(sfs)} candidates are confirmed; yours names "
                 f"{sorted(set(got) - expected)} wrongly and misses {sorted(expected - set(got))}."]
        if set(got) == set(table.loc[table["p_value"] < 0.05, "slice"]):
            lines.append(f"These are the uncorrected p < 0.05; {len(sfs)} slices were tested, so "
                         "correct with Holm (compare_slices(..., correction='holm')).")
        elif set(got) == {sf.name for sf in sfs}:
            lines.append("That is every candidate: a found slice is a hypothesis until fresh rows "
                         "confirm it.")
        return Feedback("10b", False, " ".join(lines))
    return Feedback("10b", True, f"right on both new worlds; e.g. {sorted(expected)} confirmed of "
                                 f"{len(sfs)} candidates.")


def _slice_accuracy(t: float, w: dict) -> float:
    p, y = w["probs_valid"][w["weak_valid"], 1], w["golds_valid"][w["weak_valid"]]
    return float(((p >= t).astype(int) == y).mean())


def _best_accuracy(w: dict) -> float:
    """The best accuracy any threshold reaches on the slice's validation rows (every cut point)."""
    p = np.sort(w["probs_valid"][w["weak_valid"], 1])
    cuts = np.r_[0.0, (p[1:] + p[:-1]) / 2, 1.0 + 1e-9]
    return max(_slice_accuracy(t, w) for t in cuts)


def check_fix(slice_threshold: Callable) -> Feedback:
    """Exercise 10c: ``slice_threshold(probs, golds, in_slice)``, the slice's own threshold."""
    if not callable(slice_threshold):
        return Feedback("10c", False, "expected a function slice_threshold(probs, golds, in_slice), "
                                      f"got {type(slice_threshold).__name__}.")
    # Two worlds: defaults far more likely in the weak pair, and far less likely (a mirror image).
    for seed, effect in ((CHECK_SEEDS[0], 4.0), (CHECK_SEEDS[1], -4.0)):
        w = world(seed, effect)
        what = f"the validation rows of another world (seed {seed}, weak_effect={effect})"
        t, failed = _call("10c", what, slice_threshold, w["probs_valid"].copy(), w["golds_valid"].copy(),
                          w["weak_valid"].copy())
        if failed is not None:
            return failed
        if isinstance(t, bool) or not isinstance(t, Real) or math.isnan(t):
            return Feedback("10c", False, f"expected a threshold (a number), got {type(t).__name__} {t!r}.")
        best_t = solution.slice_threshold(w["probs_valid"], w["golds_valid"], w["weak_valid"])
        best, mine = _best_accuracy(w), _slice_accuracy(float(t), w)
        if mine < best - TOL_FIX:
            lines = [f"on {what}, your threshold {float(t):.2f} gets {mine:.3f} of the slice's rows "
                     f"right; the best threshold, about {best_t:.2f}, gets {best:.3f}."]
            everyone = solution.slice_threshold(w["probs_valid"], w["golds_valid"],
                                                np.ones(len(w["golds_valid"]), bool))
            if abs(float(t) - everyone) < 0.015:
                lines.append("That threshold is tuned on all rows; tune it on the slice's rows only "
                             "(probs[in_slice], golds[in_slice]).")
            elif effect < 0 and float(t) < 0.5:
                lines.append("Here the slice defaults *less* than the model thinks, so its threshold "
                             "must rise above 0.5: search the threshold, do not fix it.")
            return Feedback("10c", False, " ".join(lines))
    return Feedback("10c", True, "your threshold is as good as the best on both new worlds, one whose "
                                 "weak slice needs a lower threshold and one that needs a higher one.")


def check_watch(watch: Callable) -> Feedback:
    """Exercise 10d: ``watch(S, times, golds, preds)`` gives the monthly share and accuracy alerts."""
    if not callable(watch):
        return Feedback("10d", False, "expected a function watch(S, times, golds, preds), got "
                                      f"{type(watch).__name__}.")
    for seed in CHECK_SEEDS:
        w = world(seed)
        sf = solution.find_weak_slice(w["df_valid"], (w["preds_valid"] != w["golds_valid"]).astype(int))
        S = PandasSFApplier([sf]).apply(w["stream"], progress_bar=False)
        args = (S, w["stream"]["applied_at"].copy(), w["golds_stream"].copy(), w["preds_stream"].copy())
        what = f"the last six months of another world (seed {seed})"
        got, failed = _call("10d", what, watch, *args)
        if failed is not None:
            return failed
        if not isinstance(got, dict) or set(got) != {"share", "accuracy"}:
            return Feedback("10d", False, "expected a dict {'share': {...}, 'accuracy': {...}} of "
                                          f"(slice, month) pairs; got {type(got).__name__} {got!r:.80}.")
        expected = solution.watch(*args)
        for kind in ("share", "accuracy"):
            mine = {(str(s), str(m)) for s, m in got[kind]} if isinstance(got[kind], set | list | tuple) else None
            if mine == expected[kind]:
                continue
            lines = [f"on {what}, the {kind} alerts should be {sorted(expected[kind])}; yours are "
                     f"{sorted(mine) if mine is not None else got[kind]!r}."]
            loose = score_windows(*args, freq="M", correction=None)
            loose_set = {(s, str(m)) for s, m in zip(loose["slice"][loose[f"{kind}_alert"]],
                                                      loose["window"][loose[f"{kind}_alert"]], strict=True)}
            if mine == loose_set:
                lines.append("These are uncorrected; correct over every slice x month (Holm).")
            elif mine and any(len(m) != 7 for _, m in mine):
                lines.append("Give months as 'YYYY-MM', e.g. str(period): use freq='M' for monthly windows.")
            return Feedback("10d", False, " ".join(lines))
    return Feedback("10d", True, "right on both new worlds: "
                                 f"{len(expected['share'])} share and {len(expected['accuracy'])} "
                                 "accuracy alerts on the last one.")
