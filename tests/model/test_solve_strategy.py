"""The solve strategy (`SolverOptions.lexicographic` under sifting, `cost_start`, `resift_method`,
`drop_nonbasic`): every choice reaches the old path's optimum (cost within 1e-8 relative, the
same least shortfall), and each does what it says.  Timings are in benchmarks/solve_strategy.py.
"""

from __future__ import annotations

import pytest

from fastmonet import lp, scenarios, solver, synthetic
from fastmonet.errors import InputError
from fastmonet.scenarios import SolverOptions

#: The path before issue 20: two stages under sifting, every run by `method`, nothing dropped,
#: no tie-break.
OLD = dict(lexicographic="two_stage", cost_start="same", resift_method="same",
           drop_nonbasic=False, tie_break="path")
STRATEGIES = [
    {},                                               # the defaults
    dict(cost_start="same"),
    dict(cost_start="ipm"),
    dict(lexicographic="zero_first", resift_method="same", cost_start="same"),
    dict(resift_method="primal"),
    dict(drop_nonbasic=True),
    dict(lexicographic="two_stage", drop_nonbasic=True, resift_method="primal"),
    dict(cost_start="ipm", lexicographic="two_stage", drop_nonbasic=True),
    dict(cost_start="ipm_at_zero_shortfall", tie_break="path"),
]


def _solve(ds, policy, sifting="on", **options):
    sc = scenarios.make(policy, solver=SolverOptions(sifting=sifting, **options))
    return solver.solve_model(lp.build(ds, sc))


def _same_optimum(a, b):
    assert b.cost == pytest.approx(a.cost, rel=1e-8)
    assert b.shortfall == pytest.approx(a.shortfall, rel=1e-8, abs=1e-6)
    # The shortfall stage's value (0 when zero_first proved no shortfall is needed).
    assert b.stats["shortfall_star_mt"] == pytest.approx(a.stats["shortfall_star_mt"], rel=1e-8,
                                                         abs=1e-6)


@pytest.fixture(scope="module")
def reachable():
    """Targets within reach: no shortfall."""
    return synthetic.instance(n_subregions=8, n_regions=3, seed=7)


@pytest.fixture(scope="module")
def out_of_reach():
    """Targets out of reach: a shortfall in every policy, so the shortfall stage runs."""
    return synthetic.instance(n_subregions=8, n_regions=3, seed=7, target_gt_per_subregion=15.0)


@pytest.mark.parametrize("options", STRATEGIES, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                        o.items()) or "default")
@pytest.mark.parametrize("policy", ["cooperation", "current_policy", "isolation"])
def test_every_strategy_reaches_the_old_optimum(reachable, out_of_reach, policy, options):
    for ds in (reachable, out_of_reach):
        old = _solve(ds, policy, **OLD)
        _same_optimum(old, _solve(ds, policy, **options))


def test_sifting_tries_zero_shortfall_first(reachable):
    # Before issue 20 sifting always ran the two stages; a zero-shortfall problem now takes one.
    sol = _solve(reachable, "cooperation")
    assert sol.stats["sifting"] and sol.shortfall == 0.0
    assert sol.stats["stages"] == 1
    assert _solve(reachable, "cooperation", lexicographic="two_stage").stats["stages"] == 2


def test_drop_nonbasic_takes_out_the_shortfall_stages_columns(out_of_reach):
    kept = _solve(out_of_reach, "cooperation", lexicographic="two_stage", drop_nonbasic=False)
    dropped = _solve(out_of_reach, "cooperation", lexicographic="two_stage", drop_nonbasic=True)
    assert kept.stats["columns_dropped"] == 0
    assert dropped.stats["columns_dropped"] > 0
    # The columns are gone from HiGHS (fewer held at the end unless pricing brought all back)
    # and the certificate still prices every column left out.
    assert dropped.stats["working_columns"] < (kept.stats["working_columns"]
                                               + dropped.stats["columns_dropped"])
    _same_optimum(kept, dropped)


def test_ipm_cost_start_runs_interior_point(reachable):
    sol = _solve(reachable, "cooperation", cost_start="ipm")
    assert sol.stats["ipm_iterations_total"] > 0
    assert _solve(reachable, "cooperation", cost_start="same").stats["ipm_iterations_total"] == 0


def test_default_cost_start_uses_interior_point_with_or_without_shortfall(reachable, out_of_reach):
    # The tie-break (tests/model/test_tie_break.py) makes the answer independent of the path, so
    # the capped cost stage may start by interior point too; "ipm_at_zero_shortfall" keeps it on
    # the simplex path from the shortfall stage's basis.
    assert _solve(reachable, "cooperation").stats["ipm_iterations_total"] > 0
    two = dict(lexicographic="two_stage")
    assert _solve(out_of_reach, "cooperation", **two).stats["ipm_iterations_total"] > 0
    assert _solve(out_of_reach, "cooperation", cost_start="ipm_at_zero_shortfall", tie_break="path",
                  **two).stats["ipm_iterations_total"] == 0


@pytest.mark.parametrize("field,value", [("cost_start", "pdlp"), ("resift_method", "dual"),
                                         ("drop_nonbasic", "yes"), ("tie_break", "random")])
def test_a_bad_strategy_option_names_itself(field, value):
    with pytest.raises(InputError, match=f"solver.{field}"):
        scenarios.make("cooperation", solver=SolverOptions(**{field: value}))


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["cooperation", "isolation"])
def test_bundled_strategies_reach_the_old_optimum(policy):
    from fastmonet import api
    coeffs = api.load_coefficients()
    old = _solve(coeffs, policy, sifting="auto", **OLD)
    for options in STRATEGIES:
        _same_optimum(old, _solve(coeffs, policy, sifting="auto", **options))
