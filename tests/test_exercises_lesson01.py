"""Lesson 01's exercises: each reference answer passes its check, and plausible wrong answers fail
with feedback that names what is wrong."""

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


@pytest.mark.parametrize(
    "check, answer",
    [
        (lesson01.check_has_link, solution.has_link),
        (lesson01.check_keyword_subscribe, solution.keyword_subscribe),
        (lesson01.check_shouting, solution.shouting),
    ],
    ids=["1a", "1b", "1c"],
)
def test_the_solution_passes(check, answer, df_test):
    feedback = check(answer, df_test)
    assert feedback, feedback
    assert repr(feedback).startswith("[correct]")
    assert f"all {len(df_test)} rows are sliced as expected" in feedback.message


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
