"""`kernels.selection.cheapest_per_group` against the plain sort-based reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fastmonet.kernels.selection import cheapest_per_group
from fastmonet.reference.selection import cheapest_per_group as reference


def kernel(group, cost, k):
    keep = np.zeros(group.size, bool)
    cheapest_per_group(group.astype(np.int64), cost.astype(np.float64), k,
                       int(group.max(initial=-1)) + 1, keep)
    return keep


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.integers(1, 8), st.integers(1, 15), st.integers(0, 2**32 - 1),
       st.booleans())
def test_kernel_keeps_what_the_sort_keeps(n, n_groups, k, seed, ties):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n)
    # Few distinct costs make ties, which the stable sort breaks by index.
    cost = rng.integers(0, 4, n).astype(float) if ties else rng.normal(size=n)
    np.testing.assert_array_equal(kernel(group, cost, k), reference(group, cost, k))


def test_each_group_keeps_k_or_all_it_has():
    group = np.array([0, 0, 0, 1, 2, 2])
    cost = np.array([3.0, 1.0, 2.0, 5.0, 1.0, 1.0])
    assert list(kernel(group, cost, 2)) == [False, True, True, True, True, True]
    assert list(kernel(group, cost, 1)) == [False, True, False, True, True, False]
