"""Dimensions that partition (issue 19): in the stores and the Python API `region` holds regions and
`option` options, so a sum over either is the world's / all options' value; ratios keep their
totals in variables of their own; long tables keep their "world" rows; stores of the layout
before (world / all inside the dimensions) are converted when read, and in place before anything
is added to them."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import xarray as xr

from fastmonet import api, partition, scenario_dataset, scenarios
from fastmonet.results import Results
from fastmonet.store import groups, kinds
from fastmonet.summary_table import summary_rows, timeseries_rows

OPTIONS = ["ar", "beccs", "daccs"]


@pytest.fixture(scope="module")
def solved(shortfall_coeffs):
    return {name: api.solve_coefficients(shortfall_coeffs, name) for name in ("cooperation", "isolation")}


def regions_of(coeffs) -> list[str]:
    return [str(r) for r in coeffs["region"].values]


def assert_partitions(ds: xr.Dataset, regions: list[str]) -> None:
    for name, var in ds.variables.items():
        if "region" in var.dims:
            assert [str(r) for r in ds["region"].values] == regions, name
        if "option" in var.dims:
            assert [str(o) for o in ds["option"].values] == OPTIONS, name
    for name in ("config_region", "config_option"):
        if name in ds:
            assert set(map(str, ds[name].values)) <= set(regions + OPTIONS), name


def test_region_holds_regions_and_option_options_in_every_variable(shortfall_coeffs, solved):
    regions = regions_of(shortfall_coeffs)
    for res in solved.values():
        assert_partitions(res.metrics, regions)
        assert_partitions(res.solution, regions)
    assert_partitions(scenario_dataset.combine(list(solved.values())), regions)


def test_sums_over_region_and_option_are_the_world_values(shortfall_coeffs, solved):
    for name, res in solved.items():
        m, sol = res.metrics, res.solution
        end = dict(year=2100)
        # The LP's cost objective is the world CTNC of all options by 2100.
        assert float(m.ctnc.sel(end).sum(("region", "option"))) == \
            pytest.approx(sol.attrs["cost_musd"] * 1e6, rel=1e-9)
        # The world shortfall is the LP's, summed over its target groups.
        world_short = np.nansum(sol.shortfall.values, axis=0)
        assert world_short[-1] > 0
        np.testing.assert_allclose(m.shortfall.sum("region").values, world_short, rtol=1e-9)
        np.testing.assert_allclose(m.target.sum("region").values,
                                   shortfall_coeffs.target.sum("region").values, rtol=1e-12)
        # Removal by 2100 + shortfall = target (formulation §6.3): counted once, not twice.
        removed = float(m.cum_removal.sel(end).sum(("region", "option")))
        assert removed == pytest.approx(float(m.target.sel(end).sum() - m.shortfall.sel(end).sum()),
                                        rel=1e-7)
        np.testing.assert_allclose(
            m.cum_removal.sum("region").values,
            m.cum_removal_subregion.sum("subregion").values, rtol=1e-12)
        for v in ("surplus_2100", "deficit_2100", "sold_2100", "bought_2100"):
            assert float(m[v].sum()) >= 0.0
    iso = solved["isolation"]
    # Under ISOLATION each region is its own target group: its shortfall is the LP's.
    np.testing.assert_allclose(iso.metrics.shortfall.values,
                               iso.solution.shortfall.sel(group=regions_of(shortfall_coeffs)).values,
                               rtol=1e-12)


def test_ratio_totals_are_variables_of_their_own(solved):
    m = solved["cooperation"].metrics
    cost, rem = m.ctnc, m.cum_removal

    def ratio(c, r):
        return (c / r.where(r != 0)).values

    def marginal(c, r):
        dc, dr = c.diff("year"), r.diff("year")
        return (dc / dr.where(dr != 0)).values

    expect = {
        "cnc": ratio(cost, rem),
        "cnc_all_options": ratio(cost.sum("option"), rem.sum("option")),
        "cnc_world": ratio(cost.sum("region"), rem.sum("region")),
        "cnc_world_all_options": ratio(cost.sum(("region", "option")), rem.sum(("region", "option"))),
    }
    for name, want in expect.items():
        np.testing.assert_allclose(m[name].values, want, rtol=1e-9, err_msg=name)
        assert m[name].attrs["units"] == "US$/tCO2" and m[name].attrs["long_name"]
        assert "region" not in m[name].dims or "world" not in m[name]["region"].values
    for name, (c, r) in {"mnc_all_options": (cost.sum("option"), rem.sum("option")),
                         "mnc_world": (cost.sum("region"), rem.sum("region")),
                         "mnc_world_all_options": (cost.sum(("region", "option")),
                                                   rem.sum(("region", "option")))}.items():
        np.testing.assert_allclose(m[name].isel(year=slice(1, None)).values, marginal(c, r),
                                   rtol=1e-6, err_msg=name)
        assert m[name].attrs["units"] == "US$/tCO2"
    assert float(m.cnc_trading_2100_world) == float(m.cnc_world_all_options.sel(year=2100))
    assert m.cnc_trading_2100_world.dims == ()


def test_long_tables_keep_world_rows_built_by_summing(solved):
    res = solved["cooperation"]
    m = res.metrics
    rows = {(r, o, k): v for _, r, o, k, v, _ in summary_rows(m, "s")}
    world = m.cum_removal.sel(year=2100).sum("region") / 1e9
    for o in OPTIONS:
        assert rows[("world", o, "cum_removal_2100")] == pytest.approx(float(world.sel(option=o)))
    assert rows[("world", "all", "cum_removal_2100")] == pytest.approx(float(world.sum()))
    assert rows[("world", "all", "shortfall_2100")] == \
        pytest.approx(float(m.shortfall.sel(year=2100).sum()) / 1e9)
    assert rows[("world", "all", "cnc_2100")] == float(m.cnc_trading_2100_world)
    ts = {(r, o, k, y): v for _, r, o, k, y, v, _ in timeseries_rows(m, "s")}
    assert ts[("world", "all", "cnc", 2100)] == float(m.cnc_world_all_options.sel(year=2100))
    assert ts[("BRA", "all", "ctnc", 2100)] == pytest.approx(
        float(m.ctnc.sel(region="BRA", year=2100).sum()), rel=1e-12)


# ------------------------------------------------------------ stores of the layout before
def old_layout(ds: xr.Dataset) -> xr.Dataset:
    """`ds` as fastmonet wrote it before issue 19 (layout 1): "world" last on `region` (sums;
    a ratio's world values), "all" last on `option` (sums; a ratio's all-options values)."""
    totals = partition.total_names()
    out = {}
    for name, da in ds.data_vars.items():
        if name in totals:
            continue
        r, o = "region" in da.dims, "option" in da.dims
        if name in ("cnc", "mnc") and r and o:
            top = xr.concat([da, ds[f"{name}_all_options"].expand_dims(option=["all"])], "option")
            bottom = xr.concat([ds[f"{name}_world"],
                                ds[f"{name}_world_all_options"].expand_dims(option=["all"])],
                               "option").expand_dims(region=["world"])
            da = xr.concat([top, bottom], "region").transpose(*da.dims)
        elif name == "cnc_trading_2100":
            da = xr.concat([da, ds["cnc_trading_2100_world"].expand_dims(region=["world"])],
                           "region").transpose(*da.dims)
        else:
            if o:
                da = xr.concat([da, da.sum("option").expand_dims(option=["all"])],
                               "option").transpose(*da.dims)
            if r:
                da = xr.concat([da, da.sum("region").expand_dims(region=["world"])],
                               "region").transpose(*da.dims)
        out[name] = da.assign_attrs(ds[name].attrs)
    res = xr.Dataset(out, attrs=ds.attrs)
    return res.assign_coords({c: ds[c] for c in ds.coords if c not in ("region", "option")})


def make_old(path, names) -> None:
    """Rewrite the store's groups (and its root view, if any) in the layout before; layout 1."""
    import zarr
    for name in names:
        parts, attrs = groups.read(path, name)
        parts = {k: v.load() for k, v in parts.items()}
        parts["metrics"] = old_layout(parts["metrics"])
        assert partition.is_labelled(parts["metrics"])
        keep = {k: v for k, v in attrs.items() if k not in groups.RESERVED}
        groups.write(path, name, parts, keep, attrs["provenance"])
    root = zarr.open_group(str(path), mode="a")
    if "region" in set(root.array_keys()):
        view = old_layout(xr.open_zarr(str(path), consolidated=False).load())
        scenario_dataset._write(view, path, zarr)
    # opened again: the root's metadata holds the consolidated metadata just written
    zarr.open_group(str(path), mode="a").attrs[kinds.LAYOUT_ATTR] = 1


