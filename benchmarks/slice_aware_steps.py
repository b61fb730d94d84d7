"""Where a slice-aware training step's time goes at 50 and 200 slices (backbone width 256, batch 64).

Usage: ``python benchmarks/slice_aware_steps.py``. One torch thread; best of 19 batches for each
phase: forward (the loss), backward, and the fused Adam step the ``Trainer`` uses. It explains the
``slice_aware_cost`` case: which phase grows faster than the number of slices, and by how much.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch
from torch import nn

from snorkel_slice.classification import DictDataset
from snorkel_slice.slicing import SliceAwareClassifier


def phases(k: int, h: int = 256, batch: int = 64) -> dict[str, float]:
    """Best seconds per batch of forward, backward and optimizer step, and the parameter count."""
    rng = np.random.default_rng(0)
    n = batch * 20
    X = rng.normal(size=(n, h)).astype(np.float32)
    S = pd.DataFrame(rng.random((n, k)) < 0.2, columns=[f"s{j}" for j in range(k)])
    torch.manual_seed(0)
    model = SliceAwareClassifier(nn.Sequential(nn.Linear(h, h), nn.ReLU()), h, list(S.columns))
    data = DictDataset.from_tensors(X, rng.integers(0, 2, n), "train")
    loader = model.make_slice_dataloader(data, S, batch_size=batch, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)  # as the Trainer builds it
    times: dict[str, list[float]] = {"forward": [], "backward": [], "step": []}
    for X_dict, Y_dict in loader:
        optimizer.zero_grad()
        t0 = time.perf_counter()
        loss, _ = model.training_loss(X_dict, Y_dict)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            times[name].append(seconds)
    best = {name: min(values[1:]) for name, values in times.items()}  # the first batch warms up
    best["parameters"] = sum(p.numel() for p in model.parameters())
    return best


def main() -> None:
    torch.set_num_threads(1)
    small, large = phases(50), phases(200)
    print(f"{'phase':10s} {'50 slices':>12s} {'200 slices':>12s} {'growth':>8s}")
    for name in ("forward", "backward", "step", "parameters"):
        fmt = "{:12,.0f}" if name == "parameters" else "{:12.4f}"
        print(f"{name:10s} {fmt.format(small[name])} {fmt.format(large[name])} "
              f"{large[name] / small[name]:7.1f}x")


if __name__ == "__main__":
    main()
