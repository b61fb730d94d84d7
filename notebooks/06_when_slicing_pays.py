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
# # 04. When slice-based learning pays
#
# **Goal:** see on data you can draw where slice experts rescue a model, where they add nothing,
# and how to tell the help of slice supervision from the help of extra parameters.
#
# *Time: about 35 minutes. Assumes: [05. Slice-based learning](05_slice_based_learning.ipynb)
# (`SliceAwareClassifier`, `Trainer`, comparing over seeds). Next:
# [08. Scaling out with Dask](08_scaling_out.ipynb), which applies SFs to data too big for
# one pandas frame.*
#
# In this lesson you will:
# 1. build 2-D data with three small circles where a small plain model fails, and look at the
#    decision boundaries of a plain and a slice-aware model;
# 2. measure the gain on each circle over five seeds, with its spread, and count the parameters
#    the slice experts add;
# 3. repeat with a capable backbone and against two controls, a plain model with as many
#    parameters and a slice-aware model given the wrong slices, to see where the gain comes from.
#
# Lesson 05 ended without an answer: on the spam data the slice-aware model was no better than the
# plain one, slightly behind by a few comments, and the test slices were too small to tell. Here we
# control the data. Every point is on a square, the slices are circles we can draw, and test sets
# are as large as we like, so a difference between models is either clearly there or clearly not.

# %%
# Setup: imports and a seed, nothing else.
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.patches import Circle
from torch import nn

from exercises import lesson06
from snorkel_slice.classification import (
    DictDataLoader,
    DictDataset,
    PlainClassifier,
    Trainer,
    TrainerConfig,
)
from snorkel_slice.datasets.synthetic import CIRCLES, make_circle_data
from snorkel_slice.slicing import SliceAwareClassifier, slicing_function

SEEDS = [0, 1, 2, 3, 4]  # five training seeds; the pictures use the first
torch.set_num_threads(1)  # one thread: the same arithmetic on every run, and no slower here

# %% [markdown]
# ## 1. Data with three small circles
#
# `make_circle_data(n, seed)` draws `n` points uniformly on the square [-1, 1]². The label is 1
# above the diagonal (`x2 > x1`) and 0 below it, *except* inside three small circles, where it is
# flipped. A point's slices are the circles it lies in, so `S` comes with the data: one column per
# circle. We train on 2,000 points and test on 4,000 fresh ones.

# %%
df_train, S_train = make_circle_data(2000, seed=100)
df_test, S_test = make_circle_data(4000, seed=200)
X_train, X_test = df_train[["x1", "x2"]].to_numpy(), df_test[["x1", "x2"]].to_numpy()
df_train.head(3)

# %%
# NBVAL_CHECK_OUTPUT
pd.DataFrame({
    "center": [f"({x:+.2f}, {y:+.2f})" for x, y, _ in CIRCLES.values()],
    "radius": [r for *_, r in CIRCLES.values()],
    "train n": S_train.sum(), "test n": S_test.sum(),
    "coverage": S_test.mean().round(3),
})

# %% [markdown]
# The circles hold about 3% to 5% of the points each: 68 to 109 training points, enough to learn
# from, and 107 to 187 test points, enough to score.

# %%
def draw_circles(ax):
    """Outline the three slices."""
    for name, (x, y, r) in CIRCLES.items():
        ax.add_patch(Circle((x, y), r, fill=False, lw=1.5, color="k"))
        ax.annotate(name, (x, y + r), ha="center", va="bottom", fontsize=8,
                    bbox=dict(fc="white", alpha=0.7, lw=0))


fig, ax = plt.subplots(figsize=(4.5, 4.5))
shown = df_train.iloc[:1000]  # half of the points: enough to see the pattern
ax.scatter(shown["x1"], shown["x2"], c=shown["label"], cmap="coolwarm", s=4)
draw_circles(ax)
ax.set(title="1,000 training points: label 1 (red), 0 (blue)", xlabel="x1", ylabel="x2",
       aspect="equal");

