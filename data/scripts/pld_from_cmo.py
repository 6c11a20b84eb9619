"""Brazil's 2018 spot price (PLD) of a submarket from the ONS weekly marginal operating cost (CMO).

    python data/scripts/pld_from_cmo.py [WEEKLY_CSV]

CCEE sets the PLD from the CMO of the ONS dispatch models, bounded by the floor and ceiling ANEEL
fixes for the year (2018: R$ 40.16 and R$ 505.18 per MWh, `[ANEEL_PLD_2018]`).  The weekly table
`sources/ons_cmo_weekly_2018.csv` holds the weekly mean CMO of a subsystem (R$/MWh; operative weeks
start on Saturdays) as read from the ONS series copied in a public repository (`[ONS_CMO_WEEKLY]`).
The 2018 value is the mean over the days of 2018 of the bounded weekly CMO (a week reaching into
2017 or 2019 counts only its 2018 days), rounded to 2 decimals; it is what
`sources/subregion_values.csv` holds for the submarket's states (`electricity_price`, unit
`brl2018_per_mwh`, status `derived`).  An approximation of the hour-weighted PLD: the PLD is bounded
per load level (patamar), not per weekly mean.  Pure standard library.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "sources" / "ons_cmo_weekly_2018.csv"
PLD_MIN_2018 = 40.16   # R$/MWh, ANEEL, homologated Dec 2017 (canalenergia.com.br 53046138)
PLD_MAX_2018 = 505.18  # R$/MWh, same decision (CVU of UTE Mario Lago)


def days_in_year(week_start: dt.date, year: int) -> int:
    """How many of the 7 days from `week_start` fall in `year`."""
    return sum((week_start + dt.timedelta(days=k)).year == year for k in range(7))


def pld_means(path: Path = DEFAULT, year: int = 2018,
              floor: float = PLD_MIN_2018, ceiling: float = PLD_MAX_2018) -> dict[str, float]:
    """{subsystem: day-weighted mean over `year` of the weekly CMO bounded to [floor, ceiling]}."""
    total: dict[str, float] = defaultdict(float)
    days: dict[str, int] = defaultdict(int)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = days_in_year(dt.date.fromisoformat(row["week_start"]), year)
            price = min(max(float(row["cmo_brl_per_mwh"]), floor), ceiling)
            total[row["subsystem"]] += n * price
            days[row["subsystem"]] += n
    return {s: round(total[s] / days[s], 2) for s in sorted(total) if days[s]}


if __name__ == "__main__":
    for subsystem, mean in pld_means(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT).items():
        print(f"{subsystem},{mean}")
