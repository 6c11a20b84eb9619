"""The bundled dataset: counts, published totals (Tables 1 and 8), and the layout of the inputs
Dataset (formulation §9.2)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from fastmonet import forest_tables
from fastmonet.data import check, load

# Published inputs the data must carry (paper Tables 1 and 8; formulation §6.8 and §9.4).
TABLE1 = {"p3": {"BRA": 7, "CHN": 56, "EU": 81, "IND": 20, "USA": 87},
          "p4": {"BRA": 21, "CHN": 161, "EU": 235, "IND": 58, "USA": 252}}
TABLE8 = {"low": {"BRA": 0.95, "CHN": 54, "EU": 180, "IND": 0, "USA": 2565},
          "medium": {"BRA": 0.95, "CHN": 3106, "EU": 180, "IND": 0, "USA": 8533},
          "high": {"BRA": 641, "CHN": 3106, "EU": 180, "IND": 53, "USA": 21865}}
COUNTS = {"BRA": 27, "CHN": 31, "EU": 28, "IND": 33, "USA": 50}
SHAPE = [0.02, 0.07, 0.16, 0.28, 0.42, 0.58, 0.78, 1.00]

CONTRACT2 = {
    "name": ("subregion",), "lat": ("subregion",), "lon": ("subregion",),
    "land_area": ("subregion",), "lrp": ("subregion", "ecozone"), "ovl": ("subregion", "ecozone"),
    "forest_type_allowed": ("subregion", "ecozone", "forest_type"), "mal": ("subregion",),
    "lhw": ("subregion",), "storage": ("subregion",), "storage_low": ("subregion",),
    "storage_medium": ("subregion",), "storage_high": ("subregion",),
    "grid_intensity_2020": ("subregion",), "electricity_price": ("subregion",),
    "diesel_price": ("subregion",), "gas_price": ("subregion",), "labour_cost": ("subregion",),
    "ppp_factor": ("subregion",), "crop_yield": ("subregion", "biomass"),
    "straw_removal_share": ("subregion",), "growth_B": ("ecozone",), "growth_G": ("ecozone",),
    "rs_R1": ("ecozone", "forest_type"), "rs_R2": ("ecozone", "forest_type"),
    "carbon_fraction": ("ecozone", "forest_type"), "fire_mfri": ("ecozone",),
    "fire_vdep": ("ecozone",), "target": ("region", "year"),
}


@pytest.fixture(scope="module")
def ds() -> xr.Dataset:
    return load()


def by_region(ds: xr.Dataset, var: str) -> dict[str, float]:
    return {r: float(ds[var].where(ds.subregion_region == r).sum()) for r in ds.region.values}


def test_subregion_counts(ds):
    assert ds.sizes["subregion"] == 169
    regions, counts = np.unique(ds.subregion_region.values, return_counts=True)
    assert dict(zip(regions, counts.tolist())) == COUNTS
    assert len(set(ds.subregion.values)) == 169


def test_codes_follow_iso(ds):
    for code, region in zip(ds.subregion.values, ds.subregion_region.values):
        if region == "EU":
            assert len(code) == 2 and code.isupper(), code
        else:
            prefix = {"BRA": "BR-", "CHN": "CN-", "IND": "IN-", "USA": "US-"}[region]
            assert code.startswith(prefix), code


@pytest.mark.parametrize("case", ["low", "medium", "high"])
def test_storage_sums_equal_table8(ds, case):
    sums = by_region(ds, f"storage_{case}")
    for region, gt in TABLE8[case].items():
        assert sums[region] == pytest.approx(gt * 1e9, abs=0.5e6), (region, case)
    assert float(ds[f"storage_{case}"].sel(subregion="GB")) == pytest.approx(78e9)


def test_storage_selection():
    for case in ("low", "high"):
        d = load(storage=case)
        np.testing.assert_array_equal(d["storage"].values, d[f"storage_{case}"].values)
        assert d["storage"].attrs["case"] == case


@pytest.mark.parametrize("case", ["p3", "p4"])
def test_targets_equal_table1(case):
    d = load(targets=case)
    for region, gt in TABLE1[case].items():
        assert float(d["target"].sel(region=region, year=2100)) == pytest.approx(gt * 1e9)
        np.testing.assert_allclose(d["target"].sel(region=region).values,
                                   np.array(SHAPE) * gt * 1e9, rtol=1e-12)
    assert list(d.year.values) == list(range(2030, 2101, 10))


def test_contract2_variables(ds):
    for name, dims in CONTRACT2.items():
        assert name in ds, name
        assert ds[name].dims == dims, (name, ds[name].dims)
        assert ds[name].attrs.get("units"), name
        assert ds[name].attrs.get("source"), name
    assert list(ds.region.values) == ["BRA", "CHN", "EU", "IND", "USA"]
    assert list(ds.ecozone.values) == list(forest_tables.ZONES)
    assert list(ds.forest_type.values) == ["broadleaves", "conifers"]
    assert list(ds.biomass.values) == ["miscanthus", "switchgrass", "willow", "poplar",
                                       "wheat_straw"]
    assert ds["subregion_region"].dims == ("subregion",)


def test_forest_variables_are_the_forest_tables(ds):
    ref = forest_tables.load().to_dataset()
    for name in ref.data_vars:
        xr.testing.assert_identical(ds[name], ref[name])


def test_land_is_consistent(ds):
    for var in ("lrp", "ovl", "mal", "lhw", "land_area"):
        assert np.all(np.isfinite(ds[var].values)) and np.all(ds[var].values >= 0), var
    # AR land only where the zone occurs, and only in zones that can hold a modelled forest type.
    ar = (ds.lrp + ds.ovl) > 0
    assert not bool((ar & ~ds.ecozone_present).any())
    assert bool((ds.forest_type_allowed.any("forest_type") | ~ds.ecozone_present).all())
    # Griscom et al. exclude boreal zones from reforestation land.
    boreal = [z for z in ds.ecozone.values if z.startswith("boreal")]
    assert float((ds.lrp + ds.ovl).sel(ecozone=boreal).sum()) == 0.0
    # Land never exceeds the subregion's area; zone shares never exceed one.
    total = (ds.lrp + ds.ovl).sum("ecozone") + ds.mal + ds.lhw
    assert bool((total <= ds.land_area).all())
    assert bool((ds.ecozone_share.sum("ecozone") <= 1 + 1e-9).all())


def test_shares_and_prices_in_range(ds):
    for var in ("straw_removal_share", "water_low_risk_share"):
        assert bool(((ds[var] >= 0) & (ds[var] <= 1)).all()), var
    for var in ("electricity_price", "diesel_price", "gas_price", "labour_cost", "ppp_factor"):
        assert bool((ds[var] > 0).all()), var
    assert bool((ds.crop_yield.sel(biomass="wheat_straw") > 0).all())


def test_centroids_fall_in_their_region(ds):
    boxes = {"BRA": (-34, 6, -75, -34), "CHN": (18, 54, 73, 135), "EU": (34, 70, -11, 35),
             "IND": (6, 37, 68, 98), "USA": (18, 72, -170, -66)}
    for lat, lon, region in zip(ds.lat.values, ds.lon.values, ds.subregion_region.values):
        s, n, w, e = boxes[str(region)]
        assert s <= lat <= n and w <= lon <= e, (region, lat, lon)


def test_check_summary_matches_dataset(ds):
    summary = check()
    assert summary.n_subregions == 169
    assert summary.value("USA", "storage_gt", "medium") == pytest.approx(8533)
    assert summary.value("EU", "target_2100_gt", "p4") == pytest.approx(235)
    assert summary.value("IND", "subregions") == 33
    lhw = by_region(ds, "lhw")
    assert summary.value("CHN", "lhw_mha") == pytest.approx(lhw["CHN"] / 1e6, rel=1e-6)
