"""NLP SFs: the same answers as spaCy itself, one Doc per text and pipeline, any applier, clear errors."""

import inspect
import pickle

import numpy as np
import pandas as pd
import pytest
import spacy
from spacy.language import Language

from snorkel_slice.preprocess.nlp import load_pipeline
from snorkel_slice.slicing import (
    DaskSFApplier,
    NLPSlicingFunction,
    PandasSFApplier,
    SlicingFunctionError,
    nlp_slicing_function,
)

CALLS = {"n": 0}


@Language.component("count_docs")
def count_docs(doc):
    CALLS["n"] += 1
    return doc


def counting_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("count_docs")
    return nlp


def has_number(x):
    return any(token.like_num for token in x.doc)


def has_url(x):
    return any(token.like_url for token in x.doc)


def test_nlp_sfs_agree_with_spacy_on_the_spam_comments(labelled):
    df = labelled[3][["text"]]
    sfs = [NLPSlicingFunction("has_number", has_number, language="blank:en"),
           NLPSlicingFunction("has_url", has_url, language="blank:en")]
    S = PandasSFApplier(sfs).apply(df, progress_bar=False)
    nlp = spacy.blank("en")
    docs = [nlp(text) for text in df.text]
    assert S.has_number.tolist() == [int(any(t.like_num for t in d)) for d in docs]
    assert S.has_url.tolist() == [int(any(t.like_url for t in d)) for d in docs]
    assert 0 < S.has_url.sum() < len(df)  # the check means something on these comments


def test_each_text_is_parsed_once_per_pipeline_and_shared_by_its_sfs():
    nlp = counting_pipeline()
    CALLS["n"] = 0
    sfs = [NLPSlicingFunction("has_number", has_number, language=nlp),
           NLPSlicingFunction("has_url", has_url, language=nlp)]
    assert sfs[0].spacy is sfs[1].spacy  # one preprocessor, one cache
    df = pd.DataFrame({"text": ["call 555 now", "nice song", "call 555 now", "see www.x.com"]})
    PandasSFApplier(sfs).apply(df, progress_bar=False)
    assert CALLS["n"] == 3  # three distinct texts, two SFs: parsed three times
    PandasSFApplier(sfs).apply(df, progress_bar=False)
    assert CALLS["n"] == 3  # and never again


def test_sfs_with_different_pipelines_coexist():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ARTIST", "pattern": "Shakira"}])
    mentions_artist = NLPSlicingFunction("mentions_artist", lambda x: any(e.label_ == "ARTIST" for e in x.doc.ents), language=nlp)
    long_comment = NLPSlicingFunction("long_comment", lambda x: len(x.doc) > 4, language="blank:en")
    assert mentions_artist.spacy is not long_comment.spacy
    S = PandasSFApplier([mentions_artist, long_comment]).apply(
        pd.DataFrame({"text": ["Shakira rocks", "this is a long comment here", "hi"]}), progress_bar=False)
    assert S.mentions_artist.tolist() == [1, 0, 0] and S.long_comment.tolist() == [0, 1, 0]


def test_nlp_sfs_work_with_n_jobs_dask_and_pickle(labelled):
    import dask.dataframe as dd

    df = labelled[3][["text"]].reset_index(drop=True)
    sfs = [NLPSlicingFunction("has_number", has_number, language="blank:en"),
           NLPSlicingFunction("has_url", has_url, language="blank:en")]
    serial = PandasSFApplier(sfs).apply(df, progress_bar=False)
    assert np.array_equal(PandasSFApplier(sfs).apply(df, progress_bar=False, n_jobs=2), serial)
    assert np.array_equal(DaskSFApplier(sfs).apply(dd.from_pandas(df, npartitions=3), scheduler="sync"), serial)
    copy = pickle.loads(pickle.dumps(sfs[0]))
    assert copy.spacy.docs_ == {}  # workers parse their own texts: no Docs are shipped
    assert np.array_equal(PandasSFApplier([copy]).apply(df, progress_bar=False).has_number, serial.has_number)


def test_a_saved_pipeline_loads_by_path(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "pipe")
    @nlp_slicing_function(language=str(tmp_path / "pipe"))
    def many_sentences(x):
        return len(list(x.doc.sents)) > 1

    S = PandasSFApplier([many_sentences]).apply(pd.DataFrame({"text": ["One. Two.", "Only one"]}), progress_bar=False)
    assert S.many_sentences.tolist() == [1, 0]


def test_call_shapes_are_snorkels():
    from snorkel.slicing.sf.nlp import NLPSlicingFunction as Theirs
    from snorkel.slicing.sf.nlp import nlp_slicing_function as theirs

    ours_params = list(inspect.signature(NLPSlicingFunction).parameters)
    assert ours_params == [p for p in inspect.signature(Theirs).parameters if p != "gpu"]
    assert list(inspect.signature(nlp_slicing_function).parameters) == [
        p for p in inspect.signature(theirs).parameters if p != "gpu"]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: load_pipeline("en_core_web_zz"), ValueError, r"The spaCy pipeline 'en_core_web_zz' is not installed\. Install it with `python -m spacy download en_core_web_zz`.*language='blank:en'"),
        (lambda: load_pipeline("/no/such/pipeline"), ValueError, r"language='/no/such/pipeline' is not a saved spaCy pipeline \(no config\.cfg there\)"),
        (lambda: load_pipeline(3), TypeError, r"language must be a spaCy package name, 'blank:<lang>', a path to a saved pipeline or an nlp object; got int"),
        (lambda: nlp_slicing_function(has_number), ValueError, r"@nlp_slicing_function needs parentheses"),
        (lambda: NLPSlicingFunction("x", has_number, text_field=3), TypeError, r"text_field must be a field name \(str\); got 3"),
        (lambda: PandasSFApplier([NLPSlicingFunction("num", has_number, language="blank:en", text_field="body")]).apply(pd.DataFrame({"text": ["a"]}), progress_bar=False),
         SlicingFunctionError, r"SF 'num' failed on the row with index 0: AttributeError: NLP SF preprocessor: the data point has no field 'body'; set text_field="),
        (lambda: PandasSFApplier([NLPSlicingFunction("num", has_number, language="blank:en")]).apply(pd.DataFrame({"text": [None]}), progress_bar=False),
         SlicingFunctionError, r"SF 'num' failed .*x\.text must be a str, got NoneType None\. Fill or drop missing texts first"),
        (lambda: PandasSFApplier([NLPSlicingFunction("num", has_number, language="en_core_web_zz")]).apply(pd.DataFrame({"text": ["a"]}), progress_bar=False),
         SlicingFunctionError, r"SF 'num' failed .*The spaCy pipeline 'en_core_web_zz' is not installed"),
    ],
)
def test_bad_nlp_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
