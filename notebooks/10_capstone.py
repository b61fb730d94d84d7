# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10. Capstone: find, confirm, fix, watch
#
# **Goal:** run the whole loop of this course on data you have not seen: find a weak slice,
# confirm it on fresh rows, fix it, and watch it in production.
#
# *Time: about 50 minutes (an estimate by `tools/lesson_stats.py`). Assumes: lessons 01 to 09, above all
# [03. Finding and confirming slices](03_finding_and_confirming_slices.ipynb) and
# [09. Watching slices over time](09_watching_slices_over_time.ipynb). Next: your own model and
# data.*
#
# In this lesson you will:
# 1. find the weakest slice of a loan-default model with `find_slices`, and confirm it on the test
#    rows with `compare_slices` and Holm's correction;
# 2. fix it with a threshold of its own, tuned on the validation rows;
# 3. watch the slice month by month with `score_windows`.
#
# Each step is an exercise: write a small function, run it on this lesson's data, and run its
# check. The checks call your function on *other* worlds (other seeds, another weak slice, another
# model), so only an answer that does the work passes.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import numpy as np
import pandas as pd

from exercises import lesson10
from snorkel_slice import PandasSFApplier
from snorkel_slice.analysis import compare_slices, find_slices, score_windows  # noqa: F401 (10d)
from snorkel_slice.datasets import make_loan_data

SEED = 2026

# %% [markdown]
# ## The data and the model
#
# The data are **synthetic**, made up for this lesson by `make_loan_data`: 20,000 loan
# applications from January to December 2025, with the region, the sales channel, the applicant's
# age and income, the amount and the term. `label` is 1 when the loan defaulted. Somewhere in it,
# the generator planted a weak slice; finding it is your job.

# %%
df = make_loan_data(seed=SEED)
print(df.shape, df["applied_at"].min().date(), df["applied_at"].max().date())
df.head(3)

# %% [markdown]
# The model is the lender's: a logistic regression on the channel and the four numbers. By policy
# it may not use the region. It is fitted on 40% of the first six months; the rest of those months
# is split into validation rows (where you search) and test rows (where you confirm). The last six
# months are production: the stream you will watch. `lesson10.fit_model` and `lesson10.world` hold
# this set-up, so that the checks can rebuild it for other seeds.

# %%
w = lesson10.world(SEED)
df_valid, df_test, stream = w["df_valid"], w["df_test"], w["stream"]
Y_valid, Y_test, Y_stream = w["golds_valid"], w["golds_test"], w["golds_stream"]
preds_valid, preds_test, preds_stream = w["preds_valid"], w["preds_test"], w["preds_stream"]
probs_valid, probs_test, probs_stream = w["probs_valid"], w["probs_test"], w["probs_stream"]
acc_valid, acc_test = (preds_valid == Y_valid).mean(), (preds_test == Y_test).mean()
print(f"validation {len(df_valid)}, test {len(df_test)}, stream {len(stream)} rows; "
      f"accuracy: validation {acc_valid:.3f}, test {acc_test:.3f}")

# %%
assert (len(df), len(df_valid), len(df_test), len(stream)) == (20000, 2993, 2994, 10023)
assert df["applied_at"].dt.strftime("%Y-%m").nunique() == 12 and df["applied_at"].dt.year.eq(2025).all()
assert round(acc_valid, 2) == 0.82 and round(acc_test, 2) == 0.82, (acc_valid, acc_test)

# %% [markdown]
# About 82% right on both. What a dashboard shows over the production months: the overall
# accuracy, month by month.

# %%
monthly = pd.Series(preds_stream == Y_stream).groupby(stream["applied_at"].dt.strftime("%Y-%m")).mean()
ax = monthly.plot(marker="o", figsize=(6, 3), ylim=(0.7, 0.9), title="Overall accuracy per month")
ax.set(xlabel="month", ylabel="accuracy");

# %%
print(monthly.round(3).to_dict())
assert round(monthly.min(), 2) == 0.79 and round(monthly.max(), 2) == 0.83, monthly

# %% [markdown]
# Between 0.79 and 0.83 every month. Is everyone served equally well?
#
# ## Step 1. Find
#
# **10a.** Write `find_weak_slice(df, errors)` that returns the single most promising weak slice
# of `df`, as a slicing function, given one error (0/1) per row. Use `find_slices` (lesson 03).
# Think about which columns a slice may use.

# %%
def find_weak_slice(df, errors):
    """Your answer: the top weak slice of df, as an SF."""
    return find_slices(df, errors, columns=["age"], k=1)[0]


