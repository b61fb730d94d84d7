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


# 8a ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def df_test(labelled):
    return labelled[3]


def _partition_with(**kwargs):
    def partition(df, max_rows):
        return dd.from_pandas(df, **kwargs(df, max_rows) if callable(kwargs) else kwargs)
    return partition


@pytest.mark.parametrize(
    "partition",
    [
        solution.partition,
        lambda df, max_rows: dd.from_pandas(df, chunksize=max_rows, sort=False),
        # issue 14: a new index is fine, the row order is what S depends on
        lambda df, max_rows: dd.from_pandas(df.reset_index(drop=True), chunksize=max_rows),
    ],
    ids=["solution", "chunksize", "reset-index"],
)
def test_order_keeping_partitions_pass_on_both_frames(partition, df_train, sfs):
    feedback = lesson08.check_partitions(partition, df_train, sfs)
    assert feedback, feedback
    assert repr(feedback).startswith("[correct] Exercise 8a: partition(df_train, 500): 4 partitions of")
    assert f"S from Dask equals pandas's S on all {len(df_train)} rows" in feedback.message
    assert "partition(the test comments, 120): 3 partitions of" in feedback.message


def test_the_notebook_starting_point_is_told_its_partitions_are_too_big(df_train, sfs):
    feedback = lesson08.check_partitions(
        lambda df, max_rows: dd.from_pandas(df, npartitions=2), df_train, sfs)
    assert not feedback
    assert "partition(df_train, 500): 2 partitions of 792 and 794 rows" in feedback.message
    assert f"at least ceil({len(df_train)} / 500) = 4 partitions" in feedback.message


