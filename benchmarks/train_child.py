"""The training case's child processes: one model of one implementation per process.

``python benchmarks/train_child.py SPEC`` runs one role and prints its result as JSON on the last
line of stdout. A fresh process per measurement makes its peak memory (VmHWM) belong to one
implementation. Roles: "time" (per-batch and per-epoch seconds), "identity" (both models hold the
same function: parameter counts, loss before and after one step) and "profile" (torch.profiler).
The parent is ``cases_train.train``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np
from common import peak_rss_mb, require, rss_mb

BATCH = 64  # the seed's batch size
LR = 1e-4  # the seed's learning rate

def _load(path: str) -> tuple[np.ndarray, np.ndarray, np.recarray]:
    data = np.load(path)
    names = [str(n) for n in data["names"]]
    S = np.rec.fromarrays(list(data["S"].T), names=names)  # int64 fields, as the appliers give
    return data["X"], data["Y"], S


def build(impl: str, kind: str, h: int, names: list[str], dataparallel: bool = True) -> Any:
    """The seed's model: a 2-layer MLP of width h (utils.get_pytorch_mlp), as ``kind`` and ``impl``."""
    import torch
    from torch import nn

    from utils import get_pytorch_mlp

    torch.manual_seed(0)
    mlp = get_pytorch_mlp(hidden_dim=h, num_layers=2)
    if impl == "ours":
        from snorkel_slice.analysis.scorer import Scorer
        from snorkel_slice.classification.plain import PlainClassifier
        from snorkel_slice.slicing.classifier import SliceAwareClassifier

        if kind == "plain":
            return PlainClassifier(mlp, head_dim=h)
        return SliceAwareClassifier(mlp, head_dim=h, slice_names=names, scorer=Scorer(["accuracy", "f1"]))
    from snorkel.analysis import Scorer
    from snorkel.classification import MultitaskClassifier, Operation, Task
    from snorkel.slicing import SliceAwareClassifier

    scorer = Scorer(metrics=["accuracy", "f1"])
    if kind == "slice":
        return SliceAwareClassifier(mlp, h, names, scorer=scorer, dataparallel=dataparallel)
    # Snorkel's plain model: the slice-aware model's own base task, alone.
    pool = nn.ModuleDict({"base_architecture": mlp, "prediction_head": nn.Linear(h, 2)})
    ops = [Operation("base_architecture", [("_input_", "input_data")], name="input_op"),
           Operation("prediction_head", ["input_op"], name="head_op")]
    task = Task(name="task", module_pool=pool, op_sequence=ops, scorer=scorer)
    return MultitaskClassifier([task], dataparallel=dataparallel)


def loader(impl: str, kind: str, model: Any, X: np.ndarray, Y: np.ndarray, S: np.recarray) -> Any:
    """The seed's training loader (batch 64) over X, Y, with slice labels for a slice model."""
    import torch

    if impl == "ours":
        from snorkel_slice.classification.data import DictDataLoader
        from utils import create_dict_dataloader

        ds = create_dict_dataloader(X, Y, "train").dataset
    else:
        from snorkel.classification import DictDataLoader, DictDataset

        ds = DictDataset.from_tensors(torch.FloatTensor(X), torch.LongTensor(Y), "train")
    # No shuffling: both implementations see the same batches (speed does not depend on order).
    if kind == "slice":
        return model.make_slice_dataloader(ds, S, batch_size=BATCH, shuffle=False)
    return DictDataLoader(ds, batch_size=BATCH, shuffle=False)


def trainer(impl: str) -> Any:
    if impl == "ours":
        from snorkel_slice.classification.trainer import Trainer
    else:
        from snorkel.classification import Trainer
    return Trainer(n_epochs=1, lr=LR, progress_bar=False)


def stamped(dl: Any, stamps: list[float], on_batch: Any = None) -> Any:
    """Make ``dl`` record the time at which each batch is handed to the trainer.

    The gap between two stamps is one training step (forward, backward, clipping, optimizer) plus
    fetching the next batch, measured inside each library's own ``Trainer.fit``.
    """

    class Stamped(type(dl)):
        def __iter__(self) -> Any:
            for batch in super().__iter__():
                if stamps and on_batch is not None:
                    on_batch()
                stamps.append(time.perf_counter())
                yield batch

    dl.__class__ = Stamped
    return dl


