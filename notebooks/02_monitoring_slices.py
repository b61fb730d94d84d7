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
# # 02. Monitoring a model on slices
#
# **Goal:** score a model overall and on every slice, and tell a real weak spot from noise by
# reading each slice's size and confidence interval.
#
# *Time: about 65 minutes (an estimate by `tools/lesson_stats.py`). Assumes: [01. Writing slicing functions](01_writing_slicing_functions.ipynb)
# (SFs and the slice matrix `S`), and the idea of precision, recall and F1. Next:
# [03. Finding and confirming slices](03_finding_and_confirming_slices.ipynb), which finds the
# slices you did not think of, and confirms them on fresh rows.*
#
# In this lesson you will:
# 1. train a bag-of-words spam classifier and score it overall and per slice with
#    `Scorer.score_slices`;
# 2. read each slice's size `n` and its confidence interval (bootstrap and analytic), in a table
#    and in a plot;
# 3. see why an F1 of 0.5 on 3 comments says little, and what an empty slice gives.
#
# One overall score hides where a model fails. Monitoring slices means scoring the same
# predictions again on each subset that matters, so a weak spot shows up as its own number. The
# scorer only needs the predictions and `S`, so this works with any model.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import warnings

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from exercises import lesson02
from snorkel_slice import (
    PandasSFApplier,
    Scorer,
    SmallSliceWarning,
    plot_slice_scores,
    slicing_function,
)
from snorkel_slice.analysis import compare_slices
from utils import df_to_features, load_spam_dataset, make_spam_sfs

SEED = 123

# %% [markdown]
# ## 1. Train a simple spam classifier
#
# We use the labelled train split this time (SFs never need labels, but a model does). Each
# comment becomes a bag of words: one count per word of the training vocabulary.

# %%
df_train, df_test = load_spam_dataset(load_train_labels=True)
vectorizer = CountVectorizer(ngram_range=(1, 1))
X_train, Y_train = df_to_features(vectorizer, df_train, "train")
X_test, Y_test = df_to_features(vectorizer, df_test, "test")
print(f"X_train {X_train.shape}, X_test {X_test.shape}")

# %% [markdown]
# A strongly regularised logistic regression (`C=0.001`) is enough for a first model.

# %%
model = LogisticRegression(C=0.001, solver="liblinear")
model.fit(X_train, Y_train)
preds_test = model.predict(X_test)
probs_test = model.predict_proba(X_test)  # (250, 2): P(ham), P(spam)

# %%
overall_f1 = f1_score(Y_test, preds_test)
n_mistakes = int((preds_test != Y_test).sum())
print(f"test F1: {overall_f1:.3f}, mistakes: {n_mistakes} of {len(Y_test)}")
assert round(overall_f1, 3) == 0.925, overall_f1
assert n_mistakes == 18, n_mistakes

# %% [markdown]
# An F1 of 0.925 on the spam class looks good. The question of this lesson is where the
# remaining mistakes are, and whether they gather in slices that matter.
#
# ## 2. The slices from lesson 01
#
# These are the five SFs of lesson 01, unchanged. `utils.make_spam_sfs()` builds them from the
# same code (run `make_spam_sfs??` in a cell to read it). Applying them to the test comments gives
# `S`, aligned row by row with `Y_test` and `preds_test`.

# %%
sfs = make_spam_sfs()
short_comment = sfs[0]
S_test = PandasSFApplier(sfs).apply(df_test)
S_test.dtype.names

# %% [markdown]
# ## 3. Score overall and per slice
#
# `Scorer(metrics=["f1"])` holds the metrics to compute. `score_slices(S, golds, preds, probs)`
# scores all rows first (the `overall` row), then each slice of `S` on its own rows. `probs` is
# only needed for metrics such as `roc_auc`; we pass it anyway, as a habit. The scorer may warn
# while it works; we record its warnings and read them in section 4.

# %%
scorer = Scorer(metrics=["f1"])
with warnings.catch_warnings(record=True, action="always") as caught:
    scores = scorer.score_slices(
        S=S_test, golds=Y_test, preds=preds_test, probs=probs_test, as_dataframe=True
    )
scores

# %%
expected_f1 = {
    "overall": 0.925,
    "short_comment": 0.667,
    "keyword_please": 1.0,
    "regex_check_out": 1.0,
    "short_link": 0.5,
    "textblob_polarity": 0.727,
}
assert scores["f1"].round(3).to_dict() == expected_f1, scores["f1"]

