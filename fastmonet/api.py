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
from pathlib import Path
from typing import Callable, Iterable

import xarray as xr

from fastmonet import lp_builder, metrics, results, scenarios, solver
from fastmonet.blocs import burden
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.errors import InputError
from fastmonet.results import Results
from fastmonet.scenarios import Rates, Scenario, SolverOptions


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
                       isolation: Results | None = None) -> Results:
    """Solve one scenario on a Contract-3 coefficient Dataset.

    SWITCH_Y needs the ISOLATION solution; pass it as `isolation` to avoid solving it again.
    """
    if isinstance(scenario, str):
        # A bare policy name takes the cases the Dataset was built for (default p3, medium).
        cases = {k: c for k, c in (("storage", _dataset_case(coeffs, "storage", "storage_case")),
                                   ("targets", _dataset_case(coeffs, "target", "target_case")))
                 if c is not None}
        scenario = scenarios.make(scenario, **cases)
    coeffs = _select_case(coeffs, scenario)
    scenario, coeffs = _share_burden(coeffs, scenario)
    fixings = None
    if scenario.switches:
        if isolation is None:
            isolation = solve_coefficients(coeffs, scenario.isolation_base())
        _check_isolation(isolation, scenario, coeffs)
        fixings = results.fixings_from(isolation.solution, scenario.switch_year)
    model = lp_builder.build(coeffs, scenario, fixings=fixings)
    sol = solver.solve_model(model)
    solution = results.solution_dataset(coeffs, model, sol)
    met = metrics.compute(coeffs, solution)
    if scenario.policy == scenarios.BLOCS:
        # Trading happens inside each bloc in force at 2100: per-bloc NEP, CNC and credits.
        last = int(met["year"].values[-1])
        met = met.merge(bloc_metrics(met, scenario.structure_at(last)), join="left",
                        combine_attrs="override")
        met["region_bloc"] = met["region_bloc"].fillna("")   # the world row is in no bloc
    return Results(scenario=scenario, solution=solution, metrics=met, stats=dict(sol.stats))


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
    inputs = data.load(data_path, storage=storage, targets=targets)
    return coefficients.build(inputs, tech_mod.resolve_dir(technology, data_path))


def open_coefficients(path: str | Path) -> xr.Dataset:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: coefficient store not found")
    try:
        try:
            return xr.open_zarr(str(path), consolidated=True).load()
        except (KeyError, FileNotFoundError, ValueError):
            return xr.open_zarr(str(path), consolidated=False).load()
    except Exception as exc:  # noqa: BLE001 - report any unreadable store as bad input
        raise InputError(f"{path}: not a readable zarr coefficient store ({exc})") from None


def solve_many(
    scenario_list: Iterable[Scenario],
    out: str | Path | None = None,
    coefficients: xr.Dataset | None = None,
    data_path=None,
    on_result: Callable[[Results, bool], None] | None = None,
    technology=None,
) -> list[Results]:
    """Solve several scenarios; with `out`, write each to its zarr group and skip complete ones.

    `on_result(results, skipped)` is called as each scenario finishes (or is found complete).
    """
    cache: dict[tuple[str, str], xr.Dataset] = {}
    iso_done: dict[tuple, Results] = {}
    done = []

    def coeffs_for(sc: Scenario) -> xr.Dataset:
        if coefficients is not None:
            return coefficients
        key = (sc.targets, sc.storage)
        if key not in cache:
            cache[key] = load_coefficients(sc.targets, sc.storage, data_path, technology)
        return cache[key]

    def iso_key(sc: Scenario):
        return dataclasses.replace(sc, name="", solver=SolverOptions())

    for sc in scenario_list:
        if out is not None and results.is_complete(out, sc.name):
            res = Results.from_zarr(out, sc.name)
            skipped = True
        else:
            iso = iso_done.get(iso_key(sc.isolation_base())) if sc.switches else None
            res = solve_coefficients(coeffs_for(sc), sc, isolation=iso)
            skipped = False
            if out is not None:
                res.to_zarr(out, sc.name)
        if not sc.switches:
            iso_done[iso_key(sc)] = res
        done.append(res)
        if on_result is not None:
            on_result(res, skipped)
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
) -> Results | list[Results]:
    """Solve a scenario (or a list of them) end to end.

    `scenario`: COOPERATION, CURRENT_POLICY, ISOLATION, SWITCH_2030/.../2090 (any case), a
    `Scenario`, or a list of either (then a list of Results is returned).  `rates`: multipliers
    such as `{"ar": 10, "beccs": 2.5, "dac": 2.5}`.  `coefficients`: a Contract-3 Dataset or the
    path of a saved zarr store, instead of loading the data.  `out`: a zarr store to write to.
    `technology`: folder of technology TOMLs (default: `<data_path>/technology` if it exists,
    else the bundled one).
    """
    if technology is not None and coefficients is not None:
        raise InputError("technology: not with coefficients (they were built with their own "
                         "technology folder; rebuild them instead)")
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
                     technology=technology)
    return res if many else res[0]


def _from_dict(cls, d: dict, where: str):
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(names))}")
    return cls(**d)
