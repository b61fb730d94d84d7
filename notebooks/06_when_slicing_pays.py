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
# # 06. When slice-based learning pays
#
# **Goal:** see on data you can draw where slice experts rescue a model, where they add nothing,
# how much wrong slices cost them, and how to tell the help of slice supervision from the help of
# extra parameters.
#
# *Time: about 90 minutes (an estimate by `tools/lesson_stats.py`). Assumes:
# [05. Slice-based learning](05_slice_based_learning.ipynb) (`SliceAwareClassifier`, `Trainer`,
# comparing over seeds). Next: [07. Slicing functions with NLP](07_slicing_functions_with_nlp.ipynb),
# which writes SFs from the words of a text.*
#
# In this lesson you will:
# 1. build 2-D data with three small circles where a small plain model fails, and look at the
#    decision boundaries of a plain and a slice-aware model;
# 2. measure the gain on each circle over five seeds, as paired differences, and compare it with
#    two controls: a plain model with as many parameters, and slices that are partly or wholly wrong,
#    and with lesson 04's cheap remedies, oversampling and reweighting the circles;
# 3. repeat with a capable backbone, and with three classes instead of two.
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
    ReweightedClassifier,
    Trainer,
    TrainerConfig,
    group_weights,
    slice_balanced_sampler,
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
# backbone from a seed, so both kinds of model start from the same backbone weights. Here is the
# plain one:

# %%
def make_model(kind, widths, seed, n_classes=2):
    """A backbone of ReLU layers of the given widths, under a plain or a slice-aware head."""
    torch.manual_seed(seed)
    layers, width = [], 2
    for w in widths:
        layers += [nn.Linear(width, w), nn.ReLU()]
        width = w
    if kind == "slice-aware":
        return SliceAwareClassifier(nn.Sequential(*layers), width, list(S_train.columns),
                                    n_classes=n_classes)
    return PlainClassifier(nn.Sequential(*layers), width, n_classes=n_classes)


make_model("plain", [16], seed=0)

# %% [markdown]
# `fit` trains either kind with the same settings and batch order: Adam, 40 epochs, a learning
# rate decaying linearly. A slice-aware model also gets the slice labels, from `S`. A trained
# model's `predict_proba` gives each point's class probabilities; here for the first three
# training points, which it gets right:

# %%
train_set = DictDataset.from_tensors(X_train, df_train["label"].to_numpy(), "train")
config = TrainerConfig(n_epochs=40, lr=0.02, lr_scheduler="linear", progress_bar=False)


def fit(model, seed, S=S_train, data=train_set):
    """Train on the 2,000 points; a slice-aware model also gets the slice labels from S."""
    if isinstance(model, SliceAwareClassifier):
        loader = model.make_slice_dataloader(data, S, batch_size=128, shuffle=True)
    else:
        loader = DictDataLoader(data, batch_size=128, shuffle=True)
    Trainer(config, seed=seed).fit(model, [loader])
    return model


plain_0 = fit(make_model("plain", [16], seed=0), seed=0)
pd.DataFrame(plain_0.predict_proba(X_train[:3]), columns=["P(label 0)", "P(label 1)"]).assign(
    label=df_train["label"][:3]).round(3)

# %% [markdown]
# Each circle's points all carry the flipped label, so we score with accuracy: the share of the
# circle's points predicted right. `accuracy` scores a model on the 4,000 test points:

# %%
def accuracy(model, golds=None):
    """Test accuracy overall and inside each circle; golds default to the two-class labels."""
    golds = df_test["label"].to_numpy() if golds is None else golds
    correct = model.predict_proba(X_test).argmax(axis=1) == golds
    return pd.Series({"overall": correct.mean(),
                      **{name: correct[S_test[name]].mean() for name in S_test.columns}})


accuracy(plain_0).round(3)

# %% [markdown]
# The plain model gets 86% of all points right and none of two circles. Now the slice-aware model,
# from the same backbone weights and with the same batches:

# %%
small = {"plain": plain_0, "slice-aware": fit(make_model("slice-aware", [16], seed=0), seed=0)}
small_acc = pd.DataFrame({kind: accuracy(model) for kind, model in small.items()})
assert np.allclose(small_acc["plain"], [0.855, 0, 0, 0.118], atol=0.005), small_acc  # quoted below
assert np.allclose(small_acc["slice-aware"].drop(["overall", "circle_top"]), [0.551, 0.852], atol=0.005), small_acc
small_acc.round(3)

