"""Corrupted copies of the bundled data folder: each gives one clear InputError naming the file,
the column and the first offending line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastmonet.data import DEFAULT_PATH, check, load
from fastmonet.errors import InputError


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(DEFAULT_PATH, dst, ignore=shutil.ignore_patterns("technology", "sources",
                                                                     "scripts", "*.md"))
    return dst


@pytest.fixture
def data(pristine, tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(pristine, dst)
    return dst


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def raises(data: Path, *patterns: str) -> str:
    with pytest.raises(InputError) as info:
        check(data)
    message = str(info.value)
    for p in patterns:
        assert re.search(p, message), f"{p!r} not in {message!r}"
    return message


def test_copy_is_valid(pristine):
    assert check(pristine).n_subregions == 169


def test_missing_file(data):
    (data / "storage.csv").unlink()
    raises(data, r"storage\.csv: data file not found")


def test_missing_folder(tmp_path):
    with pytest.raises(InputError, match="data folder not found"):
        check(tmp_path / "nowhere")


def test_missing_column(data):
    path = data / "land.csv"
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(",".join(r[:1] + r[2:]) + "\n" for r in rows), encoding="utf-8")
    raises(data, r"land\.csv: missing column 'mal_ha'")


def set_cell(path: Path, key: str, header: str, value: str) -> None:
    """Replace the cell of column `header` in the row whose first field is `key`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    col = lines[0].split(",").index(header)
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == key:
            cells[col] = value
            lines[i] = ",".join(cells)
            break
    else:
        raise AssertionError(f"no row {key!r} in {path.name}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_wrong_type(data):
    set_cell(data / "energy.csv", "BR-AL", "electricity_price_usd2018_per_mwh", "cheap")
    raises(data, r"energy\.csv: column 'electricity_price_usd2018_per_mwh', line 3 "
                 r"\(subregion='BR-AL'\): 'cheap' is not a number")


def test_negative_area(data):
    set_cell(data / "subregions.csv", "BR-AL", "land_area_ha", "-5")   # by key: data edits move values
    raises(data, r"subregions\.csv: column 'land_area_ha', line 3 \(subregion='BR-AL'\): "
                 r"-5(\.0)? is out of range")


def test_nan_value(data):
    edit(data / "storage.csv", "BR-AM,0,0,", "BR-AM,,0,")
    raises(data, r"storage\.csv: column 'storage_low_mtco2', line 4 \(subregion='BR-AM'\): "
                 r"missing value")


def test_nan_text_value(data):
    edit(data / "crop_yield.csv", "BR-AC,14,", "BR-AC,nan,")
    raises(data, r"crop_yield\.csv: column 'miscanthus_tdm_per_ha_yr', line 2.*missing value")


def test_duplicate_subregion(data):
    path = data / "subregions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:4] + [lines[2]] + lines[4:]), encoding="utf-8")
    raises(data, r"subregions\.csv: column 'subregion', line 5 \(subregion='BR-AL'\): duplicate")


def test_unknown_region(data):
    edit(data / "subregions.csv", "BR-AP,BRA,", "BR-AP,ATL,")
    raises(data, r"subregions\.csv: column 'region', line 5 \(subregion='BR-AP'\): unknown region "
                 r"'ATL'")


def test_unknown_zone(data):
    edit(data / "land_ecozone.csv", "BR-AC,tropical_rainforest,", "BR-AC,tropical_tundra,")
    raises(data, r"land_ecozone\.csv: column 'ecozone', line 2 \(subregion='BR-AC', "
                 r"ecozone='tropical_tundra'\): unknown ecozone")


def test_unknown_subregion_reference(data):
    edit(data / "land_ecozone.csv", "BR-AC,tropical_rainforest,", "BR-XX,tropical_rainforest,")
    raises(data, r"land_ecozone\.csv: column 'subregion', line 2.*unknown subregion 'BR-XX'")


def test_share_above_one(data):
    set_cell(data / "land.csv", "BR-AL", "straw_removal_share", "1.3")
    raises(data, r"land\.csv: column 'straw_removal_share', line 3 \(subregion='BR-AL'\): "
                 r"1\.3 is out of range \(a share must be in \[0, 1\]\)")


def test_wrong_units_label(data):
    edit(data / "land_ecozone.csv", ",lrp_ha,", ",lrp_kha,")
    raises(data, r"land_ecozone\.csv: column 'lrp_kha' has units label 'kha', expected 'ha'")


def test_empty_table(data):
    path = data / "energy.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    raises(data, r"energy\.csv: table has no data rows")


def test_empty_file(data):
    (data / "targets.csv").write_text("", encoding="utf-8")
    raises(data, r"targets\.csv: file is empty")


def test_mismatched_national_total(data):
    edit(data / "storage_totals.csv", "USA,medium,8533", "USA,medium,8530")
    raises(data, r"storage\.csv: column 'storage_medium_mtco2': sum over USA is 8533000 MtCO2 "
                 r"but .*storage_totals\.csv line \d+ \(scope='USA', case='medium'\) declares 8530")


def test_mismatched_subregion_total(data):
    edit(data / "storage.csv", "GB,78000,78000,78000", "GB,78000,77000,78000")
    raises(data, r"sum over (EU|GB) is \d+ MtCO2")


def test_missing_subregion_row(data):
    edit(data / "energy.csv", next(line for line in (data / "energy.csv").read_text().splitlines()
                                   if line.startswith("US-WY")) + "\n", "")
    raises(data, r"energy\.csv: column 'subregion': no row for subregion 'US-WY'")


def test_forest_type_not_modelled_in_zone(data):
    set_cell(data / "land_ecozone.csv", "BR-AC", "conifers_allowed", "true")
    raises(data, r"land_ecozone\.csv: column 'conifers_allowed', line 2.*not modelled")


def test_bad_boolean(data):
    set_cell(data / "land_ecozone.csv", "BR-AC", "broadleaves_allowed", "maybe")
    raises(data, r"column 'broadleaves_allowed', line 2.*'maybe' is not a boolean")


def test_target_shape_must_end_at_one(data):
    edit(data / "target_shape.csv", "2100,1.00", "2100,0.90")
    raises(data, r"target_shape\.csv: column 'fraction_share', year 2100: must be 1")


def test_missing_target(data):
    edit(data / "targets.csv", "IND,p4,58,sourced\n", "")
    raises(data, r"targets\.csv: column 'region': no row for region='IND', case='p4'")


def test_transition_unit(data):
    edit(data / "energy_transition.csv", "grid_zero_year,2050,year", "grid_zero_year,2050,yr")
    raises(data, r"energy_transition\.csv: column 'unit', line 3.*'yr' is not one of year")


def test_forest_table_problem_is_reported(data):
    (data / "forest" / "table7_fire.csv").unlink()
    raises(data, r"table7_fire\.csv")


def test_bad_options():
    with pytest.raises(InputError, match="option storage='huge'"):
        load(storage="huge")
    with pytest.raises(InputError, match="option targets='p5'"):
        load(targets="p5")


# --- Finding 6 of issue 8: `data check` must refuse what `solve` would reject or misread ---------

def test_lrp_larger_than_the_subregion(data):
    set_cell(data / "land_ecozone.csv", "BR-AC", "lrp_ha", "900000000")   # 900 Mha in 16 Mha
    raises(data, r"land_ecozone\.csv: columns 'lrp_ha' \+ 'ovl_ha', line 2 \(subregion='BR-AC'\) "
                 r"sum to 900\d{6} ha.*land\.csv line 2\) exceed the land_area_ha \d+ ha",
           r"subregions\.csv line 2")
    with pytest.raises(InputError, match="lrp_ha"):   # solve reads through the same checks
        load(data)


def test_mal_larger_than_the_subregion(data):
    set_cell(data / "land.csv", "BR-AL", "mal_ha", "3000000")
    raises(data, r"land_ecozone\.csv: columns 'lrp_ha' \+ 'ovl_ha', lines 3, 4 "
                 r"\(subregion='BR-AL'\).*mal_ha 3000000 ha")


def test_wheat_land_larger_than_the_subregion(data):
    set_cell(data / "land.csv", "BR-AL", "lhw_ha", "3000000")
    raises(data, r"land\.csv: column 'lhw_ha', line 3 \(subregion='BR-AL'\): 3000000 ha exceeds")


def test_zone_shares_summing_above_one(data):
    edit(data / "land_ecozone.csv", "BR-AL,tropical_shrubland,0.4,", "BR-AL,tropical_shrubland,0.5,")
    raises(data, r"land_ecozone\.csv: column 'area_share', lines 3, 4 \(subregion='BR-AL'\): "
                 r"the zone shares sum to 1\.1")


def test_subregion_missing_from_land_ecozone(data):
    path = data / "land_ecozone.csv"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                            if not line.startswith("BR-AC,")))
    raises(data, r"land_ecozone\.csv: column 'subregion': no row for subregion 'BR-AC'")


