"""Rebuild the derived model tables of `data/` from the hand-entered tables in `data/sources/`.

    python data/scripts/build_tables.py [DATA_DIR]

Reads `sources/*.csv` and `storage_totals.csv`; writes `subregions.csv`, `land_ecozone.csv`,
`land.csv`, `storage.csv`, `energy.csv` and `crop_yield.csv`, byte for byte reproducibly
(`tests/model/test_data_build.py` checks that the committed files equal a rebuild).  Pure standard
library so that it runs anywhere.  Every proxy and assumption used below is documented in
`data/SOURCES.md`.

Status propagation (`data/SOURCES.md`, "Status"): every written value gets the status of the inputs
it is made from, by `combine` (a copy of `fastmonet.data.status.combine`, so this script needs no
install): assumed if any input is assumed, else derived when computed, sourced for a copy or unit
conversion.  A national total split to subregions by proxy weights takes the weakest status over
the whole region's weights.  Each derived file carries `status_<column>` per value column and a
row `status` (the weakest of them).
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path
from typing import Literal, Sequence

DATA = Path(__file__).resolve().parents[1]

BIOMASS_CROPS = ("miscanthus", "switchgrass", "willow", "poplar")
# IPCC 2006 Vol. 4 Table 11.2 (wheat): above-ground residue DM = 1.51 * grain DM + 0.52 t/ha,
# grain dry-matter fraction 0.89.
STRAW_SLOPE, STRAW_INTERCEPT, GRAIN_DM = 1.51, 0.52, 0.89
GAL_L = 3.785411784  # litres per US gallon
MMBTU_GJ = 1.055056  # GJ per MMBtu
GAS_GJ_PER_M3 = 0.0359  # lower heating value of Chinese pipeline gas (~35.9 MJ/m3)
# MMBtu per thousand cubic feet of US natural gas: EIA, Heat Content of Natural Gas Consumed, U.S.,
# 1,037 Btu/ft3 (2020, the first year the table shows; 1,036-1,037 through 2025).
MCF_MMBTU = 1.037
MCF_STATUS = "sourced"
LB_KG = 0.45359237  # kg per avoirdupois pound (exact)
# Emission-rate units as published by the sources -> kgCO2/MWh (exact unit conversions).
INTENSITY_TO_KG_PER_MWH = {"kgco2_per_mwh": 1.0, "gco2_per_kwh": 1.0, "kgco2_per_kwh": 1000.0,
                           "lbco2_per_mwh": LB_KG}
STATUSES = ("sourced", "derived", "assumed")
# Status of the constants above: the IPCC straw regression and the Chinese gas heating value are
# not yet checked against the documents here (SOURCES.md, crop_yield.csv and energy.csv sections);
# the gallon and the MMBtu are exact definitions.
STRAW_STATUS = "assumed"
GAS_LHV_STATUS = "assumed"


def combine(*statuses: str, computed: bool = True) -> str:
    """assumed if any input is assumed; else derived if computed (or any input derived)."""
    worst = max(statuses, key=STATUSES.index)
    return "derived" if worst == "sourced" and computed else worst


def status_of(row: dict[str, str], column: str) -> str:
    """A source row's status for one value column (`status_<column>` if present, else `status`)."""
    return row.get(f"status_{column}") or row["status"]


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_status(path: Path, keys: list[str], values: list[str],
                 rows: Sequence[tuple[Sequence[object], Sequence[tuple[object, str]]]]) -> None:
    """A derived table: key columns, value columns, `status_<value>` columns and `status`.
    Each row is (key cells, [(value cell, status), ...])."""
    header = keys + values + [f"status_{v}" for v in values] + ["status"]
    out = []
    for key, cells in rows:
        statuses = [s for _, s in cells]
        out.append([*key, *(v for v, _ in cells), *statuses, max(statuses, key=STATUSES.index)])
    write(path, header, out)


def num(x: float, digits: int) -> str:
    """Fixed decimals without trailing zeros (and no '-0')."""
    text = f"{round(x, digits):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integers proportional to `weights` summing exactly to `total` (Hamilton's method)."""
    wsum = sum(weights.values())
    if total == 0:
        return {k: 0 for k in weights}
    if wsum <= 0:
        raise SystemExit(f"storage: total {total} Mt but no positive weight among {sorted(weights)}")
    raw = {k: total * w / wsum for k, w in weights.items()}
    out = {k: int(v // 1) for k, v in raw.items()}
    short = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))[:short]:
        out[k] += 1
    return out


