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
# # 07. Slicing functions with NLP
#
# **Goal:** write SFs that read a spaCy `Doc` (tokens, sentences, entities) instead of raw text,
# with a small rule-based pipeline that needs no download, and know what only a trained model adds.
#
# *Time: about 50 minutes (an estimate by `tools/lesson_stats.py`). Assumes: [01. Writing slicing functions](01_writing_slicing_functions.ipynb)
# (SFs, `S`, preprocessors) and [02. Monitoring slices](02_monitoring_slices.ipynb) (per-slice
# scores with intervals); no spaCy experience. Next:
# [08. Scaling out](08_scaling_out.ipynb), for when the text is too large for one process.*
#
# In this lesson you will:
# 1. see what a spaCy `Doc` gives an SF: tokens with attributes such as `like_url` and
#    `like_num`, sentences, and entities found by rules (the artist, the song);
# 2. write NLP SFs with `@nlp_slicing_function`, apply them (also with `n_jobs=2`), check that each
#    comment is parsed once for all of them, and score lesson 02's model on the new slices;
# 3. see honestly what a rule-based pipeline cannot do (names it has no rule for, parts of
#    speech) and how you would add a trained model where you can download one.
#
# Lesson 01's SFs read `x.text` with `in`, `split()` and regular expressions. That works until a
# slice is about *language*: "mentions the artist", "three sentences or more", "shouts in capital
# words". Splitting text into words, sentences and names is what an NLP library does, and an
# *NLP SF* gets that work done for it: it receives the data point with a parsed `Doc` attached.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import warnings

import numpy as np
import pandas as pd
import spacy
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.language import Language

from exercises import lesson07
from snorkel_slice.analysis import Scorer, SmallSliceWarning, plot_slice_scores, plot_slice_summary
from snorkel_slice.datasets import spam_pipeline_path
from snorkel_slice.slicing import NLPSlicingFunction, PandasSFApplier, nlp_slicing_function
from utils import df_to_features, load_spam_dataset

SEED = 123
pd.set_option("display.max_colwidth", 70)

# %% [markdown]
# ## 1. A rule-based pipeline for the spam comments
#
# spaCy turns a text into a `Doc` by running a *pipeline*: a tokenizer, then components that add
# annotations. spaCy's trained English pipelines (`en_core_web_sm` and friends) are downloads; this
# lesson uses none. It starts from `spacy.blank("en")`, which only tokenizes, and adds two
# components made of rules:
#
# - a `sentencizer`, which ends a sentence at `.`, `!` or `?`;
# - an `entity_ruler`, which marks the names of the five videos' artists (`ARTIST`) and their
#   song titles (`SONG`) in any case, with the artist as the entity's id (`ent.ent_id_`).
#
# `spam_pipeline_path()` returns the folder where this pipeline is saved (`data/spacy/spam_rules/`),
# and builds it there the first time (and again if the rules or spaCy change). The rules are a
# few dozen lines of Python in `snorkel_slice/datasets/spam_pipeline.py`. The saved pipeline is
# not committed: most of what `nlp.to_disk` writes is a binary copy of spaCy's English tokenizer,
# tied to the spaCy version, so it is rebuilt from the rules instead (`data/README.md` gives the
# sizes; `tools/build_spam_pipeline.py` rebuilds it on demand).

# %%
SPAM_RULES = spam_pipeline_path()
nlp = spacy.load(SPAM_RULES)
df_train, df_test = load_spam_dataset(load_train_labels=True)

# %%
# NBVAL_CHECK_OUTPUT
print(nlp.pipe_names, nlp.get_pipe("entity_ruler").labels)

# %% [markdown]
# ## 2. What a `Doc` gives an SF
#
# Calling `nlp(text)` returns the `Doc`. It is a sequence of tokens, and each token carries
# attributes that rules compute from its characters alone, so they need no model: `is_upper`,
# `is_alpha`, `like_num` (digits, or number words such as "billion"), `like_url`. Here is test
# comment 118, a fan's comment:

# %%
doc = nlp(df_test.loc[118, "text"])
tokens = pd.DataFrame(
    [(t.text, t.is_alpha, t.is_upper, t.like_num, t.like_url) for t in doc],
    columns=["token", "is_alpha", "is_upper", "like_num", "like_url"],
)
tokens.T

# %% [markdown]
# The `entity_ruler` found the artist, whatever the case:

