"""Lesson 07's exercises: each reference answer passes its check, plausible wrong answers fail
with feedback that names what is wrong, and copying what the lesson showed fails."""

import re
from collections import Counter

import pandas as pd
import pytest
import spacy

from exercises import lesson07
from exercises.solutions import lesson07 as solution
from snorkel_slice.slicing import nlp_slicing_function, slicing_function

SPAM_RULES = solution.SPAM_RULES


@pytest.fixture(scope="module")
def df_train(labelled):
    return labelled[0]


@pytest.fixture(scope="module")
def df_test(labelled):
    return labelled[3]


@pytest.fixture(scope="module")
def train_docs(df_train):
    return list(spacy.load(SPAM_RULES).pipe(df_train["text"]))


def _shouts(count, language=SPAM_RULES):
    """An NLP SF named like the exercise's, slicing comments where count(doc) is true."""

    @nlp_slicing_function(language=language)
    def shouts(x):
        return count(x.doc)

    return shouts


def _reference_count(doc):
    """The reference's rule; only the pipeline differs in the tests that use it."""
    return sum(solution.is_shouted(t) for t in doc) >= solution.MIN_SHOUTED


# 7a ------------------------------------------------------------------------------------------


def test_the_shouts_solution_passes(df_test):
    feedback = lesson07.check_shouts(solution.shouts, df_test)
    assert feedback, feedback
    assert repr(feedback).startswith("[correct]")
    assert f"all {len(df_test)} rows are sliced as expected" in feedback.message


def test_the_shouts_solution_passes_on_the_training_comments_too(df_test, df_train):
    feedback = lesson07.check_shouts(solution.shouts, df_test, df_train)  # as the lesson calls it
    assert feedback, feedback
    assert f"Right on {len(df_train)} other comments too." in feedback.message


def test_an_sf_listing_the_shouting_test_comments_fails_on_the_training_comments(df_test, df_train):
    # Copying: the test comments the reference slices (the check quotes them), typed in as texts.
    from snorkel_slice.slicing import PandasSFApplier

    inside = PandasSFApplier([solution.shouts]).apply(df_test, progress_bar=False)["shouts"] == 1
    texts = set(df_test["text"][inside])
    copied = _shouts(lambda doc: doc.text in texts)
    assert lesson07.check_shouts(copied, df_test), "the copy is right on the comments it lists"
    feedback = lesson07.check_shouts(copied, df_test, df_train)
    assert not feedback
    assert f"Right on the {len(df_test)} comments of the lesson, but not on {len(df_train)} others" in feedback.message
    assert "missing from your slice" in feedback.message
    assert "Count the shouted tokens of x.doc instead of listing comments." in feedback.message


def test_the_notebook_starting_point_fails_and_quotes_the_reference_counts(df_test):
    feedback = lesson07.check_shouts(_shouts(lambda doc: False), df_test)
    assert not feedback
    assert "missing from your slice" in feedback.message
    assert re.search(r"Hint: index \d+: the reference counts \d+ shouted tokens \('[A-Z]+'", feedback.message)


@pytest.mark.parametrize(
    "count, hint",
    [
        (lambda doc: sum(t.is_alpha and t.is_upper for t in doc) >= 3,
         "capitals of any length gives: 'I', 'A' and 'OK' count in yours. Keep only tokens with len(token) >= 3."),
        (lambda doc: sum(t.is_upper and len(t) >= 3 for t in doc) >= 3,
         "upper-case tokens that are not words gives"),
        (lambda doc: sum(w.isalpha() and w.isupper() and len(w) >= 3 for w in doc.text.split()) >= 3,
         "splitting the text on spaces gives"),
        (lambda doc: sum(t.is_alpha and t.is_upper and len(t) >= 3 for t in doc) > 3,
         "what '> 3' gives; at least 3 means '>= 3'"),
        (lambda doc: sum(t.is_alpha and t.is_upper and len(t) >= 3 for t in doc) >= 2,
         "what '>= 2' gives; at least 3 means '>= 3'"),
        (lambda doc: sum(t.is_alpha and t.is_upper and len(t) > 3 for t in doc) >= 3,
         "what 'len(token) > 3' gives"),
    ],
    ids=["any-length", "not-alpha", "split-on-spaces", "greater-than", "off-by-one", "len-greater"],
)
def test_a_plausible_slip_is_named(df_test, count, hint):
    feedback = lesson07.check_shouts(_shouts(count), df_test)
    assert not feedback
    assert "rows are sliced differently" in feedback.message
    assert re.search(r"index \d+: '", feedback.message), feedback.message  # quotes a comment
    assert hint in feedback.message, feedback.message
    assert feedback.message.count("Hint: your slice is what") == 1  # one diagnosis, not a list


# On the test comments the blank pipeline happens to give the same slice; on these it does not.
MARKED = pd.DataFrame({"text": ["OMG LOVE THIS\ufeff", "nice song\ufeff"]})


def test_shouts_with_the_blank_pipeline_is_told_about_the_byte_order_mark():
    feedback = lesson07.check_shouts(_shouts(_reference_count, language="blank:en"), MARKED)
    assert not feedback
    assert "index 0: 'OMG LOVE THIS\\ufeff'" in feedback.message
    assert "the reference counts 3 shouted tokens ('OMG', 'LOVE', 'THIS')" in feedback.message
    assert "language='blank:en'" in feedback.message
    assert "byte-order mark" in feedback.message
    assert "language=SPAM_RULES" in feedback.message


