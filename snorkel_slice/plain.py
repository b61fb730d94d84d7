"""A slice-unaware classifier, and the evaluation API that the slice-aware one shares.

``PlainClassifier`` is the base architecture plus a ``Linear(h, C)`` head: the baseline of the
lessons. Its ``predict``, ``score``, ``score_slices``, ``save`` and ``load`` follow Snorkel's
``MultitaskClassifier``. Any model the ``Trainer`` fits obeys the same small protocol:

- ``training_loss(X_dict, Y_dict) -> (loss, n_points)``: the scalar to minimise on a batch and
  the number of data points it covers (which weights the running loss);
- ``score(dataloaders) -> {"label/dataset/split/metric": value}``, used for validation.
"""

from __future__ import annotations

import pickle
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

from .data import DEFAULT_INPUT_DATA_KEY, DEFAULT_TASK_NAME, DictDataLoader, DictDataset


@dataclass
class ClassifierConfig:
    """Settings of a ``PlainClassifier``; ``SliceAwareConfig`` extends them."""

    head_dim: int  # width h of the base architecture's output, (batch, h)
    n_classes: int = 2  # number of classes C of the task
    input_data_key: str = DEFAULT_INPUT_DATA_KEY  # X_dict field fed to the base architecture
    task_name: str = DEFAULT_TASK_NAME  # Y_dict key of the task's labels; prefix of metric names


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")


