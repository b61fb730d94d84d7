"""spaCy preprocessing: ``SpacyPreprocessor`` attaches a ``Doc`` to each data point, as Snorkel's.

A pipeline is loaded once per process and setting, and each distinct text is parsed once per
pipeline. spaCy is imported only when a pipeline is first needed.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from snorkel_slice.preprocess.core import BasePreprocessor

# One pipeline per process and setting: loading a pipeline costs far more than a Doc.
_PIPELINES: dict[Hashable, Any] = {}
# One preprocessor per setting, so that NLP SFs with the same pipeline share one Doc cache.
_PREPROCESSORS: dict[Hashable, SpacyPreprocessor] = {}


def load_pipeline(language: Any, disable: Sequence[str] | None = None) -> Any:
    """Resolve ``language`` to a spaCy ``Language``; errors say how to get the pipeline.

    ``language`` is an installed package name (``"en_core_web_sm"``), ``"blank:<lang>"`` for an
    empty pipeline, a path to a pipeline saved with ``nlp.to_disk``, or an ``nlp`` object.

    Examples
    --------
    >>> load_pipeline("blank:en")("Check it out").text
    'Check it out'
    """
    import spacy

    if isinstance(language, spacy.language.Language):
        return language
    if isinstance(language, os.PathLike) or (isinstance(language, str) and os.sep in language):
        path = Path(language)
        if not (path / "config.cfg").is_file():
            raise ValueError(
                f"language={str(language)!r} is not a saved spaCy pipeline (no config.cfg there); "
                "save one with nlp.to_disk(path), or pass a package name or 'blank:en'."
            )
        return spacy.load(path, exclude=list(disable or []))
    if not isinstance(language, str):
        raise TypeError(
            f"language must be a spaCy package name, 'blank:<lang>', a path to a saved pipeline or "
            f"an nlp object; got {type(language).__name__}."
        )
    if language.startswith("blank:"):
        return spacy.blank(language.removeprefix("blank:"))
    try:
        return spacy.load(language, exclude=list(disable or []))
    except OSError:
        raise ValueError(
            f"The spaCy pipeline {language!r} is not installed. Install it with "
            f"`python -m spacy download {language}` (this needs internet; only install models "
            "published by Explosion), or use language='blank:en', a path to a pipeline saved with "
            "nlp.to_disk(path), or an nlp object."
        ) from None


class SpacyPreprocessor(BasePreprocessor):
    """Attach the spaCy ``Doc`` of ``x.<text_field>`` as ``x.<doc_field>``, one Doc per text.

    Parameters
    ----------
    text_field
        Field holding the text.
    doc_field
        Field that receives the Doc.
    language
        As for ``load_pipeline``.
    disable
        Pipeline components to leave out when loading a package or a saved pipeline.
    memoize
        Keep each text's Doc, so that every SF sharing this pipeline parses a text once.

    Examples
    --------
    >>> from snorkel_slice.row import Row
    >>> p = SpacyPreprocessor(language="blank:en")
    >>> len(p(Row({"text": "nice song"})).doc)
    2
    """

    def __init__(
        self,
        text_field: str = "text",
        doc_field: str = "doc",
        language: Any = "en_core_web_sm",
        disable: Sequence[str] | None = None,
        memoize: bool = True,
    ) -> None:
        for arg, value in (("text_field", text_field), ("doc_field", doc_field)):
            if not isinstance(value, str) or not value:
                raise TypeError(f"{arg} must be a field name (str); got {value!r}.")
        super().__init__(f"spacy_{doc_field}", memoize=False)  # Docs are cached per text below
        self.text_field, self.doc_field = text_field, doc_field
        self.language, self.disable = language, tuple(disable or ())
        self.memoize_docs = memoize
        self.docs_: dict[str, Any] = {}

    @property
    def key(self) -> Hashable:
        """What identifies this pipeline and its fields; an nlp object by identity."""
        language = self.language if isinstance(self.language, str | os.PathLike) else id(self.language)
        return (str(language), self.disable, self.text_field, self.doc_field)

    def _nlp(self) -> Any:
        key = self.key
        if key not in _PIPELINES:
            _PIPELINES[key] = load_pipeline(self.language, self.disable)
        return _PIPELINES[key]

    def _map(self, x: Any) -> Any:
        try:
            text = getattr(x, self.text_field)
        except AttributeError:
            raise AttributeError(
                f"NLP SF preprocessor: the data point has no field {self.text_field!r}; set "
                "text_field= to the column that holds the text."
            ) from None
        if not isinstance(text, str):
            raise TypeError(
                f"NLP SF preprocessor: x.{self.text_field} must be a str, got {type(text).__name__} "
                f"{text!r}. Fill or drop missing texts first."
            )
        doc = self.docs_.get(text) if self.memoize_docs else None
        if doc is None:
            doc = self._nlp()(text)
            if self.memoize_docs:
                self.docs_[text] = doc
        setattr(x, self.doc_field, doc)
        return x

    def reset_cache(self) -> None:
        """Forget every Doc (and any cached row)."""
        super().reset_cache()
        self.docs_ = {}

    def __getstate__(self) -> dict[str, Any]:
        # Workers parse their own texts: shipping Docs (and an nlp object's weights) to every task
        # costs more than parsing again.
        state = super().__getstate__()
        state["docs_"] = {}
        return state


def spacy_preprocessor(text_field: str = "text", doc_field: str = "doc", language: Any = "en_core_web_sm",
                       disable: Sequence[str] | None = None, memoize: bool = True) -> SpacyPreprocessor:
    """The one ``SpacyPreprocessor`` of these settings in this process (built on first use)."""
    candidate = SpacyPreprocessor(text_field, doc_field, language, disable, memoize)
    return _PREPROCESSORS.setdefault((candidate.key, memoize), candidate)
