"""Forest tables (Tables 2, 4-7): contents as published, loader validation."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from fastmonet import forest_tables as ft
from fastmonet.errors import InputError


def _round_half_up(x: float) -> int:
    # The paper rounds 71.5 -> 72 and 37.5 -> 38 (half up, not Python's half-to-even); nine decimals
    # first so that 71.49999999999999 from binary arithmetic counts as 71.5.
    return int(Decimal(f"{float(x):.9f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def tables():
    return ft.load()


def test_all_zones_and_rows(tables):
    assert list(tables.growth.index) == list(ft.ZONES)
    assert list(tables.fire.index) == list(ft.ZONES)
    rows = ft.stand_rows()
    assert len(rows) == 18  # 5+4 broadleaf zones, 3 temperate x 2 types, 3 boreal conifers
    assert ("temperate_oceanic_forest", "conifers") in rows
    assert ("tropical_rainforest", "conifers") not in rows
    assert ("boreal_tundra_woodland", "broadleaves") not in rows


def test_growing_period_is_b_over_g_rounded(tables):
    g = tables.growth
    for zone, row in g.iterrows():
        assert _round_half_up(row["B"] / row["G"]) == row["growing_period"], zone
    # spot values of the published table
    assert g.loc["tropical_rainforest", ["B", "G"]].tolist() == [300.0, 7.0]
    assert g.loc["boreal_tundra_woodland", ["B", "G"]].tolist() == [15.0, 0.4]


def test_table7_last_column_is_one_minus_rfire(tables):
    f = tables.fire
    for zone, row in f.iterrows():
        rfire = row["vdep"] * (1.0 - row["mfri"] / 100.0) if row["mfri"] <= 100.0 else 0.0
        assert _round_half_up(100.0 * (1.0 - rfire)) == row["one_minus_rfire_pct"], zone
    assert f.loc["subtropical_humid_forest", "one_minus_rfire_pct"] == 72


def test_root_shoot_and_carbon(tables):
    fit = tables.root_shoot_fit
    assert fit.loc[("tropical_moist_deciduous_forest", "broadleaves")].tolist() == [801.0, 0.00029]
    assert fit.loc[("tropical_rainforest", "broadleaves"), "R2"] == 0.0
    assert fit.loc[("subtropical_steppe", "broadleaves"), "R2"] == 0.0
    assert fit.loc[("temperate_mountain_systems", "conifers")].tolist() == [25.0, 0.02159]
    assert fit.loc[("temperate_mountain_systems", "broadleaves")].tolist() == [24.0, 0.02275]
    c = tables.cell("temperate_oceanic_forest", "conifers")
    assert c["Cf"] == 0.51 and c["mfri"] == 424 and c["vdep"] == pytest.approx(0.61)
    assert tables.cell("boreal_tundra_woodland", "conifers")["Cf"] == 0.51
    assert tables.cell("tropical_rainforest", "broadleaves")["Cf"] == 0.47
    # Table 4: classes of one zone/type do not overlap and cover [0, inf)
    for (zone, ftype), rows in tables.root_shoot_ipcc.groupby(["zone", "forest_type"]):
        rows = rows.sort_values("agb_min")
        assert rows["agb_min"].iloc[0] == 0.0 and np.isinf(rows["agb_max"].iloc[-1]), zone
        assert (rows["agb_max"].to_numpy()[:-1] == rows["agb_min"].to_numpy()[1:]).all(), zone


def test_to_dataset(tables):
    ds = tables.to_dataset()
    assert ds.sizes == {"ecozone": 15, "forest_type": 2}
    for name in ("growth_B", "growth_G", "rs_R1", "rs_R2", "carbon_fraction", "fire_mfri", "fire_vdep"):
        assert "units" in ds[name].attrs and "source" in ds[name].attrs
        assert np.isfinite(ds[name].values).all()
    assert float(ds.rs_R1.sel(ecozone="temperate_oceanic_forest", forest_type="conifers")) == 25.0
    assert float(ds.fire_vdep.sel(ecozone="subtropical_dry_forest")) == pytest.approx(0.30)


@pytest.fixture
def table_copy(tmp_path):
    dst = tmp_path / "forest"
    shutil.copytree(ft.DATA_DIR, dst)
    return dst


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_bad_number_names_file_column_row(table_copy):
    _edit(table_copy / "table2_growth.csv", "300,7.0", "300,abc")
    with pytest.raises(InputError, match=r"table2_growth\.csv.*biomass_growth_tdm_ha_yr.*line 2 \(zone="):
        ft.load(table_copy)


def test_nonpositive_growth_rejected(table_copy):
    _edit(table_copy / "table2_growth.csv", "180,5.0,36", "180,0,36")
    with pytest.raises(InputError, match=r"biomass_growth_tdm_ha_yr.*line 3"):
        ft.load(table_copy)


def test_unknown_and_missing_zone(table_copy):
    _edit(table_copy / "table7_fire.csv", "boreal_mountain_systems,", "boreal_mountains,")
    with pytest.raises(InputError, match=r"table7_fire\.csv.*line 16.*boreal_mountains"):
        ft.load(table_copy)


def test_missing_column_and_dir(table_copy, tmp_path):
    _edit(table_copy / "table5_root_shoot_fit.csv", "zone,forest_type,r1,r2", "zone,forest_type,r1,rr")
    with pytest.raises(InputError, match=r"table5_root_shoot_fit\.csv.*missing column.*r2"):
        ft.load(table_copy)
    with pytest.raises(InputError, match="not found"):
        ft.load(tmp_path / "nowhere")


def test_vdep_out_of_range(table_copy):
    _edit(table_copy / "table7_fire.csv", "subtropical_dry_forest,24,30,", "subtropical_dry_forest,24,130,")
    with pytest.raises(InputError, match=r"vdep_pct.*line 8"):
        ft.load(table_copy)


def test_unknown_zone_lookup():
    with pytest.raises(InputError, match="unknown ecological zone"):
        ft.zone_climate("lunar_forest")


def test_repeated_header_and_absurd_growth(table_copy):
    # Issue 8, finding 6: a repeated header would be read as `name.1` and ignored.
    path = table_copy / "table7_fire.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",mfri_yr"] + [line + ",1" for line in lines[1:]]) + "\n")
    with pytest.raises(InputError, match=r"table7_fire\.csv: column 'mfri_yr', line 1: header "
                                         r"repeated"):
        ft.load(table_copy)
    _edit(table_copy / "table2_growth.csv", "300,7.0", "300,7000")
    with pytest.raises(InputError, match=r"table2_growth\.csv: column 'biomass_growth_tdm_ha_yr', "
                                         r"line 2 \(zone='tropical_rainforest'\): 7000 is outside "
                                         r"\(0, 100\]: about twice"):
        ft.load(table_copy)
