"""Checks for lesson 08's exercises (scaling out with Dask and Spark).

Every exercise asks for the learner's own computation, and every check runs it on data the lesson
never printed as well: 8a calls the learner's partitioning function on the training comments and
on the test comments (another size limit); 8b calls the learner's rate and choice functions on the
lesson's scenarios and on others; 8c evaluates the learner's Spark expression on the training and
the test comments. Expected answers come from ``exercises.solutions.lesson08`` (8c: from the
Python SF itself) at check time, and every message says what is off and why.

Examples
--------
>>> from exercises.solutions.lesson08 import choose_tool
>>> def hasty(scenario, rates, laptop):  # forgets the time limit: pandas whenever it fits
...     return "dask" if scenario["frame_gb"] > laptop["ram_gb"] / 5 else "pandas"
>>> print(check_scaling_plan(lambda rows, seconds: rows / seconds, hasty))
... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
[not yet] Exercise 8b: Rates: both right (1,250 and 2,222 rows/s).
Choices: 2 of 4 right on the lesson's scenarios.
B: your function chose 'pandas', expected 'n_jobs'. At 1,250 rows/s one process needs 800 s for
1,000,000 comments, over the 10-minute limit (600 s); n_jobs=2 at 2,222 rows/s needs 450 s, within it.
...
"""

from __future__ import annotations

import math
from numbers import Real

import dask.dataframe as dd
import numpy as np
import pandas as pd

from exercises.feedback import Feedback, _snippet, check_close
from exercises.solutions import lesson08 as solution
from snorkel_slice import DaskSFApplier, PandasSFApplier
from snorkel_slice.datasets import make_spam_sfs

# 8a: the largest partition the exercise allows, and the limit used on the test comments.
MAX_ROWS = 500
OTHER_MAX_ROWS = 120

# 8b: what the team measured, their laptop, and the jobs to plan. frame_gb is the pandas frame's
# memory_usage(deep=True); limit_minutes is how long the apply may take.
MEASURED = {"rows": 20_000, "seconds": {"n_jobs=1": 16.0, "n_jobs=2": 9.0}}
LAPTOP = {"ram_gb": 16, "cores": 2}
SCENARIOS = {
    "A": {"comments": 300_000, "frame_gb": 0.06, "limit_minutes": 10},
    "B": {"comments": 1_000_000, "frame_gb": 0.2, "limit_minutes": 10},
    "C": {"comments": 100_000_000, "frame_gb": 20.0, "limit_minutes": 24 * 60},
    "D": {"comments": 5_000_000, "frame_gb": 1.0, "limit_minutes": 10},
}
# The same questions on numbers the lesson never shows: another team, another laptop.
OTHER_MEASURED = {"rows": 5_000, "seconds": {"n_jobs=1": 2.0, "n_jobs=4": 0.8}}
OTHER_LAPTOP = {"ram_gb": 64, "cores": 4}
OTHER_SCENARIOS = {
    "E": {"comments": 2_000_000, "frame_gb": 0.4, "limit_minutes": 15},
    "F": {"comments": 4_000_000, "frame_gb": 0.8, "limit_minutes": 15},
    "G": {"comments": 20_000_000, "frame_gb": 4.0, "limit_minutes": 60},
    "H": {"comments": 50_000_000, "frame_gb": 14.0, "limit_minutes": 600},
}
TOOLS = ("pandas", "n_jobs", "dask")
RATE_TOL = 1.0  # rows/s; rounding to whole rows per second is fine

# 8c: the Python SF that the learner's Spark column expression must reproduce, and how many
# differing rows the feedback quotes of each kind.
EXPRESSION_SF = "regex_check_out"
MAX_QUOTED = 3


def check_partitions(
    partition: object, df: pd.DataFrame, sfs: list, max_rows: int = MAX_ROWS,
    other: pd.DataFrame | None = None,
) -> Feedback:
    """Exercise 8a: ``partition(df, max_rows)`` returns ``df`` as a Dask dataframe in as few
    partitions of at most ``max_rows`` rows as possible, in ``df``'s row order, so that Dask's
    ``S`` equals the pandas applier's. Checked on ``df`` and on ``other`` (default: the test
    comments, with at most ``OTHER_MAX_ROWS`` rows a partition)."""
    if isinstance(partition, dd.DataFrame | pd.DataFrame):
        return Feedback(
            "8a", False,
            "pass the function itself (partition), not a dataframe it made: the check calls it "
            "on other comments too, e.g. partition(df_test, 120).",
        )
    if not callable(partition):
        return Feedback("8a", False, f"expected a function partition(df, max_rows), got "
                                     f"{type(partition).__name__} {partition!r}.")
    if other is None:
        from utils import load_spam_dataset

        other = load_spam_dataset()[1]
    done = []
    for frame, limit, label in ((df, max_rows, "df_train"), (other, OTHER_MAX_ROWS, "the test comments")):
        ok, text = _check_one_partitioning(partition, frame, sfs, limit, label)
        if not ok:
            return Feedback("8a", False, text)
        done.append(text)
    return Feedback("8a", True, "\n".join(done))


