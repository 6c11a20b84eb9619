"""Scenario selection: names, TOML files, errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastmonet import scenarios
from fastmonet.errors import InputError
from fastmonet.scenarios import Rates

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text,policy,year", [
    ("COOPERATION", "cooperation", None), ("current_policy", "current_policy", None),
    ("Isolation", "isolation", None), ("SWITCH_2030", "switch", 2030),
    ("switch-2090", "switch", 2090), ("switch_2070", "switch", 2070),
])
def test_parse_policy(text, policy, year):
    assert scenarios.parse_policy(text) == (policy, year)


@pytest.mark.parametrize("text", ["cooperate", "SWITCH_2100", "switch_2045", "switch_", ""])
def test_unknown_policy_is_input_error(text):
    with pytest.raises(InputError, match="policy"):
        scenarios.parse_policy(text)


def test_scenario_properties_and_names():
    s = scenarios.make("switch_2050", targets="P4", storage="High")
    assert (s.policy, s.switch_year, s.targets, s.storage) == ("switch", 2050, "p4", "high")
    assert s.label == "SWITCH_2050" and s.name == "switch_2050-p4-high"
    assert s.regional_targets
    assert s.isolation_base().policy == "isolation"
    assert not scenarios.make("cooperation").regional_targets
    hi = scenarios.make("cooperation", rates=Rates(*scenarios.HIGH_RATES))
    assert hi.name == "cooperation-p3-medium-rates10x2.5x2.5"
    # Default period build factor F = 5.5 (formulation §6.6: Eqs. 39, 46, 52).
    assert hi.rates.build_factor == 5.5
    assert hi.rates.ar_per_period_ha() == pytest.approx(5.5 * 500e3)
    assert hi.rates.beccs_plants_per_period() == pytest.approx(55.0)
    assert hi.rates.dac_capacity_per_period_t() == pytest.approx(5.5 * 42e6)
    f10 = scenarios.make("cooperation", rates=Rates(*scenarios.HIGH_RATES, build_factor=10.0))
    assert f10.name == "cooperation-p3-medium-rates10x2.5x2.5-F10"
    assert f10.rates.ar_per_period_ha() == pytest.approx(5e6)
    assert f10.rates.beccs_plants_per_period() == pytest.approx(100.0)
    assert f10.rates.dac_capacity_per_period_t() == pytest.approx(420e6)
    assert scenarios.make("cooperation", rates=Rates(build_factor=10.0)).name == \
        "cooperation-p3-medium-F10"



@pytest.mark.parametrize("kw,match", [
    ({"targets": "p5"}, "targets"), ({"storage": "huge"}, "storage"),
    ({"rates": Rates(ar=-1.0)}, "rates.ar"), ({"rates": Rates(build_factor=11.0)}, "build_factor"),
    ({"rates": Rates(build_factor=0.0)}, "build_factor"), ({"rates": Rates(beccs_plant_gw=0.0)}, "beccs_plant_gw"),
    ({"solver": scenarios.SolverOptions(method="barrier")}, "method"),
    ({"solver": scenarios.SolverOptions(time_limit=-3)}, "time_limit"),
])
def test_bad_values(kw, match):
    with pytest.raises(InputError, match=match):
        scenarios.make("cooperation", **kw)


def write(tmp_path, text):
    p = tmp_path / "sc.toml"
    p.write_text(text)
    return p


def test_scenario_file_round_trip(tmp_path):
    p = write(tmp_path, """
[solver]
time_limit = 30
method = "ipm"

[[scenario]]
policy = "isolation"
targets = "p4"
storage = "low"
[scenario.rates]
ar = 10
beccs = 2.5
build_factor = 10

[[scenario]]
policy = "SWITCH_2050"
name = "sw"
""")
    a, b = scenarios.load_scenario_file(p)
    assert (a.policy, a.targets, a.storage, a.rates.ar, a.rates.beccs, a.rates.dac) == \
        ("isolation", "p4", "low", 10.0, 2.5, 1.0)
    assert a.rates.build_factor == 10.0 and b.rates.build_factor == 5.5
    assert a.solver.time_limit == 30.0 and a.solver.method == "ipm"
    assert (b.policy, b.switch_year, b.name) == ("switch", 2050, "sw")


@pytest.mark.parametrize("text,key", [
    ('[[scenario]]\npolicy = "cooperation"\ncolour = "red"\n', "colour"),
    ('[[scenario]]\npolicy = "cooperation"\n[scenario.rates]\nbioenergy = 2\n', "bioenergy"),
    ('[solver]\nthreadz = 2\n[[scenario]]\npolicy = "cooperation"\n', "threadz"),
    ('[run]\nx = 1\n', "run"),
    ('[[scenario]]\npolicy = "cooperashun"\n', "cooperashun"),
    ('[[scenario]]\npolicy = "cooperation"\ntargets = "p7"\n', "targets"),
    ('[[scenario]]\npolicy = "cooperation"\nstorage = 3\n', "storage"),
    ('[[scenario]]\npolicy = "cooperation"\n[scenario.rates]\nar = "fast"\n', "ar"),
    ('[[scenario]]\ntargets = "p3"\n', "policy"),
    ('[[scenario]]\npolicy = "isolation"\n[[scenario]]\npolicy = "isolation"\n', "name"),
    ('[[scenario]\npolicy = "isolation"\n', "TOML"),
])
def test_scenario_file_errors_name_file_and_key(tmp_path, text, key):
    p = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        scenarios.load_scenario_file(p)
    assert str(p) in str(err.value) and key in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        scenarios.load_scenario_file(tmp_path / "nope.toml")


@pytest.mark.parametrize("name", ["paper_p3.toml", "sensitivities.toml"])
def test_example_files_load(name):
    scs = scenarios.load_scenario_file(ROOT / "scenarios" / name)
    assert len(scs) >= 5 and len({s.name for s in scs}) == len(scs)
    if name == "paper_p3.toml":
        assert [s.label for s in scs] == ["COOPERATION", "CURRENT_POLICY", "ISOLATION",
                                          "SWITCH_2030", "SWITCH_2050", "SWITCH_2070", "SWITCH_2090"]
