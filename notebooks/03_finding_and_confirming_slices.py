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
# # 03. Finding slices, then confirming them
#
# **Goal:** let `find_slices` propose weak slices from a model's errors on one split, and confirm
# them with `compare_slices` on rows the search never saw.
#
# *Time: about 45 minutes (an estimate by `tools/lesson_stats.py`). Assumes: [02. Monitoring slices](02_monitoring_slices.ipynb) (scores
# per slice, `compare_slices`, Holm's correction). Next:
# [04. Fixing a weak slice](04_fixing_a_weak_slice.ipynb), which tries every standard remedy on
# a confirmed weak slice.*
#
# In this lesson you will:
# 1. train a model on the UCI Adult census data and let `find_slices` search its validation
#    errors for large, error-prone slices;
# 2. apply the found slices, which are ordinary SFs, to the test split and confirm them with
#    `compare_slices` against the rest, with Holm's correction;
# 3. see that a gap measured on the rows a slice was found on is inflated, and that word and length slices
#    found on a few hundred spam comments do not survive fresh rows.
#
# In lessons 01 and 02 you wrote the slices yourself. Here a search proposes them. A search that
# looks at many slices always finds some that look bad by chance, so what it returns is a list of
# *hypotheses*; testing them on fresh rows turns them into findings.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from exercises import lesson03
from snorkel_slice import PandasSFApplier
from snorkel_slice.analysis import compare_slices, find_slices
from snorkel_slice.datasets import load_adult_dataset
from utils import df_to_features, load_spam_dataset

SEED = 123

# %% [markdown]
# ## 1. A model of income on the Adult data
#
# Each row of the Adult data is a person from the 1994 US census; `label` is 1 when their income is
# above $50K a year. The files come as a train and a test split. We cut the train split once more,
# with a fixed seed: the model is fitted on 70% of it, and the other 30% (the *validation* rows) is
# where we will look for slices. The test split stays untouched until we confirm.

# %%
df_train, df_test = load_adult_dataset()
df_fit, df_valid = train_test_split(df_train, test_size=0.3, random_state=SEED)
print(f"fit {len(df_fit)}, validation {len(df_valid)}, test {len(df_test)} rows")
df_valid.head(3)

# %%
assert (len(df_fit), len(df_valid), len(df_test)) == (22792, 9769, 16281)

# %% [markdown]
# A logistic regression on one-hot categories and standardised numbers is enough, and
# fits quickly. Missing categories (`?` in the files) become a category of their own.

# %%
categorical = [c for c in df_train.columns if not pd.api.types.is_numeric_dtype(df_train[c])]
numeric = [c for c in df_train.columns if c not in categorical and c != "label"]
features = ColumnTransformer([
    ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
    ("numbers", StandardScaler(), numeric),
])
model = make_pipeline(features, LogisticRegression(max_iter=1000))
model.fit(df_fit[categorical + numeric], df_fit["label"])

Y_valid, Y_test = df_valid["label"].to_numpy(), df_test["label"].to_numpy()
preds_valid = model.predict(df_valid[categorical + numeric])
preds_test = model.predict(df_test[categorical + numeric])
acc_valid, acc_test = (preds_valid == Y_valid).mean(), (preds_test == Y_test).mean()
print(f"accuracy: validation {acc_valid:.3f}, test {acc_test:.3f}")

# %%
assert abs(acc_valid - 0.854) < 0.002 and abs(acc_test - 0.852) < 0.002, (acc_valid, acc_test)

# %% [markdown]
# About 85% right on both splits, so roughly one person in seven is misclassified. Where are they?
#
# ## 2. Search the validation errors for slices
#
# `find_slices(df, errors, columns)` builds simple predicates from the columns (`column == value`
# for categories; for numbers, `low <= column < high` over `n_bins=4` quantile bins), combines up to
# `max_order=2` of them with *and*, and ranks the slices with SliceLine's score. Two defaults matter:
#
# - `min_support=None` means 1% of the rows (at least 10): no slice smaller than that is reported;
# - `alpha=0.95` weighs the error rate against the size: a slice must be several times as
#   error-prone as the average to beat a larger, milder one.
#
# We leave out `fnlwgt` (a census sampling weight, not a trait of the person), `education_num` (the
# same as `education`) and the capital columns: most of their values are 0, so their quantile bins
# collapse into one bin that holds every row and adds nothing to a slice.

