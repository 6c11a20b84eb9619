"""Issue 18, findings 4 and 5: ranges are held to the physical bounds `data check` applies, and
`--data DIR` brings DIR/uncertainty.toml.

Each test fails on the code before `fastmonet.uncertainty.bounds` / `ranges.default_path`: the
ranges loader then accepted a straw share of 1.2, a negative thinning share, a grid year of
1500 and a build factor of 50, and the bundled ranges were used whatever --data said.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from fastmonet import bundled, data, technology, uncertainty
from fastmonet.errors import InputError

SOURCES = ('status_low = "assumed"\nstatus_high = "assumed"\n'
           'source_low = "test"\nsource_high = "test"\n')


def ranges_file(tmp_path: Path, body: str, name: str = "r.toml") -> Path:
    f = tmp_path / name
    f.write_text(f"[[parameter]]\n{body}{SOURCES}")
    return f


@pytest.fixture(scope="module")
def inputs():
    return data.load()


@pytest.fixture(scope="module")
def tech():
    return technology.load()


def test_finding_4_a_share_multiplied_past_one_is_refused_with_data_checks_reason(tmp_path, inputs,
                                                                                   tech):
    # The bundled straw share is 0.4: x 3 draws 1.2, which `data check` refuses in land.csv.
    f = ranges_file(tmp_path, 'name = "straw"\ntarget = "inputs:straw_removal_share"\nunit = "-"\n'
                              'apply = "multiplier"\ndistribution = "uniform"\nlow = 0.5\n'
                              'high = 3.0\n')
    r = uncertainty.load(f, tech=tech)
    with pytest.raises(InputError) as err:
        r.check_inputs(inputs)
    msg = str(err.value)
    assert "'straw'" in msg and "high 3" in msg and "1.2" in msg and "land.csv" in msg
    assert "a share of a whole" in msg                     # the reason data check gives
    from fastmonet.data.schema import TABLES
    assert TABLES["land"].column("straw_removal_share").reason in msg
    # The ensemble refuses it before laying out a store.
    import fastmonet.ensemble as ens
    with pytest.raises(InputError, match="straw_removal_share"):
        ens.run(n=2, scenarios=["isolation"], out=tmp_path / "e.zarr", ranges=r, inputs=inputs,
                tech=tech, sampler="lhs", workers=0, progress=False)
    assert not (tmp_path / "e.zarr").exists()


@pytest.mark.parametrize("body, words", [
    ('name = "thin"\ntarget = "forest:thin_share"\nunit = "-"\napply = "value"\n'
     'distribution = "triangular"\nlow = -0.05\ncentral = 0.1\nhigh = 0.2\n',
     ["thin", "low -0.05", "[0, 1)", "thinned"]),
    ('name = "grid"\ntarget = "inputs:transition_grid_zero_year"\nunit = "year"\napply = "value"\n'
     'distribution = "triangular"\nlow = 1500.0\ncentral = 2050.0\nhigh = 2070.0\n',
     ["grid", "low 1500", "[1900, 2300]", "energy_transition.csv"]),
    ('name = "bf"\ntarget = "scenario:rates.build_factor"\nunit = "yr"\napply = "value"\n'
     'distribution = "discrete"\ncases = [5.5, 50.0]\ncentral = 5.5\n',
     ["bf", "high 50", "(0, 10]"]),
    ('name = "capex"\ntarget = "technology:beccs.plant.capex"\nunit = "US$2018/kW"\n'
     'apply = "multiplier"\ndistribution = "uniform"\nlow = 0.5\nhigh = 1000.0\n',
     ["capex", "high 1000", "beccs.toml"]),
    ('name = "fire"\ntarget = "forest:rfire"\nunit = "-"\napply = "multiplier"\n'
     'distribution = "lognormal"\nlow = 0.5\nhigh = 1.5\n',
     None),
])
def test_finding_4_value_ends_outside_physical_bounds_are_refused_by_the_loader(tmp_path, tech,
                                                                               inputs, body, words):
    f = ranges_file(tmp_path, body)
    if words is None:       # a lognormal multiplier of a share: its support is unbounded
        r = uncertainty.load(f, tech=tech)
        with pytest.raises(InputError, match="lognormal.*any positive value"):
            r.check_inputs(inputs)
        return
    with pytest.raises(InputError) as err:
        uncertainty.load(f, tech=tech)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_finding_4_the_bundled_ranges_are_within_their_bounds(inputs, tech):
    r = uncertainty.load(tech=tech)
    r.check_inputs(inputs)
    assert len(r.parameters) > 20


def test_finding_4_data_check_refuses_a_folders_ranges_past_its_data(tmp_path):
    from fastmonet.cli.main import main
    folder = tmp_path / "d"
    shutil.copytree(bundled.DATA_DIR, folder)
    text = (folder / "uncertainty.toml").read_text()
    start = text.index('name = "straw_removal_share"')
    end = text.index("[[parameter]]", start)
    (folder / "uncertainty.toml").write_text(
        text[:start] + text[start:end].replace("high = 1.5", "high = 3.0") + text[end:])
    assert main(["data", "check", str(folder)]) == 2


# --------------------------------------------------- finding 5: --data DIR brings its ranges
def test_finding_5_data_folder_ranges_are_used_and_recorded(tmp_path, inputs, tech):
    from fastmonet.ensemble import execute
    folder = tmp_path / "mine"
    shutil.copytree(bundled.DATA_DIR, folder)
    text = (folder / "uncertainty.toml").read_text()
    start = text.index('name = "thinning_share"')
    (folder / "uncertainty.toml").write_text(text.replace(
        text[start:text.index("[[parameter]]", start)],
        text[start:text.index("[[parameter]]", start)].replace("high = 0.2", "high = 0.3")))
    assert uncertainty.ranges.default_path(folder) == folder / "uncertainty.toml"
    small = inputs.isel(subregion=np.arange(5))
    ctx, *_ = execute._prepare(2, ["isolation"], None, "lhs", 0, "p3", "medium", folder, small,
                               tech, None, None)
    assert ctx.ranges.path == folder / "uncertainty.toml"
    assert ctx.ranges["thinning_share"].high == 0.3
    assert execute._ranges_text(ctx.ranges) == (folder / "uncertainty.toml").read_text()
    # A folder without its own ranges falls back to the bundled file.
    (folder / "uncertainty.toml").unlink()
    assert uncertainty.ranges.default_path(folder) == uncertainty.DEFAULT_PATH
    ctx, *_ = execute._prepare(2, ["isolation"], None, "lhs", 0, "p3", "medium", folder, small,
                               tech, None, None)
    assert ctx.ranges.path == uncertainty.DEFAULT_PATH
