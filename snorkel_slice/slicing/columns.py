"""Which columns row-wise SFs read, guessed from their code, so rows carry only those.

A frame may have 50 columns while the SFs read one. The appliers build each row with the columns
named in the SFs' code (attribute names such as ``x.text``, string constants such as
``x["text"]``, in the SF's function, the functions it calls, its closures, resources and
preprocessors) and leave every other column to be read on first access (``LazyRow``). A wrong
guess therefore costs time, never correctness.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Iterable, Mapping
from typing import Any

# How deep to follow functions called by functions: enough for helpers of helpers.
_DEPTH = 4


def guess_columns(sfs: Iterable[Any], columns: list[Any]) -> list[Any]:
    """The columns, in frame order, that the SFs' code names.

    Examples
    --------
    >>> from snorkel_slice.slicing.sf import SlicingFunction
    >>> sf = SlicingFunction("short", lambda x: len(x.text) < 10)
    >>> guess_columns([sf], ["author", "date", "text", "label"])
    ['text']
    """
    names: set[str] = set()
    seen: set[int] = set()
    for sf in sfs:
        _collect(sf.f, names, seen, _DEPTH)
        _collect(sf.resources, names, seen, _DEPTH)
        for p in sf.pre:
            _collect(p, names, seen, _DEPTH)
    return [c for c in columns if not isinstance(c, str) or c in names]


def _collect(obj: Any, names: set[str], seen: set[int], depth: int) -> None:
    # Add every identifier and string the code of obj could use to name a column.
    if depth < 0 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        names.add(obj)
    elif isinstance(obj, types.CodeType):
        names.update(obj.co_names)
        for const in obj.co_consts:
            if isinstance(const, str | types.CodeType | tuple | frozenset):
                _collect(const, names, seen, depth)
    elif isinstance(obj, tuple | list | set | frozenset):
        for item in obj:
            _collect(item, names, seen, depth)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            _collect(key, names, seen, depth)
            _collect(value, names, seen, depth)
    elif isinstance(obj, functools.partial):
        _collect(obj.func, names, seen, depth)
        _collect(obj.args, names, seen, depth)
        _collect(obj.keywords, names, seen, depth)
    elif isinstance(obj, types.MethodType):
        _collect(obj.__func__, names, seen, depth)
        _collect(obj.__self__, names, seen, depth)
    elif isinstance(obj, types.FunctionType):
        code = obj.__code__
        _collect(code, names, seen, depth)
        for cell in obj.__closure__ or ():
            try:
                _collect(cell.cell_contents, names, seen, depth - 1)
            except ValueError:  # an empty cell
                pass
        # Functions this one calls by global name (helpers that receive the row).
        for name in code.co_names:
            value = obj.__globals__.get(name)
            if isinstance(value, types.FunctionType):
                _collect(value, names, seen, depth - 1)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type | types.ModuleType):
        # A preprocessor or callable object: its methods' code and its settings.
        for attr in ("run", "_map", "__call__", "f"):
            method = getattr(type(obj), attr, None)
            if inspect.isfunction(method):
                _collect(method, names, seen, depth - 1)
        settings = {k: v for k, v in vars(obj).items() if k != "cache_"}  # not the memo cache
        _collect(settings, names, seen, depth - 1)
