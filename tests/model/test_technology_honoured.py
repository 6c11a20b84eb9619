"""Finding 2 of issue 8: a data folder's own technology/ is read, and one can be chosen."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import fastmonet
import fastmonet.cli.main as cli
from fastmonet import api, coefficients
from fastmonet.data import DEFAULT_PATH
from fastmonet.errors import InputError

CHEAP = {"ce": 16.0, "cw": 18.15}     # the bundled CAPEX (1600, 1815 US$/(tCO2/yr)) / 100


@pytest.fixture(scope="module")
def cheap_dac(tmp_path_factory) -> Path:
    """A copy of data/ whose DAC CAPEX is cut 100x."""
    dst = tmp_path_factory.mktemp("cheap") / "data"
    shutil.copytree(DEFAULT_PATH, dst, ignore=shutil.ignore_patterns("sources", "scripts"))
    toml = dst / "technology" / "dac.toml"
    text = toml.read_text()
    for old, new in (("capex = { value = 1600.0", "capex = { value = 16.0"),
                     ("capex = { value = 1815.0", "capex = { value = 18.15")):
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text)
    return dst


def test_cheaper_dac_capex_gives_cheaper_dac_coefficients(cheap_dac):
    ref = api.load_coefficients()
    got = api.load_coefficients(data_path=cheap_dac)
    a, b = got["dac_cost"].values, ref["dac_cost"].values
    # NaN marks a (tech, subregion, period) that removes nothing (not offered): the same in both.
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    assert (a[~np.isnan(a)] < b[~np.isnan(b)] - 50.0).all()
    np.testing.assert_array_equal(got["ar_cost"].values, ref["ar_cost"].values)
    assert got.attrs["technology_path"] == str((cheap_dac / "technology").resolve())


class Stop(Exception):
    pass


@pytest.fixture
def used_tech(monkeypatch):
    """Stop at the coefficient stage and keep the Technology (or folder) it was given."""
    seen = []

    def fake(inputs, tech=None, **kw):
        seen.append(tech)
        raise Stop

    monkeypatch.setattr(coefficients, "build", fake)
    return seen


def capex(tech) -> dict[str, float]:
    if tech is None or isinstance(tech, (str, Path)):
        from fastmonet import data, technology
        tech = technology.load(technology.resolve_dir(tech, data.DEFAULT_PATH))
    return {k: d.capex for k, d in tech.dac.items()}


def test_build_defaults_to_the_inputs_folder(cheap_dac, monkeypatch):
    from fastmonet import technology
    loaded = []
    monkeypatch.setattr(technology, "load", lambda path=None: loaded.append(path) or Stop())
    with pytest.raises(InputError):   # the fake "Technology" is refused after the folder is chosen
        coefficients.build(fastmonet.data.load(cheap_dac))
    assert Path(loaded[0]) == cheap_dac / "technology"


@pytest.mark.parametrize("kw, want", [
    ({"data_path": "{d}"}, CHEAP),
    ({"technology": "{d}/technology"}, CHEAP),
    ({"data_path": "{d}", "technology": str(DEFAULT_PATH / "technology")}, {"ce": 1600.0, "cw": 1815.0}),
])
def test_load_coefficients_honours_technology(cheap_dac, used_tech, kw, want):
    with pytest.raises(Stop):
        api.load_coefficients(**{k: v.format(d=cheap_dac) for k, v in kw.items()})
    assert capex(used_tech[0]) == want


@pytest.mark.parametrize("args", [["--data", "{d}"], ["--technology", "{d}/technology"]])
def test_cli_solve_reads_the_technology(cheap_dac, used_tech, args):
    with pytest.raises(Stop):
        cli.main(["solve", "--scenario", "cooperation"] + [a.format(d=cheap_dac) for a in args])
    assert capex(used_tech[0]) == CHEAP


def test_cli_coefficients_reads_the_data_folder_technology(cheap_dac, used_tech):
    with pytest.raises(Stop):
        cli.main(["coefficients", "summary", "--data", str(cheap_dac), "--quiet"])
    assert capex(used_tech[0]) == CHEAP


def test_python_solve_takes_technology(cheap_dac, used_tech):
    with pytest.raises(Stop):
        fastmonet.solve("cooperation", technology=cheap_dac / "technology")
    assert capex(used_tech[0]) == CHEAP


def test_technology_with_coefficients_is_refused(tmp_path, capsys):
    with pytest.raises(InputError, match="technology"):
        fastmonet.solve("cooperation", coefficients=object(), technology=DEFAULT_PATH)
    assert cli.main(["solve", "--coefficients", str(tmp_path), "--technology", "x"]) == 2
    assert "--technology" in capsys.readouterr().err


def test_toml_syntax_error_in_data_folder_fails_solve_and_check(tmp_path, capsys):
    dst = tmp_path / "data"
    shutil.copytree(DEFAULT_PATH, dst, ignore=shutil.ignore_patterns("sources", "scripts"))
    toml = dst / "technology" / "beccs.toml"
    toml.write_text(toml.read_text() + "\nbroken = = 1\n")
    assert cli.main(["solve", "--data", str(dst)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"technology/beccs\.toml: not valid TOML.*line \d+", err), err
    assert len(err.strip().splitlines()) == 1
    assert cli.main(["data", "check", str(dst)]) == 2
    assert re.search(r"technology/beccs\.toml: not valid TOML.*line \d+", capsys.readouterr().err)


def test_data_check_technology_option(tmp_path, capsys):
    tech = tmp_path / "tech"
    shutil.copytree(DEFAULT_PATH / "technology", tech)
    path = tech / "finance.toml"
    path.write_text(path.read_text().replace("value = 30.0", "value = 1e6"))
    assert cli.main(["data", "check", str(DEFAULT_PATH), "--technology", str(tech)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"tech/finance\.toml \[finance\] lifetime: 1000000\.0 is out of range", err), err
    assert cli.main(["data", "check", str(DEFAULT_PATH)]) == 0
    assert f"technology folder {DEFAULT_PATH / 'technology'}: valid" in capsys.readouterr().out


def test_transition_toml_edited_alone_is_not_silently_ignored(tmp_path, capsys):
    # energy_transition.csv wins over technology/energy_transition.toml: an edit to the TOML
    # alone would change nothing, so the two must agree.
    dst = tmp_path / "data"
    shutil.copytree(DEFAULT_PATH, dst, ignore=shutil.ignore_patterns("sources", "scripts"))
    toml = dst / "technology" / "energy_transition.toml"
    toml.write_text(toml.read_text().replace("value = 2050.0", "value = 2060.0"))
    pattern = (r"technology/energy_transition\.toml \[transition\] grid_zero_year: 2060 disagrees "
               r"with .*energy_transition\.csv \(grid_zero_year = 2050\)")
    assert cli.main(["data", "check", str(dst)]) == 2
    assert re.search(pattern, capsys.readouterr().err)
    with pytest.raises(InputError, match=pattern):
        api.load_coefficients(data_path=dst)
