"""Write data/socioeconomic.csv (population and GDP per model region, 2018) from the World Bank
extract data/sources/worldbank_2018.csv.

The model's EU is EU-27 + United Kingdom (formulation §1.2), while the World Bank's aggregate EUU
is the EU-27 of today, so EU = EUU + GBR. The other regions are the countries themselves.

    python data/scripts/build_socioeconomic.py            # rewrite the CSV
    python data/scripts/build_socioeconomic.py --check    # exit 1 if the CSV is out of date
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
MEMBERS = {"BRA": ["BRA"], "CHN": ["CHN"], "EU": ["EUU", "GBR"], "IND": ["IND"], "USA": ["USA"]}
INDICATORS = {"SP.POP.TOTL": "population_2018_persons", "NY.GDP.MKTP.CD": "gdp_2018_usd"}


def build() -> str:
    with open(DATA / "sources" / "worldbank_2018.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    value = {(r["country_code"], r["indicator"]): float(r["value"]) for r in rows}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["region", *INDICATORS.values(), "status", "source"])
    for region, codes in MEMBERS.items():
        vals = [sum(value[(c, ind)] for c in codes) for ind in INDICATORS]
        status = "derived" if len(codes) > 1 else "sourced"
        source = "WB_POP+WB_GDP" + (" (EUU + GBR)" if len(codes) > 1 else "")
        w.writerow([region, f"{vals[0]:.0f}", f"{vals[1]:.0f}", status, source])
    return out.getvalue()


def main(argv: list[str]) -> int:
    text = build()
    target = DATA / "socioeconomic.csv"
    if "--check" in argv:
        return 0 if target.read_text() == text else 1
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
