"""The technology TOMLs are checked like the CSVs: types, units, bounds, unknown and missing keys
(issue 8, findings 2 and 6). Each bad file gives one InputError naming the file, table and key."""

from __future__ import annotations

import math
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastmonet import technology
from fastmonet.data import DEFAULT_PATH
from fastmonet.dimensions import BIOMASS, DAC_TECHS
from fastmonet.errors import InputError
from fastmonet.technology_schema import BOUNDS

SRC = DEFAULT_PATH / "technology"
# (file, table, key, class) of every plain entry of the bundled TOMLs.
CLASS_OF = {"finance": "Finance", "transition": "Transition", "fuels": "Fuels",
            "nitrogen": "Nitrogen", "materials": "Materials", "land_use_change": "LandUseChange",
            "establishment": "AREstablishment", "roads": "ARRoads", "thinning": "ARThinning",
            "plant": "BECCSPlant", "transport_storage": "TransportStorage",
            "common": "BiomassCommon", "road": "Road", "sea": "Sea",
            **{b: "Crop" for b in BIOMASS}, **{k: "DACTech" for k in DAC_TECHS}}
ENTRIES = [(f, t, k, CLASS_OF[t])
           for f in sorted(technology.FILES)
           for t, table in tomllib.loads((SRC / f).read_text()).items() if t in CLASS_OF
           for k in table]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("tech") / "technology"
    shutil.copytree(SRC, dst)
    return dst


def set_value(folder: Path, file: str, table: str, key: str, value: str) -> None:
    """Replace `value = ...` of `key` in `[table]` of `file`, keeping the rest of the text."""
    path = folder / file
    lines = path.read_text().splitlines()
    section = None
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip()[1:-1]
        elif section == table and re.match(rf"{key}\s*=", line):
            lines[i] = re.sub(r"value = [^,]+,", f"value = {value},", line, count=1)
            path.write_text("\n".join(lines) + "\n")
            return
    raise AssertionError(f"{key} not in [{table}] of {file}")


def fails(folder: Path, pattern: str) -> str:
    with pytest.raises(InputError) as info:
        technology.load(folder)
    assert re.search(pattern, str(info.value)), str(info.value)
    assert "\n" not in str(info.value)
    return str(info.value)


@pytest.fixture
def tech(pristine, tmp_path) -> Path:
    dst = tmp_path / "technology"
    shutil.copytree(pristine, dst)
    return dst


def test_every_bundled_entry_has_a_bound():
    assert len(ENTRIES) > 100
    for f, t, k, cls in ENTRIES:
        assert k in BOUNDS[cls], (f, t, k)
        assert BOUNDS[cls][k].reason


def test_every_dataclass_field_has_a_bound():
    import dataclasses
    for cls_name in set(CLASS_OF.values()):
        cls = getattr(technology, cls_name)
        assert {f.name for f in dataclasses.fields(cls)} == set(BOUNDS[cls_name]), cls_name


def test_finance_lifetime_1e6_is_an_input_error(tech):
    # Today: OverflowError in the annuity factor, (1 + i) ** 1e6.
    set_value(tech, "finance.toml", "finance", "lifetime", "1e6")
    fails(tech, r"finance\.toml \[finance\] lifetime: 1000000\.0 is out of range \[1, 100\] yr "
                r"\(financing over more than a century")


def test_fractional_lifetime(tech):
    set_value(tech, "finance.toml", "finance", "lifetime", "30.5")
    fails(tech, r"finance\.toml \[finance\] lifetime: 30\.5 is not a whole number")


def test_wrong_unit_label(tech):
    path = tech / "beccs.toml"
    path.write_text(path.read_text().replace('unit = "US$2018/kW"', 'unit = "US$2018/MW"'))
    fails(tech, r"beccs\.toml \[plant\] capex: unit 'US\$2018/MW', expected 'US\$2018/kW'")


def test_string_value(tech):
    set_value(tech, "dac.toml", "cw", "capex", '"1815"')
    fails(tech, r"dac\.toml \[cw\] capex: value must be a finite number, got '1815'")


def test_missing_key(tech):
    path = tech / "dac.toml"
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith("opex")) + "\n")
    fails(tech, r"dac\.toml \[ce\]: missing key 'opex'")


def test_unknown_section_and_file(tech):
    path = tech / "dac.toml"
    path.write_text(path.read_text() + '\n[cx]\ncapex = { value = 1.0, unit = "-", source = "x" }\n')
    fails(tech, r"dac\.toml \[cx\]: unknown section")
    shutil.copy(SRC / "dac.toml", path)
    (tech / "dac_new.toml").write_text("")
    fails(tech, r"dac_new\.toml: not a technology file fastmonet reads")


def test_syntax_error_names_file_and_line(tech):
    path = tech / "transport.toml"
    path.write_text(path.read_text().replace("[road]", "[road"))
    fails(tech, r"transport\.toml: not valid TOML: .*line \d+")


@settings(max_examples=40)
@given(entry=st.sampled_from(ENTRIES), data=st.data())
def test_out_of_bound_values_fail_naming_the_field(tmp_path_factory, entry, data):
    f, t, k, cls = entry
    bound = BOUNDS[cls][k]
    outside = [v for v in (bound.lo - 1.0 if bound.lo > 0 else -1.0,
                           bound.hi * 10.0 + 1.0 if math.isfinite(bound.hi) else None)
               if v is not None]
    value = data.draw(st.sampled_from(outside))
    folder = tmp_path_factory.mktemp("t") / "technology"
    shutil.copytree(SRC, folder)
    set_value(folder, f, t, k, repr(value))
    fails(folder, rf"{re.escape(f)} \[{t}\] {k}: .* is out of range")


@settings(max_examples=25)
@given(entry=st.sampled_from([e for e in ENTRIES if e[1] not in ("transition",)]),
       factor=st.floats(0.5, 2.0))
def test_moderate_changes_are_accepted(tmp_path_factory, entry, factor):
    """Scaling any one value by 0.5-2 (within its bound) loads: the bounds are not tight."""
    f, t, k, cls = entry
    bound = BOUNDS[cls][k]
    base = tomllib.loads((SRC / f).read_text())[t][k]["value"]
    value = min(max(base * factor, bound.lo), bound.hi)
    if k == "lifetime":
        value = float(round(value))
    if t in ("thinning", "common") and k in ("stem_share", "residue_left", "dm_loss",
                                             "pellet_moisture") or k == "harvest_moisture":
        value = min(value, 0.99)     # shares the formulas divide by (1 - share)
    folder = tmp_path_factory.mktemp("t") / "technology"
    shutil.copytree(SRC, folder)
    set_value(folder, f, t, k, repr(value))
    loaded = technology.load(folder)
    assert loaded.input_files[f"technology/{f}"] != technology.load().input_files[f"technology/{f}"] \
        or value == base


def test_unknown_port_key(tech):
    path = tech / "transport.toml"
    path.write_text(path.read_text().replace("[ports.BRA]\n", '[ports.BRA]\nlatt = 1.0\n'))
    fails(tech, r"transport\.toml \[ports\.BRA\] latt: unknown key")
