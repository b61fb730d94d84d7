"""Synthetic data: 2-D points with circle-shaped slices, and loan applications over time.

Circles: points are uniform on the square [-1, 1]^2. The label is 1 above the diagonal (``x2 > x1``),
except inside a few small circles, where it is flipped. A capacity-limited model learns the
diagonal and gives up on the circles; slice-based learning, told which points lie in which
circle, can win them back. Snorkel once had such a convergence test.

With ``n_classes=3`` the same picture has three classes: bands of ``x2 - x1`` (below -1/3,
between, above 1/3), and inside a circle each point moves on to the next class.

Loans (``make_loan_data``): made-up loan applications with a time column and one planted weak
region x channel pair, whose share grows in the last months; the capstone's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.matrix import RESERVED_NAMES
from snorkel_slice.validation import check_int, check_real

# name -> (center x1, center x2, radius). Each circle covers radius^2 * pi / 4 of the square
# (3%, 5% and 5%), lies inside one class's triangle, away from the diagonal and from the others,
# and off the anti-diagonal, so that no single straight cut separates it from its class.
CIRCLES: dict[str, tuple[float, float, float]] = {
    "circle_bottom": (0.0, -0.7, 0.195),
    "circle_right": (0.55, -0.2, 0.25),
    "circle_top": (-0.25, 0.6, 0.25),
}
# n_classes -> the cuts of x2 - x1 between classes. With 3 classes the cuts at -1/3 and 1/3 give the
# classes 35%, 31% and 35% of the square, and every circle of CIRCLES lies inside one band.
CLASS_CUTS: dict[int, tuple[float, ...]] = {2: (0.0,), 3: (-1 / 3, 1 / 3)}


def circle_slices(
    df: pd.DataFrame, circles: Mapping[str, tuple[float, float, float]] | None = None
) -> pd.DataFrame:
    """Return ``S``: one bool column per circle, True for the points of ``df`` inside it.

    Examples
    --------
    >>> df = pd.DataFrame({"x1": [0.0, 0.0], "x2": [-0.7, 0.0]})
    >>> circle_slices(df)["circle_bottom"].tolist()
    [True, False]
    """
    circles = _check_circles(circles)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame with columns x1 and x2; got {type(df).__name__}.")
    missing = [c for c in ("x1", "x2") if c not in df.columns]
    if missing:
        raise ValueError(
            f"df lacks the column(s) {missing}; expected x1 and x2, got {list(df.columns)}."
        )
    bad = [c for c in ("x1", "x2") if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise TypeError(f"df column(s) {bad} must hold numbers; got {[str(df[c].dtype) for c in bad]}.")
    xy = df[["x1", "x2"]].to_numpy()
    return pd.DataFrame(
        {name: np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) < r for name, (cx, cy, r) in circles.items()},
        index=df.index,
    )


def make_circle_data(
    n: int = 4000,
    seed: int = 0,
    circles: Mapping[str, tuple[float, float, float]] | None = None,
    n_classes: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample ``n`` points with labels flipped inside the circles, and their slice matrix.

    Parameters
    ----------
    n
        Number of points.
    seed
        Seed of the sample; the same seed gives the same points.
    circles
        ``{name: (center x1, center x2, radius)}``; ``None`` uses ``CIRCLES``.
    n_classes
        2: the label is 1 above the diagonal, flipped inside a circle. 3: the label is the band of
        ``x2 - x1`` (0 below -1/3, 1 between, 2 above 1/3), moved to the next class,
        ``(label + 1) % 3``, inside a circle.

    Returns
    -------
    df : pandas.DataFrame
        Columns x1, x2 (float32) and label (int64).
    S : pandas.DataFrame
        One bool column per circle.

    Examples
    --------
    >>> df, S = make_circle_data(n=1000, seed=0)
    >>> df.shape, list(S.columns)
    ((1000, 3), ['circle_bottom', 'circle_right', 'circle_top'])
    >>> bool(((df.x2 > df.x1) != df.label.astype(bool)).eq(S.any(axis=1)).all())
    True
    >>> df3, _ = make_circle_data(n=1000, seed=0, n_classes=3)
    >>> sorted(df3.label.unique().tolist())
    [0, 1, 2]
    """
    n = check_int("n", n, low=1)
    seed = check_int("seed", seed, low=0)
    n_classes = check_int("n_classes", n_classes, low=2, high=3, hint="The circles come with 2 or 3 classes.")
    xy = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)).astype(np.float32)
    df = pd.DataFrame({"x1": xy[:, 0], "x2": xy[:, 1]})
    S = circle_slices(df, circles)
    # Circles do not overlap, so an odd number of memberships means "inside one circle".
    flipped = S.to_numpy().sum(axis=1) % 2 == 1
    band = np.searchsorted(CLASS_CUTS[n_classes], xy[:, 1] - xy[:, 0], side="left")
    df["label"] = ((band + flipped) % n_classes).astype(np.int64)
    return df, S


