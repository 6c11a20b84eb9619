"""Linkage: what each pair of regions gains by linking, and the cheapest order of joining.

Every structure is solved against ISOLATION (all regions alone, no trade): a pairwise link joins
two regions into one bloc (their targets pooled, credits and biomass traded between them), the
rest stay isolated. The greedy join path starts from the best pair and adds, one region at a
time, the one whose joining gives the lowest (shortfall, cost); it ends in one bloc of all
regions with biomass trade everywhere, which is COOPERATION.

Every structure is a step of a plan that needs the ISOLATION solve (its basis warm-starts the
structure's cost stage); the plan runs on the workflows' executor and scheduler, in forked worker
processes when `workers` > 1 (the coefficients are shared, not copied).
"""

from __future__ import annotations

import dataclasses
import itertools
from contextlib import ExitStack
from dataclasses import dataclass

import xarray as xr

from fastmonet import scenario_solve, scenarios
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.blocs.structure import Structure, singletons
from fastmonet.dimensions import REGIONS
from fastmonet.scenarios import Scenario
from fastmonet.workflows import executor as executors
from fastmonet.workflows import scheduler
from fastmonet.workflows.plan import Plan, Step

__all__ = ["Outcome", "Solver", "pairwise", "join_path", "pair_rows", "path_rows",
           "structure_rows", "pair_structure"]


@dataclass(frozen=True)
class Outcome:
    """One structure's solve: its lexicographic objective and per-bloc metrics."""

    structure: Structure
    objective: tuple[float, float]   # the LP's (sum of shortfalls MtCO2, cost M US$)
    shortfall_t: float               # world shortfall in 2100, tCO2
    cost_usd: float                  # world CTNC, US$
    blocs: xr.Dataset

    @property
    def key(self) -> tuple[float, float]:
        """Lexicographic order of the LP (shortfall to 1 tCO2, then cost)."""
        return (round(self.objective[0], 6), self.objective[1])


def outcome(res, structure: Structure, iso_metrics: xr.Dataset | None) -> Outcome:
    year = res.metrics["year"].values[-1]
    return Outcome(structure, (res.solution.attrs["shortfall_mt"], res.solution.attrs["cost_musd"]),
                   float(res.metrics["shortfall"].sel(year=year).sum("region")),
                   res.solution.attrs["cost_musd"] * 1e6,
                   bloc_metrics(res.metrics, structure, isolation=iso_metrics))


def _solve_structure(context, step: Step, given: dict) -> Outcome:
    """The task: one structure, its cost stage started from ISOLATION's basis."""
    coeffs, base = context
    iso = given["isolation"]
    sc = dataclasses.replace(base, policy=scenarios.BLOCS, blocs=step.payload, name="")
    res = scenario_solve.solve(coeffs, sc, warm=iso.reference)
    return outcome(res, step.payload, iso.metrics)


def _solve_isolation(context, step: Step, given: dict):
    coeffs, base = context
    return scenario_solve.solve(coeffs, dataclasses.replace(base, policy="isolation", name=""),
                                keep_reference=True)


def _task(context, step: Step, given: dict):
    return (_solve_isolation if step.key == "isolation" else _solve_structure)(context, step, given)


class Solver:
    """Solves structures on one coefficient Dataset, in `workers` processes."""

    def __init__(self, coeffs: xr.Dataset, base: Scenario, workers: int = 1):
        self.coeffs, self.base = coeffs, base
        self.workers = max(1, int(workers))
        self.isolation: Outcome | None = None
        self._iso = None               # ISOLATION's Results, with its warm_start.Reference
        self._stack = ExitStack()

    def __enter__(self):
        self._ex = self._stack.enter_context(executors.open(self.workers, kind="fork"))
        self._context = self._ex.share((self.coeffs, self.base))
        # Every structure's cost stage starts from ISOLATION's basis (fastmonet.warm_start):
        # about 2.8x fewer simplex iterations for the ten pairs, the same optima.
        out = scheduler.run(Plan((Step("isolation", None),)), _task, executors.Inline(),
                            context=(self.coeffs, self.base), carry=())
        self._iso = out["isolation"]
        self.iso_metrics = self._iso.metrics
        self.isolation = outcome(self._iso, singletons(biomass_trade="none"), self._iso.metrics)
        return self

    def __exit__(self, *exc):
        self._stack.close()

    @property
    def reference(self):
        """ISOLATION's `warm_start.Reference`."""
        return self._iso.reference

    def solve(self, structures: list[Structure]) -> list[Outcome]:
        """One plan: ISOLATION (already solved) feeding every structure."""
        steps = [Step("isolation", None, shown=False)]
        steps += [Step(f"structure {k}", s, {"isolation": "isolation"}) for k, s in
                  enumerate(structures)]
        out = scheduler.run(Plan(tuple(steps)), _task, self._ex, context=self._context,
                            done={"isolation": self._iso}, carry=())
        return [out[s.key] for s in steps[1:]]


