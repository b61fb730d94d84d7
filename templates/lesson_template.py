# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # NN. Title of the lesson
#
# **Goal:** one line on what a learner can do after this lesson.
#
# *Time: about NN minutes. Assumes: lessons that come before. Next: the lesson that follows.*
#
# In this lesson you will:
# 1. first step;
# 2. second step;
# 3. third step.

# %%
# Setup: imports and a seed, nothing else.
from types import SimpleNamespace

import numpy as np

from snorkel_slice import slicing_function

SEED = 123
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## 1. A first idea
#
# Show each new thing right after it is defined, and check the numbers the prose relies on.

# %%
# NBVAL_CHECK_OUTPUT
@slicing_function()
def short_text(x):
    """Short texts carry little signal."""
    return len(x.text.split()) < 5


print(short_text.name, short_text(SimpleNamespace(text="nice video")))

# %% [markdown]
# ## Summary
#
# - What the learner did, in one line each.
#
# ## Exercises
#
# Each exercise has a check in `exercises/lessonNN.py` that gives specific feedback, and a reference
# answer in `exercises/solutions/lessonNN.py`. See CONTRIBUTING.md.
