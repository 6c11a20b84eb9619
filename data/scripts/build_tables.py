"""Rebuild the derived model tables of `data/` from the hand-entered tables in `data/sources/`.

    python data/scripts/build_tables.py [DATA_DIR]

Reads `sources/*.csv` and `storage_totals.csv`; writes `subregions.csv`, `land_ecozone.csv`,
`land.csv`, `storage.csv`, `energy.csv` and `crop_yield.csv`, byte for byte reproducibly
(`tests/test_data_build.py` checks that the committed files equal a rebuild).  Pure standard
library so that it runs anywhere.  Every proxy and assumption used below is documented in
`data/SOURCES.md`.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]

BIOMASS_CROPS = ("miscanthus", "switchgrass", "willow", "poplar")
# IPCC 2006 Vol. 4 Table 11.2 (wheat): above-ground residue DM = 1.51 * grain DM + 0.52 t/ha,
# grain dry-matter fraction 0.89.
STRAW_SLOPE, STRAW_INTERCEPT, GRAIN_DM = 1.51, 0.52, 0.89
GAL_L = 3.785411784  # litres per US gallon
MMBTU_GJ = 1.055056  # GJ per MMBtu
GAS_GJ_PER_M3 = 0.0359  # lower heating value of Chinese pipeline gas (~35.9 MJ/m3)


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


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
        return value
    if not unit.startswith(("brl", "cny", "inr")):
        return value  # not money: kgCO2/MWh, ratios, t/ha
    if fx is None:
        raise SystemExit(f"unit {unit}: no exchange rate for this region")
    if unit.endswith("_per_kwh"):
        return value * 1000.0 / fx
    if unit.endswith("_per_m3"):
        return value / fx / GAS_GJ_PER_M3
    return value / fx


def build(data: Path = DATA) -> None:
    src = data / "sources"
    ids = read(src / "subregion_ids.csv")
    facts = {r["subregion"]: r for r in read(src / "subregion_facts.csv")}
    codes = [r["subregion"] for r in ids]
    region = {r["subregion"]: r["region"] for r in ids}
    if set(codes) != set(facts):
        raise SystemExit("subregion_ids.csv and subregion_facts.csv list different subregions")

    national: dict[tuple[str, str], tuple[float, str]] = {}
    for r in read(src / "national_values.csv"):
        national[(r["region"], r["field"])] = (float(r["value"]), r["unit"])
    fx = {reg: v for (reg, field), (v, _) in national.items() if field == "exchange_rate"}

    # --- subregions ---------------------------------------------------------------------------
    write(data / "subregions.csv",
          ["subregion", "region", "name", "lat_deg", "lon_deg", "land_area_ha"],
          [[r["subregion"], r["region"], r["name"], r["lat_deg"], r["lon_deg"],
            num(float(facts[r["subregion"]]["land_area_km2"]) * 100.0, 0)] for r in ids])

    # --- land ---------------------------------------------------------------------------------
    zw = {r["ecozone"]: (float(r["rp_weight"]), float(r["mal_weight"]))
          for r in read(src / "ecozone_weights.csv")}
    zones = list(zw)
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for r in read(src / "ecozone_shares.csv"):
        shares[r["subregion"]][r["ecozone"]] = float(r["area_share"])
    area_km2 = {c: float(facts[c]["land_area_km2"]) for c in codes}
    water = {c: float(facts[c]["water_low_risk_share"]) for c in codes}

    rp_w = {(c, z): area_km2[c] * s * zw[z][0] for c in codes for z, s in shares[c].items()}
    mal_w = {c: sum(area_km2[c] * s * zw[z][1] for z, s in shares[c].items()) for c in codes}
    rp_sum: dict[str, float] = defaultdict(float)
    mal_sum: dict[str, float] = defaultdict(float)
    for (c, _), w in rp_w.items():
        rp_sum[region[c]] += w
    for c, w in mal_w.items():
        mal_sum[region[c]] += w

    rp = {}  # reforestation land (ha, water risk < 3) per (sr, ez), before removing the overlap
    for (c, z), w in rp_w.items():
        total_ha = national[(region[c], "reforestation_potential_total")][0] * 1e6
        rp[(c, z)] = total_ha * w / rp_sum[region[c]] * water[c]
    mal_tot = {c: national[(region[c], "marginal_land_total")][0] * 1e6 * mal_w[c]
               / mal_sum[region[c]] * water[c] for c in codes}

    eco_rows, land_rows = [], []
    for c in codes:
        rp_c = sum(rp[(c, z)] for z in shares[c])
        ovl_c = national[(region[c], "overlap_fraction")][0] * min(rp_c, mal_tot[c])
        for z in zones:
            if z not in shares[c]:
                continue
            ovl = ovl_c * rp[(c, z)] / rp_c if rp_c > 0 else 0.0
            climate = z.split("_", 1)[0]
            broad = climate != "boreal"
            conif = climate in ("temperate", "boreal")
            eco_rows.append([c, z, num(shares[c][z], 4), num(rp[(c, z)] - ovl, 0), num(ovl, 0),
                             str(broad).lower(), str(conif).lower()])
        lhw = float(facts[c]["wheat_area_kha"]) * 1000.0 * water[c]
        land_rows.append([c, num(mal_tot[c] - ovl_c, 0), num(lhw, 0),
                          num(national[(region[c], "straw_removal_share")][0], 4),
                          num(water[c], 4)])
    write(data / "land_ecozone.csv",
          ["subregion", "ecozone", "area_share", "lrp_ha", "ovl_ha", "broadleaves_allowed",
           "conifers_allowed"], eco_rows)
    write(data / "land.csv",
          ["subregion", "mal_ha", "lhw_ha", "straw_removal_share", "water_low_risk_share"],
          land_rows)

    # --- storage ------------------------------------------------------------------------------
    totals: dict[tuple[str, str], int] = {}
    for r in read(data / "storage_totals.csv"):
        totals[(r["scope"], r["case"])] = round(float(r["total_gtco2"]) * 1000.0)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for r in read(src / "storage_weights.csv"):
        weights[(r["subregion"], r["case"])] = float(r["weight"])
    cases = ("low", "medium", "high")
    storage = {case: {} for case in cases}
    for case in cases:
        pinned = {c: totals[(c, case)] for c in codes if (c, case) in totals}
        for reg in dict.fromkeys(region.values()):
            members = [c for c in codes if region[c] == reg]
            rest = totals[(reg, case)] - sum(pinned.get(c, 0) for c in members)
            free = {c: weights[(c, case)] for c in members if c not in pinned}
            storage[case].update(largest_remainder(rest, free))
            storage[case].update({c: pinned[c] for c in members if c in pinned})
    write(data / "storage.csv",
          ["subregion", "storage_low_mtco2", "storage_medium_mtco2", "storage_high_mtco2"],
          [[c] + [storage[case][c] for case in cases] for c in codes])

    # --- energy and economics -----------------------------------------------------------------
    override: dict[tuple[str, str], tuple[float, str]] = {}
    for r in read(src / "subregion_values.csv"):
        override[(r["subregion"], r["field"])] = (float(r["value"]), r["unit"])
    fields = [("grid_intensity_2020", "kgco2_per_mwh", 1), ("electricity_price", "usd2018_per_mwh", 2),
              ("diesel_price", "usd2018_per_l", 3), ("gas_price", "usd2018_per_gj", 2),
              ("labour_cost", "usd2018_per_h", 2), ("ppp_factor", "ratio", 3)]

    def value(c: str, field: str) -> float:
        got = override.get((c, field)) or national.get((region[c], field))
        if got is None:
            raise SystemExit(f"{c}: no value for {field} (subregional or national)")
        return convert(got[0], got[1], fx.get(region[c]))

    write(data / "energy.csv", ["subregion"] + [f"{f}_{u}" for f, u, _ in fields],
          [[c] + [num(value(c, f), d) for f, _, d in fields] for c in codes])

    # --- crop yields --------------------------------------------------------------------------
    zone_yield = {r["ecozone"]: [float(r[f"{b}_tdm_per_ha_yr"]) for b in BIOMASS_CROPS]
                  for r in read(src / "crop_yield_by_ecozone.csv")}
    rows = []
    for c in codes:
        wsum = sum(shares[c].values())
        crops = [sum(s * zone_yield[z][i] for z, s in shares[c].items()) / wsum
                 for i in range(len(BIOMASS_CROPS))]
        straw = STRAW_SLOPE * value(c, "wheat_grain_yield") * GRAIN_DM + STRAW_INTERCEPT
        rows.append([c] + [num(y, 3) for y in crops] + [num(straw, 3)])
    write(data / "crop_yield.csv",
          ["subregion"] + [f"{b}_tdm_per_ha_yr" for b in BIOMASS_CROPS + ("wheat_straw",)], rows)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
