"""Declarative schema of a fastmonet data folder (see `data/SOURCES.md`).

Convention: a numeric column carries its unit in the header, as `<field>_<unit>` (e.g. `lrp_ha`,
`storage_medium_mtco2`); a header whose field matches but whose unit suffix differs is reported as
a wrong units label.  Dimensionless numbers use the suffix `share` (a fraction in [0, 1]) or
`ratio`.  Text and boolean columns carry no unit.  Long tables with mixed units
(`energy_transition.csv`) have a `unit` column whose value is checked per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGIONS: tuple[str, ...] = ("BRA", "CHN", "EU", "IND", "USA")
BIOMASS: tuple[str, ...] = ("miscanthus", "switchgrass", "willow", "poplar", "wheat_straw")
STORAGE_CASES: tuple[str, ...] = ("low", "medium", "high")
TARGET_CASES: tuple[str, ...] = ("p3", "p4")
TARGET_YEARS: tuple[int, ...] = (2030, 2040, 2050, 2060, 2070, 2080, 2090, 2100)
TRANSITION_PARAMETERS: tuple[str, ...] = (
    "grid_start_year", "grid_zero_year", "fuel_start_year", "fuel_biofuel_year",
    "drying_start_year", "drying_wood_year",
)

INF = float("inf")


@dataclass(frozen=True)
class Column:
    """One column: `name` is the field, `unit` the header suffix (None for text/bool columns)."""

    name: str
    kind: str  # "str" | "float" | "int" | "bool"
    unit: str | None = None
    lo: float = -INF
    hi: float = INF
    choices: tuple | None = None
    ref: str | None = None  # "subregion", "region", "ecozone" or "scope" (region or subregion)
    required: bool = True

    @property
    def header(self) -> str:
        return f"{self.name}_{self.unit}" if self.unit else self.name


@dataclass(frozen=True)
class Table:
    file: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    every_subregion: bool = False  # one row per subregion of subregions.csv, none missing
    extra: dict = field(default_factory=dict)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


def _sr() -> Column:
    return Column("subregion", "str", ref="subregion")


TABLES: dict[str, Table] = {t.file.removesuffix(".csv"): t for t in (
    Table("regions.csv", "the five model regions", (
        Column("region", "str", choices=REGIONS),
        Column("name", "str"),
    ), key=("region",)),
    Table("subregions.csv", "the subregions: ISO code, region, name, centroid, land area", (
        Column("subregion", "str"),
        Column("region", "str", ref="region"),
        Column("name", "str"),
        Column("lat", "float", "deg", -90.0, 90.0),
        Column("lon", "float", "deg", -180.0, 180.0),
        Column("land_area", "float", "ha", 0.0),
    ), key=("subregion",)),
    Table("land_ecozone.csv", "ecological zones of each subregion and their AR land", (
        _sr(),
        Column("ecozone", "str", ref="ecozone"),
        Column("area", "float", "share", 0.0, 1.0),
        Column("lrp", "float", "ha", 0.0),
        Column("ovl", "float", "ha", 0.0),
        Column("broadleaves_allowed", "bool"),
        Column("conifers_allowed", "bool"),
    ), key=("subregion", "ecozone")),
    Table("land.csv", "marginal and wheat land per subregion", (
        _sr(),
        Column("mal", "float", "ha", 0.0),
        Column("lhw", "float", "ha", 0.0),
        Column("straw_removal", "float", "share", 0.0, 1.0),
        Column("water_low_risk", "float", "share", 0.0, 1.0),
    ), key=("subregion",), every_subregion=True),
    Table("storage.csv", "geological CO2 storage per subregion", tuple(
        [_sr()] + [Column(f"storage_{c}", "float", "mtco2", 0.0) for c in STORAGE_CASES]
    ), key=("subregion",), every_subregion=True),
    Table("storage_totals.csv", "declared storage totals (Table 8) per region or subregion", (
        Column("scope", "str", ref="scope"),
        Column("case", "str", choices=STORAGE_CASES),
        Column("total", "float", "gtco2", 0.0),
    ), key=("scope", "case")),
    Table("energy.csv", "energy prices, grid intensity and economics per subregion", (
        _sr(),
        Column("grid_intensity_2020", "float", "kgco2_per_mwh", 0.0, 2000.0),
        Column("electricity_price", "float", "usd2018_per_mwh", 0.0, 1000.0),
        Column("diesel_price", "float", "usd2018_per_l", 0.0, 10.0),
        Column("gas_price", "float", "usd2018_per_gj", 0.0, 200.0),
        Column("labour_cost", "float", "usd2018_per_h", 0.0, 500.0),
        Column("ppp_factor", "float", "ratio", 0.0, 10.0),
    ), key=("subregion",), every_subregion=True),
    Table("crop_yield.csv", "biomass yields per subregion (crops on marginal land; straw on wheat land)",
          tuple([_sr()] + [Column(b, "float", "tdm_per_ha_yr", 0.0, 100.0) for b in BIOMASS]),
          key=("subregion",), every_subregion=True),
    Table("targets.csv", "regional 2100 cumulative CDR targets (Table 1)", (
        Column("region", "str", ref="region"),
        Column("case", "str", choices=TARGET_CASES),
        Column("target_2100", "float", "gtco2", 0.0),
    ), key=("region", "case")),
    Table("target_shape.csv", "fraction of the 2100 target reached by each reporting year", (
        Column("year", "int", choices=TARGET_YEARS),
        Column("fraction", "float", "share", 0.0, 1.0),
    ), key=("year",)),
    Table("energy_transition.csv", "energy transition of SPEC 5 (calendar years)", (
        Column("parameter", "str", choices=TRANSITION_PARAMETERS),
        Column("value", "float", lo=1900.0, hi=2300.0),
        Column("unit", "str", choices=("year",)),
        Column("meaning", "str", required=False),
    ), key=("parameter",)),
)}

#: attrs["source"] of each Dataset variable: the SOURCES.md section that documents it.
SOURCE_NOTE = "data/SOURCES.md, section "
