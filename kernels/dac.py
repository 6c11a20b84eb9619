"""DACCS coefficients per (technology, plant subregion, period) (formulation §4).

All quantities are per tonne of CO2 captured from the air. ``tech`` rows hold, per technology:

    0 gas          GJ natural gas burnt
    1 electricity  MWh bought from the grid (power + heat / COP)
    2 stored_extra tCO2 of burnt gas captured and stored with the air CO2
    3 fixed_em     tCO2e emitted independently of the grid (gas upstream + uncaptured combustion
                   + embodied plant and sorbent emissions)
    4 annual       US$ of levelised CAPEX + OPEX per (tCO2/yr) of capacity

Removal = 1 - fixed_em - (electricity + stored * ts_elec) * grid; efficiency = removal / captured.
Outputs (tech, subregion, period): aCostD, aSCO2D, aCCO2D, efficiency. Where the efficiency is
<= 0 the three coefficients are NaN (not offered to the LP).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

N_TECH_PARAMS = 5


@njit(cache=True, parallel=True)
def dac_coefficients(tech, grid2020, elec_price, gas_price, grid_factor, ts_cost, ts_elec,
                     cost, stored, captured, efficiency):
    """Fill the (n_tech, n_sr, n_period) output arrays; grid2020 in tCO2/MWh."""
    n_tech = tech.shape[0]
    n_sr = grid2020.shape[0]
    n_p = grid_factor.shape[0]
    for s in prange(n_sr):
        for k in range(n_tech):
            gas = tech[k, 0]
            elec = tech[k, 1]
            st = 1.0 + tech[k, 2]
            gross = (tech[k, 4] + gas * gas_price[s] + elec * elec_price[s] + st * ts_cost)
            for p in range(n_p):
                intensity = grid2020[s] * grid_factor[p]
                removed = 1.0 - tech[k, 3] - (elec + st * ts_elec) * intensity
                efficiency[k, s, p] = removed
                if removed > 0.0:
                    cost[k, s, p] = gross / removed
                    stored[k, s, p] = st / removed
                    captured[k, s, p] = 1.0 / removed
                else:
                    cost[k, s, p] = np.nan
                    stored[k, s, p] = np.nan
                    captured[k, s, p] = np.nan
