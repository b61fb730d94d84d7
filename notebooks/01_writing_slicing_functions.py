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
# # 01. Writing slicing functions
#
# **Goal:** describe the parts of a dataset you care about as slicing functions (SFs), and see
# exactly which comments fall into each slice.
#
# *Time: about 65 minutes (an estimate by `tools/lesson_stats.py`). Assumes: Python and a little pandas; no earlier lesson. Next:
# [02. Monitoring slices](02_monitoring_slices.ipynb), which scores a model on the slices written
# here.*
#
# In this lesson you will:
# 1. write length, keyword, regex and sentiment SFs, including one built with `resources` and one
#    that reads a memoized TextBlob preprocessor;
# 2. look inside a slice with `slice_dataframe`, then apply every SF at once and read the slice
#    matrix `S`;
# 3. measure how precise an SF is, and summarise the slices (size, overlap, label balance) as
#    tables and pictures.
#
# A *slice* is a subset of the data that matters for a reason of its own: a kind of user, an
# input that is known to be hard, a case where a mistake is costly. An SF is a small Python
# function that answers one question about one data point: *is it in the slice?* The answers
# are heuristics, so a slice is only as precise as the SF that defines it, and that is fine: the
# point is to name the subsets you want to watch, cheaply and in code.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import binomtest
from textblob import TextBlob

from exercises import lesson01
from snorkel_slice import (
    PandasSFApplier,
    SlicingFunction,
    plot_slice_summary,
    preprocessor,
    slice_dataframe,
    slice_overlap,
    slice_summary,
    slicing_function,
)
from utils import load_spam_dataset

SEED = 123
pd.set_option("display.max_colwidth", 60)

# %% [markdown]
# ## 1. The data: YouTube comments, spam or not
#
# The course uses the YouTube spam collection: comments under five music videos, each labelled
# spam (`1`) or ham (`0`, a genuine comment). `load_spam_dataset` returns the same splits as the
# Snorkel spam tutorial: train is the first four videos, test is 250 comments from the fifth
# (Shakira). Writing SFs needs no labels, but the labels of the test split will tell us what each
# slice contains, so this lesson works on `df_test`.

# %%
df_train, df_test = load_spam_dataset()
print(f"train: {len(df_train)} rows, test: {len(df_test)} rows")
df_test.sample(4, random_state=SEED)[["text", "label"]]

# %% [markdown]
# ## 2. A first SF: short comments
#
# Genuine comments are often a few words of praise, while spam tends to explain itself at length.
# The decorator `@slicing_function()` turns a plain function of one data point `x` into an SF named
# after the function. `x` is one row; its columns are attributes, so the comment is `x.text`.
# Every SF in this course gets a one-line docstring that says *why* the slice is worth watching.

# %%
@slicing_function()
def short_comment(x):
    """Ham is often a few words of praise ('super music'), so short comments deserve a look."""
    return len(x.text.split()) < 5


short_comment

# %% [markdown]
# An SF is still a function: call it on one row to see its answer. Row 194 of the test split is
# two words long, row 27 is not.

# %%
# NBVAL_CHECK_OUTPUT
print(short_comment(df_test.loc[194]), short_comment(df_test.loc[27]))

# %% [markdown]
# ## 3. Look inside a slice with `slice_dataframe`
#
# `slice_dataframe(df, sf)` returns the rows of `df` that the SF puts in its slice, with their
# original index labels. Reading a slice is the quickest way to find out whether the SF captures
# what you meant.

# %%
short_df = slice_dataframe(df_test, short_comment)
short_df[["text", "label"]].head()

# %% [markdown]
# Most short comments are ham, but not all: row 110, "subscribe to my feed", is spam in four
# words. (Several texts also end in an invisible character; the side note at the end says why
# that matters for an SF that compares whole strings.)
#
# ## 4. Keyword SFs, built with `resources`
#
# Spam usually asks for something: a visit, a like, a subscription. A keyword SF tests whether
# the comment uses any word from a list. Rather than writing one function per list, write the test
# once with the list as an argument, and let `SlicingFunction(name=..., f=..., resources=...)` bind
# a particular list to it. The `resources` dict is passed to `f` as keyword arguments on every
# call, and the `name` becomes the slice's name.

