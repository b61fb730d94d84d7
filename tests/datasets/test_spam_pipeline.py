"""Lesson 07's rule-based spaCy pipeline: built the same every time, found where the lessons look,
rebuilt when stale, and its rules match what the comments really say.

Every build here goes to a temporary folder; the repository's data/ is never written.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import spacy
from spacy.matcher import Matcher

from snorkel_slice.datasets import build_spam_pipeline, spam_pipeline_path
from snorkel_slice.datasets.spam_pipeline import ARTISTS, SONGS, fingerprint, spam_patterns
from snorkel_slice.slicing import PandasSFApplier, nlp_slicing_function
from utils import SPAM_FILES


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return spam_pipeline_path(tmp_path_factory.mktemp("data"))


def test_a_fresh_build_equals_the_saved_one_byte_for_byte(built, tmp_path):
    fresh = spam_pipeline_path(tmp_path)
    assert fresh == tmp_path / "spacy" / "spam_rules"
    assert _files(fresh) == _files(built)
    assert {"config.cfg", "meta.json", "entity_ruler/patterns.jsonl"} <= set(_files(fresh))


def test_the_saved_patterns_and_config_are_the_rules_in_the_module(built):
    saved = [json.loads(line) for line in (built / "entity_ruler" / "patterns.jsonl").read_text().splitlines()]
    assert saved == spam_patterns()
    config = spacy.util.load_config(built / "config.cfg")
    assert config["nlp"]["pipeline"] == ["sentencizer", "entity_ruler"]
    assert "\ufeff" in config["components"]["sentencizer"]["punct_chars"]
    assert json.loads((built / "meta.json").read_text())["snorkel_slice_fingerprint"] == fingerprint()


def test_the_build_is_why_it_is_not_committed(built):
    # data/README.md: most of what nlp.to_disk writes is spaCy's binary tokenizer, not our text.
    sizes = {name: len(data) for name, data in _files(built).items()}
    assert sum(sizes.values()) > 50_000
    assert sizes["tokenizer"] > sum(sizes.values()) / 2
    assert sizes["entity_ruler/patterns.jsonl"] < 5_000
    if spacy.__version__ == "3.8.18":  # the pin; data/README.md quotes these sizes
        assert (sum(sizes.values()), sizes["tokenizer"], sizes["entity_ruler/patterns.jsonl"]) == (
            99_035, 77_071, 1_479), f"update the sizes in data/README.md: {sizes}"


def test_an_up_to_date_pipeline_is_reused_and_a_stale_one_rebuilt(tmp_path):
    path = spam_pipeline_path(tmp_path)
    assert (tmp_path / "spacy" / ".gitignore").read_text().splitlines()[-1] == "*"
    config = path / "config.cfg"
    os.utime(config, (0, 0))
    assert spam_pipeline_path(tmp_path) == path and config.stat().st_mtime == 0  # reused
    meta = json.loads((path / "meta.json").read_text())
    (path / "meta.json").write_text(json.dumps(meta | {"snorkel_slice_fingerprint": "old rules"}))
    spam_pipeline_path(tmp_path)
    assert config.stat().st_mtime > 0  # rebuilt
    assert json.loads((path / "meta.json").read_text())["snorkel_slice_fingerprint"] == fingerprint()
    config.unlink()  # a half pipeline is rebuilt too
    assert (spam_pipeline_path(tmp_path) / "config.cfg").is_file()
    assert not [p.name for p in path.parent.iterdir() if p.name.startswith(".spam_rules-")]


def test_finding_an_up_to_date_pipeline_does_not_import_spacy(built):
    code = ("import sys; from snorkel_slice.datasets import spam_pipeline_path; "
            f"spam_pipeline_path({str(built.parents[1])!r}); assert 'spacy' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "text, ents, n_sents",
    [
        ("love Shakira!\ufeff", [("Shakira", "ARTIST", "Shakira")], 1),
        ("WAKA WAKA by SHAKIRA", [("WAKA WAKA", "SONG", "Shakira"), ("SHAKIRA", "ARTIST", "Shakira")], 1),
        ("Katy Perry's Roar. Eminem ft. Rihanna!", [("Katy Perry", "ARTIST", "Katy Perry"), ("Roar", "SONG", "Katy Perry"),
                                                    ("Eminem", "ARTIST", "Eminem"), ("Rihanna", "ARTIST", "Rihanna")], 3),
        ("oppa gangnam style", [("gangnam style", "SONG", "Psy")], 1),
        ("Great song!\ufeff", [], 1),  # the mark never opens a sentence of its own
        ("I like shakira's dress", [("shakira", "ARTIST", "Shakira")], 1),
        ("my name is Johnny", [], 1),  # no rule, no entity: names need a trained model
    ],
)
def test_the_rules_on_literal_comments(built, text, ents, n_sents):
    doc = spacy.load(built)(text)
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == ents
    assert len(list(doc.sents)) == n_sents
    assert not [t.text for t in doc if len(t) > 1 and "\ufeff" in t.text]  # the mark stands alone


def test_the_mark_is_split_off_where_blank_english_keeps_it(built):
    text = "love Shakira!\ufeff"
    assert [t.text for t in spacy.blank("en")(text)] == ["love", "Shakira!\ufeff"]
    assert [t.text for t in spacy.load(built)(text)] == ["love", "Shakira", "!", "\ufeff"]


def test_every_rule_matches_some_comment_of_the_collection(spam_source):
    texts = pd.concat([pd.read_csv(spam_source / name) for name in SPAM_FILES])["CONTENT"]
    nlp = build_spam_pipeline()
    docs = list(nlp.pipe(texts))
    unused = []
    for pattern in spam_patterns():
        matcher = Matcher(nlp.vocab)
        matcher.add("rule", [pattern["pattern"]])
        if not any(matcher(doc) for doc in docs):
            unused.append(pattern)
    assert not unused, f"these rules match no comment: {unused}"
    found = {e.ent_id_ for doc in docs for e in doc.ents}
    assert found == set(ARTISTS) | set(SONGS)


def test_an_nlp_sf_takes_the_path_and_agrees_with_spacy(built, labelled):
    @nlp_slicing_function(language=built)
    def mentions_artist(x):
        return any(ent.label_ == "ARTIST" for ent in x.doc.ents)

    df = labelled[3]
    S = PandasSFApplier([mentions_artist]).apply(df, progress_bar=False)
    nlp = spacy.load(built)
    assert S.mentions_artist.tolist() == [int(any(e.label_ == "ARTIST" for e in nlp(t).ents)) for t in df.text]
    assert S.mentions_artist.sum() == 34  # lesson 07 quotes it
