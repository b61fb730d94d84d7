"""Memoization keys: what makes two data points "the same" for a preprocessor's cache."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from snorkel_slice.row import Row, copy_row, row_fields


def content_key(x: Any) -> Hashable:
    """The default memoization key: field names, value types and values of a data point.

    The index label is left out, so rows with equal content share one cache entry. Types are in
    the key so that ``1`` and ``1.0`` (equal and equally hashed) do not share one.

    Examples
    --------
    >>> content_key(Row({"text": "hi", "n": 1}, name=5)) == content_key(Row({"text": "hi", "n": 1}))
    True
    >>> content_key(Row({"n": 1})) == content_key(Row({"n": 1.0}))
    False
    """
    if isinstance(x, Row):
        fields = row_fields(x)
    elif isinstance(x, SimpleNamespace):
        fields = x.__dict__
    elif isinstance(x, Mapping) or hasattr(x, "items"):  # dict, pandas.Series
        fields = dict(x.items())
    else:
        return _freeze(x)
    values = tuple(fields.values())
    types = tuple(map(type, values))
    try:
        hash(values)
    except TypeError:
        values = tuple(_freeze(v) for v in values)
    return tuple(fields), types, values


def _freeze(v: Any) -> Hashable:
    # Tag containers with their type so that e.g. [1, 2] and (1, 2) keep separate cache entries.
    if isinstance(v, list | tuple):
        return type(v), tuple(_freeze(e) for e in v)
    if isinstance(v, dict):
        return dict, frozenset((k, _freeze(e)) for k, e in v.items())
    if isinstance(v, set):
        return set, frozenset(v)
    if isinstance(v, np.ndarray):
        return np.ndarray, v.dtype.str, v.shape, v.tobytes()
    try:
        hash(v)
    except TypeError:
        raise TypeError(f"cannot build a memoize key from a {type(v).__name__} value.") from None
    return v


def fresh(y: Any, x: Any) -> Any:
    """A cached output for ``x``: a cached Row gets the caller's index label (equal content, other row)."""
    if isinstance(y, Row):
        y = copy_row(y)
        y.name = getattr(x, "name", None)
    return y