# %% [markdown]
# Read naively, the table says: the model is perfect on `keyword_please` and `regex_check_out`,
# fair on `textblob_polarity` (0.727), poor on `short_comment` (0.667) and worst on `short_link`
# (0.5). Before acting on that ranking, look at the last column.
#
# ## 4. How many rows is each score built on?
#
# Every row of the table carries `n`, the number of comments in the slice. Snorkel's scorer does
# not report it; here it comes with every score, because a score without its `n` cannot be
# judged. Slices smaller than `min_support` rows (30 by default) also trigger a warning:

# %%
# NBVAL_CHECK_OUTPUT
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# `short_link`'s 0.5 rests on 3 comments, and `keyword_please`'s and `textblob_polarity`'s perfect
# or fair scores on about two dozen each. F1 is even thinner than `n` suggests, because it only
# counts the spam comments and the comments predicted as spam: the 92 short comments hold only
# 8 spam.

# %%
# NBVAL_CHECK_OUTPUT
for name in S_test.dtype.names:
    in_slice = S_test[name] == 1
    print(f"{name:<18} n={in_slice.sum():>3}  spam={Y_test[in_slice].sum():>3}")

# %% [markdown]
# We have read the warning and will now look at the uncertainty directly, as it suggests, so we
# silence it for the rest of the lesson.

# %%
warnings.simplefilter("ignore", SmallSliceWarning)

# %% [markdown]
# ## 5. Confidence intervals: the bootstrap
#
# A confidence interval gives the range of scores that are compatible with what we saw. The
# bootstrap gets it without a formula: draw the slice's rows again with replacement, many times,
# score each redraw, and keep the middle 95% of those scores. With `ci=0.95`, `score_slices`
# adds `f1_low` and `f1_high`; `random_state` fixes the redraws so the bounds are reproducible.
# (The default bootstrap also adds a small prior, worth one comment; section 7 shows why.)

# %%
scores_ci = scorer.score_slices(
    S_test, Y_test, preds_test, probs_test, as_dataframe=True, ci=0.95, random_state=SEED
)
scores_ci = scores_ci.assign(width=scores_ci["f1_high"] - scores_ci["f1_low"])
scores_ci.round(3)

# %%
ax = plot_slice_scores(scores_ci, metric="f1")
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5));  # beside the plot, hiding no interval

# %% [markdown]
# The picture changes the story. On 250 comments, `overall` is pinned down to a narrow band
# (0.88 to 0.95). `short_comment`'s interval is wide (0.36 to 0.86) and lies entirely below the
# overall 0.925. `textblob_polarity`'s (0.34 to 0.92) ends only just below it. `short_link`'s runs
# from **0.05 to 0.89**: it is compatible with a nearly useless model and a nearly perfect one.
# An interval below the overall *point* is a hint, not yet a verdict: the overall score has its own
# uncertainty and contains the slice itself, so a sound test compares the slice with the rest, and
# corrects for having looked at many slices at once. Keep that in mind for now.

# %%
bounds = scores_ci[["f1_low", "f1_high"]].round(2)
assert bounds.loc["overall"].tolist() == [0.88, 0.95], bounds
assert bounds.loc["short_comment"].tolist() == [0.36, 0.86], bounds
assert bounds.loc["textblob_polarity"].tolist() == [0.34, 0.92], bounds
assert bounds.loc["short_link"].tolist() == [0.05, 0.89], bounds
assert scores_ci.loc["short_comment", "f1_high"] < scores_ci.loc["overall", "f1"], scores_ci

# %% [markdown]
# ## 6. Why `short_link`'s 0.5 on 3 rows says little
#
# Here are the three comments, with what the model predicted:

# %%
in_short_link = S_test["short_link"] == 1
df_test[in_short_link][["text", "label"]].assign(pred=preds_test[in_short_link])

# %% [markdown]
# All three are spam and the model caught one: precision 1/1, recall 1/3, so F1 = 0.5. With three
# spam comments and no false alarms, the only F1 values possible are these four:

# %%
# NBVAL_CHECK_OUTPUT
for k in range(4):
    print(f"catch {k} of 3: F1 = {2 * k / (k + 3):.2f}")

# %% [markdown]
# One comment more or less moves the score by 0.3 to 0.5. The bootstrap sees the same thing: a
# redraw of the three rows holds the caught one zero to three times, and its F1 ranges over
# these values, hence an interval nearly from 0 to 1. So 0.5 does not say the model is worse on
# short links than on `short_comment`; it says we have not seen enough short links to know. The
# fix is more data for that slice (collect or label more short links), not a conclusion.
#
# ## 7. When the plain bootstrap is blind, and analytic intervals
#
# Look again at `keyword_please` and `regex_check_out`: every comment in them is right. The plain
# bootstrap (`ci_method="plain_bootstrap"`) redraws only rows it has seen, so every redraw is right
# too, and it reports an interval of zero width:

