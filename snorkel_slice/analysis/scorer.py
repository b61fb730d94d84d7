"""Scorer: Snorkel-compatible per-slice scores, plus slice sizes, intervals and warnings.

``Scorer(metrics, custom_metric_funcs, abstain_label).score_slices(S, golds, preds, probs)``
takes Snorkel 0.10.0's arguments and returns its values. Beyond Snorkel, every row
carries the slice size ``n``; empty slices and undefined scores give NaN with an
:class:`UndefinedScoreWarning` instead of a crash; slices below ``min_support`` rows
give a :class:`SmallSliceWarning`; ``ci=0.95`` adds ``<metric>_low`` and
``<metric>_high`` bounds; multi-class labels work. All slices are scored at once from
confusion counts (``metrics.py``) rather than with one sklearn call per slice.
"""

import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.analysis.auc import slice_roc_auc
from snorkel_slice.analysis.custom import custom_scores
from snorkel_slice.analysis.inputs import (
    as_probs,
    check_binary_preds,
    check_labels,
    check_lengths,
    check_probs,
    encode_labels,
    slice_cell_counts,
)
from snorkel_slice.analysis.intervals import bootstrap_counts, percentile_interval, wilson_interval
from snorkel_slice.analysis.metrics import (
    METRICS,
    PROBS_METRICS,
    confusion_stats,
    count_metric,
    proportion,
)
from snorkel_slice.analysis.notices import (
    SmallSliceWarning,
    undefined_scores,
    warn_undefined,
)
from snorkel_slice.slicing.matrix import OVERALL, read_slice_matrix
from snorkel_slice.validation import check_bool, check_choice, check_int, check_real

CI_METHODS = ("bootstrap", "plain_bootstrap", "analytic")
_NO_SLICES = object()  # what score() passes as S: the overall row only


