"""Slice summary: how big each slice is, how much slices overlap, and their label balance.

Snorkel never reports slice sizes, yet a score on 3 rows says little. These functions take the
slice matrix ``S`` as data (a recarray from an applier, or a DataFrame of 0/1 columns), so they work
with ``S`` from Snorkel as well as from ``snorkel_slice``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

OVERALL = "overall"


def slice_summary(S: Any, golds: Any = None) -> pd.DataFrame:
    """One row per slice (plus a first ``overall`` row): size, coverage, overlap, label balance.

    Parameters
    ----------
    S
        Slice matrix: a recarray/structured array with one 0/1 field per slice, or a DataFrame of
        0/1 (or bool) columns.
    golds
        Optional gold labels, one per row of ``S``; any number of classes, any label type.

    Returns
    -------
    pd.DataFrame
        Indexed by slice name, ``overall`` first, with columns ``n`` (rows in the slice),
        ``coverage`` (n / rows of S), ``overlap`` (fraction of the slice's rows that are also in at
        least one other slice; NaN for ``overall``) and, with golds, one ``label=<c>`` column per
        class: the fraction of the slice's rows with gold label c. An empty slice gets ``n=0`` and
        NaN fractions.

    Examples
    --------
    >>> S = pd.DataFrame({"short": [1, 1, 0, 0], "link": [0, 1, 1, 0]})
    >>> slice_summary(S, golds=[0, 1, 1, 0])
             n  coverage  overlap  label=0  label=1
    overall  4       1.0      NaN      0.5      0.5
    short    2       0.5      0.5      0.5      0.5
    link     2       0.5      0.5      0.0      1.0
    """
    names, M = _membership(S)  # M: (n_rows, n_slices) bool
    n_rows = M.shape[0]
    n = M.sum(axis=0)
    in_another = M & (M.sum(axis=1, keepdims=True) >= 2)
    table = pd.DataFrame(
        {
            "n": np.concatenate([[n_rows], n]).astype(np.int64),
            "coverage": _ratio(np.concatenate([[n_rows], n]), n_rows),
            "overlap": np.concatenate([[np.nan], _ratio(in_another.sum(axis=0), n)]),
        },
        index=pd.Index([OVERALL, *names]),
    )
    if golds is not None:
        golds = _check_golds(golds, n_rows)
        classes = np.unique(golds)
        onehot = golds[:, None] == classes[None, :]  # (n_rows, n_classes)
        counts = M.T.astype(np.int64) @ onehot.astype(np.int64)  # (n_slices, n_classes)
        counts = np.vstack([onehot.sum(axis=0), counts])
        sizes = np.concatenate([[n_rows], n])
        for j, c in enumerate(classes):
            table[f"label={c}"] = _ratio(counts[:, j], sizes)
    return table


def slice_overlap(S: Any, normalize: bool = True) -> pd.DataFrame:
    """Pairwise overlap: entry (a, b) is the fraction (or count) of slice a's rows also in slice b.

    Parameters
    ----------
    S
        Slice matrix, as for ``slice_summary``.
    normalize
        True: divide each row by the size of slice a (NaN for an empty slice); the diagonal is 1.
        False: raw counts of rows in both slices; the diagonal is each slice's size.

    Returns
    -------
    pd.DataFrame
        Square, slice names as index and columns.

    Examples
    --------
    >>> S = pd.DataFrame({"short": [1, 1, 0, 0], "link": [0, 1, 1, 1]})
    >>> slice_overlap(S).round(2)
           short  link
    short   1.00   0.5
    link    0.33   1.0
    >>> slice_overlap(S, normalize=False)
           short  link
    short      2     1
    link       1     3
    """
    names, M = _membership(S)
    both = M.T.astype(np.int64) @ M.astype(np.int64)  # (n_slices, n_slices) co-membership counts
    if normalize:
        both = _ratio(both, np.diag(both)[:, None])
    return pd.DataFrame(both, index=names, columns=names)


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


def _membership(S: Any) -> tuple[list[str], np.ndarray]:
    # Returns slice names and the (n_rows, n_slices) bool membership matrix, after validation.
    if isinstance(S, pd.DataFrame):
        names = [str(c) for c in S.columns]
        columns = [S.iloc[:, j].to_numpy() for j in range(S.shape[1])]
    elif isinstance(S, np.ndarray) and S.dtype.names is not None:
        names = list(S.dtype.names)
        columns = [np.asarray(S[name]) for name in names]
    else:
        shape = getattr(S, "shape", None)
        raise TypeError(
            "S must be a recarray with one field per slice (from an SF applier) or a DataFrame of "
            f"0/1 columns; got {type(S).__qualname__} with shape {shape}. For a plain 2-D array, "
            "use pd.DataFrame(S, columns=slice_names)."
        )
    if not names:
        raise ValueError("S has no slice columns; apply at least one SF first.")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"S has duplicated slice names {duplicates}; rename them first.")
    if OVERALL in names:
        raise ValueError(
            f"S has a slice named {OVERALL!r}, which is the summary's whole-data row; rename it."
        )
    for name, column in zip(names, columns, strict=True):
        if column.ndim != 1:
            raise ValueError(f"S column {name!r} is not 1-D (shape {column.shape}).")
        bad = ~np.isin(column, [0, 1])
        if bad.any():
            raise ValueError(
                f"S column {name!r} must hold only 0/1 (or bool), found {np.unique(column[bad])[:5]}"
                f" at rows {np.flatnonzero(bad)[:5].tolist()}. Snorkel's fault-tolerant applier "
                "writes -1 for a failed SF; decide what a fault means, e.g. S[name] == 1."
            )
    M = (
        np.column_stack([c.astype(bool) for c in columns])
        if columns[0].size
        else np.zeros((0, len(names)), dtype=bool)
    )
    return names, M


def _check_golds(golds: Any, n_rows: int) -> np.ndarray:
    array = golds.to_numpy() if isinstance(golds, pd.Series) else np.asarray(golds)
    if array.ndim != 1:
        raise ValueError(
            f"golds must be 1-D, one label per row; got shape {array.shape}. For probabilities, "
            "pass probs.argmax(axis=1)."
        )
    if len(array) != n_rows:
        raise ValueError(
            f"Found inconsistent numbers of rows: S has {n_rows}, golds has {len(array)}. "
            "Pass the golds of the same rows, in the same order."
        )
    missing = pd.isna(array)
    if missing.any():
        raise ValueError(
            f"golds has missing labels (NaN/None) at rows {np.flatnonzero(missing)[:5].tolist()}; "
            "drop those rows from both S and golds, or give them a label."
        )
    return array


def _ratio(numerator: np.ndarray, denominator: Any) -> np.ndarray:
    # x / 0 is NaN here (an empty slice has no coverage or balance), without a RuntimeWarning.
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.broadcast_to(np.asarray(denominator, dtype=float), numerator.shape)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _is_summary(x: Any) -> bool:
    return isinstance(x, pd.DataFrame) and {"n", "coverage", "overlap"} <= set(x.columns)