def _check_one_partitioning(
    partition: object, df: pd.DataFrame, sfs: list, max_rows: int, label: str
) -> tuple[bool, str]:
    call = f"partition({label}, {max_rows})"
    try:  # the learner's function and dataframe: report any failure as feedback
        ddf = partition(df, max_rows)
        if not isinstance(ddf, dd.DataFrame):
            hint = ("that is a pandas DataFrame; turn it into a Dask one with dd.from_pandas(...)."
                    if isinstance(ddf, pd.DataFrame) else "build one with dd.from_pandas(df, ...).")
            return False, f"{call} returned {type(ddf).__name__}, expected a Dask DataFrame; {hint}"
        lengths = [int(n) for n in ddf.map_partitions(len).compute(scheduler="sync")]
        got = ddf.compute(scheduler="sync")
    except Exception as err:
        return False, f"{call} raised {type(err).__name__}: {err}"
    sizes = _sizes(lengths)
    if sum(lengths) != len(df):
        return False, (f"{call}: the partitions hold {sum(lengths)} rows in all ({sizes}); "
                       f"{label} has {len(df)}. Build the Dask dataframe from df itself.")
    needed = math.ceil(len(df) / max_rows)
    if max(lengths) > max_rows:
        return False, (f"{call}: {len(lengths)} partitions of {sizes} rows; at most {max_rows} "
                       f"each means at least ceil({len(df)} / {max_rows}) = {needed} partitions. "
                       "Compute the number from max_rows rather than fixing it.")
    if len(lengths) > needed:
        return False, (
            f"{call}: {len(lengths)} partitions of {sizes} rows; {needed} partitions of at most "
            f"{max_rows} rows would do. Each partition is a task with its own overhead (and its "
            "own memoized caches), so use as few as the limit allows. Compute the number from "
            "max_rows rather than fixing it.")
    # Row order is what S depends on; the index labels may change (e.g. reset_index(drop=True)).
    moved = int(np.sum(got["text"].to_numpy() != df["text"].to_numpy()))
    if moved:
        S_dask = DaskSFApplier(sfs).apply(ddf, scheduler="sync")
        S_pandas = PandasSFApplier(sfs).apply(df, progress_bar=False)
        differ = [f"{n} on {k} rows" for n in S_pandas.dtype.names
                  if (k := int(np.sum(S_dask[n] != S_pandas[n])))]
        lines = [f"{call}: {moved} of {len(df)} rows sit at another position than in {label}, "
                 "so row i of S no longer describes row i of the comments"
                 + (f" (S from Dask differs from pandas's: {', '.join(differ)})." if differ else ".")]
        if got.index.is_monotonic_increasing and not df.index.is_monotonic_increasing:
            lines.append(
                "Hint: your rows are sorted by the index. dd.from_pandas sorts unless you pass "
                "sort=False, and df_train's index restarts at 0 for every video.")
        return False, "\n".join(lines)
    return True, (f"{call}: {len(lengths)} partitions of {sizes} rows, in {label}'s order; S from "
                  f"Dask equals pandas's S on all {len(df)} rows.")


def check_scaling_plan(rows_per_second: object, choose_tool: object) -> Feedback:
    """Exercise 8b: ``rows_per_second(rows, seconds)`` and ``choose_tool(scenario, rates,
    laptop)``, checked on the lesson's timings and scenarios, then on another team's."""
    for name, f in (("rows_per_second", rows_per_second), ("choose_tool", choose_tool)):
        if not callable(f):
            return Feedback("8b", False, f"expected the function {name}, got {type(f).__name__} "
                                         f"{f!r}; the check calls it on other numbers too.")
    texts, ok = [], True
    for measured, scenarios, laptop, where in (
        (MEASURED, SCENARIOS, LAPTOP, "the lesson's scenarios"),
        (OTHER_MEASURED, OTHER_SCENARIOS, OTHER_LAPTOP, "another team's scenarios (not shown)"),
    ):
        expected_rates, expected_choices = solution.scaling_plan(measured, scenarios, laptop)
        try:
            rates = {k: rows_per_second(measured["rows"], s) for k, s in measured["seconds"].items()}
            choices = {name: choose_tool(sc, expected_rates, laptop) for name, sc in scenarios.items()}
        except Exception as err:
            return Feedback("8b", False, f"on {where} your functions raised {type(err).__name__}: {err}")
        rates_ok, rates_text = _check_rates(rates, expected_rates, measured)
        choices_ok, choices_text = _check_choices(choices, expected_choices, expected_rates,
                                                  scenarios, laptop, where)
        ok = ok and rates_ok and choices_ok
        texts.append(f"Rates: {rates_text}\nChoices: {choices_text}" if where.startswith("the")
                     else f"On {where}: rates {rates_text} Choices: {choices_text}")
        if not ok:
            break
    return Feedback("8b", ok, "\n".join(texts))


