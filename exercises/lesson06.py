"""Checks for lesson 06's exercises (when slice-based learning pays).

The checks compute the expected answer with the reference code in ``exercises.solutions.lesson06``
or, for parameter counts, by counting real models built on PyTorch's ``meta`` device (shapes only,
no memory), and name the usual slip when an answer is off.

Examples
--------
>>> print(check_slice_head_parameters(lambda h, k, C: k * (h * h + 3 * h + 2) + C * (h + 1)))
... # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 6a: for h=16, k=3, C=2 your formula gives 952; the slice experts have 1,258
(off by -306). That is one slice's indicator and transform, h*h + 3*h + 2 = 306: count base too,
k + 1 slices in all.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np
import pandas as pd
import torch
from torch import nn

from exercises.feedback import Feedback, check_sf
from exercises.solutions import lesson06 as solution
from snorkel_slice import PandasSFApplier, PlainClassifier, SliceAwareClassifier, SlicingFunction
from snorkel_slice.datasets.synthetic import circle_slices, make_circle_data

# (h, k, C): lesson 06's two backbones, lesson 05's, a 3-class model, and the Snorkel tutorial's.
CONFIGS = ((16, 3, 2), (64, 3, 2), (32, 5, 2), (8, 2, 3), (3916, 5, 2))
TOL = 1e-9  # the same arithmetic on the same frame: any other correct answer agrees far better


def counted_overhead(h: int, k: int, C: int) -> int:
    """Parameters of a slice-aware model minus those of the plain one, counted on meta tensors."""
    with torch.device("meta"):  # shapes only: even the tutorial's 92M-parameter heads cost nothing
        sliced = SliceAwareClassifier(nn.Linear(1, h), h, [f"s{i}" for i in range(k)], n_classes=C)
        plain = PlainClassifier(nn.Linear(1, h), h, n_classes=C)
    return sum(p.numel() for p in sliced.parameters()) - sum(p.numel() for p in plain.parameters())


def check_slice_head_parameters(formula: Callable[[int, int, int], object]) -> Feedback:
    """Exercise 6a: ``formula(h, k, C)`` gives the slice experts' parameter count."""
    if not callable(formula):
        return Feedback("6a", False, f"expected a function of (h, k, C), got {type(formula).__name__}.")
    for h, k, C in CONFIGS:
        want = counted_overhead(h, k, C)
        try:
            got = formula(h, k, C)
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("6a", False, f"for h={h}, k={k}, C={C} your formula raised "
                                         f"{type(err).__name__}: {err}")
        if isinstance(got, bool) or not isinstance(got, Real) or got != got:
            return Feedback("6a", False, f"for h={h}, k={k}, C={C} expected a whole number, got "
                                         f"{type(got).__name__} {got!r}.")
        if got != want:
            text = (f"for h={h}, k={k}, C={C} your formula gives {got:,g}; the slice experts have "
                    f"{want:,} (off by {got - want:+,g}).")
            return Feedback("6a", False, " ".join([text, *_overhead_hints(got - want, h, k, C)]))
    h, k, C = CONFIGS[-1]
    return Feedback("6a", True, f"right for all {len(CONFIGS)} models, e.g. the Snorkel tutorial's "
                                f"experts (h={h}, k={k}) hold {counted_overhead(h, k, C):,} parameters.")


def _overhead_hints(off: float, h: int, k: int, C: int) -> list[str]:
    n = k + 1
    known = [
        (-(h * h + 3 * h + 2), f"That is one slice's indicator and transform, h*h + 3*h + 2 = "
                               f"{h * h + 3 * h + 2}: count base too, k + 1 slices in all."),
        (-n * (2 * h + 2), "That is the indicator heads, Linear(h, 2) per slice: 2*h weights + 2 biases."),
        (-n * (h * h + h), "That is the transforms, Linear(h, h) per slice: h*h weights + h biases."),
        (-C * (h + 1), "That is the shared prediction head Linear(h, C): C*h weights + C biases."),
        (C * (h + 1), "That is one Linear(h, C) too many: the master head is the plain model's own "
                      "head, so it is not part of the difference."),
        (-(n * (h + 2) + C), "That is the biases: every Linear(a, b) has a*b weights and b biases."),
        (-n * h, "That is the transforms' biases: Linear(h, h) has h*h weights and h biases."),
    ]
    hints = [hint for value, hint in known if off == value]
    if not hints and off == -n * (2 * h + 2) - C * (h + 1):
        hints.append("You counted the transforms only; add the indicator heads and the shared head.")
    return hints


