"""Parameters on disk: written atomically, read back safely, with errors that name the file."""

from __future__ import annotations

import os
import pickle
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch


def save_state(state: dict[str, Any], path: str | Path) -> None:
    """Write ``state`` (a ``state_dict``) to ``path`` through a temporary file and a rename.

    An interrupted save (Ctrl-C, a full disk) leaves the previous file at ``path`` intact.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_state({"w": torch.ones(2)}, f"{folder}/m.pt")
    ...     load_state(f"{folder}/m.pt")["w"].tolist()
    [1.0, 1.0]
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path (str or Path); got {path!r}.")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(f"Cannot write the model to {path}: {exc.strerror or exc}. "
                      "Choose a folder you can write to.") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_checkpoint(path: str | Path) -> Any:
    """Everything a file written by ``save_state`` (or by the Trainer) holds; errors name the file.

    Only tensors and plain Python values are unpickled (``weights_only=True``), so a file cannot
    run code.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path (str or Path); got {path!r}.")
    if not Path(path).is_file():
        raise FileNotFoundError(f"No model file at {path}; save one first with model.save(path).")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise ValueError(
            f"{path} is not a plain state_dict file; refusing to unpickle arbitrary objects. "
            "Save models with model.save(path)."
        ) from exc
    except RuntimeError as exc:  # torch's reader: a truncated or corrupted zip archive
        raise ValueError(
            f"{path} is damaged (truncated or corrupted; torch said: {str(exc).splitlines()[0]}). "
            "Save the model again, or load an earlier copy."
        ) from exc


def load_state(path: str | Path, like: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read a ``state_dict`` saved by ``save_state``, or the model's part of a Trainer checkpoint;
    with ``like``, check its keys and shapes.
    """
    state = read_checkpoint(path)
    if isinstance(state, dict) and isinstance(state.get("model"), dict) and "epoch" in state:
        state = state["model"]  # a trainer checkpoint: its model's parameters
    if like is None:
        return state
    own = like
    missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
    wrong = [k for k in own if k in state and own[k].shape != state[k].shape]
    if missing or extra or wrong:
        raise ValueError(
            f"{path} holds parameters of a different model (missing: {missing}, unexpected: "
            f"{extra}, other shape: {wrong}); build the model with the same base_architecture, "
            "head_dim, slice_names and n_classes before load()."
        )
    return state


def rng_state() -> dict[str, Any]:
    """The state of Python's, NumPy's and torch's generators, in a form ``weights_only`` loads."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": (kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)),
        "torch": torch.get_rng_state(),
    }


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what ``rng_state`` captured."""
    random.setstate(state["python"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
