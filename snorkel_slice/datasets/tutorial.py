"""The helpers of Snorkel's spam tutorial that wrap torch: a dict loader and the MLP backbone."""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch is imported where used, so importing this module stays light
    from torch import nn

    from snorkel_slice.classification.data import DictDataLoader


def create_dict_dataloader(X, Y, split: str, **kwargs) -> "DictDataLoader":
    """Wrap features and labels in a ``DictDataLoader``, as the Snorkel tutorial does.

    Parameters
    ----------
    X
        Features, shape (n_rows, n_features), dense or scipy.sparse; stored as float32.
        Sparse features stay sparse and are densified one batch at a time.
    Y
        Integer labels, shape (n_rows,); stored as int64.
    split
        Name of the split, e.g. "train".
    **kwargs
        Passed to ``DictDataLoader`` (``batch_size``, ``shuffle``, ...).

    Returns
    -------
    snorkel_slice.data.DictDataLoader

    Examples
    --------
    >>> dl = create_dict_dataloader(np.eye(3), np.array([0, 1, 1]), "train", batch_size=2)
    >>> len(dl.dataset), dl.dataset.split
    (3, 'train')
    """
    import scipy.sparse as sp
    import torch

    from snorkel_slice.classification.data import DictDataLoader, DictDataset

    # Copies: the tensors must not share (possibly read-only) memory with the caller's arrays.
    try:
        X = sp.csr_matrix(X, dtype=np.float32) if sp.issparse(X) else np.array(X, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise TypeError(f"X must be numeric features, shape (n_rows, n_features): {err}") from None
    Y = np.array(Y)
    if Y.dtype.kind not in "biuf":
        raise TypeError(
            f"Y must hold integer class labels; got dtype {Y.dtype}. Encode them as integers first."
        )
    if X.ndim != 2 or Y.ndim != 1 or X.shape[0] != len(Y):
        raise ValueError(
            f"X must be 2-D and Y 1-D with one label per row of X; got X of shape {X.shape} "
            f"and Y of shape {Y.shape}."
        )
    ds = DictDataset.from_tensors(
        X if sp.issparse(X) else torch.from_numpy(X), torch.from_numpy(Y), split
    )
    return DictDataLoader(ds, **kwargs)


def get_pytorch_mlp(hidden_dim: int, num_layers: int) -> "nn.Sequential":
    """Build the tutorial's backbone: ``num_layers`` x [Linear(hidden_dim, hidden_dim), ReLU].

    Parameters
    ----------
    hidden_dim
        Width of every layer, input and output alike (the tutorial uses the vocabulary size).
    num_layers
        How many Linear + ReLU pairs to stack.

    Returns
    -------
    torch.nn.Sequential
        Maps (batch, hidden_dim) to (batch, hidden_dim).

    Examples
    --------
    >>> mlp = get_pytorch_mlp(hidden_dim=4, num_layers=2)
    >>> sum(p.numel() for p in mlp.parameters())  # 2 * (4*4 weights + 4 biases)
    40
    """
    from torch import nn

    for arg, value in (("hidden_dim", hidden_dim), ("num_layers", num_layers)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{arg} must be an int, got {value!r} ({type(value).__name__}).")
        if value < 1:
            raise ValueError(f"{arg} must be at least 1, got {value}.")
    layers = []
    for _ in range(num_layers):
        layers += [nn.Linear(hidden_dim, hidden_dim), nn.ReLU()]
    return nn.Sequential(*layers)