# %%
def keyword_lookup(x, keywords):
    """Spam asks for things: the comment uses one of `keywords` (compared in lower case)."""
    return any(word in x.text.lower() for word in keywords)


def make_keyword_sf(keywords):
    """One SF per keyword list, named after the list's first keyword."""
    return SlicingFunction(
        name=f"keyword_{keywords[0]}", f=keyword_lookup, resources=dict(keywords=keywords)
    )


keyword_please = make_keyword_sf(["please", "plz"])
keyword_please, keyword_please.resources

# %% [markdown]
# Because the keywords are data, the same factory gives you `make_keyword_sf(["subscribe", ...])`
# or any other list in one line (exercise 1b).
#
# ## 5. Regex SFs
#
# A regular expression describes a pattern rather than a fixed word. Two patterns point at spam:
# "check ... out", an invitation to go elsewhere, and shortened links such as `adf.ly/...`, which
# hide where a click leads. `re.search` returns a match object or `None`, so wrap it in `bool()`:
# an SF must return `True` or `False`.

# %%
@slicing_function()
def regex_check_out(x):
    """'check ... out' invites the reader to go somewhere else, a hallmark of spam."""
    return bool(re.search(r"check.*out", x.text, flags=re.I))


@slicing_function()
def short_link(x):
    """Shortened '.ly' links hide where a click leads."""
    return bool(re.search(r"\w+\.ly", x.text))


# %% [markdown]
# Forgetting `bool()` is the most common mistake, and it fails loudly rather than silently: the
# applier (section 7) names the SF, the row and the value it returned.

# %%
@slicing_function()
def short_link_no_bool(x):
    """Same as short_link, but returns the match object itself (a mistake)."""
    return re.search(r"\w+\.ly", x.text)


try:
    PandasSFApplier([short_link_no_bool]).apply(df_test)
except Exception as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# ### How precise is an SF? Measure it
#
# An SF is a heuristic, so some comments it puts in its slice do not belong there. To measure how
# many, read a random sample of the slice and label each comment by hand: does it really invite
# the reader to check something out? Here are 20 of the 45 test comments in `regex_check_out`,
# drawn with the lesson's seed, each around the place where the SF fired.

# %%
# NBVAL_CHECK_OUTPUT
in_check_out = slice_dataframe(df_test, regex_check_out)
sample = in_check_out.sample(20, random_state=SEED)
for index, text in sample["text"].items():
    start = re.search(r"check.*out", text, flags=re.I).start()  # where the SF fired
    print(f"{index:>3}", "..." if start > 25 else "   ", text[max(0, start - 25):start + 45])

# %% [markdown]
# Reading them, every one is an invitation ("check my music out", "Check out this video on
# YouTube", "check out this EXTRAORDINARY website"). The labels, written down by hand:

# %%
# True: the comment invites the reader to check something out (read from the texts above).
hand_labels = {368: True, 103: True, 347: True, 260: True, 236: True, 208: True, 219: True,
               198: True, 15: True, 326: True, 3: True, 266: True, 168: True, 61: True, 54: True,
               141: True, 348: True, 123: True, 82: True, 166: True}
assert set(hand_labels) == set(sample.index), "the sample changed: label the new comments"
correct = sum(hand_labels.values())
interval = binomtest(correct, len(hand_labels)).proportion_ci(method="wilson")
print(f"precision {correct}/{len(hand_labels)}, 95% interval {interval.low:.2f} to {interval.high:.2f}")