def test_absurd_target(data):
    set_cell(data / "targets.csv", "CHN", "target_2100_gtco2", "1e300")
    raises(data, r"targets\.csv: column 'target_2100_gtco2', line 3 \(region='CHN', case='p3'\): "
                 r"1e300 is out of range \(allowed range \[0, 2500\] gtco2: more than all the CO2")


def test_transition_ending_before_it_starts(data):
    set_cell(data / "energy_transition.csv", "grid_zero_year", "value", "2010")
    raises(data, r"energy_transition\.csv: column 'value', line 3 \(parameter='grid_zero_year'\): "
                 r"grid_zero_year 2010 is not after grid_start_year 2020 \(line 2\)")


def test_duplicate_header(data):
    path = data / "land.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",mal_ha"] + [line + ",0" for line in lines[1:]]) + "\n")
    raises(data, r"land\.csv: column 'mal_ha', line 1: header repeated \(columns 2 and \d+\)")


def test_status_columns_are_accepted(pristine):
    # H3's provenance columns (status, status_<header>) are not schema columns: never refused.
    header = (pristine / "land.csv").read_text().splitlines()[0]
    assert "status" in header.split(",")
    assert check(pristine).n_subregions == 169


@pytest.mark.parametrize("end", ["lo", "hi"])
def test_values_at_the_bounds_pass_check_and_build(pristine, tmp_path, end):
    """`data check` passes iff the pipeline accepts: every per-subregion number of energy.csv,
    crop_yield.csv and the shares of land.csv at its schema bound builds the coefficients."""
    import pandas as pd

    from fastmonet import coefficients
    from fastmonet.data.schema import TABLES

    dst = tmp_path / "data"
    shutil.copytree(pristine, dst)
    for name in ("energy", "crop_yield", "land"):
        table = TABLES[name]
        path = dst / table.file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in table.columns:
            if col.kind == "float" and (name != "land" or col.unit == "share"):
                frame[col.header] = repr(getattr(col, end))
        frame.to_csv(path, index=False)
    check(dst)
    coeffs = coefficients.build(load(dst))
    assert coeffs.sizes["subregion"] == 169


