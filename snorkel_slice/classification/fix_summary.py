"""The table and the picture a learner needs from ``compare_fixes``' tidy frame.

Per method: overall and worst-slice score as mean and spread (standard deviation) over seeds;
the gain over a baseline method, paired by seed, with a t interval over the seeds' differences;
the parameter count and training time; and the settings that won.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.validation import check_real


def per_seed(frame: pd.DataFrame, metric: str = "accuracy") -> pd.DataFrame:
    """One row per method and seed: the overall score and the worst slice's score and name.

    Examples
    --------
    >>> frame = pd.DataFrame({"method": "erm", "seed": 0, "slice": ["overall", "a", "b"],
    ...                       "metric": "accuracy", "score": [0.9, 0.5, 0.7], "n": [10, 4, 6],
    ...                       "setting": "l2=0", "epoch": 3})
    >>> per_seed(frame)[["overall", "worst", "worst_slice"]].to_dict("records")
    [{'overall': 0.9, 'worst': 0.5, 'worst_slice': 'a'}]
    """
    missing = {"method", "seed", "slice", "metric", "score"} - set(frame.columns)
    if missing:
        raise ValueError(f"frame lacks column(s) {sorted(missing)}; pass what compare_fixes returns.")
    rows = frame[frame["metric"] == metric]
    if rows.empty:
        raise ValueError(f"frame has no {metric!r} scores; its metrics are {sorted(frame['metric'].unique())}.")
    out = []
    for (method, seed), g in rows.groupby(["method", "seed"], sort=False):
        slices = g[(g["slice"] != "overall") & g["score"].notna()]
        worst = slices.loc[slices["score"].idxmin()] if len(slices) else None
        out.append({"method": method, "seed": seed,
                    "overall": float(g.loc[g["slice"] == "overall", "score"].iloc[0]),
                    "worst": np.nan if worst is None else float(worst["score"]),
                    "worst_slice": None if worst is None else worst["slice"],
                    "setting": g["setting"].iloc[0] if "setting" in g else None})
    return pd.DataFrame(out)


def _interval(diffs: np.ndarray, ci: float) -> tuple[float, float]:
    from scipy import stats

    if len(diffs) < 2:
        return np.nan, np.nan
    half = stats.t.ppf(0.5 + ci / 2, len(diffs) - 1) * diffs.std(ddof=1) / np.sqrt(len(diffs))
    return float(diffs.mean() - half), float(diffs.mean() + half)


def summarize_fixes(frame: pd.DataFrame, metric: str = "accuracy", baseline: str = "erm", ci: float = 0.95) -> pd.DataFrame:
    """Per method: overall and worst-slice score (mean, spread), paired gain over ``baseline``, cost.

    Parameters
    ----------
    frame
        What ``compare_fixes`` returns (its ``attrs["cost"]`` adds parameters and seconds).
    metric
        The metric to summarise.
    baseline
        The method the gains are measured from, seed by seed; None leaves the gains out.
    ci
        Level of the t interval over the seeds' paired differences.

    Returns
    -------
    pandas.DataFrame
        Indexed by method, in the frame's order: overall, overall_spread, worst, worst_spread,
        worst_gain, worst_gain_low, worst_gain_high, overall_gain (and its interval),
        n_parameters, seconds (means over seeds), and settings (each winner with its count).

    Examples
    --------
    >>> frame = pd.DataFrame({"method": ["erm"] * 4 + ["fix"] * 4, "seed": [0, 0, 1, 1] * 2,
    ...                       "slice": ["overall", "a"] * 4, "metric": "accuracy",
    ...                       "score": [.9, .5, .9, .6, .9, .7, .8, .7], "setting": "-"})
    >>> summarize_fixes(frame).loc["fix", ["worst", "worst_gain"]].round(2).tolist()
    [0.7, 0.15]
    """
    ci = check_real("ci", ci, low=0, high=1, low_open=True, high_open=True)
    seeds = per_seed(frame, metric)
    methods = list(dict.fromkeys(seeds["method"]))
    if baseline is not None and baseline not in methods:
        raise ValueError(f"baseline {baseline!r} is not among the methods {methods}; run it too or pass baseline=None.")
    cost = frame.attrs.get("cost")
    rows = {}
    for method in methods:
        mine = seeds[seeds["method"] == method].set_index("seed")
        row: dict[str, Any] = {}
        for col in ("overall", "worst"):
            row[col], row[f"{col}_spread"] = mine[col].mean(), mine[col].std(ddof=1)
        if baseline is not None:
            base = seeds[seeds["method"] == baseline].set_index("seed")
            shared = mine.index.intersection(base.index)
            for col in ("worst", "overall"):
                diffs = (mine.loc[shared, col] - base.loc[shared, col]).to_numpy()
                low, high = _interval(diffs, ci)
                row[f"{col}_gain"], row[f"{col}_gain_low"], row[f"{col}_gain_high"] = diffs.mean(), low, high
        if cost is not None:
            c = cost[cost["method"] == method]
            row["n_parameters"], row["seconds"] = int(c["n_parameters"].max()), float(c["seconds"].mean())
        counts = mine["setting"].value_counts()
        row["settings"] = ", ".join(f"{s} ({k}/{len(mine)})" for s, k in counts.items())
        rows[method] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("method")


def plot_fixes(summary: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Worst-slice (filled) and overall (hollow) score per method, mean ± spread over seeds.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> summary = pd.DataFrame({"overall": [.9], "overall_spread": [.01], "worst": [.5],
    ...                         "worst_spread": [.1]}, index=pd.Index(["erm"], name="method"))
    >>> plot_fixes(summary).get_xlabel()
    'score, mean ± spread over seeds'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 + 0.4 * len(summary)))
    y = np.arange(len(summary))[::-1]
    ax.errorbar(summary["worst"], y + 0.12, xerr=summary["worst_spread"].fillna(0), fmt="o", capsize=3,
                color="tab:red", label="worst slice")
    ax.errorbar(summary["overall"], y - 0.12, xerr=summary["overall_spread"].fillna(0), fmt="o", mfc="white",
                capsize=3, color="tab:blue", label="overall")
    ax.set_yticks(y, summary.index)
    ax.set(xlabel="score, mean ± spread over seeds", title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    return ax
