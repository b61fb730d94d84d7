"""A small rule-based English spaCy pipeline for the spam comments, built from ``spacy.blank("en")``.

The pipeline knows, by rules only, the artists and song titles of the five videos of the YouTube
Spam Collection (``ARTIST`` and ``SONG`` entities, with the artist as ``ent.ent_id_``), splits
sentences, and splits off the byte-order mark that ends most comments, so that
``"Shakira!\\ufeff"`` gives the tokens ``Shakira``, ``!`` and the mark rather than one token. No
statistical model is involved: no tagger, parser or trained NER, and nothing to download.

It is not committed: ``nlp.to_disk`` writes about 99 KB, 77 KB of it a binary copy of spaCy's
English tokenizer tied to the spaCy version (data/README.md lists the files). The rules below are
the source; ``spam_pipeline_path`` builds the pipeline into ``data/spacy/spam_rules/`` on first
use (and again whenever the rules or spaCy change), and ``tools/build_spam_pipeline.py`` rebuilds
it on demand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from snorkel_slice.datasets.fetch import default_data_dir

# The byte-order mark that ends 1,548 of the 1,956 comments (and never occurs elsewhere in them).
BOM = "\ufeff"
# Artists of the five videos, plus Rihanna, who sings on Eminem's. Each phrase is matched on
# whole tokens in any case; the key becomes ``ent.ent_id_``. Every phrase occurs in the CSVs
# (tests/datasets/test_spam_pipeline.py checks), misspellings such as "Rihana" included. Rules
# cannot read meaning: "lmfao" is also laughter, and "roar" or "waka" may not be the song.
ARTISTS: dict[str, list[str]] = {
    "Psy": ["psy"],
    "Katy Perry": ["katy perry", "katy", "perry"],
    "LMFAO": ["lmfao"],
    "Eminem": ["eminem", "eminems"],
    "Rihanna": ["rihanna", "rihana"],
    "Shakira": ["shakira"],
}
# Song titles (and the parts of them comments use), keyed by the video's artist.
SONGS: dict[str, list[str]] = {
    "Psy": ["gangnam style", "gangnam", "gangnamstyle"],
    "Katy Perry": ["roar"],
    "LMFAO": ["party rock anthem", "party rock"],
    "Eminem": ["love the way you lie"],
    "Shakira": ["waka waka", "waka", "this time for africa"],
}
NAME = "spam_rules"
_VERSION = "1.0.0"  # bump when the build changes in a way the rules above do not show


def spam_patterns() -> list[dict[str, Any]]:
    """The entity ruler's patterns: one token pattern per phrase, matched on lower case.

    Examples
    --------
    >>> spam_patterns()[0]
    {'label': 'ARTIST', 'pattern': [{'LOWER': 'psy'}], 'id': 'Psy'}
    """
    return [
        {"label": label, "pattern": [{"LOWER": word} for word in phrase.split()], "id": key}
        for label, table in (("ARTIST", ARTISTS), ("SONG", SONGS))
        for key, phrases in table.items()
        for phrase in phrases
    ]


def build_spam_pipeline() -> Any:
    """The rule-based pipeline: ``spacy.blank("en")`` + ``sentencizer`` + ``entity_ruler``.

    Examples
    --------
    >>> nlp = build_spam_pipeline()
    >>> doc = nlp("Waka Waka by SHAKIRA!\\ufeff")
    >>> [(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents]
    [('Waka Waka', 'SONG', 'Shakira'), ('SHAKIRA', 'ARTIST', 'Shakira')]
    >>> nlp.pipe_names, len(list(doc.sents))
    (['sentencizer', 'entity_ruler'], 1)
    """
    import spacy
    from spacy.pipeline import Sentencizer
    from spacy.util import compile_suffix_regex

    nlp = spacy.blank("en")
    # The mark is its own suffix, so that the word before it is a word ("Shakira", not
    # "Shakira!\ufeff") and the punctuation before it is still split off.
    nlp.tokenizer.suffix_search = compile_suffix_regex([BOM, *nlp.Defaults.suffixes]).search
    # The mark ends a sentence as "!" does, so it never opens a sentence of its own.
    punct_chars = [*Sentencizer.default_punct_chars, BOM]
    nlp.add_pipe("sentencizer", config={"punct_chars": punct_chars})
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(spam_patterns())
    nlp.meta.update(
        name=NAME,
        version=_VERSION,
        description="Rule-based pipeline for the YouTube spam comments: sentences, ARTIST and "
        "SONG entities. Built by snorkel_slice.datasets.spam_pipeline; do not edit by hand.",
        license="Apache-2.0",
    )
    nlp.meta["snorkel_slice_fingerprint"] = fingerprint()
    return nlp


def fingerprint() -> str:
    """A hash of what the build depends on: the rules, this module's version and spaCy's."""
    inputs = json.dumps([spam_patterns(), BOM, _VERSION, version("spacy")], sort_keys=True)
    return hashlib.sha256(inputs.encode()).hexdigest()[:16]


def write_spam_pipeline(path: str | Path) -> Path:
    """Build the pipeline and save it with ``nlp.to_disk`` to ``path``, replacing what is there.

    The pipeline is written to a temporary folder beside ``path`` and moved into place when
    complete, so an interrupted build never leaves a half pipeline under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        build_spam_pipeline().to_disk(tmp / NAME)
        shutil.rmtree(path, ignore_errors=True)
        try:
            (tmp / NAME).rename(path)
        except OSError:  # another process moved its build in first; keep it if it is this one
            if _built_fingerprint(path) != fingerprint():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def spam_pipeline_path(data_dir: str | Path | None = None, rebuild: bool = False) -> Path:
    """The saved spam pipeline, ``<data_dir>/spacy/spam_rules``, built there if missing or stale.

    Pass it as ``language=`` to an NLP SF. spaCy is imported only when a build is needed.

    Parameters
    ----------
    data_dir
        Folder that receives ``spacy/spam_rules``; None means the repository's ``data/``.
    rebuild
        Build the pipeline again even if the saved one is up to date.

    Returns
    -------
    pathlib.Path
        The folder of the saved pipeline (it holds ``config.cfg``).

    Examples
    --------
    >>> spam_pipeline_path().relative_to(default_data_dir()).as_posix()
    'spacy/spam_rules'
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    path = folder / "spacy" / NAME
    if rebuild or _built_fingerprint(path) != fingerprint():
        write_spam_pipeline(path)
        # A build artefact: keep the whole folder out of version control.
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Built by snorkel_slice.datasets.spam_pipeline; never committed.\n*\n")
    return path


def _built_fingerprint(path: Path) -> str | None:
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if not (path / "config.cfg").is_file():
        return None
    return meta.get("snorkel_slice_fingerprint")
