"""Declarative schema of a fastmonet data folder (see `data/SOURCES.md`).

Convention: a numeric column carries its unit in the header, as `<field>_<unit>` (e.g. `lrp_ha`,
`storage_medium_mtco2`); a header whose field matches but whose unit suffix differs is reported as
a wrong units label.  Dimensionless numbers use the suffix `share` (a fraction in [0, 1]) or
`ratio`.  Text and boolean columns carry no unit.  Long tables with mixed units
(`energy_transition.csv`) have a `unit` column whose value is checked per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastmonet.dimensions import BIOMASS, REGIONS, REPORT_YEARS

STORAGE_CASES: tuple[str, ...] = ("low", "medium", "high")
TARGET_CASES: tuple[str, ...] = ("p3", "p4")
TARGET_YEARS: tuple[int, ...] = REPORT_YEARS
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
    reason: str = ""  # why the bounds are what they are (quoted in the error message)

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


# Physical bounds: each is far outside any plausible value, so a value beyond it is a typing or
# unit error, never a legitimate scenario; `reason` says where the bound comes from.
R_SHARE = "a share of a whole"
R_LAND = ("no subregion is larger than the largest of the five regions (China, about 9.4e8 ha "
          "of land)")
R_STORAGE = ("ten times the largest global estimate of geological CO2 storage capacity (about "
             "10,000 GtCO2, IPCC SRCCS 2005)")
R_TARGET = ("more than all the CO2 emitted since 1850 (about 2,500 GtCO2); the paper's largest "
            "regional target is 252 GtCO2")
R_YEAR = "the model covers 2020-2100; a transition year outside 1900-2300 is a typing error"

TABLES: dict[str, Table] = {t.file.removesuffix(".csv"): t for t in (
    Table("regions.csv", "the five model regions", (
        Column("region", "str", choices=REGIONS),
        Column("name", "str"),
    ), key=("region",)),
    Table("subregions.csv", "the subregions: ISO code, region, name, centroid, land area", (
        Column("subregion", "str"),
        Column("region", "str", ref="region"),
        Column("name", "str"),
        Column("lat", "float", "deg", -90.0, 90.0, reason="a latitude"),
        Column("lon", "float", "deg", -180.0, 180.0, reason="a longitude"),
        Column("land_area", "float", "ha", 1.0, 1e9,
               reason="a subregion has land; " + R_LAND),
    ), key=("subregion",)),
    Table("land_ecozone.csv", "ecological zones of each subregion and their AR land", (
        _sr(),
        Column("ecozone", "str", ref="ecozone"),
        Column("area", "float", "share", 0.0, 1.0, reason=R_SHARE),
        Column("lrp", "float", "ha", 0.0, 1e9, reason="an area; " + R_LAND),
        Column("ovl", "float", "ha", 0.0, 1e9, reason="an area; " + R_LAND),
        Column("broadleaves_allowed", "bool"),
        Column("conifers_allowed", "bool"),
    ), key=("subregion", "ecozone")),
    Table("land.csv", "marginal and wheat land per subregion", (
        _sr(),
        Column("mal", "float", "ha", 0.0, 1e9, reason="an area; " + R_LAND),
        Column("lhw", "float", "ha", 0.0, 1e9, reason="an area; " + R_LAND),
        Column("straw_removal", "float", "share", 0.0, 1.0, reason=R_SHARE),
        Column("water_low_risk", "float", "share", 0.0, 1.0, reason=R_SHARE),
    ), key=("subregion",), every_subregion=True),
    Table("storage.csv", "geological CO2 storage per subregion", tuple(
        [_sr()] + [Column(f"storage_{c}", "float", "mtco2", 0.0, 1e8, reason=R_STORAGE)
                   for c in STORAGE_CASES]
    ), key=("subregion",), every_subregion=True),
    Table("storage_totals.csv", "declared storage totals (Table 8) per region or subregion", (
        Column("scope", "str", ref="scope"),
        Column("case", "str", choices=STORAGE_CASES),
        Column("total", "float", "gtco2", 0.0, 1e5, reason=R_STORAGE),
    ), key=("scope", "case")),
    Table("energy.csv", "energy prices, grid intensity and economics per subregion", (
        _sr(),
        Column("grid_intensity_2020", "float", "kgco2_per_mwh", 0.0, 2000.0,
               reason="lignite plants, the most carbon-intensive, emit about 1,200 kgCO2/MWh"),
        Column("electricity_price", "float", "usd2018_per_mwh", 0.0, 1000.0,
               reason="ten times the highest 2018 national industrial electricity prices"),
        Column("diesel_price", "float", "usd2018_per_l", 0.0, 10.0,
               reason="about five times the highest 2018 national diesel prices"),
        Column("gas_price", "float", "usd2018_per_gj", 0.0, 200.0,
               reason="ten times the highest 2018 national industrial gas prices"),
        Column("labour_cost", "float", "usd2018_per_h", 0.0, 500.0,
               reason="about ten times the highest 2018 national labour costs"),
        Column("ppp_factor", "float", "ratio", 0.0, 10.0,
               reason="national price levels lie within about 0.2-2 of the US level"),
    ), key=("subregion",), every_subregion=True),
    Table("crop_yield.csv", "biomass yields per subregion (crops on marginal land; straw on wheat land)",
          tuple([_sr()] + [Column(b, "float", "tdm_per_ha_yr", 0.0, 100.0,
                                  reason="about twice the highest yields measured for any "
                                         "biomass crop (tropical grasses, about 40-50 tDM/ha/yr)")
                           for b in BIOMASS]),
          key=("subregion",), every_subregion=True),
    Table("targets.csv", "regional 2100 cumulative CDR targets (Table 1)", (
        Column("region", "str", ref="region"),
        Column("case", "str", choices=TARGET_CASES),
        Column("target_2100", "float", "gtco2", 0.0, 2500.0, reason=R_TARGET),
    ), key=("region", "case")),
    Table("target_shape.csv", "fraction of the 2100 target reached by each reporting year", (
        Column("year", "int", choices=TARGET_YEARS),
        Column("fraction", "float", "share", 0.0, 1.0, reason=R_SHARE),
    ), key=("year",)),
    Table("energy_transition.csv", "energy transition of formulation §5 (calendar years)", (
        Column("parameter", "str", choices=TRANSITION_PARAMETERS),
        Column("value", "float", lo=1900.0, hi=2300.0, reason=R_YEAR),
        Column("unit", "str", choices=("year",)),
        Column("meaning", "str", required=False),
    ), key=("parameter",)),
)}

#: Each ramp of energy_transition.csv: (start parameter, end parameter); the end must be later.
TRANSITION_RAMPS: tuple[tuple[str, str], ...] = (
    ("grid_start_year", "grid_zero_year"),
    ("fuel_start_year", "fuel_biofuel_year"),
    ("drying_start_year", "drying_wood_year"),
)

#: Land that cannot overlap (SOURCES.md, land_ecozone.csv and land.csv): LRP is reforestation
#: land net of OVL, MAL marginal land net of OVL, so LRP + OVL + MAL of a subregion is the area
#: of a union of disjoint pieces of its land and must fit in `land_area_ha`.
TOLERANCE_HA = 1.0  # the land figures are rounded to whole hectares
TOLERANCE_SHARE = 1e-6

#: attrs["source"] of each Dataset variable: the SOURCES.md section that documents it.
SOURCE_NOTE = "data/SOURCES.md, section "