class Scorer:
    """Score predictions overall and per slice, like ``snorkel.analysis.Scorer``.

    Parameters
    ----------
    metrics
        Names from ``snorkel_slice.metrics.METRICS``. None scores no metric (as in
        Snorkel), leaving only the size ``n``.
    custom_metric_funcs
        ``{name: f}`` with ``f(golds, preds, probs)`` returning a float or a dict of
        named floats. It gets the slice's rows unfiltered (abstains included) and
        is not called on empty slices. A name from ``metrics`` is replaced.
    abstain_label
        Label meaning "no label": rows whose gold or pred equals it are dropped
        from every metric except ``coverage``, the share of rows whose pred is not
        ``abstain_label``. None keeps every row and label (coverage is then 1).
    beta
        Weight of recall in ``fbeta`` (Snorkel's ``fbeta`` fails for want of it).
    min_support
        ``score_slices`` warns about slices with fewer rows. Below about 30 rows the
        95% interval of a proportion is wider than +-0.15: too wide to rank slices.
        0 turns the warning off.

    Notes
    -----
    Labels are binary when they lie in {0, 1}: precision, recall, f1 and fbeta
    then score class 1, as in Snorkel. With other labels they are macro averages
    over the classes present in the slice, where Snorkel raises (f1 then equals
    f1_macro). ``roc_auc`` needs golds in {0, 1} and probs of shape (n, 2).
    Division by zero gives 0.0, as in scikit-learn.

    Examples
    --------
    >>> scorer = Scorer(metrics=["accuracy", "f1"])
    >>> scorer.score(golds=[1, 0, 1, -1], preds=[1, 0, 0, 1])
    {'accuracy': 0.6666666666666666, 'f1': 0.6666666666666666, 'n': 4}
    """

    def __init__(
        self,
        metrics: Sequence[str] | None = None,
        custom_metric_funcs: Mapping[str, Callable[..., Any]] | None = None,
        abstain_label: int | None = -1,
        *,
        beta: float = 1.0,
        min_support: int = 30,
    ) -> None:
        if isinstance(metrics, str):
            raise TypeError(
                f"metrics must be a list of names, got the string {metrics!r}; pass metrics=[{metrics!r}]"
            )
        for name in metrics or []:
            if name not in METRICS:
                raise ValueError(
                    f"Unrecognized metric: {name!r}. Choose from {', '.join(METRICS)}, or pass a function in custom_metric_funcs"
                )
        if custom_metric_funcs is not None and not isinstance(custom_metric_funcs, Mapping):
            raise TypeError(
                f"custom_metric_funcs must be a dict {{name: f(golds, preds, probs)}}; got {type(custom_metric_funcs).__name__}"
            )
        if "n" in (custom_metric_funcs or {}):
            raise ValueError(
                "custom_metric_funcs cannot use the name 'n', the slice-size column; rename that metric"
            )
        for name, func in (custom_metric_funcs or {}).items():
            if not callable(func):
                raise TypeError(
                    f"custom_metric_funcs[{name!r}] must be callable as f(golds, preds, probs); got {type(func).__name__}"
                )
            try:
                inspect.signature(func).bind(None, None, None)
            except TypeError as err:
                raise TypeError(
                    f"custom_metric_funcs[{name!r}] must take three arguments, f(golds, preds, probs) "
                    f"({err}); add the ones it ignores, e.g. def {name}(golds, preds, probs=None)."
                ) from None
            except ValueError:  # some builtins have no signature: they fail at call time
                pass
        if abstain_label is not None and not isinstance(abstain_label, Integral):
            raise TypeError(f"abstain_label must be an int or None; got {abstain_label!r}")
        check_real("beta", beta, low=0)
        check_int("min_support", min_support, low=0, hint="0 turns the small-slice warning off.")
        self.metrics = metrics
        self.custom_metric_funcs = custom_metric_funcs
        self.abstain_label = abstain_label
        self.beta = beta
        self.min_support = min_support

    def score(self, golds: Any, preds: Any = None, probs: Any = None) -> dict[str, float]:
        """Score all rows: ``{metric: value, ..., "n": n_rows}``.

        Parameters
        ----------
        golds
            Gold labels, integers, shape (n,) or (n, 1).
        preds
            Predicted labels like ``golds``; every metric but roc_auc needs them.
        probs
            Class probabilities, shape (n, n_classes); roc_auc needs them.

        Returns
        -------
        dict
            Metric values (NaN where undefined, e.g. with no rows) and the row count ``n``.

        Examples
        --------
        >>> Scorer(["roc_auc"]).score([0, 1, 1], probs=[[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        {'roc_auc': 1.0, 'n': 3}
        """
        table, problems = self._table(_NO_SLICES, golds, preds, probs, None, None, 1)
        warn_undefined(problems)
        return _row_dict(table.iloc[0])

    def score_slices(
        self,
        S: Any,
        golds: Any,
        preds: Any,
        probs: Any = None,
        as_dataframe: bool = False,
        *,
        ci: float | None = None,
        ci_method: str = "bootstrap",
        n_bootstrap: int = 1000,
        random_state: int | np.random.Generator | None = 0,
        slice_names: Sequence[str] | None = None,
    ) -> dict[str, dict[str, float]] | pd.DataFrame:
        """Score all rows (``"overall"``) and then each slice of ``S``, in ``S``'s order.

        Parameters
        ----------
        S
            Slice membership: a record/structured array with one 0/1 field per slice
            (what the appliers return), a DataFrame of 0/1 (or bool, or sparse) columns,
            or a plain matrix (numpy or scipy.sparse) with ``slice_names``. A DataFrame of
            bools from ``apply(df, as_dataframe=True)`` is read without a copy.
        golds, preds, probs
            As in :meth:`score`, one entry per row of ``S``.
        as_dataframe
            Return a DataFrame indexed by overall, then the slices, instead of a dict.
        ci
            Confidence level such as 0.95 to add ``<metric>_low`` and ``<metric>_high``
            after each metric's column; None adds no interval.
        ci_method
            ``"bootstrap"``: percentile interval over ``n_bootstrap`` replicates of each
            slice's confusion counts, drawn by the Bayesian bootstrap with a weak prior
            (one row's weight spread over the cells; see ``intervals.bootstrap_counts``).
            It stays honest where every row is right or wrong: for binary accuracy it is
            the Jeffreys interval. roc_auc and custom metrics resample rows.
            ``"plain_bootstrap"``: the ordinary row bootstrap, which collapses to zero
            width on such slices. Replicates where a metric is undefined are skipped.
            ``"analytic"``: Wilson for proportions (accuracy, f1_micro, coverage,
            binary precision and recall), DeLong for roc_auc, and NaN for f1, fbeta,
            f1_macro, matthews_corrcoef, macro averages and custom metrics, which
            have no closed form.
        n_bootstrap
            Resamples per slice.
        random_state
            Seed or Generator for the bootstrap; a fixed seed gives the same bounds.
        slice_names
            Names of the columns when ``S`` is a plain matrix.

        Returns
        -------
        dict or DataFrame
            ``{row: {metric: value, [metric_low, metric_high,] ..., "n": size}}``, or a
            DataFrame with the same columns: the metrics in the order given (custom ones
            last, as in Snorkel), each followed by its bounds when ``ci`` is set, then
            ``n``, the slice's row count (abstains included).

        Notes
        -----
        Count metrics are bootstrapped by drawing confusion counts, in milliseconds
        whatever the slice size. roc_auc must resample rows: some 2-3 s per 100,000
        rows of slice for 1,000 resamples, so on large data prefer
        ``ci_method="analytic"`` (DeLong). Custom metrics are called once per resample.

        Examples
        --------
        >>> S = pd.DataFrame({"short": [1, 1, 0, 0, 0], "empty": [0, 0, 0, 0, 0]})
        >>> scorer = Scorer(["accuracy"], min_support=0)
        >>> with warnings.catch_warnings(record=True):  # 'empty' has no rows
        ...     scorer.score_slices(S, [1, 0, 1, 1, 0], [1, 1, 1, 1, 0], as_dataframe=True)
                 accuracy  n
        overall       0.8  5
        short         0.5  2
        empty         NaN  0
        """
        if ci is not None:
            check_real("ci", ci, low=0, high=1, low_open=True, high_open=True,
                       hint="Use a confidence level such as 0.95, or None for no interval.")
        check_choice("ci_method", ci_method, CI_METHODS)
        check_int("n_bootstrap", n_bootstrap, low=1)
        check_bool("as_dataframe", as_dataframe)
        try:
            rng = np.random.default_rng(random_state)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"random_state must be a non-negative int, a numpy Generator or None; got "
                f"{random_state!r} ({type(random_state).__name__}). E.g. random_state=0."
            ) from err
        # None: no interval; "analytic"; or the bootstrap's random generator.
        method = None if ci is None else "analytic" if ci_method == "analytic" else rng
        table, problems = self._table(S, golds, preds, probs, ci, method, n_bootstrap,
                                      smoothed=ci_method == "bootstrap", slice_names=slice_names)
        warn_undefined(problems)
        small = table.index[table["n"] < self.min_support]
        if len(small):
            listed = ", ".join(f"{row!r} (n={table.at[row, 'n']})" for row in small)
            warnings.warn(
                f"{len(small)} slice(s) have fewer than min_support={self.min_support} rows, so their "
                f"scores are noisy: {listed}. Read them with intervals (ci=0.95), or lower min_support.",
                SmallSliceWarning,
                stacklevel=2,
            )
        return (
            table if as_dataframe else {row: _row_dict(values) for row, values in table.iterrows()}
        )

    def _table(
        self, S, golds, preds, probs, ci, method, n_bootstrap, smoothed=True, slice_names=None
    ) -> tuple[pd.DataFrame, list[str]]:
        # Rows: overall, then slices. Columns: each metric [, its bounds], then n.
        funcs = {name: name for name in self.metrics or []} | dict(self.custom_metric_funcs or {})
        builtin = [name for name, f in funcs.items() if isinstance(f, str)]
        custom = {name: f for name, f in funcs.items() if not isinstance(f, str)}
        golds = check_labels("golds", golds)
        names, M = ([], None) if S is _NO_SLICES else read_slice_matrix(S, slice_names)
        preds = None if preds is None else check_labels("preds", preds)
        probs = as_probs(probs)
        check_lengths(S=M, golds=golds, preds=preds, probs=probs)
        if M is None:
            M = np.zeros((len(golds), 0), bool)
        from_preds = [m for m in builtin if m not in PROBS_METRICS]
        if from_preds and preds is None:
            raise ValueError(
                f"metrics {from_preds} need preds, but preds is None; pass predicted labels, e.g. probs.argmax(axis=1)"
            )
        cell, cells, scored = encode_labels(golds, preds, self.abstain_label)
        check_binary_preds(golds[scored], None if preds is None else preds[scored], builtin)
        if "roc_auc" in builtin:
            check_probs(probs, golds[scored])
        overall = np.bincount(cell, minlength=len(cells.gold))
        by_slice, compact = slice_cell_counts(
            M, cell, len(cells.gold), keep="roc_auc" in builtin
        )
        counts = np.vstack([overall, by_slice])  # (overall + slices, cells)
        stats = confusion_stats(counts, cells)
        values = {m: count_metric(m, stats, cells.binary, self.beta) for m in from_preds}
        bounds, keys = {}, {name: [name] for name in builtin}
        if method == "analytic":
            for m in from_preds:
                pair = proportion(m, stats, cells.binary)
                bounds[m] = wilson_interval(*pair, ci) if pair is not None else (np.nan, np.nan)
        elif method is not None and from_preds:
            samples = bootstrap_counts(counts, from_preds, cells, self.beta, method, n_bootstrap,
                                       smoothed=smoothed)
            bounds |= {m: percentile_interval(samples[m], ci) for m in from_preds}
        if "roc_auc" in builtin:
            auc_args = (probs[:, 1], golds, scored, stats.n, ci, method, n_bootstrap)
            values["roc_auc"], bounds["roc_auc"] = slice_roc_auc(compact, *auc_args)
        undefined: list = []
        if custom:
            more, more_bounds, more_keys, undefined = custom_scores(
                custom, M, golds, preds, probs, stats.n, ci, method, n_bootstrap, [OVERALL, *names]
            )
            values, bounds, keys = values | more, bounds | more_bounds, keys | more_keys
        columns = {}
        for key in [key for name in funcs for key in keys[name]]:  # Snorkel's order
            columns[key] = values[key]
            if ci is not None:
                low, high = np.broadcast_arrays(*bounds.get(key, (np.nan, np.nan)), values[key])[:2]
                # An interval always holds its own estimate: at a score of 1 (every row right)
                # the smoothed bootstrap's upper bound becomes 1, as in the modified Jeffreys
                # interval (Brown, Cai & DasGupta, 2001); likewise at 0.
                value = values[key]
                with np.errstate(invalid="ignore"):
                    low = np.where(np.isnan(low), low, np.fmin(low, value))
                    high = np.where(np.isnan(high), high, np.fmax(high, value))
                columns[f"{key}_low"] = np.where(np.isnan(value), np.nan, low)
                columns[f"{key}_high"] = np.where(np.isnan(value), np.nan, high)
        table = pd.DataFrame(columns, index=pd.Index([OVERALL, *names]))
        problems = undefined_scores(list(table.index), values, stats, builtin)
        if undefined:
            listed = ", ".join(f"{key!r} on {row!r}" for key, row in undefined)
            problems.append(f"custom metrics that returned None: {listed}")
        return table.assign(n=stats.n), problems


def _row_dict(row: pd.Series) -> dict[str, float]:
    return {key: int(value) if key == "n" else float(value) for key, value in row.items()}
