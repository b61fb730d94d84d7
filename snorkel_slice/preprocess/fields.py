"""``Preprocessor``, Snorkel's class to subclass: ``run`` reads named fields and returns new ones."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Mapping
from types import SimpleNamespace  # noqa: F401 - used by the doctests
from typing import Any

import pandas as pd

from snorkel_slice.preprocess.core import BasePreprocessor


class Preprocessor(BasePreprocessor):
    """A preprocessor to subclass: ``run`` reads named fields and returns new ones, as Snorkel's.

    Parameters
    ----------
    name
        Name of the preprocessor, used in messages.
    field_names
        ``{run's argument: field of the data point}``; None reads each of ``run``'s arguments
        from the field of the same name.
    mapped_field_names
        ``{key returned by run: field to write}``; None writes each key as a field.
    pre, memoize, memoize_key
        As for ``BasePreprocessor``.

    Examples
    --------
    >>> class SplitWords(Preprocessor):
    ...     def run(self, text):
    ...         return {"words": text.split()}
    >>> SplitWords("split_words")(SimpleNamespace(text="check it out")).words
    ['check', 'it', 'out']
    """

    def __init__(
        self,
        name: str,
        field_names: Mapping[str, str] | None = None,
        mapped_field_names: Mapping[str, str] | None = None,
        pre: list[BasePreprocessor] | None = None,
        memoize: bool = False,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if callable(field_names) and not isinstance(field_names, Mapping):
            raise TypeError(
                f"Preprocessor {name!r}: a function goes to LambdaPreprocessor(name, f) (or "
                "@preprocessor()); Preprocessor is subclassed with a run method, as in Snorkel."
            )
        if field_names is None and type(self).run is not Preprocessor.run:
            params = inspect.signature(self.run).parameters.values()
            if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
                raise ValueError(
                    f"Preprocessor {name!r}: run must name the fields it reads, e.g. "
                    "def run(self, text): ...; *args and **kwargs cannot be mapped to fields "
                    "(or pass field_names={argument: field})."
                )
            field_names = {p.name: p.name for p in params}
        field_names = field_names or {}
        for arg, value in (("field_names", field_names), ("mapped_field_names", mapped_field_names)):
            if value is not None and not isinstance(value, Mapping):
                raise TypeError(
                    f"Preprocessor {name!r}: {arg} must be a dict {{name: field}}; got "
                    f"{type(value).__name__}."
                )
        self.field_names = dict(field_names)
        self.mapped_field_names = None if mapped_field_names is None else dict(mapped_field_names)
        super().__init__(name, pre, memoize, memoize_key)

    def run(self, **kwargs: Any) -> Mapping[str, Any] | None:
        """Map the named fields to new fields: return ``{field: value}``."""
        raise NotImplementedError(
            f"{type(self).__name__} {self.name!r}: subclass Preprocessor and define "
            "run(self, <field>, ...) returning a dict of new fields."
        )

    def _map(self, x: Any) -> Any:
        frame = isinstance(x, pd.DataFrame)  # a vectorized SF's batch: fields are columns
        values = {arg: x[field] if frame else getattr(x, field)
                  for arg, field in self.field_names.items()}
        out = self.run(**values)
        if out is None:
            return None
        if not isinstance(out, Mapping):
            raise TypeError(
                f"Preprocessor {self.name!r}: run must return a dict {{field: value}}; got "
                f"{type(out).__name__}."
            )
        if self.mapped_field_names is not None:
            missing = sorted(set(self.mapped_field_names) - set(out))
            if missing:
                raise ValueError(
                    f"Preprocessor {self.name!r}: mapped_field_names names {missing}, but run "
                    f"returned only {sorted(out)}; rename the keys to match."
                )
            out = {self.mapped_field_names[k]: v for k, v in out.items() if k in self.mapped_field_names}
        for field, value in out.items():
            if frame:
                x[field] = value
            else:
                setattr(x, field, value)
        return x
