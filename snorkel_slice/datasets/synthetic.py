"""Synthetic data with known weak slices: small flipped circles, and a spurious attribute.

Circles: points are uniform on the square [-1, 1]^2. The label is 1 above the diagonal
(``x2 > x1``), except inside a few small circles, where it is flipped. A capacity-limited model
learns the diagonal and gives up on the circles; slice-based learning, told which points lie in
which circle, can win them back. Snorkel once had such a convergence test.

Spurious attribute: a label and a nuisance attribute that agree on most training rows and on
half of the test rows, the set-up of Sagawa et al. (ICLR 2020). A model that leans on the
attribute fails the two groups where it disagrees with the label.
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
    n: int = 4000, seed: int = 0, circles: Mapping[str, tuple[float, float, float]] | None = None
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
    """
    n = check_int("n", n, low=1)
    seed = check_int("seed", seed, low=0)
    xy = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)).astype(np.float32)
    df = pd.DataFrame({"x1": xy[:, 0], "x2": xy[:, 1]})
    S = circle_slices(df, circles)
    # Circles do not overlap, so an odd number of memberships means "inside one circle".
    flipped = S.to_numpy().sum(axis=1) % 2 == 1
    df["label"] = ((xy[:, 1] > xy[:, 0]) ^ flipped).astype(np.int64)
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


# The four label x attribute groups of the spurious task, in S's column order.
SPURIOUS_GROUPS = ("y0_a0", "y0_a1", "y1_a0", "y1_a1")


def make_spurious_data(
    n: int = 3000, agreement: float = 0.95, seed: int = 0, n_noise: int = 8,
    core_shift: float = 1.0, spurious_shift: float = 2.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample rows whose label agrees with a nuisance attribute on a share ``agreement`` of them.

    The label y is 0 or 1 with equal chance; the attribute a equals y with probability
    ``agreement``. Feature ``core`` is ``(2y - 1) * core_shift`` plus standard normal noise (it
    predicts y about as well as a coin weighted ``Phi(core_shift)``); ``spurious`` is
    ``(2a - 1) * spurious_shift`` plus noise of scale 0.5 (it gives a away almost surely);
    ``noise_0``, ... are standard normal. Where y and a agree (the majority groups), ``spurious``
    predicts y better than ``core`` does; where they disagree it is wrong.

    Parameters
    ----------
    n
        Number of rows.
    agreement
        Probability that the attribute equals the label: e.g. 0.95 for training, 0.5 for test.
    seed
        Seed of the sample.
    n_noise
        Number of pure-noise features.
    core_shift, spurious_shift
        Distance of each class (attribute) mean from 0 along ``core`` (``spurious``).

    Returns
    -------
    df : pandas.DataFrame
        Columns core, spurious, noise_0.. (float32), attribute and label (int64).
    S : pandas.DataFrame
        The four groups ``SPURIOUS_GROUPS``: ``y1_a0`` holds the rows with label 1 and
        attribute 0, and so on. They use the label, so they are known for training and scoring,
        not at prediction time.

    Examples
    --------
    >>> df, S = make_spurious_data(n=2000, agreement=0.9, seed=0)
    >>> list(S.columns), bool(S.sum(axis=1).eq(1).all())
    (['y0_a0', 'y0_a1', 'y1_a0', 'y1_a1'], True)
    >>> round(float((df.label == df.attribute).mean()), 2)
    0.9
    """
    n = check_int("n", n, low=1)
    seed = check_int("seed", seed, low=0)
    n_noise = check_int("n_noise", n_noise, low=0)
    check_real("agreement", agreement, low=0, high=1)
    check_real("core_shift", core_shift, low=0)
    check_real("spurious_shift", spurious_shift, low=0)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    a = np.where(rng.random(n) < agreement, y, 1 - y)
    columns = {
        "core": (2 * y - 1) * core_shift + rng.standard_normal(n),
        "spurious": (2 * a - 1) * spurious_shift + 0.5 * rng.standard_normal(n),
        **{f"noise_{j}": rng.standard_normal(n) for j in range(n_noise)},
    }
    df = pd.DataFrame({k: v.astype(np.float32) for k, v in columns.items()})
    df["attribute"], df["label"] = a.astype(np.int64), y.astype(np.int64)
    S = pd.DataFrame({name: (y == int(name[1])) & (a == int(name[4])) for name in SPURIOUS_GROUPS})
    return df, S