def assert_same_metrics(got: xr.Dataset, want: xr.Dataset) -> None:
    assert set(got.data_vars) == set(want.data_vars)
    for name in want.data_vars:
        assert set(got[name].dims) == set(want[name].dims), name
        g, w = got[name].transpose(*want[name].dims).values, want[name].values
        if w.dtype.kind == "f":
            np.testing.assert_allclose(g, w, rtol=1e-12, err_msg=name)
        else:
            np.testing.assert_array_equal([str(x) for x in g.ravel()], [str(x) for x in w.ravel()],
                                          err_msg=name)


def test_a_results_store_of_the_layout_before_reads_as_the_new_and_is_upgraded_on_resume(
        shortfall_coeffs, tmp_path):
    out = tmp_path / "old.zarr"
    scs = [scenarios.make("isolation"), scenarios.make("cooperation")]
    new = api.solve_many(scs, out=out, coefficients=shortfall_coeffs)
    names = [s.name for s in scs]
    made_from = {n: groups.read(out, n)[1]["provenance"] for n in names}
    make_old(out, names)
    assert kinds.kind_of(out).layout == 1
    for res in new:
        raw, _ = groups.read(out, res.scenario.name)
        assert "world" in raw["metrics"]["region"].values       # the old layout on disk
        back = Results.from_zarr(out, res.scenario.name)
        assert not partition.is_labelled(back.metrics)
        assert_same_metrics(back.metrics, res.metrics)
    # Adding a scenario converts the store first: never two layouts in one store.
    seen = []
    more = scs + [scenarios.make("switch_2070")]
    api.solve_many(more, out=out, coefficients=shortfall_coeffs, on_result=lambda r, s: seen.append(s))
    assert seen == [True, True, False]
    assert kinds.kind_of(out).layout == kinds.LAYOUTS[kinds.RESULTS] == 2
    for s in more:
        raw, attrs = groups.read(out, s.name)               # checksums verified too
        assert not partition.is_labelled(raw["metrics"])
    for res in new:
        assert_same_metrics(Results.from_zarr(out, res.scenario.name).metrics, res.metrics)
        # the group keeps what it was made from
        assert groups.read(out, res.scenario.name)[1]["provenance"] == made_from[res.scenario.name]