# %%
plain = scorer.score_slices(
    S_test, Y_test, preds_test, probs_test, as_dataframe=True, ci=0.95,
    ci_method="plain_bootstrap", random_state=SEED,
)
plain.loc[["keyword_please", "regex_check_out"]].round(3)

# %% [markdown]
# That claims certainty exactly where the slices are smallest. It does not mean the model never
# errs on such comments. The default bootstrap draws the redraws' shares from the counts plus a
# prior worth one comment, spread over right and wrong (the Bayesian bootstrap). For a proportion
# such as accuracy this gives the Jeffreys interval, which statisticians recommend for small
# samples. On large slices the prior's one comment changes nothing; on `keyword_please`'s 23 it
# admits that a miss is possible: F1 from 0.94 to 1, as in the table of section 5.

# %%
assert plain.loc["keyword_please", ["f1_low", "f1_high"]].tolist() == [1.0, 1.0], plain
assert round(scores_ci.loc["keyword_please", "f1_low"], 2) == 0.94, scores_ci

# %% [markdown]
# Where a metric is a plain proportion there is also a formula. Recall is "spam caught out of
# spam present", and the Wilson interval for a proportion stays honest at 0 and 1 and on few rows.
# `ci_method="analytic"` uses it for accuracy, precision and recall; F1 has no such formula, so
# its analytic bounds are NaN rather than a made-up number.

# %%
analytic = Scorer(metrics=["f1", "recall"]).score_slices(
    S_test, Y_test, preds_test, probs_test, as_dataframe=True, ci=0.95, ci_method="analytic"
)
analytic.round(3)

# %%
ax = plot_slice_scores(analytic, metric="recall")
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5));

# %% [markdown]
# With 23 spam comments all caught, `keyword_please`'s recall could still be as low as 0.857: a
# miss rate up to about one in seven is compatible with what we saw. `short_link`'s recall (1 of
# 3) spans 0.061 to 0.792.

# %%
assert np.isnan(analytic.loc["overall", "f1_low"]), analytic
assert round(analytic.loc["keyword_please", "recall_low"], 3) == 0.857, analytic
assert analytic.loc["keyword_please", "recall_high"] == 1.0, analytic
assert round(analytic.loc["short_link", "recall_low"], 3) == 0.061, analytic
assert round(analytic.loc["short_link", "recall_high"], 3) == 0.792, analytic

# %% [markdown]
# ## 8. An empty slice is a result, not a crash
#
# New data may leave a slice empty, for example an SF written for a trend that this data predates.
# Snorkel 0.10.0's scorer stops with `ValueError: Cannot score empty labels` and the whole table
# is lost. Here the empty slice gets `n = 0` and NaN scores, with warnings that say why.

# %%
@slicing_function()
def mentions_tiktok(x):
    """TikTok came after these 2015 comments, so this slice should be empty here."""
    return "tiktok" in x.text.lower()


S_empty = PandasSFApplier([short_comment, mentions_tiktok]).apply(df_test)
with warnings.catch_warnings(record=True, action="always") as caught:
    empty_scores = scorer.score_slices(S_empty, Y_test, preds_test, as_dataframe=True)
empty_scores

# %%
# NBVAL_CHECK_OUTPUT
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")

# %%
assert empty_scores.loc["mentions_tiktok", "n"] == 0, empty_scores
assert np.isnan(empty_scores.loc["mentions_tiktok", "f1"]), empty_scores

# %% [markdown]
# ## 9. Compare a slice with the rest, metric by metric
#
# Section 5 left `short_comment` as a hint: its F1 interval lies below the overall F1. But the
# overall figure contains the slice itself, and F1 moves with how much spam a slice holds. The sound
# comparison is the slice against the *rest* of the data, with a test that fits each metric and a
# correction for testing several at once. `compare_slices` does that: Fisher's exact test for
# proportions (accuracy, spam recall, false-positive rate), a permutation test for F1, and Holm's
# correction over every row. `base_rate` is each side's share of spam.

# %%
gaps = compare_slices(
    S_test[["short_comment"]], Y_test, preds_test,
    metrics=["accuracy", "recall", "fpr", "f1"], random_state=SEED,
)
gaps[["metric", "n", "score", "rest_score", "delta_low", "delta_high", "p_adjusted",
      "significant", "base_rate", "rest_base_rate"]].round(3)

# %% [markdown]
# The metrics disagree, and each says something true. Short comments are predicted *more*
# accurately than the rest (0.946 against 0.918, no significant difference). Only 8.7% of them are
# spam, against 69.6% of the rest, so most are easy ham. On the few spam ones the model does worse:
# it catches 5 of 8 (recall 0.625 against 0.964, significant after the correction), and it raises
# fewer false alarms (false-positive rate 0.024 against 0.188). F1 rests on those 8 spam comments and
# the predictions of spam, so it mixes both effects. The verdict: the model is not weak on short
# comments, it misses spam that is short. A fix aims at that recall, and checks it on new data.

