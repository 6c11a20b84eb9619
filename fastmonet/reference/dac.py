"""Plain one-element-at-a-time DACCS coefficients (reference for ``kernels.dac``)."""

from __future__ import annotations

import math


def dac_one(gas, electricity, stored_extra, fixed_em, annual, grid2020, elec_price, gas_price,
            grid_factor, ts_cost, ts_elec):
    """(cost, stored, captured, efficiency) per tonne removed for one (tech, subregion, period)."""
    stored_per_captured = 1.0 + stored_extra
    emitted = fixed_em + electricity * grid2020 * grid_factor + stored_per_captured * ts_elec * grid2020 * grid_factor
    removed = 1.0 - emitted
    if removed <= 0:
        return math.nan, math.nan, math.nan, removed
    money = annual + gas * gas_price + electricity * elec_price + stored_per_captured * ts_cost
    return money / removed, stored_per_captured / removed, 1.0 / removed, removed


def dac_all(tech, grid2020, elec_price, gas_price, grid_factor, ts_cost, ts_elec):
    """Nested lists [k][s][p] of (cost, stored, captured, efficiency)."""
    return [[[dac_one(*tech[k], grid2020[s], elec_price[s], gas_price[s], grid_factor[p], ts_cost, ts_elec)
              for p in range(len(grid_factor))] for s in range(len(grid2020))] for k in range(len(tech))]
