"""`fastmonet.solve`: data -> coefficients -> LP -> results, for one or several scenarios.

    import fastmonet
    res = fastmonet.solve(scenario="cooperation", targets="p3", storage="medium")
    res.metrics["cum_removal"].sel(region="world", option="all")
    res.summary()                       # the rows of `fastmonet solve --summary-csv`

`solve_coefficients(coeffs, scenario)` skips the data and coefficient stages (tests, ensembles,
saved coefficient stores).  `solve_many(scenarios, out=...)` writes each scenario to its own zarr
group as it finishes and skips groups already complete, so a crashed run resumes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Callable, Iterable

import xarray as xr

from fastmonet import lp, metrics, results, scenarios, solver, warm_start
from fastmonet.blocs import burden
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.errors import InputError
from fastmonet.results import Results
from fastmonet.scenarios import Rates, Scenario, SolverOptions
from fastmonet.store import kinds, provenance


def _dataset_case(coeffs: xr.Dataset, var: str, attr: str) -> str | None:
    """The storage / target case a Dataset was built for, if it says (attrs or the variable's)."""
    case = coeffs.attrs.get(attr)
    if case is None and var in coeffs:
        case = coeffs[var].attrs.get("case")
    return None if case is None else str(case).lower()


def _select_case(coeffs: xr.Dataset, scenario: Scenario) -> xr.Dataset:
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
        have = _dataset_case(coeffs, var, attr)
        if have is not None and have != want:
            option = "--storage" if var == "storage" else "--targets"
            raise InputError(
                f"coefficients: built for {attr} {have!r}, but scenario {scenario.name!r} asks "
                f"for {want!r}; rebuild the coefficients for {want!r} or use {option} {have}")
    return out


def solve_coefficients(coeffs: xr.Dataset, scenario: Scenario | str = "cooperation",
                       isolation: Results | None = None, inputs: dict | None = None, *,
                       warm=None, keep_reference: bool = False) -> Results:
    """Solve one scenario on a coefficients Dataset (formulation §9.3).

    SWITCH_Y needs the ISOLATION solution; pass it as `isolation` to avoid solving it again.
    `inputs`: `fastmonet.store.provenance.inputs_record(coeffs)` if already known (otherwise
    the input files only, without the coefficient content key `solve_many` adds).
    `warm`: a `fastmonet.warm_start.Reference` of a similar model (e.g. `.reference` of the
    central member's Results, kept with `keep_reference=True`): the cost stage starts from it.
    """
    if not isinstance(coeffs, xr.Dataset):
        raise InputError(f"coefficients: must be an xarray Dataset, got {type(coeffs).__name__}")
    if not isinstance(scenario, (str, Scenario)):
        raise InputError(f"scenario: must be a policy name or a Scenario, got "
                         f"{type(scenario).__name__}")
    started = provenance.now()
    if isinstance(scenario, str):
        # A bare policy name takes the cases the Dataset was built for (default p3, medium).
        cases = {k: c for k, c in (("storage", _dataset_case(coeffs, "storage", "storage_case")),
                                   ("targets", _dataset_case(coeffs, "target", "target_case")))
                 if c is not None}
        scenario = scenarios.make(scenario, **cases)
    # The content key is what was asked, on the coefficients as given (before cases or shares).
    requested, inputs = scenario, inputs or provenance.inputs_record(coeffs, content=False)
    scenario, coeffs, model = _model(coeffs, scenario, isolation)
    sol = solver.solve_model(model, **(warm.onto(model) if warm is not None else {}))
    reference = warm_start.reference(model, sol) if keep_reference else None
    solution = results.solution_dataset(coeffs, model, sol)
    met = metrics.compute(coeffs, solution)
    if scenario.policy == scenarios.BLOCS:
        # Trading happens inside each bloc in force at 2100: per-bloc NEP, CNC and credits.
        last = int(met["year"].values[-1])
        met = met.merge(bloc_metrics(met, scenario.structure_at(last)), join="left",
                        combine_attrs="override")
        met["region_bloc"] = met["region_bloc"].fillna("")   # the world row is in no bloc
    results.with_cf(met)
    prov = provenance.request(requested, inputs)
    prov.update(started=started, finished=provenance.now())
    return Results(scenario=scenario, solution=solution, metrics=met, stats=dict(sol.stats),
                   provenance=prov, reference=reference)


def _model(coeffs: xr.Dataset, scenario: Scenario, isolation: Results | None):
    """(scenario with its burden shares, the case's coefficients, the LPModel)."""
    coeffs = _select_case(coeffs, scenario)
    scenario, coeffs = _share_burden(coeffs, scenario)
    fixings = None
    if scenario.switches:
        if isolation is None:
            isolation = solve_coefficients(coeffs, scenario.isolation_base())
        _check_isolation(isolation, scenario, coeffs)
        fixings = results.fixings_from(isolation.solution, scenario.switch_year)
    return scenario, coeffs, lp.build(coeffs, scenario, fixings=fixings)


def write_model(coeffs: xr.Dataset, scenario: Scenario | str, path: str | Path,
                isolation: Results | None = None):
    """Solve the scenario's LP and write it to `path` (.mps or .lp; `fastmonet.model_file`):
    the cost stage with the least shortfall as a bound, so the file solves to the optimum
    fastmonet reports.  Returns (path, the LPSolution, the LPModel)."""
    from fastmonet import model_file
    path = model_file.check_path(path, "path")
    if isinstance(scenario, str):
        scenario = scenarios.make(scenario)
    _, _, model = _model(coeffs, scenario, isolation)
    sol = solver.solve_model(model)
    model_file.write(model, path, shortfall_star_mt=float(sol.stats["shortfall_star_mt"]))
    return path, sol, model


def _share_burden(coeffs: xr.Dataset, scenario: Scenario) -> tuple[Scenario, xr.Dataset]:
    """Regional targets under the scenario's burden-sharing rule (fastmonet.blocs.burden).

    `equal_cost` shares are solved on the COOPERATION solution of the same case (its optimum does
    not depend on the split); the scenario returned carries the solved shares.
    """
    rule = scenario.burden
    if rule.rule == "responsibility":
        return scenario, coeffs
    if rule.rule == "equal_cost" and rule.shares is None:
        coop = dataclasses.replace(scenario, policy="cooperation", switch_year=None, blocs=None,
                                   from_blocs=None, burden=burden.Burden(), name="")
        shares = burden.equal_cost_shares(solve_coefficients(coeffs, coop).metrics)
        rule = burden.Burden("equal_cost", tuple(sorted(shares.items())))
        scenario = dataclasses.replace(scenario, burden=rule)
    target = burden.apply(coeffs["target"], rule, coeffs.attrs.get("data_path"))
    return scenario, coeffs.assign(target=target)


def _check_isolation(iso: Results, scenario: Scenario, coeffs: xr.Dataset) -> None:
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


def load_coefficients(targets: str = "p3", storage: str = "medium", data_path=None,
                      technology=None) -> xr.Dataset:
    """The first two stages: `fastmonet.data.load` then `fastmonet.coefficients.build`.

    `technology`: the folder of technology TOMLs; default `<data_path>/technology` when it
    exists, else the bundled one (`fastmonet.technology.resolve_dir`)."""
    from fastmonet import coefficients, data
    from fastmonet import technology as tech_mod
    from fastmonet.data.validate import check_transition_agrees
    inputs = data.load(data_path, storage=storage, targets=targets)
    tech = tech_mod.load(tech_mod.resolve_dir(technology, data_path))
    check_transition_agrees(inputs, tech)
    return coefficients.build(inputs, tech)


def open_coefficients(path: str | Path) -> xr.Dataset:
    """A coefficient store written by `fastmonet.coefficients.save`, checked array by array."""
    from fastmonet import coefficients
    if not isinstance(path, (str, Path)):
        raise InputError(f"coefficients: a Dataset or a store path, got {type(path).__name__}")
    return coefficients.open_store(path)


def solve_many(
    scenario_list: Iterable[Scenario],
    out: str | Path | None = None,
    coefficients: xr.Dataset | None = None,
    data_path=None,
    on_result: Callable[[Results, bool], None] | None = None,
    technology=None,
    *,
    overwrite: bool = False,
    wait: bool = True,
    on_message: Callable[[str], None] | None = None,
    on_start: Callable[[Scenario], None] | None = None,
) -> list[Results]:
    """Solve several scenarios; with `out`, write each to its zarr group as it finishes.

    A complete group of `out` is reused (re-verified from its checksums) only if its inputs and
    scenario definition equal the request's; if any differs, nothing is solved and a
    `StoreError` names the group and the difference, unless `overwrite=True` (then it is solved
    again and replaced).  A damaged or incomplete group is solved again, with a message.  One
    writer at a time per store: a second one waits (`wait=False`: `StoreError` instead).
    `on_result(results, reused)` is called as each scenario finishes (or is reused);
    `on_message(text)` receives the notes above (default: the `fastmonet.store` logger).
    `on_start(scenario)` is called just before a scenario is solved (not for one reused), so
    only after the store was checked: a refusal comes before any announced work.
    """
    scs = _check_scenarios(scenario_list)
    if coefficients is not None and not isinstance(coefficients, xr.Dataset):
        raise InputError(f"coefficients: must be an xarray Dataset, got "
                         f"{type(coefficients).__name__}")
    say = on_message or logging.getLogger("fastmonet.store").warning
    coeff_cache: dict[tuple[str, str], xr.Dataset] = {}
    input_cache: dict[int, dict] = {}

    def coeffs_for(sc: Scenario) -> xr.Dataset:
        if coefficients is not None:
            return coefficients
        key = (sc.targets, sc.storage)
        if key not in coeff_cache:
            coeff_cache[key] = load_coefficients(sc.targets, sc.storage, data_path, technology)
        return coeff_cache[key]

    def inputs_for(sc: Scenario) -> dict:
        co = coeffs_for(sc)
        if id(co) not in input_cache:
            input_cache[id(co)] = provenance.inputs_record(co)
        return input_cache[id(co)]

    if out is None:
        return _solve_all(scs, {}, coeffs_for, inputs_for, None, on_result, on_start)
    from fastmonet.store import lock, paths
    paths.check_store_path(out, "out")
    check_results_store(out, [sc.name for sc in scs])
    with lock.writer(out, wait=wait, on_wait=say):
        kind = check_results_store(out, [sc.name for sc in scs])
        if kind is None or not kind.recorded:
            kinds.stamp(out, kind.name if kind is not None else kinds.RESULTS)
        reuse = _plan(out, scs, inputs_for, overwrite, say)
        return _solve_all(scs, reuse, coeffs_for, inputs_for, out, on_result, on_start)


def check_results_store(out, names: list[str]):
    """`out` may take these scenario groups: a results or run store (or none yet), and no name
    taken by the store's own arrays (`fastmonet.store.kinds`).  Before any work."""
    kind = kinds.require(out, kinds.RESULTS, accept=(kinds.RUN,), action="scenario results")
    kinds.check_names(out, names, kind.name if kind is not None else kinds.RESULTS)
    return kind


def _check_scenarios(scenario_list) -> list[Scenario]:
    from fastmonet.store import names
    if isinstance(scenario_list, (str, Scenario)) or not isinstance(scenario_list, Iterable):
        raise InputError(f"scenarios: a list of Scenario, got {type(scenario_list).__name__}")
    scs = list(scenario_list)
    for sc in scs:
        if not isinstance(sc, Scenario):
            raise InputError(f"scenarios: each must be a Scenario (fastmonet.scenarios.make), "
                             f"got {type(sc).__name__}")
    names.check_all([sc.name for sc in scs])
    return scs


def _plan(out, scs: list[Scenario], inputs_for, overwrite: bool, say) -> dict[str, Results]:
    """Decide, before solving anything, which groups are reused; refuse on any mismatch."""
    from fastmonet.store import groups
    from fastmonet.store.errors import StoreError
    reuse: dict[str, Results] = {}
    conflicts: list[tuple[str, list[str]]] = []
    for sc in scs:
        st = groups.state(out, sc.name)
        if st.status == "absent":
            continue
        if st.status == "other":
            raise StoreError(f"store {out}: {sc.name!r} is {st.problem}; nothing was solved: "
                             "give the scenario another name")
        if not st.complete:
            say(f"store {out}: group {sc.name!r} is incomplete ({st.problem}); solving it again")
            continue
        diff = provenance.differences(st.attrs["provenance"], provenance.request(sc, inputs_for(sc)))
        if diff and overwrite:
            say(f"store {out}: group {sc.name!r}: {'; '.join(diff)}; replacing it (--overwrite)")
            continue
        if diff:
            conflicts.append((sc.name, diff))
            continue
        try:
            reuse[sc.name] = Results.from_zarr(out, sc.name)
        except StoreError as exc:
            say(f"{exc}; solving it again")
    if conflicts:
        name, diff = conflicts[0]
        more = f" ({len(conflicts) - 1} more group(s) differ too: " \
               f"{', '.join(n for n, _ in conflicts[1:])})" if len(conflicts) > 1 else ""
        raise StoreError(
            f"store {out}: group {name!r} holds results of another request: {'; '.join(diff)}"
            f"{more}. Nothing was solved; use --overwrite (overwrite=True) to replace, or "
            "another store or scenario name")
    return reuse


def _solve_all(scs, reuse, coeffs_for, inputs_for, out, on_result,
               on_start=None) -> list[Results]:
    def iso_key(sc: Scenario):
        return dataclasses.replace(sc, name="", solver=SolverOptions())

    iso_done: dict[Scenario, Results] = {}
    done = []
    for sc in scs:
        res = reuse.get(sc.name)
        if res is None:
            iso = iso_done.get(iso_key(sc.isolation_base())) if sc.switches else None
            if on_start is not None:
                on_start(sc)
            res = solve_coefficients(coeffs_for(sc), sc, isolation=iso, inputs=inputs_for(sc))
            if out is not None:
                res.to_zarr(out, sc.name)
        if not sc.switches:
            iso_done[iso_key(sc)] = res
        done.append(res)
        if on_result is not None:
            on_result(res, sc.name in reuse)
    return done


def solve(
    scenario: str | Scenario | list = "cooperation",
    targets: str = "p3",
    storage: str = "medium",
    rates: Rates | dict | None = None,
    solver_options: SolverOptions | dict | None = None,
    coefficients: xr.Dataset | str | Path | None = None,
    data_path=None,
    out: str | Path | None = None,
    name: str = "",
    technology: str | Path | None = None,
    *,
    overwrite: bool = False,
    wait: bool = True,
) -> Results | list[Results]:
    """Solve a scenario (or a list of them) end to end.

    `scenario`: COOPERATION, CURRENT_POLICY, ISOLATION, SWITCH_2030/.../2090 (any case), a
    `Scenario`, or a list of either (then a list of Results is returned).  `rates`: multipliers
    such as `{"ar": 10, "beccs": 2.5, "dac": 2.5}`.  `coefficients`: a coefficients Dataset or the
    path of a saved zarr store, instead of loading the data.  `out`: a zarr store to write to
    (see `solve_many` for `overwrite` and `wait`).
    `technology`: folder of technology TOMLs (default: `<data_path>/technology` if it exists,
    else the bundled one).
    """
    if technology is not None and coefficients is not None:
        raise InputError("technology: not with coefficients (they were built with their own "
                         "technology folder; rebuild them instead)")
    _check_types(scenario=(scenario, (str, Scenario, list, tuple)), targets=(targets, str),
                 storage=(storage, str), rates=(rates, (Rates, dict, type(None))),
                 solver_options=(solver_options, (SolverOptions, dict, type(None))),
                 coefficients=(coefficients, (xr.Dataset, str, os.PathLike, type(None))),
                 data_path=(data_path, (str, os.PathLike, type(None))),
                 out=(out, (str, os.PathLike, type(None))), name=(name, str),
                 technology=(technology, (str, os.PathLike, type(None))),
                 overwrite=(overwrite, bool), wait=(wait, bool))
    if isinstance(rates, dict):
        rates = _from_dict(Rates, rates, "rates")
    if isinstance(solver_options, dict):
        solver_options = _from_dict(SolverOptions, solver_options, "solver_options")
    many = isinstance(scenario, (list, tuple))
    items = list(scenario) if many else [scenario]
    scs = []
    for item in items:
        if isinstance(item, Scenario):
            scs.append(item)
        else:
            scs.append(scenarios.make(item, targets=targets, storage=storage, rates=rates,
                                      solver=solver_options, name="" if many else name))
    if isinstance(coefficients, (str, Path)):
        coefficients = open_coefficients(coefficients)
    res = solve_many(scs, out=out, coefficients=coefficients, data_path=data_path,
                     technology=technology, overwrite=overwrite, wait=wait)
    return res if many else res[0]


def _check_types(**checks) -> None:
    """`InputError` naming the first argument whose type is wrong (before any work)."""
    for arg, (value, types) in checks.items():
        if not isinstance(value, types):
            want = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,))
                               if t is not type(None))
            raise InputError(f"{arg}: expected {want}, got {type(value).__name__} {value!r:.60}")


def _from_dict(cls, d: dict, where: str):
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(names))}")
    return cls(**d)
