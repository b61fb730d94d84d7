"""What every classifier of the course shares: its settings, body, and evaluation API.

``ClassifierBase`` holds the base architecture and the task's ``Linear(h, C)`` head, and gives
``predict``, ``predict_proba``, ``score``, ``score_slices``, ``save`` and ``load`` (Snorkel's
``MultitaskClassifier`` API). ``PlainClassifier`` and ``SliceAwareClassifier`` both derive from it
through an ordinary ``super().__init__`` chain, and add only their forward pass and loss. Any
model the ``Trainer`` fits obeys one small protocol:

- ``training_loss(X_dict, Y_dict) -> (loss, n_points)``;
- ``score(dataloaders) -> {"label/dataset/split/metric": value}``, used for validation.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from snorkel_slice.classification.checkpoint import load_state, save_state
from snorkel_slice.classification.checks import check_loader
from snorkel_slice.classification.data import (
    DEFAULT_INPUT_DATA_KEY,
    DEFAULT_TASK_NAME,
    DictDataLoader,
    DictDataset,
)
from snorkel_slice.validation import check_int

LONG_COLUMNS = ["label", "slice", "dataset", "split", "metric", "score", "n"]


@dataclass
class ClassifierConfig:
    """Settings every classifier has; ``SliceAwareConfig`` extends them."""

    head_dim: int  # width h of the base architecture's output, (batch, h)
    n_classes: int = 2  # number of classes C of the task
    input_data_key: str = DEFAULT_INPUT_DATA_KEY  # X_dict field fed to the base architecture
    task_name: str = DEFAULT_TASK_NAME  # Y_dict key of the task's labels; prefix of metric names


class ClassifierBase(nn.Module):
    """Base architecture, the task's head, and the evaluation API; subclasses add ``forward``.

    Parameters
    ----------
    base_architecture
        Maps ``X_dict[config.input_data_key]`` to a (batch, head_dim) representation.
    config
        The classifier's settings.
    scorer
        A ``snorkel_slice.analysis.Scorer``; ``None`` scores accuracy and F1 (macro F1 above
        two classes).
    """

    def __init__(self, base_architecture: nn.Module, config: ClassifierConfig, scorer: Any = None) -> None:
        super().__init__()
        if not isinstance(base_architecture, nn.Module):
            raise TypeError(
                f"base_architecture must be a torch.nn.Module, got "
                f"{type(base_architecture).__name__}; wrap your network in nn.Sequential(...)."
            )
        if scorer is not None and (isinstance(scorer, type) or not callable(getattr(scorer, "score_slices", None))):
            raise TypeError(
                f"scorer must be a snorkel_slice.analysis.Scorer (with score and score_slices), "
                f"got {scorer!r}."
            )
        check_int("head_dim", config.head_dim, low=1, hint="Set it to the width of the base architecture's output.")
        check_int("n_classes", config.n_classes, low=2)
        for name in ("input_data_key", "task_name"):
            if not isinstance(getattr(config, name), str):
                raise TypeError(f"{name} must be a str; got {getattr(config, name)!r}.")
        self.config = config
        self.base_architecture = base_architecture
        self.scorer = scorer
        # The task's prediction head; the slice-aware model uses it as its master head.
        self.head = nn.Linear(config.head_dim, config.n_classes)

    @property
    def task_name(self) -> str:
        """Name of the task: the ``Y_dict`` key of its labels."""
        return self.config.task_name

    def _body(self, X_dict: dict[str, Any]) -> torch.Tensor:
        """Run the base architecture: (batch, h)."""
        key = self.config.input_data_key
        if key not in X_dict:
            raise ValueError(
                f"X_dict has no field {key!r} (fields: {list(X_dict)}); build the data with "
                f"input_data_key={key!r} or pass that input_data_key to the model."
            )
        x = X_dict[key]
        if isinstance(x, torch.Tensor):
            x = x.to(self.head.weight.device)
        try:
            z = self.base_architecture(x)
        except RuntimeError as err:  # e.g. torch's "mat1 and mat2 shapes cannot be multiplied"
            shape = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
            raise ValueError(
                f"base_architecture failed on X_dict[{key!r}] of shape {shape}: "
                f"{str(err).splitlines()[0]}. Check that the inputs have the width the network "
                "was built for."
            ) from err
        if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != self.config.head_dim:
            shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(
                f"base_architecture returned {shape}, expected (batch, head_dim={self.config.head_dim});"
                " set head_dim to the width of its output."
            )
        return z

    def check_data(self, dataloader: DictDataLoader) -> None:
        """Raise before training if the loader's labels or inputs would fail mid-epoch.

        Labels of the task (and its slice predictors) must lie in ``[0, n_classes)`` or be -1;
        float inputs must be finite. The message names the label set or field and the rows.
        """
        check_loader(dataloader, self.task_name, self.config.n_classes)

    def _labels(self, Y_dict: dict[str, torch.Tensor], key: str) -> torch.Tensor:
        if key not in Y_dict:
            raise ValueError(
                f"Y_dict has no labels {key!r} (labels: {list(Y_dict)}); for slice labels build "
                "the loader with model.make_slice_dataloader(dataset, S)."
            )
        return Y_dict[key].to(self.head.weight.device)

    @torch.no_grad()
    def _collect(self, dataloader: DictDataLoader) -> tuple[dict[str, torch.Tensor], dict]:
        """Forward every batch in eval mode; return the concatenated outputs and labels."""
        if not isinstance(dataloader, DictDataLoader):
            raise TypeError(
                f"Expected a DictDataLoader, got {type(dataloader).__name__}; build one with "
                "DictDataLoader(dataset, batch_size=...) or model.make_slice_dataloader(...)."
            )
        was_training = self.training
        self.eval()
        outs: dict[str, list[torch.Tensor]] = {}
        golds: dict[str, list[torch.Tensor]] = {}
        try:
            for X_dict, Y_dict in dataloader:
                for key, value in self(X_dict).items():
                    outs.setdefault(key, []).append(value.cpu())
                for key, value in Y_dict.items():
                    golds.setdefault(key, []).append(value)
        finally:
            self.train(was_training)
        if not outs:
            raise ValueError(
                f"The loader over {dataloader.dataset!r} yields no batches; give it data points."
            )
        return {k: torch.cat(v) for k, v in outs.items()}, {k: torch.cat(v) for k, v in golds.items()}

    def predict(self, dataloader: DictDataLoader, return_preds: bool = False) -> dict:
        """Predict with the task's head, as Snorkel's ``predict`` does.

        Parameters
        ----------
        dataloader
            Loader whose ``Y_dict`` holds the task's labels.
        return_preds
            Also return the predicted classes (argmax of ``probs``).

        Returns
        -------
        dict
            ``{"golds": {task: (n,) int64}, "probs": {task: (n, C) float32}}`` and
            ``"preds": {task: (n,) int64}`` if asked; numpy arrays, unlike Snorkel's tensors.
        """
        outs, golds = self._collect(dataloader)
        self._labels(golds, self.task_name)
        probs = F.softmax(outs[self.task_name], dim=1).numpy()
        results = {"golds": {self.task_name: golds[self.task_name].numpy()},
                   "probs": {self.task_name: probs}}
        if return_preds:
            results["preds"] = {self.task_name: probs.argmax(axis=1)}
        return results

    def predict_proba(self, X: Any, batch_size: int = 1024) -> np.ndarray:
        """Return class probabilities (n, C) for raw inputs ``X``: an array-like or sparse matrix."""
        from sklearn.utils import check_array  # only when a model is evaluated on raw inputs

        if isinstance(X, DictDataLoader | DictDataset):
            raise TypeError("predict_proba takes raw inputs X; for a loader use predict(dataloader).")
        try:
            X = check_array(X, accept_sparse="csr", dtype=np.float32, allow_nd=True, input_name="X")
        except ValueError as err:
            raise ValueError(f"predict_proba: X must be numeric features, shape (n, ...): {err}") from None
        check_int("batch_size", batch_size, low=1)
        Y = {self.task_name: torch.full((X.shape[0],), -1, dtype=torch.long)}
        ds = DictDataset("predict", "test", {self.config.input_data_key: X}, Y)
        outs, _ = self._collect(DictDataLoader(ds, batch_size=batch_size))
        return F.softmax(outs[self.task_name], dim=1).numpy()

    def _scorer(self) -> Any:
        if self.scorer is not None:
            return self.scorer
        from snorkel_slice.analysis.scorer import Scorer  # only once a model is evaluated

        return Scorer(metrics=["accuracy", "f1" if self.config.n_classes == 2 else "f1_macro"])

    def _score_rows(self, rows: list, scorer: Any, label: str, ds: DictDataset,
                    golds: torch.Tensor, probs: torch.Tensor, mask: torch.Tensor) -> None:
        """Append one (label, dataset, split, metric, score) row per metric of ``scorer``."""
        golds, probs = golds[mask].numpy(), probs[mask].numpy()
        with warnings.catch_warnings():
            # The Scorer would call an empty subset "overall"; we warn below with its real name.
            warnings.simplefilter("ignore")
            scores = scorer.score(golds=golds, preds=probs.argmax(axis=1), probs=probs)
        if len(golds) == 0:
            warnings.warn(f"{label} has no labelled data points in {ds.name} ({ds.split}); its scores are NaN.",
                          UserWarning, stacklevel=3)
        scores.pop("n", None)
        rows.extend((label, ds.name, ds.split, metric, value) for metric, value in scores.items())

    def _head_scores(self, rows: list, outs: dict, golds: dict, ds: Any) -> None:
        """Score the task's head on every labelled data point; subclasses add their heads."""
        labels = self._labels(golds, self.task_name)
        probs = F.softmax(outs[self.task_name], dim=1)
        self._score_rows(rows, self._scorer(), self.task_name, ds, labels, probs, labels != -1)

    def score(self, dataloaders: Sequence[DictDataLoader], as_dataframe: bool = False) -> Any:
        """Score the model's heads on each loader, named ``label/dataset/split/metric``.

        Returns
        -------
        dict or pandas.DataFrame
            ``{name: score}``, or a frame with columns label, dataset, split, metric and score.
        """
        rows: list = []
        for dl in _as_list(dataloaders):
            outs, golds = self._collect(dl)
            self._head_scores(rows, outs, golds, dl.dataset)
        if as_dataframe:
            return pd.DataFrame(rows, columns=["label", "dataset", "split", "metric", "score"])
        return {"/".join(row[:4]): row[4] for row in rows}

    def score_slices(self, dataloaders: Sequence[DictDataLoader], as_dataframe: bool = False, *,
                     ci: float | None = None, ci_method: str = "bootstrap", n_bootstrap: int = 1000,
                     random_state: int | None = 0, min_support: int | None = None) -> Any:
        """Score the task's (master) head on all data and on every slice of slice-aware loaders.

        Each loader is predicted once; its slices (read from the ``_ind`` labels that
        ``make_slice_dataloader`` adds) are then scored by ``Scorer.score_slices``, so the
        numbers, sizes, intervals and warnings are the Scorer's. The slice heads are not used.

        Parameters
        ----------
        dataloaders
            One loader or a list; each is scored on its own.
        as_dataframe
            False: Snorkel's ``{"label/dataset/split/metric": score}``, where the label of
            slice s is ``task_slice:s_pred`` (``base`` included). True: a long frame with
            columns label, slice, dataset, split, metric, score, n (and low, high with ``ci``).
        ci, ci_method, n_bootstrap, random_state
            As in ``Scorer.score_slices``.
        min_support
            Slices below this many rows get a SmallSliceWarning; None keeps the scorer's.
        """
        from snorkel_slice.slicing.loaders import BASE_SLICE, pred_label, slices_from_labels

        scorer = self._scorer()
        if min_support is not None:
            check_int("min_support", min_support, low=0)
            scorer = type(scorer)(scorer.metrics, scorer.custom_metric_funcs, scorer.abstain_label,
                                  beta=scorer.beta, min_support=min_support)
        frames = []
        for dl in _as_list(dataloaders):
            outs, golds = self._collect(dl)
            labels = self._labels(golds, self.task_name).numpy()
            probs = F.softmax(outs[self.task_name], dim=1).numpy()
            S = slices_from_labels(golds, self.task_name)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                table = scorer.score_slices(S, labels, probs.argmax(axis=1), probs, as_dataframe=True,
                                            ci=ci, ci_method=ci_method, n_bootstrap=n_bootstrap,
                                            random_state=random_state)
            for w in caught:  # re-issued so that they point at the caller's line, not this one
                warnings.warn(w.message, w.category, stacklevel=2)
            if pred_label(self.task_name, BASE_SLICE) in golds:  # Snorkel also scores "base"
                table = pd.concat([table, table.iloc[[0]].rename(index={"overall": BASE_SLICE})])
            frames.append(_long(table, self.task_name, dl.dataset, ci is not None))
        frame = pd.concat(frames, ignore_index=True)
        if as_dataframe:
            return frame
        return {f"{r.label}/{r.dataset}/{r.split}/{r.metric}": r.score for r in frame.itertuples()}

    def save(self, path: str | Path) -> None:
        """Save the parameters (a ``state_dict``) to ``path``; ``load`` restores them.

        The file is written under a temporary name beside ``path`` and renamed into place,
        so an interrupted save never leaves ``path`` half written.
        """
        save_state(self.state_dict(), path)

    def load(self, path: str | Path) -> ClassifierBase:
        """Load parameters saved by ``save`` into this model, which must have the same shapes.

        Only tensors are unpickled (``torch.load(weights_only=True)``), so a file cannot run code.
        """
        self.load_state_dict(load_state(path, like=self.state_dict()))
        return self


