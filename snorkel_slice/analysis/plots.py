"""Pictures of slices: their sizes and label balance, and their scores with intervals."""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.analysis.summary import slice_summary
from snorkel_slice.slicing.matrix import OVERALL


def plot_slice_summary(summary_or_S: Any, golds: Any = None, ax: Any = None) -> Any:
    """Horizontal bars of slice sizes, split by gold label when labels are known.

    Each bar is one slice, its length the number of rows, annotated with the count and coverage;
    with golds (or a summary that has ``label=`` columns) the bar is stacked by class, so label
    balance shows as colour. The ``overall`` row is left out of the bars (it would dwarf the
    slices) and given in the title instead.

    Parameters
    ----------
    summary_or_S
        A ``slice_summary`` table, or a slice matrix to summarise first.
    golds
        Gold labels for the rows of ``S``; only with a slice matrix (a summary has them already).
    ax
        Matplotlib Axes to draw on; None makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> S = pd.DataFrame({"short": [1, 1, 0, 0], "link": [0, 1, 1, 0]})
    >>> ax = plot_slice_summary(S, golds=[0, 1, 1, 0])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['short', 'link']
    """
    import matplotlib.pyplot as plt  # lazily: importing the package must not pick a backend

    _check_ax(ax)
    if isinstance(summary_or_S, pd.DataFrame) and "n" in summary_or_S.columns and not _is_summary(summary_or_S):
        raise ValueError(
            "plot_slice_summary draws slice sizes from a slice matrix S or a slice_summary table; "
            f"this looks like a table of scores (columns {list(summary_or_S.columns)}). For scores "
            "use plot_slice_scores(scores, metric=...)."
        )
    if _is_summary(summary_or_S):
        if golds is not None:
            raise ValueError(
                "golds are only used with a slice matrix; this is already a slice_summary table. "
                "Pass plot_slice_summary(S, golds=...) or slice_summary(S, golds) without golds."
            )
        table = summary_or_S
    else:
        table = slice_summary(summary_or_S, golds)
    overall = table.loc[OVERALL] if OVERALL in table.index else None
    table = table.drop(index=OVERALL, errors="ignore")
    label_columns = [c for c in table.columns if str(c).startswith("label=")]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))
    sizes = table["n"].to_numpy()
    if label_columns:
        left = np.zeros(len(table))
        for column in label_columns:
            widths = np.nan_to_num(table[column].to_numpy() * sizes)
            base = "" if overall is None else f" ({overall[column]:.0%} overall)"
            ax.barh(y, widths, left=left, label=f"{column}{base}")
            left += widths
        ax.legend(loc="best", fontsize="small")
    else:
        ax.barh(y, sizes, color="tab:blue")
    for yi, size, coverage in zip(y, sizes, table["coverage"].to_numpy(), strict=True):
        ax.annotate(
            f" {size} ({coverage:.1%})", (size, yi), va="center", ha="left", fontsize="small"
        )
    ax.set_yticks(y, [str(name) for name in table.index])
    ax.invert_yaxis()  # first slice on top, as in the table
    ax.set_xlim(0, max(sizes.max(initial=0), 1) * 1.25)  # room for the annotations
    ax.set_xlabel("rows in slice")
    total = "" if overall is None else f" (of {int(overall['n'])} rows)"
    ax.set_title(f"Slice sizes{total}")
    return ax


