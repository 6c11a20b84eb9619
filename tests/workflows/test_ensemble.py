"""The ensemble engine on a 15-subregion cut of the bundled data (3 subregions per region).

Runs are small (2-4 members, ISOLATION or COOPERATION) and mostly in-process (`workers=0`, the
same task functions a dask worker runs); one test starts a LocalCluster of two processes.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import fastmonet.ensemble as ens
from fastmonet import api, coefficients, data, technology, uncertainty
from fastmonet.dimensions import REGIONS
from fastmonet.ensemble import sampling, store
from fastmonet.ensemble.stand_coefficients import Cells, ar_block, dac_block
from fastmonet.errors import InputError

RANGES = Path(__file__).parents[1] / "data" / "ensemble_ranges.toml"


def small_inputs(inputs: xr.Dataset) -> xr.Dataset:
    reg = inputs["subregion_region"].values
    idx = np.concatenate([np.flatnonzero(reg == r)[:3] for r in REGIONS])
    return inputs.isel(subregion=idx)


@pytest.fixture(scope="module")
def inputs():
    return small_inputs(data.load())


@pytest.fixture(scope="module")
def tech():
    return technology.load()


@pytest.fixture(scope="module")
def ranges(tech):
    return uncertainty.load(RANGES, tech=tech)


def content(path) -> xr.Dataset:
    """The root group in memory: what a resumed / re-run ensemble must reproduce exactly."""
    return ens.open(path).load()


def assert_same_store(a, b) -> None:
    xr.testing.assert_identical(content(a), content(b))
    ca, cb = (ens.open(p, group="coefficients").load() for p in (a, b))
    for name in ("ar_removal", "ar_cost", "dac_cost", "dac_efficiency", "coef_status"):
        np.testing.assert_array_equal(ca[name].values, cb[name].values)


# --------------------------------------------------------------------------------- sampling
@pytest.mark.parametrize("sampler", sampling.SAMPLERS)
def test_same_seed_same_sample_and_another_seed_another(sampler):
    a, ia = sampling.unit_sample(4, 30, sampler, seed=7)
    b, _ = sampling.unit_sample(4, 30, sampler, seed=7)
    c, _ = sampling.unit_sample(4, 30, sampler, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (ia.n_members, 4) and np.all((a >= 0) & (a <= 1))


def test_sobol_members_follow_the_saltelli_design():
    # First-order and total indices only: N (d + 2) members, not N (2d + 2).
    u, info = sampling.unit_sample(3, 52, "sobol", seed=1)
    assert info.base_n == 52 // 5 and u.shape == (info.base_n * 5, 3) and not info.second_order
    assert sampling.unit_sample(58, 60, "sobol")[0].shape == (60, 58)
    with pytest.raises(InputError, match="d\\+2 = 5"):
        sampling.unit_sample(3, 4, "sobol")
    with pytest.raises(InputError, match="--sampler"):
        sampling.unit_sample(3, 7, "halton")


@pytest.mark.parametrize("second_order", [False, True, None])   # None: a store without the attribute
def test_sobol_report_analyses_the_design_the_store_was_drawn_with(second_order):
    from SALib.sample import sobol as salib_sobol

    from fastmonet.ensemble import report
    names = ["a", "b", "c"]
    problem = {"num_vars": 3, "names": names, "bounds": [[0.0, 1.0]] * 3}
    u = salib_sobol.sample(problem, 64, calc_second_order=bool(second_order is not False), seed=3)
    y = u[:, 0] + 3.0 * u[:, 1]                            # c has no effect, b the largest
    m = y.size
    full = y[:, None, None, None, None] * np.ones((m, 1, 1, 1, 1))
    attrs = {"sampler": "sobol", "seed": 0}
    if second_order is not None:
        attrs["saltelli_second_order"] = second_order
    ds = xr.Dataset({"cnc": (("member", "scenario", "region", "option", "year"), full),
                     "cum_removal": (("member", "scenario", "region", "option", "year"), full),
                     "shortfall": (("member", "scenario", "region", "year"), full[..., 0, :]),
                     "nep": (("member", "scenario"), full[:, :, 0, 0, 0]),
                     "status": (("member", "scenario"), np.ones((m, 1), np.int8))},
                    coords={"member": np.arange(m), "scenario": ["s"], "region": ["world"],
                            "option": ["all"], "year": [2100], "parameter": names}, attrs=attrs)
    res = report.sobol_indices(ds)[("s", "cnc_2100")]
    assert not isinstance(res, str), res
    st = dict(zip(names, res["ST"]))
    assert st["b"] > st["a"] > 0.02 and abs(st["c"]) < 0.02


GROUPED = """
[[parameter]]
name = "mal"
target = "inputs:mal"
unit = "ha"
apply = "multiplier"
per = "region"
distribution = "triangular"
low = 0.6
central = 1.0
high = 2.8
group = "land"
source_low = "test value"
source_high = "test value"
status_low = "assumed"
status_high = "assumed"