# %% [markdown]
# The decision boundaries show what the numbers mean. `predict_proba` scores a grid of points
# covering the square; the shading is the predicted class.

# %%
CLASS_COLORS = ["#9ecae1", "#fcae91", "#c7e9c0"]  # class 0 blue, 1 red, 2 green


def plot_boundary(model, ax, title):
    """Shade the square by the predicted class and outline the circles."""
    grid = np.linspace(-1, 1, 201, dtype=np.float32)
    xx, yy = np.meshgrid(grid, grid)
    probs = model.predict_proba(np.c_[xx.ravel(), yy.ravel()])
    classes = probs.argmax(axis=1).reshape(xx.shape)
    C = probs.shape[1]
    ax.contourf(xx, yy, classes, levels=np.arange(C + 1) - 0.5, colors=CLASS_COLORS[:C])
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
# set. Training is repeatable on one machine, so rerunning this cell gives the same table, and
# seed 0's models are the ones of section 2 (`trained` passes them in rather than training them
# again).

# %%
def run_seeds(kind, widths, S=S_train, trained=None):
    """Test accuracies of one kind of model, one row per seed; `trained` maps seeds to models
    already trained the same way."""
    trained = trained or {}
    return pd.DataFrame({
        seed: accuracy(trained[seed] if seed in trained else fit(make_model(kind, widths, seed), seed, S))
        for seed in SEEDS}).T.rename_axis("seed")


runs = {"plain 16": run_seeds("plain", [16], trained={0: small["plain"]}),
        "slice-aware 16": run_seeds("slice-aware", [16], trained={0: small["slice-aware"]})}
pd.concat(runs, names=["model"]).round(3)

# %% [markdown]
# Seeds differ, so we compare the two models *seed by seed*: the gain for seed `s` is the
# slice-aware accuracy minus the plain accuracy of the pair that shares seed `s`'s backbone
# weights and batches. The table gives the mean gain and its spread, the standard deviation of the
# five paired gains. (The spread of each model on its own would mislead here: a seed that is hard
# for one model is often hard for the other, and pairing cancels that shared part.)

# %%
def gains(better, worse):
    """Mean and spread over seeds of the paired difference better - worse."""
    diff = runs[better] - runs[worse]
    return pd.DataFrame({"gain": diff.mean(), "spread": diff.std()})


small_gain = gains("slice-aware 16", "plain 16")
small_gain.round(3)

# %% [markdown]
# The picture shows each model's accuracy per circle, with its own spread over the seeds. It shows
# where the models stand; to compare them, read the paired gains above.

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
assert small_gain.loc["circle_bottom", "gain"] > 6 * small_gain.loc["circle_bottom", "spread"], small_gain
assert small_gain.loc["overall", "gain"] > 2 * small_gain.loc["overall", "spread"], small_gain
assert np.allclose(small_gain["gain"], [0.078, 0.578, 0.691, 0.427], atol=0.005), small_gain
assert np.allclose(small_gain["spread"].drop(["overall", "circle_bottom"]), [0.33, 0.21], atol=0.005), small_gain

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
#   almost gone: the right slices beat the shuffled ones by 0.49 ± 0.13. On the two larger circles
#   the shuffled model keeps part of the gain, and the right slices beat it by 0.24 ± 0.34 and
#   0.20 ± 0.10. The extra machinery alone is extra capacity and helps somewhat, but the full
#   gain comes from slice labels that say where the circles are.
# - **The wider plain model wins, with no slices at all.** Given 268 units, a plain network finds
#   the circles on its own. Paired by seed, it beats the slice-aware model on average on every
#   circle: by 0.13 ± 0.08 on `circle_bottom`, 0.12 ± 0.10 on `circle_top`, and 0.03 ± 0.05 on
#   `circle_right`, where the gap is within its spread. Overall it is ahead by 0.03 ± 0.01.
#
# So slice supervision is *not* the best way to spend these extra parameters: spent on a wider
# plain network, the same budget did better on average, by more than the spread on two circles.
# What the slice labels do is steer a *fixed* set of extra layers, the experts, to the right
# places; with wrong slices the same layers help far less. That matters only when the backbone
# cannot simply be made wider.

