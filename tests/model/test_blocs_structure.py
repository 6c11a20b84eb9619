"""Blocs and burden-sharing rules: parsing, validation and the rules' arithmetic."""

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from fastmonet.blocs import burden as bd
from fastmonet.blocs.structure import Structure, named, one_bloc, singletons
from fastmonet.dimensions import REGIONS
from fastmonet.errors import InputError


def test_spellings_of_one_partition_compare_equal():
    a = Structure.parse([["USA", "EU"], ["IND"], ["CHN", "BRA"]])
    b = Structure.parse([["BRA", "CHN"], ["EU", "USA"], ["IND"]])
    assert a == b
    assert a.labels == ["BRA+CHN", "EU+USA", "IND"]


def test_named_structures():
    assert named("cooperation").labels == ["world"]
    assert named("current_policy").biomass_trade == "all"
    assert named("isolation") == singletons(biomass_trade="none")
    with pytest.raises(InputError, match="policy"):
        named("switch")


@pytest.mark.parametrize("blocs, message", [
    ([["EU", "USA"], ["USA", "CHN"], ["BRA"], ["IND"]], "region 'USA' is in two blocs"),
    ([["EU", "USA"], ["CHN"], ["BRA"]], "region 'IND' is in no bloc"),
    ([["EU", "XXX"], ["CHN", "USA", "BRA", "IND"]], "unknown region 'XXX'"),
    ("EU,USA", "expected a list of blocs"),
    ([[], ["EU"]], r"blocs\[0\]: expected a non-empty list"),
])
def test_bad_blocs_name_the_field(blocs, message):
    with pytest.raises(InputError, match=message):
        Structure.parse(blocs)


def test_bad_trade_mode():
    with pytest.raises(InputError, match="biomass_trade"):
        Structure.parse([list(REGIONS)], "sometimes")


def test_trade_allowed_matrices():
    s = Structure.parse([["EU", "USA"], ["BRA", "CHN"], ["IND"]], "within_bloc")
    m = s.trade_allowed(REGIONS)
    r = {x: i for i, x in enumerate(REGIONS)}
    assert m[r["EU"], r["USA"]] and m[r["USA"], r["EU"]] and m[r["BRA"], r["CHN"]]
    assert not m[r["EU"], r["CHN"]] and not m[r["IND"], r["USA"]]
    assert m.diagonal().all()
    assert singletons(biomass_trade="none").trade_allowed(REGIONS).sum() == len(REGIONS)
    assert one_bloc(biomass_trade="within_bloc").trade_allowed(REGIONS).all()


def test_merged_joins_two_blocs():
    s = singletons(biomass_trade="within_bloc").merged(2, 4)
    assert s.labels == ["BRA", "CHN", "EU+USA", "IND"]


@st.composite
def partitions(draw):
    labels = draw(st.lists(st.integers(0, 4), min_size=5, max_size=5))
    groups: dict[int, list[str]] = {}
    for r, g in zip(REGIONS, labels):
        groups.setdefault(g, []).append(r)
    return list(groups.values())


@given(partitions())
def test_any_partition_parses_and_covers_every_region_once(blocs):
    s = Structure.parse(blocs)
    members = [r for b in s.blocs for r in b]
    assert sorted(members) == sorted(REGIONS)
    idx = s.bloc_index(REGIONS)
    for i, b in enumerate(s.blocs):
        assert all(idx[REGIONS.index(r)] == i for r in b)


# ------------------------------------------------------------------------------- burden sharing
def _targets():
    t2100 = np.array([7, 56, 81, 20, 87], float) * 1e9
    shape = np.array([0.02, 0.07, 0.16, 0.28, 0.42, 0.58, 0.78, 1.0])
    return xr.DataArray(t2100[:, None] * shape[None, :], dims=("region", "year"),
                        coords={"region": list(REGIONS), "year": np.arange(2030, 2101, 10)})


def test_responsibility_is_todays_targets():
    t = _targets()
    assert bd.apply(t, bd.Burden()) is t


@pytest.mark.parametrize("rule", ["per_capita", "capability"])
def test_socioeconomic_rules_keep_the_world_total_and_follow_the_data(rule):
    t = _targets()
    out = bd.apply(t, bd.Burden(rule))
    np.testing.assert_allclose(out.sum("region"), t.sum("region"), rtol=1e-12)
    col = {"per_capita": "population_2018_persons", "capability": "gdp_2018_usd"}[rule]
    v = bd.socioeconomic()[col]
    share = np.array([v[r] for r in REGIONS]) / sum(v.values())
    np.testing.assert_allclose(out.isel(year=-1) / out.isel(year=-1).sum(), share, rtol=1e-12)
    # India's population share exceeds its GDP share; the USA's the other way round.
    if rule == "per_capita":
        assert float(out.sel(region="IND", year=2100)) > float(t.sel(region="IND", year=2100))


