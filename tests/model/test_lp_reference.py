"""The fast builder against a slow, dense, loop-based writing of formulation §6 solved by scipy.

The reference writes formulation §6 as printed: every column for every allowed cell / chain / (tech,
subregion, period) / build period, every land row for every period, the storage row for every
reporting year (the paper's Eq. 34; formulation §6.4), cumulative target rows with each chain in
every later year, no aggregate columns and no pruning.  It works in natural units (tCO2, ha, US$).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from fastmonet import lp, scenarios, solver, synthetic
from fastmonet.api import solve_coefficients

SHARE = [0.55, 1.0, 1.0, 0.45]


class Ref:
    def __init__(self):
        self.cols = {}        # key -> index
        self.cost = []
        self.ub = []
        self.rows = []        # (dict col -> coef, lo, hi)

    def col(self, key, cost=0.0, ub=np.inf):
        self.cols[key] = len(self.cost)
        self.cost.append(cost)
        self.ub.append(ub)

    def row(self, coefs, lo, hi):
        coefs = {k: v for k, v in coefs.items() if k in self.cols}
        self.rows.append((coefs, lo, hi))


def reference_lp(ds, sc: scenarios.Scenario) -> Ref:
    regions = [str(r) for r in ds["region"].values]
    sr_reg = [regions.index(str(r)) for r in ds["subregion_region"].values]
    n_sr, n_ez, n_ft, n_p = (ds.sizes[d] for d in ("subregion", "ecozone", "forest_type", "period"))
    years = list(ds["year"].values)
    rem, cost = ds["ar_removal"].values, ds["ar_cost"].values
    allowed = ds["ar_allowed"].values
    lrp, ovl, mal, lhw = (ds[v].values for v in ("lrp", "ovl", "mal", "lhw"))
    storage, target = ds["storage"].values, ds["target"].values
    ch = {k: ds[k].values for k in ("chain_source", "chain_plant", "chain_biomass", "chain_land",
                                    "chain_period", "beccs_cost", "beccs_stored", "beccs_units",
                                    "beccs_land")}
    dcost, dstor, dcapt = ds["dac_cost"].values, ds["dac_stored"].values, ds["dac_captured"].values
    r = sc.rates
    lp = Ref()

    def regional(t):
        return sc.policy in ("current_policy", "isolation") or (
            sc.policy == "switch" and years[t] <= sc.switch_year)

    def trade(p):
        return sc.policy in ("cooperation", "current_policy") or (
            sc.policy == "switch" and years[p] > sc.switch_year)

    for s in range(n_sr):
        for e in range(n_ez):
            for f in range(n_ft):
                if allowed[s, e, f]:
                    for a in range(n_p):
                        lp.col(("A", s, e, f, a), cost[s, e, f, a, n_p - 1])
    for c in range(ds.sizes["chain"]):
        if trade(ch["chain_period"][c]) or sr_reg[ch["chain_source"][c]] == sr_reg[ch["chain_plant"][c]]:
            lp.col(("B", c), 10 * ch["beccs_cost"][c])
    for k in range(ds.sizes["tech"]):
        for s in range(n_sr):
            for p in range(n_p):
                if np.isfinite(dcost[k, s, p]):
                    lp.col(("D", k, s, p), 10 * dcost[k, s, p])
    for s in range(n_sr):
        for q in range(n_p):
            lp.col(("N", s, q), 0.0, r.build_factor * r.beccs_gw_per_yr * r.beccs / r.beccs_plant_gw)
            for k in range(ds.sizes["tech"]):
                lp.col(("K", k, s, q), 0.0)
    groups = list(range(len(regions))) + ["world"]
    for g in groups:
        for t in range(n_p):
            if (g == "world") != regional(t):
                lp.col(("S", g, t), 0.0)

    def in_group(s, g):
        return g == "world" or sr_reg[s] == g

    # Targets.
    for g in groups:
        for t in range(n_p):
            if ("S", g, t) not in lp.cols:
                continue
            co = {("S", g, t): 1.0}
            for key in lp.cols:
                if key[0] == "A" and in_group(key[1], g):
                    co[key] = rem[key[1], key[2], key[3], key[4], t]
                elif key[0] == "B" and in_group(ch["chain_plant"][key[1]], g) \
                        and ch["chain_period"][key[1]] <= t:
                    co[key] = 10.0
                elif key[0] == "D" and in_group(key[2], g) and key[3] <= t:
                    co[key] = 10.0
            tv = target[:, t].sum() if g == "world" else target[g, t]
            lp.row(co, tv, tv if t == n_p - 1 else np.inf)
    # Storage per (sr', t): cumulative use.
    for s in range(n_sr):
        for t in range(n_p):
            co = {}
            for key in lp.cols:
                if key[0] == "B" and ch["chain_plant"][key[1]] == s and ch["chain_period"][key[1]] <= t:
                    co[key] = 10 * ch["beccs_stored"][key[1]]
                elif key[0] == "D" and key[2] == s and key[3] <= t:
                    co[key] = 10 * dstor[key[1], s, key[3]]
            lp.row(co, -np.inf, storage[s])
    # Land (35)-(38) per (sr, p).
    for s in range(n_sr):
        for p in range(n_p):
            for e in range(n_ez):
                co = {("A", s, e, f, a): 1.0 for f in range(n_ft) for a in range(p + 1)}
                lp.row(co, -np.inf, lrp[s, e] + ovl[s, e])
            crops, straw = {}, {}
            for key in lp.cols:
                if key[0] == "B" and ch["chain_source"][key[1]] == s and ch["chain_period"][key[1]] == p:
                    if ch["chain_land"][key[1]] == 2:
                        straw[key] = ch["beccs_land"][key[1]]
                    else:
                        crops[key] = ch["beccs_land"][key[1]]
            lp.row(crops, -np.inf, mal[s] + ovl[s].sum())
            tot = dict(crops)
            tot.update({("A", s, e, f, a): 1.0 for e in range(n_ez) for f in range(n_ft)
                        for a in range(p + 1)})
            lp.row(tot, -np.inf, mal[s] + (lrp[s] + ovl[s]).sum())
            lp.row(straw, -np.inf, lhw[s])
    # Builds and lifetimes (6.6).
    for s in range(n_sr):
        for p in range(n_p):
            co = {}
            for key in lp.cols:
                if key[0] == "B" and ch["chain_plant"][key[1]] == s and ch["chain_period"][key[1]] == p:
                    co[key] = ch["beccs_units"][key[1]]
            for d in range(4):
                if p - d >= 0:
                    co[("N", s, p - d)] = -SHARE[d]
            lp.row(co, 0.0, 0.0)
            for k in range(ds.sizes["tech"]):
                co = {("D", k, s, p): dcapt[k, s, p]} if np.isfinite(dcost[k, s, p]) else {}
                for d in range(4):
                    if p - d >= 0:
                        co[("K", k, s, p - d)] = -SHARE[d]
                lp.row(co, 0.0, 0.0)
            lp.row({("K", k, s, p): 1.0 for k in range(ds.sizes["tech"])}, -np.inf,
                   r.build_factor * r.dac_t_per_yr * r.dac)
            lp.row({("A", s, e, f, p): 1.0 for e in range(n_ez) for f in range(n_ft)}, -np.inf,
                   r.build_factor * r.ar_ha_per_yr * r.ar)
    return lp


def solve_reference(lp: Ref, world_target: float, tol=1e-9):
    n = len(lp.cost)
    A_ub, b_ub, A_eq, b_eq = [], [], [], []
    for co, lo, hi in lp.rows:
        v = np.zeros(n)
        for k, c in co.items():
            v[lp.cols[k]] = c
        if lo == hi:
            A_eq.append(v)
            b_eq.append(hi)
            continue
        if np.isfinite(hi):
            A_ub.append(v)
            b_ub.append(hi)
        if np.isfinite(lo):
            A_ub.append(-v)
            b_ub.append(-lo)
    bounds = [(0, u if np.isfinite(u) else None) for u in lp.ub]
    s_vec = np.array([1.0 if k[0] == "S" else 0.0 for k in lp.cols])
    r1 = linprog(s_vec, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert r1.status == 0, r1.message
    s_star = r1.fun
    # The same stated tolerance as the fast solver: sum s <= s* (1 + tol) + tol * world target.
    r2 = linprog(np.array(lp.cost), A_ub=A_ub + [s_vec],
                 b_ub=b_ub + [s_star * (1 + tol) + tol * world_target],
                 A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert r2.status == 0, r2.message
    return s_star, r2.fun


def small(seed, **kw):
    kw.setdefault("n_subregions", 3)
    kw.setdefault("n_regions", 2)
    kw.setdefault("n_ecozones", 2)
    kw.setdefault("chain_keep", 0.35)
    return synthetic.instance(seed=seed, **kw)


@pytest.mark.parametrize("policy", ["cooperation", "current_policy", "isolation"])
@pytest.mark.parametrize("seed,target", [(0, 1.5), (3, 4.0), (7, 0.8)])
def test_matches_dense_reference(policy, seed, target):
    ds = small(seed, target_gt_per_subregion=target, nonneg_cost=(seed != 3))
    sc = scenarios.make(policy)
    s_ref, cost_ref = solve_reference(reference_lp(ds, sc), float(ds.target[:, -1].sum()))
    sol = solver.solve_model(lp.build(ds, sc))
    # Shortfall in MtCO2 and cost in M US$ for the fast model; tCO2 and US$ for the reference.
    assert sol.shortfall * 1e6 == pytest.approx(s_ref, rel=1e-6, abs=1e-3 * target * 1e9 * 1e-6)
    assert sol.cost * 1e6 == pytest.approx(cost_ref, rel=1e-6, abs=1e-6 * abs(cost_ref) + 1.0)
    assert sol.max_violation <= 1e-6


def test_switch_matches_reference_with_fixed_isolation():
    ds = small(11, target_gt_per_subregion=1.0)
    iso = solve_coefficients(ds, scenarios.make("isolation"))
    sw = solve_coefficients(ds, scenarios.make("switch_2050"), isolation=iso)
    sc = sw.scenario
    lp = reference_lp(ds, sc)
    # Fix the reference's early columns to the same ISOLATION decisions.
    sol = iso.solution
    last = [i for i, y in enumerate(ds["year"].values) if y <= sc.switch_year][-1]
    per = ds["chain_period"].values
    for key, j in lp.cols.items():
        if key[0] == "A" and key[4] <= last:
            v = float(sol["ar_area"].values[key[1:]])
        elif key[0] == "B" and per[key[1]] <= last:
            v = float(sol["beccs_rate"].values[key[1]])
        elif key[0] == "D" and key[3] <= last:
            v = float(sol["dac_rate"].values[key[1:]])
        elif key[0] == "N" and key[2] <= last:
            v = float(sol["beccs_plants_built"].values[key[1:]])
        elif key[0] == "K" and key[3] <= last:
            v = float(sol["dac_capacity_built"].values[key[1:]])
        else:
            continue
        lp.row({key: 1.0}, v - 1e-9 * max(1.0, v), v + 1e-9 * max(1.0, v))
    s_ref, cost_ref = solve_reference(lp, float(ds.target[:, -1].sum()))
    assert sw.solution.attrs["shortfall_mt"] * 1e6 == pytest.approx(s_ref, rel=1e-6, abs=1e3)
    assert sw.solution.attrs["cost_musd"] * 1e6 == pytest.approx(cost_ref, rel=1e-6)
