"""Technology TOML loader: every number has a unit and a source; bad files name file/section/key."""

from __future__ import annotations

import shutil

import pytest

from fastmonet import technology
from fastmonet.dimensions import BIOMASS
from fastmonet.errors import InputError


def test_bundled_files_load_with_provenance():
    t = technology.load()
    assert t.finance.crf == pytest.approx(0.08 * 1.08 ** 30 / (1.08 ** 30 - 1))
    assert set(t.crops) == set(BIOMASS) and set(t.dac) == {"ce", "cw"}
    assert t.dac["ce"].gas == 5.25 and t.dac["ce"].electricity == 0.366      # Formulation §4 / Keith et al.
    assert t.dac["ce"].capex == 1600 and t.dac["cw"].capex == 1815
    assert len(t.provenance) > 100
    assert all(unit and source for unit, source in t.provenance.values())
    assert t.sea_distance_km("EU", "BRA") == t.sea_distance_km("BRA", "EU") > 5000


def test_beccs_plant_captures_about_4_2_mt_per_year():
    # Formulation §3: ~4.2 MtCO2/yr captured by the 500 MW archetype (a consequence of the stated
    # efficiency, capacity factor and fuel properties, checked here for miscanthus).
    t = technology.load()
    pl, crop = t.plant, t.crops["miscanthus"]
    fuel_gj = pl.capacity * pl.capacity_factor * 8760 * 3.6 / pl.net_efficiency
    captured = fuel_gj / crop.lhv * crop.carbon * 44 / 12 * pl.capture_rate
    assert 3.8e6 < captured < 4.6e6


def _copy(tmp_path):
    d = tmp_path / "tech"
    shutil.copytree(technology.DEFAULT_DIR, d)
    return d


def test_missing_source_is_reported(tmp_path):
    d = _copy(tmp_path)
    p = d / "dac.toml"
    p.write_text(p.read_text().replace(
        'gas = { value = 5.25, unit = "GJ/tCO2", source = "formulation §4; Keith et al. 2018 (Joule 2:1573), '
        'configuration C (gas for heat, grid electricity)" }',
        'gas = { value = 5.25, unit = "GJ/tCO2" }'))
    with pytest.raises(InputError, match=r"dac.toml \[ce\] gas"):
        technology.load(d)


def test_negative_and_unknown_keys_are_reported(tmp_path):
    d = _copy(tmp_path)
    p = d / "beccs.toml"
    text = p.read_text()
    p.write_text(text.replace("value = 0.85, unit", "value = -0.85, unit"))
    with pytest.raises(InputError, match=r"beccs.toml \[plant\] capacity_factor.*out of range \[0, 1\]"):
        technology.load(d)
    p.write_text(text + '\n[extra]\n')
    p.write_text(text.replace("[plant]\n", '[plant]\nbogus = { value = 1.0, unit = "-", source = "x" }\n'))
    with pytest.raises(InputError, match="unknown key 'bogus'"):
        technology.load(d)


def test_region_override_applies_to_that_region_only(tmp_path):
    d = _copy(tmp_path)
    p = d / "ar_operations.toml"
    p.write_text(p.read_text()
                 + '\n[region.IND.establishment]\nseedlings = { value = 1100.0, unit = "1/ha", source = "test" }\n')
    t = technology.load(d)
    assert t.ar_for_region("IND").establishment.seedlings == 1100.0
    assert t.ar_for_region("EU").establishment.seedlings == t.ar.establishment.seedlings == 1600.0
    assert t.ar_for_region("IND").roads == t.ar.roads
    p.write_text(p.read_text() + '\n[region.XYZ.roads]\n')
    with pytest.raises(InputError, match=r"region.XYZ"):
        technology.load(d)


def test_missing_directory_and_bad_sea_pair(tmp_path):
    with pytest.raises(InputError, match="not found"):
        technology.load(tmp_path / "nope")
    d = _copy(tmp_path)
    p = d / "transport.toml"
    p.write_text(p.read_text().replace("CHN-EU = 10500.0", "CHN-EU = 0.0"))
    with pytest.raises(InputError, match=r"sea_distance_nm\] CHN-EU"):
        technology.load(d)
