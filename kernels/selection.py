"""The k cheapest items of every group, in one pass (the sifting's first working set).

Equal to sorting by (group, cost, index) and keeping the first k of each group, as
``np.lexsort((cost, group))`` does, without sorting: a group holds at most k candidates and the
dearest is replaced when a cheaper item arrives.  Ties in cost go to the lower index, as in the
stable sort.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cheapest_per_group(group, cost, k, n_groups, keep):
    """Set keep[i] = True for the k cheapest items i of each group (group ids 0..n_groups-1).

    `group` int64, `cost` float64, `keep` bool, all of one length; `keep` is only set, never
    cleared, so two calls mark the union of two groupings.
    """
    held = np.full((n_groups, k), -1, np.int64)     # item indices, in no order
    count = np.zeros(n_groups, np.int64)
    for i in range(group.size):
        g = group[i]
        if count[g] < k:
            held[g, count[g]] = i
            count[g] += 1
            continue
        # the dearest held item (cost, then index: the later of equal costs is dearer)
        worst = 0
        for j in range(1, k):
            a, b = held[g, j], held[g, worst]
            if cost[a] > cost[b] or (cost[a] == cost[b] and a > b):
                worst = j
        w = held[g, worst]
        if cost[i] < cost[w]:                        # i > w always: equal cost keeps w
            held[g, worst] = i
    for g in range(n_groups):
        for j in range(count[g]):
            keep[held[g, j]] = True
