"""A set of scenarios solved as one plan: each dependency solved once, before what needs it.

`plan` turns the requested scenarios into steps: a SWITCH_Y scenario needs its ISOLATION base,
an equal_cost burden its COOPERATION solve (`fastmonet.scenario_solve.needs`).  A need that is
itself requested is that step (solved once, and before); one that is not is a hidden step,
solved but not announced or returned.  `solve` runs the plan through the scheduler on any
executor; `fastmonet.api.solve_many`, `fastmonet run`, `fastmonet solve` and each ensemble
member go through it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import xarray as xr

from fastmonet import scenario_solve, scenarios
from fastmonet.results import Results
from fastmonet.scenarios import Scenario
from fastmonet.workflows import executor as executors
from fastmonet.workflows import scheduler
from fastmonet.workflows.plan import Plan, Step

__all__ = ["Solve", "plan", "solve"]


@dataclass(frozen=True)
class Solve:
    """A step's payload: the scenario, its coefficient case, and how its cost stage starts."""

    scenario: Scenario
    warm: Any = None                 # a fastmonet.warm_start.Reference, or None (cold)
    keep_reference: bool = False     # keep this solve's own Reference in its Results

    @property
    def case(self) -> tuple[str, str]:
        return (self.scenario.targets, self.scenario.storage)


#: Role of the step whose optimal basis a step's cost stage starts from (`warm_chain`).
WARM = "warm"


def warm_source(sc: Scenario) -> Scenario | None:
    """The solve whose basis `sc` starts from in a warm chain, or None (cold).

    The rule is fixed, so a plan's path is too (and each result records it): CURRENT_POLICY
    starts from ISOLATION of the same case (0.50x its cold solve on the bundled P3 data) and
    SWITCH_Y from COOPERATION (0.42x for 2030, 0.57x for 2050; docs/performance.md).
    """
    if sc.policy == "current_policy" and sc.burden.rule == "responsibility":
        return dataclasses.replace(sc, policy="isolation", name="")
    if sc.policy == "switch" and sc.burden.rule == "responsibility":
        return dataclasses.replace(sc, policy="cooperation", switch_year=None, name="")
    return None


def plan(scs: list[Scenario], *, warm: dict[str, Any] | None = None,
         keep_reference: bool = False, warm_chain: bool = False) -> Plan:
    """The steps that solve `scs` (keyed by scenario name) and everything they need.

    `warm`: scenario name -> Reference its cost stage starts from; `keep_reference`: the
    requested solves keep their own.  `warm_chain`: a scenario whose `warm_source` is in the
    set (requested or needed) starts from that solve's basis, solved before it (role ``warm``);
    no solve is added for it.

    Examples
    --------
    >>> from fastmonet import scenarios
    >>> p = plan([scenarios.make("switch_2050"), scenarios.make("cooperation")])
    >>> [(s.key, s.shown, dict(s.needs)) for s in p.steps]  # doctest: +NORMALIZE_WHITESPACE
    [('isolation-p3-medium', False, {}),
     ('switch_2050-p3-medium', True, {'isolation': 'isolation-p3-medium'}),
     ('cooperation-p3-medium', True, {})]
    """
    warm = warm or {}
    requested = {scenario_solve.identity(sc): sc for sc in reversed(scs)}   # first one wins
    steps: list[Step] = []
    placed: dict[Scenario, str] = {}          # identity -> key of its step

    def place(sc: Scenario, shown: bool) -> str:
        ident = scenario_solve.identity(sc)
        if ident in placed and (not shown or placed[ident] == sc.name):
            return placed[ident]
        if not shown and ident in requested:          # a need the user asked for too
            return place(requested[ident], True)
        needs = {role: place(base, False) for role, base in scenario_solve.needs(sc).items()}
        source = warm_source(sc) if warm_chain and not (shown and sc.name in warm) else None
        if source is not None:
            ident_source = scenario_solve.identity(source)
            if ident_source in requested or ident_source in placed:
                needs[WARM] = place(requested.get(ident_source, source), ident_source in requested)
                k = next(i for i, st in enumerate(steps) if st.key == needs[WARM])
                steps[k] = dataclasses.replace(
                    steps[k], payload=dataclasses.replace(steps[k].payload, keep_reference=True))
        key = sc.name if shown else _hidden_key(sc, {s.key for s in steps})
        payload = Solve(sc, warm.get(sc.name) if shown else None, keep_reference and shown)
        steps.append(Step(key, payload, needs, shown, optional=(WARM,) if WARM in needs else ()))
        placed.setdefault(ident, key)
        return key

    for sc in scs:
        if sc.name not in {s.key for s in steps}:
            place(sc, True)
    return Plan(tuple(steps))


