"""Slice membership packed into bits, and counts of slice x row-set by popcount.

Counting the rows of every slice that fall in a set of rows (a confusion cell, a gold class, the
rows in two or more slices) is what scoring and summarising slices mostly do. On 1,000,000 rows x
1,000 slices a float matrix product needs the 1 GB bool matrix converted to 4 GB of floats; packed,
the same membership is 125 MB of 64-bit words, and a count is ``bitwise_count(slice & rows)``
summed: a 64-row AND and popcount per instruction.
"""

from __future__ import annotations

import numpy as np

# Slices packed at a time: a block of the bool matrix (64 x n_rows bytes) stays small.
_SLICES_PER_BLOCK = 64


def n_words(n_rows: int) -> int:
    """64-bit words that hold one bit per row.

    Examples
    --------
    >>> n_words(64), n_words(65)
    (1, 2)
    """
    return -(-n_rows // 64)


def pack_rows(mask: np.ndarray) -> np.ndarray:
    """A bool vector of rows as ``(n_words,)`` uint64 bits (padding bits are 0).

    Examples
    --------
    >>> pack_rows(np.array([True, False, True])).tolist()
    [5]
    """
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros(n_words(len(mask)) * 8, np.uint8)
    out[: -(-len(mask) // 8)] = np.packbits(mask, bitorder="little")
    return out.view(np.uint64)


def pack_slices(M: np.ndarray) -> np.ndarray:
    """A bool membership matrix ``(n_rows, n_slices)`` as ``(n_slices, n_words)`` uint64 bits.

    Fastest when ``M`` is Fortran-ordered (each slice's column contiguous), as
    ``read_slice_matrix`` returns it.

    Examples
    --------
    >>> pack_slices(np.array([[1, 0], [0, 1], [1, 1]], bool)).tolist()
    [[5], [6]]
    """
    n, k = M.shape
    out = np.zeros((k, n_words(n) * 8), np.uint8)
    used = -(-n // 8)
    for j in range(0, k, _SLICES_PER_BLOCK):
        block = np.ascontiguousarray(M[:, j : j + _SLICES_PER_BLOCK].T)  # a view if M is F-order
        out[j : j + _SLICES_PER_BLOCK, :used] = np.packbits(block, axis=1, bitorder="little")
    return out.view(np.uint64)


def masked_counts(P: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Rows of each packed slice that are also in each packed row set: ``(n_slices, n_masks)``.

    Examples
    --------
    >>> P = pack_slices(np.array([[1, 0], [0, 1], [1, 1]], bool))
    >>> masked_counts(P, np.stack([pack_rows([1, 1, 0]), pack_rows([1, 1, 1])])).tolist()
    [[1, 2], [1, 2]]
    """
    masks = np.asarray(masks, np.uint64)
    masks = masks[None, :] if masks.ndim == 1 else masks
    out = np.empty((len(P), len(masks)), np.int64)
    step = 16  # slices per step: (16, n_words) temporaries stay in cache
    for j in range(0, len(P), step):
        block = P[j : j + step]
        for q, mask in enumerate(masks):
            out[j : j + step, q] = np.bitwise_count(block & mask).sum(axis=1, dtype=np.int64)
    return out


def slice_sizes(P: np.ndarray) -> np.ndarray:
    """Rows in each packed slice, ``(n_slices,)``.

    Examples
    --------
    >>> slice_sizes(pack_slices(np.array([[1, 0], [1, 1]], bool))).tolist()
    [2, 1]
    """
    return np.bitwise_count(P).sum(axis=1, dtype=np.int64)


def in_two_or_more(P: np.ndarray) -> np.ndarray:
    """Packed rows that belong to at least two slices, ``(n_words,)``.

    Examples
    --------
    >>> in_two_or_more(pack_slices(np.array([[1, 0], [1, 1]], bool))).tolist()
    [2]
    """
    once = np.zeros(P.shape[1], np.uint64)
    twice = np.zeros(P.shape[1], np.uint64)
    for bits in P:
        twice |= once & bits
        once |= bits
    return twice