def plot_slice_scores(scores: pd.DataFrame | Mapping, metric: str = "f1", ax: Any = None) -> Any:
    """Plot each slice's score with its interval and size, against the overall score.

    Parameters
    ----------
    scores
        What :meth:`Scorer.score_slices` returns (DataFrame or dict). Intervals are
        drawn when ``<metric>_low`` and ``<metric>_high`` exist, sizes when ``n`` does.
    metric
        The column to plot.
    ax
        Matplotlib Axes to draw on; None makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One row per slice, labelled with its size, and a dashed line at the overall score
        (over a grey band for its interval). NaN scores and bounds are left out.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> scores = pd.DataFrame({"f1": [0.9, 0.6], "f1_low": [0.85, 0.4], "f1_high": [0.94, 0.8],
    ...                        "n": [250, 22]}, index=["overall", "short_comment"])
    >>> ax = plot_slice_scores(scores, metric="f1")
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['short_comment (n=22)']
    """
    import matplotlib.pyplot as plt  # lazy: importing snorkel_slice stays fast

    if isinstance(scores, Mapping):
        scores = pd.DataFrame.from_dict(scores, orient="index")
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(
            f"scores must be the DataFrame or dict from Scorer.score_slices; got {type(scores).__name__}"
        )
    if metric not in scores.columns:
        raise ValueError(
            f"metric {metric!r} is not in scores, whose columns are {list(scores.columns)}; score it first, e.g. Scorer(metrics=[{metric!r}])"
        )
    _check_ax(ax)
    for column in [metric, f"{metric}_low", f"{metric}_high", "n"]:
        if column in scores.columns and not pd.api.types.is_numeric_dtype(scores[column]):
            raise TypeError(
                f"scores[{column!r}] must hold numbers; got dtype {scores[column].dtype}. Pass the "
                "table from Scorer.score_slices(..., as_dataframe=True)."
            )
    if "n" in scores.columns and scores["n"].isna().any():
        raise ValueError("scores['n'] has missing sizes; pass the table Scorer.score_slices returns.")
    slices = scores.drop(index="overall", errors="ignore")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 1.5 + 0.35 * len(slices)))
    y = np.arange(len(slices))[::-1]  # first slice on top
    sizes = [f" (n={int(size)})" for size in slices["n"]] if "n" in scores else [""] * len(slices)
    ax.set_yticks(y, [f"{name}{size}" for name, size in zip(slices.index, sizes, strict=True)])
    if {f"{metric}_low", f"{metric}_high"} <= set(scores.columns):
        ax.hlines(
            y, slices[f"{metric}_low"], slices[f"{metric}_high"], color="C0", label="interval"
        )
    ax.plot(slices[metric], y, "o", color="C0", label=metric)
    if "overall" in scores.index:
        overall = scores.loc["overall"]
        size = f", n={int(overall['n'])}" if "n" in scores else ""
        if {f"{metric}_low", f"{metric}_high"} <= set(scores.columns):
            ax.axvspan(
                overall[f"{metric}_low"], overall[f"{metric}_high"], color="gray", alpha=0.15
            )
        ax.axvline(
            overall[metric],
            color="gray",
            linestyle="--",
            label=f"overall ({overall[metric]:.3f}{size})",
        )
    ax.set(xlabel=metric, title=f"{metric} per slice")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_slices_over_time(table: pd.DataFrame, slices: Any = None, metric: str | None = None,
                          axes: Any = None) -> Any:
    """Each slice's share (and metric) per window with interval bands; alerts marked with a cross.

    The reference window(s) are shaded grey.

    Parameters
    ----------
    table
        What :func:`score_windows` returns.
    slices
        The slices to draw, in order; None draws every slice (the ``overall`` metric too).
    metric
        The metric panel to draw; None: the table's metric if it has one, else shares only.
    axes
        One Axes (shares only) or two (shares, metric); None makes a new figure.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The share panel, then the metric panel when there is one.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from snorkel_slice.analysis.windows import score_windows
    >>> S = pd.DataFrame({"new_users": [0] * 180 + [1] * 20 + [0] * 100 + [1] * 100})
    >>> axes = plot_slices_over_time(score_windows(S, [1] * 200 + [2] * 200))
    >>> axes[0].get_title(), len(axes)
    ('Share of rows per window', 1)
    """
    import matplotlib.pyplot as plt

    need = {"window", "slice", "share", "share_low", "share_high", "share_alert"}
    if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise TypeError(f"table must be what score_windows returns (columns {sorted(need)}, ...); got {got}.")
    if metric is None:
        metric = next((m for m in ("accuracy", "recall", "precision", "fpr") if m in table.columns), None)
    elif metric not in table.columns:
        raise ValueError(f"metric {metric!r} is not in the table; score_windows(..., metric={metric!r}) "
                         "with golds and preds first.")
    known = list(pd.unique(table["slice"]))
    slices = known if slices is None else list(slices)
    missing = [s for s in slices if s not in known]
    if missing:
        raise ValueError(f"slices {missing} are not in the table; its slices are {known}.")
    n_panels = 1 if metric is None else 2
    if axes is None:
        _, axes = plt.subplots(1, n_panels, figsize=(5.5 * n_panels, 3.6), squeeze=False)
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if len(axes) != n_panels:
        raise ValueError(f"axes must hold {n_panels} Axes (shares{', metric' if n_panels == 2 else ''}); "
                         f"got {len(axes)}.")
    for ax in axes:
        _check_ax(ax if ax is not None else "None")
    windows = list(pd.unique(table["window"]))
    x = {w: i for i, w in enumerate(windows)}
    # The reference windows are the ones never tested (grey bands).
    tested = table[table["slice"] != OVERALL].groupby("window", sort=False)["share_p"].count()
    reference = [w for w in windows if tested.get(w, 0) == 0]
    panels = [("share", axes[0], "Share of rows per window")]
    if metric is not None:
        panels.append((metric, axes[1], f"{metric} per window (labelled rows)"))
    for column, ax, title in panels:
        for i, name in enumerate(slices):
            if column == "share" and name == OVERALL:
                continue  # always 1
            rows = table[table["slice"] == name]
            xs = rows["window"].map(x).to_numpy()
            color = f"C{i}"
            ax.plot(xs, rows[column], "o-", color=color, label=name, markersize=4)
            ax.fill_between(xs, rows[f"{column}_low"], rows[f"{column}_high"], color=color, alpha=0.15)
            alert = rows[f"{column}_alert"].to_numpy(bool)
            ax.plot(xs[alert], rows[column].to_numpy()[alert], "x", color="red", markersize=11,
                    markeredgewidth=2.5, label="alert" if i == len(slices) - 1 else None)
        for w in reference:
            ax.axvspan(x[w] - 0.4, x[w] + 0.4, color="gray", alpha=0.12, lw=0)
        ax.set_xticks(range(len(windows)), [str(w) for w in windows], rotation=45, ha="right",
                      fontsize="small")
        ax.set(xlabel="window", ylabel=column, title=title)
        handles, names = ax.get_legend_handles_labels()
        if "alert" not in names:
            handles.append(plt.Line2D([], [], marker="x", color="red", linestyle="", markeredgewidth=2.5))
            names.append("alert")
        ax.legend(handles, names, loc="best", fontsize="small")
    return axes


def _is_summary(x: Any) -> bool:
    return isinstance(x, pd.DataFrame) and {"n", "coverage", "overlap"} <= set(x.columns)


def _check_ax(ax: Any) -> None:
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()) or None for a new figure; "
            f"got {type(ax).__name__} {ax!r}."
        )