# %% [markdown]
# ## 2. A small plain model, and a slice-aware one
#
# We start with a *capacity-limited* backbone: one layer of 16 ReLU units. `make_model` builds the
# backbone from a seed, so both kinds of model start from the same backbone weights, and `fit`
# trains either kind with the same settings and batch order (Adam, 40 epochs, learning rate decaying
# linearly). Each circle's points all carry the flipped label, so we score with accuracy: the share
# of the circle's points predicted right.

# %%
def make_model(kind, widths, seed, slice_names=tuple(S_train.columns)):
    """A backbone of ReLU layers of the given widths, under a plain or a slice-aware head."""
    torch.manual_seed(seed)
    layers, width = [], 2
    for w in widths:
        layers += [nn.Linear(width, w), nn.ReLU()]
        width = w
    if kind == "slice-aware":
        return SliceAwareClassifier(nn.Sequential(*layers), width, list(slice_names))
    return PlainClassifier(nn.Sequential(*layers), width)


train_set = DictDataset.from_tensors(X_train, df_train["label"].to_numpy(), "train")
config = TrainerConfig(n_epochs=40, lr=0.02, lr_scheduler="linear", progress_bar=False)


def fit(model, seed, S=S_train):
    """Train on the 2,000 points; a slice-aware model also gets the slice labels from S."""
    if isinstance(model, SliceAwareClassifier):
        loader = model.make_slice_dataloader(train_set, S, batch_size=128, shuffle=True)
    else:
        loader = DictDataLoader(train_set, batch_size=128, shuffle=True)
    Trainer(config, seed=seed).fit(model, [loader])
    return model


def accuracy(model):
    """Test accuracy overall and inside each circle."""
    correct = model.predict_proba(X_test).argmax(axis=1) == df_test["label"].to_numpy()
    return pd.Series({"overall": correct.mean(),
                      **{name: correct[S_test[name]].mean() for name in S_test.columns}})


# %%
small = {kind: fit(make_model(kind, [16], SEEDS[0]), SEEDS[0]) for kind in ("plain", "slice-aware")}
pd.DataFrame({kind: accuracy(model) for kind, model in small.items()}).round(3)

# %% [markdown]
# The decision boundaries show what the numbers mean. `predict_proba` scores a grid of points
# covering the square; the shading is the predicted class.

# %%
def plot_boundary(model, ax, title):
    """Shade the square by the predicted class and outline the circles."""
    grid = np.linspace(-1, 1, 201, dtype=np.float32)
    xx, yy = np.meshgrid(grid, grid)
    probs = model.predict_proba(np.c_[xx.ravel(), yy.ravel()])[:, 1].reshape(xx.shape)
    ax.contourf(xx, yy, probs, levels=[0, 0.5, 1], colors=["#9ecae1", "#fcae91"])
    draw_circles(ax)
    ax.set(title=title, aspect="equal", xticks=[], yticks=[])


fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
for ax, (kind, model) in zip(axes, small.items(), strict=True):
    plot_boundary(model, ax, f"{kind}, 1 layer of 16 units")

# %% [markdown]
# The plain model learns the diagonal and gives up on the circles: inside them it is wrong almost
# everywhere (0 to 0.12 accuracy). With the same 16-unit backbone, the slice-aware model carves a
# region of the flipped class into each circle. The regions are not circles, but they win back
# more than half of each circle's points (0.55 to 0.85).
#
# ## 3. What the slice experts cost
#
# The slice-aware model is not the same size as the plain one. It adds, for each of the three
# circles and for `base`, an indicator head and a 16 × 16 transform, plus a prediction head they
# share:

# %%
# NBVAL_CHECK_OUTPUT
def n_parameters(model):
    """How many numbers training adjusts."""
    return sum(p.numel() for p in model.parameters())


sizes = pd.Series({kind: n_parameters(model) for kind, model in small.items()})
print(sizes.to_string())
print(f"the slice experts add {sizes['slice-aware'] - sizes['plain']:,} parameters, "
      f"{sizes['slice-aware'] / sizes['plain']:.1f} times the plain model")

