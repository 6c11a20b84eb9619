"""Write `data/sources/land_ranges.csv`: low / central / high of the national land inputs.

    python data/scripts/build_land_ranges.py [DATA_DIR]

For the ensemble's parameter space (`data/uncertainty.toml`, H5): national marginal land (MAL),
reforestation potential (RP, before the water filter), harvested wheat area, wheat grain yield
(which sets the straw yield) and the straw removal share. Central values are the bundled ones (`sources/national_values.csv`); each bound
names its basis (tags in `data/SOURCES.md`, "Land ranges"). Statuses per bound: `sourced` when
read, `derived` when computed here from read numbers, `assumed` otherwise.
`tests/test_data_status.py` checks that the committed file equals a rebuild. Standard library only.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
REGIONS = ("BRA", "CHN", "EU", "IND", "USA")
STATUSES = ("sourced", "derived", "assumed")
ACRE_HA = 0.40468564224

# Cai, Zhang & Wang (2011) abstract: 320-702 Mha of marginal land (abandoned/degraded cropland and
# mixed crop-vegetation land) over Africa, China, Europe, India, South America and the continental
# US, depending on the scenario. Only this six-region aggregate was read: its relative spread
# around its mean is applied to every region (an assumption).
CAI_LOW_MHA, CAI_HIGH_MHA = 320.0, 702.0
# US reforestation: Cook-Patton et al. (2020), up to 133 million acres (central, as bundled);
# Gorte (2009, CRS), 100-450 million acres for afforestation/reforestation (low bound: 100);
# Bastin et al. (2019), 103 Mha of US tree-restoration potential (high bound).
US_RP_LOW_MHA = 100e6 * ACRE_HA / 1e6
US_RP_HIGH_MHA = 103.0
# Straw removal share: no numeric threshold was read (the reviews read say sustainable removal is
# site-specific); a wide assumed band around the bundled 0.4.
STRAW_LOW, STRAW_HIGH = 0.2, 0.6
WHEAT_AREAS = {"BRA": ("BRA",), "CHN": ("CHN",), "IND": ("IND",), "USA": ("USA",),
               "EU": ("EU27", "GB")}

HEADER = ["region", "field", "unit", "low", "central", "high", "low_basis", "high_basis",
          "status_low", "status_central", "status_high", "status"]


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def num(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def row(region, field, unit, bounds, central, bases) -> list[str]:
    (low, low_st), (high, high_st) = bounds
    value, central_st = central
    statuses = [low_st, central_st, high_st]
    return [region, field, unit, num(low), num(value), num(high), bases[0], bases[1], *statuses,
            max(statuses, key=STATUSES.index)]


def wheat_bounds(series: list[dict[str, str]], region: str) -> tuple[float, float]:
    """Lowest and highest yearly regional total (kha) over the years the series covers."""
    by_year: dict[str, float] = {}
    for r in series:
        if r["area"] in WHEAT_AREAS[region]:
            by_year[r["year"]] = by_year.get(r["year"], 0.0) + float(r["wheat_area_harvested_ha"])
    return min(by_year.values()) / 1000.0, max(by_year.values()) / 1000.0


def wheat_yield_row(reg: str, yields: list[dict[str, str]]) -> list[str]:
    """Grain yield (t/ha) of the region's reference series: 2018 (the bundled year) and the
    lowest / highest year of 2014-2023. The EU's series is the EU-27 aggregate (the UK has its own
    row in the source file but no weight to combine it with here): apply it as a ratio to every
    country's 2018 yield."""
    area = "EU27" if reg == "EU" else reg
    by_year = {r["year"]: float(r["wheat_yield_kg_per_ha"]) / 1000.0
               for r in yields if r["area"] == area}
    values = list(by_year.values())
    return row(reg, "wheat_grain_yield", "t_per_ha",
               ((min(values), "sourced"), (max(values), "sourced")), (by_year["2018"], "sourced"),
               ("FAOSTAT_QCL min 2014-2023", "FAOSTAT_QCL max 2014-2023"))


def build(data: Path = DATA) -> None:
    national = {(r["region"], r["field"]): (float(r["value"]), r["status"])
                for r in read(data / "sources" / "national_values.csv")}
    series = read(data / "sources" / "faostat_wheat_area.csv")
    cai_mean = (CAI_LOW_MHA + CAI_HIGH_MHA) / 2.0
    us_rp = national[("USA", "reforestation_potential_total")][0]
    rows = []
    for reg in REGIONS:
        mal = national[(reg, "marginal_land_total")]
        rows.append(row(reg, "marginal_land_total", "mha",
                        ((mal[0] * CAI_LOW_MHA / cai_mean, "assumed"),
                         (mal[0] * CAI_HIGH_MHA / cai_mean, "assumed")), mal,
                        ("CAI2011 aggregate low/mean", "CAI2011 aggregate high/mean")))
    for reg in REGIONS:
        rp = national[(reg, "reforestation_potential_total")]
        if reg == "USA":
            bounds = ((US_RP_LOW_MHA, "derived"), (US_RP_HIGH_MHA, "sourced"))
            bases = ("GORTE2009 low (100 Macre)", "BASTIN2019 USA")
        else:
            bounds = ((rp[0] * US_RP_LOW_MHA / us_rp, "assumed"),
                      (rp[0] * US_RP_HIGH_MHA / us_rp, "assumed"))
            bases = ("US relative spread (GORTE2009/COOKPATTON2020)",
                     "US relative spread (BASTIN2019/COOKPATTON2020)")
        rows.append(row(reg, "reforestation_potential_total", "mha", bounds, rp, bases))
    for reg in REGIONS:
        low, high = wheat_bounds(series, reg)
        # the EU declares no national total: its central is the sum of its 2018 country areas
        central = national.get((reg, "wheat_area_total")) or (
            sum(float(r["wheat_area_harvested_ha"]) for r in series
                if r["area"] in WHEAT_AREAS[reg] and r["year"] == "2018") / 1000.0, "derived")
        rows.append(row(reg, "wheat_area_total", "kha", ((low, "derived"), (high, "derived")),
                        central, ("FAOSTAT_QCL min 2014-2023", "FAOSTAT_QCL max 2014-2023")))
    yields = read(data / "sources" / "faostat_wheat_yield.csv")
    for reg in REGIONS:
        rows.append(wheat_yield_row(reg, yields))
    for reg in REGIONS:
        straw = national[(reg, "straw_removal_share")]
        rows.append(row(reg, "straw_removal_share", "share",
                        ((STRAW_LOW, "assumed"), (STRAW_HIGH, "assumed")), straw,
                        ("ASSUMPTION_STRAW", "ASSUMPTION_STRAW")))
    with open(data / "sources" / "land_ranges.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