# %%
errors_valid = (preds_valid != Y_valid).astype(int)
columns = ["age", "workclass", "education", "marital_status", "occupation", "relationship",
           "race", "sex", "hours_per_week", "native_country"]
found = find_slices(df_valid, errors_valid, columns=columns, k=10)
min_support = max(10, int(np.ceil(0.01 * len(df_valid))))
print(f"{len(found)} slices; the smallest allowed holds {min_support} rows")

# %% [markdown]
# Each result is a slicing function. Its docstring is the readable predicate and `sf.stats` holds
# the slice's size, error rate and score on the rows it was found on:

# %%
found_table = pd.DataFrame(
    [{"slice": sf.__doc__, "size": sf.stats["size"], "error_rate": sf.stats["error_rate"],
      "score": sf.stats["score"]} for sf in found]
)
found_table.round(3)

# %%
top = found[0]
print(top.name)
print(top.__doc__, top.stats["size"], round(top.stats["error_rate"], 3))
assert top.__doc__ == "education == 'Some-college' and marital_status == 'Married-civ-spouse'"
assert top.stats["size"] == 854 and abs(top.stats["error_rate"] - 0.342) < 0.005, top.stats
assert len(found) == 10 and min_support == 98

# %% [markdown]
# The top slice is married people with some college but no degree: 854 validation rows, of which
# the model gets about a third wrong, against one in seven overall. Most of the ten are variations
# on one theme, married men (`relationship == 'Husband'` and `sex == 'Male'` even select the same
# rows): a linear model of income errs most on the group where incomes above and below $50K are
# most mixed.

# %%
overall_error = errors_valid.mean()
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(found_table["slice"][::-1], found_table["error_rate"][::-1], color="tab:red")
ax.axvline(overall_error, color="black", linestyle="--", label=f"overall {overall_error:.3f}")
ax.set_xlabel("error rate on the validation rows")
ax.set_title("Slices found by find_slices, best first")
ax.tick_params(axis="y", labelsize=7)
ax.legend(loc="lower right");

# %% [markdown]
# ## 3. Confirm on the test split
#
# The error rates above are measured on the very rows that were searched, so they are the most
# flattering numbers these slices will ever have. The found slices are ordinary SFs, so any applier
# runs them on new rows. `compare_slices` then compares each slice's test accuracy with the rest of
# the test rows (`against="complement"`), with Fisher's exact test and Holm's correction over all
# ten.

# %%
S_test = PandasSFApplier(found).apply(df_test, progress_bar=False)
confirmed = compare_slices(
    S_test, Y_test, preds_test, metrics=["accuracy"], against="complement", correction="holm"
)
confirmed[["slice", "n", "score", "rest_score", "delta", "delta_low", "delta_high",
           "p_adjusted", "significant"]].round(3)

# %%
fig, ax = plt.subplots(figsize=(7, 4))
y = np.arange(len(confirmed))[::-1]
ax.errorbar(confirmed["delta"], y, fmt="o", capsize=3,
            xerr=[confirmed["delta"] - confirmed["delta_low"],
                  confirmed["delta_high"] - confirmed["delta"]])
ax.axvline(0, color="black", linestyle="--")
ax.set_yticks(y, found_table["slice"], fontsize=7)
ax.set_xlabel("test accuracy: slice minus the rest (95% interval)")
ax.set_title("Found on validation, tested on test");

# %%
n_confirmed = int(confirmed["significant"].sum())
print(f"{n_confirmed} of {len(confirmed)} confirmed on the test split")
assert n_confirmed == 10, confirmed
assert (confirmed["delta_high"] < -0.1).all(), confirmed
assert (confirmed["n"] > 1000).all(), confirmed