# %% [markdown]
# The plain model has 82 parameters; the experts add 1,258, so the slice-aware model is 16 times
# larger. Is the rescue the work of the slice labels, or just of 16 times more parameters? Section
# 5 answers that. First, is the rescue even reliable, or did seed 0 get lucky?
#
# ## 4. The gain on each circle, over five seeds
#
# For each seed, we train both models from the same backbone weights and score them on the test
# set. Training is repeatable on one machine, so rerunning this cell gives the same table.

# %%
def run_seeds(kind, widths, S=S_train):
    """Test accuracies of one kind of model, one row per seed."""
    return pd.DataFrame({seed: accuracy(fit(make_model(kind, widths, seed), seed, S))
                         for seed in SEEDS}).T.rename_axis("seed")


runs = {"plain 16": run_seeds("plain", [16]), "slice-aware 16": run_seeds("slice-aware", [16])}
pd.concat(runs, names=["model"]).round(3)

# %% [markdown]
# Seeds differ, so we compare the two models *seed by seed*: the gain for seed `s` is the
# slice-aware accuracy minus the plain accuracy of the pair that shares seed `s`'s backbone
# weights and batches. The table gives the mean gain and its spread, the standard deviation of the
# five gains.

# %%
def gains(better, worse):
    """Mean and spread over seeds of the paired difference better - worse."""
    diff = runs[better] - runs[worse]
    return pd.DataFrame({"gain": diff.mean(), "spread": diff.std()})


small_gain = gains("slice-aware 16", "plain 16")
small_gain.round(3)

# %%
def mean_spread(names):
    """Each model's accuracy per circle as 'mean ± spread' over the seeds."""
    return pd.DataFrame({name: runs[name].mean().map("{:.2f}".format) + " ± "
                         + runs[name].std().map("{:.2f}".format) for name in names}).T


def plot_runs(names, title):
    """Mean ± spread over seeds of each model's accuracy, per circle."""
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.3 * len(names) * 4))
    circles = list(runs[names[0]].columns)
    y = np.arange(len(circles))[::-1] * (len(names) + 1)
    for i, name in enumerate(names):
        ax.errorbar(runs[name].mean(), y - i, xerr=runs[name].std(), fmt="o", capsize=3, label=name)
    ax.set_yticks(y - (len(names) - 1) / 2, circles)
    ax.set(xlabel="test accuracy, mean ± spread over 5 seeds", xlim=(-0.05, 1.05), title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))


plot_runs(["plain 16", "slice-aware 16"], "capacity-limited backbone (1 × 16)")
mean_spread(["plain 16", "slice-aware 16"])

# %% [markdown]
# The rescue is real. On every circle the slice-aware model gains 0.43 to 0.69 in accuracy on
# average, and 0.08 overall. It is most reliable on `circle_bottom`, the smallest circle: the plain
# model never gets a point of it right, and the gain (0.58) is more than six times its spread. On
# the two larger circles the spread of the gain is large (0.21 and 0.33), because the plain model
# sometimes catches part of a circle by luck (seed 3).

# %%
assert (small_gain["gain"].drop("overall") > 0.25).all(), small_gain
assert small_gain.loc["circle_bottom", "gain"] > 2 * small_gain.loc["circle_bottom", "spread"], small_gain
assert small_gain.loc["overall", "gain"] > 2 * small_gain.loc["overall", "spread"], small_gain

# %% [markdown]
# ## 5. Slice supervision or extra capacity?
#
# The slice-aware model has 16 times the parameters of the plain one. Two controls separate the two
# explanations:
#
# - **a plain model with as many parameters**: the same one-layer backbone made wider, until it
#   has at least as many parameters as the slice-aware model. It has the capacity but no slices.
# - **the slice-aware model with shuffled slices**: the same architecture and parameter count,
#   but `S` is shuffled across points, so each expert gets a random set of points of the right
#   size. It has the capacity and the machinery, but its slices carry no information.

