"""Country means of the weekly EU pump prices in `data/sources/diesel_weekly_2018.csv`.

    python data/scripts/weekly_means.py [WEEKLY_CSV]

The weekly table holds automotive diesel prices with taxes (EUR/L) of the European Commission's
Weekly Oil Bulletin for the 2018 weeks that could be read here (as republished by
fuel-prices.eu); the mean of those weeks, rounded to 3 decimals, is the 2018 value entered in
`sources/subregion_values.csv` (`diesel_price`, unit `eur2018_per_l`, status `derived`).  The
weeks read are not spread evenly over the year (none before late May), so the mean is a sample
mean, documented as such in SOURCES.md.  Pure standard library.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "sources" / "diesel_weekly_2018.csv"


def weekly_means(path: Path = DEFAULT, column: str = "diesel_price_eur_per_l") -> dict[str, float]:
    """{country: mean of its weekly values, 3 decimals}."""
    values: dict[str, list[float]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            values[row["country"]].append(float(row[column]))
    return {c: round(sum(v) / len(v), 3) for c, v in sorted(values.items())}


if __name__ == "__main__":
    for country, mean in weekly_means(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT).items():
        print(f"{country},{mean}")
