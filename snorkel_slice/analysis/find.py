"""Find slices from a model's errors, and hand them back as SFs that any applier can run.

``find_slices`` searches conjunctions of simple predicates (column == value, a numeric column in a
bin, a word present in a text, an existing SF true), up to ``max_order`` of them, for slices that
are both large and error-prone. It scores and prunes them as SliceLine does (Sagadeeva and Boehm,
SIGMOD 2021): with ``e`` the average error over all ``n`` rows, a slice of ``s`` rows and error sum
``E`` scores ``alpha * ((E / s) / e - 1) - (1 - alpha) * (n / s - 1)``; a candidate is only built
from parents that all passed, and skipped when an upper bound of its score (from its parents'
sizes, error sums and largest errors) cannot reach the current top ``k``. The implementation is
the course's own; ``tests/analysis/test_find.py`` checks its top-k scores against the ``sliceline``
package at equal settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from snorkel_slice.slicing.sf import SlicingFunction
from snorkel_slice.validation import check_int, check_real


def _predicates(df: pd.DataFrame, columns: list[str], n_bins: int, text_columns: list[str],
                min_word_count: int, sfs: Sequence[SlicingFunction]) -> tuple[list[tuple], np.ndarray]:
    """Candidate predicates and their (n_rows, n_predicates) bool matrix; each knows its group."""
    preds, cols = [], []
    for c in columns:
        values = df[c]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > n_bins:
            edges = np.unique(np.nanquantile(values.astype(float), np.linspace(0, 1, n_bins + 1)))
            edges[-1] = np.inf
            for low, high in zip(edges[:-1], edges[1:], strict=True):
                preds.append((c, "in", (float(low), float(high))))
                cols.append(((values >= low) & (values < high)).to_numpy())
        else:
            for v in pd.unique(values):
                if pd.isna(v):
                    preds.append((c, "missing", None))
                    cols.append(values.isna().to_numpy())
                else:
                    preds.append((c, "==", v.item() if hasattr(v, "item") else v))
                    cols.append((values == v).to_numpy())
    for c in text_columns:
        tokens = df[c].fillna("").str.lower().str.findall(r"[a-z0-9']+")
        length = tokens.map(len).astype(float)
        edges = np.unique(np.quantile(length, np.linspace(0, 1, n_bins + 1)))
        edges[-1] = np.inf
        for low, high in zip(edges[:-1], edges[1:], strict=True):  # length bins, in words
            preds.append((c, "words_in", (float(low), float(high))))
            cols.append(((length >= low) & (length < high)).to_numpy())
        words = tokens.map(set)
        counts = pd.Series([w for ws in words for w in ws]).value_counts()
        for w in counts[counts >= min_word_count].index:
            preds.append((c, "has_word", w))
            cols.append(words.map(lambda ws, w=w: w in ws).to_numpy(bool))
    for sf in sfs:
        from snorkel_slice.slicing.apply import PandasSFApplier

        preds.append((sf.name, "sf", sf))
        cols.append(PandasSFApplier([sf]).apply(df, progress_bar=False)[sf.name].astype(bool))
    # A predicate true on every row (a constant column, or quantile bins that collapse into one,
    # as on a column that is mostly 0) selects nothing: it would only rename other slices.
    kept = [j for j, c in enumerate(cols) if not np.all(c)]
    preds, cols = [preds[j] for j in kept], [cols[j] for j in kept]
    if not preds:
        raise ValueError("find_slices has no predicates to search: give it columns, text_columns or sfs.")
    return preds, np.column_stack(cols).astype(bool)


def _score(alpha: float, avg: float, n: int, size: np.ndarray, err: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        score = alpha * ((err / size) / avg - 1) - (1 - alpha) * (n / size - 1)
    return np.where(size > 0, score, -np.inf)


def _score_upper_bound(alpha, avg, n, sigma, ss, se, sm) -> np.ndarray:
    # The score of a child of size s in [sigma, ss] with error sum <= min(se, s * sm) is largest at
    # one of sigma, se / sm, ss (it is monotone between them): probe those three.
    best = np.full(len(ss), -np.inf)
    for s in (np.full(len(ss), float(sigma)), np.clip(se / np.maximum(sm, 1e-300), sigma, None), ss):
        s = np.minimum(np.maximum(s, sigma), np.maximum(ss, sigma))
        best = np.maximum(best, alpha * (np.minimum(se, s * sm) / (s * avg) - 1) - (1 - alpha) * (n / s - 1))
    return best


def find_slices(
    df: pd.DataFrame,
    errors: Any,
    columns: Sequence[str] | None = None,
    k: int = 10,
    max_order: int = 2,
    min_support: int | None = None,
    alpha: float = 0.95,
    *,
    n_bins: int = 4,
    text_columns: Sequence[str] = (),
    min_word_count: int = 5,
    sfs: Sequence[SlicingFunction] = (),
) -> list[SlicingFunction]:
    """The ``k`` best slices of ``df`` by SliceLine's score, as SFs, best first.

    Parameters
    ----------
    df
        The rows the model was evaluated on.
    errors
        One error per row: 0/1 (wrong) or a non-negative loss.
    columns
        Columns to build ``column == value`` predicates from; numeric columns with more than
        ``n_bins`` values are cut into ``n_bins`` quantile bins. None: every column except those in
        ``text_columns``.
    k
        How many slices to return.
    max_order
        Largest number of predicates in a slice.
    min_support
        Smallest slice, in rows; None means 1% of the rows (at least 10), SliceLine's default.
    alpha
        Weight of the error against the size, in (0, 1]; 0.95 favours slices whose error rate is
        several times the average while staying a few percent of the rows.
    n_bins, text_columns, min_word_count, sfs
        Numeric bins; text columns whose words (seen ``min_word_count`` times or more) become
        predicates; existing SFs whose outputs become predicates.

    Returns
    -------
    list of SlicingFunction
        Each named after its predicate (e.g. ``education_Masters__sex_Female``), with the readable
        predicate as its docstring and ``sf.stats``: size, error_rate, score and the predicate.

    Examples
    --------
    >>> df = pd.DataFrame({"color": ["red", "blue"] * 100, "size": ["S", "M", "L", "XL", "XXL"] * 40})
    >>> errors = ((df.color == "red") & (df["size"] == "S")).astype(int).to_numpy()
    >>> best = find_slices(df, errors, k=1)[0]
    >>> best.name, best.stats["error_rate"], best.stats["size"]
    ('color_red__size_S', 1.0, 20)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    e = np.asarray(errors, dtype=float)
    if e.ndim != 1 or len(e) != len(df):
        raise ValueError(f"errors must hold one number per row of df ({len(df)}); got shape {e.shape}.")
    if not np.isfinite(e).all() or (e < 0).any():
        raise ValueError("errors must be finite and >= 0 (0/1 for wrong, or a loss).")
    text_columns = list(text_columns)
    columns = [c for c in df.columns if c not in text_columns] if columns is None else list(columns)
    missing = [c for c in [*columns, *text_columns] if c not in df.columns]
    if missing:
        raise ValueError(f"df has no column(s) {missing}; its columns are {list(df.columns)}.")
    k, max_order = check_int("k", k, low=1), check_int("max_order", max_order, low=1)
    n = len(df)
    sigma = max(10, math.ceil(0.01 * n)) if min_support is None else check_int("min_support", min_support, low=1)
    alpha = check_real("alpha", alpha, low=0, high=1, low_open=True)
    avg = e.mean() if n else 0.0
    if avg <= 0:
        raise ValueError("errors are all 0: the model makes no mistake on these rows, so no slice is worse.")
    preds, X = _predicates(df, columns, n_bins, text_columns, min_word_count, sfs)
    # One group per column (its values and bins exclude each other); words and SFs stand alone.
    group = np.array([hash(p) if p[1] in ("has_word", "sf") else hash((p[0], p[1] == "words_in")) for p in preds])
    ss, se = X.sum(axis=0).astype(float), e @ X
    sm = np.array([e[X[:, j]].max(initial=0.0) for j in range(X.shape[1])])
    level = {(j,): (ss[j], se[j], sm[j]) for j in range(X.shape[1]) if ss[j] >= sigma and se[j] > 0}
    found = {items: stat for items, stat in level.items()}
    for order in range(2, max_order + 1):
        scores = sorted((float(_score(alpha, avg, n, np.array(s[0]), np.array(s[1]))) for s in found.values()), reverse=True)
        kth = scores[k - 1] if len(scores) >= k and scores[k - 1] > 0 else -np.inf
        by_prefix: dict[tuple, list[tuple]] = {}
        for items in sorted(level):
            by_prefix.setdefault(items[:-1], []).append(items)
        candidates = []
        for siblings in by_prefix.values():
            for a, b in combinations(siblings, 2):
                if group[a[-1]] == group[b[-1]]:
                    continue  # two values of one column can never hold together
                items = a + (b[-1],)
                parents = [items[:i] + items[i + 1:] for i in range(order)]
                if all(p in level for p in parents):
                    candidates.append((items, parents))
        if not candidates:
            break
        bound = np.array([[min(level[p][i] for p in parents) for i in range(3)] for _, parents in candidates])
        ub = _score_upper_bound(alpha, avg, n, sigma, bound[:, 0], bound[:, 1], bound[:, 2])
        keep = (bound[:, 0] >= sigma) & (bound[:, 1] > 0) & (ub >= kth)
        level = {}
        for (items, _), ok in zip(candidates, keep, strict=True):
            if ok:
                mask = X[:, list(items)].all(axis=1)
                size, err = float(mask.sum()), float(e[mask].sum())
                if size >= sigma and err > 0:
                    level[items] = (size, err, float(e[mask].max()))
        found.update(level)
    ranked = sorted(found.items(), key=lambda kv: -_score(alpha, avg, n, np.array(kv[1][0]), np.array(kv[1][1])))
    out = []
    for items, (size, err, _) in ranked:
        score = float(_score(alpha, avg, n, np.array(size), np.array(err)))
        if score <= 0 or len(out) == k:
            break
        out.append(_as_sf([preds[j] for j in items], size, err, score))
    return out


