"""Metrics (formulation §8) against plain loops, the NEP on a hand case, results storage and the
CLI."""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import xarray as xr

from fastmonet import api, metrics, scenarios
from fastmonet.results import Results, is_complete


@pytest.fixture(scope="module")
def coop(small_coeffs):
    return api.solve_coefficients(small_coeffs, scenarios.make("cooperation"))


def loop_removal_cost(ds, sol):
    """Cumulative removal and cost per (region, option, year) with explicit loops."""
    regions = list(ds.region.values)
    reg = [regions.index(r) for r in ds.subregion_region.values]
    n_p = ds.sizes["period"]
    rem = np.zeros((len(regions), 3, n_p))
    cost = np.zeros((len(regions), 3, n_p))
    area = sol.ar_area.values
    for s, e, f, a in zip(*np.nonzero(area)):
        for t in range(n_p):
            rem[reg[s], 0, t] += area[s, e, f, a] * ds.ar_removal.values[s, e, f, a, t]
            cost[reg[s], 0, t] += area[s, e, f, a] * ds.ar_cost.values[s, e, f, a, t]
    rate = sol.beccs_rate.values
    for c in np.flatnonzero(rate):
        for t in range(ds.chain_period.values[c], n_p):
            r = reg[ds.chain_plant.values[c]]
            rem[r, 1, t] += 10 * rate[c]
            cost[r, 1, t] += 10 * rate[c] * ds.beccs_cost.values[c]
    d = sol.dac_rate.values
    for k, s, p in zip(*np.nonzero(d)):
        for t in range(p, n_p):
            rem[reg[s], 2, t] += 10 * d[k, s, p]
            cost[reg[s], 2, t] += 10 * d[k, s, p] * ds.dac_cost.values[k, s, p]
    return rem, cost


def test_removal_and_costs_match_loops(small_coeffs, coop):
    m = coop.metrics
    rem, cost = loop_removal_cost(small_coeffs, coop.solution)
    regions = list(small_coeffs.region.values)
    opts = ["ar", "beccs", "daccs"]
    got_rem = m.cum_removal.sel(region=regions, option=opts).values
    got_cost = m.ctnc.sel(region=regions, option=opts).values
    np.testing.assert_allclose(got_rem, rem, rtol=1e-10, atol=1e-3)
    np.testing.assert_allclose(got_cost, cost, rtol=1e-10, atol=1e-3)
    w = m.cum_removal.sum(("region", "option")).values
    np.testing.assert_allclose(w, rem.sum(axis=(0, 1)), rtol=1e-10)
    # The LP's cost objective is CTNC(2100).
    assert float(m.ctnc.sel(year=2100).sum()) == \
        pytest.approx(coop.solution.attrs["cost_musd"] * 1e6, rel=1e-9)
    # No shortfall: the world removal by 2100 equals the target (formulation §6.3 equality).
    assert w[-1] == pytest.approx(float(small_coeffs.target[:, -1].sum()), rel=1e-7)


def test_cnc_mnc_definitions(coop):
    m = coop.metrics
    c = m.ctnc.sum(("region", "option")).values
    r = m.cum_removal.sum(("region", "option")).values
    np.testing.assert_allclose(m.cnc_world_all_options.values, c / r, rtol=1e-12)
    dc, dr = np.diff(c, prepend=0.0), np.diff(r, prepend=0.0)
    np.testing.assert_allclose(m.mnc_world_all_options.values, dc / dr, rtol=1e-9)
    np.testing.assert_allclose(m.removal_rate.sum(("region", "option")).values, dr / 10)


def test_land_and_storage_use_within_capacity(small_coeffs, coop):
    m = coop.metrics
    assert np.all(m.storage_used.values <= m.storage_capacity.values * (1 + 1e-7) + 1)
    cap_ar = (small_coeffs.lrp + small_coeffs.ovl).sum("ecozone").values
    assert np.all(m.land_ar.values <= cap_ar[:, None] * (1 + 1e-7) + 1)
    assert np.all(m.land_straw.values <= small_coeffs.lhw.values[:, None] * (1 + 1e-7) + 1)
    crops_cap = small_coeffs.mal.values + small_coeffs.ovl.sum("ecozone").values
    assert np.all(m.land_crops.values <= crops_cap[:, None] * (1 + 1e-7) + 1)
    # Biomass flows are tCO2/yr removed times the chain's tDM per tCO2, summed by region pair.
    rate = coop.solution.beccs_rate.values
    bio = float((rate / small_coeffs.beccs_removal_tdm.values).sum())
    assert float(m.biomass_flow.sum()) == pytest.approx(bio, rel=1e-10)
    assert float(m.beccs_trade.sum()) == pytest.approx(float(rate.sum()), rel=1e-10)