errors_valid = (preds_valid != Y_valid).astype(int)
weak_sf = find_weak_slice(df_valid, errors_valid)
print(weak_sf.name, weak_sf.stats["size"], round(weak_sf.stats["error_rate"], 3))
lesson10.check_find(find_weak_slice)

# %% [markdown]
# ## Step 2. Confirm
#
# A found slice is a hypothesis; the search picked it because of its validation errors, chance
# included. The six best slices of a search over every column are the candidates:

# %%
columns = ["region", "channel", "age", "income", "amount", "term"]
candidates = find_slices(df_valid, errors_valid, columns=columns, k=6)
print(len(candidates), "candidates")

# %% [markdown]
# **10b.** Write `confirm(sfs, df, golds, preds)` that returns the names of the slices whose
# accuracy on the rows `df` differs significantly from the rest's, after Holm's correction over
# all the slices tested (lesson 03).

# %%
def confirm(sfs, df, golds, preds):
    """Your answer: the names of the slices confirmed on df."""
    return []


print(confirm(candidates, df_test, Y_test, preds_test))
lesson10.check_confirm(confirm)

# %% [markdown]
# ## Step 3. Fix
#
# The model may not use the region, but its decisions can still be checked per slice. The
# cheapest fix is a threshold of the slice's own: predict "default" in the slice when
# P(default) is above a threshold tuned on the slice's validation rows, and keep 0.5 elsewhere.
#
# **10c.** Write `slice_threshold(probs, golds, in_slice)` that returns the threshold on
# `probs[:, 1]` that gets the most of the slice's rows right.

# %%
def slice_threshold(probs, golds, in_slice):
    """Your answer: the slice's own threshold on P(default)."""
    return 0.5


lesson10.check_fix(slice_threshold)

# %% [markdown]
# Now apply your fix to the test rows, with your slice from step 1, and compare the slice with the
# rest before and after (the interval is of the slice minus the rest):

# %%
in_valid = PandasSFApplier([weak_sf]).apply(df_valid, progress_bar=False)[weak_sf.name] == 1
S_test = PandasSFApplier([weak_sf]).apply(df_test, progress_bar=False)
threshold = slice_threshold(probs_valid, Y_valid, in_valid)
in_test = S_test[weak_sf.name] == 1
fixed_test = np.where(in_test, (probs_test[:, 1] >= threshold).astype(int), preds_test)
pd.concat({
    "before": compare_slices(S_test, Y_test, preds_test),
    "after": compare_slices(S_test, Y_test, fixed_test),
})[["slice", "n", "score", "rest_score", "delta_low", "delta_high", "significant"]].round(3)

# %% [markdown]
# ## Step 4. Watch
#
# The fix goes live in July. In production, watch your slice month by month: its share of the
# applications (no labels needed) and its accuracy (labels here arrive in time).
#
# **10d.** Write `watch(S, times, golds, preds)` that returns
# `{"share": {(slice, "YYYY-MM"), ...}, "accuracy": {...}}`: the monthly alerts of each kind, each
# month compared with the first, after Holm's correction over every slice x month (lesson 09).

# %%
def watch(S, times, golds, preds):
    """Your answer: the monthly share and accuracy alerts."""
    return {"share": set(), "accuracy": set()}


S_stream = PandasSFApplier([weak_sf]).apply(stream, progress_bar=False)
in_stream = S_stream[weak_sf.name] == 1
fixed_stream = np.where(in_stream, (probs_stream[:, 1] >= threshold).astype(int), preds_stream)
print(watch(S_stream, stream["applied_at"], Y_stream, fixed_stream))
lesson10.check_watch(watch)

# %% [markdown]
# Once your `watch` passes, look at what it says about this stream: is the slice's share stable?
# Would the unfixed model's accuracy alarms say the same? (Call `watch` with `preds_stream`.)
#
# ## Summary
#
# - **Find:** `find_slices` over every column, including those the model may not use, proposes
#   slices from the model's errors on validation rows.
# - **Confirm:** `compare_slices` on test rows the search never saw, with Holm's correction over
#   all candidates, turns hypotheses into findings.
# - **Fix:** a slice's own threshold, tuned on its validation rows, is a fix that needs no new
#   model; check it on the test rows.
# - **Watch:** `score_windows` per month tracks the slice's share (the label-free alarm) and its
#   accuracy, with alerts corrected for every slice x month.
#
# ## Exercises
#
# The four steps above are the exercises (10a to 10d); each check runs your function on worlds
# this lesson never shows. Reference answers are in `exercises/solutions/lesson10.py`; try first.
# To go further: replace `make_loan_data(seed=SEED)` by `make_loan_data(seed=...)` with a seed of
# your own and run the loop again; or run it on your own model and data.
