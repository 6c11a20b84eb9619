"""One column for an `overlap` chain identical to its `mal` chain (formulation §6.10): same
optimum, land accounting of the reported chains kept (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import lp, results, scenarios, solver, synthetic
from fastmonet.api import solve_coefficients


def with_overlap_twins(ds, share=0.8, seed=0):
    """`share` of the overlap chains made exact copies of the mal chain of the same source,
    plant, biomass and period (as in the bundled coefficients, where all of them are)."""
    ds = ds.copy(deep=True)
    twins = lp.overlap_twins(ds)
    assert twins.shape[1] == 0                      # synthetic chains are all different
    land = ds["chain_land"].values
    key = np.stack([ds[v].values.astype(np.int64) for v in
                    ("chain_source", "chain_plant", "chain_biomass", "chain_period")], axis=1)
    first = {tuple(k): i for i, k in enumerate(key) if land[i] == 0}
    rng = np.random.default_rng(seed)
    for j in np.flatnonzero(land == 1):
        i = first.get(tuple(key[j]))
        if i is not None and rng.random() < share:
            for v in ("beccs_cost", "beccs_stored", "beccs_units", "beccs_land",
                      "beccs_removal_tdm"):
                ds[v].values[j] = ds[v].values[i]
    return ds


@pytest.fixture(scope="module")
def twins_ds():
    ds = synthetic.instance(n_subregions=6, n_regions=3, n_ecozones=2, seed=11, chain_keep=0.8,
                            target_gt_per_subregion=2.0, nonneg_cost=False, land_scale=0.05)
    return with_overlap_twins(ds)


def test_twins_are_found_exactly(twins_ds):
    tw = lp.overlap_twins(twins_ds)
    assert tw.shape[1] > 50
    land = twins_ds["chain_land"].values
    assert (land[tw[0]] == 0).all() and (land[tw[1]] == 1).all()
    for v in ("chain_source", "chain_plant", "chain_biomass", "chain_period", "beccs_cost",
              "beccs_units", "beccs_land", "beccs_stored"):
        np.testing.assert_array_equal(twins_ds[v].values[tw[0]], twins_ds[v].values[tw[1]])
    # A difference in any one LP coefficient keeps the chains apart.
    ds = twins_ds.copy(deep=True)
    ds["beccs_land"].values[tw[1, 0]] *= 1.0 + 1e-12
    assert lp.overlap_twins(ds).shape[1] == tw.shape[1] - 1


@pytest.mark.parametrize("policy", ["cooperation", "current_policy", "isolation"])
def test_merged_lp_has_the_same_optimum(twins_ds, policy):
    sc = scenarios.make(policy)
    full = lp.build(twins_ds, sc, merge_overlap=False)
    cut = lp.build(twins_ds, sc)
    n_merged = cut.merged_chains.shape[1]
    assert n_merged > 0
    assert cut.index.columns["xB"].size == full.index.columns["xB"].size - n_merged
    assert cut.nnz < full.nnz and cut.n_row == full.n_row
    a, b = solver.solve_model(full), solver.solve_model(cut)
    assert b.shortfall == pytest.approx(a.shortfall, rel=1e-9, abs=1e-6)
    assert b.cost == pytest.approx(a.cost, rel=1e-9, abs=1e-6)


def test_reported_rates_keep_the_land_accounting(twins_ds):
    # Land scarce (land_scale 0.05 in the fixture): crops spill from MAL onto overlap land.
    res = solve_coefficients(twins_ds, "cooperation")
    model = lp.build(twins_ds, res.scenario)
    sol = solver.solve_model(model)
    rate = results.beccs_rates(twins_ds, model, sol.x)
    np.testing.assert_allclose(rate, res.solution["beccs_rate"].values)
    rep, twin = model.merged_chains
    xb = model.index.columns["xB"]
    col = np.zeros(twins_ds.sizes["chain"])
    col[xb.coords["chain"]] = sol.x[xb.slice()] * xb.scale
    # Each merged column's removal is reported in full on its two chains, never negative.
    np.testing.assert_allclose(rate[rep] + rate[twin], col[rep], rtol=1e-12, atol=1e-9)
    assert (rate >= 0).all()
    # Crop land by kind per (source, period): mal within MAL, the two kinds within row (36).
    n_p = twins_ds.sizes["period"]
    cell = twins_ds.chain_source.values.astype(int) * n_p + twins_ds.chain_period.values
    used = rate * twins_ds.beccs_land.values
    land = twins_ds.chain_land.values
    n_cell = twins_ds.sizes["subregion"] * n_p
    mal_used = np.bincount(cell[land == 0], used[land == 0], n_cell)
    ovl_used = np.bincount(cell[land == 1], used[land == 1], n_cell)
    mal_cap = np.repeat(twins_ds.mal.values, n_p)
    crop_cap = mal_cap + np.repeat(twins_ds.ovl.values.sum(axis=1), n_p)
    # The LP does not bound the mal kind on its own: chains on mal alone may take more than MAL;
    # the merged chains then go to overlap, and never push the mal kind above MAL themselves.
    alone = (land == 0) & ~np.isin(np.arange(land.size), rep)
    mal_alone = np.bincount(cell[alone], used[alone], n_cell)
    assert (mal_used <= np.maximum(mal_cap, mal_alone) * (1 + 1e-9) + 1e-3).all()
    assert (mal_used > mal_alone + 1e-3).any()
    assert (mal_used + ovl_used <= crop_cap * (1 + 1e-6) + 1e-3).all()
    assert rate[twin].max() > 0 and rate[rep].max() > 0       # the split is exercised
    # Land in the metrics is the crop land of both kinds: unchanged by the split.
    np.testing.assert_allclose(res.metrics["land_crops"].values.ravel(), (mal_used + ovl_used),
                               rtol=1e-9, atol=1e-3)


def test_switch_fixings_from_merged_solution(twins_ds):
    iso = solve_coefficients(twins_ds, "isolation")
    sc = scenarios.make("switch_2050")
    fx = results.fixings_from(iso.solution, 2050)
    a = solver.solve_model(lp.build(twins_ds, sc, fixings=fx, merge_overlap=False))
    b = solver.solve_model(lp.build(twins_ds, sc, fixings=fx))
    assert b.cost == pytest.approx(a.cost, rel=1e-9, abs=1e-6)
    assert b.shortfall == pytest.approx(a.shortfall, rel=1e-9, abs=1e-6)


@pytest.mark.slow
def test_merged_lp_has_the_same_optimum_on_the_bundled_data():
    # Every overlap chain of the bundled coefficients has a mal twin (449,431 of them).
    from fastmonet import api
    coeffs = api.load_coefficients()
    n_ovl = int((coeffs["chain_land"].values == 1).sum())
    assert lp.overlap_twins(coeffs).shape[1] == n_ovl
    for policy in ("cooperation", "current_policy", "isolation"):
        sc = scenarios.make(policy)
        full = lp.build(coeffs, sc, merge_overlap=False)
        cut = lp.build(coeffs, sc)
        assert cut.n_col < full.n_col
        a, b = solver.solve_model(full), solver.solve_model(cut)
        assert b.shortfall == pytest.approx(a.shortfall, rel=1e-8, abs=1e-6), policy
        assert b.cost == pytest.approx(a.cost, rel=1e-8, abs=1e-6), policy
