"""A spurious-correlation task: a label and a nuisance attribute that usually agree.

The set-up of Sagawa et al. (ICLR 2020): on most training rows the attribute equals the label, on
half of the test rows it does not. A model that leans on the attribute fails the two groups where
it disagrees with the label, which is where the remedies of lesson 04 are tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snorkel_slice.validation import check_int, check_real

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
