"""Slicing functions (SFs): named heuristics that say whether a data point is in a slice.

Same call shapes as ``snorkel.slicing.SlicingFunction`` and ``@slicing_function``. Stricter in two
places, both to catch mistakes early: an SF must return a bool (an int label such as ``1`` or ``-1``
usually means a labeling function was pasted in by mistake), and its name must work as a field of
the slice matrix ``S`` (``S.short_comment``).
"""

from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from snorkel_slice.preprocess.core import BasePreprocessor, check_preprocessors
from snorkel_slice.slicing.matrix import RESERVED_NAMES
from snorkel_slice.slicing.vectorized import call_vectorized, check_batch_preprocessors


class SlicingFunctionError(RuntimeError):
    """An SF raised (or returned a non-bool) on a row; the message names the SF and the row."""

class SlicingFunction:
    """An SF: ``f(x, **resources)`` after the ``pre`` preprocessors, returning True when x is in it.

    Parameters
    ----------
    name
        Name of the slice; a Python identifier, since it becomes the SF's field in ``S``.
    f
        Function of one data point (plus the ``resources`` as keyword arguments) returning a bool.
    resources
        Keyword arguments passed to ``f`` on every call, e.g. a keyword list.
    pre
        Preprocessors run, in order, on the data point before ``f``.
    vectorized
        If True, ``f`` receives a pandas DataFrame, a batch of rows, and returns one bool per row
        (a bool array or Series of the batch's length); its ``pre`` preprocessors receive and
        return the batch too (column-level: ``df["lower"] = df.text.str.lower()``). The appliers
        call it once per batch instead of once per row. See ``snorkel_slice.slicing.vectorized``.

    Examples
    --------
    >>> from snorkel_slice.row import Row
    >>> def has_keyword(x, keywords):
    ...     return any(word in x.text.lower() for word in keywords)
    >>> keyword_please = SlicingFunction(
    ...     "keyword_please", has_keyword, resources=dict(keywords=["please", "plz"])
    ... )
    >>> keyword_please(Row({"text": "Please subscribe"}))
    True
    >>> keyword_please
    SlicingFunction(name='keyword_please', pre=[])
    >>> import pandas as pd
    >>> short = SlicingFunction("short", lambda df: df.text.str.len() < 5, vectorized=True)
    >>> short(pd.DataFrame({"text": ["hi", "hello there"]}))
    array([ True, False])
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., bool],
        resources: Mapping[str, Any] | None = None,
        pre: list[BasePreprocessor] | None = None,
        vectorized: bool = False,
    ) -> None:
        check_sf_name(name)
        if not isinstance(vectorized, bool):
            raise TypeError(f"SF {name!r}: vectorized must be True or False, got {vectorized!r}.")
        if not callable(f):
            raise TypeError(
                f"SF {name!r}: f must be a function of one data point returning a bool, "
                f"got {type(f).__name__} {f!r}."
            )
        if resources is None:
            resources = {}
        if not isinstance(resources, Mapping):
            raise TypeError(
                f"SF {name!r}: resources must be a dict of keyword arguments for f, got "
                f"{type(resources).__name__}; e.g. resources=dict(keywords=['please'])."
            )
        resources = dict(resources)
        _check_signature(name, f, resources)
        self.name = name
        self.f = f
        self.resources = resources
        self.pre = check_preprocessors(pre, owner=f"SF {name!r}")
        self.vectorized = vectorized
        if vectorized:
            check_batch_preprocessors(name, self.pre)

    def __call__(self, x: Any) -> bool | np.ndarray:
        """Run the preprocessors and ``f`` on ``x``; return whether ``x`` is in the slice.

        A vectorized SF takes a DataFrame and returns a bool ndarray, one value per row.
        """
        if self.vectorized:
            return call_vectorized(self, x)
        for p in self.pre:
            x = p(x)
            if x is None:
                raise TypeError(
                    f"SF {self.name!r}: preprocessor {p.name!r} returned None, so there is no data "
                    "point to slice. Make it return the data point (add `return x`)."
                )
        result = self.f(x, **self.resources)
        # Identity checks first: this runs once per row and SF, and nearly always returns here.
        if result is True or result is False:
            return result
        if isinstance(result, np.bool_):
            return bool(result)
        raise TypeError(bad_return_message(self.name, result))

    def __repr__(self) -> str:
        vectorized = ", vectorized=True" if self.vectorized else ""
        return f"SlicingFunction(name={self.name!r}, pre={[p.name for p in self.pre]}{vectorized})"


class slicing_function:
    """Decorator turning a function into a ``SlicingFunction`` (name defaults to the function's).

    Parameters
    ----------
    name
        Name of the slice; None uses the function's ``__name__``.
    resources
        Keyword arguments passed to the function on every call.
    pre
        Preprocessors run, in order, on the data point before the function.
    vectorized
        If True, the function takes a DataFrame batch and returns one bool per row.

    Examples
    --------
    >>> from snorkel_slice.row import Row
    >>> @slicing_function()
    ... def short_comment(x):
    ...     '''Ham comments are often short, such as 'cool video!'.'''
    ...     return len(x.text.split()) < 5
    >>> short_comment(Row({"text": "cool video!"}))
    True
    >>> @slicing_function(vectorized=True)
    ... def short_text(df):
    ...     return df.text.str.len() < 20
    >>> short_text
    SlicingFunction(name='short_text', pre=[], vectorized=True)
    """

    def __init__(
        self,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: list[BasePreprocessor] | None = None,
        vectorized: bool = False,
    ) -> None:
        if callable(name):
            raise ValueError(  # ValueError, as Snorkel raises
                "@slicing_function needs parentheses (the decorator is missing parentheses): "
                "write @slicing_function() above the "
                "function (or @slicing_function(name=..., resources=..., pre=[...]))."
            )
        self.name = name
        self.resources = resources
        self.pre = pre
        self.vectorized = vectorized

    def __call__(self, f: Callable[..., bool]) -> SlicingFunction:
        """Wrap ``f`` in a ``SlicingFunction``."""
        name = self.name if self.name is not None else getattr(f, "__name__", None)
        return SlicingFunction(name, f, resources=self.resources, pre=self.pre,
                               vectorized=self.vectorized)


def check_sf_name(name: Any) -> None:
    """Raise if ``name`` cannot be an SF name (a field of ``S``); return None otherwise.

    Examples
    --------
    >>> check_sf_name("short_comment")
    >>> check_sf_name("short-comment")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: SF name 'short-comment' is not a Python identifier...
    """
    if not isinstance(name, str):
        raise TypeError(
            f"SF name must be a str, got {type(name).__name__} {name!r}; pass name='my_slice'."
        )
    if not name.isidentifier():
        suggestion = re.sub(r"\W", "_", name) or "my_slice"
        if not suggestion.isidentifier():
            suggestion = f"sf_{suggestion}"
        raise ValueError(
            f"SF name {name!r} is not a Python identifier (letters, digits and underscores, not "
            f"starting with a digit); it becomes a field of S, read as S.<name>. Try {suggestion!r}."
        )
    if keyword.iskeyword(name):
        raise ValueError(
            f"SF name {name!r} is a Python keyword, so S.{name} would be a syntax error; "
            f"try {name + '_'!r}."
        )
    if name in RESERVED_NAMES:
        raise ValueError(
            f"SF name {name!r} is reserved (the whole-data row of scores, or the slice-aware "
            f"model's slice of all data points); try 'sf_{name}'."
        )
    if hasattr(np.recarray, name):
        raise ValueError(
            f"SF name {name!r} is an attribute of numpy recarrays, so S.{name} would not return "
            f"the slice (and 'base' is also the slice-aware model's own slice); try 'sf_{name}'."
        )


def bad_return_message(sf_name: str, result: Any) -> str:
    """The message for an SF that returned something other than a bool.

    Examples
    --------
    >>> bad_return_message("short_link", -1)[:48]
    "SF 'short_link' returned -1 (int), expected True"
    """
    hint = ""
    if isinstance(result, int | np.integer) and result in (-1, 0, 1):
        hint = (
            " An int such as 1, 0 or -1 looks like a labeling function's label (or abstain); "
            "an SF answers 'is x in the slice?'."
        )
    elif result is None:
        hint = " Did the function miss a `return` on some path?"
    return (
        f"SF {sf_name!r} returned {result!r} ({type(result).__name__}), expected True or False."
        f"{hint} Return a bool, e.g. `return bool(...)` or a comparison such as `len(x.text) < 20`."
    )


def _check_signature(name: str, f: Callable[..., Any], resources: dict[str, Any]) -> None:
    # Catch a misspelt resource now rather than as a TypeError on the first row.
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # some builtins have no signature; they fail at call time
        return
    try:
        signature.bind(None, **resources)
    except TypeError as err:
        raise TypeError(
            f"SF {name!r}: f{signature} cannot be called as f(x, **resources) with resources "
            f"{sorted(resources)} ({err}). f must take the data point first, then one keyword "
            "argument per resource."
        ) from None
