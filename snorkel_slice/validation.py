"""The package's few argument checks, so that every bad setting gets the same kind of error.

A value of the wrong type raises ``TypeError``; a value of the right type outside its range raises
``ValueError``. Every message names the argument, says what was expected and what was received.
(scikit-learn's ``check_scalar`` does the same job, but importing scikit-learn would add about half
a second to ``import snorkel_slice``, which lessons 01 and 02 pay on every start.)
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real
from typing import Any


def _got(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is True or False; raise TypeError otherwise.

    Examples
    --------
    >>> check_bool("progress_bar", False)
    False
    >>> check_bool("progress_bar", "no")
    Traceback (most recent call last):
    ...
    TypeError: progress_bar must be True or False; got 'no' (str).
    """
    if value is True or value is False:
        return value
    if type(value).__name__ == "bool_":  # numpy's bool, without importing numpy here
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {_got(value)}.")


def check_int(name: str, value: Any, low: int | None = None, high: int | None = None,
              hint: str = "") -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``.

    Examples
    --------
    >>> check_int("n_epochs", 3, low=1)
    3
    >>> check_int("n_epochs", 2.0, low=1)
    Traceback (most recent call last):
    ...
    TypeError: n_epochs must be an int >= 1; got 2.0 (float).
    >>> check_int("n_epochs", 0, low=1)
    Traceback (most recent call last):
    ...
    ValueError: n_epochs must be an int >= 1; got 0 (int).
    """
    expected = "an int" + _range(low, high)
    extra = f" {hint}" if hint else ""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be {expected}; got {_got(value)}.{extra}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {expected}; got {_got(value)}.{extra}")
    return int(value)


def check_real(name: str, value: Any, low: float | None = None, high: float | None = None,
               *, low_open: bool = False, high_open: bool = False, hint: str = "") -> float:
    """Return ``value`` as a float if it is a finite real number in range.

    ``low_open`` and ``high_open`` exclude the bounds themselves.

    Examples
    --------
    >>> check_real("lr", 1e-3, low=0, low_open=True)
    0.001
    >>> check_real("lr", "1e-3", low=0, low_open=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: lr must be a number > 0; got '1e-3' (str)...
    """
    expected = "a number" + _range(low, high, low_open, high_open)
    extra = f" {hint}" if hint else ""
    if isinstance(value, bool) or not isinstance(value, Real):
        if isinstance(value, str):
            extra += f" Write it without quotes, e.g. {name}={value.strip()}."
        raise TypeError(f"{name} must be {expected}; got {_got(value)}.{extra}")
    value = float(value)
    outside = (
        not math.isfinite(value)
        or (low is not None and (value <= low if low_open else value < low))
        or (high is not None and (value >= high if high_open else value > high))
    )
    if outside:
        raise ValueError(f"{name} must be {expected}; got {_got(value)}.{extra}")
    return value


def check_choice(name: str, value: Any, choices: Collection[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; raise ValueError naming them otherwise.

    Examples
    --------
    >>> check_choice("optimizer", "adamw", ("sgd", "adam"))
    Traceback (most recent call last):
    ...
    ValueError: optimizer must be one of ('sgd', 'adam'); got 'adamw' (str).
    """
    try:
        ok = value in choices
    except TypeError:  # an unhashable value cannot be in a set of choices
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {_got(value)}.")
    return value


def check_same_length(what: str = "", **inputs: Any) -> int:
    """Return the common length of ``inputs`` (None entries skipped); raise naming each length.

    The wording is scikit-learn's, so the error reads the same as theirs.

    Examples
    --------
    >>> check_same_length(golds=[1, 0, 1], preds=[1, 0])
    Traceback (most recent call last):
    ...
    ValueError: Found input variables with inconsistent numbers of samples: golds=3, preds=2. Pass one entry per data point in each (they must have the same number of elements).
    """
    lengths = {name: len(v) for name, v in inputs.items() if v is not None}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name}={length}" for name, length in lengths.items())
        where = f" {what}" if what else ""
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples{where}: {listed}. "
            "Pass one entry per data point in each (they must have the same number of elements)."
        )
    return next(iter(lengths.values()), 0)


def _range(low: Any, high: Any, low_open: bool = False, high_open: bool = False) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high}"
    return ""
