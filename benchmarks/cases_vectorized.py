"""Issue 16's apply cases: row-wise SFs at frame widths 1, 5 and 50, and vectorized SFs.

``apply_width``: the 4 cheap row-wise SFs on frames of 1, 5 and 50 columns (the SFs read one):
Snorkel, ours, and the floor, the SF bodies in a plain loop over prebuilt rows that hold only the
column they read. ``apply_vectorized``: the same 4 SFs written as vectorized SFs
(``snorkel_slice.datasets.spam_vectorized``) against Snorkel's row-wise applier, and against the
vectorized bodies called directly (the floor for the applier). Every S is checked against
Snorkel's (dtype and values) before any time is reported.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
from cases_apply import _same_S
from common import add_ratios, alternate, require, spam_frames, summary, tiled


def rechunked(df: Any) -> Any:
    """``df`` with every column in one piece: a frame built by ``pd.concat`` of many pieces keeps
    every piece as a chunk of its pyarrow strings, which slows regex matching several-fold."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series(df[c].tolist(), dtype=df[c].dtype) for c in df.columns})


def frames(n: int) -> dict[int, Any]:
    """The train rows tiled to ``n`` rows, as frames of 1 (text), 5 (all) and 50 columns."""
    import pandas as pd

    rows = rechunked(tiled(spam_frames()[0], n))
    wide = rows.copy()
    for j in range(45):  # numeric and text columns the SFs never read
        wide[f"extra_{j}"] = np.arange(n) * j if j % 3 else rows["author"]
    return {1: pd.DataFrame({"text": rows["text"]}), 5: rows, 50: wide}


def apply_width(smoke: bool) -> dict[str, Any]:
    """Row-wise SFs: ours against Snorkel and against the SF bodies, at widths 1, 5 and 50."""
    import spam_sfs
    from snorkel.slicing import PandasSFApplier as SnorkelApplier

    from snorkel_slice.slicing.apply import PandasSFApplier

    n, repeats = (2_000, 1) if smoke else (100_000, 5)
    by_width = frames(n)
    sn = spam_sfs.build_sfs("snorkel", spam_sfs.CHEAP)
    ours = spam_sfs.build_sfs("snorkel_slice", spam_sfs.CHEAP)
    texts = by_width[1]["text"].tolist()
    bodies = [(sf.f, sf.resources or {}) for sf in ours]

    def floor() -> np.ndarray:
        # The SF bodies in a plain loop over rows holding only `text` (built outside the clock).
        out = np.empty((len(rows), len(bodies)), np.int64)
        for j, (f, kwargs) in enumerate(bodies):
            out[:, j] = [f(x, **kwargs) for x in rows]
        return out

    rows = [types.SimpleNamespace(text=t) for t in texts]
    candidates: dict[str, Any] = {}
    for width, df in by_width.items():
        candidates[f"snorkel [{width} col]"] = lambda df=df: SnorkelApplier(sn).apply(df, progress_bar=False)
        candidates[f"ours [{width} col]"] = lambda df=df: PandasSFApplier(ours).apply(df, progress_bar=False)
    candidates["SF-body floor"] = floor
    times = alternate(candidates, repeats, warmups=1, check=_same_S({}, "snorkel [1 col]"))
    results = {name: summary(runs, n) for name, runs in times.items()}
    floor_s = results["SF-body floor"]["median_s"]
    for width in by_width:
        theirs = results[f"snorkel [{width} col]"]["median_s"]
        mine = results[f"ours [{width} col]"]
        mine["ratio"] = theirs / mine["median_s"]
        mine["facts"] = f"{mine['median_s'] / floor_s:.2f}x the SF bodies' time"
        results[f"snorkel [{width} col]"]["ratio"] = 1.0
    return {
        "title": f"Row-wise PandasSFApplier, 4 cheap SFs, {n:,} rows, frames of 1, 5 and 50 columns",
        "rows": n, "identical": True,
        "checks": ["S at every width: same recarray dtype and values as Snorkel's on 1 column",
                   "floor: the SF bodies' values equal S"],
        "results": results,
        "overhead_over_floor": {w: results[f"ours [{w} col]"]["median_s"] / floor_s for w in by_width},
        "target": "ours within 10% of the SF bodies at any width; ratio to Snorkel at 1, 5, 50",
        "notes": "Floor: each SF body looped over prebuilt SimpleNamespace rows holding only text, "
                 "the rows built outside the clock; frames rechunked (one pyarrow chunk a column).",
    }