# %%
# NBVAL_CHECK_OUTPUT
[(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents]

# %% [markdown]
# `like_url` recognises addresses without `http`, which a regex for `http|www` misses:

# %%
# NBVAL_CHECK_OUTPUT
[t.text for t in nlp(df_test.loc[292, "text"]) if t.like_url]

# %% [markdown]
# And `doc.sents` gives the sentences, from the `sentencizer`'s punctuation rule:

# %%
# NBVAL_CHECK_OUTPUT
[sent.text for sent in nlp(df_test.loc[283, "text"]).sents]

# %% [markdown]
# The last token of comment 118 is `'\ufeff'`, the invisible byte-order mark that lesson 01 found
# at the end of many comments (113 of the 250 here). `spacy.blank("en")` alone keeps it glued to the last word, so
# `"shakira\ufeff"` is neither `"shakira"` nor alphabetic, and no rule for "shakira" can match it.
# The spam pipeline's tokenizer splits the mark off. Of the test comments that contain the string
# "shakira" (in any case), the blank tokenizer yields the token "shakira" in only some:

# %%
blank = spacy.blank("en")
says_shakira = df_test["text"].str.lower().str.contains("shakira")
blank_finds = sum(any(t.lower_ == "shakira" for t in blank(text)) for text in df_test["text"])
rules_find = sum(any(t.lower_ == "shakira" for t in nlp(text)) for text in df_test["text"])
print(f"contain 'shakira': {says_shakira.sum()}, token with blank:en: {blank_finds}, "
      f"with the spam pipeline: {rules_find}")
assert (says_shakira.sum(), blank_finds, rules_find) == (35, 26, 34), (blank_finds, rules_find)
assert doc[-1].text == "\ufeff" and df_test["text"].str.endswith("\ufeff").sum() == 113

# %% [markdown]
# The one comment left writes `shakira&#39;s`: the export turned its apostrophe into the HTML
# code `&#39;`, which sticks to the name. Rules only see what the text really holds.
#
# ## 3. NLP SFs
#
# `@nlp_slicing_function(language=...)` works like `@slicing_function()`, but the SF receives `x`
# with the `Doc` of `x.text` as `x.doc`. `language` names the pipeline: a package name such as
# `"en_core_web_sm"`, `"blank:en"`, an `nlp` object, or, as here, the folder of a saved pipeline.
# These five SFs are ideas that rules do well on spam comments; a sixth, the comment that shouts
# in capital words, is yours in exercise 7a.

# %%
@nlp_slicing_function(language=SPAM_RULES)
def mentions_artist(x):
    """Fans name the artist ('love Shakira!'); spam rarely talks about the video at all."""
    return any(ent.label_ == "ARTIST" for ent in x.doc.ents)


@nlp_slicing_function(language=SPAM_RULES)
def mentions_song(x):
    """Naming the song ('Waka Waka') is about the video, whoever writes it."""
    return any(ent.label_ == "SONG" for ent in x.doc.ents)


@nlp_slicing_function(language=SPAM_RULES)
def has_url(x):
    """Links take readers off YouTube, which is what most spam wants."""
    return any(token.like_url for token in x.doc)


@nlp_slicing_function(language=SPAM_RULES)
def has_number(x):
    """Numbers come with offers ('$25 to $35', '500 likes') and with dates ('in 2015')."""
    return any(token.like_num for token in x.doc)


@nlp_slicing_function(language=SPAM_RULES)
def many_sentences(x):
    """Spam explains itself at length; praise fits in a sentence or two."""
    return len(list(x.doc.sents)) >= 3


nlp_sfs = [mentions_artist, mentions_song, has_url, has_number, many_sentences]

# %% [markdown]
# An NLP SF is still a function of one row:

# %%
# NBVAL_CHECK_OUTPUT
print(mentions_artist(df_test.loc[118]), has_url(df_test.loc[118]), has_number(df_test.loc[118]))

# %% [markdown]
# ## 4. Apply them and look at the slices
#
# `PandasSFApplier` applies NLP SFs like any other, and `S` has one column per SF.

# %%
S_test = PandasSFApplier(nlp_sfs).apply(df_test)
Y_test = df_test["label"].to_numpy()
ax = plot_slice_summary(S_test, golds=Y_test)

# %%
sizes = {name: int(S_test[name].sum()) for name in S_test.dtype.names}
spam = {name: int(Y_test[S_test[name] == 1].sum()) for name in S_test.dtype.names}
assert sizes == {"mentions_artist": 34, "mentions_song": 13, "has_url": 20, "has_number": 50,
                 "many_sentences": 50}, sizes
assert spam == {"mentions_artist": 5, "mentions_song": 3, "has_url": 20, "has_number": 37,
                "many_sentences": 45}, spam

# %% [markdown]
# The picture sorts the ideas. `has_url` is all spam (20 of 20), and `many_sentences` (45 of 50)
# and `has_number` (37 of 50) mostly so. `mentions_artist` is the other way round: 29 of its 34
# comments are fans writing to Shakira, and only 5 are spam.
#
# NLP SFs work with `n_jobs` too. Each worker process loads the pipeline from its folder once and
# parses its own share of the comments, and `S` comes out the same:

# %%
S_parallel = PandasSFApplier(nlp_sfs).apply(df_test, n_jobs=2)
assert np.array_equal(S_parallel, S_test)

# %% [markdown]
# ## 5. One `Doc` per comment, shared by every NLP SF
#
# Parsing is the expensive part of an NLP SF. Five SFs on 250 comments make 1,250 SF calls, but
# SFs with the same pipeline share one preprocessor, which keeps each text's `Doc`, so each
# distinct comment is parsed once, and never again. To watch it, we add a component that counts
# the Docs the pipeline makes, and wrap the same five functions with that pipeline:

# %%
parsed = {"docs": 0}


@Language.component("count_docs")
def count_docs(doc):
    """Count every Doc the pipeline makes; change nothing."""
    parsed["docs"] += 1
    return doc


counting_nlp = spacy.load(SPAM_RULES)
counting_nlp.add_pipe("count_docs")
counted_sfs = [NLPSlicingFunction(sf.name, sf.f, language=counting_nlp) for sf in nlp_sfs]
assert counted_sfs[0].spacy is counted_sfs[-1].spacy  # one preprocessor for the five SFs

# %% [markdown]
# Now apply the five SFs twice, and count the Docs each time:

# %%
S_counted = PandasSFApplier(counted_sfs).apply(df_test)
after_first = parsed["docs"]
S_again = PandasSFApplier(counted_sfs).apply(df_test)

# %%
# NBVAL_CHECK_OUTPUT
print(f"{len(counted_sfs)} SFs x {len(df_test)} comments, {df_test['text'].nunique()} distinct texts")
print(f"Docs made by the first apply: {after_first}, by the second: {parsed['docs'] - after_first}")

# %% [markdown]
# 229 Docs for 229 distinct texts, and none the second time. (Some comments appear several
# times word for word, ham and spam alike: "Shakira :-*" four times.) The counting pipeline gives
# the same `S` as before, both times:

# %%
assert df_test["text"].value_counts()["Shakira :-*"] == 4
assert np.array_equal(S_counted, S_test) and np.array_equal(S_again, S_test)

# %% [markdown]
# ## 6. Score a model on the new slices
#
# This is lesson 02's model: a bag of words and a strongly regularised logistic regression,
# trained on the four other videos and tested on Shakira's. Most of these slices are mostly
# spam or mostly ham, so F1 (which only counts spam) would rest on very few rows in some of them;
# we score accuracy, with its 95% interval. The slices under 30 rows would each raise a
# `SmallSliceWarning`; their sizes are in the table, so we silence it.

# %%
vectorizer = CountVectorizer(ngram_range=(1, 1))
X_train, Y_train = df_to_features(vectorizer, df_train, "train")
X_test, _ = df_to_features(vectorizer, df_test, "test")
model = LogisticRegression(C=0.001, solver="liblinear").fit(X_train, Y_train)
preds_test = model.predict(X_test)

warnings.simplefilter("ignore", SmallSliceWarning)
scores = Scorer(metrics=["accuracy"]).score_slices(
    S_test, Y_test, preds_test, as_dataframe=True, ci=0.95, random_state=SEED
)
scores.round(3)

# %%
ax = plot_slice_scores(scores, metric="accuracy")
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5));