# %% [markdown]
# All ten survive, and by a wide margin: every interval lies more than 0.1 below zero. These slices
# are large (over a thousand test rows each), so chance could not have made them. A large slice that
# is a true weak spot confirms easily; the search earns its keep by naming it.
#
# ## 4. Confirming on the rows a slice was found on overstates the gap
#
# What if we had "confirmed" on the validation rows instead? The search picked each slice *because*
# its errors were high there, chance included, so the gap measured there carries that luck. It shows
# most on small slices, where chance moves the error rate most. Let us ask for smaller slices, with
# `alpha=0.999` (error weighs more than size) and `min_support=30`, and measure each one's gap on
# both splits.

# %%
small = find_slices(df_valid, errors_valid, columns=columns, k=10, alpha=0.999, min_support=30)
S_small_valid = PandasSFApplier(small).apply(df_valid, progress_bar=False)
S_small_test = PandasSFApplier(small).apply(df_test, progress_bar=False)
on_valid = compare_slices(S_small_valid, Y_valid, preds_valid)
on_test = compare_slices(S_small_test, Y_test, preds_test)
gaps = pd.DataFrame({
    "slice": [sf.__doc__ for sf in small],
    "n_valid": on_valid["n"], "gap_valid": on_valid["delta"],
    "n_test": on_test["n"], "gap_test": on_test["delta"],
    "test_low": on_test["delta_low"], "test_high": on_test["delta_high"],
    "significant_test": on_test["significant"],
})
gaps.round(3)

# %%
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(gaps["gap_valid"], gaps["gap_test"])
lims = [-0.4, 0]
ax.plot(lims, lims, color="black", linestyle="--", label="same gap on both")
ax.set_xlim(lims)
ax.set_ylim(lims)
ax.set_xlabel("gap on validation (where found)")
ax.set_ylabel("gap on test (fresh rows)")
ax.legend();

# %%
mean_valid, mean_test = gaps["gap_valid"].mean(), gaps["gap_test"].mean()
n_smaller = int((gaps["gap_test"] > gaps["gap_valid"]).sum())
print(f"mean gap: validation {mean_valid:.3f}, test {mean_test:.3f}; "
      f"smaller on test for {n_smaller} of {len(gaps)}")
assert abs(mean_valid - (-0.247)) < 0.005 and abs(mean_test - (-0.197)) < 0.005, gaps
assert n_smaller == 9 and gaps["significant_test"].all(), gaps
assert round(1 - mean_test / mean_valid, 1) == 0.2, (mean_valid, mean_test)

# %% [markdown]
# On the validation rows the ten gaps average -0.247; on test they average -0.197, and 9 of the ten
# are smaller on test. The slices are real (all ten are still significant on test), but a fifth of
# each gap was the search's luck. `benchmarks/README.md` (section "Planted slices and selection
# bias") measures the same effect where there is nothing to find: on errors that are pure noise,
# the top slice found on one half shows a clear gap on that half and about none on the other. A gap
# "confirmed" on the rows it was found on is partly selection; confirm on rows the search never saw.
#
# ## 5. Word slices on spam comments
#
# `find_slices` also searches text: with `text_columns=["text"]`, every word seen in at least
# `min_word_count=5` comments becomes a predicate. We retrain lesson 02's model on the train
# comments and search its errors on the 120 validation comments (from the fifth video, held out
# like the test comments). The dev comments would be wrong here: they are a sample of the train
# comments, which the model has seen.

# %%
sp_train, _, sp_valid, sp_test = load_spam_dataset(load_train_labels=True, split_dev_valid=True)
vectorizer = CountVectorizer(ngram_range=(1, 1))
X_sp_train, Y_sp_train = df_to_features(vectorizer, sp_train, "train")
X_sp_valid, Y_sp_valid = df_to_features(vectorizer, sp_valid, "valid")
X_sp_test, Y_sp_test = df_to_features(vectorizer, sp_test, "test")
spam_model = LogisticRegression(C=0.001, solver="liblinear").fit(X_sp_train, Y_sp_train)
preds_sp_valid, preds_sp_test = spam_model.predict(X_sp_valid), spam_model.predict(X_sp_test)

