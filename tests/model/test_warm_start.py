"""Warm start across models of another shape (`fastmonet.warm_start`): the basis is laid by
meaning, the optimum does not move, and fewer simplex iterations are needed."""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import lp, scenarios, solver, synthetic, warm_start
from fastmonet.scenarios import SolverOptions


def member_of(ds, seed: int, drop: float = 0.1):
    """An ensemble member of another shape: BECCS costs and yields moved by +-5%, and a tenth of
    the chains gone (as when a draw leaves them no removal), so chain positions shift."""
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.permutation(ds.sizes["chain"])[: int(ds.sizes["chain"] * (1 - drop))])
    m = ds.isel(chain=keep).copy()
    m["beccs_cost"] = m["beccs_cost"] * rng.uniform(0.95, 1.05, m.sizes["chain"])
    m["beccs_land"] = m["beccs_land"] * rng.uniform(0.95, 1.05, m.sizes["chain"])
    return m


@pytest.fixture(scope="module")
def central():
    ds = synthetic.instance(n_subregions=10, n_regions=3, n_ecozones=3, seed=7,
                            target_gt_per_subregion=1.5, nonneg_cost=False)
    return ds


def _chain_key(ds, model, j):
    """What column j (an xB column) of `model` is, read from the coefficient Dataset."""
    b = model.index.columns["xB"]
    c = int(b.coords["chain"][j - b.start])
    return tuple(int(ds[v].values[c]) for v in ("chain_source", "chain_plant", "chain_biomass",
                                                 "chain_land", "chain_period"))


def test_a_basis_is_laid_by_meaning_not_by_position(central):
    sc = scenarios.make("cooperation")
    m0 = lp.build(central, sc)
    sol = solver.solve_model(m0)
    member = member_of(central, seed=1)
    m1 = lp.build(member, sc)
    assert m1.n_col != m0.n_col                      # another shape
    laid = warm_start.onto(warm_start.label(m0, sol.basis), m1)
    # Plain reference: a dict from what each central chain column is to its status.
    b0, b1 = m0.index.columns["xB"], m1.index.columns["xB"]
    want = {_chain_key(central, m0, j): int(sol.basis.col_status[j]) for j in range(b0.start, b0.stop)}
    for j in range(b1.start, b1.stop):
        expected = want.get(_chain_key(member, m1, j), warm_start.LOWER)
        assert laid.col_status[j] == expected
    # Every other block keeps its labelled coordinates: same keys, same statuses.
    for name, blk in m1.index.columns.items():
        if name == "xB":
            continue
        ref = {tuple(int(m0.index.columns[name].coords[d][k]) for d in blk.dims):
               int(sol.basis.col_status[m0.index.columns[name].start + k])
               for k in range(m0.index.columns[name].size)}
        for k in range(blk.size):
            key = tuple(int(blk.coords[d][k]) for d in blk.dims)
            assert laid.col_status[blk.start + k] == ref.get(key, warm_start.LOWER), name
    assert laid.row_status.size == m1.n_row


def test_rows_and_columns_the_reference_lacks_start_basic_and_at_lower(central):
    sc = scenarios.make("cooperation")
    m0 = lp.build(central, sc)
    lb = warm_start.label(m0, solver.solve_model(m0).basis)
    lb.rows.pop("target")
    lb.columns.pop("xD")
    got = warm_start.onto(lb, m0)
    assert (got.row_status[m0.index.rows["target"].slice()] == solver.BASIC).all()
    assert (got.col_status[m0.index.columns["xD"].slice()] == warm_start.LOWER).all()


@pytest.mark.parametrize("policy", ["cooperation", "isolation"])
@pytest.mark.parametrize("sifting", ["off", "on"])
def test_warm_start_keeps_the_optimum_and_saves_iterations(central, policy, sifting, monkeypatch):
    monkeypatch.setattr(solver, "SIFT_START_PER_GROUP", 2)
    # Simplex iterations against simplex iterations: the cold cost stage by simplex too (a warm
    # start never begins with interior point).
    sc = scenarios.make(policy, solver=SolverOptions(sifting=sifting, cost_start="same"))
    m0 = lp.build(central, sc)
    ref = warm_start.reference(m0, solver.solve_model(m0))
    cold_it = warm_it = 0
    for seed in (1, 2, 3):
        m1 = lp.build(member_of(central, seed), sc)
        cold = solver.solve_model(m1)
        warm = solver.solve_model(m1, **ref.onto(m1))
        assert warm.stats["warm_start"] and not cold.stats["warm_start"]
        assert warm.shortfall == pytest.approx(cold.shortfall, rel=1e-9, abs=1e-6)
        assert warm.cost == pytest.approx(cold.cost, rel=1e-9)
        cold_it += cold.stats["simplex_iterations_total"]
        warm_it += warm.stats["simplex_iterations_total"]
    assert warm_it < cold_it