def _label(p: tuple) -> tuple[str, str]:
    """(identifier part, readable text) of one predicate."""
    column, op, value = p
    if op == "==":
        return f"{column}_{value}", f"{column} == {value!r}"
    if op == "missing":
        return f"{column}_missing", f"{column} is missing"
    if op == "in":
        low, high = value
        top = "inf" if math.isinf(high) else f"{high:g}"
        return f"{column}_{low:g}_to_{top}", f"{low:g} <= {column} < {top}"
    if op == "has_word":
        return f"{column}_has_{value}", f"{value!r} in the words of {column}"
    if op == "words_in":
        low, high = value
        top = "inf" if math.isinf(high) else f"{high:g}"
        return f"{column}_{low:g}_to_{top}_words", f"{low:g} <= words in {column} < {top}"
    return f"sf_{column}", f"SF {column!r} is true"


def _as_sf(predicate: list[tuple], size: float, err: float, score: float) -> SlicingFunction:
    parts = [_label(p) for p in predicate]
    name = re.sub(r"\W", "_", "__".join(part for part, _ in parts))
    name = name if name[0].isalpha() else f"slice_{name}"

    def f(x: Any) -> bool:
        for column, op, value in predicate:
            if op == "sf":
                if not value(x):
                    return False
                continue
            v = getattr(x, column) if op != "sf" else None
            if op == "==" and not (v == value):
                return False
            if op == "missing" and not pd.isna(v):
                return False
            if op == "in" and not (not pd.isna(v) and value[0] <= v < value[1]):
                return False
            if op == "has_word" and value not in set(re.findall(r"[a-z0-9']+", str(v).lower())):
                return False
            if op == "words_in" and not (value[0] <= len(re.findall(r"[a-z0-9']+", str(v).lower())) < value[1]):
                return False
        return True

    f.__doc__ = " and ".join(text for _, text in parts)
    sf = SlicingFunction(name, f)
    sf.__doc__ = f.__doc__  # the readable predicate, as help(sf) shows it
    sf.stats = {"size": int(size), "error_rate": float(err / size), "score": score,
                "predicate": [(c, op, v.name if op == "sf" else v) for c, op, v in predicate]}
    return sf
