"""Plain reference of `kernels.selection`: sort by (group, cost, index), keep k per group."""

from __future__ import annotations

import numpy as np


def cheapest_per_group(group: np.ndarray, cost: np.ndarray, k: int) -> np.ndarray:
    """Mask keeping the `k` cheapest entries of each group (ties kept in index order): the plain
    Python `kernels.selection` is checked against."""
    order = np.lexsort((cost, group))            # stable: equal costs keep index order
    keep = np.zeros(group.size, bool)
    seen: dict[int, int] = {}
    for i in order:
        g = int(group[i])
        if seen.get(g, 0) < k:
            keep[i] = True
            seen[g] = seen.get(g, 0) + 1
    return keep
