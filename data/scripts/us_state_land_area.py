"""US state land areas (km2) from the US Census Bureau Gazetteer counties file.

    python data/scripts/us_state_land_area.py GAZ_COUNTIES_FILE > us_land.csv

GAZ_COUNTIES_FILE is the 2017 Gazetteer "counties" national file
(2017_Gaz_counties_national.txt, https://www.census.gov/geo/maps-data/data/gazetteer2017.html;
columns USPS, GEOID, ANSICODE, NAME, ALAND, AWATER, ...; tab-separated as published, or
'|'-separated as in the copy at github.com/MOZGIII/us-gazetteer-go sources/counties.txt). The
land area of a state is the sum of ALAND (m2) over its counties; DC and Puerto Rico are dropped
(not modelled). The output, rounded to whole km2, is what `sources/subregion_facts.csv` holds for
the US rows (`area_source` CENSUS_GAZ2017, status derived). Standard library only; the Census file
itself is not redistributed here.
"""

from __future__ import annotations

import sys
from collections import defaultdict

NOT_MODELLED = {"DC", "PR"}


def state_land_km2(lines) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("USPS"):
            continue
        cells = line.split("|") if "|" in line else line.split("\t")
        usps, aland_m2 = cells[0].strip(), float(cells[4])
        if usps not in NOT_MODELLED:
            totals[usps] += aland_m2 / 1e6
    return dict(totals)


def main(path: str) -> None:
    with open(path, encoding="utf-8", errors="replace") as f:
        totals = state_land_km2(f)
    print("subregion,land_area_km2")
    for usps in sorted(totals):
        print(f"US-{usps},{round(totals[usps])}")


if __name__ == "__main__":
    main(sys.argv[1])
