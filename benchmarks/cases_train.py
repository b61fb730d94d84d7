"""Training case: slice-aware and plain training at the seed configuration, ours vs Snorkel.

The parent prepares the data once (bag of words + S of the 5 SFs), checks in a child that both
implementations hold the same model, alternates timing children (one implementation per fresh
process, so peak memory is its own), profiles one step of each, and relates the times to the
FLOPs the model needs and to this CPU's matmul peak.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from common import require, spam_frames
from train_child import BATCH, run_child

SEED_PARAMS = 122_774_448  # SliceAwareClassifier at the seed configuration (issue 3)


def train_flops(B: int, d: int, h: int, K: int, C: int = 2) -> dict[str, float]:
    """FLOPs of one training step (forward + backward) of the slice-aware model, by formulation.

    A Linear(n_in, n_out) on B rows costs 2 B n_in n_out forward; backward costs twice that
    (gradients of weight and input), except the first layer, whose input (the data) needs none.
    Snorkel applies the K slice transforms Linear(h, h) to the batch. Ours folds them into the
    linear heads that follow (H W_s, a (2C, h) x (h, K h) product), so it never forms (B, K, h).
    """
    body = (2 * B * d * h + 2 * B * h * h) + (2 * B * d * h + 4 * B * h * h)
    heads = 3 * 2 * B * h * 2 * K  # indicator heads, same in both
    snorkel = body + heads + 3 * 2 * B * K * h * h + 3 * 2 * B * h * C * (K + 1)
    ours = body + heads + 3 * 2 * (2 * C) * h * K * h + 3 * 2 * B * h * 2 * C * K
    nominal = 3 * (2 * B * d * h + 2 * B * h * h + 2 * B * K * h * h)  # "bwd = 2x fwd" everywhere
    return {"snorkel": snorkel, "ours": ours, "nominal_3x_forward": nominal}


def matmul_peak(n: int, threads: int = 2, repeats: int = 5) -> dict[str, float]:
    """This CPU's dense float32 matmul rate on ``threads`` threads: 2 n^3 / median seconds."""
    import time

    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        a, b = torch.randn(n, n), torch.randn(n, n)
        a @ b  # warm-up: thread pool, page faults
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            a @ b
            runs.append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(before)
    return {"n": n, "threads": threads, "gflops": 2 * n**3 / statistics.median(runs) / 1e9}