def apply_vectorized(smoke: bool) -> dict[str, Any]:
    """The 4 cheap SFs, vectorized, against Snorkel's row-wise applier and the bodies alone."""
    import dask.dataframe as dd
    import spam_sfs
    from snorkel.slicing import PandasSFApplier as SnorkelApplier

    from snorkel_slice.datasets.spam_vectorized import make_vectorized_spam_sfs
    from snorkel_slice.slicing import DaskSFApplier, SlicingFunction
    from snorkel_slice.slicing.apply import PandasSFApplier

    n, repeats = (2_000, 1) if smoke else (100_000, 5)
    df = frames(n)[5]
    sn = spam_sfs.build_sfs("snorkel", spam_sfs.CHEAP)
    vec = make_vectorized_spam_sfs()
    mixed = [vec[0], *spam_sfs.build_sfs("snorkel_slice", spam_sfs.CHEAP)[1:3], vec[3]]
    ddf = dd.from_pandas(df, npartitions=4)

    def bodies() -> np.ndarray:
        return np.column_stack([np.asarray(sf.f(df), dtype=np.int64) for sf in vec])

    # The applier's own work, alone: SFs that hand back their answers computed beforehand.
    answers = [sf.f(df) for sf in vec]
    canned = [SlicingFunction(sf.name, lambda batch, a=a: a, vectorized=True)
              for sf, a in zip(vec, answers, strict=True)]

    candidates = {
        "snorkel (row-wise)": lambda: SnorkelApplier(sn).apply(df, progress_bar=False),
        "ours vectorized": lambda: PandasSFApplier(vec).apply(df, progress_bar=False),
        "vectorized bodies alone": bodies,
        "ours vectorized, as_dataframe": lambda: PandasSFApplier(vec).apply(
            df, progress_bar=False, as_dataframe=True).to_numpy().view(np.uint8).astype(np.int64),
        "applier alone (answers precomputed)": lambda: PandasSFApplier(canned).apply(
            df, progress_bar=False),
    }
    extra = {
        "ours vectorized n_jobs=2": lambda: PandasSFApplier(vec).apply(df, progress_bar=False, n_jobs=2),
        "ours 2 vectorized + 2 row-wise": lambda: PandasSFApplier(mixed).apply(df, progress_bar=False),
        "ours vectorized, Dask sync 4 partitions": lambda: DaskSFApplier(vec).apply(ddf, scheduler="sync"),
    }
    check = _same_S({}, "snorkel (row-wise)")
    times = alternate(candidates, repeats, warmups=1, check=check)
    times |= alternate(extra, max(1, repeats - 2), warmups=1, check=check)
    results = {name: summary(runs, n) for name, runs in times.items()}
    add_ratios(results, reference="snorkel (row-wise)")
    bodies_s = results["vectorized bodies alone"]["median_s"]
    overhead = results["ours vectorized"]["median_s"] / bodies_s
    own = results["applier alone (answers precomputed)"]["median_s"] / bodies_s
    require(overhead > 0, "no time measured")
    return {
        "title": f"Vectorized SFs: the 4 cheap SFs on {n:,} rows (5 columns, rechunked)",
        "rows": n, "identical": True,
        "checks": ["S of every vectorized run (pandas, n_jobs=2, mixed, Dask): same dtype and "
                   "values as Snorkel's row-wise S", "bodies alone: equal S"],
        "results": results,
        "applier_overhead": overhead,
        "applier_own_work_over_bodies": own,
        "target": ">= 100x Snorkel's row-wise applier; applier <= 10% over the bodies",
        "notes": "bodies alone: the four vectorized functions called directly on the frame and "
                 "stacked; n_jobs, mixed and Dask rows have fewer repeats.",
    }
