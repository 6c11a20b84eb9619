"""Exact decomposition (`fastmonet.decomposition`): ISOLATION separates into regional LPs sliced
from the joint arrays, and the recombined answer is the joint solve's (cost within 1e-8
relative, every region's least shortfall), certified as a whole."""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import decomposition, lp, scenarios, solver, synthetic
from fastmonet.scenarios import SolverOptions


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    # The synthetic regions have a few hundred columns; every component is a part here.
    monkeypatch.setattr(decomposition, "MIN_PART_COLUMNS", 1)


@pytest.fixture(scope="module")
def ds():
    return synthetic.instance(n_subregions=10, n_regions=4, seed=3, target_gt_per_subregion=4.0)


def _model(ds, policy, **options):
    return lp.build(ds, scenarios.make(policy, solver=SolverOptions(**options)))


def test_isolation_separates_by_region_and_cooperation_does_not(ds):
    iso = _model(ds, "isolation")
    groups = decomposition.parts(iso)
    assert len(groups) == 4
    assert np.array_equal(np.sort(np.concatenate(groups)), np.arange(iso.n_col))
    # Each part's target rows are one region's.
    for cols in groups:
        sub, _ = decomposition.submodel(iso, cols)
        assert len(set(sub.index.rows["target"].coords["group"].tolist())) == 1
    for policy in ("cooperation", "current_policy"):
        assert len(decomposition.parts(_model(ds, policy))) == 1


def test_a_part_is_the_joint_matrix_sliced(ds):
    m = _model(ds, "isolation")
    cols = decomposition.parts(m)[1]
    sub, rows = decomposition.submodel(m, cols)
    want = m.matrix()[rows][:, cols].toarray()
    np.testing.assert_array_equal(sub.matrix().toarray(), want)
    # Nothing of these columns lies outside the part's rows.
    assert abs(m.matrix()[:, cols]).sum() == abs(want).sum()
    np.testing.assert_array_equal(sub.cost, m.cost[cols])
    np.testing.assert_array_equal(sub.row_upper, m.row_upper[rows])
    assert sub.index.describe_column(0) == m.index.describe_column(int(cols[0]))


@pytest.mark.parametrize("sifting", ["off", "on"])
def test_recombined_answer_is_the_joint_solve(ds, sifting):
    # Without the shortfall tolerance (formulation §7.2): with it, the joint cost stage may
    # spend its slack tol x world target on any region, a part only tol x its own target, and
    # the two optima differ by what that slack buys (1.8e-8 relative on this instance).
    m = _model(ds, "isolation", sifting=sifting, shortfall_rel_tol=0.0)
    joint = solver.solve_model(m, decompose=False)
    split = solver.solve_model(m, decompose=True)
    assert split.stats["decomposed_parts"] == 4 and joint.stats["decomposed_parts"] == 1
    assert joint.shortfall > 0                    # the shortfall stage matters here
    assert split.cost == pytest.approx(joint.cost, rel=1e-8)
    # Every region's least shortfall (its split over years is not unique, its total is).
    s = m.index.columns["s"]
    g = s.coords["group"]
    per_group = [np.bincount(g, sol.x[s.slice()], minlength=len(m.index.groups))
                 for sol in (joint, split)]
    np.testing.assert_allclose(per_group[1], per_group[0], rtol=1e-8, atol=1e-6)
    assert split.max_violation <= 1e-6
    assert split.basis is not None and split.basis.col_status.size == m.n_col


def test_a_warm_basis_is_sliced_onto_the_parts(ds):
    m = _model(ds, "isolation")
    cold = solver.solve_model(m, decompose=True)
    warm = solver.solve_model(m, warm_basis=cold.basis, decompose=True)
    assert warm.stats["warm_start"]
    assert warm.cost == pytest.approx(cold.cost, rel=1e-9)


def test_decompose_off_solves_whole(ds):
    m = _model(ds, "isolation", decompose="off")
    assert solver.solve_model(m).stats["decomposed_parts"] == 1
    assert solver.solve_model(_model(ds, "isolation")).stats["decomposed_parts"] == 4


@pytest.mark.slow
def test_bundled_isolation_decomposed_equals_joint(monkeypatch):
    from fastmonet import api
    monkeypatch.setattr(decomposition, "MIN_PART_COLUMNS", 1000)
    m = lp.build(api.load_coefficients(), scenarios.make("isolation"))
    joint = solver.solve_model(m, decompose=False)
    split = solver.solve_model(m)
    assert split.stats["decomposed_parts"] > 1
    assert split.cost == pytest.approx(joint.cost, rel=1e-8)
    assert split.shortfall == pytest.approx(joint.shortfall, rel=1e-8)