def convert(value: float, unit: str, fx: float | None) -> float:
    """National/subregional source values to the model units (2018 US$)."""
    if unit.startswith("usd2018"):
        if unit == "usd2018_per_gal":
            return value / GAL_L
        if unit == "usd2018_per_mmbtu":
            return value / MMBTU_GJ
        if unit == "usd2018_per_mcf":
            return value / (MCF_MMBTU * MMBTU_GJ)
        return value
    if unit in INTENSITY_TO_KG_PER_MWH:
        return value * INTENSITY_TO_KG_PER_MWH[unit]
    if not unit.startswith(("brl", "cny", "inr", "eur")):
        return value  # not money: ratios, t/ha
    if fx is None:
        raise SystemExit(f"unit {unit}: no exchange rate for this region")
    if unit.endswith("_per_kwh"):
        return value * 1000.0 / fx
    if unit.endswith("_per_m3"):
        return value / fx / GAS_GJ_PER_M3
    return value / fx


class Inputs:
    """The hand-entered tables of `sources/`, indexed, with the status of every number."""

    def __init__(self, data: Path):
        src = data / "sources"
        self.ids = read(src / "subregion_ids.csv")
        self.facts = {r["subregion"]: r for r in read(src / "subregion_facts.csv")}
        self.codes = [r["subregion"] for r in self.ids]
        self.region = {r["subregion"]: r["region"] for r in self.ids}
        if set(self.codes) != set(self.facts):
            raise SystemExit("subregion_ids.csv and subregion_facts.csv list different subregions")
        self.national: dict[tuple[str, str], tuple[float, str, str]] = {}
        for r in read(src / "national_values.csv"):
            self.national[(r["region"], r["field"])] = (float(r["value"]), r["unit"], r["status"])
        self.fx = {reg: (v, st) for (reg, field), (v, _, st) in self.national.items()
                   if field == "exchange_rate"}
        self.override: dict[tuple[str, str], tuple[float, str, str]] = {}
        for r in read(src / "subregion_values.csv"):
            self.override[(r["subregion"], r["field"])] = (float(r["value"]), r["unit"], r["status"])
        self.zw = {r["ecozone"]: (float(r["rp_weight"]), float(r["mal_weight"]),
                                  status_of(r, "rp_weight"), status_of(r, "mal_weight"))
                   for r in read(src / "ecozone_weights.csv")}
        self.shares: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
        for r in read(src / "ecozone_shares.csv"):
            self.shares[r["subregion"]][r["ecozone"]] = (float(r["area_share"]), r["status"])
        self.fact = {(c, f): (float(r[f]), status_of(r, f)) for c, r in self.facts.items()
                     for f in ("land_area_km2", "water_low_risk_share", "wheat_area_kha")}

    def members(self, reg: str) -> list[str]:
        return [c for c in self.codes if self.region[c] == reg]

    def value(self, c: str, field: str) -> tuple[float, str]:
        """A subregion's energy/economics value in model units (subregional value if given,
        else national) and its status."""
        got = self.override.get((c, field)) or self.national.get((self.region[c], field))
        if got is None:
            raise SystemExit(f"{c}: no value for {field} (subregional or national)")
        value, unit, status = got
        fx, fx_status = self.fx.get(self.region[c], (None, "sourced"))
        if unit.startswith(("brl", "cny", "inr", "eur")):
            extra = (fx_status, GAS_LHV_STATUS) if unit.endswith("_per_m3") else (fx_status,)
            status = combine(status, *extra)
        elif unit == "usd2018_per_mcf":
            status = combine(status, MCF_STATUS)
        return convert(value, unit, fx), status


def build(data: Path = DATA) -> None:
    inp = Inputs(data)
    write_status(data / "subregions.csv", ["subregion", "region", "name"],
                 ["lat_deg", "lon_deg", "land_area_ha"],
                 [([r["subregion"], r["region"], r["name"]],
                   [(r["lat_deg"], status_of(r, "lat_deg")), (r["lon_deg"], status_of(r, "lon_deg")),
                    (num(inp.fact[(r["subregion"], "land_area_km2")][0] * 100.0, 0),
                     inp.fact[(r["subregion"], "land_area_km2")][1])])
                  for r in inp.ids])
    build_land(data, inp)
    build_storage(data, inp)
    fields = [("grid_intensity_2020", "kgco2_per_mwh", 1), ("electricity_price", "usd2018_per_mwh", 2),
              ("diesel_price", "usd2018_per_l", 3), ("gas_price", "usd2018_per_gj", 2),
              ("labour_cost", "usd2018_per_h", 2), ("ppp_factor", "ratio", 3)]
    rows = []
    for c in inp.codes:
        cells = []
        for f, _, d in fields:
            v, st = inp.value(c, f)
            cells.append((num(v, d), st))
        rows.append(([c], cells))
    write_status(data / "energy.csv", ["subregion"], [f"{f}_{u}" for f, u, _ in fields], rows)
    build_crop_yield(data, inp)


