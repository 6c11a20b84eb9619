"""Write `data/sources/land_ranges.csv`: low / central / high of the national land inputs.

    python data/scripts/build_land_ranges.py [DATA_DIR]

For the ensemble's parameter space (`data/uncertainty.toml`, H5): national marginal land (MAL),
reforestation potential (RP, before the water filter), harvested wheat area, wheat grain yield
(which sets the straw yield) and the straw removal share (issue 21: the land ends span the
literature's scenarios and national studies). Central values are the bundled ones (`sources/national_values.csv`); each bound
names its basis (tags in `data/SOURCES.md`, "Land ranges"). Statuses per bound: `sourced` when
read, `derived` when computed here from read numbers, `assumed` otherwise.
`tests/model/test_data_status.py` checks that the committed file equals a rebuild. Standard library only.
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
# US, depending on the scenario; 1107-1411 Mha when grassland, savanna and shrubland with marginal
# productivity count too (for low-input high-diversity perennials), depending on whether pasture
# is discounted. The range spans the scenarios: lowest 320, highest 1411, each over the mean of the
# narrow scenarios (511), which is where the bundled totals were set (SOURCES.md, marginal land).
# Only the six-region aggregates were read: applying their spread to each region is an assumption,
# except where a national study was read (below).
CAI_LOW_MHA, CAI_HIGH_MHA = 320.0, 702.0
CAI_WIDE_HIGH_MHA = 1411.0
# China, national studies read (abstracts): Tang, Xie & Geng (2010), J. Integr. Plant Biol. 52:112,
# "some 45 million hm2 of marginal land could be brought into high potential biomass energy
# production" (low); Qin et al. (2011), Environ. Sci. Technol. 45:10765, 47 Mha of marginal
# agricultural land in China (Cai's layer; between the ends); Wang et al. (2017), Chin. Geogr. Sci.
# 27:207, "the total marginal land in China was determined to be 104.78 x 10^6 ha" (55.82 of it
# suitable for their woody oil crops) (high).
MAL_NATIONAL_MHA = {"CHN": ((45.0, "TANG2010 45 Mha"), (104.78, "WANG2017 104.78 Mha total"))}
# Reforestation: Bastin et al. (2019) country restoration potentials (Mha), read as quoted from the
# paper by bio4climate.org: USA 103, Brazil 49.7, China 40.2 (high ends). India: the government's
# Bonn Challenge and Land Degradation Neutrality pledge to restore 26 Mha of degraded land by 2030
# (connectkaro.org, restoration policy dialogues 2023; Deccan Herald): restoration of degraded land,
# not only tree cover, as the high end. US low: Gorte (2009, CRS), 100-450 million acres.
US_RP_LOW_MHA = 100e6 * ACRE_HA / 1e6
RP_HIGH_MHA = {"USA": (103.0, "BASTIN2019 USA 103 Mha"), "BRA": (49.7, "BASTIN2019 Brazil 49.7 Mha"),
               "CHN": (40.2, "BASTIN2019 China 40.2 Mha"),
               "IND": (26.0, "IN_BONN_LDN 26 Mha restoration pledge")}
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
        if reg in MAL_NATIONAL_MHA:
            (lo, lo_basis), (hi, hi_basis) = MAL_NATIONAL_MHA[reg]
            bounds, bases = ((lo, "sourced"), (hi, "sourced")), (lo_basis, hi_basis)
        else:
            bounds = ((mal[0] * CAI_LOW_MHA / cai_mean, "assumed"),
                      (mal[0] * CAI_WIDE_HIGH_MHA / cai_mean, "assumed"))
            bases = ("CAI2011 lowest scenario/narrow mean", "CAI2011 highest scenario/narrow mean")
        rows.append(row(reg, "marginal_land_total", "mha", bounds, mal, bases))
    for reg in REGIONS:
        rp = national[(reg, "reforestation_potential_total")]
        if reg == "USA":
            low = ((US_RP_LOW_MHA, "derived"), "GORTE2009 low (100 Macre)")
        else:
            low = ((rp[0] * US_RP_LOW_MHA / us_rp, "assumed"), "US relative spread (GORTE2009/COOKPATTON2020)")
        if reg in RP_HIGH_MHA:
            high = ((RP_HIGH_MHA[reg][0], "sourced"), RP_HIGH_MHA[reg][1])
        else:
            high = ((rp[0] * RP_HIGH_MHA["USA"][0] / us_rp, "assumed"),
                    "US relative spread (BASTIN2019/COOKPATTON2020)")
        rows.append(row(reg, "reforestation_potential_total", "mha", (low[0], high[0]), rp,
                        (low[1], high[1])))
    for reg in REGIONS:
        low_kha, high_kha = wheat_bounds(series, reg)
        # the EU declares no national total: its central is the sum of its 2018 country areas
        central = national.get((reg, "wheat_area_total")) or (
            sum(float(r["wheat_area_harvested_ha"]) for r in series
                if r["area"] in WHEAT_AREAS[reg] and r["year"] == "2018") / 1000.0, "derived")
        rows.append(row(reg, "wheat_area_total", "kha", ((low_kha, "derived"), (high_kha, "derived")),
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
