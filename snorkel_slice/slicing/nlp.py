"""SFs over a spaCy ``Doc``: ``NLPSlicingFunction`` and ``@nlp_slicing_function``, as in Snorkel.

An NLP SF receives the data point with a spaCy ``Doc`` of its text attached (``x.doc``). The Doc
is built once per distinct text and pipeline, and shared by every NLP SF with that pipeline.
Unlike Snorkel, which ties every NLP SF to one global pipeline and raises when a second appears,
SFs with different pipelines coexist: each pipeline is one ``SpacyPreprocessor``, found in a
registry by its settings, with its own cache. spaCy is imported only when a Doc is first built,
and the pipeline is loaded once per process, so NLP SFs work with ``n_jobs`` and with Dask.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from snorkel_slice.preprocess.core import BasePreprocessor
from snorkel_slice.preprocess.nlp import spacy_preprocessor
from snorkel_slice.slicing.sf import SlicingFunction


class NLPSlicingFunction(SlicingFunction):
    """An SF that receives ``x`` with a spaCy ``Doc`` of its text as ``x.<doc_field>``.

    Parameters
    ----------
    name, f, resources, pre
        As for ``SlicingFunction``; ``pre`` runs before the Doc is attached.
    text_field, doc_field, language, disable, memoize
        As for ``SpacyPreprocessor``. SFs with equal settings share one pipeline and one cache.
    memoize_key
        Accepted for Snorkel's call shape; Docs are always keyed by their text.

    Examples
    --------
    >>> from snorkel_slice.row import Row
    >>> has_number = NLPSlicingFunction("has_number", lambda x: any(t.like_num for t in x.doc),
    ...                                 language="blank:en")
    >>> has_number(Row({"text": "I have 3 cats"})), has_number(Row({"text": "no cats"}))
    (True, False)
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., bool],
        resources: Mapping[str, Any] | None = None,
        pre: list[BasePreprocessor] | None = None,
        text_field: str = "text",
        doc_field: str = "doc",
        language: Any = "en_core_web_sm",
        disable: Sequence[str] | None = None,
        memoize: bool = True,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        self.spacy = spacy_preprocessor(text_field, doc_field, language, disable, memoize)
        super().__init__(name, f, resources=resources, pre=[*(pre or []), self.spacy])


class nlp_slicing_function:
    """Decorator turning a function of ``x`` (with ``x.doc``) into an ``NLPSlicingFunction``.

    Examples
    --------
    >>> from snorkel_slice.row import Row
    >>> @nlp_slicing_function(language="blank:en")
    ... def many_sentences(x):
    ...     '''Long comments with several sentences are rarely one-line spam.'''
    ...     return len(x.doc) > 5
    >>> many_sentences(Row({"text": "one two three four five six"}))
    True
    """

    def __init__(
        self,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: list[BasePreprocessor] | None = None,
        text_field: str = "text",
        doc_field: str = "doc",
        language: Any = "en_core_web_sm",
        disable: Sequence[str] | None = None,
        memoize: bool = True,
        memoize_key: Callable[[Any], Hashable] | None = None,
    ) -> None:
        if callable(name):
            raise ValueError(
                "@nlp_slicing_function needs parentheses (the decorator is missing parentheses): "
                "write @nlp_slicing_function(language=...) above the function."
            )
        self.name, self.resources, self.pre = name, resources, pre
        self.settings = dict(text_field=text_field, doc_field=doc_field, language=language,
                             disable=disable, memoize=memoize, memoize_key=memoize_key)

    def __call__(self, f: Callable[..., bool]) -> NLPSlicingFunction:
        """Wrap ``f`` in an ``NLPSlicingFunction``."""
        name = self.name if self.name is not None else getattr(f, "__name__", None)
        return NLPSlicingFunction(name, f, resources=self.resources, pre=self.pre, **self.settings)