# %%
acc = scores["accuracy"].round(3)
assert acc["overall"] == 0.928 and acc["mentions_artist"] == 0.794, acc
assert scores.loc["mentions_artist", "accuracy_high"] < scores.loc["overall", "accuracy"], scores
mistakes = preds_test != Y_test
in_artist = S_test["mentions_artist"] == 1
assert (mistakes.sum(), mistakes[in_artist].sum(), round(in_artist.mean(), 2)) == (18, 7, 0.14)

# %% [markdown]
# `mentions_artist` stands out: accuracy 0.794 on 34 comments, and its whole interval lies below
# the overall 0.928. It holds 7 of the model's 18 mistakes, on 14% of the comments. Read them:

# %%
df_test[in_artist & mistakes][["text", "label"]].assign(pred=preds_test[in_artist & mistakes])

# %%
assert (in_artist & mistakes & (Y_test == 0)).sum() == 6  # fans' comments called spam

# %% [markdown]
# Six of the seven are fans' comments that the model calls spam ("Shakira you are so beautiful.
# You are lovely, lively.. We love you."). A likely reason, worth checking: the model learnt its
# words from the other four videos, whose fans write about other artists, so a fan of Shakira
# uses words it has mostly seen in spam that flatters its readers. Either way, the slice came
# from one rule about names and it found the model's weak spot; lesson 04 compares the remedies
# for such a slice, and lesson 05 shows how to give a model extra capacity for it.
#
# ## 7. What rules cannot do: a trained model
#
# Some spammers introduce themselves: "this is Johnny", "my name's Anderson". A slice of comments
# that *name a person* is a good idea, but the entity ruler knows only the names we gave it, and
# a person's name is not a list you can write down. The blank pipeline has no statistical
# components, so it returns no such entity, and no part-of-speech tags or dependency parse either:

# %%
# NBVAL_CHECK_OUTPUT
johnny = nlp(df_test.loc[42, "text"])
print(johnny[:8].text)
print("entities:", johnny.ents)
print("parts of speech:", [t.pos_ for t in johnny[:8]])
print("tagged:", johnny.has_annotation("TAG"), "parsed:", johnny.has_annotation("DEP"))

# %% [markdown]
# Recognising "Johnny" as a `PERSON`, or telling the verb "like" from the preposition "like",
# takes a trained model. spaCy's are published by Explosion, the makers of spaCy. Where you may
# download them, install the small English one once, in a terminal with the course's environment
# active:
#
# ```bash
# python -m spacy download en_core_web_sm
# ```
#
# and then an SF names it as its `language`; everything else is the same:
#
# ```python
# @nlp_slicing_function(language="en_core_web_sm")
# def names_a_person(x):
#     """Spammers introduce themselves ('this is Johnny'); fans rarely do."""
#     return any(ent.label_ == "PERSON" for ent in x.doc.ents)
# ```
#
# This lesson does not run it: the course runs offline, and copies of these models uploaded to
# package registries by other people are not Explosion's, so do not install those. Without the
# model, the SF fails with a message that says how to install it. A trained model is also much
# slower than these rules, one more reason to parse each comment only once.
#
# ## Summary
#
# - An NLP SF (`@nlp_slicing_function(language=...)`) receives `x.doc`, the spaCy `Doc` of
#   `x.text`: tokens with attributes such as `is_upper`, `like_num` and `like_url`, `doc.sents`
#   and `doc.ents`.
# - A rule-based pipeline built from `spacy.blank("en")` with a `sentencizer` and an
#   `entity_ruler` needs no download; `spam_pipeline_path()` gives one tuned to these comments
#   (artists, songs, and the byte-order mark split off), saved in `data/spacy/spam_rules/`.
# - NLP SFs with the same pipeline share one `Doc` per distinct text: 229 parses for 5 SFs on 250
#   comments, and none on a second apply. They work with `n_jobs` and give the same `S`.
# - Scored on these slices, lesson 02's model is weakest where fans name the artist
#   (`mentions_artist`: accuracy 0.794 on 34 comments, interval below overall, 7 of 18 mistakes).
# - Names without a rule, parts of speech and dependencies need a trained model:
#   `python -m spacy download en_core_web_sm` where downloads from Explosion are allowed.
#
# ## Exercises
#
# Each cell holds a starting point that runs; replace it with your answer and run the cell for
# feedback. The reference answers are in `exercises/solutions/lesson07.py`; try first.
#
# **7a. A comment that shouts.** Write an NLP SF `shouts`: the comment has at least 3 tokens that
# are words in capitals (`is_alpha` and `is_upper`) of 3 or more letters. "OMG LOVE THIS!" shouts;
# "I LOVE IT" does not (only "LOVE" counts). The check applies your SF and the reference to the test
# comments, then to the training comments, and names the rows that differ.

# %%
@nlp_slicing_function(language=SPAM_RULES)
def shouts(x):
    """Spam shouts for attention in capital words."""
    return False


lesson07.check_shouts(shouts, df_test, df_train)

# %% [markdown]
# **7b. Who do the training comments name?** Parse the 1,586 training comments with `nlp.pipe`
# (faster than calling `nlp` on each) and count the `ARTIST` entities per artist, as a dict
# `{artist: mentions}`. Key them so that every spelling of an artist counts for that artist, and
# count every mention, even two in one comment.

# %%
artist_counts = {}  # e.g. {"Shakira": 2, ...}

lesson07.check_artist_mentions(artist_counts, df_train)
