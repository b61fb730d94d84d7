"""Pool case: our fork pool (``pool.apply_parallel``) against joblib's loky backend.

Both run the same ``engine.apply_frame`` over the same row chunks (``n_jobs * 4`` of them, as the
engine splits), with ``n_jobs=2``; only the pool differs. Ours forks its workers, which inherit
the SFs and columns; joblib's ``Parallel(n_jobs=2, return_as="generator")`` starts fresh loky
interpreters (once, then reuses them) and pickles each chunk to them.

"first call" times, in a fresh Python process per run, a learner's first ``n_jobs=2`` apply of
the TextBlob SF set on lesson 08's stream, so joblib must start its workers; "warm" times the
cheap SFs on 100,000 rows once both pools have run. joblib is only imported here: it is not a
dependency of the package.
"""

from __future__ import annotations

import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import ROOT, add_ratios, alternate, require, summary, tiled

N_JOBS = 2
OURS, JOBLIB = "ours fork pool", "joblib loky"
CHEAP = ("short_comment", "keyword_please", "regex_check_out", "short_link")


def ours_apply(sfs: list[Any], df: Any) -> np.recarray:
    """The package's own parallel apply: fork + concurrent.futures (``pool.apply_parallel``)."""
    from snorkel_slice.slicing.apply import PandasSFApplier

    return PandasSFApplier(sfs).apply(df, progress_bar=False, n_jobs=N_JOBS)


def joblib_apply(sfs: list[Any], df: Any, n_jobs: int = N_JOBS) -> np.recarray:
    """The same chunks through ``engine.apply_frame``, run by joblib's default (loky) backend."""
    from joblib import Parallel, delayed

    from snorkel_slice.slicing import engine, pool
    from snorkel_slice.slicing.matrix import to_slice_matrix

    n = len(df)
    size = math.ceil(n / (n_jobs * pool._CHUNKS_PER_JOB))  # the applier's chunks, exactly
    blocks = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(engine.apply_frame)(sfs, df.iloc[a : a + size], False) for a in range(0, n, size)
    )
    codes = np.concatenate([block for block, _ in blocks], axis=1)
    S, _ = to_slice_matrix(codes, [sf.name for sf in sfs])
    return S


APPLY = {OURS: ours_apply, JOBLIB: joblib_apply}


def same_S(ref: np.ndarray, S: np.ndarray, name: str) -> None:
    """Raise ``NotIdentical`` unless ``S`` has ``ref``'s dtype (names, order, int64) and values."""
    require(S.dtype == ref.dtype, f"{name}: S dtype {S.dtype} != the reference's {ref.dtype}")
    require(np.array_equal(np.asarray(S).view(np.int64), np.asarray(ref).view(np.int64)),
            f"{name}: S values differ from the reference's")


def spam_source_env() -> dict[str, str]:
    """The environment for ``load_spam_dataset(data_dir=<tmp>)``: where to copy the CSVs from."""
    env = dict(os.environ)
    if not env.get("YOUTUBE_SPAM_DIR"):  # fall back to the checkout's verified copy, if present
        local = ROOT / "data" / "youtube-spam"
        if local.is_dir():
            env["YOUTUBE_SPAM_DIR"] = str(local)
    return env


def child(impl: str, n_rows: int, data_dir: str, out: str) -> None:
    """One fresh process: build lesson 08's stream, time the first ``n_jobs=2`` apply, save S."""
    import pandas as pd
    from textblob import TextBlob

    from snorkel_slice.datasets import load_spam_dataset, make_spam_sfs

    if impl == JOBLIB:
        import joblib  # noqa: F401  (imported untimed, as a notebook's setup cell would)
    train, test = load_spam_dataset(data_dir=data_dir)
    comments = pd.concat([train, test], ignore_index=True)
    stream = pd.concat([comments.assign(copy=k) for k in range(4)], ignore_index=True)
    stream = stream.iloc[:n_rows]
    _ = TextBlob("warm-up").sentiment  # lesson 08 loads TextBlob's lexicon before timing
    sfs = make_spam_sfs()  # all five, textblob_polarity's memo cache empty
    gc.collect()
    start = time.perf_counter()
    S = APPLY[impl](sfs, stream)
    seconds = time.perf_counter() - start
    np.save(out, np.asarray(S))
    print(json.dumps({"seconds": seconds, "rows": len(stream)}), flush=True)