@given(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5).filter(lambda v: sum(v) > 0.01))
def test_explicit_shares_sum_to_the_world_target(raw):
    shares = dict(zip(REGIONS, np.array(raw) / sum(raw)))
    t = _targets()
    out = bd.apply(t, bd.Burden.parse("shares", shares, REGIONS))
    np.testing.assert_allclose(out.sum("region"), t.sum("region"), rtol=1e-9)
    assert (out >= 0).all()


@pytest.mark.parametrize("shares, message", [
    ({"BRA": 0.5, "CHN": 0.5, "EU": 0.5, "IND": 0, "USA": 0}, "sum to 1.5"),
    ({"BRA": -0.1, "CHN": 0.6, "EU": 0.5, "IND": 0, "USA": 0}, r"shares.BRA: a share must be >= 0"),
    ({"BRA": 1.0, "CHN": 0, "EU": 0, "IND": 0}, "no share for region 'USA'"),
    ({"BRA": 1.0, "CHN": 0, "EU": 0, "IND": 0, "USA": 0, "RUS": 0}, "unknown region 'RUS'"),
])
def test_bad_shares_name_the_field(shares, message):
    with pytest.raises(InputError, match=message):
        bd.Burden.parse("shares", shares, REGIONS)


def test_unknown_rule():
    with pytest.raises(InputError, match="unknown rule 'fair'"):
        bd.Burden.parse("fair")


def test_socioeconomic_csv_is_the_build_script_output():
    import importlib.util

    from fastmonet import bundled
    spec = importlib.util.spec_from_file_location(
        "build_socio", bundled.DATA_DIR / "scripts" / "build_socioeconomic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (bundled.DATA_DIR / "socioeconomic.csv").read_text() == mod.build()


# ------------------------------------------------------------------------------- scenario files
from fastmonet import scenarios  # noqa: E402


def _file(tmp_path, body):
    f = tmp_path / "s.toml"
    f.write_text(body)
    return f


def test_scenario_file_with_blocs_switch_and_burden(tmp_path):
    f = _file(tmp_path, """
[[scenario]]
blocs = [["EU", "USA"], ["CHN", "BRA"], ["IND"]]
biomass_trade = "all"
switch_year = 2050
from_blocs = [["BRA"], ["CHN"], ["EU"], ["IND"], ["USA"]]
burden = "per_capita"

[[scenario]]
policy = "current_policy"
burden = "shares"
shares = {BRA = 0.1, CHN = 0.3, EU = 0.2, IND = 0.1, USA = 0.3}
""")
    a, b = scenarios.load_scenario_file(f)
    assert a.policy == "blocs" and a.switch_year == 2050 and a.burden.rule == "per_capita"
    assert a.structure_at(2050) == singletons(biomass_trade="none")
    assert a.structure_at(2060).labels == ["BRA+CHN", "EU+USA", "IND"]
    assert a.isolation_base().blocs == singletons(biomass_trade="none")
    assert set(a.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
    assert dict(b.burden.shares)["CHN"] == 0.3


@pytest.mark.parametrize("body, message", [
    ('[[scenario]]\nblocs = [["EU"], ["EU", "USA"], ["BRA", "CHN", "IND"]]\n', "in two blocs"),
    ('[[scenario]]\npolicy = "cooperation"\nblocs_x = 1\n', "unknown key 'blocs_x'"),
    ('[[scenario]]\npolicy = "isolation"\nbiomass_trade = "all"\n', "only for a blocs scenario"),
    ('[[scenario]]\nblocs = [["BRA", "CHN", "EU", "IND", "USA"]]\nswitch_year = 2050\n',
     "switch_year and from_blocs"),
    ('[[scenario]]\npolicy = "cooperation"\nburden = "shares"\n'
     'shares = {BRA = 1.5, CHN = 0, EU = 0, IND = 0, USA = 0}\n',
     "sum to 1.5"),
    ('[[scenario]]\npolicy = "cooperation"\nburden = "fair"\n', "unknown rule 'fair'"),
])
def test_bad_bloc_scenarios_name_the_field(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        scenarios.load_scenario_file(_file(tmp_path, body))