def masked_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over labelled rows (label != -1); 0 if there are none, as Snorkel skips."""
    if (labels == -1).all():
        return logits.sum() * 0.0
    return F.cross_entropy(logits, labels, ignore_index=-1)


def _as_list(dataloaders: Any) -> list:
    if isinstance(dataloaders, DictDataLoader):
        return [dataloaders]
    if isinstance(dataloaders, DictDataset):
        raise TypeError("dataloaders got a DictDataset; wrap it: DictDataLoader(dataset, batch_size=...).")
    if not isinstance(dataloaders, list | tuple):
        raise TypeError(
            f"dataloaders must be a DictDataLoader or a list of them; got {type(dataloaders).__name__}."
        )
    return list(dataloaders)


def _long(table: pd.DataFrame, task: str, ds: DictDataset, with_ci: bool) -> pd.DataFrame:
    # The Scorer's wide table (rows: overall, slices; columns: metric[, _low, _high], n) -> long.
    metrics = [c for c in table.columns if c != "n" and not c.endswith(("_low", "_high"))]
    rows = []
    for name, row in table.iterrows():
        label = task if name == "overall" else f"{task}_slice:{name}_pred"
        for m in metrics:
            extra = (row[f"{m}_low"], row[f"{m}_high"]) if with_ci else ()
            rows.append((label, name, ds.name, ds.split, m, row[m], int(row["n"]), *extra))
    return pd.DataFrame(rows, columns=LONG_COLUMNS + (["low", "high"] if with_ci else []))