def first_call(n_rows: int, repeats: int, data_dir: str) -> tuple[dict[str, list[float]], int]:
    """Each run in a fresh process, alternating implementations; every S checked against one."""
    env = spam_source_env()
    times: dict[str, list[float]] = {OURS: [], JOBLIB: []}
    ref: np.ndarray | None = None
    rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeats):
            for impl in (OURS, JOBLIB) if r % 2 == 0 else (JOBLIB, OURS):
                out = str(Path(tmp) / f"S_{r}_{impl.split()[0]}.npy")
                proc = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--child", impl,
                     str(n_rows), data_dir, out],
                    capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
                )
                if proc.returncode != 0:
                    raise RuntimeError(f"pool child ({impl}) failed:\n{proc.stderr[-3000:]}")
                res = json.loads(proc.stdout.strip().splitlines()[-1])
                S = np.load(out)
                if ref is None:
                    ref = S
                same_S(ref, S, f"first call, {impl}, run {r + 1}")
                times[impl].append(res["seconds"])
                rows = res["rows"]
    return times, rows


def pool(smoke: bool) -> dict[str, Any]:
    """Our fork pool vs joblib loky, n_jobs=2: a fresh process's first call, then warm."""
    import pandas as pd
    from joblib.externals.loky import get_reusable_executor

    from snorkel_slice.datasets import load_spam_dataset, make_spam_sfs
    from snorkel_slice.slicing.apply import PandasSFApplier

    fresh_rows, fresh_repeats, n, repeats = (400, 1, 2_000, 1) if smoke else (7_344, 3, 100_000, 5)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        # 1. First call: a fresh process per run, as a learner's first n_jobs=2 in a notebook.
        times, fresh_rows = first_call(fresh_rows, fresh_repeats, data_dir)
        part = {name: summary(runs, fresh_rows) for name, runs in times.items()}
        add_ratios(part, reference=JOBLIB)
        results.update({f"first call: {name}": res for name, res in part.items()})

        # 2. Warm, large: one process, both pools warmed up once, then alternating repeats.
        train = load_spam_dataset(data_dir=data_dir)[0]  # the children copied the CSVs there
    df = pd.DataFrame({"text": tiled(train, n)["text"]})
    sfs = make_spam_sfs(CHEAP)
    serial = PandasSFApplier(sfs).apply(df, progress_bar=False)  # n_jobs=1, the reference S

    def check(name: str, S: Any) -> None:
        require(isinstance(S, np.recarray), f"warm, {name}: S is a {type(S).__name__}")
        same_S(serial, S, f"warm, {name}")

    try:
        times = alternate({OURS: lambda: ours_apply(sfs, df), JOBLIB: lambda: joblib_apply(sfs, df)},
                          repeats, warmups=1, check=check)
    finally:
        get_reusable_executor().shutdown(wait=True)  # no idle loky workers left for later cases
    part = {name: summary(runs, n) for name, runs in times.items()}
    add_ratios(part, reference=JOBLIB)
    results.update({f"warm: {name}": res for name, res in part.items()})

    ratios = {
        "first call": results[f"first call: {JOBLIB}"]["median_s"]
        / results[f"first call: {OURS}"]["median_s"],
        "warm": results[f"warm: {JOBLIB}"]["median_s"] / results[f"warm: {OURS}"]["median_s"],
    }
    return {
        "title": f"n_jobs={N_JOBS}: our fork pool vs joblib loky, same apply_rows and chunks; "
                 f"first call ({fresh_rows:,} rows, 5 SFs incl. TextBlob, fresh process) and "
                 f"warm ({n:,} rows, 4 cheap SFs)",
        "rows": {"first call": fresh_rows, "warm": n},
        "identical": True,
        "checks": [
            "first call: every fresh process's S (either pool) has the same dtype and values "
            "as the first run's",
            "warm: S from either pool has the same dtype and values as our n_jobs=1 S, every run",
        ],
        "results": results,
        "reference": JOBLIB,
        "joblib_over_ours": ratios,
        "notes": "Ratios are joblib's median / ours (> 1: joblib is slower). 'first call' runs "
                 f"each implementation {fresh_repeats}x, alternating, each in a fresh Python "
                 "process that loads lesson 08's stream (train + test comments x 4 copies), "
                 "imports TextBlob and computes one sentiment before the timed apply; joblib "
                 "must start its loky workers there. 'warm': the train texts tiled (one column), "
                 f"each pool warmed up once, then {repeats} alternating repeats; loky reuses "
                 "its workers, ours forks new ones per call.",
    }


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit("usage: cases_pool.py --child IMPL N_ROWS DATA_DIR OUT.npy (run.py starts it)")
