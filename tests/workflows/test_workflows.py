"""The workflows' plan and scheduler: what is solved, in which order, once, and what a failure
does to the steps that need it (issue 22: one scheduler for every multi-solve command)."""

import dataclasses

import numpy as np
import pytest

from fastmonet import api, scenario_solve, scenarios, synthetic
from fastmonet.blocs.burden import Burden
from fastmonet.errors import InputError, SolveError
from fastmonet.workflows import executor as executors
from fastmonet.workflows import scenario_set, scheduler
from fastmonet.workflows.plan import Plan, Step


@pytest.fixture(scope="module")
def coeffs():
    return synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=3)


@pytest.fixture
def counted(monkeypatch):
    """Every model-layer solve, by scenario label, in the order they ran."""
    calls = []
    real = scenario_solve.solve

    def solve(coeffs, scenario, given=None, **kw):
        calls.append(scenario.label)
        return real(coeffs, scenario, given, **kw)
    monkeypatch.setattr(scenario_solve, "solve", solve)
    return calls


# ------------------------------------------------------------------------------------ the plan
def test_a_switch_needs_its_isolation_base_solved_first_and_hidden():
    p = scenario_set.plan([scenarios.make("switch_2050"), scenarios.make("switch_2070")])
    assert [s.key for s in p.steps] == ["isolation-p3-medium", "switch_2050-p3-medium",
                                        "switch_2070-p3-medium"]
    assert [s.shown for s in p.steps] == [False, True, True]
    assert all(dict(s.needs) == {"isolation": "isolation-p3-medium"} for s in p.steps[1:])


def test_a_requested_isolation_is_the_base_and_comes_before_the_switch():
    p = scenario_set.plan([scenarios.make("switch_2050"), scenarios.make("cooperation"),
                           scenarios.make("isolation")])
    assert [(s.key, s.shown) for s in p.steps] == [
        ("isolation-p3-medium", True), ("switch_2050-p3-medium", True),
        ("cooperation-p3-medium", True)]


def test_a_base_with_other_rates_is_another_solve():
    fast = scenarios.Rates(build_factor=10)
    p = scenario_set.plan([scenarios.make("isolation"), scenarios.make("switch_2050", rates=fast)])
    assert len(p) == 3 and dict(p.steps[2].needs)["isolation"] != "isolation-p3-medium"


def test_an_equal_cost_burden_needs_cooperation():
    sc = scenarios.make("current_policy", burden=Burden("equal_cost"))
    assert list(scenario_solve.needs(sc)) == ["cooperation"]
    p = scenario_set.plan([sc])
    assert p.steps[0].payload.scenario.policy == "cooperation" and not p.steps[0].shown


def test_a_plan_refuses_a_need_that_comes_later():
    with pytest.raises(ValueError, match="needs 'b'"):
        Plan((Step("a", None, {"x": "b"}), Step("b", None)))


def test_the_model_layer_never_solves_a_dependency(coeffs):
    with pytest.raises(InputError, match="needs the ISOLATION solution first"):
        scenario_solve.solve(coeffs, scenarios.make("switch_2050"))


# ----------------------------------------------------------------------- solving through a plan
def test_each_base_is_solved_once_for_every_switch(coeffs, counted):
    scs = [scenarios.make(p) for p in ("switch_2050", "cooperation", "switch_2070", "isolation")]
    out = api.solve_many(scs, coefficients=coeffs)
    assert sorted(counted) == ["COOPERATION", "ISOLATION", "SWITCH_2050", "SWITCH_2070"]
    assert counted[0] == "ISOLATION"
    assert [r.scenario.name for r in out] == [s.name for s in scs]


def test_the_planned_base_gives_the_switch_of_an_explicit_base(coeffs):
    iso = api.solve_coefficients(coeffs, "isolation")
    given = api.solve_coefficients(coeffs, "switch_2050", isolation=iso)
    planned = api.solve_coefficients(coeffs, "switch_2050")
    assert planned.solution.attrs["cost_musd"] == given.solution.attrs["cost_musd"]
    np.testing.assert_array_equal(planned.metrics["cum_removal"], given.metrics["cum_removal"])