def test_sorted_partitions_are_told_to_pass_sort_false_without_garbled_text(df_train, sfs):
    # The plausible slip: the right number of partitions, but from_pandas sorts by the index.
    feedback = lesson08.check_partitions(
        lambda df, max_rows: dd.from_pandas(df, npartitions=-(-len(df) // max_rows)), df_train, sfs)
    assert not feedback
    assert "rows sit at another position than in df_train" in feedback.message
    assert "(S from Dask differs from pandas's: short_comment on" in feedback.message
    assert "sort=False" in feedback.message and "restarts at 0 for every video" in feedback.message
    assert "no row rows" not in feedback.message


def test_copying_the_lessons_answer_for_df_train_fails_on_the_test_comments(df_train, sfs):
    # Four partitions is right for df_train at 500 rows; a fixed count is not a rule.
    feedback = lesson08.check_partitions(
        lambda df, max_rows: dd.from_pandas(df, npartitions=4, sort=False), df_train, sfs)
    assert not feedback
    assert "partition(the test comments, 120): 4 partitions of" in feedback.message
    assert "Compute the number from max_rows rather than fixing it." in feedback.message


def test_too_many_partitions_are_told_how_many_would_do(df_train, sfs):
    feedback = lesson08.check_partitions(
        lambda df, max_rows: dd.from_pandas(df, npartitions=8, sort=False), df_train, sfs)
    assert not feedback
    assert "partition(df_train, 500): 8 partitions of" in feedback.message
    assert "4 partitions of at most 500 rows would do" in feedback.message


@pytest.mark.parametrize(
    "answer, match",
    [
        (lambda df, max_rows: df, "returned DataFrame, expected a Dask DataFrame; that is a pandas DataFrame"),
        (lambda df, max_rows: df.text.tolist(), "returned list, expected a Dask DataFrame; build one with"),
        (lambda df, max_rows: dd.from_pandas(df.iloc[:250], npartitions=1, sort=False),
         "the partitions hold 250 rows in all"),
        (lambda df: dd.from_pandas(df, npartitions=4), "partition(df_train, 500) raised TypeError"),
        ("ddf", "expected a function partition(df, max_rows), got str 'ddf'"),
    ],
    ids=["pandas", "list", "other-rows", "one-argument", "not-a-function"],
)
def test_the_wrong_kind_of_answer_is_named(answer, match, df_train, sfs):
    feedback = lesson08.check_partitions(answer, df_train, sfs)
    assert not feedback
    assert match in feedback.message


def test_a_dataframe_instead_of_the_function_is_told_to_pass_the_function(df_train, sfs):
    feedback = lesson08.check_partitions(solution.partition(df_train), df_train, sfs)
    assert not feedback
    assert "pass the function itself (partition), not a dataframe it made" in feedback.message


# 8b ------------------------------------------------------------------------------------------


def test_the_reference_functions_pass_on_both_sets_of_scenarios():
    feedback = lesson08.check_scaling_plan(solution.rows_per_second, solution.choose_tool)
    assert feedback, feedback
    assert "Rates: both right (1,250 and 2,222 rows/s)." in feedback.message
    assert "Choices: all 4 right." in feedback.message
    assert "On another team's scenarios (not shown): rates both right (2,500 and 6,250 rows/s)." in feedback.message


def test_the_notebook_starting_point_asks_for_functions():
    feedback = lesson08.check_scaling_plan(None, None)
    assert not feedback
    assert "expected the function rows_per_second, got NoneType None" in feedback.message


@pytest.mark.parametrize(
    "rate, hint",
    [
        (lambda rows, seconds: seconds / rows, "That is seconds per row; rows per second is rows / seconds."),
        (lambda rows, seconds: rows / seconds / 60, "That is rows per minute"),
    ],
    ids=["seconds-per-row", "per-minute"],
)
def test_a_wrong_rate_says_how_far_off_and_why(rate, hint):
    feedback = lesson08.check_scaling_plan(rate, solution.choose_tool)
    assert not feedback
    assert "your n_jobs=1 rate (rows/s) is" in feedback.message and "off by" in feedback.message
    assert hint in feedback.message
    assert "Choices: all 4 right." in feedback.message  # the other half still says what is right


def forgets_the_time_limit(scenario, rates, laptop):
    return "dask" if scenario["frame_gb"] > laptop["ram_gb"] / 5 else "pandas"


def forgets_memory(scenario, rates, laptop):
    limit = scenario["limit_minutes"] * 60
    if scenario["comments"] / rates["n_jobs=1"] <= limit:
        return "pandas"
    return "n_jobs" if scenario["comments"] / rates["n_jobs=2"] <= limit else "dask"


@pytest.mark.parametrize(
    "choose, lines",
    [
        (forgets_the_time_limit, ["2 of 4 right on the lesson's scenarios.",
                                  "B: your function chose 'pandas', expected 'n_jobs'. At 1,250 rows/s one process needs 800 s for 1,000,000 comments, over the 10-minute",
                                  "D: your function chose 'pandas', expected 'dask'."]),
        (forgets_memory, ["3 of 4 right on the lesson's scenarios.",
                          "C: your function chose 'pandas', expected 'dask'. The frame takes 20 GB, "
                          "more than a fifth of 16 GB (3.2 GB)"]),
    ],
    ids=["time-limit", "memory"],
)
def test_a_wrong_rule_is_explained_with_the_scenarios_numbers(choose, lines):
    feedback = lesson08.check_scaling_plan(solution.rows_per_second, choose)
    assert not feedback
    for line in lines:
        assert line in feedback.message


def test_copying_the_lessons_choices_fails_on_the_other_teams_scenarios():
    lessons = {"comments": dict(zip([s["comments"] for s in lesson08.SCENARIOS.values()],
                                    solution.scaling_plan(lesson08.MEASURED, lesson08.SCENARIOS, lesson08.LAPTOP)[1].values(),
                                    strict=True))}

    def copied(scenario, rates, laptop):  # the lesson's answers looked up, not computed
        return lessons["comments"].get(scenario["comments"], "pandas")

    feedback = lesson08.check_scaling_plan(solution.rows_per_second, copied)
    assert not feedback
    assert "Choices: all 4 right." in feedback.message
    assert "right on another team's scenarios (not shown)." in feedback.message
    assert "n_jobs=4 at 6,250 rows/s" in feedback.message


@pytest.mark.parametrize(
    "choose, match",
    [
        (lambda s, r, lap: "Pandas", "'Pandas' (A), 'Pandas' (B), 'Pandas' (C), 'Pandas' (D): not a tool"),
        (lambda s, r, lap: None, "your function returned None for A, B, C, D"),
        (lambda s, r: "pandas", "on the lesson's scenarios your functions raised TypeError"),
    ],
    ids=["unknown-tool", "none", "two-arguments"],
)
def test_choices_in_the_wrong_form_are_named(choose, match):
    feedback = lesson08.check_scaling_plan(solution.rows_per_second, choose)
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


# 8c ------------------------------------------------------------------------------------------


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
    assert repr(feedback).startswith(
        f"[correct] Exercise 8c: On the training comments: your expression slices all "
        f"{len(df_train)} rows as the Python SF regex_check_out does ({n_check_out} in the slice)")
    assert "On the test comments (never shown): your expression slices all 250 rows" in feedback.message


def test_copying_the_training_rows_fails_on_the_test_comments(sdf_train, df_train):
    # The lesson's rows hard-coded: right on df_train, wrong on comments it never saw.
    from pyspark.sql import functions as F

    hits = df_train.text[df_train.text.str.contains("check.*out", case=False)].tolist()
    feedback = lesson08.check_column_expression(F.col("text").isin(hits), sdf_train)
    assert not feedback
    assert "On the training comments: your expression slices all" in feedback.message
    assert "On the test comments (never shown):" in feedback.message
    assert "in the SF's slice but not in yours" in feedback.message


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