# %%
row = gaps.set_index("metric").round(3)
assert row.loc["accuracy", ["score", "rest_score"]].tolist() == [0.946, 0.918], row
assert not row.loc["accuracy", "significant"], row
assert row.loc["recall", ["score", "rest_score"]].tolist() == [0.625, 0.964], row
assert row.loc["recall", "significant"], row
assert row.loc["fpr", ["score", "rest_score"]].tolist() == [0.024, 0.188], row
assert row.loc["accuracy", ["base_rate", "rest_base_rate"]].tolist() == [0.087, 0.696], row
spam_in_slice = int(Y_test[S_test["short_comment"] == 1].sum())
caught = int(((preds_test == 1) & (Y_test == 1))[S_test["short_comment"] == 1].sum())
assert (caught, spam_in_slice) == (5, 8), (caught, spam_in_slice)

# %% [markdown]
# ## Summary
#
# - `Scorer(metrics=[...]).score_slices(S, golds, preds, probs, as_dataframe=True)` scores the same
#   predictions overall and on every slice; the model needs no change.
# - Every row carries its size `n`, and slices under `min_support` rows trigger a
#   `SmallSliceWarning`. F1 rests on the spam rows only, often far fewer than `n`.
# - `ci=0.95` adds an interval: a seeded, smoothed bootstrap by default, which stays honest where
#   every row is right (the plain one, `ci_method="plain_bootstrap"`, then claims certainty), or
#   Wilson intervals with `ci_method="analytic"` for proportions such as recall.
#   `plot_slice_scores` draws them against the overall score.
# - Compare a slice with the rest, not with the overall score, metric by metric, with a
#   correction: `compare_slices`. `short_comment` (n=92) is predicted as accurately as the rest;
#   what is worse is its spam recall (5 of 8 caught), hidden in a slice that is 91% ham.
#   `short_link` (n=3, F1 0.5, interval 0.05 to 0.89) is a slice we know too little about.
# - An empty slice gives `n = 0` and NaN, with a warning, instead of an exception.
#
# ## Exercises
#
# Each cell holds a starting point that runs; replace it with your answer and run the cell for
# feedback. The reference answers are in `exercises/solutions/lesson02.py`; try first.
#
# **2a. A slice's F1 and its interval, by hand.** Write two functions of `(S, golds, preds,
# slice_name)`: `slice_f1`, the F1 with `sklearn.metrics.f1_score` on the slice's rows only, and
# `slice_recall_interval`, the 95% Wilson interval `(low, high)` of the slice's recall, with
# `z = 1.96`, `p` the recall and `n` its denominator (the spam comments in the slice): centre
# `(p + z²/2n) / (1 + z²/n)`, half-width `z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)`. The check
# calls them for `textblob_polarity` on the test rows and on rows resampled from them.

# %%
def slice_f1(S, golds, preds, slice_name):
    """F1 on the rows of one slice."""
    return None


def slice_recall_interval(S, golds, preds, slice_name):
    """95% Wilson interval of the recall on the rows of one slice."""
    return None


lesson02.check_slice_scores(slice_f1, slice_recall_interval, S_test, Y_test, preds_test)

# %% [markdown]
# **2b. The widest interval.** Write `widest_interval(scores)`: given a table like `scores_ci`
# (section 5), it returns the name of the slice whose F1 interval is widest. Leave out `overall`:
# it is not a slice. The check calls it on `scores_ci` and on two variants of it.

# %%
def widest_interval(scores):
    """The slice (not overall) whose F1 interval is widest."""
    return None


lesson02.check_widest_interval(widest_interval, scores_ci)

# %% [markdown]
# **2c. Find a weak spot, then confirm it.** Look for it on rows you will not confirm it on:
# the 120 *validation* comments (below). Read the model's mistakes there,
# `df_valid[preds_valid != Y_valid]`, and write an SF for a slice of at least 10 of them on which
# the accuracy is at least 0.1 below the validation accuracy. The check then confirms it on the 250
# test comments, which you do not look at, with `compare_slices`, and says whether it held.

# %%
_, _, df_valid, _ = load_spam_dataset(load_train_labels=True, split_dev_valid=True)
X_valid, Y_valid = df_to_features(vectorizer, df_valid, "valid")
preds_valid = model.predict(X_valid)
assert len(df_valid) == 120, len(df_valid)


@slicing_function()
def weak_spot(x):
    """Replace this with your own intuition about where the model fails."""
    return False


lesson02.check_weak_slice(weak_spot, df_valid, Y_valid, preds_valid, df_test, Y_test, preds_test)