# %%
assert (wide_vs_sliced["gain"] > 0).all(), wide_vs_sliced
assert (wide_vs_sliced["gain"].drop(["overall", "circle_right"])
        > wide_vs_sliced["spread"].drop(["overall", "circle_right"])).all(), wide_vs_sliced
assert np.allclose(wide_vs_sliced["gain"], [0.032, 0.133, 0.034, 0.124], atol=0.015), wide_vs_sliced
assert (sliced_vs_shuffled["gain"].drop("overall") > 0.1).all(), sliced_vs_shuffled
assert np.allclose(wide_vs_sliced["spread"], [0.013, 0.078, 0.046, 0.100], atol=0.005), wide_vs_sliced
assert np.allclose(sliced_vs_shuffled.drop("overall"), [[0.493, 0.130], [0.240, 0.344], [0.196, 0.104]],
                   atol=0.005), sliced_vs_shuffled

# %% [markdown]
# ### Cheap remedies: balance the circles, add nothing
#
# Lesson 04's remedies need no extra parameters at all: the same 82-parameter plain model, with the
# circles' points *oversampled* (drawn more often into batches) or their loss *reweighted*. Both
# use the slices only while training. `power` sets how hard they balance: at 1 every circle, and
# the rest of the square, weighs as much in training as all the other points; at 0.5, the square
# root of that. Same seeds and batch settings as above; the circles are the slices.

# %%
def fit_balanced(remedy, seed, power):
    """The plain 1 x 16 model, with the circles oversampled or their loss reweighted."""
    if remedy == "oversampled":
        model = make_model("plain", [16], seed)
        loader = DictDataLoader(train_set, batch_size=128,
                                sampler=slice_balanced_sampler(S_train, power=power))
    else:  # the same backbone weights as make_model's, under a reweighted loss
        torch.manual_seed(seed)
        model = ReweightedClassifier(nn.Sequential(nn.Linear(2, 16), nn.ReLU()), 16,
                                     group_weights(S_train, power=power))
        loader = model.make_slice_dataloader(train_set, S_train, batch_size=128, shuffle=True)
    Trainer(config, seed=seed).fit(model, [loader])
    return model


for remedy in ("oversampled", "reweighted"):
    for power in (0.5, 1):
        runs[f"plain 16, {remedy} (power {power})"] = pd.DataFrame(
            {seed: accuracy(fit_balanced(remedy, seed, power)) for seed in SEEDS}).T
cheap = [name for name in runs if "power" in name]
cheap_gains = {name.removeprefix("plain 16, "): gains(name, "plain 16") for name in cheap}
pd.DataFrame({name: g["gain"].map("{:+.2f}".format) + " ± " + g["spread"].map("{:.2f}".format)
              for name, g in cheap_gains.items()}).T

# %% [markdown]
# Read the rows as paired differences from the plain 16-unit model (mean ± spread over the five
# seeds), and compare them with the slice-aware model's gains of section 4 (+0.08 overall; +0.58,
# +0.69 and +0.43 on the circles):
#
# - **Both remedies win the circles back, more than the slice experts do**: +0.97 or more on
#   `circle_bottom`, about +0.8 on `circle_right` and +0.6 on `circle_top`, with no extra
#   parameter.
# - **And both pay for it outside the circles.** Gently balanced (power 0.5), oversampling loses
#   0.08 of overall accuracy and reweighting 0.12. Fully balanced (power 1), they lose 0.31 and
#   0.28: each circle then weighs as much in training as the rest of the square, and the model
#   paints the flipped class far beyond the circles. Balancing harder buys almost nothing more on
#   the circles.
# - **The slice experts gain less on the circles but gain overall**, because an expert changes the
#   prediction only where its indicator says a point is in its slice; a balanced loss moves the
#   one boundary that every point shares.
#
# So on this data no remedy is free, and which one to choose depends on what a wrong point outside
# the slices costs you. That is why lesson 04 picks `power` on validation data and reports the
# overall score beside the worst slice. And, as above, a wider plain network beat them all here.

# %%
cheap_table = pd.DataFrame({name: g["gain"] for name, g in cheap_gains.items()}).T
expected = {  # (overall, circle_bottom, circle_right, circle_top) as the prose quotes them
    "oversampled (power 0.5)": [-0.08, 0.98, 0.80, 0.62], "oversampled (power 1)": [-0.31, 1.0, 0.82, 0.65],
    "reweighted (power 0.5)": [-0.12, 0.97, 0.79, 0.60], "reweighted (power 1)": [-0.28, 1.0, 0.82, 0.65]}
