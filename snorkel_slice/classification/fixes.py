"""``compare_fixes``: every standard remedy for a weak slice, trained and selected the same way.

For each seed and method, the harness trains the method once per value of its main setting (the
grid of ``fix_methods.GRIDS``), each time keeping the epoch with the best worst-slice accuracy on
``valid``; the setting with the best such score wins. Only then is the winner scored on ``test``,
overall and on every slice. Selection by worst-slice validation accuracy is what Idrissi et al.
("Simple data balancing achieves competitive worst-group-accuracy", CLeaR 2022) found to make
simple remedies competitive; ``select="overall"`` shows what the usual choice does instead.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from torch import nn

from snorkel_slice.classification import fix_methods as fm
from snorkel_slice.classification.jtt import training_errors
from snorkel_slice.classification.thresholds import SliceThresholds
from snorkel_slice.classification.trainer import Trainer, set_seed
from snorkel_slice.slicing.matrix import read_slice_matrix
from snorkel_slice.validation import check_choice, check_int

COLUMNS = ["method", "seed", "slice", "metric", "score", "n", "setting", "epoch"]
SELECT = {"worst_slice": "worst_slice/SnorkelDataset/valid/accuracy", "overall": "task/SnorkelDataset/valid/accuracy"}


def _split(name: str, triple: Any) -> fm.Split:
    if not isinstance(triple, tuple | list) or len(triple) != 3:
        got = (f"a {type(triple).__name__} of {len(triple)}" if isinstance(triple, tuple | list)
               else type(triple).__name__)
        raise TypeError(f"{name} must be a triple (X, y, S) with S the slice matrix of the same rows; "
                        f"got {got}. Pass {name}=(X_{name}, y_{name}, S_{name}).")
    X, y, S = triple
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{name}: X must be a 2-D array of features (n, d); got shape {X.shape}.")
    if y.ndim != 1 or y.dtype.kind not in "biu":
        raise ValueError(f"{name}: y must be a 1-D array of integer class labels; got dtype {y.dtype}, shape {y.shape}.")
    names, M = read_slice_matrix(S)
    if not (len(X) == len(y) == len(M)):
        raise ValueError(f"{name}: X, y and S have {len(X)}, {len(y)} and {len(M)} rows; give one row each per data point.")
    return fm.Split(X, y, pd.DataFrame(M, columns=names))


def compare_fixes(
    train: Any, valid: Any, test: Any, methods: Sequence[str], seeds: Sequence[int],
    make_base: Callable[[int], nn.Module], head_dim: int, *, grids: dict[str, Sequence] | None = None,
    select: str = "worst_slice", batch_size: int = 128, metrics: Sequence[str] = ("accuracy",),
    jtt_epochs: int | None = None, **settings: Any,
) -> pd.DataFrame:
    """Train, select and test-score each remedy for each seed; return a tidy frame of scores.

    Parameters
    ----------
    train, valid, test
        ``(X, y, S)``: features (n, d), integer labels (n,), and the slice matrix as the
        appliers return it (or a DataFrame of 0/1 columns); the same slices in all three.
    methods
        Any of ``fix_methods.METHODS``: "erm", "sf_feature", "oversample", "reweight",
        "group_dro", "jtt", "last_layer", "thresholds", "slice_aware". "sf_feature" and
        "thresholds" read membership at prediction time, so they use the slices that do not
        give the label away (``label_free_slices``); with none, they are skipped with a warning.
    seeds
        One run of every method per seed: the seed sets the backbone's weights and the batches.
    make_base
        ``make_base(in_dim)`` returns a fresh backbone ``nn.Module`` mapping (batch, in_dim)
        to (batch, head_dim); called after the seed is set.
    head_dim
        Width of the backbone's output.
    grids
        ``{method: values}`` replacing the default grid of the method's main setting.
    select
        "worst_slice" (default) or "overall": the validation accuracy that picks epoch and setting.
    batch_size
        Training batch size.
    metrics
        Scorer metrics reported on ``test``.
    jtt_epochs
        Epochs of JTT's first model; None is a third of ``n_epochs`` (at least 1).
    **settings
        ``TrainerConfig`` fields for every run (``n_epochs``, ``lr``, ...).

    Returns
    -------
    pandas.DataFrame
        Columns method, seed, slice, metric, score, n, setting, epoch: one row per method,
        seed, slice (``overall`` first) and metric. ``setting`` ("l2=0.001") and ``epoch``
        are what selection chose. ``frame.attrs["cost"]`` has each run's parameter count and
        training seconds, grid included (for "last_layer" and "thresholds", on top of "erm").

    Examples
    --------
    >>> from snorkel_slice.datasets import make_spurious_data
    >>> def part(n, agree, seed):
    ...     df, S = make_spurious_data(n, agree, seed)
    ...     return df[["core", "spurious"]].to_numpy(), df.label.to_numpy(), S
    >>> frame = compare_fixes(part(300, .9, 0), part(200, .5, 1), part(200, .5, 2), ["erm"], [0],
    ...                       lambda d: nn.Linear(d, 4), 4, grids={"erm": [0.0]}, n_epochs=2)
    >>> frame.shape, list(frame["slice"].unique()[:2])
    ((5, 8), ['overall', 'y0_a0'])
    """
    splits = [_split(n, t) for n, t in (("train", train), ("valid", valid), ("test", test))]
    tr, va, te = splits
    for name, s in (("valid", va), ("test", te)):
        if list(s.S.columns) != list(tr.S.columns):
            raise ValueError(f"{name}'s slices {list(s.S.columns)} differ from train's {list(tr.S.columns)}; apply the same SFs to all three.")
    if isinstance(methods, str) or not methods:
        raise TypeError(f"methods must be a non-empty list of method names from {list(fm.METHODS)}; got {methods!r}.")
    for m in methods:
        check_choice("method", m, fm.METHODS)
    if len(set(methods)) < len(methods):
        raise ValueError(f"methods has duplicates {sorted({m for m in methods if list(methods).count(m) > 1})}; give each once.")
    if isinstance(seeds, int) or not seeds:
        raise TypeError(f"seeds must be a non-empty list of ints, e.g. [0, 1, 2]; got {seeds!r}.")
    seeds = [check_int("seed", s, low=0) for s in seeds]
    if not callable(make_base):
        raise TypeError("make_base must be a function in_dim -> nn.Module, e.g. lambda d: nn.Linear(d, 16).")
    check_int("head_dim", head_dim, low=1)
    check_choice("select", select, tuple(SELECT))
    grids = dict(grids or {})
    unknown = sorted(set(grids) - set(fm.METHODS))
    if unknown:
        raise ValueError(f"grids has unknown method(s) {unknown}; methods are {list(fm.METHODS)}.")
    settings = {"progress_bar": False, **settings}
    n_epochs = Trainer(**settings).config.n_epochs  # also checks the settings, before any training
    task = fm.Task(tr, va, make_base, head_dim, int(max(tr.y.max() + 1, 2)), check_int("batch_size", batch_size, low=1),
                   n_epochs, fm.feature_slices(tr))
    runnable = list(methods)
    for m in fm.NEEDS_SLICES_AT_PREDICTION:
        if m in runnable and not task.feature_slices:
            warnings.warn(f"{m!r} reads slice membership at prediction time, but every slice holds one class only "
                          "(it was written with the label), so it would read the answer; skipped.", UserWarning, stacklevel=2)
            runnable.remove(m)
    if "thresholds" in runnable and task.n_classes > 2:
        warnings.warn(f"'thresholds' moves a two-class decision threshold; the labels have {task.n_classes} "
                      "classes, so it is skipped.", UserWarning, stacklevel=2)
        runnable.remove("thresholds")
    jtt_epochs = max(1, n_epochs // 3) if jtt_epochs is None else check_int("jtt_epochs", jtt_epochs, low=1)
    rows, cost = [], []
    for seed in seeds:
        task.cache = {}
        for method in runnable:
            start = time.perf_counter()
            model, setting, epoch, preds, probs = _run_method(task, method, seed, grids, select, settings, jtt_epochs, te)
            seconds = time.perf_counter() - start
            n_params = sum(p.numel() for p in model.parameters()) + (len(preds.thresholds_) if method == "thresholds" else 0)
            cost.append((method, seed, n_params, seconds))
            if method == "thresholds":
                preds = preds.predict(probs, te.S[task.feature_slices])
            rows += _test_rows(te, preds, probs, metrics, method, seed, setting, epoch)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["cost"] = pd.DataFrame(cost, columns=["method", "seed", "n_parameters", "seconds"])
    return frame


def _fit(run: fm.Run, seed: int, settings: dict, select: str) -> tuple[float, int]:
    metric = f"{SELECT[select]}:max"
    trainer = Trainer(**{**settings, **run.trainer_settings}, seed=seed, checkpoint_metric=metric, log_slices=True)
    trainer.fit(run.model, [run.train_loader, run.valid_loader])
    return trainer.best_metric_, trainer.best_epoch_


def _erm_model(task: fm.Task, seed: int, grids: dict, select: str, settings: dict) -> tuple:
    """The selected erm model of this seed, trained once and shared by last_layer and thresholds."""
    if "erm" not in task.cache:
        task.cache["erm"] = _select(task, "erm", seed, grids, select, settings, {})
    return task.cache["erm"]


def _select(task: fm.Task, method: str, seed: int, grids: dict, select: str, settings: dict, extra: dict) -> tuple:
    """Train the method once per grid value; keep the run with the best validation score."""
    name, default = fm.GRIDS[method]
    best = None
    for value in grids.get(method, default):
        set_seed(seed)  # the backbone's weights: the same start for every method of a seed
        run = fm.BUILDERS[method](task, value, **extra)
        score, epoch = _fit(run, seed, settings, select)
        if best is None or score > best[0]:
            best = (score, run, f"{name}={value:g}", epoch)
    _, run, setting, epoch = best
    return run, setting, epoch


def _run_method(task, method, seed, grids, select, settings, jtt_epochs, te) -> tuple:
    """Return (model, setting, epoch, preds or fitted thresholds, probs) on the test rows."""
    if method == "thresholds":
        run, _, epoch = _erm_model(task, seed, grids, select, settings)
        valid_probs = run.model.predict_proba(task.valid.X)
        names = task.feature_slices
        thresholds = SliceThresholds(names).fit(valid_probs, task.valid.y, task.valid.S[names])
        return run.model, fm.GRIDS["thresholds"][0], epoch, thresholds, run.model.predict_proba(te.X)
    extra: dict = {}
    if method == "last_layer":
        extra = {"erm_model": _erm_model(task, seed, grids, select, settings)[0].model, "seed": seed}
    elif method == "jtt":
        set_seed(seed)
        first = task.plain(task.train.X.shape[1])
        ds = task.dataset(task.train.X, task.train.y, "train")
        Trainer(**{**settings, "n_epochs": jtt_epochs}, seed=seed).fit(first, [task.shuffled(ds)])
        extra = {"errors": training_errors(first, fm.DictDataLoader(ds, batch_size=4096))}
    if method == "erm":
        run, setting, epoch = _erm_model(task, seed, grids, select, settings)
    else:
        run, setting, epoch = _select(task, method, seed, grids, select, settings, extra)
    probs = run.model.predict_proba(run.X_test(te))
    return run.model, setting, epoch, probs.argmax(axis=1), probs


def _test_rows(te: fm.Split, preds, probs, metrics, method, seed, setting, epoch) -> list:
    from snorkel_slice.analysis.scorer import Scorer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small slices: the n column says how small
        table = Scorer(metrics=list(metrics)).score_slices(te.S, te.y, preds, probs, as_dataframe=True)
    return [(method, seed, name, m, float(row[m]), int(row["n"]), setting, int(epoch))
            for name, row in table.iterrows() for m in metrics]
