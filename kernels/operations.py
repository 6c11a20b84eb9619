"""AR forestry operations as per-age activity flows (formulation §2.6-2.7).

For every cell (stand type) and age 1..H the kernel returns

    em_flows[c, 0, age]   tCO2 of fossil fuel burnt (at 2020 fuel factors; scaled later by the
                          fossil share of the calendar year the operation happens in)
    em_flows[c, 1, age]   tCO2e that does not depend on calendar time (materials, N2O, direct LUC)
    cost_flows[c, 0, age] US$ spent in that year

from per-cell unit quantities (built by ``fastmonet.coefficients.ar``):

    est_fossil, est_const   establishment + road construction, in year 1
    est_capital             their capital cost, levelised with ``crf`` over years 1..capital_years
    annual_fossil, annual_cost      type A road re-grading, every year
    event_fossil, event_const, event_cost   before each thinning: type A re-surfacing, type B
                                            re-grading (a thinning year is one with Th > 0)
    thin_fossil, thin_cost  per tDM thinned (harvester, forwarder, residue bundler)

Age 0 (planting instant) carries no flow. ``Th`` is the thinned biomass (n_cells, H+1) of the
stand kernel.
"""

from __future__ import annotations

from numba import njit, prange


@njit(cache=True, parallel=True)
def operation_flows(th, est_fossil, est_const, est_capital, annual_fossil, annual_cost,
                    event_fossil, event_const, event_cost, thin_fossil, thin_cost,
                    crf, capital_years, em_flows, cost_flows):
    """Fill `em_flows` (n, 2, H+1) and `cost_flows` (n, 1, H+1) with each cell's forestry operation
    flows by age (formulation §2.6-2.7; the arrays are described in the module docstring)."""
    n = th.shape[0]
    h = th.shape[1] - 1
    for c in prange(n):
        em_flows[c, 0, 0] = 0.0
        em_flows[c, 1, 0] = 0.0
        cost_flows[c, 0, 0] = 0.0
        levelised = crf * est_capital[c]
        for age in range(1, h + 1):
            fossil = annual_fossil[c]
            const = 0.0
            money = annual_cost[c]
            if age == 1:
                fossil += est_fossil[c]
                const += est_const[c]
            if age <= capital_years:
                money += levelised
            t = th[c, age]
            if t > 0.0:
                fossil += event_fossil[c] + thin_fossil[c] * t
                const += event_const[c]
                money += event_cost[c] + thin_cost[c] * t
            em_flows[c, 0, age] = fossil
            em_flows[c, 1, age] = const
            cost_flows[c, 0, age] = money