# %% [markdown]
# Twenty right out of twenty does not make the SF perfect: the interval says its precision is
# somewhere above 0.84, not that it is 1. A bigger sample, or a sharper look, narrows it. Here
# the sharper look is the regex itself: `.*` matches anything, and `out` also matches *inside* a
# word, so `check.*out` fires on "check my y**out**ube channel" or "checking my videos ... ab**out**
# me", where no "out" follows "check". Counting those on the 1,586 training comments, which a
# sample of 20 would rarely show:

# %%
# NBVAL_CHECK_OUTPUT
loose = df_train["text"].str.contains(r"check.*out", case=False)
strict = df_train["text"].str.contains(r"check.*\bout\b", case=False)  # "out" as a whole word
print(f"{loose.sum()} training comments match, {(loose & ~strict).sum()} of them without the word 'out':")
for text in df_train.loc[loose & ~strict, "text"]:
    print("   ", text[:70])

# %% [markdown]
# Both are invitations all the same, so the slice is still right for them, for the wrong reason.
# That is an SF's imprecision measured two ways: a hand-labelled sample bounds it, and reading the
# pattern finds the cases a sample misses. `\bout\b` (a word boundary on each side) would fix it.

# %%
assert len(hand_labels) == 20 and correct == 20 and len(in_check_out) == 45, hand_labels
assert len(df_train) == 1586, len(df_train)
assert round(interval.low, 2) == 0.84, interval

# %% [markdown]
# ## 6. A sentiment SF through a memoized preprocessor
#
# Some slices need a derived quantity. Very enthusiastic comments are about the video itself, so
# they are nearly always ham, and a product team may want to be sure the model never flags its
# happiest users. TextBlob gives a *polarity* from -1 (very negative) to +1 (very positive).
#
# A *preprocessor* adds such a field to the data point before the SF runs. Several SFs can share
# it, and with `memoize=True` its result is cached per comment, so TextBlob runs once per comment
# however many SFs or apply calls read it.

# %%
@preprocessor(memoize=True)
def textblob_sentiment(x):
    """Add TextBlob's polarity, from -1 (negative) to +1 (positive), as x.polarity."""
    x.polarity = TextBlob(x.text).sentiment.polarity
    return x


@slicing_function(pre=[textblob_sentiment])
def textblob_polarity(x):
    """Gushing comments are about the video itself, so they should almost never be spam."""
    return x.polarity > 0.9


# %%
polarity_df = slice_dataframe(df_test, textblob_polarity)
polarity_df[["text", "label"]].head()

# %% [markdown]
# The cache is keyed by a row's content (every column, not its index label). It holds 249
# entries for 250 comments because rows 83 and 171 are the same comment, posted twice with the
# same author and timestamp, so TextBlob ran once for both. Applying the SF again finds every
# comment in the cache, so it does not grow:

# %%
# NBVAL_CHECK_OUTPUT
print("cached after one pass: ", len(textblob_sentiment.cache_))
slice_dataframe(df_test, textblob_polarity)
print("cached after two passes:", len(textblob_sentiment.cache_))
assert df_test.loc[83].equals(df_test.loc[171]), "rows 83 and 171 are the same comment"

# %% [markdown]
# ## 7. Apply every SF at once: the slice matrix `S`
#
# `PandasSFApplier(sfs).apply(df)` runs each SF on each row and returns `S`, a numpy *record array*:
# one row per data point and one named 0/1 field per SF, in the order of `sfs`.

# %%
sfs = [short_comment, keyword_please, regex_check_out, short_link, textblob_polarity]
S = PandasSFApplier(sfs).apply(df_test)
S[:5]

# %% [markdown]
# Each record is one comment: `(0, 0, 1, 0, 0)` means "in `regex_check_out` only". The field
# names are the SF names, and each field is a column you can sum, mask with or pass to a scorer.

# %%
# NBVAL_CHECK_OUTPUT
print(S.dtype.names)
print("short comments:", S["short_comment"].sum())