def test_a_failed_base_fails_its_switches_by_name_and_the_rest_go_on(coeffs, monkeypatch, tmp_path):
    real = scenario_solve.solve

    def solve(c, scenario, given=None, **kw):
        if scenario.policy == "isolation":
            raise SolveError("HiGHS says no (test)")
        return real(c, scenario, given, **kw)
    monkeypatch.setattr(scenario_solve, "solve", solve)
    scs = [scenarios.make(p) for p in ("switch_2050", "cooperation")]
    failed, done = [], []
    api.solve_many(scs, coefficients=coeffs, on_failure=lambda sc, e: failed.append((sc.name, str(e))),
                   on_result=lambda r, reused: done.append(r.scenario.name))
    assert done == ["cooperation-p3-medium"]
    assert failed == [("switch_2050-p3-medium", "needs the ISOLATION solution (isolation-p3-medium), "
                       "which failed: HiGHS says no (test)")]
    # Without on_failure: the others are solved and written, then the failure is raised.
    with pytest.raises(SolveError, match="needs the ISOLATION solution"):
        api.solve_many(scs, out=tmp_path / "r.zarr", coefficients=coeffs)
    assert (tmp_path / "r.zarr" / "cooperation-p3-medium").is_dir()


def test_a_bug_is_not_carried_as_a_failure():
    def task(ctx, step, given):
        raise ZeroDivisionError("a bug")
    with pytest.raises(ZeroDivisionError):
        scheduler.run(Plan((Step("a", None),)), task, executors.Inline())


def _add(ctx, step, given):
    if step.payload == "fail":
        raise SolveError("no")
    return ctx + sum(given.values()) + step.payload


@pytest.mark.parametrize("workers", [0, 2])
def test_the_scheduler_feeds_needs_and_carries_failures_on_any_executor(workers):
    p = Plan((Step("a", 1), Step("b", 10, {"x": "a"}), Step("c", "fail"),
              Step("d", 100, {"x": "b", "y": "c"}), Step("e", 1000, {"x": "b"})))
    order = []
    with executors.open(workers, kind="fork") as ex:
        out = scheduler.run(p, _add, ex, context=ex.share(5),
                            on_start=lambda s: order.append(s.key))
    assert out["a"] == 6 and out["b"] == 5 + 6 + 10 and out["e"] == 5 + 21 + 1000
    assert isinstance(out["c"], scheduler.Failure) and isinstance(out["d"], scheduler.Failure)
    assert "needs the y solution (c), which failed: no" in out["d"].message
    assert "d" not in order                        # a step whose need failed is never started
    assert order.index("a") < order.index("b") < order.index("e")


def test_reused_results_are_not_run_and_feed_their_dependants():
    ran = []

    def task(ctx, step, given):
        ran.append(step.key)
        return given["x"] * 2
    p = Plan((Step("a", None), Step("b", None, {"x": "a"})))
    seen = []
    out = scheduler.run(p, task, executors.Inline(), done={"a": 21},
                        on_result=lambda s, v, reused: seen.append((s.key, reused)))
    assert ran == ["b"] and out["b"] == 42 and seen == [("a", True), ("b", False)]


def test_the_executor_is_chosen_by_workers_and_kind():
    with executors.open(0) as ex:
        assert isinstance(ex, executors.Inline)
    with executors.open(1, kind="fork") as ex:
        assert isinstance(ex, executors.Inline)
    with executors.open(2, kind="fork") as ex:
        assert isinstance(ex, executors.Processes)
    with pytest.raises(InputError, match="kind"):
        with executors.open(2, kind="threads"):
            pass


