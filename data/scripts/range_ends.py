"""Range ends of data/uncertainty.toml derived from data/sources/energy_ranges.csv,
data/sources/land_ranges.csv, the bundled land and crop tables and figures read for issue 21
(constants below, each with its source; data/SOURCES.md "Uncertainty ranges").

    python data/scripts/range_ends.py        # prints name, end, value and how it was computed

Each derived end is a ratio of a sourced alternative to the bundled (central) value; the
uncertainty entries apply them as multipliers. `tests/model/test_uncertainty.py` checks that
uncertainty.toml holds these values (rounded to 3 decimals), so the file follows the sources.
"""

from __future__ import annotations

import csv
import statistics
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
REGIONS = ("BRA", "CHN", "EU", "IND", "USA")


# Energy-crop yields. Campbell et al. (2008), Environ. Sci. Technol. 42:5791, abstract: the
# area-weighted mean above-ground production on abandoned agricultural land is 4.3 t/ha/yr
# ("in contrast to estimates of up to 10 ... in previous assessments"): the low end, against the
# bundled yield of the best of the four crops per subregion, weighted by its marginal land.
CAMPBELL_T_HA_YR = 4.3
# Wullschleger et al. (2010), Agron. J. 102:1158, abstract: lowland switchgrass 12.9 +- 5.9 Mg/ha
# over the US field-trial database (upland 8.7 +- 4.2): the high end, against the bundled
# switchgrass yield weighted by marginal land. (Arundale et al. 2014's Illinois miscanthus,
# 10.5 short tons/acre = 23.5 Mg/ha over seven sites and 8-10 years, read as reported by Hay &
# Forage Grower and Ethanol Producer Magazine, is higher still but from Corn Belt trial plots.)
WULLSCHLEGER_LOWLAND_T_HA_YR = 12.9
SHORT_TON_PER_ACRE_T_PER_HA = 0.90718474 / 0.40468564224
# BECCS plant net efficiency, low end: Danish Energy Agency catalogue as reproduced by PyPSA
# technology-data outputs/costs_2020.csv (commit 634cdc1a): "09a Wood Chips, Large 50 degree"
# electricity efficiency, net, annual average 0.2689 (a CHP whose heat covers the capture
# reboiler), less the capture unit's electricity ("401.a Post comb - small CHP": 0.03 MWh/tCO2
# plus 0.1 MWh/tCO2 for compression, capture rate 0.9) on solid biomass's 0.3667 tCO2/MWh_th
# (PyPSA's stoichiometric figure).
DEA_CHP_EL_EFF = 0.2689
DEA_CAPTURE_EL_MWH_PER_T = 0.03 + 0.1
DEA_CAPTURE_RATE = 0.9
BIOMASS_TCO2_PER_MWH_TH = 0.3667
CROPS = ("miscanthus", "switchgrass", "willow", "poplar")

# CO2 transport and storage (BECCS and DACCS, beccs.toml [transport_storage] cost 12 US$2018/t):
# Smith, Morris, Kheshgi, Teletzke, Herzog & Paltsev (2021), Int. J. Greenh. Gas Control
# 109:103367, abstract: "onshore pipeline transport and storage costs vary from $4 to 45/tCO2"
# with distance, scale, monitoring, reservoir geology and transport cost factors (IAMs commonly
# assume $10/tCO2). The paper's dollar year was not read: no deflator applied (a few % at most).
SMITH2021_TS_LOW_USD_T = 4.0
SMITH2021_TS_HIGH_USD_T = 45.0
# Road haulage (transport.toml truck_cost 0.10 US$2018/tkm). Low: ATRI, An Analysis of the
# Operational Costs of Trucking: 2019 Update: average marginal cost per truck-mile in 2018
# $1.821 (all cost centres; as reported by truckinginfo.com and refrigeratedfrozenfood.com),
# per tonne-km with the bundled 25 t payload (transport.toml truck_diesel) and every km loaded:
# the carrier's cost with no empty running and no margin. High: US BTS, National Transportation
# Statistics table 3-21, average freight revenue per ton-mile of trucks (general freight common
# carriers, mostly less-than-truckload): 7.64 current cents in 1990 and index 239 (1990 = 100) in
# 2018, i.e. what shippers paid in 2018 for general freight (above bulk truckload rates).
ATRI_2018_USD_PER_TRUCK_MILE = 1.821
TRUCK_PAYLOAD_T = 25.0
BTS_TRUCK_1990_CENTS_PER_TON_MILE = 7.64
BTS_TRUCK_INDEX_2018 = 239.0
KM_PER_MILE = 1.609344
T_PER_SHORT_TON = 0.90718474
# DAC learning: Danish Energy Agency, Technology Data for Carbon Capture, Transport and Storage,
# sheet 403.a Direct air capture, as reproduced by PyPSA technology-data outputs/costs_2020.csv
# and costs_2050.csv (commit 634cdc1a): investment 8,801,342.208 EUR/(tCO2/h) in 2020 and
# 5,029,338.4046 in 2050 (fixed O&M 4.95 %/yr of investment in both years).
DEA_DAC_INVESTMENT_2020 = 8801342.208
DEA_DAC_INVESTMENT_2050 = 5029338.4046


