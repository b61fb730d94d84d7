"""Lesson 08's exercises: each reference answer passes its check, and plausible wrong answers fail
with feedback that names what is wrong."""

import dask.dataframe as dd
import numpy as np
import pytest
from spam_sfs import CHEAP, build_sfs

from exercises import lesson08
from exercises.solutions import lesson08 as solution


@pytest.fixture(scope="module")
def df_train(labelled):
    return labelled[0]


@pytest.fixture(scope="module")
def sfs():
    return build_sfs("snorkel_slice", CHEAP)


# 5a ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [solution.partition_train, lambda df: dd.from_pandas(df, chunksize=500, sort=False)],
    ids=["solution", "chunksize"],
)
def test_order_keeping_partitions_of_at_most_500_rows_pass(make, df_train, sfs):
    feedback = lesson08.check_partitions(make(df_train), df_train, sfs)
    assert feedback, feedback
    assert repr(feedback).startswith("[correct] Exercise 8a: 4 partitions of")
    assert f"S from Dask equals pandas's S on all {len(df_train)} rows" in feedback.message


def test_the_notebook_starting_point_is_told_its_partitions_are_too_big(df_train, sfs):
    feedback = lesson08.check_partitions(dd.from_pandas(df_train, npartitions=2), df_train, sfs)
    assert not feedback
    assert "your 2 partitions hold 792 and 794 rows" in feedback.message
    assert f"at least ceil({len(df_train)} / 500) partitions" in feedback.message


def test_sorted_partitions_are_told_to_pass_sort_false(df_train, sfs):
    # The plausible slip: the right number of partitions, but from_pandas sorts by the index.
    feedback = lesson08.check_partitions(dd.from_pandas(df_train, npartitions=4), df_train, sfs)
    assert not feedback
    assert "rows sit at another position than in df_train" in feedback.message
    assert "S from Dask differs from pandas's: short_comment on" in feedback.message
    assert "sort=False" in feedback.message
    assert "restarts at 0 for every video" in feedback.message


def test_too_many_partitions_are_told_how_many_would_do(df_train, sfs):
    ddf = dd.from_pandas(df_train, npartitions=8, sort=False)
    feedback = lesson08.check_partitions(ddf, df_train, sfs)
    assert not feedback
    assert "your 8 partitions hold" in feedback.message
    assert "4 partitions of at most 500 rows would do" in feedback.message


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda df: df, "expected a Dask DataFrame, got DataFrame; that is a pandas DataFrame"),
        (lambda df: df.text.tolist(), "expected a Dask DataFrame, got list; build one with"),
        (
            lambda df: dd.from_pandas(df.iloc[:250], npartitions=1, sort=False),
            "your partitions hold 250 rows in all",
        ),
    ],
    ids=["pandas", "list", "other-rows"],
)
def test_the_wrong_kind_of_frame_is_named(make, match, df_train, sfs):
    feedback = lesson08.check_partitions(make(df_train), df_train, sfs)
    assert not feedback
    assert match in feedback.message


# 5b ------------------------------------------------------------------------------------------


@pytest.fixture
def right():
    return solution.scaling_plan(lesson08.MEASURED, lesson08.SCENARIOS, lesson08.LAPTOP)


def test_the_scaling_plan_passes(right):
    feedback = lesson08.check_scaling_plan(*right)
    assert feedback, feedback
    assert "Rates: both right (1,250 and 2,222 rows/s)." in feedback.message
    assert "Choices: all 4 right." in feedback.message


def test_the_notebook_starting_point_asks_for_numbers_and_choices():
    rates = {"n_jobs=1": None, "n_jobs=2": None}
    feedback = lesson08.check_scaling_plan(rates, dict.fromkeys("ABCD"))
    assert not feedback
    assert "expected a number for n_jobs=1 rate (rows/s), got NoneType None" in feedback.message
    expected = "no choice yet for A, B, C, D; write one of 'pandas', 'n_jobs', 'dask'"
    assert expected in feedback.message


@pytest.mark.parametrize(
    "key, value, hint",
    [
        ("n_jobs=1", 16.0 / 20_000, "That is seconds per row; rows per second is rows / seconds."),
        ("n_jobs=1", 20_000 / 16.0 / 60, "That is rows per minute"),
        ("n_jobs=2", 2 * 20_000 / 16.0, "That is twice the n_jobs=1 rate, a perfect speed-up"),
    ],
    ids=["seconds-per-row", "per-minute", "perfect-speed-up"],
)
def test_a_wrong_rate_says_how_far_off_and_why(key, value, hint, right):
    rates, choices = right
    feedback = lesson08.check_scaling_plan({**rates, key: value}, choices)
    assert not feedback
    assert f"your {key} rate (rows/s) is" in feedback.message
    assert "off by" in feedback.message
    assert hint in feedback.message
    assert "Choices: all 4 right." in feedback.message  # the other half still says what is right


@pytest.mark.parametrize(
    "scenario, wrong, reason",
    [
        ("A", "n_jobs", "one process needs 240 s for 300,000 comments, within the 10-minute"),
        ("B", "pandas", "one process needs 800 s for 1,000,000 comments, over the 10-minute"),
        ("C", "n_jobs", "The frame takes 20 GB, more than a fifth of 16 GB (3.2 GB)"),
        ("D", "n_jobs", "needs 2,250 s, still over it, so it needs more machines"),
    ],
)
def test_a_wrong_choice_is_explained_with_the_scenarios_numbers(scenario, wrong, reason, right):
    rates, choices = right
    feedback = lesson08.check_scaling_plan(rates, {**choices, scenario: wrong})
    assert not feedback
    assert "3 of 4 right" in feedback.message
    assert f"{scenario}: you chose {wrong!r}, expected {choices[scenario]!r}." in feedback.message
    assert reason in feedback.message


