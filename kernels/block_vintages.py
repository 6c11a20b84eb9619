"""The formulation §2.8 vintage coefficients of a member block's cells, `LANES` cells side by side.

`kernels.stand.vintage_kernel` walks one cell at a time. A member block has tens of thousands of
cells, so here

- `stock_kernel` runs the same per-cell arithmetic on `LANES` cells side by side (the innermost
  loop is over cells, which the compiler vectorises): every cell sees the same operations in the
  same order as in `vintage_kernel`, so every result is the same double;
- `flow_kernel` is the special case of a zero stock and unit factors (the cost coefficients):
  there the cumulative flow up to age m does not depend on the planting year, so it is summed
  once per cell (in the same age order: the same doubles) instead of once per planting year;
- `fused_kernel` computes the operation flows of `kernels.operations.operation_flows` lane by
  lane and both of the above in one pass, without the (n, K, H+1) flow arrays.

Pure functions on C-contiguous float64 / int64 arrays; `fastmonet.ensemble.block_vintages`
checks and converts the inputs.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# Cells computed side by side. 64: LLVM vectorises the loop over them (AVX2 here, ~1.7x on the
# bundled block); with 8 to 32 it unrolls the loop and keeps it scalar. No FMA contraction
# either way (numba does not allow it without fastmath), so the doubles do not change.
LANES = 64


@njit(parallel=True, cache=True)
def stock_kernel(stock, rows, flows, factors, period_years, n_periods):
    """Vintage coefficients (n, P, P) of the cells `rows` of `stock` with their `flows` weighted by
    `factors`, `LANES` cells at a time: the same doubles as `kernels.stand.vintage_kernel`."""
    n = rows.size
    h1 = stock.shape[1]
    K = flows.shape[1]
    out = np.zeros((n, n_periods, n_periods))
    inv_p = 1.0 / period_years
    for ch in prange((n + LANES - 1) // LANES):
        c0 = ch * LANES
        w = min(LANES, n - c0)
        st = np.zeros((h1, LANES))
        fl = np.zeros((h1, K, LANES))
        for cc in range(w):
            for age in range(h1):
                st[age, cc] = stock[rows[c0 + cc], age]
                for k in range(K):
                    fl[age, k, cc] = flows[c0 + cc, k, age]
        acc = np.zeros((n_periods, n_periods, LANES))
        cum = np.zeros(LANES)
        for a in range(n_periods):
            for i in range(period_years):
                y = a * period_years + i
                cum[:] = 0.0
                age = 0
                for j in range(a, n_periods):
                    m = (j + 1) * period_years - y
                    while age < m:
                        age += 1
                        col = y + age - 1
                        for k in range(K):
                            f = factors[k, col]
                            for cc in range(LANES):
                                cum[cc] += fl[age, k, cc] * f
                    for cc in range(LANES):
                        acc[a, j, cc] += (st[m, cc] - cum[cc]) * inv_p
        for cc in range(w):
            for a in range(n_periods):
                for j in range(n_periods):
                    out[c0 + cc, a, j] = acc[a, j, cc]
    return out


@njit(parallel=True, cache=True)
def flow_kernel(flows, period_years, n_periods):
    """Vintage coefficients (n, P, P) of flows alone (zero stock, unit factors: the costs), the
    cumulative flow summed once per cell: the same doubles as `kernels.stand.vintage_kernel`."""
    n = flows.shape[0]
    window = period_years * n_periods
    out = np.zeros((n, n_periods, n_periods))
    inv_p = 1.0 / period_years
    for c in prange(n):
        cum = np.empty(window + 1)
        s = 0.0
        cum[0] = s
        for age in range(1, window + 1):
            s += flows[c, 0, age] * 1.0        # the unit factor, as vintage_kernel multiplies
            cum[age] = s
        for a in range(n_periods):
            for i in range(period_years):
                y = a * period_years + i
                for j in range(a, n_periods):
                    out[c, a, j] += (0.0 - cum[(j + 1) * period_years - y]) * inv_p
    return out


@njit(cache=True)
def _lane_flows(th, rows, units, crf, capital_years, c0, w, fl, cost):
    """`kernels.operations.operation_flows` of cells c0 .. c0 + w into the lane buffers, the
    same operations in the same order (so the same doubles); False if any flow is not finite
    (then the caller takes the checked path, which names the problem)."""
    h1 = th.shape[1]
    # One running sum instead of a test per flow: it is not finite if any flow is not (and,
    # harmlessly, if finite flows overflow it: the checked path then computes them).
    check = 0.0
    for cc in range(w):
        c = c0 + cc
        r = rows[c]
        levelised = crf * units[c, 2]
        fl[0, 0, cc] = 0.0
        fl[0, 1, cc] = 0.0
        cost[0, cc] = 0.0
        for age in range(1, h1):
            fossil = units[c, 3]
            const = 0.0
            money = units[c, 4]
            if age == 1:
                fossil += units[c, 0]
                const += units[c, 1]
            if age <= capital_years:
                money += levelised
            t = th[r, age]
            if t > 0.0:
                fossil += units[c, 5] + units[c, 8] * t
                const += units[c, 6]
                money += units[c, 7] + units[c, 9] * t
            fl[age, 0, cc] = fossil
            fl[age, 1, cc] = const
            cost[age, cc] = money
            check += (fossil + const) + money
    return np.isfinite(check)


@njit(parallel=True, cache=True)
def fused_kernel(stock, th, rows, units, crf, capital_years, factors, period_years, n_periods):
    """Removal and cost vintage coefficients (each (n, P, P)) of the cells `rows` in one pass, their
    operation flows computed lane by lane from the thinnings `th` and the per-unit quantities
    `units`, and whether any cell's flows were not finite (the caller then takes the checked path,
    which names the problem)."""
    n = rows.size
    h1 = stock.shape[1]
    removal = np.zeros((n, n_periods, n_periods))
    cost_out = np.zeros((n, n_periods, n_periods))
    bad = np.zeros((n + LANES - 1) // LANES, np.bool_)
    inv_p = 1.0 / period_years
    unit1 = True
    for col in range(factors.shape[1]):
        unit1 = unit1 and factors[1, col] == 1.0
    for ch in prange((n + LANES - 1) // LANES):
        c0 = ch * LANES
        w = min(LANES, n - c0)
        st = np.zeros((h1, LANES))
        fl = np.zeros((h1, 2, LANES))
        cf = np.zeros((h1, LANES))
        bad[ch] = not _lane_flows(th, rows, units, crf, capital_years, c0, w, fl, cf)
        for cc in range(w):
            for age in range(h1):
                st[age, cc] = stock[rows[c0 + cc], age]
        acc = np.zeros((n_periods, n_periods, LANES))
        cum = np.zeros(LANES)
        for a in range(n_periods):                     # as stock_kernel
            for i in range(period_years):
                y = a * period_years + i
                cum[:] = 0.0
                age = 0
                for j in range(a, n_periods):
                    m = (j + 1) * period_years - y
                    while age < m:
                        age += 1
                        col = y + age - 1
                        f0 = factors[0, col]
                        # cum += fl0 * f0, then cum += fl1 * f1, rounded in that order as
                        # stock_kernel does, in one pass over the lanes; a factor of exactly
                        # 1.0 (the non-fossil flows) is not multiplied: x * 1.0 is x.
                        if unit1:
                            for cc in range(LANES):
                                cum[cc] = (cum[cc] + fl[age, 0, cc] * f0) + fl[age, 1, cc]
                        else:
                            f1 = factors[1, col]
                            for cc in range(LANES):
                                cum[cc] = (cum[cc] + fl[age, 0, cc] * f0) + fl[age, 1, cc] * f1
                    for cc in range(LANES):
                        acc[a, j, cc] += (st[m, cc] - cum[cc]) * inv_p
        # Costs as flow_kernel: cumulative flow by age once per cell (vintage_kernel multiplies
        # by the unit factor: x * 1.0 is x), each (a, j) summed over i in the same order.
        window = period_years * n_periods
        cumc = np.zeros((window + 1, LANES))
        for age in range(1, window + 1):
            for cc in range(LANES):
                cumc[age, cc] = cumc[age - 1, cc] + cf[age, cc]    # x * 1.0 is x
        accc = np.zeros((n_periods, n_periods, LANES))
        for a in range(n_periods):
            for i in range(period_years):
                y = a * period_years + i
                for j in range(a, n_periods):
                    m = (j + 1) * period_years - y
                    for cc in range(LANES):
                        accc[a, j, cc] += (0.0 - cumc[m, cc]) * inv_p
        for cc in range(w):
            for a in range(n_periods):
                for j in range(n_periods):
                    removal[c0 + cc, a, j] = acc[a, j, cc]
                    cost_out[c0 + cc, a, j] = -accc[a, j, cc]
    return removal, cost_out, bad.any()
