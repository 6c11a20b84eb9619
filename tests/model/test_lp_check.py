"""The independent solution check (issue 8, finding 8): NaN anywhere, c x against HiGHS's
objective, and the optimality certificate of sifting."""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import lp, scenarios, solution_check, solver, synthetic
from fastmonet.errors import SolveError
from fastmonet.scenarios import SolverOptions


@pytest.fixture(scope="module")
def solved():
    ds = synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, chain_keep=0.4, seed=2)
    m = lp.build(ds, scenarios.make("cooperation"))
    return ds, m, solver.solve_model(m)


def _copy(m):
    import copy
    c = copy.copy(m)
    for k in ("a_value", "cost", "col_lower", "col_upper", "row_lower", "row_upper"):
        setattr(c, k, getattr(m, k).copy())
    return c


def _active_entry(m, x):
    """Position in a_value of a coefficient of a column with activity."""
    j = int(np.argmax(x))
    return int(m.a_start[j]), j


def test_nan_in_a_is_a_violation(solved):
    _, m, sol = solved
    bad = _copy(m)
    k, j = _active_entry(m, sol.x)
    bad.a_value[k] = np.nan
    _, v, worst = solution_check.check_solution(bad, sol.x)
    assert v == np.inf and "non-finite coefficient" in worst
    # A NaN on a column at zero (A x unaffected in value, NaN * 0 = NaN) is caught too.
    bad = _copy(m)
    j0 = int(np.flatnonzero(sol.x == 0)[0])
    bad.a_value[m.a_start[j0]] = np.nan
    assert solution_check.check_solution(bad, sol.x)[1] == np.inf


@pytest.mark.parametrize("field", ["row_upper", "row_lower", "col_upper", "col_lower"])
def test_nan_bound_is_a_violation(solved, field):
    _, m, sol = solved
    bad = _copy(m)
    getattr(bad, field)[0] = np.nan
    _, v, worst = solution_check.check_solution(bad, sol.x)
    assert v == np.inf and "NaN" in worst


def test_nan_in_x_is_a_violation(solved):
    _, m, sol = solved
    x = sol.x.copy()
    x[int(np.argmax(x))] = np.nan
    _, v, worst = solution_check.check_solution(m, x)
    assert v == np.inf and "non-finite value" in worst


@pytest.mark.parametrize("field", ["a_value", "cost", "row_upper", "col_upper"])
def test_model_with_nan_is_refused_before_solving(solved, field):
    _, m, _ = solved
    bad = _copy(m)
    getattr(bad, field)[1] = np.nan
    with pytest.raises(SolveError, match="non-finite"):
        solver.solve_model(bad)


def test_objective_is_recomputed_as_c_x(solved, monkeypatch):
    ds, m, sol = solved
    assert sol.stats["objective_rel_error"] <= solution_check.OBJECTIVE_TOL
    assert solution_check.check_objective(m, sol.x, sol.cost) == 0.0
    assert solution_check.check_objective(m, sol.x, sol.cost * 1.01) > 1e-3
    # HiGHS solving another objective than the model's (here: costs handed over doubled) must
    # not pass as the model's optimum.
    real = solver.pass_model

    def doubled(h, model, cost, col_upper, where, cols=None):
        real(h, model, 2.0 * cost, col_upper, where, cols=cols)

    monkeypatch.setattr(solver, "pass_model", doubled)
    with pytest.raises(SolveError, match="objective"):
        solver.solve_model(lp.build(ds, scenarios.make("cooperation")))


def test_sifting_that_stops_early_is_caught(monkeypatch):
    # Pricing told to accept any reduced cost stops after the first restricted optimum; the
    # final certificate (its own computation and tolerance) must reject that answer.
    monkeypatch.setattr(solver, "SIFT_START_PER_GROUP", 1)
    ds = synthetic.instance(n_subregions=6, n_regions=2, n_ecozones=2, seed=0,
                            target_gt_per_subregion=1.5, nonneg_cost=False)
    sc = scenarios.make("cooperation", solver=SolverOptions(sifting="on"))
    m = lp.build(ds, sc)
    ok = solver.solve_model(m)
    assert ok.stats["min_reduced_cost_priced_out"] >= -solution_check.REDUCED_COST_TOL
    monkeypatch.setattr(solver, "SIFT_TOL", 1e12)
    with pytest.raises(SolveError, match="reduced cost"):
        solver.solve_model(m)


def test_reduced_costs_match_the_sparse_product(solved):
    _, m, sol = solved
    cols = np.arange(m.n_col)
    d_min, where = solution_check.check_reduced_costs(m, sol.row_dual, cols)
    d = (m.cost - m.matrix().T @ sol.row_dual) / np.maximum(1.0, np.abs(m.cost))
    assert d_min == pytest.approx(d.min(), abs=1e-12)
    assert where == m.index.describe_column(int(np.argmin(d)))


@pytest.mark.parametrize("sifting", ["off", "on"])
def test_warm_start_from_a_neighbour_basis(sifting):
    # An ensemble member: the central model with BECCS costs perturbed by +-5%.
    ds = synthetic.instance(n_subregions=8, n_regions=2, n_ecozones=3, seed=4,
                            target_gt_per_subregion=1.5, nonneg_cost=False)
    # Simplex iterations against simplex iterations: the cold cost stage by simplex too (a warm
    # start never begins with interior point).
    sc = scenarios.make("cooperation", solver=SolverOptions(sifting=sifting, cost_start="same"))
    central = solver.solve_model(lp.build(ds, sc))
    assert central.basis is not None
    b = central.basis
    assert b.col_status.size == central.x.size and (b.col_status == 1).sum() > 0
    member = ds.copy()
    rng = np.random.default_rng(1)
    member["beccs_cost"] = ds["beccs_cost"] * rng.uniform(0.95, 1.05, ds.sizes["chain"])
    m = lp.build(member, sc)
    cold = solver.solve_model(m)
    warm = solver.solve_model(m, warm_basis=central.basis)
    assert warm.stats["warm_start"] and not cold.stats["warm_start"]
    assert warm.cost == pytest.approx(cold.cost, rel=1e-9)
    assert warm.shortfall == pytest.approx(cold.shortfall, abs=1e-6)
    assert 2 * warm.stats["simplex_iterations_total"] <= cold.stats["simplex_iterations_total"]


def test_warm_basis_of_another_shape_is_refused(solved):
    from fastmonet.errors import InputError
    ds, m, sol = solved
    other = lp.build(ds, scenarios.make("isolation"))
    with pytest.raises(InputError, match="warm_basis has"):
        solver.solve_model(other, warm_basis=sol.basis)