# %%
spam_errors = (preds_sp_valid != Y_sp_valid).astype(int)
word_slices = find_slices(sp_valid, spam_errors, columns=[], text_columns=["text"], k=5)
pd.DataFrame([{"slice": sf.__doc__, "size": sf.stats["size"],
               "error_rate": sf.stats["error_rate"]} for sf in word_slices]).round(3)

# %% [markdown]
# The model gets 13 of the 120 comments wrong, and the search returns slices on common words and
# on comment lengths (in words) whose error rates lie above that. Now the same SFs on the 250 test comments:

# %%
S_sp_test = PandasSFApplier(word_slices).apply(sp_test, progress_bar=False)
spam_confirmed = compare_slices(S_sp_test, Y_sp_test, preds_sp_test)
spam_confirmed[["slice", "n", "score", "rest_score", "delta_low", "delta_high", "p_adjusted",
                "significant"]].round(3)

# %%
print(f"validation errors: {spam_errors.sum()} of {len(spam_errors)}")
assert (spam_errors.sum(), len(spam_errors)) == (13, 120)
assert all(sf.stats["error_rate"] > spam_errors.mean() for sf in word_slices)
assert not spam_confirmed["significant"].any(), spam_confirmed
assert ((spam_confirmed["delta_low"] < 0) & (spam_confirmed["delta_high"] > 0)).all()

# %% [markdown]
# None survives. On fresh comments the model does about as well in these slices as outside them,
# and every interval includes 0. With about a dozen errors to search, a word or a length shared by a
# few of them looks like a pattern; it was the luck of those rows. This is the same lesson as section 4, at a
# scale where the luck is all there is.
#
# ## Summary
#
# - `find_slices(df, errors, columns, ...)` proposes slices that are both large and error-prone,
#   as SFs with a readable predicate (`sf.__doc__`) and `sf.stats`. Its defaults, `min_support`
#   1% of the rows and `alpha=0.95`, favour large slices; raise `alpha` to look for smaller ones.
# - A found slice is a hypothesis. Apply it to rows the search never saw and test it against the
#   rest with `compare_slices` (Fisher's test, Holm's correction).
# - On Adult, the large slices (married people, some college) are confirmed on the test split. The
#   smaller ones are too, but with gaps about a fifth smaller than on the rows they were found on.
# - On 120 spam comments, the word and length slices found are luck: none survives the test comments.
#
# ## Exercises
#
# Each cell holds a starting point that runs; replace it with your answer and run the cell for
# feedback. The reference answers are in `exercises/solutions/lesson03.py`; try first.
#
# **3a. A recall gap by hand.** The table above compares accuracy. Write
# `recall_gap(sf, df, golds, preds)`: the recall of the slice's rows (the share of >50K earners
# the model predicts as >50K) minus the recall of the *rest* of the rows, with `PandasSFApplier`.
# The check calls it for the top found slice, `top`, on the test rows and on the validation rows,
# and compares with `compare_slices(..., metrics=["recall"])`.

# %%
def recall_gap(sf, df, golds, preds):
    """Recall inside the slice minus recall outside it."""
    return None


lesson03.check_complement_gap(recall_gap, top, df_test, Y_test, preds_test,
                              df_valid, Y_valid, preds_valid)

# %% [markdown]
# **3b. Holm by hand.** Write `holm(p_values, alpha)`: one `True` or `False` per p-value, in the
# given order, saying whether it is significant after Holm's correction at family-wise level
# `alpha`. Sort the p-values, compare the `i`-th smallest (counting from 0) with
# `alpha / (m - i)`, and stop at the first that fails. The check calls it on these five p-values
# at 0.05, and on two families you have not seen.

# %%
p_values = [0.012, 0.3, 0.001, 0.04, 0.014]


def holm(p_values, alpha):
    """Holm's step-down decisions, one per p-value."""
    return [False] * len(p_values)


lesson03.check_holm(holm, p_values)