# --------------------------------------------------------------------- the other workflows' plans
def test_the_ensemble_plan_puts_each_member_after_its_block_and_the_reference():
    from fastmonet.ensemble.execute import plan
    coef_pending = np.array([True, True, False, False, True])
    p = plan(5, 2, [{}] * 5, "x.zarr", coef_pending, [0, 1, 3, 4], warm_start=True)
    keys = [s.key for s in p.steps]
    assert keys == ["reference", "block 0", "member 0", "member 1", "member 3", "block 4",
                    "member 4"]
    assert dict(p["member 3"].needs) == {"reference": "reference"}     # its block is stored
    assert dict(p["member 4"].needs) == {"reference": "reference", "block": "block 4"}
    cold = plan(5, 2, [{}] * 5, "x.zarr", coef_pending, [0], warm_start=False)
    assert [s.key for s in cold.steps] == ["block 0", "member 0", "block 4"]


def test_the_oat_plan_has_the_central_solve_and_each_moving_end():
    from fastmonet import uncertainty
    from fastmonet.workflows import oat
    ranges = uncertainty.load()
    p = oat.plan(ranges, ["mal"])
    assert [s.key for s in p.steps] == ["central", "mal low", "mal high"]
    low = p["mal low"].payload.draw
    assert low and all(v < 1 for v in low.values())


def test_an_unknown_role_is_named_in_the_failure():
    sc = dataclasses.replace(scenarios.make("switch_2050"), name="s")
    assert scenario_solve.role_label("isolation", sc.isolation_base()) == "ISOLATION"


def test_stored_results_through_the_plan_equal_the_solves_chained_by_hand(coeffs, tmp_path):
    """The scheduler changes who calls the solver, not what is solved or stored."""
    from fastmonet.results import Results
    names = ("cooperation", "isolation", "switch_2050")
    api.solve_many([scenarios.make(n) for n in names], out=tmp_path / "s.zarr", coefficients=coeffs)
    iso = scenario_solve.solve(coeffs, scenarios.make("isolation"))
    by_hand = {"cooperation": scenario_solve.solve(coeffs, scenarios.make("cooperation")),
               "isolation": iso,
               "switch_2050": scenario_solve.solve(coeffs, scenarios.make("switch_2050"),
                                                   {"isolation": iso})}
    for n in names:
        stored = Results.from_zarr(tmp_path / "s.zarr", f"{n}-p3-medium")
        for part in ("solution", "metrics"):
            a, b = getattr(stored, part), getattr(by_hand[n], part)
            assert sorted(a.data_vars) == sorted(b.data_vars)
            for v in a.data_vars:
                if b[v].dtype.kind not in "UOT":     # zarr stores text as its own string type
                    assert a[v].dtype == b[v].dtype, (n, v)
                np.testing.assert_array_equal(a[v].values, b[v].values, err_msg=f"{n} {v}")


# ------------------------------------------------------------------------------- warm chains
def test_a_warm_chain_starts_each_scenario_from_a_solve_of_the_set_only():
    scs = [scenarios.make(p) for p in ("cooperation", "current_policy", "isolation", "switch_2050")]
    p = scenario_set.plan(scs, warm_chain=True)
    assert [s.key for s in p.steps] == ["cooperation-p3-medium", "isolation-p3-medium",
                                        "current_policy-p3-medium", "switch_2050-p3-medium"]
    assert dict(p["current_policy-p3-medium"].needs) == {"warm": "isolation-p3-medium"}
    assert dict(p["switch_2050-p3-medium"].needs) == {"isolation": "isolation-p3-medium",
                                                      "warm": "cooperation-p3-medium"}
    assert p["cooperation-p3-medium"].payload.keep_reference
    assert p["isolation-p3-medium"].payload.keep_reference
    alone = scenario_set.plan([scenarios.make("current_policy")], warm_chain=True)
    assert len(alone) == 1 and dict(alone.steps[0].needs) == {}     # no solve added for a warm start
    assert all(not s.needs for s in scenario_set.plan(scs).steps[:3])  # off by default


