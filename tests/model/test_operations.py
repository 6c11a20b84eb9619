"""AR forestry operations (formulation §2.6-2.8): hand-computed hectare, kernel vs reference,
coefficients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_coeff_inputs import make_inputs

from fastmonet import stand, technology
from fastmonet.coefficients.ar import UNIT_FIELDS, ar_cells, build_ar, horizon_totals, unit_quantities
from fastmonet.energy import EnergyTransition
from fastmonet.kernels.operations import operation_flows
from fastmonet.reference.operations import emissions_to_age, flows_one

TECH = technology.load()
CRF = 0.08 * 1.08 ** 30 / (1.08 ** 30 - 1)


def test_one_hectare_by_hand():
    """Diesel 1.2 US$/L, labour 20 US$/h, PPP 0.8; quantities of data/technology/ar_operations.toml."""
    q = unit_quantities(TECH.ar, TECH, 1.2, 20.0, 0.8)
    diesel_t = 35.9 * (74.1 + 15.4) * 1e-6
    n_em = 5.0e-3 + (0.01 + 0.00325) * 44 / 28 * 265e-3
    roads = 10 + 15                                   # m/ha of type A + B
    quarried = roads * (2.4 + 0.8)                    # t rock + aggregate
    est_diesel = 40 + 9 + roads * 2.0
    assert q["est_fossil"] == pytest.approx(est_diesel * diesel_t)
    assert q["est_const"] == pytest.approx(
        (1600 * 0.05 + 2 * 23.1 + quarried * (4.0 + 0.25 * 2.5) + 50 * 1.0 + 25.0) * 1e-3 + 50 * n_em)
    machine = 90 * 0.8 + 20
    assert q["est_capital"] == pytest.approx(
        est_diesel * 1.2 + 6 * (90 * 0.8 + 20) + 1.5 * (40 * 0.8 + 20) + 1600 * (0.30 * 0.8 + 0.006 * 20)
        + (2 * 10 + 50 * 1.0 + 50 * 0.9) * 0.8 + roads * 0.1 * machine + quarried * 12 * 0.8)
    assert q["annual_fossil"] == pytest.approx(10 * 0.008 * diesel_t)
    assert q["annual_cost"] == pytest.approx(10 * (0.008 * 1.2 + 0.0005 * machine))
    event_diesel = 10 * 0.2 + 15 * 0.008
    assert q["event_fossil"] == pytest.approx(event_diesel * diesel_t)
    assert q["event_const"] == pytest.approx(10 * 0.4 * (4.0 + 0.25 * 2.5) * 1e-3)
    assert q["event_cost"] == pytest.approx(event_diesel * 1.2 + (10 * 0.01 + 15 * 0.0005) * machine
                                            + 10 * 0.4 * 12 * 0.8)
    extracted, collected = (0.8 + 0.2 * 0.65) * (1 - 0.116), 0.2 * 0.65 * (1 - 0.116)
    thin_diesel = 1.1 / 0.45 + 0.7 / 0.45 * extracted + 3.0 * collected
    assert q["thin_fossil"] == pytest.approx(thin_diesel * diesel_t)
    assert q["thin_cost"] == pytest.approx(
        thin_diesel * 1.2 + 1 / 0.45 / 10 * (120 * 0.8 + 20) + extracted / 0.45 / 12 * (90 * 0.8 + 20)
        + collected / 6 * (100 * 0.8 + 20))


def _random_flow_inputs(seed, n=5, h=40):
    rng = np.random.default_rng(seed)
    th = rng.uniform(0, 20, (n, h + 1)) * (rng.random((n, h + 1)) < 0.2)
    unit = {k: rng.uniform(0, 5, n) for k in UNIT_FIELDS}
    return th, unit, rng.uniform(0.02, 0.2), int(rng.integers(1, h + 5))


def _kernel(th, unit, crf, years):
    n, h1 = th.shape
    em, cost = np.empty((n, 2, h1)), np.empty((n, 1, h1))
    operation_flows(th, *(unit[k] for k in UNIT_FIELDS), crf, years, em, cost)
    return em, cost


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_kernel_matches_reference(seed):
    th, unit, crf, years = _random_flow_inputs(seed)
    em, cost = _kernel(th, unit, crf, years)
    for c in range(th.shape[0]):
        fossil, const, money = flows_one(th[c], {k: unit[k][c] for k in UNIT_FIELDS}, crf, years)
        np.testing.assert_allclose(em[c, 0], fossil, rtol=1e-9)
        np.testing.assert_allclose(em[c, 1], const, rtol=1e-9)
        np.testing.assert_allclose(cost[c, 0], money, rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_flows_nonnegative_and_capital_levelised(seed):
    th, unit, crf, years = _random_flow_inputs(seed)
    em, cost = _kernel(th, unit, crf, years)
    assert np.all(em >= 0) and np.all(cost >= 0)
    assert np.all(em[:, :, 0] == 0) and np.all(cost[:, :, 0] == 0)
    no_thin = _kernel(np.zeros_like(th), unit, crf, years)[1][:, 0]
    h = th.shape[1] - 1
    expected = unit["annual_cost"] * h + crf * unit["est_capital"] * min(years, h)
    np.testing.assert_allclose(no_thin.sum(axis=1), expected, rtol=1e-12)
    # More thinning never lowers emissions or costs.
    em2, cost2 = _kernel(th * 1.5, unit, crf, years)
    assert np.all(em2 >= em - 1e-12) and np.all(cost2 >= cost - 1e-12)


@pytest.fixture(scope="module")
def small():
    ds = make_inputs()
    t = EnergyTransition()
    coeffs, cells = build_ar(ds, TECH, t)
    return ds, t, coeffs, cells


def test_coefficients_contract_and_vintage_structure(small):
    ds, t, c, cells = small
    assert c["ar_removal"].dims == ("subregion", "ecozone", "forest_type", "vintage", "year")
    rem, cost, allowed = c["ar_removal"].values, c["ar_cost"].values, c["ar_allowed"].values
    assert allowed.sum() == cells.sr.size > 0
    assert np.isnan(rem[~allowed]).all() and np.isfinite(rem[allowed]).all()
    r, k = rem[allowed], cost[allowed]                     # (n, vintage, year)
    a_idx, t_idx = np.meshgrid(np.arange(8), np.arange(8), indexing="ij")
    not_yet = t_idx < a_idx                                # reporting year t <= start of vintage a
    assert np.all(r[:, not_yet] == 0) and np.all(k[:, not_yet] == 0)
    # Costs do not depend on calendar time, so later vintages are time shifts of earlier ones.
    np.testing.assert_allclose(k[:, 1:, 1:], k[:, :-1, :-1], rtol=1e-12)
    assert np.all(k[:, ~not_yet] > 0)
    # Operations only subtract from sequestration.
    seq = stand.vintage_coefficients(cells.co2seq)
    assert np.all(r <= seq + 1e-12)
    assert np.all(seq - r >= 0) and np.any(seq - r > 0.1)


def test_horizon_totals_match_reference(small):
    ds, t, c, cells = small
    tot = horizon_totals(cells, t)
    share = t.fossil_share(np.arange(2020, 2130))
    for i in range(0, cells.sr.size, 7):
        e = emissions_to_age(cells.em_flows[i, 0], cells.em_flows[i, 1], share, 2020, 2020, 100)
        assert tot["emissions"][i] == pytest.approx(e, rel=1e-9)
        assert tot["removal"][i] == pytest.approx(cells.co2seq[i, 100] - e, rel=1e-9)
        assert tot["cost"][i] == pytest.approx(cells.cost_flows[i, 0, 1:101].sum(), rel=1e-12)
    # Emissions of the first vintage's first year-cohort at 2100 = E(80) by the same reference.
    e80 = emissions_to_age(cells.em_flows[0, 0], cells.em_flows[0, 1], share, 2020, 2020, 80)
    assert horizon_totals(cells, t, years=80)["emissions"][0] == pytest.approx(e80, rel=1e-9)


def test_cheaper_labour_lowers_cost_not_emissions():
    ds = make_inputs()
    t = EnergyTransition()
    base = ar_cells(ds, TECH)
    ds2 = ds.copy()
    ds2["labour_cost"] = ds["labour_cost"] * 0.5
    cheap = ar_cells(ds2, TECH)
    assert np.all(cheap.cost_flows <= base.cost_flows) and np.any(cheap.cost_flows < base.cost_flows)
    np.testing.assert_array_equal(cheap.em_flows, base.em_flows)
    assert np.all(horizon_totals(cheap, t)["cost"] < horizon_totals(base, t)["cost"])


def test_published_ar_emissions_range_on_bundled_data():
    """Formulation §2.10: AR's own emissions 1.2-4.4 tCO2/ha over 100 years (stand planted in 2020,
    fuels following the formulation §5 transition)."""
    from fastmonet.data import load

    ds = load()
    t = EnergyTransition.from_inputs(ds, TECH)
    tot = horizon_totals(ar_cells(ds, TECH), t)
    assert tot["emissions"].min() >= 1.2 and tot["emissions"].max() <= 4.4
    assert np.all(tot["removal"] > 0)