# --- Properties: out-of-bound values fail naming file and column; values within bounds pass ----

def _bounded():
    from fastmonet.data.schema import TABLES
    return [(name, col) for name, t in TABLES.items() for col in t.columns
            if col.kind == "float" and np.isfinite(col.hi) and np.isfinite(col.lo)]


def _set_row(path: Path, row: int, header: str, value: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    col = lines[0].split(",").index(header)
    row = row % (len(lines) - 1) + 1
    cells = lines[row].split(",")
    cells[col] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"line {row + 1}"


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.sampled_from(_bounded()), row=st.integers(0, 1000), above=st.booleans(),
       factor=st.floats(1.001, 1e6))
def test_out_of_bound_values_fail_naming_file_and_column(pristine, tmp_path_factory, pick, row,
                                                         above, factor):
    from fastmonet.data.schema import TABLES

    name, col = pick
    lo, hi = col.lo, col.hi
    value = hi * factor + 1e-9 if above else (lo - abs(lo) * (factor - 1) - 1e-6 * factor)
    dst = tmp_path_factory.mktemp("oob") / "data"
    shutil.copytree(pristine, dst)
    line = _set_row(dst / TABLES[name].file, row, col.header, repr(value))
    raises(dst, rf"{re.escape(TABLES[name].file)}: column '{col.header}', {line} \(",
           "out of range")


# Columns whose values no cross-field rule ties to another: any value within bounds is valid.
FREE = {"energy": None, "crop_yield": None, "land": ("straw_removal_share", "water_low_risk_share"),
        "subregions": ("lat_deg", "lon_deg")}


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.sampled_from([(n, c) for n, c in _bounded() if n in FREE
                             and (FREE[n] is None or c.header in FREE[n])]),
       row=st.integers(0, 1000), where=st.floats(0.0, 1.0))
def test_values_within_bounds_pass(pristine, tmp_path_factory, pick, row, where):
    from fastmonet.data.schema import TABLES

    name, col = pick
    value = col.lo + where * (col.hi - col.lo)
    dst = tmp_path_factory.mktemp("ok") / "data"
    shutil.copytree(pristine, dst)
    _set_row(dst / TABLES[name].file, row, col.header, repr(value))
    assert check(dst).n_subregions == 169