def test_a_warm_chain_reaches_the_cold_optimum_and_records_its_path(coeffs):
    scs = [scenarios.make(p) for p in ("cooperation", "isolation", "current_policy", "switch_2050")]
    cold = api.solve_many(scs, coefficients=coeffs)
    warm = api.solve_many(scs, coefficients=coeffs, warm_chain=True)
    for c, w in zip(cold, warm):
        for key in ("cost_musd", "shortfall_mt"):
            assert w.solution.attrs[key] == pytest.approx(c.solution.attrs[key], rel=1e-9, abs=1e-6)
    assert warm[2].provenance["warm_start_from"] == "isolation-p3-medium"
    assert warm[3].provenance["warm_start_from"] == "cooperation-p3-medium"
    assert "warm_start_from" not in warm[0].provenance and "warm_start_from" not in cold[2].provenance


def test_a_failed_warm_source_leaves_its_dependant_cold_not_failed(coeffs, monkeypatch):
    real = scenario_solve.solve

    def solve(c, scenario, given=None, **kw):
        if scenario.policy == "isolation":
            raise SolveError("HiGHS says no (test)")
        return real(c, scenario, given, **kw)
    monkeypatch.setattr(scenario_solve, "solve", solve)
    failed = []
    out = api.solve_many([scenarios.make("isolation"), scenarios.make("current_policy")],
                         coefficients=coeffs, warm_chain=True,
                         on_failure=lambda sc, e: failed.append(sc.name))
    assert failed == ["isolation-p3-medium"]
    assert [r.scenario.name for r in out] == ["current_policy-p3-medium"]
    assert "warm_start_from" not in out[0].provenance


@pytest.mark.slow
def test_oat_on_worker_processes_gives_the_serial_rows():
    """The ends rebuild coefficients with Numba's parallel kernels: a forked child would abort
    (GNU OpenMP); on the LocalCluster the rows equal the serial sweep's."""
    from fastmonet.workflows import oat
    serial = oat.sweep(names=["beccs_capex"], progress=lambda s: None, workers=1)
    parallel = oat.sweep(names=["beccs_capex"], progress=lambda s: None, workers=2)
    cols = ["parameter", "end", "value", "cnc", "shortfall", "ar", "beccs", "daccs"]
    assert serial[cols].equals(parallel[cols])


def test_a_resumed_warm_chain_reports_what_an_uninterrupted_one_does(coeffs, tmp_path):
    """A reused source seeds its dependants from its stored basis, as in the run that stored it;
    a source without one leaves them cold and unrecorded."""
    import shutil

    from fastmonet.results import Results
    from fastmonet.store import bases
    scs = [scenarios.make(p) for p in ("cooperation", "isolation", "current_policy", "switch_2050")]
    whole = tmp_path / "whole.zarr"
    api.solve_many(scs, out=whole, coefficients=coeffs, warm_chain=True)
    cut = tmp_path / "cut.zarr"
    api.solve_many(scs[:2], out=cut, coefficients=coeffs, warm_chain=True)   # then a crash
    resumed = api.solve_many(scs, out=cut, coefficients=coeffs, warm_chain=True)
    assert resumed[2].provenance["warm_start_from"] == "isolation-p3-medium"
    for sc in scs[2:]:
        a, b = Results.from_zarr(whole, sc.name), Results.from_zarr(cut, sc.name)
        for v in a.metrics.data_vars:
            np.testing.assert_array_equal(a.metrics[v].values, b.metrics[v].values, err_msg=v)
    bare = tmp_path / "bare.zarr"
    api.solve_many(scs[:2], out=bare, coefficients=coeffs, warm_chain=True)
    shutil.rmtree(bases.path(bare, "x").parent)                  # no stored bases: cold
    again = api.solve_many(scs, out=bare, coefficients=coeffs, warm_chain=True)
    assert all("warm_start_from" not in r.provenance for r in again[2:])


def test_fork_is_used_on_linux_only(monkeypatch):
    monkeypatch.setattr(executors.sys, "platform", "darwin")
    with executors.open(2, kind="fork") as ex:
        assert isinstance(ex, executors.Inline)
    monkeypatch.setattr(executors.sys, "platform", "linux")
    with executors.open(2, kind="fork") as ex:
        assert isinstance(ex, executors.Processes)
