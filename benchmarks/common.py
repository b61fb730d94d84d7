"""What every benchmark case shares: alternating timing, identity checks, machine facts, data.

A case returns a plain dict (JSON-ready): ``title``, ``identical`` (True once every check passed),
``checks`` (what was compared, in words), ``results`` (one entry per implementation: ``median_s``,
``runs``, and a rate or ratio where one makes sense) and ``notes``.
"""

from __future__ import annotations

import datetime
import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL_ENV = dict(os.environ)  # for the test-suite case: the suite runs as a user would run it
# tests/spam_sfs.py holds the seed's five SFs, buildable with either library; the lessons'
# `utils` lives at the repository root, which is not installed (see utils.py). Child processes
# (fresh-process cases) find both through PYTHONPATH.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "tests"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)
os.environ.setdefault("SNORKEL_SLICE_PROGRESS", "0")


class NotIdentical(AssertionError):
    """Two implementations gave different outputs: no speed is reported for the case."""


def require(condition: bool, message: str) -> None:
    """Raise ``NotIdentical`` unless ``condition`` (unlike ``assert``, this survives ``-O``)."""
    if not condition:
        raise NotIdentical(message)


def alternate(
    candidates: dict[str, Callable[[], Any]],
    repeats: int,
    warmups: int = 1,
    check: Callable[[str, Any], None] | None = None,
) -> dict[str, list[float]]:
    """Time every candidate ``repeats`` times, interleaved; return wall seconds per candidate.

    Round r runs the candidates in order, round r + 1 in reverse, so a drift in machine load
    (other jobs on a shared box) hits every candidate alike. ``check(name, output)`` sees every
    output, warm-ups included, and raises if it differs from the reference.
    """
    names = list(candidates)
    for _ in range(warmups):
        for name in names:
            out = candidates[name]()
            if check:
                check(name, out)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            gc.collect()  # untimed: one candidate's garbage is not collected on another's clock
            start = time.perf_counter()
            out = candidates[name]()
            times[name].append(time.perf_counter() - start)
            if check:
                check(name, out)
    return times


def summary(runs: list[float], work: float | None = None, unit: str = "rows/s") -> dict[str, Any]:
    """Median and raw runs of one candidate, plus ``work / median`` as a rate if ``work`` given."""
    median = statistics.median(runs)
    out: dict[str, Any] = {"median_s": median, "runs": [round(t, 4) for t in runs]}
    if work is not None:
        out["rate"], out["unit"] = work / median, unit
    return out


def add_ratios(results: dict[str, dict[str, Any]], reference: str = "snorkel") -> None:
    """Set ``ratio`` = reference median / candidate median (> 1: faster than the reference)."""
    base = results[reference]["median_s"]
    for res in results.values():
        if "median_s" in res:
            res["ratio"] = base / res["median_s"]


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """CPU model, cores, library versions, date and load: what a reader needs to compare runs."""
    import numpy
    import pandas
    import torch

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    versions = {"python": platform.python_version(), "torch": torch.__version__,
                "numpy": numpy.__version__, "pandas": pandas.__version__}
    for name in ("snorkel", "dask", "distributed", "scikit-learn", "textblob"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "platform": platform.platform(),
        "versions": versions,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_avg_1_5_15": load_avg(),
    }


def spam_frames() -> tuple[Any, Any]:
    """The seed tutorial's (train, test) frames, with train labels."""
    from utils import load_spam_dataset

    return load_spam_dataset(load_train_labels=True)


def tiled(df: Any, n_rows: int) -> Any:
    """``df`` repeated to exactly ``n_rows`` rows with a fresh 0..n-1 index."""
    import pandas as pd

    reps = -(-n_rows // len(df))
    return pd.concat([df] * reps, ignore_index=True).iloc[:n_rows]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB; torch allocations included."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
