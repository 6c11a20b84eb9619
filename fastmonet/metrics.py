"""The metrics of formulation §8 from a labelled solution and its coefficients (no LP internals
needed).

Dimensions of the metrics Dataset: `region` (the coefficient regions), `option` (ar, beccs,
daccs), `year` (reporting years), `subregion`, and `config` (one per deployed configuration = LP
column with activity, for the cost-supply curves).  `region` and `option` partition: the world's
and all options' values of cum_removal, removal_rate, ctnc, target, shortfall, surplus, deficit,
sold and bought are their sums; the ratios' totals are variables of their own (cnc_all_options,
cnc_world, cnc_world_all_options, the same for mnc, cnc_trading_2100_world; see
`fastmonet.partition`).

- cum_removal(t)   AR sum_a cRCO2(t, a) xA; BECCS / DACCS 10 x the rates of periods ending <= t,
                   counted at the plant's subregion (formulation §6.3)
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
                   no shortfall the denominator is the region's target, as in formulation §8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet.partition import OPTION_TOTAL, OPTIONS, REGION_TOTAL, total_name

WORLD = "world"                 # the target group of a world target (never a region)


def _region_sum(a_sr: np.ndarray, sr_region: np.ndarray, n_reg: int) -> np.ndarray:
    """(subregion, ...) -> (region + world, ...)."""
    out = np.zeros((n_reg + 1,) + a_sr.shape[1:])
    np.add.at(out, sr_region, a_sr)
    out[n_reg] = out[:n_reg].sum(axis=0)
    return out


def _safe_div(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)


@dataclass
class _Frame:
    """Sizes and region map of the coefficient Dataset."""

    regions: list[str]
    sr_region: np.ndarray
    n_sr: int
    n_p: int
    years: np.ndarray

    @property
    def n_reg(self) -> int:
        return len(self.regions)


@dataclass
class _Chains:
    """The BECCS chains with activity (rate > 0) and their coefficients."""

    act: np.ndarray                    # chain index
    rate: np.ndarray                   # tCO2/yr
    plant: np.ndarray
    src: np.ndarray
    per: np.ndarray
    land: np.ndarray
    cost: np.ndarray                   # US$/tCO2
    stored: np.ndarray
    land_ha: np.ndarray                # ha per (tCO2/yr)


def _frame(coeffs: xr.Dataset) -> _Frame:
    regions = [str(r) for r in coeffs["region"].values]
    sr_region = np.array([regions.index(str(r)) for r in coeffs["subregion_region"].values])
    return _Frame(regions, sr_region, coeffs.sizes["subregion"], coeffs.sizes["period"],
                  np.asarray(coeffs["year"].values))


def _active_chains(coeffs: xr.Dataset, solution: xr.Dataset) -> _Chains:
    f64 = np.float64
    rate = np.asarray(solution["beccs_rate"].values, f64)
    act = np.flatnonzero(rate > 0)

    def at(name, dtype=None):
        a = np.asarray(coeffs[name].values, dtype)[act]
        return a.astype(np.int64) if dtype is None else a

    return _Chains(act=act, rate=rate[act], plant=at("chain_plant"), src=at("chain_source"),
                   per=at("chain_period"), land=at("chain_land"), cost=at("beccs_cost", f64),
                   stored=at("beccs_stored", f64), land_ha=at("beccs_land", f64))


def _by_sr_p(fr: _Frame, sr, p, w) -> np.ndarray:
    out = np.zeros(fr.n_sr * fr.n_p)
    np.add.at(out, sr * fr.n_p + p, w)
    return out.reshape(fr.n_sr, fr.n_p)


def _removal_and_cost(fr: _Frame, area, rem, cst, ch: _Chains, d_rate, d_cost_c):
    """Cumulative removal and cost per (subregion, option, year), options ar, beccs, daccs, all
    (BECCS / DACCS counted at the plant; period p ends at reporting year index p)."""
    ar_rem = np.einsum("sefa,sefat->st", area, rem)
    ar_cost = np.einsum("sefa,sefat->st", area, cst)
    b_rate_sp = _by_sr_p(fr, ch.plant, ch.per, ch.rate)                   # tCO2/yr
    b_cost_sp = _by_sr_p(fr, ch.plant, ch.per, ch.rate * ch.cost)         # US$/yr
    d_rate_sp = d_rate.sum(axis=0)
    d_cost_sp = (d_rate * d_cost_c).sum(axis=0)
    cum = lambda a: 10.0 * np.cumsum(a, axis=1)  # noqa: E731
    rem_sr = np.stack([ar_rem, cum(b_rate_sp), cum(d_rate_sp)], axis=1)   # (sr, opt, t)
    cost_sr = np.stack([ar_cost, cum(b_cost_sp), cum(d_cost_sp)], axis=1)
    rem_sr = np.concatenate([rem_sr, rem_sr.sum(axis=1, keepdims=True)], axis=1)
    cost_sr = np.concatenate([cost_sr, cost_sr.sum(axis=1, keepdims=True)], axis=1)
    return rem_sr, cost_sr


def _shortfall(fr: _Frame, solution: xr.Dataset, tgt, rem_rg) -> np.ndarray:
    """(region + world, t) from the LP's s(group, t).

    A group (a bloc: a region, "world", or e.g. "EU+USA") shares its shortfall among its regions
    in proportion to their own deficits (target minus removal): the deficits are what trading
    inside the group has to cover, and what cannot be covered is the shortfall.  A single-region
    group's shortfall is its region's; the world row is the sum over groups.  A shortfall within
    solver noise of a group without deficit is shared by the regions' targets, so the regions'
    shortfalls always add up to the world's.
    """
    n_reg = fr.n_reg
    s = np.asarray(solution["shortfall"].values, np.float64)              # (group, t)
    deficit = np.maximum(tgt - rem_rg[:n_reg, 3, :], 0.0)                  # (reg, t)
    short = np.zeros((n_reg + 1, fr.n_p))
    for g, label in enumerate(str(x) for x in solution["group"].values):
        members = fr.regions if label == WORLD else label.split("+")
        idx = np.array([fr.regions.index(r) for r in members])
        for t in np.flatnonzero(np.isfinite(s[g])):
            d = deficit[idx, t]
            if idx.size == 1:
                short[idx, t] += s[g, t]
            elif d.sum() > 0:
                short[idx, t] += s[g, t] * d / d.sum()
            else:
                w = np.maximum(tgt[idx, t], 0.0)
                w = w if w.sum() > 0 else np.ones(idx.size)
                short[idx, t] += s[g, t] * w / w.sum()
            short[n_reg, t] += s[g, t]
    return short


def _flows(fr: _Frame, coeffs: xr.Dataset, ch: _Chains) -> tuple[dict, tuple]:
    """BECCS removal (and biomass, if the coefficients give tDM) by origin and plant region."""
    n_reg, n_p = fr.n_reg, fr.n_p
    pair = fr.sr_region[ch.src] * n_reg + fr.sr_region[ch.plant]
    trade = np.zeros((n_reg * n_reg, n_p))
    np.add.at(trade, (pair, ch.per), ch.rate)
    data = {}
    if "beccs_removal_tdm" in coeffs:   # optional coefficient: tCO2 removed per tDM delivered
        per_tdm = np.asarray(coeffs["beccs_removal_tdm"].values, np.float64)[ch.act]
        bio = np.where(per_tdm > 0, 1.0 / np.where(per_tdm > 0, per_tdm, 1.0), 0.0)
        flow = np.zeros((n_reg * n_reg, n_p))
        np.add.at(flow, (pair, ch.per), ch.rate * bio)
        data["biomass_flow"] = (("source_region", "plant_region", "year"),
                                flow.reshape(n_reg, n_reg, n_p),
                                {"units": "tDM/yr", "long_name": "biomass (pellets) sent during "
                                 "the decade ending in year"})
    beccs_trade = (("source_region", "plant_region", "year"), trade.reshape(n_reg, n_reg, n_p),
                   {"units": "tCO2/yr", "long_name": "BECCS removal by biomass origin"})
    return data, beccs_trade


def _land_and_storage(fr: _Frame, area, ch: _Chains, d_rate, d_stor_c) -> dict:
    land_ar = np.cumsum(area.sum(axis=(1, 2)), axis=1)                    # (sr, t)
    crops = ch.land <= 1
    land_crops = _by_sr_p(fr, ch.src[crops], ch.per[crops], (ch.rate * ch.land_ha)[crops])
    land_straw = _by_sr_p(fr, ch.src[~crops], ch.per[~crops], (ch.rate * ch.land_ha)[~crops])
    storage_used = np.zeros(fr.n_sr)
    np.add.at(storage_used, ch.plant, 10.0 * ch.rate * ch.stored)
    storage_used += 10.0 * (d_rate * d_stor_c).sum(axis=(0, 2))
    return {"land_ar": land_ar, "land_crops": land_crops, "land_straw": land_straw,
            "storage_used": storage_used}


def compute(coeffs: xr.Dataset, solution: xr.Dataset) -> xr.Dataset:
    """The metrics Dataset (formulation §8) of one solved scenario (see the module docstring)."""
    f64 = np.float64
    fr = _frame(coeffs)
    n_reg = fr.n_reg
    area = np.asarray(solution["ar_area"].values, f64)                     # (sr, ez, ft, a)
    rem = np.nan_to_num(np.asarray(coeffs["ar_removal"].values, f64))      # (sr, ez, ft, a, t)
    cst = np.nan_to_num(np.asarray(coeffs["ar_cost"].values, f64))
    ch = _active_chains(coeffs, solution)
    d_rate = np.asarray(solution["dac_rate"].values, f64)                  # (tk, sr, p)
    d_cost_c = np.nan_to_num(np.asarray(coeffs["dac_cost"].values, f64))
    d_stor_c = np.nan_to_num(np.asarray(coeffs["dac_stored"].values, f64))

    rem_sr, cost_sr = _removal_and_cost(fr, area, rem, cst, ch, d_rate, d_cost_c)
    rem_rg = _region_sum(rem_sr, fr.sr_region, n_reg)                     # (reg+w, opt, t)
    cost_rg = _region_sum(cost_sr, fr.sr_region, n_reg)
    d_rem = np.diff(rem_rg, axis=2, prepend=0.0)
    d_cost = np.diff(cost_rg, axis=2, prepend=0.0)
    cnc = _safe_div(cost_rg, rem_rg)
    mnc = _safe_div(d_cost, d_rem)
    tgt = np.asarray(coeffs["target"].values, f64)
    short = _shortfall(fr, solution, tgt, rem_rg)

    # Configurations, NEP, trading (2100).
    c_reg, c_opt, c_rem, c_cost = _configurations(
        coeffs, solution, area, rem, cst, ch.act, ch.rate, ch.plant, ch.per, ch.cost, d_rate,
        d_cost_c, fr.sr_region)
    tr = trading(c_reg, c_rem, c_cost, tgt[:, -1], rem_rg[:n_reg, 3, -1], cost_rg[:n_reg, 3, -1],
                 short[:n_reg, -1])
    order = tr["order"]
    c_reg, c_opt, c_rem, c_cost = (a[order] for a in (c_reg, c_opt, c_rem, c_cost))

    data, beccs_trade = _flows(fr, coeffs, ch)
    land = _land_and_storage(fr, area, ch, d_rate, d_stor_c)
    u_t = {"units": "tCO2"}
    # region and option partition (fastmonet.partition): the additive variables hold the
    # regions and options only (their totals are sums); a ratio's totals are its own variables.
    rg, op = slice(0, n_reg), slice(0, 3)
    data.update({
        "cum_removal": (("region", "option", "year"), rem_rg[rg, op],
                        {**u_t, "long_name": "cumulative CDR"}),
        "cum_removal_subregion": (("subregion", "option", "year"), rem_sr[:, op], u_t),
        "removal_rate": (("region", "option", "year"), d_rem[rg, op] / 10.0,
                         {"units": "tCO2/yr", "long_name": "mean CDR rate in the decade ending in year"}),
        "ctnc": (("region", "option", "year"), cost_rg[rg, op], {"units": "US$"}),
        **_ratio("cnc", cnc, n_reg, "cumulative net cost per tCO2 removed"),
        **_ratio("mnc", mnc, n_reg, "marginal net cost over the decade ending in year"),
        "target": (("region", "year"), tgt, u_t),
        "shortfall": (("region", "year"), short[rg], u_t),
        "surplus_2100": ("region", tr["surplus"][rg], u_t),
        "deficit_2100": ("region", tr["deficit"][rg], u_t),
        "sold_2100": ("region", tr["sold"][rg], u_t),
        "bought_2100": ("region", tr["bought"][rg], u_t),
        "cnc_trading_2100": ("region", tr["cnc_trading"],
                             {"units": "US$/tCO2", "long_name": "CNC by 2100 with NE trading"}),
        # Trading moves tonnes and money between regions only: the world's CNC with trading is
        # its CNC.
        "cnc_trading_2100_world": ((), cnc[n_reg, 3, -1],
                                   {"units": "US$/tCO2",
                                    "long_name": "CNC by 2100 with NE trading (world)"}),
        "nep": ((), tr["nep"], {"units": "US$/tCO2", "long_name": "negative emissions price"}),
        "beccs_trade": beccs_trade,
        "land_ar": (("subregion", "year"), land["land_ar"], {"units": "ha"}),
        "land_crops": (("subregion", "year"), land["land_crops"], {"units": "ha"}),
        "land_straw": (("subregion", "year"), land["land_straw"], {"units": "ha"}),
        "storage_used": ("subregion", land["storage_used"], u_t),
        "storage_capacity": ("subregion", np.asarray(coeffs["storage"].values, f64), u_t),
        "target_dual": (("group", "year"), np.asarray(solution["target_dual"].values, f64),
                        {"units": "US$/tCO2"}),
        **_config_vars(fr, c_reg, c_opt, c_rem, c_cost, tr),
    })
    ds = xr.Dataset(
        data,
        coords={"region": fr.regions, "option": list(OPTIONS), "year": fr.years,
                "subregion": [str(x) for x in coeffs["subregion"].values],
                "source_region": fr.regions, "plant_region": fr.regions,
                "group": solution["group"].values, "config": np.arange(c_rem.size)},
    )
    ds.attrs.update({k: v for k, v in solution.attrs.items() if not k.startswith("stat_")})
    return ds


def _ratio(name: str, a: np.ndarray, n_reg: int, long_name: str) -> dict:
    """A ratio on (region + world, option + all, year) as four variables: per region and option,
    and its totals `<name>_all_options`, `<name>_world`, `<name>_world_all_options`."""
    u = {"units": "US$/tCO2"}
    return {
        name: (("region", "option", "year"), a[:n_reg, :3], {**u, "long_name": long_name}),
        total_name(name, False, True): (("region", "year"), a[:n_reg, 3],
                                        {**u, "long_name": f"{long_name} (all options)"}),
        total_name(name, True, False): (("option", "year"), a[n_reg, :3],
                                        {**u, "long_name": f"{long_name} (world)"}),
        total_name(name, True, True): ("year", a[n_reg, 3],
                                       {**u, "long_name": f"{long_name} (world, all options)"}),
    }


def _config_vars(fr: _Frame, c_reg, c_opt, c_rem, c_cost, tr) -> dict:
    """The cost-supply curve: one entry per deployed configuration, in trading order."""
    u_t = {"units": "tCO2"}
    return {
        "config_region": ("config", np.array(fr.regions, dtype=object)[c_reg].astype(str)
                          if c_reg.size else np.array([], dtype=str)),
        "config_option": ("config", np.array(OPTIONS, dtype=object)[c_opt].astype(str)
                          if c_opt.size else np.array([], dtype=str)),
        "config_removal": ("config", c_rem, u_t),
        "config_cost": ("config", c_cost, {"units": "US$"}),
        "config_mnc": ("config", tr["mnc"], {"units": "US$/tCO2"}),
        "config_cum_removal": ("config", tr["cum"],
                               {**u_t, "long_name": "cost-supply curve abscissa"}),
        "config_surplus": ("config", tr["surplus_k"], u_t),
    }


def trading(reg, removal, cost, target, region_removal, region_cost, region_shortfall) -> dict:
    """NEP and each region's position with negative-emissions trading at 2100 (formulation §8).

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
    """The rows of summary.csv (`fastmonet.summary_table`), then the LP size and timings."""
    from fastmonet.summary_table import summary_rows as science
    name = res.scenario.name
    rows = science(res.metrics, name)
    st = res.stats
    for key, unit in (("columns", "-"), ("rows", "-"), ("nonzeros", "-"), ("build_s", "s"),
                      ("solve_s", "s"), ("max_violation", "-")):
        rows.append((name, REGION_TOTAL, OPTION_TOTAL, key, float(st.get(key, np.nan)), unit))
    return rows