@pytest.mark.parametrize(
    "choices, match",
    [
        ({"A": "Pandas", "B": "n_jobs", "C": "dask", "D": "dask"}, "'Pandas' (A): not a tool"),
        (["pandas", "n_jobs", "dask", "dask"], "expected a dict like {'A': 'pandas', ...}"),
    ],
    ids=["unknown-tool", "list"],
)
def test_choices_in_the_wrong_form_are_named(choices, match, right):
    feedback = lesson08.check_scaling_plan(right[0], choices)
    assert not feedback
    assert match in feedback.message


@pytest.mark.parametrize(
    "frame_gb, comments, expected",
    [
        (3.2, 1_000, "pandas"),  # exactly a fifth of 16 GB still fits
        (3.3, 1_000, "dask"),
        (0.1, 600 * 1_000, "pandas"),  # exactly at the limit with one process
        (0.1, 600 * 1_000 + 1, "n_jobs"),
        (0.1, 600 * 2_000 + 1, "dask"),
    ],
)
def test_choose_tool_follows_the_ladder_at_its_edges(frame_gb, comments, expected):
    scenario = {"comments": comments, "frame_gb": frame_gb, "limit_minutes": 10}
    rates = {"n_jobs=1": 1_000.0, "n_jobs=2": 2_000.0}
    assert solution.choose_tool(scenario, rates, {"ram_gb": 16, "cores": 2}) == expected


# 5c ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdf_train(spark, df_train):
    return spark.createDataFrame(df_train[["text"]])


@pytest.fixture(scope="module")
def n_check_out(df_train):
    return int(df_train.text.str.contains("check.*out", case=False).sum())


@pytest.mark.parametrize(
    "make",
    [
        lambda F: solution.check_out_expression(),
        lambda F: F.lower(F.col("text")).rlike("check.*out"),  # lower-casing also ignores case
    ],
    ids=["solution", "lower"],
)
def test_expressions_that_ignore_case_pass(make, sdf_train, df_train, n_check_out):
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(make(F), sdf_train)
    assert feedback, feedback
    assert repr(feedback) == (
        f"[correct] Exercise 8c: your expression slices all {len(df_train)} rows as the Python SF "
        f"regex_check_out does ({n_check_out} in the slice), with no row leaving Spark's JVM."
    )


def test_the_notebook_starting_point_is_told_which_rows_are_missing(sdf_train, n_check_out):
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(F.lit(False), sdf_train)
    assert not feedback
    assert f"{n_check_out} of 1586 rows are sliced differently" in feedback.message
    assert f"({n_check_out} in its slice, 0 in yours)" in feedback.message
    assert f"{n_check_out} in the SF's slice but not in yours, e.g.:\n    row " in feedback.message
    assert "Hint" not in feedback.message  # lower-casing the text would not help F.lit(False)


def test_a_case_sensitive_pattern_is_told_to_ignore_case(sdf_train, df_train):
    # The plausible slip: the Python pattern pasted into rlike, without re.I's counterpart.
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(F.col("text").rlike("check.*out"), sdf_train)
    assert not feedback
    missing = df_train.text.str.contains("check.*out", case=False) & ~df_train.text.str.contains(
        "check.*out")
    first = int(np.flatnonzero(missing.to_numpy())[0])
    assert f"{int(missing.sum())} in the SF's slice but not in yours, e.g.:" in feedback.message
    assert f"    row {first}: {df_train.text.iloc[first][:40]!r}"[:-1] in feedback.message
    assert "in your slice but not in the SF's" not in feedback.message
    assert "start the pattern with (?i), or lower the text first" in feedback.message


def test_a_literal_phrase_misses_the_rows_with_words_between(sdf_train):
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(F.lower("text").contains("check out"), sdf_train)
    assert not feedback
    assert "in the SF's slice but not in yours" in feedback.message
    assert "'CHECK MY CHANNEL OUT PLEASE. I DO SINGING COVERS" in feedback.message
    assert "Hint" not in feedback.message  # case is not what is missing


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda F: "(?i)check.*out",
         "expected a Spark Column such as F.col('text').rlike(...), got str '(?i)check.*out'. "
         "That is a pattern alone; test it on the column: F.col('text').rlike(pattern)."),
        (lambda F: F.length("text"),
         "your expression gives int values; a slice needs true or false per row"),
        (lambda F: F.col("txt").rlike("(?i)check.*out"),
         "Spark could not evaluate your expression: AnalysisException: "
         "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
         "`txt` cannot be resolved."),
        (lambda F: F.when(F.col("text").rlike("(?i)check.*out"), True),
         "your expression is null on"),
    ],
    ids=["pattern-only", "not-boolean", "unknown-column", "nulls"],
)
def test_expressions_of_the_wrong_kind_are_named(make, match, sdf_train):
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(make(F), sdf_train)
    assert not feedback
    assert match in feedback.message


def test_a_pandas_frame_is_not_a_spark_frame(spark, df_train):
    from pyspark.sql import functions as F

    feedback = lesson08.check_column_expression(F.lit(True), df_train)
    assert not feedback
    assert "expected the Spark DataFrame sdf_train, got DataFrame" in feedback.message