[[parameter]]
name = "lrp"
target = ["inputs:lrp", "inputs:ovl"]
unit = "ha"
apply = "multiplier"
per = "region"
distribution = "uniform"
low = 0.75
high = 1.9
group = "land"
source_low = "test value"
source_high = "test value"
status_low = "assumed"
status_high = "assumed"

[[parameter]]
name = "capex"
target = "technology:beccs.plant.capex"
unit = "US$2018/kW"
apply = "multiplier"
distribution = "triangular"
low = 0.7
central = 1.0
high = 1.4
group = "beccs_cost"
source_low = "test value"
source_high = "test value"
status_low = "assumed"
status_high = "assumed"

[[parameter]]
name = "fom"
target = "technology:beccs.plant.fixed_opex"
unit = "1/yr of CAPEX"
apply = "multiplier"
distribution = "uniform"
low = 0.8
high = 1.3
group = "beccs_cost"
source_low = "test value"
source_high = "test value"
status_low = "assumed"
status_high = "assumed"

[[parameter]]
name = "rate_ar"
target = "scenario:rates.ar"
unit = "-"
apply = "multiplier"
distribution = "uniform"
low = 0.5
high = 2.0
source_low = "test value"
source_high = "test value"
status_low = "assumed"
status_high = "assumed"
"""


@pytest.fixture(scope="module")
def grouped_ranges(tmp_path_factory, tech):
    path = tmp_path_factory.mktemp("grouped") / "grouped.toml"
    path.write_text(GROUPED)
    return uncertainty.load(path, tech=tech)


def _ranks(x):
    return np.argsort(np.argsort(x, kind="stable"), kind="stable")


@pytest.mark.parametrize("sampler", sampling.SAMPLERS)
def test_grouped_inputs_move_together_in_every_sampler(grouped_ranges, sampler):
    r = grouped_ranges
    # 5 land columns (one per region, shared by mal and lrp), 1 BECCS cost column, rate_ar.
    assert r.sample_dimension_names() == [f"land[{x}]" for x in REGIONS] + ["beccs_cost", "rate_ar"]
    u, info = sampling.ranges_sample(r, 45, sampler, seed=3)
    if sampler == "sobol":   # the Saltelli design is over the 7 sampled columns: N (7 + 2)
        assert info.base_n == 5 and u.shape[0] == 45
    draws = r.ppf(u)
    for region in REGIONS:
        mal, lrp = draws[f"mal[{region}]"].to_numpy(), draws[f"lrp[{region}]"].to_numpy()
        np.testing.assert_array_equal(_ranks(mal), _ranks(lrp))      # comonotonic
        assert mal.min() >= 0.6 and lrp.max() <= 1.9
    np.testing.assert_array_equal(_ranks(draws["capex"].to_numpy()), _ranks(draws["fom"].to_numpy()))
    # Different regions and ungrouped entries are drawn apart.
    assert not np.array_equal(_ranks(draws["mal[BRA]"].to_numpy()), _ranks(draws["mal[CHN]"].to_numpy()))
    assert not np.array_equal(_ranks(draws["capex"].to_numpy()), _ranks(draws["rate_ar"].to_numpy()))


def test_a_grouped_store_records_its_sampled_columns_and_the_report_analyses_them(
        tmp_path, inputs, tech, grouped_ranges, capsys):
    from fastmonet.cli.main import main
    from fastmonet.ensemble import report
    r = dataclasses.replace(grouped_ranges, parameters=[grouped_ranges[n] for n in ("capex", "fom", "rate_ar")])
    out = tmp_path / "g.zarr"
    s = ens.run(n=4, scenarios=["isolation"], out=out, ranges=r, sampler="sobol", seed=2,
                inputs=inputs, tech=tech, workers=0, progress=False)
    assert s.members == 4                       # N (d' + 2) with d' = 2 sampled columns, N = 1
    ds = content(out)
    assert report.sampled_names(ds) == ["beccs_cost", "rate_ar"]
    assert report.correlated(ds) == {"beccs_cost": ["capex", "fom"]}
    from fastmonet.ensemble import sampled
    x = sampled.inputs(ds)                     # one column per sampled column, the first entry's values
    assert list(x.columns) == ["beccs_cost", "rate_ar"]
    np.testing.assert_array_equal(x["beccs_cost"], ds["sample"].sel(parameter="capex").values)
    assert [c.parameters for c in sampled.columns(ds)] == [("capex", "fom"), ("rate_ar",)]
    sample = ds["sample"].values
    np.testing.assert_array_equal(_ranks(sample[:, 0]), _ranks(sample[:, 1]))
    res = report.sobol_indices(ds)[("isolation", "cnc_2100")]
    assert isinstance(res, str) or list(res["names"]) == ["beccs_cost", "rate_ar"]
    capsys.readouterr()
    assert main(["ensemble", "report", str(out), "--out", str(tmp_path / "rep")]) == 0
    assert "drawn together (one sampled column beccs_cost): capex, fom" in capsys.readouterr().err


def test_lhs_puts_one_member_in_each_stratum():
    u, _ = sampling.unit_sample(3, 20, "lhs", seed=2)
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 20).astype(int)) == list(range(20))


# ----------------------------------------------------------------------------- coefficients
@pytest.mark.parametrize("n", [1, 13, 150])   # 150: two full lane groups and a partial one
def test_block_vintage_kernels_give_vintage_coefficients_doubles(n):
    """The block kernels reorder loops, never arithmetic: byte-identical to the stand module's."""
    from fastmonet import stand
    from fastmonet.ensemble import block_vintages
    from fastmonet.ensemble.stand_coefficients import _vintages
    rng = np.random.default_rng(n)
    stock = rng.normal(size=(n, 101)) * 300.0
    flows = rng.normal(size=(n, 2, 101)) * rng.random((n, 1, 1))
    factors = np.stack([np.clip(np.linspace(1.3, -0.2, 80), 0, 1), np.ones(80)])
    cost_flows = rng.lognormal(size=(n, 1, 101)) * 50.0
    want = stand.vintage_coefficients(stock, flows, factors)
    assert block_vintages.stock_vintages(stock, flows, factors, 10, 8).tobytes() == want.tobytes()
    want_cost = -stand.vintage_coefficients(np.zeros((n, 101)), cost_flows, np.ones((1, 80)))
    assert (-block_vintages.flow_vintages(cost_flows, 10, 8)).tobytes() == want_cost.tobytes()
    removal, cost = _vintages(stock, np.arange(n), flows, factors, cost_flows, 100)
    assert removal.tobytes() == want.tobytes() and cost.tobytes() == want_cost.tobytes()
    rows = rng.integers(0, n, n)              # cells sharing trajectories, as a block has them
    shared = block_vintages.stock_vintages(stock, flows, factors, 10, 8, rows)
    assert shared.tobytes() == stand.vintage_coefficients(stock[rows], flows, factors).tobytes()
    stock[rows[0], 5] = np.nan                # what vintage_coefficients refuses, still refused
    with pytest.raises(InputError, match="not a finite number"):
        _vintages(stock, rows, flows, factors, cost_flows, 100)


