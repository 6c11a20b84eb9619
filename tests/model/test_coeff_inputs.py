"""A small hand-made inputs Dataset for the coefficient tests, and checks of input errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from fastmonet import forest_tables
from fastmonet.coefficients.inputs import require, subregion_regions
from fastmonet.dimensions import BIOMASS, FOREST_TYPES
from fastmonet.errors import InputError

ECOZONES = (
    "tropical_rainforest", "tropical_moist_deciduous_forest", "tropical_dry_forest", "tropical_shrubland",
    "tropical_mountain_systems", "subtropical_humid_forest", "subtropical_dry_forest", "subtropical_steppe",
    "subtropical_mountain_systems", "temperate_oceanic_forest", "temperate_continental_forest",
    "temperate_mountain_systems", "boreal_coniferous_forest", "boreal_tundra_woodland", "boreal_mountain_systems",
)
# code, region, lat, lon, zones present, grid kgCO2/MWh (illustrative test values, not data)
SUBREGIONS = (
    ("BR-PA", "BRA", -4.0, -53.0, ("tropical_rainforest", "tropical_moist_deciduous_forest"), 90.0),
    ("BR-SP", "BRA", -22.0, -48.0, ("subtropical_humid_forest", "tropical_moist_deciduous_forest"), 60.0),
    ("CN-YN", "CHN", 25.0, 101.0, ("subtropical_humid_forest", "subtropical_mountain_systems"), 300.0),
    ("CN-HL", "CHN", 47.0, 128.0, ("temperate_continental_forest", "boreal_coniferous_forest"), 900.0),
    ("FI", "EU", 64.0, 26.0, ("boreal_coniferous_forest", "boreal_tundra_woodland"), 120.0),
    ("FR", "EU", 46.6, 2.4, ("temperate_oceanic_forest", "temperate_mountain_systems"), 50.0),
    ("IN-MH", "IND", 19.5, 76.0, ("tropical_dry_forest", "tropical_moist_deciduous_forest"), 800.0),
    ("IN-RJ", "IND", 26.6, 73.8, ("tropical_shrubland", "tropical_dry_forest"), 850.0),
    ("US-GA", "USA", 32.7, -83.4, ("subtropical_humid_forest", "temperate_continental_forest"), 450.0),
    ("US-WA", "USA", 47.4, -120.5, ("temperate_mountain_systems", "temperate_oceanic_forest"), 100.0),
)


def make_inputs(seed: int = 0) -> xr.Dataset:
    """An inputs Dataset for 10 subregions (two per region) with illustrative values."""
    rng = np.random.default_rng(seed)
    tables = forest_tables.load()
    rows = set(forest_tables.stand_rows())
    n, nz = len(SUBREGIONS), len(ECOZONES)
    codes = [s[0] for s in SUBREGIONS]
    allowed = np.zeros((n, nz, 2), bool)
    lrp = np.zeros((n, nz))
    ovl = np.zeros((n, nz))
    for i, s in enumerate(SUBREGIONS):
        for z in s[4]:
            j = ECOZONES.index(z)
            for k, ft in enumerate(FOREST_TYPES):
                allowed[i, j, k] = (z, ft) in rows
            lrp[i, j] = rng.uniform(1e4, 1e6)
            ovl[i, j] = rng.uniform(0, 2e5)
    cell = {(z, ft): tables.cell(z, ft) for z, ft in rows}
    zone_val = lambda key: np.array([next(cell[r][key] for r in cell if r[0] == z) for z in ECOZONES])  # noqa: E731
    zf_val = lambda key: np.array([[cell[(z, ft)][key] if (z, ft) in cell else np.nan  # noqa: E731
                                    for ft in FOREST_TYPES] for z in ECOZONES])
    years = np.arange(2030, 2110, 10)
    shape = np.array([0.02, 0.07, 0.16, 0.28, 0.42, 0.58, 0.78, 1.0])
    sr, reg = ("subregion",), ("region",)
    ds = xr.Dataset(
        {
            "name": (sr, np.array(codes)),
            "lat": (sr, np.array([s[2] for s in SUBREGIONS])),
            "lon": (sr, np.array([s[3] for s in SUBREGIONS])),
            "land_area": (sr, rng.uniform(3e6, 1e8, n)),
            "lrp": (("subregion", "ecozone"), lrp),
            "ovl": (("subregion", "ecozone"), ovl),
            "forest_type_allowed": (("subregion", "ecozone", "forest_type"), allowed),
            "mal": (sr, rng.uniform(1e4, 1e6, n)),
            "lhw": (sr, rng.uniform(0, 1e6, n)),
            "storage": (sr, np.where(np.arange(n) % 4 == 3, 0.0, rng.uniform(1e8, 1e10, n))),
            "grid_intensity_2020": (sr, np.array([s[5] for s in SUBREGIONS])),
            "electricity_price": (sr, rng.uniform(40, 90, n)),
            "diesel_price": (sr, rng.uniform(0.6, 1.6, n)),
            "gas_price": (sr, rng.uniform(3, 10, n)),
            "labour_cost": (sr, rng.uniform(3, 40, n)),
            "ppp_factor": (sr, rng.uniform(0.4, 1.1, n)),
            "crop_yield": (("subregion", "biomass"), rng.uniform(4, 20, (n, 5)) * (rng.random((n, 5)) > 0.1)),
            "straw_removal_share": (sr, rng.uniform(0.3, 0.5, n)),
            "growth_B": (("ecozone",), zone_val("B")),
            "growth_G": (("ecozone",), zone_val("G")),
            "rs_R1": (("ecozone", "forest_type"), zf_val("R1")),
            "rs_R2": (("ecozone", "forest_type"), zf_val("R2")),
            "carbon_fraction": (("ecozone", "forest_type"), zf_val("Cf")),
            "fire_mfri": (("ecozone",), zone_val("mfri")),
            "fire_vdep": (("ecozone",), zone_val("vdep")),
            "target": (("region", "year"), np.outer([7e9, 56e9, 81e9, 20e9, 87e9], shape)),
        },
        coords={
            "subregion": codes, "subregion_region": (sr, [s[1] for s in SUBREGIONS]),
            "region": ["BRA", "CHN", "EU", "IND", "USA"], "ecozone": list(ECOZONES),
            "forest_type": list(FOREST_TYPES), "biomass": list(BIOMASS), "year": years,
        },
    )
    for v in ds.data_vars:
        ds[v].attrs.update(units="test", source="tests/model/test_coeff_inputs.py (illustrative)")
    del reg
    return ds


def test_require_names_variable_and_first_bad_index():
    ds = make_inputs()
    ds["diesel_price"][3] = -1.0
    with pytest.raises(InputError, match=r"'diesel_price'.*subregion=CN-HL"):
        require(ds, "diesel_price", ("subregion",))
    with pytest.raises(InputError, match="missing variable 'no_such'"):
        require(ds, "no_such", ("subregion",))


def test_require_rejects_nan_and_wrong_dims():
    ds = make_inputs()
    ds["crop_yield"][2, 1] = np.nan
    with pytest.raises(InputError, match=r"'crop_yield'.*subregion=CN-YN, biomass=switchgrass"):
        require(ds, "crop_yield", ("subregion", "biomass"))
    with pytest.raises(InputError, match="dims"):
        require(ds, "crop_yield", ("subregion",))


def test_unknown_region_code_is_reported():
    ds = make_inputs()
    ds = ds.assign_coords(subregion_region=("subregion", ["BRA"] * 9 + ["XXX"]))
    with pytest.raises(InputError, match=r"unknown region 'XXX' at subregion=US-WA"):
        subregion_regions(ds)