def test_nep_hand_case():
    # Region 0: target 10 t; configurations 8 t at 5 $/t and 6 t at 10 $/t -> 4 t surplus at 10.
    # Region 1: target 6 t; 2 t at 20 $/t -> deficit 4 t, bought at the NEP.
    reg = np.array([0, 1, 0])
    removal = np.array([6.0, 2.0, 8.0])
    cost = np.array([60.0, 40.0, 40.0])
    tr = metrics.trading(reg, removal, cost, np.array([10.0, 6.0]), np.array([14.0, 2.0]),
                         np.array([100.0, 40.0]), np.zeros(2))
    assert tr["nep"] == pytest.approx(10.0)
    np.testing.assert_allclose(tr["surplus"], [4.0, 0.0, 4.0])
    np.testing.assert_allclose(tr["deficit"], [0.0, 4.0, 4.0])
    np.testing.assert_allclose(tr["sold"], [4.0, 0.0, 4.0])
    np.testing.assert_allclose(tr["bought"], [0.0, 4.0, 4.0])
    np.testing.assert_allclose(tr["cnc_trading"], [(100 - 40) / 10, (40 + 40) / 6])
    np.testing.assert_allclose(tr["mnc"], [5.0, 10.0, 20.0])
    np.testing.assert_allclose(tr["cum"], [8.0, 14.0, 2.0])
    # With the deficit partly a shortfall, only the rest is bought.
    tr = metrics.trading(reg, removal, cost, np.array([10.0, 6.0]), np.array([14.0, 2.0]),
                         np.array([100.0, 40.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(tr["bought"], [0.0, 3.0, 3.0])
    np.testing.assert_allclose(tr["sold"], [3.0, 0.0, 3.0])


def test_nep_and_trading_consistent_on_solution(coop):
    m = coop.metrics
    sold, bought = float(m.sold_2100.sum()), float(m.bought_2100.sum())
    assert sold == pytest.approx(bought, rel=1e-6, abs=1e3)
    # Trading moves money between regions but not in total: sum of regional net costs = CTNC.
    tgt = m.target.sel(year=2100).values
    regional = (m.cnc_trading_2100.values * tgt).sum()
    assert regional == pytest.approx(float(m.ctnc.sel(year=2100).sum()), rel=1e-6)
    if sold > 0:
        surplus_cfg = m.config_surplus.values > 0
        lo, hi = m.config_mnc.values[surplus_cfg].min(), m.config_mnc.values[surplus_cfg].max()
        assert lo - 1e-9 <= float(m.nep) <= hi + 1e-9


def test_supply_curve_sorted_per_region(coop):
    m = coop.metrics
    for r in m.source_region.values:
        sel = m.config_region.values == r
        mnc = m.config_mnc.values[sel]
        pos = m.config_removal.values[sel] > 0
        assert np.all(np.diff(mnc[pos]) >= -1e-12)
        np.testing.assert_allclose(m.config_cum_removal.values[sel],
                                   np.cumsum(m.config_removal.values[sel]))


def test_shortfall_allocated_to_deficit_regions(shortfall_coeffs):
    ds = shortfall_coeffs
    res = api.solve_coefficients(ds, "cooperation")
    m = res.metrics
    # The world's shortfall is the LP's (one world group), shared by the regions.
    world = res.solution.shortfall.sel(group="world").values
    assert world[-1] > 0
    assert np.all(m.shortfall.sel(region=["BRA", "CHN"], year=2100).values > 0)
    np.testing.assert_allclose(m.shortfall.sum("region").values, world, rtol=1e-9)
    iso = api.solve_coefficients(ds, "isolation").metrics
    s = iso.shortfall.sel(year=2100).values
    assert s.sum() >= world[-1] * (1 - 1e-9)
    # Regional targets are met exactly (or missed): no surplus, hence no NEP and no trading.
    assert np.isnan(float(iso.nep)) and float(iso.surplus_2100.sum()) == 0.0
    np.testing.assert_allclose(iso.cnc_trading_2100.values,
                               iso.cnc_all_options.sel(year=2100).values, rtol=1e-12)


def test_summary_rows(coop):
    df = coop.summary()
    assert list(df.columns) == ["scenario", "region", "option", "metric", "value", "unit"]
    need = {("cum_removal_2100", r, o) for r in ("BRA", "CHN", "world")
            for o in ("ar", "beccs", "daccs", "all")}
    need |= {("shortfall_2100", r, "all") for r in ("BRA", "CHN", "world")}
    need |= {("cnc_2100", r, "all") for r in ("BRA", "CHN", "world")}
    need |= {(k, "world", "all") for k in ("nep", "columns", "rows", "nonzeros", "build_s",
                                            "solve_s", "max_violation")}
    have = set(zip(df.metric, df.region, df.option))
    assert need <= have
    v = df.set_index(["metric", "region", "option"]).value
    assert v[("cum_removal_2100", "world", "all")] == pytest.approx(
        sum(v[("cum_removal_2100", "world", o)] for o in ("ar", "beccs", "daccs")))
    assert v[("max_violation", "world", "all")] <= 1e-6
    assert "COOPERATION" in repr(coop) and "removal by 2100" in repr(coop)


def test_zarr_groups_resume_and_netcdf(small_coeffs, tmp_path):
    out = tmp_path / "runs.zarr"
    scs = [scenarios.make("isolation"), scenarios.make("switch_2070")]
    seen = []
    first = api.solve_many(scs, out=out, coefficients=small_coeffs, on_result=lambda r, s: seen.append(s))
    assert seen == [False, False]
    assert is_complete(out, "isolation-p3-medium") and is_complete(out, "switch_2070-p3-medium")
    seen.clear()
    again = api.solve_many(scs, out=out, coefficients=small_coeffs, on_result=lambda r, s: seen.append(s))
    assert seen == [True, True]
    for a, b in zip(first, again):
        xr.testing.assert_allclose(a.metrics, b.metrics)
        np.testing.assert_allclose(a.solution.beccs_rate.values, b.solution.beccs_rate.values)
        assert b.scenario == a.scenario
    # A group without the completion mark (a crash mid-write) is solved again.
    import zarr
    g = zarr.open_group(str(out), mode="a", path="switch_2070-p3-medium")
    del g.attrs["complete"]
    seen.clear()
    api.solve_many(scs, out=out, coefficients=small_coeffs, on_result=lambda r, s: seen.append(s))
    assert seen == [True, False]
    paths = first[0].to_netcdf(tmp_path / "iso.nc")
    back = xr.open_dataset(paths[0])
    np.testing.assert_allclose(back.cum_removal.values, first[0].metrics.cum_removal.values)
    assert Results.from_zarr(out, "isolation-p3-medium").scenario.policy == "isolation"


def test_cli_summary_csv(small_coeffs, tmp_path):
    from fastmonet.cli.main import main
    from fastmonet.coefficients import save
    store = tmp_path / "coeffs.zarr"
    save(small_coeffs, store)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["solve", "--coefficients", str(store), "--scenario", "cooperation,isolation",
                   "--summary-csv", "--solver-csv", str(tmp_path / "solver.csv"),
                   "--out", str(tmp_path / "r.zarr")])
    assert rc == 0, err.getvalue()
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["scenario", "region", "option", "metric", "value", "unit"]
    names = {r[0] for r in rows[1:]}
    assert names == {"cooperation-p3-medium", "isolation-p3-medium"}
    world = {(r[0], r[3]): float(r[4]) for r in rows[1:] if r[1] == "world" and r[2] == "all"}
    assert world[("cooperation-p3-medium", "cum_removal_2100")] == pytest.approx(
        float(small_coeffs.target[:, -1].sum()) / 1e9, rel=1e-5)
    assert {r[3] for r in rows[1:]} == {"cum_removal_2100", "shortfall_2100", "cnc_2100", "nep"}
    solver = list(csv.DictReader(open(tmp_path / "solver.csv")))
    assert [r["scenario"] for r in solver] == ["cooperation-p3-medium", "isolation-p3-medium"]
    assert float(solver[0]["max_violation"]) <= 1e-6 and int(solver[0]["columns"]) > 0


def test_cli_errors_are_reported(tmp_path):
    from fastmonet.cli.main import main
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["solve", "--scenario", "teamwork", "--coefficients", str(tmp_path / "x.zarr")])
    assert rc == 2 and "teamwork" in err.getvalue()
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["solve", "--coefficients", str(tmp_path / "missing.zarr")])
    assert rc == 2 and "missing.zarr" in err.getvalue()
