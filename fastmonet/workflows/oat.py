"""One-at-a-time sweep: solve a scenario at each range's low and high end, the rest central.

    fastmonet oat [--scenario cooperation] [--csv oat.csv] [--top 10] [--workers 2]

Per parameter, every dimension of it (e.g. all five regions of "mal") is moved to the same end.
Effect = the change of CNC 2100 (US$/tCO2) and of the world shortfall 2100 (GtCO2) against the
central solve; parameters are ranked by the larger of |dCNC| / CNC and |dShortfall| / target.
Coefficients are rebuilt only where a draw changes what they are computed from: scenario entries
reuse the central coefficients, and multipliers of the LP's land and target variables (which
`coefficients.build` copies through) patch them.  Every solve is a step of one plan, run by the
workflows' scheduler (on a LocalCluster of `workers` processes when `workers` > 1).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fastmonet.workflows import executor as executors
from fastmonet.workflows import scheduler
from fastmonet.workflows.plan import Plan, Step

__all__ = ["PATCHABLE", "sweep", "ranking"]

# Variables coefficients.build copies into the coefficient Dataset; positive multipliers of them
# change nothing else (land only decides which chains exist through land > 0).
PATCHABLE = {"mal", "lhw", "lrp", "ovl", "target", "target_2100_by_case"}


def _metrics(res) -> dict:
    m = res.metrics
    last = m["year"].values[-1]
    w = m["cum_removal"].sel(year=last).sum("region") / 1e9
    return {"cnc": float(m["cnc_world_all_options"].sel(year=last)),
            "shortfall": float(m["shortfall"].sel(year=last).sum("region")) / 1e9,
            **{o: float(w.sel(option=o)) for o in ("ar", "beccs", "daccs")}}


def _coefficients(applied, p, base_coeffs, inputs):
    from fastmonet.uncertainty import fields as F
    kind = F.split(p.targets[0], p.name)[0]
    if kind == "scenario":
        return base_coeffs
    names = {t.split(":", 1)[1] for t in p.targets}
    if kind == "inputs" and p.apply == "multiplier" and names <= PATCHABLE:
        out = base_coeffs.copy()
        for n in names & set(base_coeffs.data_vars):
            out[n] = applied.inputs[n]
        return out
    return applied.coefficients()


@dataclass(frozen=True)
class _Context:
    inputs: Any
    tech: Any
    ranges: Any
    base_sc: Any
    base_coeffs: Any


@dataclass(frozen=True)
class _End:
    """One solve of the sweep: a parameter at one end (None: the central solve)."""

    parameter: Any = None
    end: str = "central"
    draw: dict | None = None


def _solve(ctx: _Context, step: Step, given: dict) -> dict:
    """The task: apply the draw, rebuild what it changes, solve; the row of the table."""
    from fastmonet import scenario_solve, uncertainty
    from fastmonet.uncertainty import ranges as ranges_mod
    job: _End = step.payload
    t0 = time.perf_counter()
    if job.parameter is None:
        res = scenario_solve.solve(ctx.base_coeffs, ctx.base_sc)
        return {"parameter": "central", "end": "central", "value": "", **_metrics(res),
                "seconds": time.perf_counter() - t0}
    applied = uncertainty.apply(ctx.inputs, ctx.tech, job.draw, ctx.ranges)
    coeffs = _coefficients(applied, job.parameter, ctx.base_coeffs, ctx.inputs)
    res = scenario_solve.solve(coeffs, applied.scenario(ctx.base_sc))
    return {"parameter": job.parameter.name, "end": job.end,
            "value": ranges_mod._show(job.parameter.end(job.end)), **_metrics(res),
            "seconds": time.perf_counter() - t0}


def plan(ranges, names=None) -> Plan:
    """The central solve, then each parameter's low and high end (where it moves)."""
    steps = [Step("central", _End())]
    dims = ranges.dimensions()
    for p in ranges.parameters:
        if names and p.name not in names:
            continue
        for end in ("low", "high"):
            draw = {n: p.end(end, s) for n, (q, s) in zip(ranges.dimension_names(), dims) if q is p}
            if all(v == p.central for v in draw.values()):
                continue
            steps.append(Step(f"{p.name} {end}", _End(p, end, draw)))
    return Plan(tuple(steps))


def sweep(scenario: str = "cooperation", names=None, progress=print, workers: int = 1,
          data_path=None, verbose: bool = False) -> pd.DataFrame:
    """One row per (parameter, end): the draw's value and the scenario's metrics.

    `verbose`: every solve's HiGHS log on stderr.

    A solve that fails stops the sweep with its error (a range end the model cannot take is a
    finding, not a row to leave out).
    """
    from fastmonet import data, scenarios, technology, uncertainty
    from fastmonet.errors import InputError
    inputs = data.load(data_path)
    tech = technology.load(technology.resolve_dir(None, data_path))
    ranges = uncertainty.load(tech=tech, data_path=data_path)
    unknown = sorted(set(names or ()) - {p.name for p in ranges.parameters})
    if unknown:
        raise InputError(f"--only: unknown parameter {unknown[0]!r}; see fastmonet data ranges")
    base_sc = scenarios.make(scenario, solver=scenarios.SolverOptions(verbose=verbose))
    base_coeffs = uncertainty.apply(inputs, tech, ranges.central(), ranges).coefficients()
    ctx = _Context(inputs, tech, ranges, base_sc, base_coeffs)

    def show(step: Step, row: dict, reused: bool) -> None:
        if step.key != "central":
            progress(f"{row['parameter']} {row['end']} {row['value']}: CNC {row['cnc']:.1f}, "
                     f"shortfall {row['shortfall']:.2f} ({row['seconds']:.1f} s)")

    p = plan(ranges, names)
    # Each end rebuilds coefficients with Numba's parallel kernels: fresh worker processes (a
    # LocalCluster), since a child forked after this process ran OpenMP must not start any.
    with executors.open(workers if workers > 1 else 0, kind="dask") as ex:
        out = scheduler.run(p, _solve, ex, context=ex.share(ctx), on_result=show)
    failed = next((v for v in out.values() if isinstance(v, scheduler.Failure)), None)
    if failed is not None:
        raise failed.error
    rows = [out[s.key] for s in p.steps]
    central = rows[0]
    table = pd.DataFrame(rows)
    table["d_cnc"] = table["cnc"] - central["cnc"]
    table["d_shortfall"] = table["shortfall"] - central["shortfall"]
    return table


def ranking(table: pd.DataFrame, world_target_gt: float) -> pd.DataFrame:
    """Per parameter: low/high CNC and shortfall, and the score the ranking uses."""
    central = table[table["parameter"] == "central"].iloc[0]
    rows = []
    for name, g in table[table["parameter"] != "central"].groupby("parameter", sort=False):
        score = max((g["d_cnc"].abs() / central["cnc"]).max(),
                    (g["d_shortfall"].abs() / world_target_gt).max())
        by = {r["end"]: r for _, r in g.iterrows()}
        rows.append({"parameter": name,
                     "cnc_low": by["low"]["cnc"] if "low" in by else central["cnc"],
                     "cnc_high": by["high"]["cnc"] if "high" in by else central["cnc"],
                     "shortfall_low": by["low"]["shortfall"] if "low" in by else central["shortfall"],
                     "shortfall_high": by["high"]["shortfall"] if "high" in by else central["shortfall"],
                     "score": score})
    return pd.DataFrame(rows).sort_values("score", ascending=False, ignore_index=True)