def _split_status(inp: Inputs, reg: str, total: str, weight: Literal[2, 3]) -> str:
    """Status of a national total split over a region by land area x zone share x zone weight
    (`weight` 2: rp_weight's status, 3: mal_weight's)."""
    parts = [inp.national[(reg, total)][2]]
    for c in inp.members(reg):
        parts.append(inp.fact[(c, "land_area_km2")][1])
        for z, (_, st) in inp.shares[c].items():
            parts += [st, inp.zw[z][weight]]
    return combine(*parts)


def build_land(data: Path, inp: Inputs) -> None:
    codes, region, shares, zw = inp.codes, inp.region, inp.shares, inp.zw
    area_km2 = {c: inp.fact[(c, "land_area_km2")][0] for c in codes}
    water = {c: inp.fact[(c, "water_low_risk_share")] for c in codes}
    rp_w = {(c, z): area_km2[c] * s * zw[z][0] for c in codes for z, (s, _) in shares[c].items()}
    mal_w = {c: sum(area_km2[c] * s * zw[z][1] for z, (s, _) in shares[c].items()) for c in codes}
    rp_sum: dict[str, float] = defaultdict(float)
    mal_sum: dict[str, float] = defaultdict(float)
    for (c, _), w in rp_w.items():
        rp_sum[region[c]] += w
    for c, w in mal_w.items():
        mal_sum[region[c]] += w
    regions = list(dict.fromkeys(region.values()))
    rp_st = {reg: _split_status(inp, reg, "reforestation_potential_total", 2) for reg in regions}
    mal_st = {reg: _split_status(inp, reg, "marginal_land_total", 3) for reg in regions}

    rp = {}  # reforestation land (ha, water risk < 3) per (sr, ez), before removing the overlap
    for (c, z), w in rp_w.items():
        total_ha = inp.national[(region[c], "reforestation_potential_total")][0] * 1e6
        rp[(c, z)] = total_ha * w / rp_sum[region[c]] * water[c][0]
    mal_tot = {c: inp.national[(region[c], "marginal_land_total")][0] * 1e6 * mal_w[c]
               / mal_sum[region[c]] * water[c][0] for c in codes}

    wheat = harvested_wheat(inp)
    eco_rows, land_rows = [], []
    for c in codes:
        reg = region[c]
        ovl_frac, _, ovl_st = inp.national[(reg, "overlap_fraction")]
        # LRP, OVL and MAL all depend on both splits through the overlap (a min of the two)
        land_st = combine(rp_st[reg], mal_st[reg], ovl_st, water[c][1])
        rp_c = sum(rp[(c, z)] for z in shares[c])
        ovl_c = ovl_frac * min(rp_c, mal_tot[c])
        for z in zw:
            if z not in shares[c]:
                continue
            share, share_st = shares[c][z]
            ovl = ovl_c * rp[(c, z)] / rp_c if rp_c > 0 else 0.0
            climate = z.split("_", 1)[0]
            broad = climate != "boreal"
            conif = climate in ("temperate", "boreal")
            # the allowed types follow from the zone by the formulation §1.3 rule
            eco_rows.append(([c, z], [(num(share, 4), share_st), (num(rp[(c, z)] - ovl, 0), land_st),
                                      (num(ovl, 0), land_st), (str(broad).lower(), combine(share_st)),
                                      (str(conif).lower(), combine(share_st))]))
        wheat_kha, wheat_st = wheat[c]
        straw, _, straw_st = inp.national[(reg, "straw_removal_share")]
        land_rows.append(([c], [(num(mal_tot[c] - ovl_c, 0), land_st),
                                (num(wheat_kha * 1000.0 * water[c][0], 0),
                                 combine(wheat_st, water[c][1])),
                                (num(straw, 4), straw_st), (num(water[c][0], 4), water[c][1])]))
    write_status(data / "land_ecozone.csv", ["subregion", "ecozone"],
                 ["area_share", "lrp_ha", "ovl_ha", "broadleaves_allowed", "conifers_allowed"],
                 eco_rows)
    write_status(data / "land.csv", ["subregion"],
                 ["mal_ha", "lhw_ha", "straw_removal_share", "water_low_risk_share"], land_rows)