@pytest.mark.parametrize("n", [1, 150])
def test_fused_block_kernel_gives_operation_flows_then_vintage_coefficients_doubles(n):
    """operation_flows folded into the vintage kernel: the same doubles, never the flow arrays."""
    from fastmonet import stand
    from fastmonet.ensemble import block_vintages
    from fastmonet.kernels.operations import operation_flows
    rng = np.random.default_rng(n + 7)
    stock = rng.normal(size=(n, 101)) * 300.0
    th = np.where(rng.random((n, 101)) < 0.1, rng.lognormal(size=(n, 101)) * 20.0, 0.0)
    rows = rng.integers(0, n, n)
    units = rng.lognormal(size=(n, 10)) * rng.choice([0.0, 1.0, 3.0], size=(n, 10))
    factors = np.stack([np.clip(np.linspace(1.3, -0.2, 80), 0, 1), np.ones(80)])
    em, cf = np.empty((n, 2, 101)), np.empty((n, 1, 101))
    operation_flows(np.ascontiguousarray(th[rows]), *(np.ascontiguousarray(units[:, i]) for i in range(10)),
                    0.0734, 20, em, cf)
    removal, cost, ok = block_vintages.fused_vintages(stock, th, rows, units, 0.0734, 20, factors, 10, 8)
    assert ok
    assert removal.tobytes() == stand.vintage_coefficients(stock[rows], em, factors).tobytes()
    want_cost = -stand.vintage_coefficients(np.zeros((n, 101)), cf, np.ones((1, 80)))
    assert cost.tobytes() == want_cost.tobytes()
    other = factors * np.array([[1.0], [0.9]])            # a second flow that is scaled too
    got = block_vintages.fused_vintages(stock, th, rows, units, 0.0734, 20, other, 10, 8)[0]
    assert got.tobytes() == stand.vintage_coefficients(stock[rows], em, other).tobytes()
    th[rows[-1], 90] = 5.0                    # a thinning past the window ...
    units[-1, 9] = np.inf                     # ... at an infinite cost: not ok (the checked path)
    assert not block_vintages.fused_vintages(stock, th, rows, units, 0.0734, 20, factors, 10, 8)[2]