def test_a_run_store_of_the_layout_before_opens_converted_and_is_upgraded_when_written(
        shortfall_coeffs, solved, tmp_path):
    out = tmp_path / "run.zarr"
    results = list(solved.values())
    for res in results:
        res.to_zarr(out)
    view = scenario_dataset.combine(results)
    scenario_dataset.write(view, out)
    make_old(out, [r.scenario.name for r in results])
    assert partition.is_labelled(xr.open_zarr(str(out)))
    opened = scenario_dataset.open(out).load()
    assert_same_metrics(opened, view)
    scenario_dataset.write(view, out)          # a rerun writing the view: groups converted too
    assert kinds.kind_of(out).layout == kinds.LAYOUTS[kinds.RUN]
    assert not partition.is_labelled(xr.open_zarr(str(out)))
    for res in results:
        assert not partition.is_labelled(groups.read(out, res.scenario.name)[0]["metrics"])


def test_labelled_and_partitioned_are_inverse(solved):
    m = solved["isolation"].metrics
    lab = partition.labelled(m)
    assert lab["region"].values.tolist()[-1] == "world" and lab["option"].values.tolist()[-1] == "all"
    assert_same_metrics(partition.partitioned(lab), m)
    old = old_layout(m)
    for name in lab.data_vars:
        if lab[name].dtype.kind != "f":
            continue
        np.testing.assert_allclose(lab[name].values, old[name].transpose(*lab[name].dims).values,
                                   rtol=1e-12, err_msg=name)


