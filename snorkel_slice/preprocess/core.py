"""Preprocessors: data point -> data point steps that SFs share, optionally memoized.

A preprocessor adds fields that several SFs need (a sentiment score, a parsed document) so that the
expensive work is written once. With ``memoize=True`` its output is cached per data point content,
so applying five SFs that share it, or applying the same SFs again, computes it once per row.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from snorkel_slice.row import Row, copy_row


class Preprocessor:
    """A named data point -> data point function, run by SFs before their own logic.

    Calling it copies the data point (a shallow copy: reassigning a field never changes the
    caller's point), runs the ``pre`` preprocessors, then ``f``, and returns ``f``'s result.

    Parameters
    ----------
    name
        Name of the preprocessor, used in messages.
    f
        Function taking the data point and returning the (modified) data point.
    pre
        Preprocessors run, in order, before ``f``.
    memoize
        Cache outputs per data point, so each distinct row is computed once per process.
    memoize_key
        Function mapping a data point to a hashable cache key. The default key is the row's field
        names, value types and values (not its index label): rows with equal content share a result.

    Attributes
    ----------
    cache_
        The memoization cache, key -> output; empty until a memoized call. ``reset_cache`` empties
        it. It lives on this object, so it survives repeated apply calls in one process. Worker
        processes keep their own: forked ones (``n_jobs`` on Linux) start from a copy of it,
        pickled ones (dask, spawned workers) start empty, and nothing they add comes back.

    Examples
    --------
    >>> def add_length(x):
    ...     x.length = len(x.text)
    ...     return x
    >>> p = Preprocessor("add_length", add_length, memoize=True)
    >>> p(SimpleNamespace(text="hello")).length
    5
    >>> len(p.cache_)
    1
    """

    def __init__(
        self,
        name: str,
        f: Callable[[Any], Any],
        pre: list[Preprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"Preprocessor name must be a non-empty str, got {name!r} "
                f"({type(name).__name__}); pass name='my_preprocessor'."
            )
        if not callable(f):
            raise TypeError(
                f"Preprocessor {name!r}: f must be a function of one data point, "
                f"got {type(f).__name__} {f!r}."
            )
        self.name = name
        self.f = f
        self.pre = check_preprocessors(pre, owner=f"Preprocessor {name!r}")
        if not isinstance(memoize, bool):
            raise TypeError(
                f"Preprocessor {name!r}: memoize must be True or False, got {memoize!r}."
            )
        if memoize_key is not None and not callable(memoize_key):
            raise TypeError(
                f"Preprocessor {name!r}: memoize_key must be a function data point -> hashable "
                f"key, or None for the default key; got {type(memoize_key).__name__}."
            )
        self.memoize = memoize
        self.memoize_key = memoize_key
        self.reset_cache()

    def reset_cache(self) -> None:
        """Empty the memoization cache (e.g. after changing what ``f`` computes).

        Examples
        --------
        >>> p = Preprocessor("same", lambda x: x, memoize=True)
        >>> _ = p(SimpleNamespace(a=1))
        >>> p.reset_cache()
        >>> p.cache_
        {}
        """
        self.cache_: dict[Hashable, Any] = {}

    def __call__(self, x: Any) -> Any:
        """Run ``pre`` then ``f`` on a copy of ``x`` (or return the cached result) and return it."""
        if self.memoize:
            key = self._key(x)
            try:
                hit = self.cache_[key]
            except KeyError:
                pass
            except TypeError as err:
                raise TypeError(
                    f"Preprocessor {self.name!r}: memoize_key returned an unhashable key ({err}); "
                    "return a tuple of str/numbers instead."
                ) from err
            else:
                return _fresh(hit, x)
        y = copy_row(x) if type(x) is Row else copy.copy(x)
        for p in self.pre:
            y = p(y)
        y = self.f(y)
        if y is None:
            raise TypeError(
                f"Preprocessor {self.name!r} returned None; it must return the data point. "
                "Add `return x` at the end of the function."
            )
        if self.memoize:
            self.cache_[key] = y
            # Hand out a copy so that an SF mutating its input cannot change the cached entry.
            return _fresh(y, x)
        return y

    def _key(self, x: Any) -> Hashable:
        if self.memoize_key is not None:
            return self.memoize_key(x)
        try:
            return content_key(x)
        except TypeError as err:
            raise TypeError(
                f"Preprocessor {self.name!r}: {err} Pass memoize_key=... to say how to key it."
            ) from None

    def __getstate__(self) -> dict[str, Any]:
        # A worker gets the preprocessor without its cache: shipping a large cache to every task
        # costs more than recomputing the few rows a worker will see.
        state = self.__dict__.copy()
        state["cache_"] = {}
        return state

    def __repr__(self) -> str:
        pre = [p.name for p in self.pre]
        return f"Preprocessor(name={self.name!r}, memoize={self.memoize}, pre={pre})"


class preprocessor:
    """Decorator turning a function into a ``Preprocessor`` (name defaults to the function's).

    Parameters
    ----------
    name
        Name of the preprocessor; None uses the function's ``__name__``.
    pre
        Preprocessors run, in order, before this one.
    memoize
        Cache outputs per data point content (see ``Preprocessor``).
    memoize_key
        Function data point -> hashable cache key; None uses the row's content.

    Examples
    --------
    >>> @preprocessor(memoize=True)
    ... def lower_text(x):
    ...     x.lower = x.text.lower()
    ...     return x
    >>> lower_text(Row({"text": "PLEASE Subscribe"})).lower
    'please subscribe'
    >>> lower_text
    Preprocessor(name='lower_text', memoize=True, pre=[])
    """

    def __init__(
        self,
        name: str | None = None,
        pre: list[Preprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if callable(name):
            raise TypeError(
                "@preprocessor needs parentheses: write @preprocessor() (or "
                "@preprocessor(memoize=True)) above the function."
            )
        self.name = name
        self.pre = pre
        self.memoize = memoize
        self.memoize_key = memoize_key

    def __call__(self, f: Callable[[Any], Any]) -> Preprocessor:
        """Wrap ``f`` in a ``Preprocessor``."""
        name = self.name if self.name is not None else getattr(f, "__name__", None)
        return Preprocessor(name, f, self.pre, self.memoize, self.memoize_key)


def check_preprocessors(pre: Any, owner: str) -> list[Preprocessor]:
    """Validate a ``pre`` argument and return it as a new list.

    Examples
    --------
    >>> check_preprocessors(None, owner="SF 'f'")
    []
    """
    if pre is None:
        return []
    if not isinstance(pre, list | tuple):
        raise TypeError(
            f"{owner}: pre must be a list of Preprocessors, got {type(pre).__name__}; "
            "wrap a single one in a list: pre=[my_preprocessor]."
        )
    for i, p in enumerate(pre):
        if not isinstance(p, Preprocessor):
            raise TypeError(
                f"{owner}: pre[{i}] must be a snorkel_slice Preprocessor, got "
                f"{type(p).__module__}.{type(p).__qualname__}; build it with "
                "@snorkel_slice.preprocess.preprocessor()."
            )
    return list(pre)


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
    if type(x) is Row or isinstance(x, SimpleNamespace):
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


def _fresh(y: Any, x: Any) -> Any:
    # A cached Row may come from another row with equal content: give it the caller's index label.
    if type(y) is Row:
        y = copy_row(y)
        y.name = getattr(x, "name", None)
    return y
