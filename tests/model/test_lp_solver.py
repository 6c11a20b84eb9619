"""HiGHS hand-over, the lexicographic stages, the independent check, errors, input validation."""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import lp, results, scenarios, solution_check, solver, synthetic
from fastmonet.api import solve_coefficients
from fastmonet.errors import InputError, SolveError
from fastmonet.scenarios import SolverOptions


def inst(seed=0, **kw):
    kw.setdefault("n_subregions", 4)
    kw.setdefault("n_regions", 2)
    kw.setdefault("n_ecozones", 2)
    kw.setdefault("chain_keep", 0.4)
    return synthetic.instance(seed=seed, **kw)


def test_pass_model_hands_over_the_arrays():
    import highspy
    m = lp.build(inst(1), scenarios.make("current_policy"))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    solver.pass_model(h, m, m.cost, m.col_upper, "test")
    held = h.getLp()
    np.testing.assert_array_equal(np.asarray(held.col_cost_), m.cost)
    np.testing.assert_array_equal(np.asarray(held.row_lower_), m.row_lower)
    np.testing.assert_array_equal(np.asarray(held.a_matrix_.value_), m.a_value)
    np.testing.assert_array_equal(np.asarray(held.a_matrix_.index_), m.a_index)
    assert h.getNumCol() == m.n_col and h.getNumNz() == m.nnz


def test_check_solution_finds_violations():
    ds = inst(2)
    m = lp.build(ds, scenarios.make("cooperation"))
    sol = solver.solve_model(m)
    ax, v, worst = solution_check.check_solution(m, sol.x)
    assert v <= 1e-6
    np.testing.assert_allclose(ax, m.matrix() @ sol.x)
    x = sol.x.copy()
    xb = m.index.columns["xB"]
    j = xb.start + int(np.argmax(x[xb.slice()]))
    x[j] *= 1.01                     # breaks its aggregate and build equalities
    _, v, worst = solution_check.check_solution(m, x)
    assert v > 1e-4 and worst.startswith("row ")
    x = sol.x.copy()
    x[m.index.columns["nB"].start] = -1.0
    _, v, worst = solution_check.check_solution(m, x)
    assert v >= 1e-6 and ("nB" in worst or "beccs_build" in worst)


def test_violation_above_tolerance_is_an_error(monkeypatch):
    m = lp.build(inst(3), scenarios.make("cooperation"))
    monkeypatch.setattr(solution_check, "check_solution",
                        lambda model, x, extra_rows=None: (model.matrix() @ x, 2e-6, "row target[x]"))
    with pytest.raises(SolveError, match="violates row target"):
        solver.solve_model(m)


def test_stages_agree_with_and_without_shortfall():
    for seed, target in ((4, 1.0), (5, 15.0)):
        ds = inst(seed, target_gt_per_subregion=target)
        out = {}
        for lex in ("zero_first", "two_stage"):
            sc = scenarios.make("isolation", solver=SolverOptions(lexicographic=lex))
            out[lex] = solver.solve_model(lp.build(ds, sc))
        a, b = out["zero_first"], out["two_stage"]
        # two_stage may use the stated slack tol x world target (1e-9 x MtCO2) even when s* = 0.
        slack = 1e-9 * float(ds.target[:, -1].sum()) / 1e6
        assert a.shortfall == pytest.approx(b.shortfall, rel=1e-7, abs=1.01 * slack)
        assert a.cost == pytest.approx(b.cost, rel=1e-7)
        if target > 10:
            assert a.shortfall > 0 and a.stats["stages"] == 3 and b.stats["stages"] == 2
        else:
            assert a.shortfall == 0 and a.stats["stages"] == 1


def test_target_dual_is_marginal_cost():
    ds = inst(6, target_gt_per_subregion=1.0)
    base = solve_coefficients(ds, "cooperation")
    dual = float(base.solution.target_dual.sel(group="world", year=2100))
    delta = 1e-4 * float(ds.target[:, -1].sum())
    more = ds.copy()
    tgt = ds.target.values.copy()
    tgt[0, -1] += delta
    more["target"] = (("region", "year"), tgt)
    bumped = solve_coefficients(more, "cooperation")
    fd = (bumped.solution.attrs["cost_musd"] - base.solution.attrs["cost_musd"]) * 1e6 / delta
    assert dual > 0
    assert fd == pytest.approx(dual, rel=2e-2)


def test_infeasible_fixings_name_the_scenario():
    ds = inst(7)
    iso = solve_coefficients(ds, "isolation")
    fx = results.fixings_from(iso.solution, 2050)
    fx.beccs = fx.beccs + 1e12        # far beyond any storage
    sc = scenarios.make("switch_2050")
    m = lp.build(ds, sc, fixings=fx)
    with pytest.raises(SolveError, match=r"switch_2050-p3-medium.*SWITCH_2050.*infeasible"):
        solver.solve_model(m)