for name, numbers in expected.items():
    assert np.allclose(cheap_table.loc[name], numbers, atol=0.015), cheap_table
circles = cheap_table.drop(columns="overall")
assert (circles.ge(small_gain["gain"].drop("overall")).all(axis=1)).all(), circles  # more than the experts
assert (cheap_table["overall"] < 0).all() and small_gain.loc["overall", "gain"] > 0.05, cheap_table

# %% [markdown]
# ## 6. Slices that are partly wrong
#
# Real SFs are rarely exact. An SF like "mentions a link" misses some comments that belong to the
# slice and catches some that do not. Shuffled slices are the extreme case, where nearly every
# member is wrong. Between the right slices and shuffled ones, `swap_members` makes slices that
# are wrong by a chosen share `p`: in each slice it drops a share `p` of the members and adds as
# many random points from outside the circle. The slice keeps its size, but a share `p` of it is
# wrong and a share `p` of the circle is missing. The wrong points lie anywhere on the square; a
# real SF's mistakes tend to sit near the slice's edge, which this sweep does not test.

# %%
def swap_members(S, p, seed):
    """A copy of S in which a share p of each slice's members is swapped for random non-members."""
    rng = np.random.default_rng(seed)
    noisy = S.copy()
    for name in S.columns:
        inside, outside = np.flatnonzero(S[name]), np.flatnonzero(~S[name])
        k = round(p * len(inside))
        noisy.iloc[rng.choice(inside, k, replace=False), noisy.columns.get_loc(name)] = False
        noisy.iloc[rng.choice(outside, k, replace=False), noisy.columns.get_loc(name)] = True
    return noisy


S_noisy = swap_members(S_train, 0.25, seed=0)
pd.DataFrame({"size": S_noisy.sum(), "in the right circle": (S_noisy & S_train).sum()})

# %% [markdown]
# For each share `p` of wrong members, we train the slice-aware model on five seeds, each with its
# own draw of wrong members, and pair it with the plain model of the same seed. Shuffled slices
# sit at the far end: only 4 to 9% of their members are in the right circle, so 93% are wrong.

# %%
NOISE = [0.1, 0.25, 0.4]


def run_noisy(p):
    """Test accuracies of the slice-aware 16 model trained on slices with a share p wrong."""
    return pd.DataFrame({seed: accuracy(fit(make_model("slice-aware", [16], seed), seed,
                                            swap_members(S_train, p, seed)))
                         for seed in SEEDS}).T.rename_axis("seed")


for p in NOISE:
    runs[f"slice-aware 16, {p:.0%} wrong"] = run_noisy(p)
shuffled_wrong = round(1 - (S_shuffled & S_train).sum().sum() / S_train.sum().sum(), 2)
noise_runs = {0.0: "slice-aware 16", **{p: f"slice-aware 16, {p:.0%} wrong" for p in NOISE},
              shuffled_wrong: "slice-aware 16, shuffled S"}
noise_gain = pd.concat({p: gains(name, "plain 16") for p, name in noise_runs.items()},
                       names=["share wrong"])
(noise_gain["gain"].map("{:+.3f}".format) + " ± " + noise_gain["spread"].map("{:.3f}".format)).unstack()

# %% [markdown]
# Each cell is the paired gain over the plain model, mean ± spread over the five seeds. As a
# picture:

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
for i, circle in enumerate(noise_gain.index.levels[1]):
    part = noise_gain.xs(circle, level=1)
    ax.errorbar(part.index + (i - 1.5) * 0.008, part["gain"], yerr=part["spread"], fmt="o-",
                capsize=3, label=circle)
ax.axhline(0, color="grey", lw=1)
ax.set_xticks(list(noise_runs), [f"{p:.0%}" for p in noise_runs][:-1] + [f"{shuffled_wrong:.0%}\n(shuffled)"])
ax.set(xlabel="share of each slice's members that are wrong (p)",
       ylabel="gain over plain 16\n(paired, mean ± spread)",
       title="Slice-aware gain as the slices get worse")
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5));

# %% [markdown]
# Two numbers per noise level sum it up: the overall gain, and the gain averaged over the three
# circles. The last two columns compare each noise level with the right slices *seed by seed*:
# how much of the overall gain is lost, and the spread of that loss.

