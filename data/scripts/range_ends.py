"""Range ends of data/uncertainty.toml derived from data/sources/energy_ranges.csv and
data/sources/land_ranges.csv.

    python data/scripts/range_ends.py        # prints name, end, value and how it was computed

Each derived end is a ratio of a sourced alternative to the bundled (central) value; the
uncertainty entries apply them as multipliers. `tests/test_uncertainty.py` checks that
uncertainty.toml holds these values (rounded to 3 decimals), so the file follows the sources.
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
REGIONS = ("BRA", "CHN", "EU", "IND", "USA")


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
    for region, e in electricity_ratios().items():
        for end, v in e.items():
            out[(f"electricity_price[{region}]", end)] = v
    return {k: round(v, 3) for k, v in out.items()}


if __name__ == "__main__":
    for (name, end), v in ends().items():
        print(f"{name},{end},{v}")