class PlainClassifier(nn.Module):
    """A slice-unaware classifier: the base architecture followed by a ``Linear(h, C)`` head.

    It is the baseline of the lessons and the parent of ``SliceAwareClassifier``, whose
    ``predict``, ``score``, ``score_slices``, ``save`` and ``load`` it provides.

    Parameters
    ----------
    base_architecture
        Maps ``X_dict[input_data_key]`` to a (batch, head_dim) representation.
    head_dim
        Width of the base architecture's output.
    n_classes
        Number of classes of the task.
    scorer
        A ``snorkel_slice.scorer.Scorer``; ``None`` scores accuracy and F1 (macro F1 above two
        classes).
    input_data_key
        ``X_dict`` field fed to the base architecture.
    task_name
        ``Y_dict`` key of the task's labels.

    Examples
    --------
    >>> model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
    >>> model({"input_data": torch.zeros(5, 3)})["task"].shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        base_architecture: nn.Module,
        head_dim: int,
        n_classes: int = 2,
        scorer: Any = None,
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
    ) -> None:
        super().__init__()
        self._init_common(base_architecture, scorer)
        self.config = ClassifierConfig(head_dim, n_classes, input_data_key, task_name)
        self._build_head()

    def _init_common(self, base_architecture: nn.Module, scorer: Any) -> None:
        if not isinstance(base_architecture, nn.Module):
            raise TypeError(
                f"base_architecture must be a torch.nn.Module, got "
                f"{type(base_architecture).__name__}; wrap your network in nn.Sequential(...)."
            )
        if scorer is not None and not callable(getattr(scorer, "score", None)):
            raise TypeError(f"scorer must have a score(golds, preds, probs) method, got {scorer!r}.")
        self.base_architecture = base_architecture
        self.scorer = scorer

    def _build_head(self) -> None:
        _check_int("head_dim", self.config.head_dim, 1)
        _check_int("n_classes", self.config.n_classes, 2)
        # The original prediction head; the slice-aware model uses it as its master head.
        self.head = nn.Linear(self.config.head_dim, self.config.n_classes)

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
        z = self.base_architecture(x)
        if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != self.config.head_dim:
            shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(
                f"base_architecture returned {shape}, expected (batch, head_dim={self.config.head_dim});"
                " set head_dim to the width of its output."
            )
        return z

    def forward(self, X_dict: dict[str, Any]) -> dict[str, torch.Tensor]:
        """Return ``{task_name: logits (batch, C)}``."""
        return {self.task_name: self.head(self._body(X_dict))}

    def _labels(self, Y_dict: dict[str, torch.Tensor], key: str) -> torch.Tensor:
        if key not in Y_dict:
            raise ValueError(
                f"Y_dict has no labels {key!r} (labels: {list(Y_dict)}); for slice labels build "
                "the loader with model.make_slice_dataloader(dataset, S)."
            )
        return Y_dict[key].to(self.head.weight.device)

    def training_loss(
        self, X_dict: dict[str, Any], Y_dict: dict[str, torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        """Return the loss to minimise on a batch and the number of data points it covers.

        Examples
        --------
        >>> model = PlainClassifier(nn.Linear(3, 4), head_dim=4)
        >>> loss, n = model.training_loss({"input_data": torch.zeros(5, 3)},
        ...                               {"task": torch.tensor([0, 1, 1, -1, 0])})
        >>> loss.ndim, n
        (0, 5)
        """
        labels = self._labels(Y_dict, self.task_name)
        return _masked_ce(self(X_dict)[self.task_name], labels), len(labels)

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
        for X_dict, Y_dict in dataloader:
            for key, value in self(X_dict).items():
                outs.setdefault(key, []).append(value.cpu())
            for key, value in Y_dict.items():
                golds.setdefault(key, []).append(value)
        self.train(was_training)
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

        Examples
        --------
        >>> ds = DictDataset.from_tensors(torch.zeros(3, 2), torch.tensor([0, 1, 1]), "test")
        >>> results = PlainClassifier(nn.Linear(2, 4), 4).predict(DictDataLoader(ds), return_preds=True)
        >>> results["golds"]["task"].tolist(), results["probs"]["task"].shape, results["preds"]["task"].shape
        ([0, 1, 1], (3, 2), (3,))
        """
        outs, golds = self._collect(dataloader)
        self._labels(golds, self.task_name)
        probs = F.softmax(outs[self.task_name], dim=1).numpy()
        results = {"golds": {self.task_name: golds[self.task_name].numpy()},
                   "probs": {self.task_name: probs}}
        if return_preds:
            results["preds"] = {self.task_name: probs.argmax(axis=1)}
        return results

    @torch.no_grad()
    def predict_proba(self, X: Any, batch_size: int = 1024) -> np.ndarray:
        """Return class probabilities (n, C) for raw inputs ``X``, e.g. a grid of points.

        Examples
        --------
        >>> PlainClassifier(nn.Linear(3, 4), head_dim=4).predict_proba(np.zeros((2, 3))).shape
        (2, 2)
        """
        ds = DictDataset(
            "predict", "test", {self.config.input_data_key: X},
            {self.task_name: torch.full((X.shape[0],), -1, dtype=torch.long)},
        )
        outs, _ = self._collect(DictDataLoader(ds, batch_size=batch_size))
        return F.softmax(outs[self.task_name], dim=1).numpy()

    def _scorer(self) -> Any:
        if self.scorer is not None:
            return self.scorer
        from .scorer import Scorer  # scoring is only needed once a model is evaluated

        return Scorer(metrics=["accuracy", "f1" if self.config.n_classes == 2 else "f1_macro"])

    def _score_rows(
        self, rows: list, scorer: Any, label: str, ds: DictDataset,
        golds: torch.Tensor, probs: torch.Tensor, mask: torch.Tensor,
    ) -> None:
        """Append one (label, dataset, split, metric, score, n) row per metric of ``scorer``."""
        golds, probs = golds[mask].numpy(), probs[mask].numpy()
        with warnings.catch_warnings():
            # The Scorer would call an empty subset "overall"; we warn below with its real name.
            warnings.simplefilter("ignore")
            scores = scorer.score(golds=golds, preds=probs.argmax(axis=1), probs=probs)
        if len(golds) == 0:
            warnings.warn(f"{label} has no labelled data points in {ds.name} ({ds.split}); its scores are NaN.",
                          UserWarning, stacklevel=3)
            scores = {metric: float("nan") for metric in scores}
        scores.pop("n", None)  # our Scorer adds the size; it is the row's n already
        for metric, value in scores.items():
            rows.append((label, ds.name, ds.split, metric, value, int(mask.sum())))

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
            ``{name: score}``, or a frame with columns label, dataset, split, metric, score
            and n (the number of data points scored).

        Examples
        --------
        >>> ds = DictDataset.from_tensors(torch.zeros(4, 2), torch.tensor([0, 1, 1, 1]), "valid")
        >>> model = PlainClassifier(nn.Linear(2, 4), 4)
        >>> sorted(model.score([DictDataLoader(ds)]))
        ['task/SnorkelDataset/valid/accuracy', 'task/SnorkelDataset/valid/f1']
        """
        rows: list = []
        for dl in _as_list(dataloaders):
            outs, golds = self._collect(dl)
            self._head_scores(rows, outs, golds, dl.dataset)
        return _format(rows, as_dataframe)

    def score_slices(self, dataloaders: Sequence[DictDataLoader], as_dataframe: bool = True) -> Any:
        """Score the task's (master) head on all data and on every slice of slice-aware loaders.

        Each ``{task}_slice:{name}_pred`` label set of a loader selects its slice's labelled
        points; the slice heads are not used, as in Snorkel. The frame adds the slice name
        ("overall" for all data) and n, the number of data points scored, to Snorkel's columns.

        Returns
        -------
        dict or pandas.DataFrame
            As ``score``, plus the column slice.

        Examples
        --------
        >>> from snorkel_slice.data import make_slice_dataloader
        >>> ds = DictDataset.from_tensors(torch.zeros(4, 2), torch.tensor([0, 1, 1, 1]), "test")
        >>> dl = make_slice_dataloader(ds, pd.DataFrame({"short": [1, 1, 0, 0]}), batch_size=4)
        >>> frame = PlainClassifier(nn.Linear(2, 4), 4).score_slices([dl])
        >>> frame.loc[frame.metric == "f1", ["slice", "n"]].to_string(index=False)
        '  slice  n\\noverall  4\\n  short  2\\n   base  4'
        """
        rows: list = []
        prefix = f"{self.task_name}_slice:"
        scorer = self._scorer()
        for dl in _as_list(dataloaders):
            outs, golds = self._collect(dl)
            probs = F.softmax(outs[self.task_name], dim=1)
            labels = self._labels(golds, self.task_name)
            names = [self.task_name] + [k for k in golds if k.startswith(prefix) and k.endswith("_pred")]
            for name in names:
                # A slice's predictor labels are -1 outside it: they select its labelled points.
                self._score_rows(rows, scorer, name, dl.dataset, labels, probs, golds[name] != -1)
        if not as_dataframe:
            return _format(rows, False)
        frame = _format(rows, True)
        frame.insert(1, "slice", [label[len(prefix):-len("_pred")] if label != self.task_name else "overall"
                                  for label in frame["label"]])
        return frame

    def save(self, path: str | Path) -> None:
        """Save the parameters (a ``state_dict``) to ``path``; ``load`` restores them.

        Examples
        --------
        >>> import tempfile
        >>> model = PlainClassifier(nn.Linear(2, 4), 4)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     model.save(f"{folder}/model.pt")
        ...     copy = PlainClassifier(nn.Linear(2, 4), 4).load(f"{folder}/model.pt")
        >>> torch.equal(copy.head.weight, model.head.weight)
        True
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(self.state_dict(), path)

    def load(self, path: str | Path) -> PlainClassifier:
        """Load parameters saved by ``save`` into this model, which must have the same shapes.

        Only tensors are unpickled (``torch.load(weights_only=True)``), so a file cannot run code.
        """
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as exc:
            raise ValueError(
                f"{path} is not a plain state_dict file; refusing to unpickle arbitrary objects. "
                "Save models with model.save(path)."
            ) from exc
        own = self.state_dict()
        missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        wrong = [k for k in own if k in state and own[k].shape != state[k].shape]
        if missing or extra or wrong:
            raise ValueError(
                f"{path} holds parameters of a different model (missing: {missing}, unexpected: "
                f"{extra}, other shape: {wrong}); build the model with the same base_architecture, "
                "head_dim, slice_names and n_classes before load()."
            )
        self.load_state_dict(state)
        return self


def _masked_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over labelled rows (label != -1); 0 if there are none, as Snorkel skips."""
    if (labels == -1).all():
        return logits.sum() * 0.0
    return F.cross_entropy(logits, labels, ignore_index=-1)


def _as_list(dataloaders: Any) -> list:
    return [dataloaders] if isinstance(dataloaders, DictDataLoader) else list(dataloaders)


def _format(rows: list, as_dataframe: bool) -> Any:
    columns = ["label", "dataset", "split", "metric", "score", "n"]
    if as_dataframe:
        return pd.DataFrame(rows, columns=columns)
    return {"/".join(row[:4]): row[4] for row in rows}