# %%
def summarize_noise(name):
    """Per-seed gains over plain 16 of one run: overall, and averaged over the circles."""
    diff = runs[name] - runs["plain 16"]
    return pd.DataFrame({"overall": diff["overall"], "circles' mean": diff.drop(columns="overall").mean(axis=1)})


per_seed = {p: summarize_noise(name) for p, name in noise_runs.items()}
lost = {p: per_seed[0.0]["overall"] - per_seed[p]["overall"] for p in noise_runs}
noisy_summary = pd.DataFrame({
    "overall gain": {p: g["overall"].mean() for p, g in per_seed.items()},
    "circles' mean gain": {p: g["circles' mean"].mean() for p, g in per_seed.items()},
    "overall gain lost": {p: d.mean() for p, d in lost.items()},
    "spread of the loss": {p: d.std() for p, d in lost.items()},
}).rename_axis("share wrong")
noisy_summary.round(3)

# %% [markdown]
# The gain falls as the slices get worse:
#
# - **Overall** it falls from 0.078 with the right slices to 0.047 at 10% wrong, 0.027 at 25% and
#   0.012 at 40%, close to the 0.008 that shuffled slices give. Seed by seed, the loss grows with
#   the noise (0.031, 0.052, 0.066), but each loss is only 1.1 to 1.4 times its spread: five seeds
#   show the trend, not every step of it.
# - **On the circles** it falls more slowly. Averaged over the three circles, the gain goes from
#   0.57 to 0.42 at 10% wrong and 0.36 at 25% and at 40%, against 0.26 for shuffled slices.
#   Partly wrong slices still point the experts at roughly the right place, and even shuffled ones
#   add capacity (section 5).
# - **Per circle** the spreads (0.2 to 0.4) are as large as the changes, so telling 10% from 25%
#   wrong on one circle would take many more seeds.
#
# For real SFs: with 10% of each slice wrong, the model kept about 60% of its overall gain and 75%
# of its gain on the circles; at 40% wrong the overall gain was nearly gone. Estimate an SF's
# precision and recall on a small hand-labelled sample (exercise 6d computes them) before you
# train experts on it.

# %%
wrong = noisy_summary.drop(index=shuffled_wrong)
assert noisy_summary["overall gain"].is_monotonic_decreasing, noisy_summary
assert wrong["overall gain lost"].is_monotonic_increasing, noisy_summary
assert np.allclose(noisy_summary["overall gain"], [0.078, 0.047, 0.027, 0.012, 0.008], atol=0.01), noisy_summary
assert np.allclose(noisy_summary["circles' mean gain"], [0.565, 0.418, 0.358, 0.357, 0.255], atol=0.02), noisy_summary
ratio = (wrong["overall gain lost"] / wrong["spread of the loss"]).drop(index=0.0)
assert ratio.round(1).between(1.1, 1.4).all(), ratio
assert np.allclose(ratio.index.map(wrong["overall gain lost"]), [0.031, 0.052, 0.066], atol=0.005), wrong
kept = noisy_summary.loc[0.1] / noisy_summary.loc[0.0]
assert round(kept["overall gain"], 1) == 0.6 and abs(kept["circles' mean gain"] - 0.75) < 0.03, kept
circle_spreads = noise_gain.loc[NOISE, "spread"].drop("overall", level=1)
assert circle_spreads.round(1).between(0.2, 0.4).all(), circle_spreads

# %% [markdown]
# ## 7. A capable backbone
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
runs["plain 64×64"] = run_seeds("plain", [64, 64], trained={0: big["plain"]})
runs["slice-aware 64×64"] = run_seeds("slice-aware", [64, 64], trained={0: big["slice-aware"]})
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
assert (big_gain["gain"] / big_gain["spread"]).drop("overall").between(0.5, 1.2).all(), big_gain  # ~1 spread
assert (big_gain["gain"] < small_gain["gain"]).drop("overall").all(), (big_gain, small_gain)
plain_big = runs["plain 64×64"].mean().drop("overall")
assert plain_big.round(2).between(0.89, 0.95).all() and big_gain["gain"].drop("overall").round(2).between(0.02, 0.05).all(), (plain_big, big_gain)