HIDDEN_SEEDS = tuple(range(10, 17))  # 7 seeds the lesson never trains, in exercise 6b's hidden runs


def hidden_runs(columns: list[str], seed: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Made-up per-seed accuracies of two models over ``HIDDEN_SEEDS``, for exercise 6b's check.

    ``better`` gains a different amount on each column, with seed-to-seed noise; ``worse`` lists
    the same seeds in another order, so only answers that pair the rows by seed agree.
    """
    rng = np.random.default_rng(seed)
    n, c = len(HIDDEN_SEEDS), len(columns)
    worse = rng.uniform(0.0, 0.7, size=(n, c))
    better = np.clip(worse + rng.uniform(0.05, 0.5, size=c) + rng.normal(0, 0.1, size=(n, c)), 0, 1)
    index = pd.Index(HIDDEN_SEEDS, name="seed")
    worse_frame = pd.DataFrame(worse, index=index, columns=columns).iloc[rng.permutation(n)]
    return pd.DataFrame(better, index=index, columns=columns), worse_frame


def check_paired_gains(function: object, better: pd.DataFrame, worse: pd.DataFrame) -> Feedback:
    """Exercise 6b: ``function(better, worse)`` gives the per-column mean and spread of the
    seed-by-seed difference ``better - worse``.

    The check calls it on the lesson's ``better`` and ``worse``, then on ``hidden_runs``: other
    seeds, listed in another order, which the lesson never showed.
    """
    if not callable(function):
        return Feedback("6b", False, f"expected a function paired_gains(better, worse), got "
                                     f"{type(function).__name__}. The check calls it on other "
                                     "seeds' results too, so wrap your computation in a function.")
    circles = [c for c in better.columns if c != "overall"]
    hidden = hidden_runs(list(better.columns))
    cases = [("section 4's runs", better, worse),
             (f"the runs of {len(HIDDEN_SEEDS)} other seeds (which the lesson never showed)", *hidden)]
    first_answer = None
    for label, b, w in cases:
        try:
            gains = function(b.copy(), w.copy())
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("6b", False, f"on {label} your function raised {type(err).__name__}: {err}")
        problem = _shape_problem(gains, circles)
        if problem:
            return Feedback("6b", False, f"on {label}: {problem}")
        lines = _compare_gains(gains, b, w, circles)
        if lines:
            if first_answer is not None and _same(gains, first_answer, circles):
                lines.append("Your function returns the same table whatever frames it gets; "
                             "compute the gains from its arguments, better and worse.")
            return Feedback("6b", False, f"on {label}: " + " ".join(lines))
        first_answer = gains
    expected = solution.paired_gains(better, worse).loc[circles[0]]
    return Feedback("6b", True, f"right on section 4's runs and on {len(HIDDEN_SEEDS)} other seeds. "
                                f"E.g. {circles[0]}: {expected['gain']:+.3f} ± {expected['spread']:.3f}.")


def _shape_problem(gains: object, circles: list[str]) -> str:
    if not isinstance(gains, pd.DataFrame) or not {"gain", "spread"} <= set(gains.columns):
        got = list(gains.columns) if isinstance(gains, pd.DataFrame) else type(gains).__name__
        return ("expected a DataFrame with columns 'gain' and 'spread', one row per circle; got "
                f"{got}.")
    missing = [c for c in circles if c not in gains.index]
    if missing:
        return (f"rows {missing} are missing; index the rows by circle name, as the columns of "
                f"better and worse are ({circles}).")
    return ""


def _same(gains: pd.DataFrame, other: pd.DataFrame, circles: list[str]) -> bool:
    a = gains.loc[circles, ["gain", "spread"]].apply(pd.to_numeric, errors="coerce").to_numpy()
    b = other.loc[circles, ["gain", "spread"]].apply(pd.to_numeric, errors="coerce").to_numpy()
    return bool(np.allclose(a, b, atol=TOL, equal_nan=True))


def _compare_gains(gains: pd.DataFrame, better: pd.DataFrame, worse: pd.DataFrame,
                   circles: list[str]) -> list[str]:
    """What is off in ``gains``, column by column, with hints; empty when it is right."""
    expected = solution.paired_gains(better, worse)
    lines, passed = [], True
    for column in ("gain", "spread"):
        got = pd.to_numeric(gains.loc[circles, column], errors="coerce")
        off = (got - expected.loc[circles, column]).abs().fillna(np.inf)
        if off.max() <= TOL:
            lines.append(f"{column}: right on all {len(circles)} circles.")
            continue
        passed = False
        worst = off.idxmax()
        lines.append(f"{column} on {worst}: yours is {got[worst]:.4f}, expected "
                     f"{expected.loc[worst, column]:.4f} (off by {got[worst] - expected.loc[worst, column]:+.4f}).")
        lines += _gain_hints(column, got, better, worse, circles)
    return [] if passed else lines


def _gain_hints(column: str, got: pd.Series, better: pd.DataFrame, worse: pd.DataFrame,
                circles: list[str]) -> list[str]:
    b, w = better[circles], worse[circles]
    diff = b - w
    by_position = pd.DataFrame(b.to_numpy() - w.to_numpy(), columns=circles)
    n = len(diff)
    position = ("Your gains pair the rows by position, but here worse lists the seeds in another "
                "order; subtract the frames themselves (pandas aligns their rows on the seed index) "
                "or sort both by seed first.")
    if column == "gain":
        candidates = [
            (pd.Series(0.0, index=circles), "The gain is still 0: subtract the plain accuracy from "
                                            "the slice-aware one seed by seed, then average."),
            ((w - b).mean(), "The sign is flipped: compute slice-aware minus plain."),
            (by_position.mean(), position),
            (diff.sum() / 5, f"You divided by 5, but there are {n} seeds here: use .mean()."),
        ]
    else:
        candidates = [
            (pd.Series(0.0, index=circles), "The spread is still 0: take the standard deviation of "
                                            "the per-seed gains."),
            (diff.std(ddof=0), "That is the population standard deviation (ddof=0, numpy's default); "
                               "use pandas' .std(), which divides by n - 1 for a sample of seeds."),
            (np.sqrt(b.var() + w.var()), "You combined the two models' spreads as if they were "
                                         "independent. Each seed's pair shares its backbone weights and "
                                         "batches, so take the spread of the per-seed differences."),
            (b.std() + w.std(), "You added the two models' spreads; take the spread of the per-seed "
                                "differences instead."),
            ((b.std() - w.std()).abs(), "You subtracted the two models' spreads; take the spread of "
                                        "the per-seed differences instead."),
            (by_position.std(), position),
            (np.sqrt(((diff - diff.mean()) ** 2).sum() / 4), f"You divided by 4 (5 seeds - 1), but "
                                                             f"there are {n} seeds here: use .std()."),
        ]
    got = got.to_numpy(dtype=float)
    return [hint for value, hint in candidates
            if np.abs(got - np.asarray(value, dtype=float)).max() <= TOL]


FRESH_POINTS = (2000, 300)  # exercise 6c's points: how many, and a seed the lesson never draws


def check_circle_sf(sf: object, df: pd.DataFrame | None = None) -> Feedback:
    """Exercise 6c: ``sf`` slices the points within 0.2 of (-0.6, -0.1).

    ``df`` defaults to 2,000 fresh points (seed 300) that the lesson never draws.
    """
    if df is None:
        n, seed = FRESH_POINTS
        df = make_circle_data(n, seed=seed)[0]
    expected = _members(solution.circle_left, df)
    # Quote wrongly sliced points by their coordinates.
    shown = df.assign(point=[f"({a:+.3f}, {b:+.3f})" for a, b in zip(df["x1"], df["x2"], strict=True)])
    feedback = check_sf("6c", sf, shown, expected, text_column="point")
    if feedback or not isinstance(sf, SlicingFunction) or "raised" in feedback.message:
        return feedback
    got = _members(sf, df)
    x1, x2 = df["x1"].to_numpy(float), df["x2"].to_numpy(float)
    slips = [
        (np.hypot(x1 - 0.6, x2 - 0.1) < 0.2,
         "The center is at (-0.6, -0.1): the distance uses x1 + 0.6 and x2 + 0.1."),
        (np.hypot(x1 + 0.1, x2 + 0.6) < 0.2, "x1 and x2 are swapped: the center has x1 = -0.6."),
        ((x1 + 0.6) ** 2 + (x2 + 0.1) ** 2 < 0.2,
         "You compared the squared distance with 0.2; compare it with 0.2 ** 2, or take the square "
         "root first (math.hypot)."),
        ((np.abs(x1 + 0.6) < 0.2) & (np.abs(x2 + 0.1) < 0.2),
         "That is a square around the center; a circle needs the Euclidean distance."),
    ]
    slips += [(members.to_numpy(), f"That is {name}, one of the lesson's circles; the new one is "
                                   "centered at (-0.6, -0.1), with radius 0.2.")
              for name, members in circle_slices(df).items()]
    hints = [hint for members, hint in slips if np.array_equal(got, members)]
    if not got.any():
        hints.append("Your slice is empty; return True for the points close enough to the center.")
    if not hints:
        return feedback
    return Feedback("6c", False, "\n".join([feedback.message, *(f"Hint: {h}" for h in hints)]))


def _members(sf: SlicingFunction, df: pd.DataFrame) -> np.ndarray:
    return np.asarray(PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name], dtype=bool)



# Exercise 6d's hidden SF: each circle drawn a little off (center moved, radius changed), so that
# its mistakes sit at the slice's edge and precision and recall differ. Seed 400: not in the lesson.
DRIFTED = {"circle_bottom": (0.04, -0.68, 0.22), "circle_right": (0.52, -0.2, 0.2),
           "circle_top": (-0.3, 0.63, 0.25)}
HIDDEN_POINTS = (1500, 400)


def hidden_slices() -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(S_sf, S_true)`` on fresh points: the slightly-off circles of ``DRIFTED``, and the truth."""
    n, seed = HIDDEN_POINTS
    df, S_true = make_circle_data(n, seed=seed)
    return circle_slices(df, DRIFTED), S_true


def check_precision_recall(function: object, S_sf: pd.DataFrame, S_true: pd.DataFrame) -> Feedback:
    """Exercise 6d: ``function(S_sf, S_true)`` gives each slice's precision and recall.

    The check calls it on the lesson's ``S_sf`` and ``S_true``, then on ``hidden_slices``: fresh
    points and an SF whose circles are a little off, which the lesson never showed.
    """
    if not callable(function):
        return Feedback("6d", False, f"expected a function slice_precision_recall(S_sf, S_true), got "
                                     f"{type(function).__name__}. The check calls it on other slices "
                                     "too, so wrap your computation in a function.")
    cases = [("the lesson's slices", S_sf, S_true),
             ("slightly-off circles on 1,500 fresh points (which the lesson never showed)",
              *hidden_slices())]
    for label, sf, true in cases:
        try:
            got = function(sf.copy(), true.copy())
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("6d", False, f"on {label} your function raised {type(err).__name__}: {err}")
        names = list(true.columns)
        if not isinstance(got, pd.DataFrame) or not {"precision", "recall"} <= set(got.columns):
            shown = list(got.columns) if isinstance(got, pd.DataFrame) else type(got).__name__
            return Feedback("6d", False, f"on {label}: expected a DataFrame with columns 'precision' "
                                         f"and 'recall', one row per slice; got {shown}.")
        missing = [name for name in names if name not in got.index]
        if missing:
            return Feedback("6d", False, f"on {label}: rows {missing} are missing; index the rows by "
                                         f"slice name, as the columns of S are ({names}).")
        expected = solution.slice_precision_recall(sf, true)
        lines = []
        for column in ("precision", "recall"):
            mine = pd.to_numeric(got.loc[names, column], errors="coerce")
            off = (mine - expected.loc[names, column]).abs().fillna(np.inf)
            if off.max() <= TOL:
                continue
            worst = off.idxmax()
            lines.append(f"{column} of {worst}: yours is {mine[worst]:.4f}, expected "
                         f"{expected.loc[worst, column]:.4f}.")
            lines += [hint for hint in _precision_hints(column, mine.to_numpy(float), sf[names], true[names])
                      if hint not in lines]
        if lines:
            return Feedback("6d", False, f"on {label}: " + " ".join(lines))
    sf, true = cases[1][1:]
    e = solution.slice_precision_recall(sf, true).loc["circle_bottom"]
    return Feedback("6d", True, "right on the lesson's slices and on slightly-off circles, e.g. "
                                f"circle_bottom: precision {e['precision']:.3f}, recall {e['recall']:.3f}.")


def _precision_hints(column: str, got: np.ndarray, sf: pd.DataFrame, true: pd.DataFrame) -> list[str]:
    hits = (sf & true).sum()
    precision, recall = hits / sf.sum(), hits / true.sum()
    other = recall if column == "precision" else precision
    candidates = [
        (other, "You swapped precision and recall: precision divides by the SF's members, recall by "
                "the slice's true members."),
        ((sf == true).mean(), "That is the share of all rows where the SF agrees with the truth "
                              "(accuracy); the many rows outside both slices inflate it. Count "
                              "only the SF's members (precision) or the true members (recall)."),
        (hits, "That is a count of the rows in both; divide it by the SF's members (precision) or "
               "the true members (recall)."),
        (pd.Series(0.0, index=sf.columns), f"The {column} is still 0."),
        (1 - (precision if column == "precision" else recall),
         f"That is the share of mistakes; the {column} is 1 minus it."),
    ]
    return [hint for value, hint in candidates
            if np.abs(got - np.asarray(value, dtype=float)).max() <= TOL]