def _check_circles(circles: Any) -> Mapping[str, tuple[float, float, float]]:
    if circles is None:
        return CIRCLES
    if not isinstance(circles, Mapping):
        raise TypeError(
            "circles must be a dict {name: (center x1, center x2, radius)}; got "
            f"{type(circles).__name__}."
        )
    for name, spec in circles.items():
        if not isinstance(name, str) or not name.isidentifier() or name in RESERVED_NAMES:
            raise ValueError(
                f"circle name {name!r} must be a Python identifier other than {sorted(RESERVED_NAMES)}: "
                "it names a column of S."
            )
        ok = isinstance(spec, tuple | list) and len(spec) == 3
        if not ok or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec):
            raise ValueError(
                f"circles[{name!r}] must be (center x1, center x2, radius), three numbers; got {spec!r}."
            )
        if spec[2] <= 0:
            raise ValueError(f"circles[{name!r}] needs a radius > 0; got {spec[2]!r}.")
    return circles


REGIONS = ("north", "south", "east", "west")
CHANNELS = ("web", "app", "branch")


def make_loan_data(
    n: int = 20000, seed: int = 0, n_months: int = 12, weak_effect: float = 4.0,
    return_planted: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, dict[str, str]]:
    """Synthetic loan applications over ``n_months`` months, with one planted weak slice.

    Made up for the capstone, so that no learner has seen it. Each row is an application
    (``applied_at``, ``region``, ``channel``, ``age``, ``income`` and ``amount`` in $1000s,
    ``term`` in months); ``label`` is 1 when the loan defaulted. On the log-odds scale, default
    grows linearly with the amount and the term, and falls with the income and the age. In one
    region x channel pair, picked by the seed, defaults are far more likely than those features
    say (``weak_effect``): a model that does not use the region under-predicts there. In the last third of the months a campaign in that same
    pair brings more applications from it, so its share of rows grows.

    Parameters
    ----------
    n
        Number of applications.
    seed
        Seed of the sample; it also picks the weak pair.
    n_months
        Months covered, starting January 2025; at least 3.
    weak_effect
        How much more likely default is in the weak pair, on the log-odds scale; negative makes
        it less likely.
    return_planted
        Also return the weak pair as ``{"region": ..., "channel": ...}``.

    Returns
    -------
    pandas.DataFrame, or (DataFrame, dict) with ``return_planted``
        One row per application, sorted by ``applied_at``.

    Examples
    --------
    >>> df, planted = make_loan_data(n=3000, seed=1, return_planted=True)
    >>> list(df.columns)
    ['applied_at', 'region', 'channel', 'age', 'income', 'amount', 'term', 'label']
    >>> weak = (df.region == planted["region"]) & (df.channel == planted["channel"])
    >>> bool(df.label[weak].mean() > df.label[~weak].mean() + 0.2)
    True
    """
    n = check_int("n", n, low=1)
    seed = check_int("seed", seed, low=0)
    n_months = check_int("n_months", n_months, low=3)
    weak_effect = check_real("weak_effect", weak_effect)
    rng = np.random.default_rng(seed)
    planted = {"region": REGIONS[rng.integers(len(REGIONS))],
               "channel": CHANNELS[rng.integers(len(CHANNELS))]}
    month = np.sort(rng.integers(0, n_months, n))
    region = rng.choice(np.array(REGIONS, dtype=object), n)
    channel = rng.choice(np.array(CHANNELS, dtype=object), n)
    campaign = (month >= n_months - n_months // 3) & (rng.random(n) < 0.12)
    region[campaign], channel[campaign] = planted["region"], planted["channel"]
    age = rng.integers(18, 76, n)
    income = rng.lognormal(np.log(45), 0.45, n).round(1)
    amount = (income * rng.uniform(0.05, 0.95, n)).round(1)
    term = rng.choice(np.array([12, 24, 36, 60]), n)
    weak = (region == planted["region"]) & (channel == planted["channel"])
    logit = (-2.0 + 0.15 * (amount - 20) - 0.06 * (income - 45) - 0.07 * (age - 45)
             + 0.05 * (term - 36) + weak_effect * weak)
    label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    day = rng.integers(0, 28, n)
    applied_at = pd.to_datetime(pd.DataFrame({"year": 2025 + month // 12, "month": 1 + month % 12,
                                              "day": 1 + day}))
    df = pd.DataFrame({"applied_at": applied_at, "region": region.astype(str), "channel": channel.astype(str),
                       "age": age, "income": income, "amount": amount, "term": term, "label": label})
    df = df.sort_values("applied_at", kind="stable").reset_index(drop=True)
    return (df, planted) if return_planted else df