def test_a_members_stand_rows_are_forest_overrides_adjust_of_the_central_ones(inputs, tech, ranges):
    """The rows-matrix shortcut of `ForestOverrides.adjust`: the same doubles, the same refusals."""
    from fastmonet import stand
    from fastmonet.ensemble.stand_coefficients import _member_stand, _rows
    from fastmonet.uncertainty.forest import ForestOverrides
    cells = Cells.from_inputs(inputs)
    central = uncertainty.apply(inputs, tech, ranges.central(), ranges)
    base, inv = _member_stand(central, cells, {})
    distinct = stand.StandParams(**{f: base[:, i] for i, f in enumerate(("B", "G", "R1", "R2", "Cf",
                                                                          "rfire", "thin_share"))})
    for fo in (ForestOverrides(1.3, 0.7, 0.4, 0.25), ForestOverrides(growth_G=1.0000001)):
        rows, inv2 = _member_stand(dataclasses.replace(central, forest_overrides=fo), cells, {})
        assert rows.tobytes() == _rows(fo.adjust(distinct), base.shape[0]).tobytes()
        assert np.array_equal(inv2, inv)
    for fo in (ForestOverrides(growth_B=0.0), ForestOverrides(thin_share=1.0), ForestOverrides(rfire=np.nan)):
        with pytest.raises(InputError, match="at cell"):
            _member_stand(dataclasses.replace(central, forest_overrides=fo), cells, {})


def test_central_member_coefficients_equal_the_deterministic_build(inputs, tech, ranges):
    central = uncertainty.apply(inputs, tech, ranges.central(), ranges)
    cells = Cells.from_inputs(inputs)
    removal, cost = ar_block([central], cells)
    want = coefficients.build(inputs, tech)
    np.testing.assert_array_equal(cells.dense(removal[0]), want["ar_removal"].values)
    np.testing.assert_array_equal(cells.dense(cost[0]), want["ar_cost"].values)
    dac = dac_block([central])
    for name, arr in dac.items():
        np.testing.assert_array_equal(arr[0], want[name].values)


def test_stored_coefficients_of_random_members_are_their_reference_builds_bit_for_bit(tmp_path, inputs,
                                                                                    tech, ranges):
    """coefficient_task (apply, block kernels, store) against each member's own
    `Applied.coefficients()` (`coefficients.build`, cell by cell): the same doubles."""
    from fastmonet.ensemble import execute, tasks
    u = np.random.default_rng(2024).random((3, len(ranges.dimension_names())))
    draws = [dict(r) for r in ranges.ppf(u).to_dict("records")]
    ctx, draws, sample, unit, info = execute._prepare(None, ["cooperation"], ranges, "random", 0, "p3",
                                                      "medium", None, inputs, tech, draws, None)
    keys, attrs = execute._keys(ctx, draws, sample, unit, info)
    out = str(tmp_path / "c.zarr")
    execute._open_or_create(out, ctx, attrs, keys, sample, unit, len(draws), 3, 1)
    assert tasks.coefficient_task(ctx, out, 0, draws)["failed"] == 0
    for m, d in enumerate(draws):
        want = uncertainty.apply(inputs, tech, d, ranges).coefficients()
        got = store.read_member_coefficients(out, m, ("ar_removal", "ar_cost", "dac_cost", "dac_efficiency"))
        for name in ("ar_removal", "ar_cost"):
            assert ctx.cells.dense(got[name]).tobytes() == want[name].values.tobytes(), (m, name)
        for name in ("dac_cost", "dac_efficiency"):
            assert got[name].tobytes() == want[name].values.tobytes(), (m, name)


def test_a_cell_does_not_depend_on_the_rest_of_its_block(inputs, tech, ranges):
    draws = ranges.draws(sampling.unit_sample(len(ranges.dimension_names()), 5, "random", 4)[0])
    applied = [uncertainty.apply(inputs, tech, d, ranges) for d in draws]
    cells = Cells.from_inputs(inputs)
    together = ar_block(applied, cells)
    for i in (0, 3):
        alone = ar_block([applied[i]], cells)
        for a, b in zip(together, alone):
            np.testing.assert_array_equal(a[i], b[0])
    assert not np.array_equal(together[0][0], together[0][1])   # the growth draw moves AR


# ------------------------------------------------------------------------------------ runs
@pytest.fixture(scope="module")
def central_run(tmp_path_factory, inputs, tech, ranges):
    out = tmp_path_factory.mktemp("ens") / "central.zarr"
    s = ens.run(draws=[ranges.central()], scenarios=["isolation", "cooperation"], out=out,
                ranges=ranges, inputs=inputs, tech=tech, workers=0, progress=False)
    return out, s