def _hidden_key(sc: Scenario, taken: set[str]) -> str:
    key, n = scenarios.default_name(sc), 1
    while key in taken:
        n += 1
        key = f"{scenarios.default_name(sc)}#{n}"
    return key


def _label(role: str, step: Step) -> str:
    base = scenario_solve.needs(step.payload.scenario).get(role)
    return scenario_solve.role_label(role, base)


def _solve_step(context: dict, step: Step, given: dict[str, Results]) -> Results:
    """The task: one scenario on its case's coefficients (runs on the executor)."""
    job: Solve = step.payload
    coeffs, inputs = context[job.case]
    given = dict(given)
    source = given.pop(WARM, None)
    chained = job.warm is None and source is not None and source.reference is not None
    warm = source.reference if chained else job.warm
    res = scenario_solve.solve(coeffs, job.scenario, given, inputs=inputs, warm=warm,
                               keep_reference=job.keep_reference)
    if chained:
        # The path is part of the answer where the LP is degenerate: recorded, never compared.
        res.provenance["warm_start_from"] = step.needs[WARM]
    return res


def solve(scs: list[Scenario], coeffs_for: Callable[[Scenario], xr.Dataset],
          inputs_for: Callable[[Scenario], dict] | None = None, *,
          reuse: dict[str, Results] | None = None, given: dict[str, Results] | None = None,
          warm: dict[str, Any] | None = None, keep_reference: bool = False,
          warm_chain: bool = False, executor=None, carry=None,
          on_start: Callable[[Scenario], None] | None = None,
          on_result: Callable[[Results, bool], None] | None = None,
          on_failure: Callable[[Scenario, Exception], None] | None = None) -> list[Results]:
    """Solve `scs` with their dependencies; the Results of those solved, in request order.

    `reuse`: scenario name -> Results already at hand (not solved again; they feed the
    scenarios that need them); `given`: role -> Results for the hidden needs (e.g. the ISOLATION
    solution a caller has).  `warm_chain`: see `plan`.  `executor`: from
    `fastmonet.workflows.executor.open` (default: this process).  `on_start(scenario)` before
    each requested solve, `on_result(results, reused)` after it (or for a reused one),
    `on_failure(scenario, error)` for one that failed (also for one whose need failed).
    Without `on_failure`, the first failure is raised once the others are done.
    """
    p = plan(scs, warm=warm, keep_reference=keep_reference, warm_chain=warm_chain)
    done = dict(reuse or {})
    for step in p.steps:
        if not step.shown and given:
            # A hidden need the caller passed: a dependant names its role.
            for dep in p.steps:
                for role, key in dep.needs.items():
                    if key == step.key and given.get(role) is not None:
                        done[step.key] = given[role]
    context = {}
    for step in p.steps:
        job = step.payload
        if step.key not in done and job.case not in context:
            context[job.case] = (coeffs_for(job.scenario),
                                 inputs_for(job.scenario) if inputs_for is not None else None)
    failures: list[tuple[Scenario, Exception]] = []

    def failed(step: Step, failure: scheduler.Failure) -> None:
        if not step.shown:
            return
        failures.append((step.payload.scenario, failure.error))
        if on_failure is not None:
            on_failure(step.payload.scenario, failure.error)

    ex = executor if executor is not None else executors.Inline()
    out = scheduler.run(
        p, _solve_step, ex, context=ex.share(context), done=done,
        carry=carry or scheduler.CARRY, label=_label,
        on_start=lambda s: on_start(s.payload.scenario) if on_start and s.shown else None,
        on_result=lambda s, r, reused: on_result(r, reused) if on_result and s.shown else None,
        on_failure=failed)
    if failures and on_failure is None:
        raise failures[0][1]
    names = dict.fromkeys(sc.name for sc in scs)       # request order, each once
    return [out[n] for n in names if not isinstance(out[n], scheduler.Failure)]
