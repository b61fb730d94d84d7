"""Watch slices over time: per time window, each slice's share of rows and its score, with alerts.

In production the rows arrive in time windows (days, weeks), and labels arrive later, if at all.
``score_windows`` tracks two things per window and slice:

- the slice's **share** of the window's rows, with a Wilson interval. It needs no labels, so it
  is the first alarm: a slice that suddenly makes up more (or less) of the traffic means the data
  changed, before anyone knows whether the model suffers;
- the **metric** on the slice's labelled rows (golds of -1 are "no label yet"), with a Wilson
  interval, once labels arrive.

Each window is compared with a reference window (by default the first), or with a baseline of
several windows pooled: the share by Fisher's exact test on the 2 x 2 table (in the slice or not,
this window or the reference), the metric by
``compare_slices`` on the slice's rows of the two windows (Fisher's exact test and Newcombe's
interval of the change, its smallest detectable change too). An alert is raised only when the
change is significant after correcting for every slice x window tested: one family for the shares,
one for the metric, each corrected with ``adjust_p_values``. With many slices and windows, a few
uncorrected p-values below 0.05 are expected by chance alone, and windows of few rows can only
detect large changes (``min_detectable``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.analysis.compare import PROPORTIONS, compare_slices
from snorkel_slice.analysis.inputs import check_labels, check_lengths
from snorkel_slice.analysis.intervals import wilson_interval
from snorkel_slice.analysis.multitest import CORRECTIONS, adjust_p_values
from snorkel_slice.slicing.matrix import OVERALL, read_slice_matrix
from snorkel_slice.validation import check_choice, check_real

WINDOW_METRICS = tuple(PROPORTIONS)  # proportions: an exact test and an honest interval per window


def window_labels(times: Any, freq: str | None = None) -> pd.Series:
    """One window label per row: the values themselves, or datetimes cut into periods of ``freq``.

    Parameters
    ----------
    times
        One value per row: window labels (ints, strings, periods), or datetimes with ``freq``.
    freq
        A pandas period frequency such as ``"D"``, ``"W"`` or ``"M"``; None uses ``times`` as is.

    Returns
    -------
    pandas.Series
        The window of each row, with a plain 0..n-1 index.

    Examples
    --------
    >>> times = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"])
    >>> window_labels(times, freq="W").astype(str).tolist()
    ['2024-01-01/2024-01-07', '2024-01-01/2024-01-07', '2024-01-08/2024-01-14']
    """
    if isinstance(times, str) or np.ndim(times) != 1:
        raise TypeError(
            f"windows must hold one time or window label per row (a column, list or array); got "
            f"{type(times).__name__} {times!r:.60}."
        )
    w = pd.Series(np.asarray(times) if not isinstance(times, pd.Series | pd.Index) else times)
    w = w.reset_index(drop=True)
    if w.isna().any():
        raise ValueError(
            f"windows has a missing value at row {int(np.flatnonzero(w.isna())[0])}; give every "
            "row a time (or window label), or drop the rows without one."
        )
    if freq is None:
        return w
    if not pd.api.types.is_datetime64_any_dtype(w):
        raise TypeError(
            f"freq={freq!r} cuts datetimes into windows, but windows has dtype {w.dtype}; pass "
            "datetimes (e.g. pd.to_datetime(df['time'])), or window labels with freq=None."
        )
    try:
        return w.dt.tz_localize(None).dt.to_period(freq) if w.dt.tz else w.dt.to_period(freq)
    except ValueError as err:
        raise ValueError(f"freq={freq!r} is not a pandas period frequency such as 'D', 'W' or "
                         f"'M': {err}") from None


def score_windows(
    S: Any,
    windows: Any,
    golds: Any = None,
    preds: Any = None,
    *,
    freq: str | None = None,
    reference: Any = None,
    metric: str = "accuracy",
    correction: str | None = "holm",
    alpha: float = 0.05,
    ci: float = 0.95,
) -> pd.DataFrame:
    """One row per slice x window: share and metric with intervals, change against a reference, alerts.

    Parameters
    ----------
    S
        The slice matrix of all rows, as the appliers return it.
    windows
        One time (with ``freq``) or window label per row; windows are sorted by label.
    golds, preds
        Binary labels in {0, 1}, or None for shares only. A gold of -1 means "no label yet":
        the row counts in the share, not in the metric.
    freq
        Cut datetimes into periods, e.g. ``"W"``; None: ``windows`` are the labels.
    reference
        The window every other one is compared with, or a list of windows pooled into one
        baseline (e.g. the first month of weeks); None: the first window.
    metric
        One of ``WINDOW_METRICS``.
    correction
        ``"holm"``, ``"bh"``, ``"bonferroni"`` or None, over all slices x windows of a family.
    alpha
        An alert is ``p_adjusted < alpha``.
    ci
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns window, slice, n (the slice's rows in the window), window_n, share, share_low,
        share_high, share_delta, share_p, share_p_adjusted, share_alert, and with labels
        labelled (rows scored), ``<metric>``, its _low, _high, _delta, _delta_low, _delta_high,
        _p, _p_adjusted, _alert, and min_detectable (the smallest change the window could detect
        at 80% power). The ``overall`` rows have a metric, and a share of 1 that is never tested.

    Examples
    --------
    >>> S = pd.DataFrame({"new_users": [0] * 180 + [1] * 20 + [0] * 100 + [1] * 100})
    >>> week = [1] * 200 + [2] * 200
    >>> table = score_windows(S, week)
    >>> table.loc[table.slice == "new_users", ["window", "share", "share_alert"]]
       window  share  share_alert
    2       1    0.1        False
    3       2    0.5         True
    """
    names, M = read_slice_matrix(S)
    labels = window_labels(windows, freq)
    check_lengths(S=M, windows=labels.to_numpy())
    if (golds is None) != (preds is None):
        raise ValueError("pass both golds and preds to score the metric, or neither for shares only.")
    labelled = golds is not None
    if labelled:
        golds, preds = check_labels("golds", golds), check_labels("preds", preds)
        check_lengths(S=M, golds=golds, preds=preds)
    check_choice("metric", metric, WINDOW_METRICS)
    check_choice("correction", correction, CORRECTIONS)
    alpha = check_real("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    ci = check_real("ci", ci, low=0, high=1, low_open=True, high_open=True)
    try:
        order = sorted(pd.unique(labels))
    except TypeError:
        raise TypeError("windows mixes labels that cannot be sorted (e.g. numbers and strings); "
                        "use one type, e.g. windows.astype(str).") from None
    baseline = [order[0]] if reference is None else _as_list(reference)
    unknown = [w for w in baseline if w not in order]
    if unknown or not baseline:
        shown = [w.item() if hasattr(w, "item") else w for w in order[:10]]
        raise ValueError(f"reference={reference!r} is not a window (or a list of windows); the "
                         f"windows are {shown}{' ...' if len(order) > 10 else ''}.")
    member = np.column_stack([np.ones(len(labels), bool), M])  # overall first: (rows, 1 + slices)
    slices = [OVERALL, *names]
    at = {w: (labels == w).to_numpy() for w in order}
    in_ref = labels.isin(baseline).to_numpy()
    rows = []
    for j, name in enumerate(slices):
        k_ref, n_ref = int(member[in_ref, j].sum()), int(in_ref.sum())
        for w in order:
            k, n = int(member[at[w], j].sum()), int(at[w].sum())
            is_ref = w in baseline
            row = {"window": w, "slice": name, "n": k, "window_n": n, "share": k / n,
                   "share_delta": np.nan if is_ref else k / n - k_ref / n_ref,
                   "share_p": _fisher(k, n, k_ref, n_ref) if j > 0 and not is_ref else np.nan}
            if labelled:
                row.update(_metric_row(member[:, j], at[w], in_ref, is_ref, golds, preds,
                                       metric, alpha, ci))
            rows.append(row)
    table = pd.DataFrame(rows)
    low, high = wilson_interval(table["n"], table["window_n"], ci)
    table.insert(5, "share_low", low)
    table.insert(6, "share_high", high)
    table.insert(9, "share_p_adjusted", adjust_p_values(table["share_p"], correction))
    table.insert(10, "share_alert", table["share_p_adjusted"] < alpha)
    if labelled:
        at_p = table.columns.get_loc(f"{metric}_p") + 1
        table.insert(at_p, f"{metric}_p_adjusted", adjust_p_values(table[f"{metric}_p"], correction))
        table.insert(at_p + 1, f"{metric}_alert", table[f"{metric}_p_adjusted"] < alpha)
    return table


def _as_list(reference: Any) -> list:
    if isinstance(reference, list | tuple | set | np.ndarray | pd.Index | pd.Series):
        return list(reference)
    return [reference]


def _fisher(k: int, n: int, k_ref: int, n_ref: int) -> float:
    from scipy.stats import fisher_exact

    return float(fisher_exact([[k, n - k], [k_ref, n_ref - k_ref]]).pvalue)


def _metric_row(in_slice, in_window, in_ref, is_ref, golds, preds, metric, alpha, ci) -> dict:
    """The metric of one slice in one window, with its interval and its change against the reference."""
    top, bottom = PROPORTIONS[metric]
    here = in_slice & in_window & (golds != -1) & (preds != -1)
    g, p = golds[here], preds[here]
    cells = {"tp": (g == 1) & (p == 1), "fp": (g == 0) & (p == 1),
             "fn": (g == 1) & (p == 0), "tn": (g == 0) & (p == 0)}
    successes = int(sum(cells[c].sum() for c in top))
    trials = int(sum(cells[c].sum() for c in bottom))
    low, high = wilson_interval(successes, trials, ci)
    out = {"labelled": int(here.sum()), metric: successes / trials if trials else np.nan,
           f"{metric}_low": float(low), f"{metric}_high": float(high),
           f"{metric}_delta": np.nan, f"{metric}_delta_low": np.nan,
           f"{metric}_delta_high": np.nan, f"{metric}_p": np.nan, "min_detectable": np.nan}
    if is_ref:
        return out
    both = in_slice & (in_window | in_ref)  # the slice's rows of this window and the reference
    this = pd.DataFrame({"this_window": in_window[both]})
    # The window against the reference is the window "slice" against its complement.
    compared = compare_slices(this, golds[both], preds[both], metrics=[metric], correction=None,
                              alpha=alpha, ci=ci).iloc[0]
    out.update({f"{metric}_delta": compared["delta"], f"{metric}_delta_low": compared["delta_low"],
                f"{metric}_delta_high": compared["delta_high"], f"{metric}_p": compared["p_value"],
                "min_detectable": compared["min_detectable"]})
    return out