def test_central_member_reproduces_the_deterministic_run(central_run, inputs, tech):
    out, summary = central_run
    assert summary.done == {"isolation": 1, "cooperation": 1}
    ds = content(out)
    coeffs = coefficients.build(inputs, tech)
    for name in ("isolation", "cooperation"):
        det = api.solve_coefficients(coeffs, name).metrics
        got = ds.sel(member=0, scenario=name)
        for var in ("cum_removal", "cnc", "ctnc", "removal_rate", "shortfall", "target", "nep",
                    "cnc_trading_2100"):
            want = det[var].sel(region=got["region"].values) if "region" in det[var].dims else det[var]
            if "option" in want.dims:
                want = want.sel(option=got["option"].values)
            np.testing.assert_array_equal(got[var].values, want.transpose(*got[var].dims).values,
                                          err_msg=f"{name} {var}")


def test_store_opens_as_one_dataset_with_units_and_provenance(central_run, ranges):
    out, _ = central_run
    ds = xr.open_zarr(out, consolidated=False)
    assert {"member", "scenario", "region", "option", "year", "parameter"} <= set(ds.dims)
    assert ds["cum_removal"].dims == ("member", "scenario", "region", "option", "year")
    assert ds["sample"].dims == ("member", "parameter")
    assert ds["status"].dims == ds["message"].dims == ("member", "scenario")
    for var in ("cum_removal", "cnc", "shortfall", "nep"):
        assert ds[var].attrs["units"] and ds[var].attrs["long_name"]
    assert list(ds["parameter"].values) == ranges.dimension_names()
    assert ds.attrs["ranges_toml"] == RANGES.read_text()
    for key in ("run_key", "input_hash", "technology_hash", "ranges_hash", "fastmonet_version"):
        assert len(str(ds.attrs[key])) > 0


def run_small(out, inputs, tech, ranges, **kw):
    args = dict(n=3, scenarios=["isolation"], out=out, ranges=ranges, sampler="lhs", seed=5,
                inputs=inputs, tech=tech, workers=0, progress=False)
    return ens.run(**{**args, **kw})


def test_results_do_not_depend_on_the_member_block_size(tmp_path, inputs, tech, ranges):
    run_small(tmp_path / "b1.zarr", inputs, tech, ranges, block=1)
    run_small(tmp_path / "b3.zarr", inputs, tech, ranges, block=3)
    assert_same_store(tmp_path / "b1.zarr", tmp_path / "b3.zarr")
    assert (content(tmp_path / "b1.zarr")["status"] == store.DONE).all()


def test_warm_start_from_the_central_member_keeps_every_optimum(tmp_path, inputs, tech, ranges):
    kw = dict(n=3, scenarios=["cooperation", "isolation"])
    warm = run_small(tmp_path / "warm.zarr", inputs, tech, ranges, **kw)
    cold = run_small(tmp_path / "cold.zarr", inputs, tech, ranges, warm_start=False, **kw)
    assert warm.note == cold.note == ""
    w, c = content(tmp_path / "warm.zarr"), content(tmp_path / "cold.zarr")
    assert (w["status"] == store.DONE).all() and (c["status"] == store.DONE).all()
    np.testing.assert_allclose(w["total_cost"].values, c["total_cost"].values, rtol=1e-9)
    # The tie-break (formulation §7.2) makes even the split of a world shortfall over the regions
    # (which depends on where the removal is) the same on both paths: to 1 t, where it was 54 kt
    # apart on one path by interior point, the other by simplex from the central basis.
    np.testing.assert_allclose(w["shortfall"].values, c["shortfall"].values, rtol=1e-9, atol=1.0)
    assert (w["simplex_iterations"] != c["simplex_iterations"]).any()     # two paths indeed
    assert (w.attrs["warm_start"], c.attrs["warm_start"]) == ("central", "none")
    with pytest.raises(InputError, match="warm_start"):
        run_small(tmp_path / "warm.zarr", inputs, tech, ranges, warm_start=False, **kw)


def test_same_seed_same_store_and_a_rerun_skips_everything(tmp_path, inputs, tech, ranges):
    a = run_small(tmp_path / "a.zarr", inputs, tech, ranges)
    b = run_small(tmp_path / "b.zarr", inputs, tech, ranges)
    assert_same_store(tmp_path / "a.zarr", tmp_path / "b.zarr")
    again = run_small(tmp_path / "a.zarr", inputs, tech, ranges)
    assert a.skipped == b.skipped == 0 and again.skipped == 3
    assert_same_store(tmp_path / "a.zarr", tmp_path / "b.zarr")