def memory_bandwidth(n_bytes: int, threads: int = 2, repeats: int = 5) -> dict[str, float]:
    """This machine's copy bandwidth on ``threads`` threads: bytes read + written per second."""
    import time

    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        a = torch.ones(n_bytes // 4)
        b = torch.empty_like(a)
        b.copy_(a)  # warm-up: page faults
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            b.copy_(a)
            runs.append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(before)
    return {"bytes": n_bytes, "threads": threads, "gb_per_s": 2 * n_bytes / statistics.median(runs) / 1e9}


def fresh_memory_cost(n_bytes: int, repeats: int = 5) -> dict[str, float]:
    """Seconds to zero-fill ``n_bytes`` freshly allocated (page faults included) vs reused.

    Autograd returns every weight gradient in a new tensor; at this size its pages are mapped
    anew on each step, which is what this prices.
    """
    import time

    import torch

    kept = torch.zeros(n_bytes // 4)
    fresh, reused = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.empty(n_bytes // 4).fill_(0)
        fresh.append(time.perf_counter() - start)
        start = time.perf_counter()
        kept.fill_(0)
        reused.append(time.perf_counter() - start)
    return {"bytes": n_bytes, "fresh_s": statistics.median(fresh), "reused_s": statistics.median(reused)}


def step_bytes(n_params: int) -> int:
    """A lower bound on memory traffic of one training step, float32, weights and state only.

    Forward reads every weight (1), backward reads them again and writes the gradients (2), the
    global-norm clip reads the gradients and rescales them in place (3), and a fused Adam reads
    parameter, gradient and both moments and writes back three (7): 13 passes over 4 bytes per
    parameter. Activations (batch 64) are small next to 122.8M parameters.
    """
    return 13 * 4 * n_params


def _prepare(folder: Path, smoke: bool) -> tuple[str, int]:
    """Bag of words (CountVectorizer on spam train), labels and S of the 5 SFs, saved as .npz."""
    import spam_sfs
    from sklearn.feature_extraction.text import CountVectorizer

    from snorkel_slice.slicing.apply import PandasSFApplier
    from utils import df_to_features

    df = spam_frames()[0]
    if smoke:
        df = df.iloc[: 8 * BATCH]
    vectorizer = CountVectorizer(ngram_range=(1, 1), max_features=64 if smoke else None)
    X, Y = df_to_features(vectorizer, df, "train")
    S = PandasSFApplier(spam_sfs.build_sfs("snorkel_slice")).apply(df, progress_bar=False)
    path = folder / "train.npz"
    np.savez(path, X=X.astype(np.float32), Y=Y.astype(np.int64), names=np.array(S.dtype.names),
             S=np.column_stack([S[n] for n in S.dtype.names]))
    return str(path), X.shape[1]


def _summarize(rounds: list[dict[str, Any]], epoch: bool) -> dict[str, Any]:
    pooled = [t for r in rounds for t in r["batch_s"] + r.get("epoch_batch_s", [])]
    out = {"median_s": statistics.median(pooled), "unit": "s/batch",
           "runs": [round(statistics.median(r["batch_s"] + r.get("epoch_batch_s", [])), 4)
                    for r in rounds],
           "n_steps": len(pooled),
           "params": rounds[0]["params"], "peak_mb": max(r["peak_mb"] for r in rounds),
           "base_mb": statistics.median(r["base_mb"] for r in rounds),
           "warmup_batch_s": statistics.median(r["warmup_batch_s"] for r in rounds)}
    if epoch:
        out["epoch_s"] = statistics.median(r["epoch_s"] for r in rounds)
        out["epoch_runs"] = [round(r["epoch_s"], 2) for r in rounds]
        out["epoch_s_from_batches"] = out["median_s"] * rounds[0]["epoch_batches"]
    return out


def train(smoke: bool) -> dict[str, Any]:
    """Case 4: seconds per batch and per epoch, parameters, peak memory, profile, FLOP/s."""
    repeats, batches = (1, 3) if smoke else (3, 6)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data, h = _prepare(Path(tmp), smoke)
        require(smoke or h == 3916, f"bag of words has {h} features, the seed's has 3,916")
        identity = run_child({"role": "identity", "data": data}, in_process=smoke)
        require(smoke or identity["params"]["ours"] == SEED_PARAMS,
                f"{identity['params']} parameters, the seed configuration has {SEED_PARAMS:,}")
        rounds: dict[str, list] = {}
        for kind, epoch in (("slice", True), ("plain", False)):
            for r in range(repeats):  # alternate, and alternate who goes first
                for impl in ("snorkel", "ours") if r % 2 == 0 else ("ours", "snorkel"):
                    spec = {"role": "time", "impl": impl, "kind": kind, "data": data,
                            "batches": batches, "epoch": epoch}
                    rounds.setdefault(f"{impl} {kind}", []).append(run_child(spec, in_process=smoke))
        for kind, epoch in (("slice", True), ("plain", False)):
            part = {impl: _summarize(rounds[f"{impl} {kind}"], epoch) for impl in ("snorkel", "ours")}
            require(part["ours"]["params"] == part["snorkel"]["params"],
                    f"{kind}: parameter counts differ: {part}")
            part["ours"]["ratio"] = part["snorkel"]["median_s"] / part["ours"]["median_s"]
            if epoch:
                part["ours"]["epoch_ratio"] = part["snorkel"]["epoch_s"] / part["ours"]["epoch_s"]
            results.update({f"{impl} {kind}-aware" if kind == "slice" else f"{impl} plain MLP": res
                            for impl, res in part.items()})
        profiles = {impl: run_child({"role": "profile", "impl": impl, "data": data}, in_process=smoke)
                    for impl in ("snorkel", "ours")}
    K = 6  # 5 SFs + base
    flops = train_flops(BATCH, h, h, K)
    peak = matmul_peak(512 if smoke else 4096, threads=2)
    bandwidth = memory_bandwidth(2**24 if smoke else 2**30)
    traffic = step_bytes(results["ours slice-aware"]["params"])
    faults = fresh_memory_cost(4 * K * h * h)  # the size of the K slice transforms' gradient
    achieved = {
        "snorkel_gflops": flops["snorkel"] / results["snorkel slice-aware"]["median_s"] / 1e9,
        "ours_gflops_executed": flops["ours"] / results["ours slice-aware"]["median_s"] / 1e9,
        "ours_gflops_snorkel_equivalent": flops["snorkel"] / results["ours slice-aware"]["median_s"] / 1e9,
    }
    return {
        "title": f"Slice-aware training, seed configuration (bag of words {h:,}, MLP 2x{h:,}, "
                 f"5 SFs + base, Adam lr 1e-4, batch {BATCH})",
        "identical": True,
        "checks": ["parameter counts equal (slice-aware and plain)"
                   + ("" if smoke else f", slice-aware = {SEED_PARAMS:,}"),
                   "same weights -> same loss on batch 0 (rel. 1e-5), and again on batch 1 after one "
                   "step of each library's Trainer"],
        "identity": identity,
        "results": results,
        "flops_per_batch": flops,
        "matmul_peak": peak,
        "memory_bandwidth": bandwidth,
        "step_bytes_lower_bound": traffic,
        "memory_floor_s_per_batch": traffic / (bandwidth["gb_per_s"] * 1e9),
        "fresh_gradient_memory": faults,
        "achieved": achieved,
        "profile": profiles,
        "target": "ours >= 2x Snorkel per epoch, same parameter count, peak memory no higher",
        "notes": f"{repeats} alternating fresh processes per implementation. In each, inside the "
                 f"library's own Trainer.fit: {batches} steps (the first a warm-up, not counted), "
                 "then one real epoch (timed whole). Per batch: median over the counted steps and "
                 "the epoch's steps (less its first and its short last) of every process.",
    }