# %%
# NBVAL_CHECK_OUTPUT
width = 16
while n_parameters(make_model("plain", [width], 0)) < sizes["slice-aware"]:
    width += 1
print(f"plain, 1 layer of {width} units: {n_parameters(make_model('plain', [width], 0)):,} parameters")
S_shuffled = S_train.sample(frac=1, random_state=0).set_axis(S_train.index)
print("shuffled slice sizes:", S_shuffled.sum().tolist(), "points in the right circle:",
      (S_shuffled & S_train).sum().tolist())

# %%
runs[f"plain {width} (same size)"] = run_seeds("plain", [width])
runs["slice-aware 16, shuffled S"] = run_seeds("slice-aware", [16], S=S_shuffled)
plot_runs(list(runs), "capacity-limited backbone, with two controls")
mean_spread(list(runs))

# %%
wide_vs_sliced = gains(f"plain {width} (same size)", "slice-aware 16")
sliced_vs_shuffled = gains("slice-aware 16", "slice-aware 16, shuffled S")
pd.concat({f"plain {width} - slice-aware 16": wide_vs_sliced,
           "slice-aware 16 - shuffled": sliced_vs_shuffled}, axis=1).round(3)

# %% [markdown]
# The two controls answer different questions, and both answers matter:
#
# - **With shuffled slices, the gain shrinks and becomes erratic.** On the smallest circle it is
#   almost gone (0.08 against 0.58 with the right slices); on the two larger ones the shuffled
#   model keeps part of it (0.64 and 0.58 against 0.88 and 0.78), with spreads of 0.10 to 0.36.
#   The extra machinery alone is extra capacity and helps somewhat, but the full, reliable gain
#   comes from slice labels that say where the circles are.
# - **The wider plain model does as well or better, with no slices at all.** Given 268 units,
#   a plain network finds the circles on its own: it beats the slice-aware model on
#   `circle_bottom` and `circle_top` by 0.12 to 0.13, matches it on `circle_right` (0.03 ± 0.05),
#   and varies far less between seeds (spreads of 0.01 to 0.02).
#
# So on this problem slice supervision is a good way to spend a *fixed* budget of extra parameters,
# not a way to beat a network that is simply big enough.

# %%
assert (wide_vs_sliced["gain"].drop("overall") > -0.05).all(), wide_vs_sliced
assert (sliced_vs_shuffled["gain"].drop("overall") > 0.1).all(), sliced_vs_shuffled

# %% [markdown]
# ## 6. A capable backbone
#
# Now give both models a backbone that can learn the circles by itself: two layers of 64 units.
# The slice experts are 64 × 64 transforms now.

# %%
# NBVAL_CHECK_OUTPUT
big = {kind: fit(make_model(kind, [64, 64], SEEDS[0]), SEEDS[0]) for kind in ("plain", "slice-aware")}
big_sizes = pd.Series({kind: n_parameters(model) for kind, model in big.items()})
print(big_sizes.to_string())
print(f"the slice experts add {big_sizes['slice-aware'] - big_sizes['plain']:,} parameters, "
      f"{big_sizes['slice-aware'] / big_sizes['plain']:.1f} times the plain model")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
for ax, (kind, model) in zip(axes, big.items(), strict=True):
    plot_boundary(model, ax, f"{kind}, 2 layers of 64 units")

# %% [markdown]
# Both models draw the circles. Over five seeds:

# %%
runs["plain 64×64"] = run_seeds("plain", [64, 64])
runs["slice-aware 64×64"] = run_seeds("slice-aware", [64, 64])
plot_runs(["plain 64×64", "slice-aware 64×64"], "capable backbone (2 × 64)")
mean_spread(["plain 64×64", "slice-aware 64×64"])

# %%
big_gain = gains("slice-aware 64×64", "plain 64×64")
pd.concat({"capable: slice-aware - plain": big_gain, "limited (section 4)": small_gain}, axis=1).round(3)

# %% [markdown]
# With a capable backbone the plain model already gets 0.89 to 0.95 of each circle right, and the
# slice experts add little: 0.02 to 0.05, about one spread, for nearly five times the parameters.
# The experts are no longer a rescue.