def test_time_limit_is_reported():
    ds = inst(8, n_subregions=20, chain_keep=1.0)
    sc = scenarios.make("cooperation", solver=SolverOptions(time_limit=1e-3))
    with pytest.raises(SolveError, match="time limit"):
        solver.solve_model(lp.build(ds, sc))


@pytest.mark.parametrize("edit,match", [
    (lambda d: d.drop_vars("beccs_cost"), "missing variable 'beccs_cost'"),
    (lambda d: d.assign(beccs_cost=d.beccs_cost.where(d.chain != 5)), r"beccs_cost.*chain=5"),
    (lambda d: d.assign(storage=d.storage * -1), "storage"),
    (lambda d: d.assign(chain_plant=d.chain_plant.where(d.chain != 3, 99)), r"chain_plant.*chain=3"),
    (lambda d: d.assign(beccs_units=d.beccs_units * 0), "beccs_units"),
    (lambda d: d.assign(target=d.target.transpose()), "target"),
    (lambda d: d.assign_coords(subregion_region=("subregion", ["BRA", "XXX", "BRA", "CHN"])),
     "XXX"),
])
def test_bad_coefficients_are_input_errors(edit, match):
    ds = edit(inst(9))
    with pytest.raises(InputError, match=match):
        lp.build(ds, scenarios.make("cooperation"))


@pytest.mark.parametrize("seed,target,policy", [(0, 1.5, "cooperation"), (5, 15.0, "current_policy"),
                                                (3, 4.0, "isolation")])
def test_sifting_reaches_the_full_optimum(monkeypatch, seed, target, policy):
    # Start from one chain per plant and per source, add 50 per round: pricing must do the work.
    monkeypatch.setattr(solver, "SIFT_START_PER_GROUP", 1)
    monkeypatch.setattr(solver, "SIFT_ADD", 50)
    ds = synthetic.instance(n_subregions=6, n_regions=2, n_ecozones=2, seed=seed,
                            target_gt_per_subregion=target, nonneg_cost=False)
    out = {}
    for mode in ("off", "on"):
        sc = scenarios.make(policy, solver=SolverOptions(sifting=mode, lexicographic="two_stage"))
        m = lp.build(ds, sc)
        out[mode] = solver.solve_model(m)
    full, sift = out["off"], out["on"]
    assert sift.stats["sifting"] and sift.stats["sift_rounds"] >= 2
    assert sift.stats["working_columns"] < m.n_col
    assert sift.shortfall == pytest.approx(full.shortfall, rel=1e-7, abs=1e-4)
    assert sift.cost == pytest.approx(full.cost, rel=1e-7, abs=1e-3)
    assert sift.max_violation <= 1e-6
    # The sifted duals price every column at zero non-negatively (the optimality certificate;
    # shortfall columns also sit in the added shortfall row, whose dual is not in row_dual).
    d = m.cost - m.matrix().T @ sift.row_dual
    at_zero = sift.x <= 1e-9
    at_zero[m.index.columns["s"].slice()] = False
    assert d[at_zero].min() >= -1e-6 * max(1.0, np.abs(m.cost).max())


@pytest.mark.parametrize("lex", ["zero_first", "two_stage"])
def test_small_positive_shortfall_below_the_tolerance_is_solved(lex):
    # A target just out of reach: the least shortfall s* is positive but below tol x world
    # target, so fixing every s at 0 for the cost stage is infeasible; the stated cap
    # sum s <= s* (1 + tol) + tol x target must be used instead.
    ds = inst(1, n_subregions=3, chain_keep=0.5, target_gt_per_subregion=50.0)
    t = ds["target"].values.copy()
    t[:, :-1] = 0.0                                   # only the 2100 row can miss
    big = solver.solve_model(lp.build(ds.assign(target=(("region", "year"), t)),
                                              scenarios.make("cooperation")))
    reach = t[:, -1].sum() / 1e6 - big.shortfall      # MtCO2 removable by 2100
    tol = 1e-3
    t[:, -1] *= (reach + 0.3 * tol * reach) / (t[:, -1].sum() / 1e6)
    ds2 = ds.assign(target=(("region", "year"), t))
    sc = scenarios.make("cooperation", solver=SolverOptions(lexicographic=lex,
                                                            shortfall_rel_tol=tol))
    sol = solver.solve_model(lp.build(ds2, sc))
    s_star = sol.stats["shortfall_star_mt"]
    assert s_star == pytest.approx(0.3 * tol * reach, rel=1e-3)
    cap = s_star * (1 + tol) + tol * t[:, -1].sum() / 1e6
    assert s_star <= sol.shortfall <= cap * (1 + 1e-9)   # the cost stage may sit on the cap
    assert sol.max_violation <= 1e-6
