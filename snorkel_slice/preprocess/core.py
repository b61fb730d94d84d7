"""Preprocessors: data point -> data point steps that SFs share, optionally memoized.

A preprocessor adds fields that several SFs need (a sentiment score, a parsed document) so that the
expensive work is written once. With ``memoize=True`` its output is cached per data point content,
so applying five SFs that share it, or applying the same SFs again, computes it once per row.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from types import SimpleNamespace  # noqa: F401 - used by the doctests
from typing import Any

import pandas as pd

from snorkel_slice.preprocess.memo import content_key, fresh
from snorkel_slice.row import Row, copy_row


class BasePreprocessor:
    """A named data point -> data point step, run by SFs before their own logic.

    Calling it copies the data point (a shallow copy: reassigning a field never changes the
    caller's point), runs the ``pre`` preprocessors, then this preprocessor's own step, and returns
    the result. As in Snorkel, subclass ``Preprocessor`` (named fields in, new fields out) or build
    a ``LambdaPreprocessor`` from a function of the whole data point (what ``@preprocessor()`` does).

    Parameters
    ----------
    name
        Name of the preprocessor, used in messages.
    pre
        Preprocessors run, in order, before this one.
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
    """

    def __init__(
        self,
        name: str,
        pre: list[BasePreprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"Preprocessor name must be a non-empty str, got {name!r} "
                f"({type(name).__name__}); pass name='my_preprocessor'."
            )
        self.name = name
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

    def _map(self, x: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} {self.name!r} has no step of its own: subclass Preprocessor "
            "and define run(self, <field>, ...), or use LambdaPreprocessor(name, f)."
        )

    def reset_cache(self) -> None:
        """Empty the memoization cache (e.g. after changing what ``f`` computes).

        Examples
        --------
        >>> p = LambdaPreprocessor("same", lambda x: x, memoize=True)
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
                return None if hit is None else fresh(hit, x)
        if isinstance(x, Row):
            y = copy_row(x)
        elif isinstance(x, pd.DataFrame):  # a vectorized SF's batch: a cheap copy-on-write view
            y = x.copy(deep=False)
        else:
            y = copy.copy(x)
        for p in self.pre:
            y = p(y)
            if y is None:  # as in Snorkel, None means "no data point"; an SF using it says so
                break
        else:
            y = self._map(y)
        if self.memoize:
            self.cache_[key] = y
            # Hand out a copy so that an SF mutating its input cannot change the cached entry.
            return None if y is None else fresh(y, x)
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
        return f"{type(self).__name__}(name={self.name!r}, memoize={self.memoize}, pre={pre})"


class LambdaPreprocessor(BasePreprocessor):
    """A preprocessor made from a function of the whole data point, as Snorkel's.

    Parameters
    ----------
    name
        Name of the preprocessor, used in messages.
    f
        Function taking the data point and returning the (modified) data point.
    pre, memoize, memoize_key
        As for ``BasePreprocessor``.

    Examples
    --------
    >>> def add_length(x):
    ...     x.length = len(x.text)
    ...     return x
    >>> p = LambdaPreprocessor("add_length", add_length, memoize=True)
    >>> p(SimpleNamespace(text="hello")).length
    5
    >>> len(p.cache_)
    1
    """

    def __init__(
        self,
        name: str,
        f: Callable[[Any], Any],
        pre: list[BasePreprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if not callable(f):
            raise TypeError(
                f"Preprocessor {name!r}: f must be a function of one data point, "
                f"got {type(f).__name__} {f!r}."
            )
        self.f = f
        super().__init__(name, pre, memoize, memoize_key)

    def _map(self, x: Any) -> Any:
        return self.f(x)


class preprocessor:
    """Decorator turning a function into a ``LambdaPreprocessor`` (name defaults to the function's).

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
    LambdaPreprocessor(name='lower_text', memoize=True, pre=[])
    """

    def __init__(
        self,
        name: str | None = None,
        pre: list[BasePreprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if callable(name):
            raise ValueError(  # ValueError, as Snorkel raises
                "@preprocessor needs parentheses (the decorator is missing parentheses): write "
                "@preprocessor() (or "
                "@preprocessor(memoize=True)) above the function."
            )
        self.name = name
        self.pre = pre
        self.memoize = memoize
        self.memoize_key = memoize_key

    def __call__(self, f: Callable[[Any], Any]) -> LambdaPreprocessor:
        """Wrap ``f`` in a ``LambdaPreprocessor``."""
        if not callable(f):
            raise TypeError(
                f"@preprocessor() decorates a function of one data point; got {type(f).__name__} {f!r}."
            )
        name = self.name if self.name is not None else getattr(f, "__name__", None)
        return LambdaPreprocessor(name, f, self.pre, self.memoize, self.memoize_key)


def check_preprocessors(pre: Any, owner: str) -> list[BasePreprocessor]:
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
        if not isinstance(p, BasePreprocessor):
            raise TypeError(
                f"{owner}: pre[{i}] must be a snorkel_slice Preprocessor, got "
                f"{type(p).__module__}.{type(p).__qualname__}; build it with "
                "@snorkel_slice.preprocess.preprocessor()."
            )
    return list(pre)
