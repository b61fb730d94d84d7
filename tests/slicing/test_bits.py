"""Packed membership: every count equals the plain numpy count, whatever the row count."""

import numpy as np
import pytest

from snorkel_slice.slicing.bits import (
    in_two_or_more,
    masked_counts,
    pack_rows,
    pack_slices,
    slice_sizes,
)


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 1000])
@pytest.mark.parametrize("order", ["C", "F"])
def test_counts_equal_numpy(n, order):
    rng = np.random.default_rng(n)
    M = np.asarray(rng.random((n, 70)) < 0.3, order=order)
    rows = rng.random((3, n)) < 0.5
    P = pack_slices(M)
    assert P.dtype == np.uint64 and P.shape == (70, -(-n // 64))
    assert slice_sizes(P).tolist() == M.sum(axis=0).tolist()
    expected = (M.T.astype(int) @ rows.T.astype(int)) if n else np.zeros((70, 3), int)
    assert masked_counts(P, np.stack([pack_rows(r) for r in rows])).tolist() == expected.tolist()
    multi = M.sum(axis=1) >= 2
    assert np.array_equal(in_two_or_more(P), pack_rows(multi))
