"""Reference answers to lesson 08's exercises. Try the exercise first!"""

import math

import dask.dataframe as dd
import pandas as pd


# 8a
def partition(df: pd.DataFrame, max_rows: int = 500) -> dd.DataFrame:
    """As few partitions as allow at most `max_rows` rows each, in `df`'s own row order."""
    # sort=False: df_train's index restarts at 0 for every video, and sorting by it would
    # interleave the videos, so row i of S would no longer be row i of df.
    return dd.from_pandas(df, npartitions=math.ceil(len(df) / max_rows), sort=False)


# 8b
def rows_per_second(rows: int, seconds: float) -> float:
    """A rate is rows over seconds (not seconds per row)."""
    return rows / seconds


def choose_tool(scenario: dict, rates: dict, laptop: dict) -> str:
    """The lowest rung of the lesson's ladder that handles `scenario` on `laptop`."""
    if scenario["frame_gb"] > laptop["ram_gb"] / 5:  # pandas needs ~5x the frame in memory
        return "dask"
    limit = scenario["limit_minutes"] * 60
    if scenario["comments"] / rates["n_jobs=1"] <= limit:
        return "pandas"
    if scenario["comments"] / rates[f"n_jobs={laptop['cores']}"] <= limit:
        return "n_jobs"
    return "dask"  # even every core of the laptop is too slow: more machines


def scaling_plan(measured: dict, scenarios: dict, laptop: dict) -> tuple[dict, dict]:
    """The rates of the measured settings, and the tool chosen for every scenario."""
    rates = {k: rows_per_second(measured["rows"], s) for k, s in measured["seconds"].items()}
    choices = {name: choose_tool(s, rates, laptop) for name, s in scenarios.items()}
    return rates, choices


# 8c
def check_out_expression():
    """``regex_check_out`` as a Spark column expression (needs an active SparkSession)."""
    from pyspark.sql import functions as F

    # Python's flags=re.I is written inline in Java's regular expressions: (?i). rlike, like
    # re.search, matches anywhere in the text. Java's "." also stops at \r and a few other line
    # breaks that Python's crosses; no training comment has one (the check compares every row).
    return F.col("text").rlike("(?i)check.*out")


# In the notebook:
#     lesson08.check_partitions(partition, df_train, sfs)
#     lesson08.check_scaling_plan(rows_per_second, choose_tool)
#     check_out = check_out_expression()
