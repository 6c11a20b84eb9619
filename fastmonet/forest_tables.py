"""Tables 2, 4, 5, 6 and 7 of the paper (AR stand inputs), loaded from `data/forest/`.

The CSV files hold the published numbers only; `data/forest/README.md` gives their sources and how
the garbled tables of the extracted paper text were decoded. This module validates them and turns
them into per-(zone, forest type) stand inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fastmonet import bundled
from fastmonet.csvfile import check_header
from fastmonet.dimensions import FOREST_TYPES
from fastmonet.errors import InputError

DATA_DIR = bundled.DATA_DIR / "forest"

#: The 15 FAO global ecological zones of Table 2, in the paper's order.
ZONES: tuple[str, ...] = (
    "tropical_rainforest",
    "tropical_moist_deciduous_forest",
    "tropical_dry_forest",
    "tropical_shrubland",
    "tropical_mountain_systems",
    "subtropical_humid_forest",
    "subtropical_dry_forest",
    "subtropical_steppe",
    "subtropical_mountain_systems",
    "temperate_oceanic_forest",
    "temperate_continental_forest",
    "temperate_mountain_systems",
    "boreal_coniferous_forest",
    "boreal_tundra_woodland",
    "boreal_mountain_systems",
)
CLIMATES: tuple[str, ...] = ("tropical", "subtropical", "temperate", "boreal")

#: The four example stands of the paper's Fig. 12 (zone, forest type, place named in the figure).
FIG12_EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("tropical_rainforest", "broadleaves", "Brazil (Para)"),
    ("subtropical_humid_forest", "broadleaves", "USA (Georgia)"),
    ("temperate_oceanic_forest", "broadleaves", "EU (UK)"),
    ("boreal_tundra_woodland", "conifers", "EU (Finland)"),
)

FILES = {
    "growth": "table2_growth.csv",
    "root_shoot_ipcc": "table4_root_shoot_ipcc.csv",
    "root_shoot_fit": "table5_root_shoot_fit.csv",
    "carbon_fraction": "table6_carbon_fraction.csv",
    "fire": "table7_fire.csv",
}

#: The table (`FILES` key) each variable of `ForestTables.to_dataset` comes from.
VARIABLE_TABLE = {"growth_B": "growth", "growth_G": "growth", "rs_R1": "root_shoot_fit",
                  "rs_R2": "root_shoot_fit", "carbon_fraction": "carbon_fraction",
                  "fire_mfri": "fire", "fire_vdep": "fire"}



def zone_climate(zone: str) -> str:
    """Climate of a zone (the first word of its name): tropical, subtropical, temperate, boreal."""
    if zone not in ZONES:
        raise InputError(f"unknown ecological zone {zone!r}; expected one of {', '.join(ZONES)}")
    return zone.split("_", 1)[0]


def zone_forest_types(zone: str) -> tuple[str, ...]:
    """Forest types modelled in a zone (formulation §1.3): broadleaves in tropical and subtropical
    zones, conifers in boreal zones, both in temperate zones."""
    climate = zone_climate(zone)
    if climate in ("tropical", "subtropical"):
        return ("broadleaves",)
    if climate == "boreal":
        return ("conifers",)
    return FOREST_TYPES


def stand_rows() -> list[tuple[str, str]]:
    """Every (zone, forest type) stand of Table 2 under formulation §1.3: 18 rows in the paper's
    zone order."""
    return [(z, ft) for z in ZONES for ft in zone_forest_types(z)]


def _read(directory: Path, key: str, columns: dict[str, str]) -> pd.DataFrame:
    """Read one table; `columns` maps column name -> 'str' | 'num' | 'num?' (optional number)."""
    path = directory / FILES[key]
    if not path.is_file():
        raise InputError(f"{path}: forest table file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be parsed as CSV ({exc})") from exc
    check_header(path)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    out = pd.DataFrame(index=df.index)
    for col, kind in columns.items():
        values = df[col].str.strip()
        if kind == "str":
            bad = values == ""
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(f"{path}: column {col!r}, line {row + 2}{_key(df, row)}: "
                                 f"empty")
            out[col] = values
            continue
        num = pd.to_numeric(values.replace("", np.nan), errors="coerce")
        bad = num.isna() & (values != "") if kind == "num?" else num.isna()
        bad |= ~np.isfinite(num.fillna(0.0))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{path}: column {col!r}, line {row + 2}{_key(df, row)}: "
                             f"{df[col].iloc[row]!r} is not a finite number")
        out[col] = num.astype(float)
    return out


def _check_zones(df: pd.DataFrame, path: Path, *, unique: bool) -> None:
    for row, zone in enumerate(df["zone"]):
        if zone not in ZONES:
            raise InputError(f"{path}: column 'zone', line {row + 2}: unknown zone {zone!r}")
    if unique:
        dup = df["zone"].duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0])
            raise InputError(f"{path}: column 'zone', line {row + 2}: zone "
                             f"{df['zone'].iloc[row]!r} repeated")
    absent = [z for z in ZONES if z not in set(df["zone"])]
    if absent:
        raise InputError(f"{path}: zone(s) missing: {', '.join(absent)}")


def _key(df: pd.DataFrame, row: int) -> str:
    keys = [f"{k}={df[k].iloc[row]!r}" for k in ("zone", "climate", "forest_type") if k in df]
    return f" ({', '.join(keys)})" if keys else ""


def _check_range(df: pd.DataFrame, path: Path, col: str, lo: float, hi: float,
                 lo_open: bool = False, reason: str = "") -> None:
    v = df[col].to_numpy()
    bad = (v <= lo if lo_open else v < lo) | (v > hi)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        bound = f"({lo:g}, {hi:g}]" if lo_open else f"[{lo:g}, {hi:g}]"
        why = f": {reason}" if reason else ""
        raise InputError(f"{path}: column {col!r}, line {row + 2}{_key(df, row)}: {v[row]:g} is "
                         f"outside {bound}{why}")


@dataclass(frozen=True)
class ForestTables:
    """The validated tables. Frames are indexed by zone, (zone, forest_type) or (climate,
    forest_type); R2 = 0 marks a constant root-to-shoot ratio."""

    growth: pd.DataFrame  # index zone: B, G, growing_period (published)
    root_shoot_ipcc: pd.DataFrame  # rows of Table 4 (zone, forest_type, agb_min, agb_max, ratio)
    root_shoot_fit: pd.DataFrame  # index (zone, forest_type) for both types: R1, R2
    carbon_fraction: pd.DataFrame  # index (climate, forest_type): Cf
    fire: pd.DataFrame  # index zone: mfri (yr), vdep (fraction), one_minus_rfire_pct (published)
    directory: Path | None = None  # where the tables were read (named in later errors)

    def cell(self, zone: str, forest_type: str) -> dict[str, float]:
        """Stand inputs of one (zone, forest type): B, G, R1, R2, Cf, mfri, vdep."""
        if forest_type not in FOREST_TYPES:
            raise InputError(f"unknown forest type {forest_type!r}; expected broadleaves or conifers")
        g = self.growth.loc[zone]  # zone validity checked by zone_climate below
        rs = self.root_shoot_fit.loc[(zone, forest_type)]
        cf = self.carbon_fraction.loc[(zone_climate(zone), forest_type), "Cf"]
        f = self.fire.loc[zone]
        return {
            "B": float(g["B"]), "G": float(g["G"]), "R1": float(rs["R1"]), "R2": float(rs["R2"]),
            "Cf": float(cf), "mfri": float(f["mfri"]), "vdep": float(f["vdep"]),
        }

    def to_dataset(self):
        """The forest variables of the inputs Dataset (`growth_B`, `growth_G`, `rs_R1`, `rs_R2`,
        `carbon_fraction`, `fire_mfri`, `fire_vdep`) with units and sources."""
        import xarray as xr

        src = "Chiquier, Fajardy & Mac Dowell (2022) Appendix A, "
        zones = list(ZONES)
        fts = list(FOREST_TYPES)
        by_zft = lambda frame, col: np.array(  # noqa: E731
            [[frame.loc[(z, ft), col] for ft in fts] for z in zones], dtype=float
        )
        cf = np.array(
            [[self.carbon_fraction.loc[(zone_climate(z), ft), "Cf"] for ft in fts] for z in zones]
        )
        ds = xr.Dataset(
            {
                "growth_B": ("ecozone", self.growth.loc[zones, "B"].to_numpy(float),
                             {"units": "tDM/ha", "source": src + "Table 2 (IPCC 2006)"}),
                "growth_G": ("ecozone", self.growth.loc[zones, "G"].to_numpy(float),
                             {"units": "tDM/ha/yr", "source": src + "Table 2 (IPCC 2006)"}),
                "rs_R1": (("ecozone", "forest_type"), by_zft(self.root_shoot_fit, "R1"),
                          {"units": "-", "source": src + "Table 5"}),
                "rs_R2": (("ecozone", "forest_type"), by_zft(self.root_shoot_fit, "R2"),
                          {"units": "ha/tDM", "source": src + "Table 5 (0: constant ratio R1)"}),
                "carbon_fraction": (("ecozone", "forest_type"), cf,
                                    {"units": "tC/tDM", "source": src + "Table 6 (IPCC 2006)"}),
                "fire_mfri": ("ecozone", self.fire.loc[zones, "mfri"].to_numpy(float),
                              {"units": "yr", "source": src + "Table 7 (LANDFIRE)"}),
                "fire_vdep": ("ecozone", self.fire.loc[zones, "vdep"].to_numpy(float),
                              {"units": "-", "source": src + "Table 7 (LANDFIRE), as a fraction"}),
            },
            coords={"ecozone": zones, "forest_type": fts},
        )
        if self.directory is not None:
            for name, key in VARIABLE_TABLE.items():
                ds[name].attrs["file"] = str(self.directory / FILES[key])
        return ds


def load(path: str | Path | None = None) -> ForestTables:
    """Load and validate the five forest tables from `path` (default `data/forest/`)."""
    if path is not None and not isinstance(path, (str, Path)):
        raise InputError(f"forest_tables.load: path must be a folder path (str or Path), got "
                         f"{type(path).__name__}")
    directory = Path(path) if path is not None else DATA_DIR
    if not directory.is_dir():
        raise InputError(f"{directory}: forest table directory not found")

    p = directory / FILES["growth"]
    g = _read(directory, "growth", {"zone": "str", "biomass_stock_tdm_ha": "num",
                                    "biomass_growth_tdm_ha_yr": "num", "growing_period_yr": "num"})
    _check_zones(g, p, unique=True)
    _check_range(g, p, "biomass_stock_tdm_ha", 0.0, 5000.0, lo_open=True,
                 reason="the most massive forests (coast redwood) hold about 3,500 tDM/ha")
    _check_range(g, p, "biomass_growth_tdm_ha_yr", 0.0, 100.0, lo_open=True,
                 reason="about twice the fastest measured forest growth")
    growth = pd.DataFrame({
        "B": g["biomass_stock_tdm_ha"].to_numpy(),
        "G": g["biomass_growth_tdm_ha_yr"].to_numpy(),
        "growing_period": g["growing_period_yr"].to_numpy(),
    }, index=pd.Index(g["zone"], name="zone"))

    p = directory / FILES["root_shoot_ipcc"]
    r4 = _read(directory, "root_shoot_ipcc", {"zone": "str", "forest_type": "str",
                                              "agb_min_tdm_ha": "num?", "agb_max_tdm_ha": "num?",
                                              "root_shoot_ratio": "num"})
    _check_zones(r4, p, unique=False)
    _check_range(r4, p, "root_shoot_ratio", 0.0, np.inf, lo_open=True)
    _check_forest_type_column(r4, p)
    ipcc = pd.DataFrame({
        "zone": r4["zone"], "forest_type": r4["forest_type"],
        "agb_min": r4["agb_min_tdm_ha"].fillna(0.0), "agb_max": r4["agb_max_tdm_ha"].fillna(np.inf),
        "ratio": r4["root_shoot_ratio"],
    }).reset_index(drop=True)

    p = directory / FILES["root_shoot_fit"]
    r5 = _read(directory, "root_shoot_fit", {"zone": "str", "forest_type": "str",
                                             "r1": "num", "r2": "num?"})
    _check_zones(r5, p, unique=False)
    _check_forest_type_column(r5, p)
    _check_range(r5, p, "r1", 0.0, np.inf, lo_open=True)
    r5 = r5.assign(r2=r5["r2"].fillna(0.0))
    _check_range(r5, p, "r2", 0.0, np.inf)
    fit = _expand_forest_types(r5, p, {"r1": "R1", "r2": "R2"})

    p = directory / FILES["carbon_fraction"]
    c6 = _read(directory, "carbon_fraction", {"climate": "str", "forest_type": "str",
                                              "carbon_fraction_tc_tdm": "num"})
    _check_range(c6, p, "carbon_fraction_tc_tdm", 0.0, 1.0, lo_open=True)
    cf = {}
    for row, (clim, ft, v) in enumerate(zip(c6["climate"], c6["forest_type"],
                                            c6["carbon_fraction_tc_tdm"])):
        if clim not in CLIMATES or ft not in FOREST_TYPES:
            raise InputError(f"{p}: line {row + 2}: unknown climate/forest type {clim!r}/{ft!r}")
        if (clim, ft) in cf:
            raise InputError(f"{p}: line {row + 2}: ({clim}, {ft}) repeated")
        cf[(clim, ft)] = v
    absent = [f"{c}/{ft}" for c in CLIMATES for ft in FOREST_TYPES if (c, ft) not in cf]
    if absent:
        raise InputError(f"{p}: missing climate/forest type rows: {', '.join(absent)}")
    carbon = pd.DataFrame({"Cf": list(cf.values())},
                          index=pd.MultiIndex.from_tuples(list(cf), names=["climate", "forest_type"]))

    p = directory / FILES["fire"]
    f7 = _read(directory, "fire", {"zone": "str", "mfri_yr": "num", "vdep_pct": "num",
                                   "wildfire_penalty_coefficient_pct": "num"})
    _check_zones(f7, p, unique=True)
    _check_range(f7, p, "mfri_yr", 0.0, 1e5, reason="a fire interval longer than 100,000 "
                 "years is a typing error (no fire is a large interval, not an infinite one)")
    _check_range(f7, p, "vdep_pct", 0.0, 100.0)
    fire = pd.DataFrame({
        "mfri": f7["mfri_yr"].to_numpy(),
        "vdep": f7["vdep_pct"].to_numpy() / 100.0,
        "one_minus_rfire_pct": f7["wildfire_penalty_coefficient_pct"].to_numpy(),
    }, index=pd.Index(f7["zone"], name="zone"))

    return ForestTables(growth=growth, root_shoot_ipcc=ipcc, root_shoot_fit=fit,
                        carbon_fraction=carbon, fire=fire, directory=directory)


def _check_forest_type_column(df: pd.DataFrame, path: Path) -> None:
    for row, ft in enumerate(df["forest_type"]):
        if ft not in FOREST_TYPES + ("all",):
            raise InputError(f"{path}: column 'forest_type' in line {row + 2}: unknown forest "
                             f"type {ft!r} (broadleaves, conifers or all)")


def _expand_forest_types(df: pd.DataFrame, path: Path, rename: dict[str, str]) -> pd.DataFrame:
    """Rows with forest_type 'all' apply to both types; exactly one value per (zone, type)."""
    values: dict[tuple[str, str], dict[str, float]] = {}
    for row in range(len(df)):
        zone, ft = df["zone"].iloc[row], df["forest_type"].iloc[row]
        for t in (FOREST_TYPES if ft == "all" else (ft,)):
            if (zone, t) in values:
                raise InputError(f"{path}: line {row + 2}: ({zone}, {t}) given twice")
            values[(zone, t)] = {new: float(df[old].iloc[row]) for old, new in rename.items()}
    absent = [f"{z}/{t}" for z in ZONES for t in FOREST_TYPES if (z, t) not in values]
    if absent:
        raise InputError(f"{path}: no row for {absent[0]}")
    index = pd.MultiIndex.from_tuples([(z, t) for z in ZONES for t in FOREST_TYPES],
                                      names=["zone", "forest_type"])
    return pd.DataFrame([values[k] for k in index], index=index)
