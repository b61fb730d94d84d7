"""The lightweight data point that SFs and preprocessors receive from the appliers.

Snorkel hands every SF a ``pandas.Series`` built per row, which costs tens of microseconds a row.
The appliers here read each column once (``Series.tolist()``) and wrap every row in a ``Row``: a
plain object whose fields live in its ``__dict__``, so ``x.text`` is an ordinary attribute lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Row:
    """One data point: a mutable record with attribute and item access to its fields.

    What SFs usually do with Snorkel's row ``Series`` works the same way here: read a column as
    ``x.text`` or ``x["text"]``, test ``"text" in x``, add a field in a preprocessor with
    ``x.polarity = 0.5`` or ``x["polarity"] = 0.5``. As in pandas, ``x.name`` is the row's index
    label (a column called ``name`` is still reachable as ``x["name"]``). Values are the column's
    Python scalars, so an int column stays int even next to float columns, where a pandas row would
    upcast it to float.

    Parameters
    ----------
    fields
        Field names mapped to values; copied, so the row never aliases the caller's dict.
    name
        The row's index label.

    Examples
    --------
    >>> x = Row({"text": "check out my channel", "label": 1}, name=7)
    >>> x.text, x["label"], x.name, "text" in x
    ('check out my channel', 1, 7, True)
    >>> x.polarity = 0.25
    >>> x
    Row({'text': 'check out my channel', 'label': 1, 'polarity': 0.25}, name=7)
    """

    # Fields live in __dict__ (fast attribute reads); the index label sits in a slot so that it can
    # never collide with a column, exactly like Series.name next to Series["name"].
    __slots__ = ("__dict__", "name")

    def __init__(self, fields: Mapping[Any, Any] | None = None, name: Any = None) -> None:
        self.__dict__.update({} if fields is None else fields)
        self.name = name

    def __getitem__(self, key: Any) -> Any:
        try:
            return self.__dict__[key]
        except KeyError:
            raise KeyError(_missing(self, key)) from None

    def __setitem__(self, key: Any, value: Any) -> None:
        self.__dict__[key] = value

    def __contains__(self, key: Any) -> bool:
        return key in self.__dict__

    def __iter__(self) -> Iterator[Any]:
        # Like a Series, iterating yields the values (not the field names).
        return iter(self.__dict__.values())

    def __len__(self) -> int:
        return len(self.__dict__)

    def __getattr__(self, attr: str) -> Any:
        # Only reached when normal lookup fails: turn a typo into a message listing the fields.
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise AttributeError(_missing(self, attr))

    def __repr__(self) -> str:
        name = getattr(self, "name", None)
        return f"Row({self.__dict__!r}, name={name!r})"

    def keys(self) -> list[Any]:
        """Field names, in column order then in the order preprocessors added them.

        Examples
        --------
        >>> Row({"a": 1, "b": 2}).keys()
        ['a', 'b']
        """
        return list(self.__dict__)

    def get(self, key: Any, default: Any = None) -> Any:
        """The value of field ``key``, or ``default`` when the row has no such field.

        Examples
        --------
        >>> Row({"a": 1}).get("b", 0)
        0
        """
        return self.__dict__.get(key, default)

    def to_dict(self) -> dict[Any, Any]:
        """A new dict of the row's fields (the index label is not a field).

        Examples
        --------
        >>> Row({"a": 1}, name=3).to_dict()
        {'a': 1}
        """
        return dict(self.__dict__)


def copy_row(x: Row) -> Row:
    """A shallow copy of ``x`` (new field dict, same values, same index label).

    Called through this function rather than a method because a column named ``copy`` would shadow
    a method of that name on the instance.

    Examples
    --------
    >>> x = Row({"a": 1}, name=0)
    >>> y = copy_row(x)
    >>> y.a = 2
    >>> x.a, y.a, y.name
    (1, 2, 0)
    """
    y = Row.__new__(Row)
    y.__dict__ = x.__dict__.copy()
    y.name = x.name
    return y


def _missing(x: Row, key: Any) -> str:
    fields = ", ".join(repr(k) for k in x.__dict__) or "none"
    return (
        f"the row has no field {key!r}; its fields are: {fields}. Check the spelling against "
        "df.columns, or add the field in a preprocessor that runs before this SF (pre=[...])."
    )