# %% [markdown]
# ## 8. Three classes
#
# Nothing so far needed two classes. `make_circle_data(..., n_classes=3)` draws the same points
# and circles with three classes: the band of `x2 - x1` gives the class (0 below -1/3, 1 between,
# 2 above 1/3), and inside a circle each point moves on to the next class. `S_train` and `S_test`
# still hold, because the points are the same.

# %%
df3_train = make_circle_data(2000, seed=100, n_classes=3)[0]
df3_test = make_circle_data(4000, seed=200, n_classes=3)[0]
assert df3_train[["x1", "x2"]].equals(df_train[["x1", "x2"]])  # same points, new labels
fig, ax = plt.subplots(figsize=(4.5, 4.5))
shown = df3_train.iloc[:1000]
ax.scatter(shown["x1"], shown["x2"], c=np.array(["tab:blue", "tab:red", "tab:green"])[shown["label"]], s=4)
draw_circles(ax)
ax.set(title="three classes: 0 (blue), 1 (red), 2 (green)", xlabel="x1", ylabel="x2", aspect="equal");

# %% [markdown]
# Both models take `n_classes=3`; `make_model` passes it on. With more than two classes the
# slice-aware model's attention measures an expert's confidence by its highest class probability
# (`confidence="max_prob"`), since there is no single "positive" class. The rest is unchanged: the
# same backbone of 16 units, the same seeds and batches, and paired gains.

# %%
train3 = DictDataset.from_tensors(X_train, df3_train["label"].to_numpy(), "train")
first3 = {}  # seed 0's model of each kind, for the picture


def run_three_classes(kind):
    """Test accuracies on the 3-class data, one row per seed."""
    rows = {}
    for seed in SEEDS:
        model = fit(make_model(kind, [16], seed, n_classes=3), seed, data=train3)
        rows[seed] = accuracy(model, golds=df3_test["label"].to_numpy())
        first3.setdefault(kind, model)
    return pd.DataFrame(rows).T.rename_axis("seed")


for kind in ("plain", "slice-aware"):
    runs[f"{kind} 16, 3 classes"] = run_three_classes(kind)
three_gain = gains("slice-aware 16, 3 classes", "plain 16, 3 classes")
pd.concat({"plain": runs["plain 16, 3 classes"].mean(),
           "slice-aware": runs["slice-aware 16, 3 classes"].mean(),
           "paired gain": three_gain["gain"], "spread": three_gain["spread"]}, axis=1).round(3)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
for ax, (kind, model) in zip(axes, first3.items(), strict=True):
    plot_boundary(model, ax, f"{kind}, 3 classes, 1 layer of 16 units")

# %% [markdown]
# The story is the same with three classes. The plain model follows the two bands' edges and
# gets 0.22 to 0.47 of each circle right; the slice-aware model wins 0.27 to 0.51 more of each
# circle and 0.065 overall. The overall gain is about three times its spread; on the circles the
# spreads (0.20 to 0.30) are again large.

# %%
assert (three_gain["gain"] > 0.2).drop("overall").all(), three_gain
assert three_gain.loc["overall", "gain"] > 2 * three_gain.loc["overall", "spread"], three_gain
plain3 = runs["plain 16, 3 classes"].mean().drop("overall")
assert plain3.round(2).between(0.22, 0.47).all() and three_gain["gain"].drop("overall").round(2).between(0.27, 0.51).all(), three_gain
assert abs(three_gain.loc["overall", "gain"] - 0.065) < 0.0015, three_gain
assert 2.5 < three_gain.loc["overall", "gain"] / three_gain.loc["overall", "spread"] < 3.5, three_gain
assert three_gain["spread"].drop("overall").round(2).between(0.20, 0.30).all(), three_gain

