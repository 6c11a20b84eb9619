"""SPEC 7 metrics from a labelled solution and its coefficients (no LP internals needed).

Dimensions of the metrics Dataset: `region` (the coefficient regions then "world"), `option`
(ar, beccs, daccs, all), `year` (reporting years), `subregion`, and `config` (one per deployed
configuration = LP column with activity, for the cost-supply curves).

- cum_removal(t)   AR sum_a cRCO2(t, a) xA; BECCS / DACCS 10 x the rates of periods ending <= t,
                   counted at the plant's subregion (SPEC 6.3)
- ctnc(t)          AR sum_a cCost(t, a) xA; BECCS / DACCS 10 x rate x cost per period
- cnc = ctnc / cum_removal;  mnc(t) = d ctnc / d cum_removal over the decade ending at t
- shortfall        the LP's s(g, t); under a world target a region's share of the world shortfall
                   is in proportion to its own deficit (target minus removal) — the deficits are
                   what trading has to cover, and what cannot be covered is the shortfall
- nep, surplus, deficit, cnc_trading  (2100): configurations of each region ordered by their own
                   net cost per tonne; the cheapest meet the region's target, the rest is surplus
                   (a configuration whose 2100 removal is <= 0 is taken first: it is part of the
                   region's own deployment).  NEP = sum mnc x surplus / sum surplus; a region's CNC
                   with trading = (CTNC - NEP sold + NEP bought) / (removal - sold + bought); with
                   no shortfall the denominator is the region's target, as in SPEC 7.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

OPTIONS = ("ar", "beccs", "daccs", "all")
WORLD = "world"


def _region_sum(a_sr: np.ndarray, sr_region: np.ndarray, n_reg: int) -> np.ndarray:
    """(subregion, ...) -> (region + world, ...)."""
    out = np.zeros((n_reg + 1,) + a_sr.shape[1:])
    np.add.at(out, sr_region, a_sr)
    out[n_reg] = out[:n_reg].sum(axis=0)
    return out


def _safe_div(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)


def compute(coeffs: xr.Dataset, solution: xr.Dataset) -> xr.Dataset:
    regions = [str(r) for r in coeffs["region"].values]
    n_reg = len(regions)
    sr_region = np.array([regions.index(str(r)) for r in coeffs["subregion_region"].values])
    n_sr, n_p = coeffs.sizes["subregion"], coeffs.sizes["period"]
    years = np.asarray(coeffs["year"].values)
    f64 = np.float64

    # ---- per subregion, option, year -------------------------------------------------------------
    area = np.asarray(solution["ar_area"].values, f64)                     # (sr, ez, ft, a)
    rem = np.nan_to_num(np.asarray(coeffs["ar_removal"].values, f64))      # (sr, ez, ft, a, t)
    cst = np.nan_to_num(np.asarray(coeffs["ar_cost"].values, f64))
    ar_rem = np.einsum("sefa,sefat->st", area, rem)
    ar_cost = np.einsum("sefa,sefat->st", area, cst)

    rate = np.asarray(solution["beccs_rate"].values, f64)
    act = np.flatnonzero(rate > 0)
    rate_a = rate[act]
    c_plant = np.asarray(coeffs["chain_plant"].values)[act].astype(np.int64)
    c_src = np.asarray(coeffs["chain_source"].values)[act].astype(np.int64)
    c_per = np.asarray(coeffs["chain_period"].values)[act].astype(np.int64)
    c_land = np.asarray(coeffs["chain_land"].values)[act].astype(np.int64)
    b_cost = np.asarray(coeffs["beccs_cost"].values, f64)[act]
    b_stor = np.asarray(coeffs["beccs_stored"].values, f64)[act]
    b_land = np.asarray(coeffs["beccs_land"].values, f64)[act]

    def by_sr_p(sr, p, w):
        out = np.zeros(n_sr * n_p)
        np.add.at(out, sr * n_p + p, w)
        return out.reshape(n_sr, n_p)

    b_rate_sp = by_sr_p(c_plant, c_per, rate_a)                           # tCO2/yr
    b_cost_sp = by_sr_p(c_plant, c_per, rate_a * b_cost)                  # US$/yr
    d_rate = np.asarray(solution["dac_rate"].values, f64)                  # (tk, sr, p)
    d_cost_c = np.nan_to_num(np.asarray(coeffs["dac_cost"].values, f64))
    d_stor_c = np.nan_to_num(np.asarray(coeffs["dac_stored"].values, f64))
    d_rate_sp = d_rate.sum(axis=0)
    d_cost_sp = (d_rate * d_cost_c).sum(axis=0)
    # Period p ends at reporting year index p: cumulative over periods <= t.
    cum = lambda a: 10.0 * np.cumsum(a, axis=1)  # noqa: E731
    rem_sr = np.stack([ar_rem, cum(b_rate_sp), cum(d_rate_sp)], axis=1)   # (sr, opt, t)
    cost_sr = np.stack([ar_cost, cum(b_cost_sp), cum(d_cost_sp)], axis=1)
    rem_sr = np.concatenate([rem_sr, rem_sr.sum(axis=1, keepdims=True)], axis=1)
    cost_sr = np.concatenate([cost_sr, cost_sr.sum(axis=1, keepdims=True)], axis=1)
    rem_rg = _region_sum(rem_sr, sr_region, n_reg)                       # (reg+w, opt, t)
    cost_rg = _region_sum(cost_sr, sr_region, n_reg)
    d_rem = np.diff(rem_rg, axis=2, prepend=0.0)
    d_cost = np.diff(cost_rg, axis=2, prepend=0.0)
    cnc = _safe_div(cost_rg, rem_rg)
    mnc = _safe_div(d_cost, d_rem)

    # ---- targets and shortfall ---------------------------------------------------------------------
    tgt = np.asarray(coeffs["target"].values, f64)
    tgt_rg = np.concatenate([tgt, tgt.sum(axis=0, keepdims=True)], axis=0)
    s = np.asarray(solution["shortfall"].values, f64)                      # (group, t)
    groups = [str(g) for g in solution["group"].values]
    w = groups.index(WORLD)
    reg_idx = [groups.index(r) for r in regions]
    short = np.zeros((n_reg + 1, n_p))
    deficit_t = np.maximum(tgt - rem_rg[:n_reg, 3, :], 0.0)                # (reg, t)
    for t in range(n_p):
        if np.isfinite(s[w, t]):
            tot = deficit_t[:, t].sum()
            share = deficit_t[:, t] / tot if tot > 0 else np.zeros(n_reg)
            short[:n_reg, t] = s[w, t] * share
            short[n_reg, t] = s[w, t]
        else:
            short[:n_reg, t] = np.nan_to_num(s[reg_idx, t])
            short[n_reg, t] = short[:n_reg, t].sum()

    # ---- configurations, NEP, trading (2100) -----------------------------------------------------
    cfg = _configurations(coeffs, solution, area, rem, cst, act, rate_a, c_plant, c_per, b_cost,
                          d_rate, d_cost_c, sr_region)
    c_reg, c_opt, c_rem, c_cost = cfg
    tr = trading(c_reg, c_rem, c_cost, tgt[:, -1], rem_rg[:n_reg, 3, -1], cost_rg[:n_reg, 3, -1],
                 short[:n_reg, -1])
    order = tr["order"]
    c_reg, c_opt, c_rem, c_cost = (a[order] for a in (c_reg, c_opt, c_rem, c_cost))
    c_mnc, c_cum, c_surplus = tr["mnc"], tr["cum"], tr["surplus_k"]
    nep = tr["nep"]
    surplus, deficit, sold, bought = tr["surplus"], tr["deficit"], tr["sold"], tr["bought"]
    cnc_trading = np.append(tr["cnc_trading"], cnc[n_reg, 3, -1])

    # ---- flows, land, storage ------------------------------------------------------------------
    pair = sr_region[c_src] * n_reg + sr_region[c_plant]
    trade = np.zeros((n_reg * n_reg, n_p))
    np.add.at(trade, (pair, c_per), rate_a)
    trade = trade.reshape(n_reg, n_reg, n_p)
    data = {}
    if "beccs_removal_tdm" in coeffs:   # Contract 3 extension: tCO2 removed per tDM delivered
        per_tdm = np.asarray(coeffs["beccs_removal_tdm"].values, f64)[act]
        bio = np.where(per_tdm > 0, 1.0 / np.where(per_tdm > 0, per_tdm, 1.0), 0.0)
        flow = np.zeros((n_reg * n_reg, n_p))
        np.add.at(flow, (pair, c_per), rate_a * bio)
        data["biomass_flow"] = (("source_region", "plant_region", "year"),
                                flow.reshape(n_reg, n_reg, n_p),
                                {"units": "tDM/yr", "long_name": "biomass (pellets) sent during "
                                 "the decade ending in year"})
    land_ar = np.cumsum(area.sum(axis=(1, 2)), axis=1)                    # (sr, t)
    crops = c_land <= 1
    land_crops = by_sr_p(c_src[crops], c_per[crops], (rate_a * b_land)[crops])
    land_straw = by_sr_p(c_src[~crops], c_per[~crops], (rate_a * b_land)[~crops])
    storage_used = np.zeros(n_sr)
    np.add.at(storage_used, c_plant, 10.0 * rate_a * b_stor)
    storage_used += 10.0 * (d_rate * d_stor_c).sum(axis=(0, 2))

    region_lab = regions + [WORLD]
    u_t = {"units": "tCO2"}
    data.update({
        "cum_removal": (("region", "option", "year"), rem_rg, {**u_t, "long_name": "cumulative CDR"}),
        "cum_removal_subregion": (("subregion", "option", "year"), rem_sr, u_t),
        "removal_rate": (("region", "option", "year"), d_rem / 10.0,
                         {"units": "tCO2/yr", "long_name": "mean CDR rate in the decade ending in year"}),
        "ctnc": (("region", "option", "year"), cost_rg, {"units": "US$"}),
        "cnc": (("region", "option", "year"), cnc, {"units": "US$/tCO2"}),
        "mnc": (("region", "option", "year"), mnc, {"units": "US$/tCO2"}),
        "target": (("region", "year"), tgt_rg, u_t),
        "shortfall": (("region", "year"), short, u_t),
        "surplus_2100": ("region", surplus, u_t),
        "deficit_2100": ("region", deficit, u_t),
        "sold_2100": ("region", sold, u_t),
        "bought_2100": ("region", bought, u_t),
        "cnc_trading_2100": ("region", cnc_trading,
                             {"units": "US$/tCO2", "long_name": "CNC by 2100 with NE trading"}),
        "nep": ((), nep, {"units": "US$/tCO2", "long_name": "negative emissions price"}),
        "beccs_trade": (("source_region", "plant_region", "year"), trade,
                        {"units": "tCO2/yr", "long_name": "BECCS removal by biomass origin"}),
        "land_ar": (("subregion", "year"), land_ar, {"units": "ha"}),
        "land_crops": (("subregion", "year"), land_crops, {"units": "ha"}),
        "land_straw": (("subregion", "year"), land_straw, {"units": "ha"}),
        "storage_used": ("subregion", storage_used, u_t),
        "storage_capacity": ("subregion", np.asarray(coeffs["storage"].values, f64), u_t),
        "target_dual": (("group", "year"), np.asarray(solution["target_dual"].values, f64),
                        {"units": "US$/tCO2"}),
        "config_region": ("config", np.array(regions, dtype=object)[c_reg].astype(str)
                          if c_reg.size else np.array([], dtype=str)),
        "config_option": ("config", np.array(OPTIONS[:3], dtype=object)[c_opt].astype(str)
                          if c_opt.size else np.array([], dtype=str)),
        "config_removal": ("config", c_rem, u_t),
        "config_cost": ("config", c_cost, {"units": "US$"}),
        "config_mnc": ("config", c_mnc, {"units": "US$/tCO2"}),
        "config_cum_removal": ("config", c_cum, {**u_t, "long_name": "cost-supply curve abscissa"}),
        "config_surplus": ("config", c_surplus, u_t),
    })
    ds = xr.Dataset(
        data,
        coords={"region": region_lab, "option": list(OPTIONS), "year": years,
                "subregion": [str(x) for x in coeffs["subregion"].values], "source_region": regions,
                "plant_region": regions, "group": solution["group"].values,
                "config": np.arange(c_rem.size)},
    )
    ds.attrs.update({k: v for k, v in solution.attrs.items() if not k.startswith("stat_")})
    return ds


def trading(reg, removal, cost, target, region_removal, region_cost, region_shortfall) -> dict:
    """NEP and each region's position with negative-emissions trading at 2100 (SPEC 7).

    `reg`, `removal`, `cost`: per configuration (region index, tCO2, US$ by 2100); the others per
    region.  Returns the configurations' order (region, then own cost per tonne) and, in that
    order, their MNC, cumulative removal within the region and surplus; per region surplus,
    deficit, tonnes sold and bought (regions then world) and the CNC with trading (regions only).
    """
    n_reg = len(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        mnc = np.where(removal > 0, cost / np.where(removal > 0, removal, 1.0), np.nan)
    order = np.lexsort((np.where(removal > 0, mnc, -np.inf), reg))
    reg, removal, mnc = reg[order], removal[order], mnc[order]
    cum = np.zeros_like(removal)
    surplus_k = np.zeros_like(removal)
    for r in range(n_reg):
        sel = np.flatnonzero(reg == r)
        if sel.size == 0:
            continue
        cum_r = np.cumsum(removal[sel])
        own = np.clip(target[r] - (cum_r - removal[sel]), 0.0, np.maximum(removal[sel], 0.0))
        surplus_k[sel] = np.where(removal[sel] > 0, removal[sel] - own, 0.0)
        cum[sel] = cum_r
    # Solver noise (the 2100 equality holds to ~1e-9) is no surplus: a region's surplus or
    # deficit below 1e-6 of its target (or 1 t) is zero.
    tiny = 1e-6 * np.maximum(np.asarray(target, np.float64), 1e6)
    for r in range(n_reg):
        sel = reg == r
        if surplus_k[sel].sum() < tiny[r]:
            surplus_k[sel] = 0.0
    tot = surplus_k.sum()
    nep = float((mnc[surplus_k > 0] * surplus_k[surplus_k > 0]).sum() / tot) if tot > 0 else np.nan
    surplus = np.zeros(n_reg + 1)
    np.add.at(surplus, reg, surplus_k)
    surplus[n_reg] = tot
    deficit = np.maximum(np.asarray(target) - region_removal, 0.0)
    deficit = np.where(deficit < tiny, 0.0, deficit)
    bought = np.maximum(deficit - region_shortfall, 0.0)
    deficit = np.append(deficit, deficit.sum())
    bought = np.append(bought, bought.sum())
    # Tonnes sold = tonnes bought; each surplus region sells in proportion to its surplus.
    sold = np.zeros(n_reg + 1)
    if tot > 0:
        sold[:n_reg] = surplus[:n_reg] * min(1.0, bought[n_reg] / tot)
        sold[n_reg] = sold[:n_reg].sum()
    price = 0.0 if np.isnan(nep) else nep
    credited = region_removal - sold[:n_reg] + bought[:n_reg]
    cnc_trading = _safe_div(region_cost - price * sold[:n_reg] + price * bought[:n_reg], credited)
    return {"order": order, "mnc": mnc, "cum": cum, "surplus_k": surplus_k, "nep": nep,
            "surplus": surplus, "deficit": deficit, "sold": sold, "bought": bought,
            "cnc_trading": cnc_trading}


def _configurations(coeffs, solution, area, rem, cst, act, rate_a, c_plant, c_per, b_cost,
                    d_rate, d_cost_c, sr_region):
    """Each LP column with activity: (region, option, 2100 removal, 2100 cost)."""
    a_idx = np.nonzero(area > 0)
    a_area = area[a_idx]
    a_rem = a_area * rem[a_idx + (slice(None),)][:, -1]
    a_cost = a_area * cst[a_idx + (slice(None),)][:, -1]
    a_reg = sr_region[a_idx[0]]
    b_reg = sr_region[c_plant]
    b_rem = 10.0 * rate_a
    b_cst = b_rem * b_cost
    d_idx = np.nonzero(d_rate > 0)
    d_reg = sr_region[d_idx[1]]
    d_rem = 10.0 * d_rate[d_idx]
    d_cst = d_rem * d_cost_c[d_idx]
    reg = np.concatenate([a_reg, b_reg, d_reg]).astype(np.int64)
    opt = np.concatenate([np.zeros(a_reg.size), np.ones(b_reg.size), np.full(d_reg.size, 2)])
    return reg, opt.astype(np.int64), np.concatenate([a_rem, b_rem, d_rem]), \
        np.concatenate([a_cost, b_cst, d_cst])


def summary_rows(res) -> list[tuple]:
    """The CSV of `fastmonet solve --summary-csv`: scenario, region, option, metric, value, unit."""
    m, name = res.metrics, res.scenario.name
    rows = []
    regions = [str(r) for r in m["region"].values]
    last = m["year"].values[-1]
    for r in regions:
        for o in OPTIONS:
            v = float(m["cum_removal"].sel(region=r, option=o, year=last)) / 1e9
            rows.append((name, r, o, "cum_removal_2100", v, "GtCO2"))
    for r in regions:
        v = float(m["shortfall"].sel(region=r, year=last)) / 1e9
        rows.append((name, r, "all", "shortfall_2100", v, "GtCO2"))
    for r in regions:
        rows.append((name, r, "all", "cnc_2100", float(m["cnc_trading_2100"].sel(region=r)),
                     "US$/tCO2"))
    rows.append((name, "world", "all", "nep", float(m["nep"]), "US$/tCO2"))
    st = res.stats
    for key, unit in (("columns", "-"), ("rows", "-"), ("nonzeros", "-"), ("build_s", "s"),
                      ("solve_s", "s"), ("max_violation", "-")):
        rows.append((name, "world", "all", key, float(st.get(key, np.nan)), unit))
    return rows
