"""One scenario solved on one coefficients Dataset: case, burden shares, LP, solve, results.

A scenario may depend on other solves: a SWITCH_Y scenario fixes its decisions before Y to its
ISOLATION base's (formulation §6.7), and an ``equal_cost`` burden splits the targets by the
COOPERATION solution of the same case (formulation §6.9).  `needs` declares those dependencies as
data and `solve` takes their results as `given`; it never solves them itself.  Running the
dependencies first, in parallel where they allow, and reusing them across scenarios is the
workflows' job (`fastmonet.workflows.scenario_set`).
"""

from __future__ import annotations

import dataclasses

import xarray as xr

from fastmonet import lp, metrics, results, scenarios, solver, warm_start
from fastmonet.blocs import burden
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.errors import InputError
from fastmonet.results import Results
from fastmonet.scenarios import Scenario, SolverOptions
from fastmonet.store import provenance

__all__ = ["ISOLATION", "COOPERATION", "identity", "needs", "as_scenario", "select_case",
           "model", "solve", "check_isolation"]

#: The roles a dependency plays (keys of `needs` and `given`).
ISOLATION = "isolation"
COOPERATION = "cooperation"

_ROLE_LABEL = {ISOLATION: "ISOLATION", COOPERATION: "COOPERATION"}


def identity(sc: Scenario) -> Scenario:
    """What makes two requests the same solve: the scenario without its name and solver options
    (which change neither the LP nor its optimum)."""
    return dataclasses.replace(sc, name="", solver=SolverOptions())


def _cooperation_for(sc: Scenario) -> Scenario:
    """The COOPERATION solve whose regional costs set `sc`'s equal_cost shares."""
    return dataclasses.replace(sc, policy="cooperation", switch_year=None, blocs=None,
                               from_blocs=None, burden=burden.Burden(), name="")


def needs(sc: Scenario) -> dict[str, Scenario]:
    """The solves `sc` needs first, by role: ``isolation`` (its switch base) and ``cooperation``
    (an equal_cost burden without given shares).

    Examples
    --------
    >>> from fastmonet import scenarios
    >>> sorted(needs(scenarios.make("switch_2050")))
    ['isolation']
    >>> needs(scenarios.make("cooperation"))
    {}
    """
    out: dict[str, Scenario] = {}
    if sc.burden.rule == "equal_cost" and sc.burden.shares is None:
        out[COOPERATION] = _cooperation_for(sc)
    if sc.switches:
        out[ISOLATION] = sc.isolation_base()
    return out


def role_label(role: str, sc: Scenario | None = None) -> str:
    """How a message names a dependency: 'ISOLATION', or a blocs base's label."""
    if role == ISOLATION and sc is not None and sc.policy == scenarios.BLOCS:
        return sc.label
    return _ROLE_LABEL.get(role, role)


def dataset_case(coeffs: xr.Dataset, var: str, attr: str) -> str | None:
    """The storage / target case a Dataset was built for, if it says (attrs or the variable's)."""
    case = coeffs.attrs.get(attr)
    if case is None and var in coeffs:
        case = coeffs[var].attrs.get("case")
    return None if case is None else str(case).lower()


def as_scenario(coeffs: xr.Dataset, scenario: Scenario | str) -> Scenario:
    """A bare policy name takes the cases the Dataset was built for (default p3, medium)."""
    if not isinstance(coeffs, xr.Dataset):
        raise InputError(f"coefficients: must be an xarray Dataset, got {type(coeffs).__name__}")
    if not isinstance(scenario, (str, Scenario)):
        raise InputError(f"scenario: must be a policy name or a Scenario, got "
                         f"{type(scenario).__name__}")
    if isinstance(scenario, Scenario):
        return scenario
    storage = dataset_case(coeffs, "storage", "storage_case")
    targets = dataset_case(coeffs, "target", "target_case")
    return scenarios.make(scenario, targets=targets or "p3", storage=storage or "medium")


