"""`fastmonet.solve`: data -> coefficients -> LP -> results, for one or several scenarios.

    import fastmonet
    res = fastmonet.solve(scenario="cooperation", targets="p3", storage="medium")
    res.metrics["cum_removal"].sum(("region", "option"))     # world, all options
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

from fastmonet import scenario_solve, scenarios, solver
from fastmonet.errors import InputError
from fastmonet.results import Results
from fastmonet.scenarios import Rates, Scenario, SolverOptions
from fastmonet.store import kinds, provenance

# What users import; the rest (check_results_store, ...) serves the command line.
__all__ = ["solve", "solve_many", "solve_coefficients", "load_coefficients", "open_coefficients",
           "write_model"]


def solve_coefficients(coeffs: xr.Dataset, scenario: Scenario | str = "cooperation",
                       isolation: Results | None = None, inputs: dict | None = None, *,
                       warm=None, keep_reference: bool = False) -> Results:
    """Solve one scenario on a coefficients Dataset (formulation §9.3).

    What the scenario needs is solved first, as a plan (`fastmonet.workflows.scenario_set`):
    the ISOLATION base of SWITCH_Y (pass it as `isolation` to avoid solving it again) and the
    COOPERATION solve of an equal_cost burden.
    `inputs`: `fastmonet.store.provenance.inputs_record(coeffs)` if already known (otherwise
    the input files only, without the coefficient content key `solve_many` adds).
    `warm`: a `fastmonet.warm_start.Reference` of a similar model (e.g. `.reference` of the
    central member's Results, kept with `keep_reference=True`): the cost stage starts from it.

    Examples
    --------
    >>> from fastmonet import synthetic
    >>> coeffs = synthetic.instance(seed=1)
    >>> res = solve_coefficients(coeffs, "switch_2050")    # ISOLATION solved first, hidden
    >>> res.scenario.label
    'SWITCH_2050'
    """
    from fastmonet.workflows import scenario_set
    scenario = scenario_solve.as_scenario(coeffs, scenario)
    given = {scenario_solve.ISOLATION: isolation} if isolation is not None else None
    if isolation is not None and scenario.switches:
        scenario_solve.check_isolation(isolation, scenario,
                                       scenario_solve.select_case(coeffs, scenario))
    (res,) = scenario_set.solve(
        [scenario], lambda sc: coeffs, lambda sc: inputs, given=given,
        warm={scenario.name: warm} if warm is not None else None, keep_reference=keep_reference)
    return res


def write_model(coeffs: xr.Dataset, scenario: Scenario | str, path: str | Path,
                isolation: Results | None = None):
    """Solve the scenario's LP and write it to `path` (.mps or .lp; `fastmonet.model_file`):
    the cost stage with the least shortfall as a bound, so the file solves to the optimum
    fastmonet reports.  Returns (path, the LPSolution, the LPModel)."""
    from fastmonet import model_file
    from fastmonet.workflows import scenario_set
    path = model_file.check_path(path, "path")
    scenario = scenario_solve.as_scenario(coeffs, scenario)
    given = {}
    for role, base in scenario_solve.needs(scenario).items():
        if role == scenario_solve.ISOLATION and isolation is not None:
            given[role] = isolation
        else:
            given[role] = scenario_set.solve([base], lambda sc: coeffs)[0]
    _, _, model = scenario_solve.model(coeffs, scenario, given)
    sol = solver.solve_model(model)
    model_file.write(model, path, shortfall_star_mt=float(sol.stats["shortfall_star_mt"]))
    return path, sol, model


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
    on_failure: Callable[[Scenario, Exception], None] | None = None,
    workers: int = 0,
    warm_chain: bool = False,
) -> list[Results]:
    """Solve several scenarios; with `out`, write each to its zarr group as it finishes.

    What a scenario needs (the ISOLATION base of SWITCH_Y, the COOPERATION solve of an
    equal_cost burden) is solved once, first, whether asked for or not.

    Parameters
    ----------
    scenario_list : iterable of Scenario
        The scenarios (`fastmonet.scenarios.make`, `Scenario(...)`, `load_scenario_file`).
    out : str or Path, optional
        A zarr store.  A complete group of `out` is reused (re-verified from its checksums) only
        if its inputs and scenario definition equal the request's; a damaged or incomplete group
        is solved again, with a message.
    coefficients : xarray.Dataset, optional
        The coefficients (default: built from `data_path` and `technology`).
    data_path, technology : str or Path, optional
        The data folder and technology folder (default: the bundled ones).
    on_result : callable, optional
        ``on_result(results, reused)``, called as each scenario finishes (or is reused).
    overwrite : bool
        Solve again and replace a group whose inputs or definition differ from the request's
        (default: refuse, before anything is solved).
    wait : bool
        One writer at a time per store: wait for another (default), or raise at once.
    on_message : callable, optional
        ``on_message(text)`` receives the notes above (default: the `fastmonet.store` logger).
    on_start : callable, optional
        ``on_start(scenario)``, just before a scenario is solved (not for one reused), so only
        after the store was checked: a refusal comes before any announced work.
    on_failure : callable, optional
        ``on_failure(scenario, error)``: a scenario that cannot be solved is reported there and
        the others go on (a SWITCH_Y whose ISOLATION failed fails too, saying so).
    workers : int
        Solve independent scenarios in that many forked processes (0 or 1: this one).
    warm_chain : bool
        CURRENT_POLICY starts from ISOLATION's basis and SWITCH_Y from COOPERATION's where those
        are in the set (`fastmonet.workflows.scenario_set.warm_source`): about half the solve
        time, the same optimum; where the LP is degenerate the solution reported may be another
        optimal one than a cold solve's, so each result records its source in
        ``provenance["warm_start_from"]``.

    Returns
    -------
    list of Results
        One per scenario, in the order given (failed ones left out when `on_failure` is given).

    Raises
    ------
    StoreError
        `out` holds a group from other inputs or another definition (and not `overwrite`), or
        another writer holds the store and `wait` is False.
    InputError, SolveError
        Without `on_failure`: the first failure, raised once the others are solved and written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from fastmonet import api, scenarios, synthetic
    >>> coeffs = synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0)
    >>> out = Path(tempfile.mkdtemp()) / "runs.zarr"
    >>> wanted = [scenarios.make("cooperation"), scenarios.make("switch_2050")]
    >>> [r.scenario.name for r in api.solve_many(wanted, out=out, coefficients=coeffs)]
    ['cooperation-p3-medium', 'switch_2050-p3-medium']

    A second call reuses what the store holds:

    >>> reused = []
    >>> _ = api.solve_many(wanted, out=out, coefficients=coeffs,
    ...                    on_result=lambda res, was_reused: reused.append(was_reused))
    >>> reused
    [True, True]
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

    from fastmonet.workflows import executor as executors
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
        raise InputError(f"workers: a whole number >= 0, got {workers!r}")
    if out is None:
        with executors.open(workers, kind="fork") as ex:
            return _solve_all(scs, {}, coeffs_for, inputs_for, None, on_result, on_start,
                              on_failure, ex, warm_chain)
    from fastmonet.store import lock, paths
    paths.check_store_path(out, "out")
    check_results_store(out, [sc.name for sc in scs])
    with lock.writer(out, wait=wait, on_wait=say):
        kind = check_results_store(out, [sc.name for sc in scs])
        if kind is None or not kind.recorded:
            kinds.stamp(out, kind.name if kind is not None else kinds.RESULTS)
        replaced: set[str] = set()
        reuse = _plan(out, scs, inputs_for, overwrite, say, replaced)
        with executors.open(workers, kind="fork") as ex:
            return _solve_all(scs, reuse, coeffs_for, inputs_for, out, on_result, on_start,
                              on_failure, ex, warm_chain, replaced)


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