def test_an_ensemble_store_of_the_layout_before_opens_converted_and_is_not_resumed(
        tmp_path, monkeypatch):
    from fastmonet import ensemble
    from fastmonet.ensemble import execute
    from fastmonet.ensemble import store as ens_store
    from fastmonet.errors import InputError
    # A layout-1 ensemble store (no checksums) holding "world" and "all", by hand.
    m, years = 3, [2090, 2100]
    rng = np.random.default_rng(0)
    part = xr.Dataset(
        {"cum_removal": (("member", "scenario", "region", "option", "year"),
                         rng.uniform(1, 2, (m, 1, 2, 3, 2))),
         "ctnc": (("member", "scenario", "region", "option", "year"),
                  rng.uniform(10, 20, (m, 1, 2, 3, 2))),
         "shortfall": (("member", "scenario", "region", "year"), rng.uniform(0, 1, (m, 1, 2, 2))),
         "status": (("member", "scenario"), np.ones((m, 1), np.int8)),
         "message": (("member", "scenario"), np.full((m, 1), "", dtype=object))},
        coords={"member": np.arange(m), "scenario": np.array(["s"], dtype=object),
                "region": np.array(["BRA", "CHN"], dtype=object),
                "option": np.array(OPTIONS, dtype=object), "year": years})
    cnc = part.ctnc / part.cum_removal
    part["cnc"] = cnc
    part["cnc_all_options"] = part.ctnc.sum("option") / part.cum_removal.sum("option")
    part["cnc_world"] = part.ctnc.sum("region") / part.cum_removal.sum("region")
    part["cnc_world_all_options"] = part.ctnc.sum(("region", "option")) / \
        part.cum_removal.sum(("region", "option"))
    old = old_layout(part)
    old.attrs.update({"title": ens_store.TITLE, "layout_complete": True,
                      kinds.KIND_ATTR: kinds.ENSEMBLE, kinds.LAYOUT_ATTR: 1})
    path = tmp_path / "ens.zarr"
    old.to_zarr(str(path), mode="w", consolidated=True, zarr_format=3)
    ds = ensemble.open(path).load()
    assert not partition.is_labelled(ds)
    for name in part.data_vars:
        if part[name].dtype.kind == "f":
            np.testing.assert_allclose(ds[name].transpose(*part[name].dims).values,
                                       part[name].values, rtol=1e-12, err_msg=name)
    # A run into it would mix layouts: refused in one line naming the store and both layouts.
    monkeypatch.setattr(execute, "_check_out", lambda out: None)
    with pytest.raises(InputError) as err:
        execute._open_or_create(path, None, {"run_key": "x"}, [], None, None, m, 1, 1)
    text = str(err.value)
    assert "\n" not in text and str(path) in text and "layout 1" in text and "layout 3" in text
    shutil.rmtree(path)


def test_a_group_shortfall_within_noise_without_a_deficit_still_adds_up():
    # The LP reports 1 t short on a world target that every region meets on its own (solver
    # noise): the regions share it by target, so their shortfalls sum to the world's.
    from fastmonet import metrics
    fr = metrics._Frame(["BRA", "CHN"], np.array([0, 1]), 2, 1, np.array([2100]))
    sol = xr.Dataset({"shortfall": (("group", "year"), [[1.0]])}, coords={"group": ["world"]})
    target = np.array([[2.0], [6.0]])
    removal = np.zeros((3, 4, 1))
    removal[:2, 3, 0] = [2.0, 7.0]                       # all options: each region meets its own
    short = metrics._shortfall(fr, sol, target, removal)
    np.testing.assert_allclose(short[:, 0], [0.25, 0.75, 1.0])