def select_case(coeffs: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """Use `storage_<case>` / `target_<case>` if the Dataset carries all cases.

    Otherwise the Dataset's own `storage` / `target` are used, and a Dataset that states another
    case (attrs `storage_case` / `target_case`, as `coefficients.build` writes them) is an error:
    solving it would label one case's results with another's name.
    """
    out = coeffs
    for var, attr, want in (("storage", "storage_case", scenario.storage),
                            ("target", "target_case", scenario.targets)):
        if f"{var}_{want}" in coeffs:
            out = out.assign({var: coeffs[f"{var}_{want}"]})
            continue
        have = dataset_case(coeffs, var, attr)
        if have is not None and have != want:
            option = "--storage" if var == "storage" else "--targets"
            raise InputError(
                f"coefficients: built for {attr} {have!r}, but scenario {scenario.name!r} asks "
                f"for {want!r}; rebuild the coefficients for {want!r} or use {option} {have}")
    return out


def _given(sc: Scenario, given: dict[str, Results] | None) -> dict[str, Results]:
    given = dict(given or {})
    for role, base in needs(sc).items():
        if given.get(role) is None:
            raise InputError(f"{role}: scenario {sc.name!r} needs the "
                             f"{role_label(role, base)} solution first (pass it as given[{role!r}], "
                             "or solve through fastmonet.solve_many, which plans it)")
    return given


def model(coeffs: xr.Dataset, scenario: Scenario, given: dict[str, Results] | None = None):
    """(scenario with its burden shares, the case's coefficients, the LPModel)."""
    given = _given(scenario, given)
    coeffs = select_case(coeffs, scenario)
    scenario, coeffs = _share_burden(coeffs, scenario, given.get(COOPERATION))
    fixings = None
    if scenario.switch_year is not None:
        isolation = given[ISOLATION]
        check_isolation(isolation, scenario, coeffs)
        fixings = results.fixings_from(isolation.solution, scenario.switch_year)
    return scenario, coeffs, lp.build(coeffs, scenario, fixings=fixings)


def solve(coeffs: xr.Dataset, scenario: Scenario | str, given: dict[str, Results] | None = None,
          *, inputs: dict | None = None, warm=None, keep_reference: bool = False) -> Results:
    """Solve one scenario whose dependencies (`needs`) are solved and passed as `given`.

    `inputs`: `fastmonet.store.provenance.inputs_record(coeffs)` if already known.  `warm`: a
    `fastmonet.warm_start.Reference` the cost stage starts from; `keep_reference`: keep this
    solve's own in `Results.reference`.
    """
    requested = as_scenario(coeffs, scenario)
    started = provenance.now()
    # The content key is what was asked, on the coefficients as given (before cases or shares).
    inputs = inputs or provenance.inputs_record(coeffs, content=False)
    sc, coeffs, lp_model = model(coeffs, requested, given)
    sol = solver.solve_model(lp_model, **(warm.onto(lp_model) if warm is not None else {}))
    reference = warm_start.reference(lp_model, sol) if keep_reference else None
    solution = results.solution_dataset(coeffs, lp_model, sol)
    met = metrics.compute(coeffs, solution)
    if sc.policy == scenarios.BLOCS:
        # Trading happens inside each bloc in force at 2100: per-bloc NEP, CNC and credits.
        last = int(met["year"].values[-1])
        met = met.merge(bloc_metrics(met, sc.structure_at(last)), join="left",
                        combine_attrs="override")
    results.with_cf(met)
    prov = provenance.request(requested, inputs)
    prov.update(started=started, finished=provenance.now())
    return Results(scenario=sc, solution=solution, metrics=met, stats=dict(sol.stats),
                   provenance=prov, reference=reference)


def _share_burden(coeffs: xr.Dataset, scenario: Scenario,
                  cooperation: Results | None) -> tuple[Scenario, xr.Dataset]:
    """Regional targets under the scenario's burden-sharing rule (fastmonet.blocs.burden).

    `equal_cost` shares come from the COOPERATION solution of the same case (its optimum does
    not depend on the split); the scenario returned carries the solved shares.
    """
    rule = scenario.burden
    if rule.rule == "responsibility":
        return scenario, coeffs
    if rule.rule == "equal_cost" and rule.shares is None:
        assert cooperation is not None, "model() checked the needs"
        shares = burden.equal_cost_shares(cooperation.metrics)
        rule = burden.Burden("equal_cost", tuple(sorted(shares.items())))
        scenario = dataclasses.replace(scenario, burden=rule)
    target = burden.apply(coeffs["target"], rule, coeffs.attrs.get("data_path"))
    return scenario, coeffs.assign(target=target)


def check_isolation(iso: Results, scenario: Scenario, coeffs: xr.Dataset) -> None:
    """A switching scenario fixes its early decisions to its base's (ISOLATION for SWITCH_Y):
    the base must be that very scenario."""
    base, got = scenario.isolation_base(), iso.scenario
    kind = "ISOLATION" if base.policy == "isolation" else f"{base.label} ({base.name})"
    where = f"isolation: scenario {scenario.name!r} needs the {kind} solution"
    if got.policy != base.policy or got.blocs != base.blocs:
        raise InputError(f"{where}, got {got.label} ({got.name!r})")
    for key in ("targets", "storage", "rates", "burden"):
        if getattr(got, key) != getattr(base, key):
            raise InputError(f"{where} with the same {key}: {getattr(base, key)!r}, got "
                             f"{getattr(got, key)!r}")
    for dim in ("chain", "subregion", "ecozone", "period", "tech"):
        n_sol, n_co = iso.solution.sizes.get(dim), coeffs.sizes.get(dim)
        if n_sol != n_co:
            raise InputError(f"{where} of these coefficients: {n_sol} {dim} entries in the "
                             f"solution, {n_co} in the coefficients")