def pair_structure(a: str, b: str, biomass_trade: str = "within_bloc") -> Structure:
    """Regions `a` and `b` in one bloc, every other region alone: the structure of one pairwise link."""
    rest = [(r,) for r in REGIONS if r not in (a, b)]
    return Structure(tuple(rest) + ((a, b),), biomass_trade)


def pairwise(solver: Solver) -> dict[tuple[str, str], Outcome]:
    """The outcome of linking each of the ten pairs of regions, solved on `solver`."""
    pairs = list(itertools.combinations(REGIONS, 2))
    return dict(zip(pairs, solver.solve([pair_structure(a, b) for a, b in pairs])))


def join_path(solver: Solver, pairs: dict[tuple[str, str], Outcome]) -> list[tuple[str, Outcome]]:
    """[(region that joined, outcome)]: the best pair first (joined as "A+B"), then one region
    at a time, each step the lowest (shortfall, cost)."""
    (a, b), best = min(pairs.items(), key=lambda kv: kv[1].key)
    path = [(f"{a}+{b}", best)]
    bloc = [a, b]
    while len(bloc) < len(REGIONS):
        candidates = [r for r in REGIONS if r not in bloc]
        trade = "all" if len(bloc) + 1 == len(REGIONS) else "within_bloc"
        structures = [Structure(tuple((x,) for x in REGIONS if x not in bloc and x != r)
                                + (tuple(bloc) + (r,),), trade) for r in candidates]
        outcomes = solver.solve(structures)
        k = min(range(len(candidates)), key=lambda i: outcomes[i].key)
        bloc.append(candidates[k])
        path.append((candidates[k], outcomes[k]))
    return path


def pair_rows(solver: Solver, pairs: dict[tuple[str, str], Outcome]) -> list[tuple]:
    """(region_a, region_b, metric, value, unit) per pair and metric."""
    iso = solver.isolation
    iso_cnc = iso.blocs["cnc_trading_bloc"]
    rows = []
    for (a, b), out in pairs.items():
        cnc = out.blocs["cnc_trading_bloc"]
        rows += [
            (a, b, "world_cost_change", (out.cost_usd - iso.cost_usd) / 1e6, "MUS$"),
            (a, b, "shortfall_change", (out.shortfall_t - iso.shortfall_t) / 1e9, "GtCO2"),
            (a, b, "cnc_change_a", float(cnc.sel(region=a) - iso_cnc.sel(region=a)), "US$/tCO2"),
            (a, b, "cnc_change_b", float(cnc.sel(region=b) - iso_cnc.sel(region=b)), "US$/tCO2"),
            (a, b, "cnc_linked_a", float(cnc.sel(region=a)), "US$/tCO2"),
            (a, b, "cnc_linked_b", float(cnc.sel(region=b)), "US$/tCO2"),
            (a, b, "bloc_nep", float(out.blocs["bloc_nep"].sel(bloc=f"{a}+{b}")), "US$/tCO2"),
        ]
    return rows


def path_rows(solver: Solver, path: list[tuple[str, Outcome]]) -> list[tuple]:
    """(bloc before joining, region joining, metric, value, unit) per step of the join path."""
    rows, bloc = [], ""
    for joined, out in path:
        a, b = (joined.split("+") if not bloc else (bloc, joined))
        rows += [(a, b, "join_world_cost", out.cost_usd / 1e6, "MUS$"),
                 (a, b, "join_world_cost_change",
                  (out.cost_usd - solver.isolation.cost_usd) / 1e6, "MUS$"),
                 (a, b, "join_shortfall", out.shortfall_t / 1e9, "GtCO2")]
        bloc = joined if not bloc else f"{bloc}+{joined}"
    return rows


def structure_rows(solver: Solver, named: list[tuple[str, Structure]]) -> list[tuple]:
    """A user's structures (--blocs-file): (structure name, region, metric, value, unit)."""
    iso = solver.isolation
    rows = []
    for (name, _), out in zip(named, solver.solve([s for _, s in named])):
        rows += [(name, "world", "world_cost_change", (out.cost_usd - iso.cost_usd) / 1e6, "MUS$"),
                 (name, "world", "shortfall_change",
                  (out.shortfall_t - iso.shortfall_t) / 1e9, "GtCO2")]
        for r in REGIONS:
            d = float(out.blocs["cnc_trading_bloc"].sel(region=r)
                      - iso.blocs["cnc_trading_bloc"].sel(region=r))
            rows.append((name, r, "cnc_change", d, "US$/tCO2"))
    return rows