def harvested_wheat(inp: Inputs) -> dict[str, tuple[float, str]]:
    """Harvested wheat area (kha) and status per subregion.  Where a region declares a national
    total (`wheat_area_total`, FAOSTAT), the subregional figures are only weights: the total is
    split pro rata, so the national sum is the source's and the split keeps the weights' status."""
    out = {}
    for reg in dict.fromkeys(inp.region.values()):
        members = inp.members(reg)
        weights = {c: inp.fact[(c, "wheat_area_kha")] for c in members}
        declared = inp.national.get((reg, "wheat_area_total"))
        if declared is None:
            out.update(weights)
            continue
        total, _, total_st = declared
        wsum = sum(w for w, _ in weights.values())
        if wsum <= 0 < total:
            raise SystemExit(f"{reg}: wheat_area_total {total} kha but no subregional wheat area")
        st = combine(total_st, *(s for _, s in weights.values()))
        out.update({c: (total * w / wsum if wsum else 0.0, st) for c, (w, _) in weights.items()})
    return out


def build_storage(data: Path, inp: Inputs) -> None:
    codes, region = inp.codes, inp.region
    totals: dict[tuple[str, str], tuple[int, str]] = {}
    for r in read(data / "storage_totals.csv"):
        totals[(r["scope"], r["case"])] = (round(float(r["total_gtco2"]) * 1000.0), r["status"])
    weights: dict[tuple[str, str], tuple[float, str]] = {}
    for r in read(data / "sources" / "storage_weights.csv"):
        weights[(r["subregion"], r["case"])] = (float(r["weight"]), r["status"])
    cases = ("low", "medium", "high")
    storage: dict[str, dict[str, tuple[int, str]]] = {case: {} for case in cases}
    for case in cases:
        pinned = {c: totals[(c, case)] for c in codes if (c, case) in totals}
        for reg in dict.fromkeys(region.values()):
            members = inp.members(reg)
            rest = totals[(reg, case)][0] - sum(pinned[c][0] for c in members if c in pinned)
            free = {c: weights.get((c, case), (0.0, "sourced")) for c in members if c not in pinned}
            # a zero remainder is zero everywhere whatever the weights
            weight_st = [s for _, s in free.values()] if rest else []
            st = combine(totals[(reg, case)][1], *(pinned[c][1] for c in members if c in pinned),
                         *weight_st)
            split = largest_remainder(rest, {c: w for c, (w, _) in free.items()})
            storage[case].update({c: (v, st) for c, v in split.items()})
            storage[case].update({c: pinned[c] for c in members if c in pinned})
    write_status(data / "storage.csv", ["subregion"],
                 [f"storage_{case}_mtco2" for case in cases],
                 [([c], [storage[case][c] for case in cases]) for c in codes])


def build_crop_yield(data: Path, inp: Inputs) -> None:
    zone_yield = {r["ecozone"]: [(float(r[f"{b}_tdm_per_ha_yr"]), status_of(r, f"{b}_tdm_per_ha_yr"))
                                 for b in BIOMASS_CROPS]
                  for r in read(data / "sources" / "crop_yield_by_ecozone.csv")}
    rows = []
    for c in inp.codes:
        shares = inp.shares[c]
        wsum = sum(s for s, _ in shares.values())
        cells = []
        for i in range(len(BIOMASS_CROPS)):
            y = sum(s * zone_yield[z][i][0] for z, (s, _) in shares.items()) / wsum
            st = combine(*(zone_yield[z][i][1] for z in shares), *(s for _, s in shares.values()))
            cells.append((num(y, 3), st))
        grain, grain_st = inp.value(c, "wheat_grain_yield")
        straw = STRAW_SLOPE * grain * GRAIN_DM + STRAW_INTERCEPT
        cells.append((num(straw, 3), combine(grain_st, STRAW_STATUS)))
        rows.append(([c], cells))
    write_status(data / "crop_yield.csv", ["subregion"],
                 [f"{b}_tdm_per_ha_yr" for b in BIOMASS_CROPS + ("wheat_straw",)], rows)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
