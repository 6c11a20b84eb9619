"""Calendar-year means of monthly price series, as entered in `data/sources/subregion_values.csv`.

    python data/scripts/annual_means.py MONTHLY_CSV YEAR [--iso3 AUT,BEL,...]

Reads Ember's *European Wholesale Electricity Price Data - Monthly* file (columns `Country`,
`ISO3 Code`, `Date` as YYYY-MM-DD, `Price (EUR/MWhe)`; https://ember-energy.org/data/
european-wholesale-electricity-price-data/) and prints, per country, the unweighted mean of the
monthly day-ahead averages of YEAR (EUR/MWh, 2 decimals) and the number of months found.  The
monthly file itself is not bundled (it is Ember's data, not ours); SOURCES.md records where it was
read.  Pure standard library.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

PRICE_COLUMN = "Price (EUR/MWhe)"


def annual_means(path: Path, year: int) -> dict[str, tuple[float, int]]:
    """{ISO3: (mean of the monthly prices of `year`, months found)}; blank prices are skipped."""
    months: dict[str, list[float]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if not row["Date"].startswith(f"{year}-") or not row[PRICE_COLUMN].strip():
                continue
            months[row["ISO3 Code"]].append(float(row[PRICE_COLUMN]))
    return {iso: (round(sum(v) / len(v), 2), len(v)) for iso, v in sorted(months.items())}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("monthly_csv", type=Path)
    p.add_argument("year", type=int)
    p.add_argument("--iso3", default="", help="comma-separated ISO3 codes to keep (default: all)")
    args = p.parse_args(argv)
    keep = {c for c in args.iso3.split(",") if c}
    print("iso3,year,mean_eur_per_mwh,months")
    for iso, (mean, n) in annual_means(args.monthly_csv, args.year).items():
        if not keep or iso in keep:
            print(f"{iso},{args.year},{mean},{n}")


if __name__ == "__main__":
    main()