# %% [markdown]
# Row `i` of `S` is the `i`-th row of `df_test` by **position**, not by index label (the test
# split's index runs 27, 194, 277, ...). So select with `iloc`, for example the three comments with
# a short link. The same fields are also attributes: `S.short_link` is `S["short_link"]`.

# %%
assert df_test.index[:3].tolist() == [27, 194, 277], df_test.index[:3]
in_short_link = np.flatnonzero(S.short_link)
df_test.iloc[in_short_link][["text", "label"]]

# %% [markdown]
# ## 8. Summarise the slices
#
# Before trusting any number computed on a slice, know how big it is. `slice_summary(S, golds)`
# gives one row per slice after an `overall` row: its size `n`, its `coverage` (share of all rows),
# its `overlap` (share of its rows that are in at least one other slice) and, with gold labels,
# the share of each label inside it.

# %%
summary = slice_summary(S, golds=df_test["label"])
S_sizes = summary["n"].drop("overall")
summary.round(3)

# %%
plot_slice_summary(summary);

# %% [markdown]
# Reading the table and the bars:
#
# - `short_comment` is the largest slice (92 comments, 37% of the test set) and is 91% ham.
# - `keyword_please` (23) and `regex_check_out` (45) are 100% spam on this split: they are the
#   spam patterns they were written to find.
# - `textblob_polarity` (24) is 75% ham, and 62.5% of its comments are also in another slice.
# - `short_link` holds just **3** comments (1.2%). Any score computed on it will rest on three
#   data points; lesson 02 shows what that does to a score.

# %%
assert summary.loc["short_comment", "n"] == 92, summary
assert summary.loc["short_link", "n"] == 3, summary
assert summary.loc["keyword_please", "label=1"] == 1.0, summary
assert round(summary.loc["textblob_polarity", "label=0"], 3) == 0.75, summary
assert round(summary.loc["short_comment", "label=0"], 2) == 0.91, summary
assert summary.loc["regex_check_out", "n"] == 45 and summary.loc["regex_check_out", "label=1"] == 1.0, summary
assert summary.loc["keyword_please", "n"] == 23 and summary.loc["textblob_polarity", "n"] == 24, summary
assert summary.loc["textblob_polarity", "overlap"] == 0.625, summary
assert round(summary.loc["short_link", "coverage"], 3) == 0.012, summary
assert df_test.loc[110, "text"].strip() == "subscribe to my feed" and short_comment(df_test.loc[110])

# %% [markdown]
# The `overlap` column says *how much* of a slice lies in other slices, not *which* ones.
# `slice_overlap(S)` gives that as a square table: row `a`, column `b` holds the share of slice
# `a`'s comments that are also in slice `b` (so the diagonal is 1). As a picture:

# %%
overlap = slice_overlap(S)
fig, ax = plt.subplots(figsize=(6, 4.5))
image = ax.imshow(overlap, cmap="Purples", vmin=0, vmax=1)
ax.set_xticks(range(len(overlap)), overlap.columns, rotation=30, ha="right")
ax.set_yticks(range(len(overlap)), [f"{name} (n={n})" for name, n in S_sizes.items()])
for (row, col), value in np.ndenumerate(overlap.to_numpy()):
    ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=8,
            color="white" if value > 0.6 else "black")
ax.set(xlabel="... also in this slice", ylabel="share of this slice's comments ...")
fig.colorbar(image);


# %% [markdown]
# Read it along a row. Half of `textblob_polarity`'s comments are also short (0.50): enthusiasm is
# brief. 2 of the 3 short links are in short comments (0.67). And 0.35 of `keyword_please` is also
# in `regex_check_out`, spam that says "please" and "check out", while only 0.18 of
# `regex_check_out` is in `keyword_please`: the table is not symmetric, because the two slices
# differ in size (23 and 45) while sharing the same 8 comments.