def _csv(name: str) -> list[dict]:
    with open(DATA / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _region_of() -> dict[str, str]:
    return {r["subregion"]: r["region"] for r in _csv("subregions.csv")}


def _crop_land() -> dict[str, float]:
    """Marginal land energy crops can use per subregion (MAL + OVL, ha, after the water filter)."""
    land = {r["subregion"]: float(r["mal_ha"]) for r in _csv("land.csv")}
    for r in _csv("land_ecozone.csv"):
        land[r["subregion"]] += float(r["ovl_ha"])
    return land


def crop_yield_ratios() -> dict[str, float]:
    """low / high multipliers of the energy-crop yields (the four crops together)."""
    land = _crop_land()
    yields = {r["subregion"]: r for r in _csv("crop_yield.csv")}
    total = sum(land.values())
    best = sum(land[s] * max(float(yields[s][f"{c}_tdm_per_ha_yr"]) for c in CROPS) for s in land) / total
    switch = sum(land[s] * float(yields[s]["switchgrass_tdm_per_ha_yr"]) for s in land) / total
    return {"low": CAMPBELL_T_HA_YR / best, "high": WULLSCHLEGER_LOWLAND_T_HA_YR / switch}


def water_filter_high() -> dict[str, float]:
    """Per region: the land (MAL + LRP + OVL) with no water-risk filter over the land with the
    bundled filter (every figure was multiplied by its subregion's water share)."""
    share = {r["subregion"]: float(r["water_low_risk_share"]) for r in _csv("land.csv")}
    land = {r["subregion"]: float(r["mal_ha"]) for r in _csv("land.csv")}
    for r in _csv("land_ecozone.csv"):
        land[r["subregion"]] += float(r["lrp_ha"]) + float(r["ovl_ha"])
    region_of = _region_of()
    kept = {r: 0.0 for r in REGIONS}
    unfiltered = {r: 0.0 for r in REGIONS}
    for s, ha in land.items():
        kept[region_of[s]] += ha
        unfiltered[region_of[s]] += ha / share[s] if share[s] > 0 else 0.0
    return {r: unfiltered[r] / kept[r] for r in REGIONS}


def water_filter_low() -> dict[str, float]:
    """Per region: a stricter rule (Aqueduct overall water risk below 2, not 3) assumed to remove
    the same share of the kept land as the OWR < 3 rule removed of the whole: the land-weighted
    mean water share of the kept land (the medium-high class's own share is not readable here)."""
    share = {r["subregion"]: float(r["water_low_risk_share"]) for r in _csv("land.csv")}
    land = {r["subregion"]: float(r["mal_ha"]) for r in _csv("land.csv")}
    for r in _csv("land_ecozone.csv"):
        land[r["subregion"]] += float(r["lrp_ha"]) + float(r["ovl_ha"])
    region_of = _region_of()
    kept = {r: 0.0 for r in REGIONS}
    stricter = {r: 0.0 for r in REGIONS}
    for s, ha in land.items():
        kept[region_of[s]] += ha
        stricter[region_of[s]] += ha * share[s]
    return {r: stricter[r] / kept[r] for r in REGIONS}


def beccs_efficiency_low() -> float:
    with open(DATA / "technology" / "beccs.toml", "rb") as fh:
        bundled = tomllib.load(fh)["plant"]["net_efficiency"]["value"]
    penalty = DEA_CAPTURE_EL_MWH_PER_T * DEA_CAPTURE_RATE * BIOMASS_TCO2_PER_MWH_TH
    return (DEA_CHP_EL_EFF - penalty) / bundled


def _rows(field: str) -> list[dict]:
    with open(DATA / "sources" / "energy_ranges.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["field"] == field]


def _one(field: str, scope: str) -> dict:
    return next(r for r in _rows(field) if r["scope"] == scope)


def electricity_ratios() -> dict[str, dict[str, float]]:
    """Per region: median over its scopes of low/central and high/central of the wholesale
    electricity price alternatives (central = the bundled energy.csv price where the row gives
    none: same unit, US$2018/MWh)."""
    with open(DATA / "energy.csv", newline="") as fh:
        bundled = {r["subregion"]: float(r["electricity_price_usd2018_per_mwh"]) for r in csv.DictReader(fh)}
    with open(DATA / "subregions.csv", newline="") as fh:
        region_of = {r["subregion"]: r["region"] for r in csv.DictReader(fh)}
    ratios: dict[str, dict[str, list[float]]] = {r: {"low": [], "high": []} for r in REGIONS}
    for row in _rows("electricity_price"):
        region = region_of.get(row["scope"], row["scope"])
        if region not in ratios:
            continue
        central = float(row["central"]) if row["central"] else bundled.get(row["scope"])
        if not central:
            continue
        for end in ("low", "high"):
            if row[end]:
                ratios[region][end].append(float(row[end]) / central)
    return {r: {e: statistics.median(v) for e, v in ends.items() if v} for r, ends in ratios.items()}


def land_ratios() -> dict[tuple[str, str], float]:
    """(parameter[region], end) -> low/central or high/central of land_ranges.csv."""
    names = {"marginal_land_total": "mal", "reforestation_potential_total": "lrp",
             "wheat_area_total": "wheat_area", "wheat_grain_yield": "straw_yield",
             "straw_removal_share": "straw_removal_share"}
    out = {}
    with open(DATA / "sources" / "land_ranges.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            name = names.get(row["field"])
            if name is None:
                continue
            for end in ("low", "high"):
                out[(f"{name}[{row['region']}]", end)] = float(row[end]) / float(row["central"])
    return out


def literature_cost_ends() -> dict[tuple[str, str], float]:
    """Ends of the cost multipliers read in the literature (issue 21): CO2 transport and storage,
    road haulage, DAC learning; each a read figure over the bundled value it multiplies."""
    with open(DATA / "technology" / "beccs.toml", "rb") as fh:
        ts = tomllib.load(fh)["transport_storage"]["cost"]["value"]
    with open(DATA / "technology" / "transport.toml", "rb") as fh:
        truck = tomllib.load(fh)["road"]["truck_cost"]["value"]
    atri = ATRI_2018_USD_PER_TRUCK_MILE / KM_PER_MILE / TRUCK_PAYLOAD_T
    bts = BTS_TRUCK_1990_CENTS_PER_TON_MILE * BTS_TRUCK_INDEX_2018 / 100 / 100 / T_PER_SHORT_TON / KM_PER_MILE
    return {
        ("co2_transport_storage_cost", "low"): SMITH2021_TS_LOW_USD_T / ts,
        ("co2_transport_storage_cost", "high"): SMITH2021_TS_HIGH_USD_T / ts,
        ("transport_costs", "low"): atri / truck,
        ("transport_costs", "high"): bts / truck,
        ("dac_learning", "low"): DEA_DAC_INVESTMENT_2050 / DEA_DAC_INVESTMENT_2020,
    }


def ends() -> dict[tuple[str, str], float]:
    """(parameter, end) -> multiplier, rounded to 3 decimals."""
    out = {}
    capex = _one("beccs_capex", "all")
    out[("beccs_capex", "low")] = float(capex["low"]) / float(capex["central"])
    out[("beccs_capex", "high")] = float(capex["high"]) / float(capex["central"])
    fom = _one("beccs_fixed_opex", "all")
    out[("beccs_fixed_om", "low")] = float(fom["low"]) / float(fom["central"])
    out[("beccs_fixed_om", "high")] = float(fom["high"]) / float(fom["central"])
    vom = _one("beccs_variable_opex", "all")
    out[("beccs_variable_om", "high")] = float(vom["high"]) / float(vom["central"])
    gas = _one("gas_price", "USA")
    series = [float(x) for x in gas["note"].split(":")[1].split("$")[0].split(",")]
    out[("gas_price", "low")] = min(series) / float(gas["central"])
    out[("gas_price", "high")] = max(series) / float(gas["central"])
    out.update(land_ratios())
    for end, v in crop_yield_ratios().items():
        out[("energy_crop_yield", end)] = v
    for region, v in water_filter_high().items():
        out[(f"water_filter[{region}]", "high")] = v
    for region, v in water_filter_low().items():
        out[(f"water_filter[{region}]", "low")] = v
    out[("beccs_efficiency", "low")] = beccs_efficiency_low()
    out.update(literature_cost_ends())
    for region, e in electricity_ratios().items():
        for end, v in e.items():
            out[(f"electricity_price[{region}]", end)] = v
    return {k: round(v, 3) for k, v in out.items()}


if __name__ == "__main__":
    for (name, end), v in ends().items():
        print(f"{name},{end},{v}")