def test_stored_hashes_change_when_and_only_when_inputs_change(tmp_path, inputs, tech, ranges):
    run_small(tmp_path / "a.zarr", inputs, tech, ranges, n=1)
    base = store.attrs(tmp_path / "a.zarr")
    run_small(tmp_path / "same.zarr", inputs.copy(deep=True), tech, ranges, n=1)
    assert store.attrs(tmp_path / "same.zarr")["input_hash"] == base["input_hash"]
    assert store.attrs(tmp_path / "same.zarr")["run_key"] == base["run_key"]
    moved = inputs.copy(deep=True)
    moved["mal"].values[0] *= 1.0000001
    with pytest.raises(InputError, match="input_hash"):
        run_small(tmp_path / "a.zarr", moved, tech, ranges, n=1)
    run_small(tmp_path / "moved.zarr", moved, tech, ranges, n=1)
    got = store.attrs(tmp_path / "moved.zarr")
    assert got["input_hash"] != base["input_hash"]
    assert (got["technology_hash"], got["ranges_hash"]) == (base["technology_hash"], base["ranges_hash"])
    cheaper = dataclasses.replace(tech, plant=dataclasses.replace(tech.plant, capex=tech.plant.capex * 0.9))
    with pytest.raises(InputError, match="technology_hash"):
        run_small(tmp_path / "a.zarr", inputs, cheaper, ranges, n=1)
    keys = [str(k) for k in content(tmp_path / "a.zarr")["member_key"].values]
    assert keys == [str(k) for k in content(tmp_path / "same.zarr")["member_key"].values]


def test_a_failing_member_is_recorded_and_the_others_complete(tmp_path, inputs, tech, ranges):
    central = ranges.central()
    draws = [central, {**central, "growth_b": 0.0}, {**central, "mal[BRA]": 0.9}]
    s = ens.run(draws=draws, scenarios=["isolation"], out=tmp_path / "f.zarr", ranges=ranges,
                inputs=inputs, tech=tech, workers=0, block=3, progress=False)
    assert s.done == {"isolation": 2} and s.failed == {"isolation": 1} and not s.all_failed
    ds = content(tmp_path / "f.zarr")
    assert list(ds["status"].sel(scenario="isolation").values) == [store.DONE, store.FAILED, store.DONE]
    msg = str(ds["message"].sel(member=1, scenario="isolation").values)
    assert "coefficients failed" in msg and "StandParams.B" in msg
    assert np.isnan(ds["cnc"].sel(member=1).values).all()
    assert np.isfinite(ds["cnc_world_all_options"].sel(member=2, year=2100).values)


def test_the_cli_exits_non_zero_only_when_every_member_failed(tmp_path, inputs, tech, ranges):
    from fastmonet.scenarios import SolverOptions
    s = ens.run(n=2, scenarios=["isolation"], out=tmp_path / "t.zarr", ranges=ranges, sampler="random",
                inputs=inputs, tech=tech, workers=0, progress=False,
                solver=SolverOptions(time_limit=1e-9))
    assert s.all_failed and s.failed == {"isolation": 2}
    # The central member's solve failed too: the run says the members were solved cold.
    assert "warm start: the central member's solve failed" in s.note and "cold" in s.note
    msg = str(content(tmp_path / "t.zarr")["message"].values[0, 0])
    assert "time limit" in msg


@pytest.mark.slow   # ~50 s on the loaded 2-core machine: two worker processes start and JIT-load
def test_two_worker_processes_give_the_in_process_store(tmp_path, inputs, tech, ranges):
    s = run_small(tmp_path / "w2.zarr", inputs, tech, ranges, n=2, workers=2)
    assert s.dashboard and s.done == {"isolation": 2}
    run_small(tmp_path / "w0.zarr", inputs, tech, ranges, n=2, workers=0)
    assert_same_store(tmp_path / "w2.zarr", tmp_path / "w0.zarr")


KILL_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_ensemble import RANGES, small_inputs
    from fastmonet import data
    import fastmonet.ensemble as ens
    if __name__ == "__main__":
        ens.run(n=4, scenarios=["isolation"], out=sys.argv[1], ranges=RANGES, sampler="lhs", seed=9,
                inputs=small_inputs(data.load()), workers=0, block=1, progress=False)