# %% [markdown]
# ## 9. So when does slice-based learning pay?
#
# - **When the backbone cannot fit the slices and cannot grow.** The experts then rescue the
#   slices, with two classes or three. But here a plain model with the same number of parameters
#   did better on every circle, so the slice-aware model earns its place only when the backbone
#   is fixed (a pretrained network, a latency budget, too little data for a bigger model) or when
#   you want its per-slice heads and attention for monitoring.
# - **Not when the backbone is big enough:** the plain model learns the slices from the labels.
# - **Not when a cheap remedy will do:** oversampling or reweighting the circles won them back
#   with no extra parameter, and more fully than the experts; they cost 0.08 to 0.31 of overall
#   accuracy, where the experts gained 0.08. Try them first, and weigh that cost.
# - **Only with slices that are mostly right:** 10% wrong kept about 60% of the overall gain; 40%
#   wrong left almost none.
# - **Only if you can measure it:** the circles have 68 to 109 training points and 107 to 187 test
#   points; lesson 05's `short_link` had 1 and 3, and nothing could be shown there.
#
# ## Summary
#
# - A one-layer, 16-unit plain model ignores three small flipped circles; the slice-aware model
#   with the same backbone wins back 0.43 to 0.69 of each circle, as paired gains over five seeds.
# - The experts make the model 16 times larger. A plain model of that size did better on every
#   circle; shuffled slices did worse. Slice labels steer the experts, but the parameters were
#   better spent on a wider backbone.
# - Oversampling or reweighting the circles, with no extra parameter, won back more of each
#   circle (about +0.6 to +1.0) but lost 0.08 to 0.31 of overall accuracy, the more the harder
#   they balanced.
# - Partly wrong slices shrink the gain: overall it fell from 0.078 to 0.012 as the share of wrong
#   members grew to 40%, close to the 0.008 of shuffled slices.
# - With a capable backbone (2 × 64) the experts add little. With three classes, the small
#   backbone is rescued as with two.
#
# ## Exercises
#
# Each cell holds a starting point that runs; replace it with your answer and run the cell for
# feedback. The checks call your code on data the lesson never showed, so copying a printed
# number will not pass. The reference answers are in `exercises/solutions/lesson06.py`; try
# first.
#
# **6a. The cost of the experts.** Write `slice_head_parameters(h, k, C)`: how many parameters a
# `SliceAwareClassifier` has beyond the plain model with the same backbone, for backbone width `h`,
# `k` slices (not counting `base`) and `C` classes. Per slice, `base` included, there are an
# indicator head `Linear(h, 2)` and a transform `Linear(h, h)`; one prediction head `Linear(h, C)`
# is shared by all slices. (The master head is the plain model's own head.) The check counts real
# models, including lesson 05's, a three-class one and the Snorkel tutorial's.

# %%
def slice_head_parameters(h, k, C):
    """Parameters the slice experts add: replace this with your formula."""
    return 0


lesson06.check_slice_head_parameters(slice_head_parameters)

# %% [markdown]
# **6b. Paired gains.** Write `paired_gains(better, worse)`. Its arguments are two frames of
# per-seed accuracies like `runs["slice-aware 16"]` and `runs["plain 16"]`: one row per seed
# (the index), one column per circle. Pair the two models by seed and return a DataFrame with
# columns `gain` and `spread`, one row per column of the inputs: the mean and the standard
# deviation (pandas' default) of the per-seed differences `better - worse`. The check calls it on
# section 4's runs and on per-seed results of other seeds that the lesson never showed.

# %%
def paired_gains(better, worse):
    """Mean and spread of the seed-by-seed gain: replace this with your code."""
    return pd.DataFrame({"gain": 0.0, "spread": 0.0}, index=better.columns)


lesson06.check_paired_gains(paired_gains, runs["slice-aware 16"], runs["plain 16"])

# %% [markdown]
# **6c. An SF for a new circle.** Suppose a fourth critical slice: the points within 0.2 of
# (-0.6, -0.1). Write it as an SF; `x.x1` and `x.x2` are a point's coordinates. The check applies it
# to 2,000 fresh points that the lesson never drew and names any it slices differently.

# %%
@slicing_function()
def circle_left(x):
    """Points within 0.2 of (-0.6, -0.1)."""
    return False


lesson06.check_circle_sf(circle_left)

# %% [markdown]
# **6d. How wrong is a slice?** Section 6 asked how wrong a slice may be; for a real SF you measure
# it. Write `slice_precision_recall(S_sf, S_true)`: for each slice (a column of both frames),
# the *precision*, the share of the SF's members that truly belong, and the *recall*, the share of
# the true members the SF finds. Return a DataFrame with columns `precision` and `recall`, one row
# per slice. The check calls it on section 6's `S_noisy` and on an SF the lesson never showed, whose
# circles are drawn a little off.

# %%
def slice_precision_recall(S_sf, S_true):
    """Each slice's precision and recall: replace this with your code."""
    return pd.DataFrame({"precision": 0.0, "recall": 0.0}, index=S_true.columns)


lesson06.check_precision_recall(slice_precision_recall, S_noisy, S_train)
