"""Lesson 01's exercises: each reference answer passes its check, plausible wrong answers fail
with feedback that names what is wrong, and an SF that lists the test comments the lesson showed
(copying instead of stating a rule) fails on the training comments."""

import re

import pandas as pd
import pytest

from exercises import lesson01
from exercises.solutions import lesson01 as solution
from snorkel_slice.preprocess.core import preprocessor
from snorkel_slice.slicing.sf import SlicingFunction, slicing_function


@pytest.fixture(scope="module")
def df_test(labelled):
    return labelled[3]


@pytest.fixture(scope="module")
def df_train(labelled):
    return labelled[0]


CASES = [
    (lesson01.check_has_link, solution.has_link),
    (lesson01.check_keyword_subscribe, solution.keyword_subscribe),
    (lesson01.check_shouting, solution.shouting),
]


@pytest.mark.parametrize(
    "check, answer",
    [
        (lesson01.check_has_link, solution.has_link),
        (lesson01.check_keyword_subscribe, solution.keyword_subscribe),
        (lesson01.check_shouting, solution.shouting),
    ],
    ids=["1a", "1b", "1c"],
)
def test_the_solution_passes(check, answer, df_test, df_train):
    feedback = check(answer, df_test)
    assert feedback, feedback
    assert repr(feedback).startswith("[correct]")
    assert f"all {len(df_test)} rows are sliced as expected" in feedback.message
    feedback = check(answer, df_test, df_train)  # as the lesson calls it
    assert feedback, feedback
    assert f"Right on {len(df_train)} other comments too." in feedback.message


@pytest.mark.parametrize("check, answer", CASES, ids=["1a", "1b", "1c"])
def test_an_sf_listing_the_lessons_test_comments_fails_on_the_training_comments(
    check, answer, df_test, df_train
):
    # Copying: the reference's slice of the test comments, typed in as a set of texts.
    from snorkel_slice import PandasSFApplier

    inside = PandasSFApplier([answer]).apply(df_test, progress_bar=False)[answer.name] == 1
    texts = set(df_test["text"][inside])

    @slicing_function(name=answer.name, pre=list(answer.pre))
    def copied(x):
        return x.text in texts

    if check is lesson01.check_keyword_subscribe:  # 1b asks for resources: give it the lookup
        copied = SlicingFunction(name=answer.name, f=lambda x, keywords: x.text in texts,
                                 resources=dict(keywords=["subscribe", "channel"]))
    assert check(copied, df_test), "the copy is right on the test comments it lists"
    feedback = check(copied, df_test, df_train)
    assert not feedback
    assert f"Right on the {len(df_test)} comments of the lesson, but not on {len(df_train)} others" in feedback.message
    assert "missing from your slice" in feedback.message
    assert "Write the rule itself rather than listing comments." in feedback.message


# 1a ------------------------------------------------------------------------------------------


def test_has_link_that_only_looks_for_http_names_the_missing_markers(df_test):
    @slicing_function()
    def has_link(x):
        return "http" in x.text.lower()

    feedback = lesson01.check_has_link(has_link, df_test)
    assert not feedback
    assert "missing from your slice" in feedback.message
    assert re.search(r"index \d+: '", feedback.message), feedback.message  # quotes a comment
    assert re.search(r"contain '\.com' \(\d+\)", feedback.message), feedback.message
    assert "'http'" not in feedback.message.split("Hint:")[1]  # http rows are all found


def test_has_link_that_ignores_case_is_told_to_ignore_case():
    df = pd.DataFrame({"text": ["nice song", "see www.example.com", "VISIT FIREPA.COM"]})

    @slicing_function()
    def has_link(x):
        return bool(re.search(r"http|www\.|\.com", x.text))

    feedback = lesson01.check_has_link(has_link, df)
    assert not feedback
    assert "index 2: 'VISIT FIREPA.COM'" in feedback.message
    assert "only when case is ignored" in feedback.message
    assert "flags=re.I" in feedback.message


def test_has_link_that_is_too_broad_quotes_the_extra_rows(df_test):
    @slicing_function()
    def has_link(x):
        return "." in x.text

    feedback = lesson01.check_has_link(has_link, df_test)
    assert not feedback
    assert "in your slice but should not be" in feedback.message