def test_shouts_with_another_saved_pipeline_names_its_folder_not_its_path(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "my_pipeline")
    feedback = lesson07.check_shouts(
        _shouts(_reference_count, language=str(tmp_path / "my_pipeline")), MARKED
    )
    assert not feedback
    assert "a pipeline saved in a folder named 'my_pipeline'" in feedback.message
    assert str(tmp_path) not in feedback.message


def test_a_plain_sf_is_told_to_use_the_nlp_decorator(df_test):
    @slicing_function()
    def shouts(x):
        return sum(w.isupper() for w in x.text.split()) >= 3

    feedback = lesson07.check_shouts(shouts, df_test)
    assert not feedback
    assert "is a plain SF, so x has no Doc" in feedback.message
    assert "@nlp_slicing_function(language=SPAM_RULES)" in feedback.message


def test_an_sf_returning_the_count_reports_the_sf_error(df_test):
    feedback = lesson07.check_shouts(_shouts(lambda doc: sum(t.is_upper for t in doc)), df_test)
    assert not feedback
    assert "your SF 'shouts' raised" in feedback.message


def test_an_undecorated_function_is_told_to_decorate_it(df_test):
    feedback = lesson07.check_shouts(lambda x: False, df_test)
    assert not feedback
    assert "expected a SlicingFunction" in feedback.message


# 7b ------------------------------------------------------------------------------------------


def test_the_artist_mentions_solution_passes(df_train, train_docs):
    feedback = lesson07.check_artist_mentions(solution.artist_mentions(train_docs), df_train)
    assert feedback, feedback
    assert feedback.message.startswith(f"the {len(df_train)} comments name: Katy Perry ")


def test_counts_of_the_lessons_test_comments_fail_on_the_training_comments(df_train, df_test):
    # Copying: the counts a learner gets by running the lesson's cells on the test comments.
    test_docs = list(spacy.load(SPAM_RULES).pipe(df_test["text"]))
    feedback = lesson07.check_artist_mentions(solution.artist_mentions(test_docs), df_train)
    assert not feedback
    assert re.search(r"\d+ of the \d+ artists named have a wrong count: .*too few", feedback.message)


def test_a_counter_passes_too(df_train, train_docs):
    counts = Counter(e.ent_id_ for d in train_docs for e in d.ents if e.label_ == "ARTIST")
    assert lesson07.check_artist_mentions(counts, df_train)


def test_the_starting_point_says_what_to_do_and_gives_no_number_away(df_train, train_docs):
    feedback = lesson07.check_artist_mentions({}, df_train)
    assert not feedback
    assert "no counts yet" in feedback.message and "nlp.pipe" in feedback.message
    assert not re.search(r"\d", feedback.message.replace(str(len(df_train)), ""))


def test_counting_entity_texts_is_told_to_key_by_ent_id(df_train, train_docs):
    counts = Counter(e.text for d in train_docs for e in d.ents if e.label_ == "ARTIST")
    feedback = lesson07.check_artist_mentions(counts, df_train)
    assert not feedback
    assert "not an artist's id: 'Eminem'" not in feedback.message  # 'Eminem' is both a text and an id
    assert re.search(r"not an artist's id: '[^']+'", feedback.message), feedback.message
    assert "Key by ent.ent_id_" in feedback.message


def test_counting_songs_too_is_told_to_keep_artists(df_train, train_docs):
    counts = Counter(e.ent_id_ for d in train_docs for e in d.ents)
    feedback = lesson07.check_artist_mentions(counts, df_train)
    assert not feedback
    assert re.search(r"'Katy Perry' \(\d+, too many\)", feedback.message), feedback.message
    assert "counted SONG entities too" in feedback.message


def test_counting_comments_is_told_to_count_mentions(df_train, train_docs):
    counts = Counter(i for d in train_docs for i in {e.ent_id_ for e in d.ents if e.label_ == "ARTIST"})
    feedback = lesson07.check_artist_mentions(counts, df_train)
    assert not feedback
    assert "too few" in feedback.message
    assert "you counted comments, once each" in feedback.message


def test_a_wrong_count_never_gives_the_expected_number_away(df_train, train_docs):
    counts = solution.artist_mentions(train_docs) | {"Eminem": 1}
    feedback = lesson07.check_artist_mentions(counts, df_train)
    assert not feedback
    assert feedback.message == "1 of the 6 artists named have a wrong count: 'Eminem' (1, too few)."


@pytest.mark.parametrize(
    "answer, match",
    [
        ([("Eminem", 3)], r"expected a dict \{artist: mentions\}.*got list"),
        ({"Eminem": 2.5}, r"the counts must be whole numbers; 'Eminem' has 2\.5"),
        ({"Eminem": True}, r"the counts must be whole numbers; 'Eminem' has True"),
    ],
)
def test_answers_of_the_wrong_shape_are_named(df_train, answer, match):
    feedback = lesson07.check_artist_mentions(answer, df_train)
    assert not feedback
    assert re.search(match, feedback.message), feedback.message


def test_the_check_works_on_any_comments():
    df = pd.DataFrame({"text": ["Eminem and EMINEM", "Roar by Katy Perry", "nice"]})
    assert lesson07.check_artist_mentions({"Eminem": 2, "Katy Perry": 1}, df)
    assert not lesson07.check_artist_mentions({"Eminem": 1, "Katy Perry": 1}, df)
