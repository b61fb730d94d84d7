"""How well find_slices recovers planted slices, and how much a same-split "confirmation" overstates.

Usage: ``python benchmarks/planted_slices.py [--smoke]``.

1. Planted slices: categorical data (8 columns of 2 to 5 values, 20,000 rows, base error 10%) with
   one planted conjunction of two predicates whose error rate is ``gap`` times the base. For each
   planted size (rows in the slice, as a share) and gap, over 20 seeds, the rank of the planted
   slice among ``find_slices(k=10, max_order=2)`` gives precision at 1, 3 and 10 (the share of
   runs in which it is in the top 1, 3 or 10).
2. Selection bias: errors with no planted slice at all (pure noise, 10%). ``find_slices`` picks its
   top slice on one half of the rows; its error gap (slice minus rest) is measured on that half and
   on the other half, over 20 seeds. On noise any gap on the finding half is selection.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from snorkel_slice.analysis import find_slices


def make(n: int, seed: int, share: float, gap: float):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({f"c{i}": rng.integers(0, 5 if i > 1 else 2, n).astype(str) for i in range(8)})
    # the planted slice: c0 == "1" and c1 == "0" restricted to a random share of rows via c2..c3
    hot = (X.c0 == "1") & (X.c1 == "0")
    keep = rng.random(n) < min(1.0, share / max(hot.mean(), 1e-9))
    X.loc[hot & ~keep, "c1"] = "1"  # move rows out of the slice until it has the planted share
    hot = ((X.c0 == "1") & (X.c1 == "0")).to_numpy()
    base = 0.10
    e = (rng.random(n) < np.where(hot, min(1.0, base * gap), base)).astype(float)
    return X, e


def precision_at_k(smoke: bool) -> None:
    seeds = range(3 if smoke else 20)
    n = 4_000 if smoke else 20_000
    print("| planted share | error gap | precision@1 | precision@3 | precision@10 |")
    print("|---|---|---|---|---|")
    for share in (0.01, 0.03, 0.10):
        for gap in (2.0, 4.0):
            ranks = []
            for seed in seeds:
                X, e = make(n, seed, share, gap)
                names = [sf.name for sf in find_slices(X, e, k=10, max_order=2)]
                ranks.append(names.index("c0_1__c1_0") + 1 if "c0_1__c1_0" in names else 99)
            ranks = np.array(ranks)
            print(f"| {share:.0%} | {gap:g}x | {np.mean(ranks <= 1):.2f} | {np.mean(ranks <= 3):.2f} | "
                  f"{np.mean(ranks <= 10):.2f} |")


def selection_bias(smoke: bool) -> None:
    seeds = range(3 if smoke else 20)
    n = 4_000 if smoke else 20_000
    for alpha in (0.95, 0.99):  # the default, and a search eager enough to report something
        found_gaps, fresh_gaps, empty = [], [], 0
        for seed in seeds:
            rng = np.random.default_rng(1000 + seed)
            X = pd.DataFrame({f"c{i}": rng.integers(0, 4, n).astype(str) for i in range(8)})
            e = (rng.random(n) < 0.10).astype(float)
            half = rng.permutation(n) < n // 2
            found = find_slices(X[half].reset_index(drop=True), e[half], k=1, max_order=2, alpha=alpha)
            if not found:
                empty += 1  # the right answer on noise: no slice beats the average
                continue
            member = np.ones(n, bool)
            for column, _, value in found[0].stats["predicate"]:
                member &= (X[column] == value).to_numpy()
            for mask, out in ((half, found_gaps), (~half, fresh_gaps)):
                out.append(e[member & mask].mean() - e[~member & mask].mean())
        gaps = (f"the top slice's error gap is {np.mean(found_gaps):+.3f} (mean) on the half it was "
                f"found on and {np.mean(fresh_gaps):+.3f} on the other half" if found_gaps else "")
        print(f"noise only, alpha={alpha}, {len(seeds)} seeds, {n:,} rows in halves: no slice reported "
              f"in {empty}; {gaps}")


if __name__ == "__main__":
    smoke = "--smoke" in sys.argv
    precision_at_k(smoke)
    selection_bias(smoke)
