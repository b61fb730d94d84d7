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


class LazyRow(Row):
    """A ``Row`` whose other columns are read only when an SF first asks for them.

    The appliers build every row with the columns the SFs are seen to read (see
    ``snorkel_slice.slicing.columns``); any other column of the frame is fetched on first access
    and kept. So a data point costs what the SFs read, not what the frame holds, and an SF still
    sees every column. Listing the fields (``keys``, ``to_dict``, iteration, ``len``, ``repr``,
    a memoization key) first reads them all, in column order.

    Examples
    --------
    >>> columns = {"text": ["hi", "yo"], "label": [0, 1]}
    >>> x = LazyRow.from_columns({"text": "yo"}, columns, position=1, name=11)
    >>> x.label, x["text"], "label" in x, x.keys()
    (1, 'yo', True, ['text', 'label'])
    """

    # The frame's columns for this row's chunk ({name: list}) and the row's position in them.
    __slots__ = ("_columns", "_position")

    @classmethod
    def from_columns(
        cls, fields: dict[Any, Any], columns: Mapping[Any, Any], position: int, name: Any = None
    ) -> LazyRow:
        """A row holding ``fields`` now and the rest of ``columns[*][position]`` on demand."""
        x = cls.__new__(cls)
        x.__dict__ = fields
        x.name = name
        x._columns = columns
        x._position = position
        return x

    def _fetch(self, key: Any) -> Any:
        # A column not read yet: read it now and keep it. Missing -> _MISSING.
        columns = self._columns
        if columns is None:
            return _MISSING
        try:
            column = columns[key]
        except (KeyError, TypeError):  # TypeError: an unhashable key is no column either
            return _MISSING
        value = self.__dict__[key] = column[self._position]
        return value

    def materialize(self) -> None:
        """Read every column not read yet, keeping column order (then added fields)."""
        columns = self._columns
        if columns is not None:
            fields = {key: column[self._position] for key, column in columns.items()}
            fields.update(self.__dict__)  # values already read or set win; added fields go last
            self.__dict__ = fields
            self._columns = None

    def __getitem__(self, key: Any) -> Any:
        try:
            return self.__dict__[key]
        except KeyError:
            value = self._fetch(key)
            if value is _MISSING:
                self.materialize()
                raise KeyError(_missing(self, key)) from None
            return value

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or attr in LazyRow.__slots__:
            raise AttributeError(attr)
        value = self._fetch(attr)
        if value is _MISSING:
            self.materialize()
            raise AttributeError(_missing(self, attr))
        return value

    def __contains__(self, key: Any) -> bool:
        if key in self.__dict__:
            return True
        try:
            return self._columns is not None and key in self._columns
        except TypeError:
            return False

    def __iter__(self) -> Iterator[Any]:
        self.materialize()
        return super().__iter__()

    def __len__(self) -> int:
        self.materialize()
        return super().__len__()

    def __repr__(self) -> str:
        self.materialize()
        return super().__repr__()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (e.g. sent to another process) as a plain Row: never with the whole chunk.
        return Row, (row_fields(self), self.name)

    def keys(self) -> list[Any]:
        """Field names, in column order then in the order preprocessors added them."""
        self.materialize()
        return super().keys()

    def get(self, key: Any, default: Any = None) -> Any:
        """The value of field ``key``, or ``default`` when the row has no such field."""
        value = self.__dict__.get(key, _MISSING)
        if value is _MISSING:
            value = self._fetch(key)
        return default if value is _MISSING else value

    def to_dict(self) -> dict[Any, Any]:
        """A new dict of the row's fields (the index label is not a field)."""
        self.materialize()
        return super().to_dict()


_MISSING = object()


def row_fields(x: Row) -> dict[Any, Any]:
    """The field dict of a ``Row`` (a ``LazyRow`` reads its remaining columns first).

    Examples
    --------
    >>> row_fields(Row({"a": 1}))
    {'a': 1}
    """
    if type(x) is LazyRow:
        x.materialize()
    return x.__dict__


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
    y = Row.__new__(type(x))
    y.__dict__ = x.__dict__.copy()
    y.name = x.name
    if type(x) is LazyRow:  # the copy reads the same columns on demand
        y._columns, y._position = x._columns, x._position
    return y


def _missing(x: Row, key: Any) -> str:
    fields = ", ".join(repr(k) for k in x.__dict__) or "none"
    return (
        f"the row has no field {key!r}; its fields are: {fields}. Check the spelling against "
        "df.columns, or add the field in a preprocessor that runs before this SF (pre=[...])."
    )