def _check_rates(rates: object, expected: dict[str, float], measured: dict) -> tuple[bool, str]:
    if not isinstance(rates, dict):
        return False, f"expected a dict like {{'n_jobs=1': ..., 'n_jobs=2': ...}}, got {rates!r}."
    problems = []
    for key, want in expected.items():
        value = rates.get(key)
        check = check_close("8b", value, want, f"{key} rate (rows/s)", tol=RATE_TOL)
        if check:
            continue
        text = check.message
        if isinstance(value, Real) and not isinstance(value, bool) and value > 0:
            rows, seconds = measured["rows"], measured["seconds"][key]
            if math.isclose(value, seconds / rows, rel_tol=1e-3):
                text += " That is seconds per row; rows per second is rows / seconds."
            elif math.isclose(value, rows / seconds / 60, rel_tol=1e-3):
                text += " That is rows per minute; divide rows by seconds."
            elif key != "n_jobs=1" and math.isclose(value, 2 * expected["n_jobs=1"], rel_tol=1e-3):
                text += (
                    f" That is twice the n_jobs=1 rate, a perfect speed-up that the timing does "
                    f"not show; use the measured {seconds} s."
                )
        problems.append(text)
    if not problems:
        shown = " and ".join(f"{v:,.0f}" for v in expected.values())
        return True, f"both right ({shown} rows/s)."
    return False, "\n".join(problems)


def _check_choices(
    choices: dict, expected: dict[str, str], rates: dict[str, float], scenarios: dict,
    laptop: dict, where: str,
) -> tuple[bool, str]:
    missing = [name for name in expected if choices.get(name) is None]
    if missing:
        return False, (
            f"your function returned None for {', '.join(missing)}; return one of "
            f"{', '.join(map(repr, TOOLS))}."
        )
    unknown = {name: choices[name] for name in expected if choices[name] not in TOOLS}
    if unknown:
        listed = ", ".join(f"{value!r} ({name})" for name, value in unknown.items())
        tools = ", ".join(map(repr, TOOLS))
        return False, f"{listed}: not a tool of the lesson; use one of {tools}."
    wrong = [name for name in expected if choices[name] != expected[name]]
    if not wrong:
        return True, f"all {len(expected)} right."
    lines = [f"{len(expected) - len(wrong)} of {len(expected)} right on {where}."]
    for name in wrong:
        lines.append(
            f"{name}: your function chose {choices[name]!r}, expected {expected[name]!r}. "
            + _reason(scenarios[name], rates, laptop)
        )
    return False, "\n".join(lines)


def _reason(scenario: dict, rates: dict[str, float], laptop: dict) -> str:
    # Why the ladder picks what it picks for this scenario, with the scenario's own numbers.
    budget = laptop["ram_gb"] / 5
    if scenario["frame_gb"] > budget:
        return (
            f"The frame takes {scenario['frame_gb']:g} GB, more than a fifth of "
            f"{laptop['ram_gb']} GB ({budget:g} GB), so pandas cannot work on it in memory however "
            "fast the SFs are."
        )
    n, limit = scenario["comments"], scenario["limit_minutes"]
    one, many = rates["n_jobs=1"], rates[f"n_jobs={laptop['cores']}"]
    text = (
        f"At {one:,.0f} rows/s one process needs {n / one:,.0f} s for {n:,} comments, "
        f"{'within' if n / one <= limit * 60 else 'over'} the {limit}-minute limit ({limit * 60} s)"
    )
    if n / one <= limit * 60:
        return text + ", so plain pandas is enough."
    within = n / many <= limit * 60
    return (
        text + f"; n_jobs={laptop['cores']} at {many:,.0f} rows/s needs {n / many:,.0f} s, "
        + ("within it." if within else "still over it, so it needs more machines.")
    )


def _sizes(lengths: list[int]) -> str:
    if len(lengths) <= 6:
        return ", ".join(map(str, lengths[:-1])) + (" and " if len(lengths) > 1 else "") + str(
            lengths[-1]
        )
    return f"{min(lengths)} to {max(lengths)}"


