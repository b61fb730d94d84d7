"""Issue 16's scale cases: 1,000 slices over 1,000,000 rows, and the slice-aware model's cost.

``thousand_slices`` runs ``scale_child.py`` in fresh processes: this package (1,000 vectorized SFs
applied, then score_slices, slice_summary, intervals for all 1,001 rows and compare_slices), and
the package as it was before issue 16 (``BEFORE``, unpacked with ``git archive``) on the same
DataFrame of bools. Both must give identical tables; Snorkel 0.10.0, whose S needs 8 GB here, is
checked against ours on the first 50 slices and 100,000 rows.

``slice_aware_cost`` trains the slice-aware model with 5, 50 and 200 slices on a backbone of width
256, beside a plain model, each in a fresh process (``train_child.py``): seconds per batch, the
model's memory and the peak memory, ours and Snorkel's; it draws ``results/slice_aware_cost.png``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from common import ROOT, require

BEFORE = "88a348b"  # the last commit before issue 16
PLOT = ROOT / "benchmarks" / "results" / "slice_aware_cost.png"


def _child(args: list[str], package_root: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if package_root is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(package_root), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale_child.py"), *args],
                          capture_output=True, text=True, env=env, cwd=package_root or ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"scale_child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _snorkel_agrees(rows: int, slices: int) -> None:
    import scale_child
    from snorkel.analysis import Scorer as SnorkelScorer

    from snorkel_slice.analysis import Scorer

    df, cuts = scale_child.frame(rows), scale_child.thresholds(slices)
    golds, preds = scale_child.labels(rows)
    members = np.column_stack([df[c].to_numpy() < t for c, t in cuts])
    names = [f"slice_{j:04d}" for j in range(slices)]
    S = members.astype(np.int64).view([(n, np.int64) for n in names]).ravel().view(np.recarray)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = SnorkelScorer(["accuracy", "f1"]).score_slices(
            S, golds, preds, np.full((rows, 2), 0.5), as_dataframe=True)
        import pandas as pd

        ours = Scorer(["accuracy", "f1"], min_support=0).score_slices(
            pd.DataFrame(members, columns=names), golds, preds, as_dataframe=True)
    require(np.array_equal(ours[["accuracy", "f1"]].to_numpy(), theirs.to_numpy(), equal_nan=True),
            "score_slices on a bool DataFrame differs from Snorkel's on the recarray")


def _before(size: list[str]) -> dict[str, Any] | None:
    # The same steps with the package as it was before issue 16; None if that commit is missing
    # (a shallow clone), in which case only the comparison with Snorkel is made.
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{BEFORE}^{{commit}}"],
                           capture_output=True)
    if known.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "before.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), BEFORE,
                        "snorkel_slice"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        before = _child(size, Path(tmp))
        require(before["package"].startswith(tmp), f"the 'before' child imported {before['package']}")
    return before


def thousand_slices(smoke: bool) -> dict[str, Any]:
    """1,000 SFs over 1M rows through the whole path, now and before issue 16."""
    rows, slices, repeats = (20_000, 50, 1) if smoke else (1_000_000, 1000, 3)
    size = ["--rows", str(rows), "--slices", str(slices), "--repeats", str(repeats)]
    _snorkel_agrees(min(rows, 100_000), min(slices, 50))
    ours = _child([*size, "--apply"])
    before = _before(size)
    runs = [("ours", ours)] if before is None else [("before issue 16", before), ("ours", ours)]
    if before is not None:
        for step, digest in before["digests"].items():
            require(ours["digests"].get(step) == digest, f"{step}: outputs differ from before issue 16")
    results = {}
    for label, out in runs:
        for step, seconds in out["seconds"].items():
            results[f"{label} {step}"] = {"median_s": seconds, "runs": [seconds],
                                          "facts": f"best of {repeats if step != 'compare_slices' else 1}"}
        # peaks: while S was built (with --apply: applying the SFs), then during the analysis
        results[f"{label} score_slices"]["peak_mb"] = out["peak_rss_mb"]
        results[f"{label} score_slices"]["facts"] += f"; peak while building S {out['peak_build_mb']:,.0f} MB"
    for step in (before or {}).get("seconds", {}):
        results[f"ours {step}"]["ratio"] = before["seconds"][step] / ours["seconds"][step]
    return {
        "title": f"{slices:,} slices x {rows:,} rows: apply (vectorized), score_slices "
                 "(accuracy+f1), slice_summary, intervals (ci=0.95 bootstrap, all rows), "
                 "compare_slices (holm)",
        "rows": rows, "identical": True,
        "checks": ["every table equal (rounded to 1e-12) now and before issue 16",
                   "score_slices on the bool DataFrame equals Snorkel's on the recarray "
                   "(first 50 slices, first 100,000 rows)"],
        "results": results,
        "S_mb": ours["S_mb"],
        "peak_analysis_mb": {"ours": ours["peak_rss_mb"],
                             "before": None if before is None else before["peak_rss_mb"]},
        "peak_build_mb": {"ours": ours["peak_build_mb"],
                          "before": None if before is None else before["peak_build_mb"]},
        "before": BEFORE if before is not None else f"commit {BEFORE} is not in this clone: not run",
        "applier_overhead": ours["seconds"]["apply"] / ours["seconds"]["sf_bodies"],
        "target": "score_slices < 3 s, slice_summary < 3 s, intervals < 10 s, peak < 2 GB incl. S",
        "notes": f"Each side in a fresh process; 'before' is commit {BEFORE} (git archive), given "
                 "the same DataFrame of bools built with numpy (it has no vectorized SFs). Ratio: "
                 "before / ours.",
    }


def slice_aware_cost(smoke: bool) -> dict[str, Any]:
    """Seconds per batch and memory of the slice-aware model at 5, 50, 200 slices, width 256."""
    ks, h, batches = ((2, 5), 16, 3) if smoke else ((5, 50, 200), 256, 61)
    rng = np.random.default_rng(0)
    rows = (batches + 1) * 64 + 1
    threads = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"  # children: one torch thread, less exposed to other load
    try:
        results, curves = _cost_runs(ks, h, batches, rows, rng, smoke)
    finally:
        if threads is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = threads
    return _cost_report(ks, h, batches, results, curves, smoke)


def _cost_runs(ks, h, batches, rows, rng, smoke) -> tuple[dict[str, Any], dict[str, list[float]]]:
    from train_child import run_child

    results: dict[str, Any] = {}
    curves: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in ks:
            path = str(Path(tmp) / f"k{k}.npz")
            X = rng.normal(size=(rows, h)).astype(np.float32)
            Y = rng.integers(0, 2, rows)
            S = rng.random((rows, k)) < 0.2
            np.savez(path, X=X, Y=Y, S=S.astype(np.int64), names=np.array([f"s{j}" for j in range(k)]))
            runs = [("ours", "slice"), ("snorkel", "slice")] + (
                [("ours", "plain"), ("snorkel", "plain")] if k == ks[0] else [])
            for impl, kind in runs:
                out = run_child({"role": "time", "impl": impl, "kind": kind, "data": path,
                                 "batches": batches}, in_process=smoke)
                label = f"{impl} {kind}" + (f" [{k} slices]" if kind == "slice" else "")
                # The best batch: on a shared 2-core box single batches of a small model jump by
                # 10-100x when another process takes the core; the minimum is what the model costs.
                results[label] = {"median_s": float(np.min(out["batch_s"])), "unit": "s/batch",
                                  "runs": [round(t, 4) for t in out["batch_s"]],
                                  "peak_mb": out["peak_mb"],
                                  "facts": f"best of {len(out['batch_s'])} batches (median "
                                           f"{np.median(out['batch_s']):.3f} s), {out['params']:,} "
                                           f"parameters, model {out['model_mb']:,.0f} MB"}
                if kind == "slice":
                    curves.setdefault(impl, []).append(results[label]["median_s"])
    return results, curves


def _cost_report(ks, h, batches, results, curves, smoke) -> dict[str, Any]:
    for k in ks:
        ref = results[f"snorkel slice [{k} slices]"]["median_s"]
        results[f"ours slice [{k} slices]"]["ratio"] = ref / results[f"ours slice [{k} slices]"]["median_s"]
    growth = {impl: [(c[i + 1] - c[i]) / (ks[i + 1] - ks[i]) for i in range(len(ks) - 1)]
              for impl, c in curves.items()}
    if not smoke:
        _plot(ks, results, curves)
    return {
        "title": f"Slice-aware model, backbone width {h}, batch 64, best of {batches - 1} timed "
                 f"batches per process, 1 torch thread: {', '.join(map(str, ks))} slices, and a "
                 "plain model",
        "identical": True,
        "checks": ["parameter counts and losses equal Snorkel's: the train case's identity child "
                   "(same model code, seed config)"],
        "results": results,
        "seconds_per_added_slice": growth,
        "target": "growth in the number of slices no worse than linear",
        "plot": str(PLOT.relative_to(ROOT)) if not smoke else None,
    }


def _plot(ks: tuple[int, ...], results: dict[str, Any], curves: dict[str, list[float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for impl, marker in (("ours", "o"), ("snorkel", "s")):
        left.plot(ks, curves[impl], marker=marker, label=f"{impl}, slice-aware")
        left.axhline(results[f"{impl} plain"]["median_s"], ls="--", color="grey" if impl == "ours" else "black",
                     label=f"{impl}, plain model")
        right.plot(ks, [results[f"{impl} slice [{k} slices]"]["peak_mb"] for k in ks], marker=marker,
                   label=f"{impl}, slice-aware")
        right.axhline(results[f"{impl} plain"]["peak_mb"], ls="--",
                      color="grey" if impl == "ours" else "black", label=f"{impl}, plain model")
    left.set(xlabel="slices", ylabel="seconds per batch (best batch)", title="Time per training batch")
    right.set(xlabel="slices", ylabel="peak RSS (MB)", title="Peak memory of the process")
    for ax in (left, right):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT, dpi=100)