def _plan(out, scs: list[Scenario], inputs_for, overwrite: bool, say,
          replaced: set | None = None) -> dict[str, Results]:
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
            if replaced is not None:
                replaced.add(sc.name)
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


def _solve_all(scs, reuse, coeffs_for, inputs_for, out, on_result, on_start=None,
               on_failure=None, executor=None, warm_chain=False,
               replaced: set | None = None) -> list[Results]:
    """The scenario set as one plan (`fastmonet.workflows.scenario_set`); each solve written to
    `out` as it finishes, before `on_result` hears of it, with its basis (`store.bases`).

    A group `replaced` (its request changed, overwrite) starts from the basis its last solve
    ended with.  A damaged or incomplete group of the same request is solved cold, as it was:
    from another basis a degenerate LP may report another of its optimal solutions."""
    from fastmonet.store import bases
    from fastmonet.workflows import scenario_set
    stored = {} if out is None else {
        name: ref for name in sorted(replaced or ()) for ref in [bases.load(out, name)]
        if ref is not None}
    for name, res in reuse.items():
        # A reused group seeds a warm chain from the basis its solve ended with, as it did in
        # the run that stored it: a resumed run reports what an uninterrupted one does.
        if res.reference is None and out is not None:
            res.reference = bases.load(out, name)

    def finished(res: Results, reused: bool) -> None:
        name = res.scenario.name
        if out is not None and not reused:
            if name in stored:
                res.provenance["warm_start_from"] = f"the stored basis of {name}"
            res.to_zarr(out, name)
            if res.reference is not None:
                bases.save(out, name, res.reference)
        if on_result is not None:
            on_result(res, reused)
    return scenario_set.solve(scs, coeffs_for, inputs_for, reuse=reuse, executor=executor,
                              warm=stored, keep_reference=out is not None,
                              warm_chain=warm_chain, on_start=on_start, on_result=finished,
                              on_failure=on_failure)


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
    """Solve a scenario (or a list of them) end to end: data, coefficients, LP, results.

    Parameters
    ----------
    scenario : str, Scenario or list
        COOPERATION, CURRENT_POLICY, ISOLATION, SWITCH_2030/.../2090 (any case), a `Scenario`,
        or a list of either (then a list of Results is returned).
    targets, storage : str
        The target case (p3, p4) and the storage case (low, medium, high); formulation §6.8, §6.4.
    rates : Rates or dict, optional
        Multipliers of the build rates, such as ``{"ar": 10, "beccs": 2.5, "dac": 2.5}``
        (formulation §6.6).
    solver_options : SolverOptions or dict, optional
        HiGHS method, time limit, ... (see `fastmonet.scenarios.SolverOptions`).
    coefficients : xarray.Dataset, str or Path, optional
        A coefficients Dataset or the path of a saved zarr store, instead of loading the data.
    data_path : str or Path, optional
        The data folder (default: the bundled data).
    out : str or Path, optional
        A zarr store to write each result to (see `solve_many` for `overwrite` and `wait`).
    name : str
        The result's name (its group in `out`); default: from the scenario's definition.
    technology : str or Path, optional
        Folder of technology TOMLs (default: ``<data_path>/technology`` if it exists, else the
        bundled one); not with `coefficients`.

    Returns
    -------
    Results or list of Results
        One per scenario asked for, in that order.

    Raises
    ------
    InputError
        A bad option, data file or store, in one line naming it.
    SolveError
        HiGHS could not solve the LP (time limit, numerical trouble).

    Examples
    --------
    >>> import fastmonet
    >>> from fastmonet import synthetic
    >>> coeffs = synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0)
    >>> res = fastmonet.solve("isolation", coefficients=coeffs)
    >>> res.scenario.label, res.scenario.name
    ('ISOLATION', 'isolation-p3-medium')
    >>> res.metrics["cum_removal"].dims          # tCO2 removed by each option, cumulative
    ('region', 'option', 'year')
    >>> [r.scenario.label for r in fastmonet.solve(["cooperation", "switch_2050"], coefficients=coeffs)]
    ['COOPERATION', 'SWITCH_2050']
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