def check_column_expression(expr: object, sdf: object) -> Feedback:
    """Exercise 8c: ``expr`` slices every row of the Spark DataFrame ``sdf`` exactly as the Python
    SF ``regex_check_out`` does through ``SparkSFApplier``; the rows that differ are quoted."""
    from pyspark.sql import Column, DataFrame

    if not isinstance(sdf, DataFrame):
        return Feedback(
            "8c", False,
            f"expected the Spark DataFrame sdf_train, got {type(sdf).__name__}; make it with "
            "spark.createDataFrame(df_train[['text']]).",
        )
    if not isinstance(expr, Column):
        hint = " That is a pattern alone; test it on the column: F.col('text').rlike(pattern)." if (
            isinstance(expr, str)) else ""
        return Feedback(
            "8c", False,
            f"expected a Spark Column such as F.col('text').rlike(...), got "
            f"{type(expr).__name__} {expr!r}.{hint}",
        )
    ok, text = _compare_expression(expr, sdf, "the training comments")
    if not ok:
        return Feedback("8c", False, text)
    from utils import load_spam_dataset

    test = sdf.sparkSession.createDataFrame(load_spam_dataset()[1][["text"]])
    ok_test, text_test = _compare_expression(expr, test, "the test comments (never shown)")
    if not ok_test:
        return Feedback("8c", False, f"On the training comments: {text}\n{text_test}")
    return Feedback("8c", True, f"{text}\n{text_test}")


def _compare_expression(expr: object, sdf: object, label: str) -> tuple[bool, str]:
    # The learner's expression against the Python SF through SparkSFApplier, on every row of sdf.
    from pyspark.sql.types import BooleanType

    from snorkel_slice.slicing import SparkSFApplier

    try:  # the learner's expression: report any failure to evaluate it as feedback
        frame = sdf.select(expr.alias("got"))
        kind = frame.schema["got"].dataType
        got = [row.got for row in frame.collect()] if isinstance(kind, BooleanType) else None
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        return False, f"Spark could not evaluate your expression: {type(err).__name__}: {first}"
    if got is None:
        return False, (
            f"your expression gives {kind.simpleString()} values; a slice needs true or false "
            "per row, e.g. a comparison (F.length('text') < 20) or a match (F.col('text').rlike(...))."
        )
    texts = [row.text for row in sdf.select("text").collect()]
    nulls = [i for i, value in enumerate(got) if value is None]
    if nulls:
        return False, (
            f"your expression is null on {len(nulls)} of {len(got)} rows, e.g. row {nulls[0]}: "
            f"{_snippet(texts[nulls[0]])!r}; an SF answers True or False there. Make those rows "
            "false: F.coalesce(your_expression, F.lit(False))."
        )
    sf = make_spam_sfs((EXPRESSION_SF,))
    expected = SparkSFApplier(sf).apply(sdf)[EXPRESSION_SF] == 1
    got = np.array(got, dtype=bool)
    wrong_in = np.flatnonzero(got & ~expected)
    wrong_out = np.flatnonzero(~got & expected)
    if not len(wrong_in) and not len(wrong_out):
        return True, (
            f"On {label}: your expression slices all {len(got)} rows as the Python SF "
            f"{EXPRESSION_SF} does ({int(expected.sum())} in the slice), with no row leaving "
            "Spark's JVM."
        )
    lines = [f"On {label}: {len(wrong_in) + len(wrong_out)} of {len(got)} rows are sliced "
             f"differently from the Python SF {EXPRESSION_SF} ({int(expected.sum())} in its slice, "
             f"{int(got.sum())} in yours)."]
    for which, rows in (("in your slice but not in the SF's", wrong_in),
                        ("in the SF's slice but not in yours", wrong_out)):
        if len(rows):
            lines.append(f"{len(rows)} {which}, e.g.:")
            lines += [f"    row {i}: {_snippet(texts[i])!r}" for i in rows[:MAX_QUOTED]]
    if len(wrong_out) and _case_is_missing(expr, sdf, wrong_out):
        lines.append(
            "Hint: those rows match once the text is lower-cased. The Python SF ignores case "
            "(flags=re.I); rlike has no flags argument: start the pattern with (?i), or lower the "
            "text first with F.lower(F.col('text'))."
        )
    return False, "\n".join(lines)


def _case_is_missing(expr: object, sdf: object, missing: np.ndarray) -> bool:
    # Would the learner's expression take in the rows it misses if the text were lower-cased?
    from pyspark.sql import functions as F

    lowered = sdf.withColumn("text", F.lower(F.col("text"))).select(expr.alias("got")).collect()
    return all(lowered[i].got for i in missing)
