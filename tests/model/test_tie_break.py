"""The tie-break (formulation §7.2, `solver.tie_break`): among the least-cost solutions, the least
`solver.tie_weights` x, so that a degenerate LP reports one answer whatever the path to its cost.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from fastmonet import lp, scenarios, solver, synthetic
from fastmonet.errors import SolveError
from fastmonet.scenarios import SolverOptions

#: Paths to the cost optimum: dual simplex from the shortfall basis, interior point, primal
#: simplex, and the whole LP without sifting.
PATHS = [dict(cost_start="same"), dict(cost_start="ipm"), dict(cost_start="same", method="primal"),
         dict(sifting="off")]


@pytest.fixture(scope="module")
def degenerate():
    """An instance whose least-cost solutions are many: the paths end at points 55 apart
    (relative) without the tie-break."""
    return synthetic.instance(n_subregions=8, n_regions=3, seed=3)


def _solve(ds, policy, **options):
    m = lp.build(ds, scenarios.make(policy, solver=SolverOptions(**{"sifting": "on", **options})))
    return m, solver.solve_model(m)


def _spread(xs):
    """Largest difference of the solutions from the first, relative to max(1, |x|)."""
    return max(np.max(np.abs(x - xs[0]) / np.maximum(1.0, np.abs(xs[0]))) for x in xs)


@pytest.mark.parametrize("policy", ["cooperation", "current_policy", "isolation"])
def test_the_answer_does_not_depend_on_the_path(degenerate, policy):
    fixed = [_solve(degenerate, policy, **p)[1] for p in PATHS]
    path = [_solve(degenerate, policy, tie_break="path", **p)[1] for p in PATHS]
    assert all(s.stats["tie_break"] == "done" for s in fixed)
    assert _spread([s.x for s in fixed]) < 1e-6
    # Without it the paths end at different least-cost solutions (so the check above can fail).
    assert _spread([s.x for s in path]) > 1.0
    costs = [s.cost for s in fixed + path]
    assert max(costs) - min(costs) <= 1e-9 * abs(costs[0])


def _whole_lp(m, objective, extra=()):
    """linprog (HiGHS) on the whole LP, rows l <= A x <= u split into two <= blocks, plus
    `extra` rows (coefficients, upper bound)."""
    A = sp.csc_matrix((m.a_value, m.a_index, m.a_start), shape=(m.n_row, m.n_col))
    rows, rhs = [], []
    up, lo = np.isfinite(m.row_upper), np.isfinite(m.row_lower)
    rows += [A[up], -A[lo]]
    rhs += [m.row_upper[up], -m.row_lower[lo]]
    for coef, bound in extra:
        rows.append(sp.csr_matrix(coef[None, :]))
        rhs.append(np.array([bound]))
    res = linprog(objective, A_ub=sp.vstack(rows).tocsr(), b_ub=np.concatenate(rhs),
                  bounds=np.column_stack([m.col_lower, m.col_upper]), method="highs")
    assert res.status == 0, res.message
    return res.x


@pytest.mark.parametrize("policy", ["cooperation", "current_policy"])
def test_the_tie_break_is_the_least_weighted_least_cost_solution(degenerate, policy):
    """Against three plain solves of the whole LP: least shortfall, least cost under the §7.2
    cap, least weights under the cost."""
    m, sol = _solve(degenerate, policy)
    s_cols = np.zeros(m.n_col)
    s_cols[m.index.columns["s"].slice()] = 1.0
    s_star = float(m.shortfall_cost @ _whole_lp(m, m.shortfall_cost))
    tol = m.scenario.solver.shortfall_rel_tol
    cap = s_star * (1 + tol) + tol * m.target_total
    c_star = float(m.cost @ _whole_lp(m, m.cost, [(s_cols, cap)]))
    bound = c_star + 1e-12 * (abs(c_star) + 1.0)        # the least-cost face, round-off aside
    w = solver.tie_weights(m)
    ref = _whole_lp(m, w, [(s_cols, cap), (m.cost, bound)])
    assert sol.cost == pytest.approx(c_star, rel=1e-8)   # linprog's own tolerances: 1e-7
    assert float(w @ sol.x) == pytest.approx(float(w @ ref), rel=1e-8)
    np.testing.assert_allclose(sol.x, ref, rtol=1e-6, atol=1e-6 * np.abs(ref).max())


def test_a_tie_break_highs_cannot_finish_leaves_the_cost_stages_answer(degenerate, monkeypatch):
    _, path = _solve(degenerate, "current_policy", tie_break="path")
    m = lp.build(degenerate, scenarios.make("current_policy", solver=SolverOptions(sifting="on")))
    real = solver._Session.stage

    def failing(self, name, *args, **kw):
        if name == "tie-break":
            raise SolveError("tie-break stage: HiGHS returned Unknown")
        return real(self, name, *args, **kw)

    monkeypatch.setattr(solver._Session, "stage", failing)
    got = solver.solve_model(m)
    assert got.stats["tie_break"].startswith("not done (tie-break stage: HiGHS returned Unknown")
    assert got.status == "Optimal"
    np.testing.assert_array_equal(got.x, path.x)
    np.testing.assert_array_equal(got.basis.col_status, path.basis.col_status)
    assert got.cost == path.cost
