"""find_slices against the sliceline package: time, peak memory and top-k agreement.

Usage: ``python benchmarks/find_vs_sliceline.py [--smoke]``. Each implementation runs in a fresh
process per size (so peak RSS is its own), on the same planted data: categorical columns of 2 to 5
values, a 10% base error rate, and one planted 2-predicate slice with 50% error. Settings are equal:
k=10, max_order 2, min_support 1% of the rows, alpha 0.95. Before any time is reported, our top-k
scores must equal the exact top-k, found by scoring every 1- and 2-predicate slice; the table says
how many of sliceline's top-k scores agree with it (sliceline 0.3.0 prunes some valid slices at
50,000 x 30).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

SIZES = [(10_000, 10), (50_000, 30)]


def data(n: int, d: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame({f"c{i}": rng.integers(0, rng.integers(2, 6), n).astype(str) for i in range(d)})
    e = (rng.random(n) < 0.1).astype(float)
    hot = ((X.c0 == "1") & (X.c1 == "0")).to_numpy()
    e[hot] = rng.random(hot.sum()) < 0.5
    return X, e


def exhaustive_top_k(n: int, d: int, k: int = 10) -> list[float]:
    """The exact top-k scores over every slice of one or two predicates."""
    from itertools import combinations

    import numpy as np

    X, e = data(n, d)
    avg, sigma = e.mean(), n // 100
    items = [(c, (X[c] == v).to_numpy()) for c in X.columns for v in sorted(X[c].unique())]

    def score(m):
        s, err = m.sum(), e[m].sum()
        return 0.95 * ((err / s) / avg - 1) - 0.05 * (n / s - 1) if s >= sigma and err > 0 else -np.inf

    scores = [score(m) for _, m in items]
    scores += [score(a & b) for (ca, a), (cb, b) in combinations(items, 2) if ca != cb]
    return sorted((s for s in scores if s > 0), reverse=True)[:k]


def child(which: str, n: int, d: int) -> None:
    X, e = data(n, d)
    start = time.perf_counter()
    if which == "sliceline":
        import warnings

        from sliceline.slicefinder import Slicefinder

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = Slicefinder(alpha=0.95, k=10, max_l=2, min_sup=n // 100, verbose=False).fit(X.to_numpy(), e)
        scores = sorted((s["slice_score"] for s in fit.top_slices_statistics_), reverse=True)[:10]
    else:
        from snorkel_slice.analysis import find_slices

        scores = [sf.stats["score"] for sf in find_slices(X, e, k=10, max_order=2, min_support=n // 100, alpha=0.95)]
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "scores": scores}))


def main(smoke: bool) -> None:
    sizes = [(2_000, 6)] if smoke else SIZES
    print("| rows x columns | sliceline 0.3.0 | find_slices | time ratio | peak memory |")
    print("|---|---|---|---|---|")
    for n, d in sizes:
        out = {}
        for which in ("sliceline", "ours"):
            proc = subprocess.run([sys.executable, __file__, "--child", which, str(n), str(d)],
                                  capture_output=True, text=True, check=True)
            out[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        a, b = out["sliceline"], out["ours"]
        exact = exhaustive_top_k(n, d)
        if len(b["scores"]) != len(exact) or any(abs(x - y) > 1e-9 for x, y in zip(b["scores"], exact, strict=True)):
            raise AssertionError(f"find_slices is not the exact top-k at {n} x {d}: {b['scores']} vs {exact}")
        agree = sum(any(abs(x - y) <= 1e-9 for y in exact) for x in a["scores"])
        print(f"| {n:,} x {d} | {a['seconds']:.2f} s, {a['peak_mb']:,.0f} MB, {agree} of "
              f"{len(exact)} exact | {b['seconds']:.2f} s, {b['peak_mb']:,.0f} MB, all exact | "
              f"{a['seconds'] / b['seconds']:.1f}x faster | {b['peak_mb'] / a['peak_mb']:.2f} of sliceline's |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main("--smoke" in sys.argv)