def n_params(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


def child_time(spec: dict[str, Any]) -> dict[str, Any]:
    """Train ``spec["batches"]`` batches (the first is a warm-up), then optionally a full epoch."""
    import torch

    X, Y, S = _load(spec["data"])
    base_mb = rss_mb()
    model = build(spec["impl"], spec["kind"], X.shape[1], list(S.dtype.names))
    model_mb = rss_mb() - base_mb
    rows = spec["batches"] * BATCH + 1  # one extra row: the last timed batch needs a successor stamp
    stamps: list[float] = []
    dl = stamped(loader(spec["impl"], spec["kind"], model, X[:rows], Y[:rows], S[:rows]), stamps)
    trainer(spec["impl"]).fit(model, [dl])
    steps = np.diff(stamps).tolist()  # steps[0] is the warm-up (Adam state, first touch)
    out = {"params": n_params(model), "batch_s": steps[1:], "warmup_batch_s": steps[0],
           "threads": torch.get_num_threads(), "base_mb": base_mb, "model_mb": model_mb}
    if spec.get("epoch"):
        epoch_stamps: list[float] = []
        full = stamped(loader(spec["impl"], spec["kind"], model, X, Y, S), epoch_stamps)
        start = time.perf_counter()
        trainer(spec["impl"]).fit(model, [full])
        out["epoch_s"], out["epoch_batches"] = time.perf_counter() - start, len(full)
        # Steps inside the epoch, less the first (a new optimizer allocates its state) and the
        # last (the epoch's short remainder batch): more samples for the per-batch median.
        out["epoch_batch_s"] = np.diff(epoch_stamps).tolist()[1:-1]
    out["peak_mb"] = peak_rss_mb()
    return out


def _snorkel_twin_weights(ours: Any, twin: Any) -> None:
    """Copy our slice-aware model's weights into Snorkel's (same function, different layout)."""
    import torch

    pool = {k: getattr(m, "module", m) for k, m in twin.module_pool.items()}
    with torch.no_grad():
        pool["base_architecture"].load_state_dict(ours.base_architecture.state_dict())
        for k, name in enumerate(ours.all_slice_names):
            pool[f"task_slice:{name}_ind_head"].weight.copy_(ours.ind_head.weight[2 * k:2 * k + 2])
            pool[f"task_slice:{name}_ind_head"].bias.copy_(ours.ind_head.bias[2 * k:2 * k + 2])
            pool[f"task_slice:{name}_pred_transform"].weight.copy_(ours.slice_weight[:, k])
            pool[f"task_slice:{name}_pred_transform"].bias.copy_(ours.slice_bias[k])
        shared = f"task_slice:{ours.all_slice_names[0]}_pred_head"  # one head shared by all
        pool[shared].load_state_dict(ours.pred_head.state_dict())
        pool["task_master_head"].load_state_dict(ours.head.state_dict())


def child_identity(spec: dict[str, Any]) -> dict[str, Any]:
    """Same model? Parameter counts, and the loss on a batch before and after one training step."""
    import torch

    X, Y, S = _load(spec["data"])
    h, names = X.shape[1], list(S.dtype.names)
    ours = build("ours", "slice", h, names)
    twin = build("snorkel", "slice", h, names, dataparallel=False)
    _snorkel_twin_weights(ours, twin)
    counts = {"ours": n_params(ours), "snorkel": n_params(twin)}
    require(counts["ours"] == counts["snorkel"], f"parameter counts differ: {counts}")
    plain = {"ours": n_params(build("ours", "plain", h, names)),
             "snorkel": n_params(build("snorkel", "plain", h, names))}
    require(plain["ours"] == plain["snorkel"], f"plain parameter counts differ: {plain}")
    batches = {impl: list(loader(impl, "slice", m, X[:2 * BATCH], Y[:2 * BATCH], S[:2 * BATCH]))
               for impl, m in (("ours", ours), ("snorkel", twin))}

    def losses(b: int) -> tuple[float, float]:
        with torch.no_grad():
            a = ours.training_loss(*batches["ours"][b])[0].item()
            loss_dict, _ = twin.calculate_loss(*batches["snorkel"][b])
            return a, torch.stack(list(loss_dict.values())).sum().item()

    before = losses(0)
    require(abs(before[0] - before[1]) <= 1e-5 * abs(before[1]), f"loss on batch 0 differs: {before}")
    for impl, model in (("ours", ours), ("snorkel", twin)):  # one step of each library's Trainer
        one = loader(impl, "slice", model, X[:BATCH], Y[:BATCH], S[:BATCH])
        trainer(impl).fit(model, [one])
    after = losses(1)
    require(abs(after[0] - after[1]) <= 1e-5 * abs(after[1]), f"loss after one step differs: {after}")
    return {"params": counts, "plain_params": plain, "loss_batch0": before,
            "loss_batch1_after_one_step": after, "peak_mb": peak_rss_mb()}


def child_profile(spec: dict[str, Any]) -> dict[str, Any]:
    """torch.profiler over 2 training steps (after 1 warm-up) inside the library's Trainer."""
    import torch
    from torch.profiler import ProfilerActivity, profile, schedule

    X, Y, S = _load(spec["data"])
    model = build(spec["impl"], "slice", X.shape[1], list(S.dtype.names))
    active = 2
    rows = (active + 2) * BATCH
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True,
                 schedule=schedule(wait=0, warmup=1, active=active, repeat=1)) as prof:
        stamps: list[float] = []
        dl = stamped(loader(spec["impl"], "slice", model, X[:rows], Y[:rows], S[:rows]), stamps, prof.step)
        trainer(spec["impl"]).fit(model, [dl])

    def top(events: Any, n: int, shapes: bool) -> list[dict[str, Any]]:
        total = sum(e.self_cpu_time_total for e in events)
        rows = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:n]
        return [{"op": e.key + (f" {e.input_shapes}" if shapes and e.input_shapes else ""),
                 "ms_per_batch": e.self_cpu_time_total / 1e3 / active,
                 "share": e.self_cpu_time_total / total, "calls_per_batch": e.count / active}
                for e in rows]

    events = prof.key_averages()
    return {"ops": top(events, 12, False),
            "ops_by_shape": top(prof.key_averages(group_by_input_shape=True), 12, True),
            "total_ms_per_batch": sum(e.self_cpu_time_total for e in events) / 1e3 / active,
            "threads": torch.get_num_threads()}


CHILDREN = {"time": child_time, "identity": child_identity, "profile": child_profile}


def run_child(spec: dict[str, Any], in_process: bool) -> dict[str, Any]:
    """Run one child role, in a fresh process unless ``in_process`` (the smoke run's shortcut)."""
    if in_process:
        return CHILDREN[spec["role"]](spec)
    proc = subprocess.run([sys.executable, __file__, json.dumps(spec)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        raise RuntimeError(f"child {spec} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps(CHILDREN[spec["role"]](spec)))