def test_has_link_returning_a_match_object_reports_the_sf_error(df_test):
    @slicing_function()
    def has_link(x):
        return re.search(r"http", x.text)

    feedback = lesson01.check_has_link(has_link, df_test)
    assert not feedback
    assert "your SF 'has_link' raised" in feedback.message
    assert "expected True or False" in feedback.message


def test_an_undecorated_function_is_told_to_use_the_decorator(df_test):
    def has_link(x):
        return "http" in x.text

    feedback = lesson01.check_has_link(has_link, df_test)
    assert not feedback
    assert "expected a SlicingFunction, got function" in feedback.message
    assert "@slicing_function()" in feedback.message


# 1b ------------------------------------------------------------------------------------------


def _keyword_sf(keywords):
    return SlicingFunction(
        name="keyword_subscribe", f=solution.keyword_lookup, resources=dict(keywords=keywords)
    )


def test_keyword_sf_without_keywords_is_told_to_pass_resources(df_test):
    feedback = lesson01.check_keyword_subscribe(_keyword_sf([]), df_test)
    assert not feedback
    assert "has no keywords yet" in feedback.message
    assert "resources=dict(keywords=[...])" in feedback.message


def test_keyword_sf_missing_a_keyword_names_it(df_test):
    feedback = lesson01.check_keyword_subscribe(_keyword_sf(["subscribe"]), df_test)
    assert not feedback
    assert "missing from your slice" in feedback.message
    assert re.search(r"use 'channel' \(\d+\)", feedback.message), feedback.message


def test_keyword_sf_with_capitalised_keywords_is_told_to_lower_them(df_test):
    feedback = lesson01.check_keyword_subscribe(_keyword_sf(["Subscribe", "Channel"]), df_test)
    assert not feedback
    assert "['Subscribe', 'Channel'] can never match" in feedback.message
    assert "lower case" in feedback.message


def test_keyword_sf_that_is_too_broad_quotes_the_extra_rows(df_test):
    feedback = lesson01.check_keyword_subscribe(_keyword_sf(["sub", "channel"]), df_test)
    assert not feedback
    assert "in your slice but should not be" in feedback.message


# 1c ------------------------------------------------------------------------------------------


def _shouting_with(ratio):
    @preprocessor(memoize=True)
    def caps_ratio(x):
        x.caps_ratio = ratio(x.text)
        return x

    @slicing_function(pre=[caps_ratio])
    def shouting(x):
        return x.caps_ratio > 0.5

    return shouting


def test_shouting_over_all_characters_shows_both_ratios(df_test):
    # A plausible slip: dividing by every character, spaces and punctuation included.
    shouting = _shouting_with(lambda t: sum(c.isupper() for c in t) / len(t))
    feedback = lesson01.check_shouting(shouting, df_test)
    assert not feedback
    assert "missing from your slice" in feedback.message
    assert re.search(r"your caps_ratio is 0\.\d\d, expected 0\.\d\d", feedback.message)
    assert "capitals / letters" in feedback.message


def test_shouting_that_divides_by_zero_is_told_which_comments_do_it(df_test):
    def letters_ratio(t):
        letters = [c for c in t if c.isalpha()]
        return sum(c.isupper() for c in letters) / len(letters)

    feedback = lesson01.check_shouting(_shouting_with(letters_ratio), df_test)
    assert not feedback
    assert "ZeroDivisionError" in feedback.message
    assert "no letters" in feedback.message
    assert "0.0" in feedback.message


def test_shouting_without_a_preprocessor_is_told_to_add_one(df_test):
    @slicing_function()
    def shouting(x):
        return x.text.isupper()

    feedback = lesson01.check_shouting(shouting, df_test)
    assert not feedback
    assert "has no preprocessor" in feedback.message
    assert "pre=[caps_ratio]" in feedback.message


def test_the_notebook_starting_point_fails_with_the_expected_ratios(df_test):
    feedback = lesson01.check_shouting(_shouting_with(lambda t: 0.0), df_test)
    assert not feedback
    assert "your caps_ratio is 0.00, expected" in feedback.message