""")


@pytest.mark.slow   # ~60 s: three Python processes, each loading the data and the kernels
def test_kill_9_then_resume_ends_with_the_uninterrupted_store(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT.format(tests=str(Path(__file__).parent)))
    killed, whole = tmp_path / "killed.zarr", tmp_path / "whole.zarr"
    proc = subprocess.Popen([sys.executable, str(script), str(killed)])
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        laid_out = store.exists(killed) and store.attrs(killed).get("layout_complete")
        if laid_out and (store.status(killed) == store.DONE).sum() >= 1:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (store.status(killed) == store.PENDING).any()
    for path in (killed, whole):
        subprocess.run([sys.executable, str(script), str(path)], check=True)
    assert_same_store(killed, whole)


# ---------------------------------------------------------------------------------- report
def test_report_cli_gives_percentiles_probabilities_sobol_and_figures(tmp_path, inputs, tech, ranges, capsys):
    from fastmonet.cli.main import main
    three = dataclasses.replace(ranges, parameters=[ranges["beccs_capex"], ranges["growth_b"],
                                                    ranges["rate_ar"]])
    out = tmp_path / "sob.zarr"
    s = ens.run(n=5, scenarios=["isolation"], out=out, ranges=three, sampler="sobol", seed=1,
                inputs=inputs, tech=tech, workers=0, progress=False)
    assert s.members == 5 and s.done == {"isolation": 5}             # N (d + 2), N = 1
    capsys.readouterr()
    assert main(["ensemble", "report", str(out), "--out", str(tmp_path / "rep"), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "scenario,region,option,metric,stat,value,unit"
    import io

    import pandas as pd
    table = pd.read_csv(io.StringIO("\n".join(lines)))
    cnc = table[(table.metric == "cnc_2100") & (table.region == "world")].set_index("stat")["value"]
    assert cnc["p5"] <= cnc["p50"] <= cnc["p95"]
    ds = content(out)
    world = ds["cnc_world_all_options"].sel(scenario="isolation", year=2100).values
    assert cnc["p50"] == pytest.approx(np.percentile(world, 50))
    prob = table[table.metric == "target_met_2100"]["value"]
    assert len(prob) == 6 and prob.between(0, 1).all()
    sob = table[table.stat.str.startswith("ST:") & (table.metric == "cnc_2100")]
    assert sorted(sob.stat) == ["ST:beccs_capex", "ST:growth_b", "ST:rate_ar"]
    for name in ("fan_cum_removal.png", "cnc_histograms.png", "sobol_indices.png", "summary.csv"):
        assert (tmp_path / "rep" / name).stat().st_size > 0


def test_report_of_an_lhs_store_has_the_sensitivity_and_prim_sections(tmp_path, inputs, tech, ranges,
                                                                       capsys):
    import pandas as pd

    from fastmonet.cli.main import main
    out = tmp_path / "lhs.zarr"
    run_small(out, inputs, tech, ranges)                       # 3 lhs members, ISOLATION
    capsys.readouterr()
    assert main(["ensemble", "report", str(out), "--out", str(tmp_path / "rep")]) == 0
    err = capsys.readouterr().err
    text = (tmp_path / "rep" / "analysis.md").read_text()
    assert "Store: scenarios isolation; 3 members (lhs sample, seed 5)" in text
    assert "## Sensitivity (PAWN)" in text and "## Scenario discovery (PRIM)" in text
    assert ("**isolation: world cnc_2100 (US$2018/tCO2), 3 finished members**: not computed: 3 "
            "finished members; 10 slices need at least 20.") in text
    boxes = pd.read_csv(tmp_path / "rep" / "prim_boxes.csv")
    assert sorted(set(boxes["question"])) == ["cnc_above", "daccs_built", "target_missed"]
    assert (boxes["members"] == 3).all()
    for q in ("target_missed", "daccs_built", "cnc_above"):
        assert f"PRIM isolation {q}" in err
    assert "the median of the members" in text
    assert main(["ensemble", "report", str(out), "--out", str(tmp_path / "rep"), "--resamples", "5"]) == 2
    assert "--resamples: at least 10 bootstrap resamples, got 5" in capsys.readouterr().err


def test_value_of_cooperation_is_each_members_cnc_ratio(central_run):
    from fastmonet.ensemble import report
    out, _ = central_run
    ds = content(out)
    table = report.value_of_cooperation(ds)
    cnc = ds["cnc_world_all_options"].sel(year=2100)
    want = float(cnc.sel(member=0, scenario="isolation") / cnc.sel(member=0, scenario="cooperation"))
    assert table["cnc_isolation_over_cooperation"].tolist() == [want]
    assert np.isfinite(want) and want > 0


def test_cli_run_rejects_a_bad_sampler_and_scenario_before_any_work(tmp_path, capsys):
    from fastmonet.cli.main import main
    assert main(["ensemble", "run", "--n", "2", "--scenario", "cooperate", "--out",
                 str(tmp_path / "x.zarr"), "--workers", "0"]) == 2
    assert "cooperate" in capsys.readouterr().err
    assert not (tmp_path / "x.zarr").exists()


def test_out_must_be_an_ensemble_store_or_new(tmp_path, inputs, tech, ranges):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not an ensemble store"):
        run_small(tmp_path / "notes.txt", inputs, tech, ranges, n=1)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.slow   # ~40 s: a second Python process runs the ensemble
def test_a_second_run_on_a_store_in_use_is_refused(tmp_path, inputs, tech, ranges):
    from fastmonet.store.errors import StoreError
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT.format(tests=str(Path(__file__).parent)))
    out = tmp_path / "busy.zarr"
    proc = subprocess.Popen([sys.executable, str(script), str(out)])
    try:
        deadline = time.time() + 240
        while time.time() < deadline and not (store.exists(out) and store.attrs(out).get("layout_complete")):
            time.sleep(0.05)
        with pytest.raises(StoreError, match="pid"):
            ens.run(n=4, scenarios=["isolation"], out=out, ranges=RANGES, sampler="lhs", seed=9,
                    inputs=inputs, workers=0, block=1, progress=False)
    finally:
        proc.kill()
        proc.wait()


def test_a_full_disk_while_writing_a_member_names_the_store_and_member(tmp_path, inputs, tech, ranges,
                                                                      monkeypatch):
    import errno

    import zarr.storage._local as zarr_local
    real = zarr_local._put

    def put(path, value, *args, **kwargs):      # zarr's signature varies by version
        if "/cnc/c/" in str(path):      # a chunk of a member's results, not the layout
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, value, *args, **kwargs)
    monkeypatch.setattr(zarr_local, "_put", put)
    out = tmp_path / "full.zarr"
    with pytest.raises(OSError, match=rf"No space left on device: writing ensemble store {out}, member 0"):
        run_small(out, inputs, tech, ranges, n=1, warm_start=False)


def test_a_damaged_result_chunk_is_refused_on_open_and_solved_again_on_resume(tmp_path, inputs, tech,
                                                                              ranges):
    run_small(tmp_path / "ok.zarr", inputs, tech, ranges, n=2)
    out = tmp_path / "d.zarr"
    run_small(out, inputs, tech, ranges, n=2)
    chunk = sorted((out / "cnc" / "c").rglob("*"))
    chunk = [p for p in chunk if p.is_file()][0]
    chunk.write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"damaged: variable 'cnc' of member 0"):
        ens.open(out)
    again = run_small(out, inputs, tech, ranges, n=2)
    assert "damaged result chunk" in again.note and again.skipped == 1
    assert_same_store(out, tmp_path / "ok.zarr")


def test_a_resumed_run_takes_the_central_bases_from_the_store(tmp_path, inputs, tech, ranges,
                                                              monkeypatch):
    from fastmonet.ensemble import execute
    from fastmonet.store import bases
    out, kw = tmp_path / "r.zarr", dict(n=3, scenarios=["cooperation", "isolation"])
    run_small(out, inputs, tech, ranges, **kw)
    assert bases.path(out, "central-cooperation").is_file()
    assert bases.path(out, "central-isolation").is_file()
    before = content(out).load()
    store.mark_pending(out, [1, 2])            # as a crash leaves them

    def no_central_solve(ctx):
        raise AssertionError("the central member was solved again")
    monkeypatch.setattr(execute, "reference_task", no_central_solve)
    resumed = run_small(out, inputs, tech, ranges, **kw)
    assert resumed.skipped == 1 and resumed.note == ""
    after = content(out)
    assert (after["status"] == store.DONE).all()
    np.testing.assert_allclose(after["total_cost"].values, before["total_cost"].values, rtol=1e-9)


def test_the_central_members_independent_scenarios_are_steps_of_their_own():
    from fastmonet import scenarios
    from fastmonet.ensemble.execute import plan, reference_keys
    independent = [scenarios.make(p) for p in ("cooperation", "current_policy", "isolation")]
    refs = reference_keys(independent)
    assert refs == {f"reference {s.name}": s.name for s in independent}
    # A SWITCH_Y needs its ISOLATION base: the central member is one step.
    assert reference_keys([scenarios.make("isolation"), scenarios.make("switch_2050")]) == {
        "reference": None}
    steps = plan(4, 2, [{}] * 4, "x.zarr", np.zeros(4, bool), [0, 1, 2, 3], True, refs).steps
    assert sum(s.key.startswith("reference") for s in steps) == 3
    members = [s for s in steps if s.key.startswith("member")]
    assert len(members) == 4 and all(set(s.needs) == set(refs) for s in members)
    # Without the warm start nothing waits for them.
    cold = plan(4, 2, [{}] * 4, "x.zarr", np.zeros(4, bool), [0, 1, 2, 3], False, refs).steps
    assert not any(s.key.startswith("reference") or s.needs for s in cold)