# %%
# NBVAL_CHECK_OUTPUT
print(slice_overlap(S, normalize=False).loc["keyword_please", "regex_check_out"], "comments in both")
assert overlap.loc["textblob_polarity", "short_comment"] == 0.5, overlap
assert round(overlap.loc["short_link", "short_comment"], 2) == 0.67, overlap
assert round(overlap.loc["keyword_please", "regex_check_out"], 2) == 0.35, overlap
assert round(overlap.loc["regex_check_out", "keyword_please"], 2) == 0.18, overlap

# %% [markdown]
# ### Side note: an invisible character
#
# Print texts with `repr` and a `'\ufeff'` appears at the end of many of them: a zero-width "byte
# order mark" that survived the export of the data. It is not whitespace, so `str.split()` counts
# it as a word when a space precedes it, and `text == "Awesome"` is False for row 263. It changed
# nothing above, but remember it when an SF compares whole strings or counts words exactly.

# %%
# NBVAL_CHECK_OUTPUT
print(repr(df_test.loc[263, "text"]), df_test.loc[263, "text"].split())
print(f"{df_test['text'].str.contains(chr(0xFEFF)).sum()} of {len(df_test)} test comments carry it")

# %% [markdown]
# ## Summary
#
# - An SF is a function of one data point returning `True` or `False`; `@slicing_function()` names
#   it after the function, and a one-line docstring records why the slice matters.
# - `SlicingFunction(name=..., f=..., resources=...)` reuses one function for many keyword lists.
# - A memoized `@preprocessor` computes an expensive field (TextBlob polarity) once per comment for
#   every SF that reads it.
# - `slice_dataframe` shows a slice's rows; `PandasSFApplier(sfs).apply(df)` gives `S`, one 0/1
#   field per SF, aligned with the rows of `df` by position.
# - An SF is a heuristic: estimate its precision on a hand-labelled sample, with an interval, and
#   read its pattern for what a sample misses (`check.*out` also fires on "youtube").
# - `slice_summary`, `plot_slice_summary` and `slice_overlap` show each slice's size, label balance
#   and which slices share comments: the first thing to check before reading any per-slice score.
#
# ## Exercises
#
# Each cell below holds a starting point that runs. Edit it, run the cell, and read the feedback:
# it says which comments your SF puts in the wrong place, first among the test comments, then among
# the training comments. The reference answers are in
# `exercises/solutions/lesson01.py`; try first.
#
# **1a. Comments with a link.** Write `has_link`: a comment is in the slice when it contains
# `http`, `www.` or `.com`, in any mix of upper and lower case.

# %%
@slicing_function()
def has_link(x):
    """Links take the reader off YouTube, which is what most spam wants."""
    return False


lesson01.check_has_link(has_link, df_test, df_train)

# %% [markdown]
# **1b. A keyword SF with `resources`.** Build `keyword_subscribe` with
# `SlicingFunction(name="keyword_subscribe", f=keyword_lookup, resources=...)` so that it holds the
# comments using the word `subscribe` or `channel` (`keyword_lookup` lower-cases the text).

# %%
keyword_subscribe = SlicingFunction(
    name="keyword_subscribe", f=keyword_lookup, resources=dict(keywords=[])
)

lesson01.check_keyword_subscribe(keyword_subscribe, df_test, df_train)

# %% [markdown]
# **1c. An SF with a preprocessor.** Comments written mostly in capitals shout for attention.
# Make the preprocessor `caps_ratio` add `x.caps_ratio`: the share of the comment's *letters*
# (`str.isalpha`) that are upper case, or `0.0` when it has no letters (one test comment is just
# `:)`). Then `shouting` holds the comments whose ratio is above 0.5.

# %%
@preprocessor(memoize=True)
def caps_ratio(x):
    """Add x.caps_ratio, the share of the comment's letters that are capitals."""
    x.caps_ratio = 0.0
    return x


@slicing_function(pre=[caps_ratio])
def shouting(x):
    """Comments in capitals shout for attention, as much spam does."""
    return x.caps_ratio > 0.5


lesson01.check_shouting(shouting, df_test, df_train)