# %%
assert (runs["plain 64×64"].mean().drop("overall") > 0.8).all(), runs["plain 64×64"]
assert (big_gain["gain"].drop("overall") < 0.15).all(), big_gain
assert (big_gain["gain"] < small_gain["gain"]).drop("overall").all(), (big_gain, small_gain)

# %% [markdown]
# ## 7. So when does slice-based learning pay?
#
# What these runs show, and what they suggest for real data:
#
# - **It pays when the backbone cannot fit the slices on its own.** Then the slice labels steer
#   a small budget of extra parameters to the right places: a large, reliable gain on every
#   circle, which random slices do not give.
# - **It adds little when the backbone is big enough.** Then the plain model learns the slices
#   from the labels alone, and the experts are mostly overhead.
# - **Compare against the right baselines.** A gain over the same backbone is not yet a gain from
#   slices: a plain model with the same number of parameters may do as well. The slice-aware
#   model earns its place when you *cannot* grow the backbone (a fixed pretrained network, a
#   latency budget, little data for a bigger model), when you want its per-slice heads and
#   attention for monitoring, or when a bigger plain model still fails a slice.
# - **You need slices large enough to learn from and to measure.** The circles have 68 to 109
#   training points and 107 to 187 test points; lesson 05's `short_link` had 1 and 3, and no
#   method could show anything there.
#
# ## Summary
#
# - On 2-D data with three small flipped circles, a one-layer, 16-unit plain model ignores the
#   circles; the slice-aware model with the same backbone wins most of each circle back.
# - Compare seed by seed and report the mean gain with its spread: here 0.43 to 0.69 per circle,
#   most reliably on the smallest circle.
# - Count the parameters: the experts made the model 16 times larger. A plain model of the same
#   size did as well or better; the same slice-aware model with shuffled slices did not. The slice
#   labels decide where the extra capacity goes.
# - With a capable backbone (2 × 64) both models draw the circles, and the experts add little.
#
# ## Exercises
#
# Each cell holds a starting point that runs; replace it with your answer and run the cell for
# feedback. The reference answers are in `exercises/solutions/lesson06.py`; try first.
#
# **4a. The cost of the experts.** Write `slice_head_parameters(h, k, C)`: how many parameters a
# `SliceAwareClassifier` has beyond the plain model with the same backbone, for backbone width `h`,
# `k` slices (not counting `base`) and `C` classes. Per slice, `base` included, there are an
# indicator head `Linear(h, 2)` and a transform `Linear(h, h)`; one prediction head `Linear(h, C)`
# is shared by all slices. (The master head is the plain model's own head.) The check counts real
# models, including lesson 05's and the Snorkel tutorial's.

# %%
def slice_head_parameters(h, k, C):
    """Parameters the slice experts add: replace this with your formula."""
    return 0


lesson06.check_slice_head_parameters(slice_head_parameters)

# %% [markdown]
# **4b. Paired gains.** From `runs` (section 4), compute the mean and the spread (standard
# deviation, pandas' default) of the gain of `"slice-aware 16"` over `"plain 16"` on each circle,
# pairing the two models by seed. Return a DataFrame with columns `gain` and `spread`, one row per
# circle (the `overall` row is optional).

# %%
my_gains = pd.DataFrame({"gain": 0.0, "spread": 0.0}, index=runs["plain 16"].columns)

lesson06.check_paired_gains(my_gains, runs["slice-aware 16"], runs["plain 16"])

# %% [markdown]
# **4c. An SF for a new circle.** Suppose a fourth critical slice: the points within 0.2 of
# (-0.6, -0.1). Write it as an SF; `x.x1` and `x.x2` are a point's coordinates. The check applies it
# to the training points and names any it slices differently.

# %%
@slicing_function()
def circle_left(x):
    """Points within 0.2 of (-0.6, -0.1)."""
    return False


lesson06.check_circle_sf(circle_left, df_train)
