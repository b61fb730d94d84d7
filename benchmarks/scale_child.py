"""One process of the ``thousand_slices`` case: 1,000 slices over 1,000,000 rows, timed.

Run by ``cases_scale.py`` once per implementation (this package, and the package as it was before
issue 16, unpacked from git), each in a fresh process so that its peak memory is its own. Prints
one JSON line: seconds per step (best of ``--repeats``), peak RSS, and digests of every output so
the parent can assert that both implementations agree before it reports any time.

The slices are thresholds on 10 numeric columns (sizes from 0.1% to 50% of the rows). With
``--apply`` they are vectorized SFs run by ``PandasSFApplier(..., as_dataframe=True)``; otherwise
(the code before issue 16 has no vectorized SFs) the same DataFrame of bools is built with numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({f"x{c}": rng.random(n) for c in range(10)})


def thresholds(k: int, seed: int = 1) -> list[tuple[str, float]]:
    rng = np.random.default_rng(seed)
    return [(f"x{j % 10}", float(rng.uniform(0.001, 0.5))) for j in range(k)]


def labels(n: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    golds = rng.integers(0, 2, n)
    preds = np.where(rng.random(n) < 0.8, golds, 1 - golds)
    preds[rng.random(n) < 0.05] = -1
    return golds, preds


def digest(table: pd.DataFrame) -> str:
    values = np.round(table.to_numpy(dtype=float), 12)
    return hashlib.sha256(values.tobytes() + "|".join(map(str, table.index)).encode()).hexdigest()[:16]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Start a new peak (VmHWM) from the current memory: Linux's clear_refs, value 5."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def best(f, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        out = None  # the last run's output is freed before the next run, as a caller would
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slices", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--apply", action="store_true", help="build S with vectorized SFs")
    args = parser.parse_args()
    import snorkel_slice
    from snorkel_slice.analysis import Scorer, slice_summary

    df, cuts = frame(args.rows), thresholds(args.slices)
    golds, preds = labels(args.rows)
    names = [f"slice_{j:04d}" for j in range(args.slices)]
    out: dict = {"package": str(Path(snorkel_slice.__file__).parent), "seconds": {}, "digests": {}}
    if args.apply:
        from snorkel_slice.slicing import PandasSFApplier, SlicingFunction

        def below(batch, column, cut):
            return batch[column].to_numpy() < cut

        sfs = [SlicingFunction(name, below, resources=dict(column=c, cut=t), vectorized=True)
               for name, (c, t) in zip(names, cuts, strict=True)]
        applier = PandasSFApplier(sfs)
        out["seconds"]["apply"], S = best(
            lambda: applier.apply(df, progress_bar=False, as_dataframe=True), args.repeats)
        # the SF bodies alone, called directly on the frame (each answer dropped): the floor
        def bodies() -> None:
            for c, t in cuts:
                below(df, c, t)

        out["seconds"]["sf_bodies"], _ = best(bodies, args.repeats)
    else:
        M = np.empty((args.slices, args.rows), bool)
        for j, (c, t) in enumerate(cuts):
            M[j] = df[c].to_numpy() < t
        S = pd.DataFrame(M.T, columns=names, copy=False)
    df = None  # the frame is no longer needed: free it before the analysis
    out["S_mb"] = S.memory_usage(index=False).sum() / 1e6
    out["peak_build_mb"] = peak_rss_mb()  # building S (applying the SFs, with --apply)
    reset_peak()  # from here on: the analysis, with S in memory
    scorer = Scorer(["accuracy", "f1"], min_support=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["seconds"]["score_slices"], table = best(
            lambda: scorer.score_slices(S, golds, preds, as_dataframe=True), args.repeats)
        out["digests"]["score_slices"] = digest(table)
        out["seconds"]["slice_summary"], summary = best(
            lambda: slice_summary(S, golds), args.repeats)
        out["digests"]["slice_summary"] = digest(summary)
        out["seconds"]["intervals"], intervals = best(
            lambda: scorer.score_slices(S, golds, preds, as_dataframe=True, ci=0.95), args.repeats)
        out["digests"]["intervals"] = digest(intervals)
        out["interval_rows"] = len(intervals)
        try:
            from snorkel_slice.analysis import compare_slices

            out["seconds"]["compare_slices"], compared = best(
                lambda: compare_slices(S, golds, preds, correction="holm"), 1)
            out["digests"]["compare_slices"] = digest(compared.select_dtypes("number"))
        except ImportError:
            pass
    out["peak_rss_mb"] = peak_rss_mb()  # the analysis, S included
    print(json.dumps(out))


if __name__ == "__main__":
    main()
