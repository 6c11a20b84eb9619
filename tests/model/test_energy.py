"""Energy transition of formulation §5 as factors per calendar year."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_coeff_inputs import make_inputs

from fastmonet import technology
from fastmonet.energy import EnergyTransition, period_mid_years
from fastmonet.errors import InputError


def test_ramps_hit_spec_years():
    t = EnergyTransition()
    assert t.grid_factor([2020, 2035, 2050, 2070]).tolist() == [1.0, 0.5, 0.0, 0.0]
    assert t.fossil_share([2019, 2020, 2050, 2080, 2100]).tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]
    assert t.drying_gas_share([2030, 2040]).tolist() == [0.5, 0.0]
    cal = t.calendar(2020, 61)
    assert cal.shape == (3, 61) and cal[0, 30] == 0.0 and cal[1, 60] == 0.0 and cal[2, 10] == 0.5


def test_period_mid_years():
    assert period_mid_years().tolist() == [2025, 2035, 2045, 2055, 2065, 2075, 2085, 2095]


def test_technology_file_gives_the_spec_defaults():
    assert EnergyTransition.from_technology(technology.load()) == EnergyTransition()


def test_inputs_transition_wins_and_must_be_complete():
    tech = technology.load()
    ds = make_inputs()
    assert EnergyTransition.from_inputs(ds, tech) == EnergyTransition.from_technology(tech)
    years = dict(grid_start_year=2020, grid_zero_year=2060, fuel_start_year=2020, fuel_biofuel_year=2080,
                 drying_start_year=2020, drying_wood_year=2040)
    for k, v in years.items():
        ds[f"transition_{k}"] = ((), float(v))
    t = EnergyTransition.from_inputs(ds, tech)
    assert t.grid_zero == 2060 and t.grid_factor(2040) == pytest.approx(0.5)
    with pytest.raises(InputError, match="transition_drying_wood_year"):
        EnergyTransition.from_inputs(ds.drop_vars("transition_drying_wood_year"), tech)


def test_ramp_must_end_after_start():
    with pytest.raises(InputError, match="grid ramp"):
        EnergyTransition(grid_start=2050, grid_zero=2050)


@settings(max_examples=30, deadline=None)
@given(st.floats(1900, 2200), st.floats(0, 50))
def test_factors_are_shares_and_never_increase(year, step):
    t = EnergyTransition()
    for f in (t.grid_factor, t.fossil_share, t.drying_gas_share):
        a, b = float(f(year)), float(f(year + step))
        assert 0.0 <= b <= a <= 1.0
