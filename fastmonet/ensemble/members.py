"""One member: its draw applied, its coefficients Dataset, its scenarios solved.

What is stored and what is recomputed:

- AR stand coefficients (member, cell, vintage, year) and DAC coefficients (member, tech,
  subregion, period) are computed in member blocks and stored in the ensemble store's
  ``coefficients`` group (a few hundred kB per member): they are what the stand kernels exist
  for, and they are what a user inspects to see how growth, fire and thinning draws move AR.
- BECCS chain coefficients (~1 M chains x 6 variables, ~50 MB per member) are rebuilt by the
  worker that solves the member (about a second of kernel time against several seconds of LP)
  and never stored: storing them would make the store ~50 GB per 1,000 members, and reading
  them back would cost about as much as building them.
"""

from __future__ import annotations

import dataclasses
import traceback

import numpy as np
import xarray as xr

from fastmonet.coefficients import PASS_THROUGH
from fastmonet.coefficients.beccs import build_beccs
from fastmonet.dimensions import DAC_TECHS
from fastmonet.energy import PERIOD_STARTS, REPORT_YEARS, EnergyTransition
from fastmonet.ensemble.stand_coefficients import DAC_VARS, Cells
from fastmonet.errors import InputError, SolveError

DAC_UNITS = {"dac_cost": "US$2018/tCO2 removed", "dac_stored": "tCO2 stored/tCO2 removed",
             "dac_captured": "tCO2 captured/tCO2 removed",
             "dac_efficiency": "tCO2 removed/tCO2 captured"}


def apply_draw(ctx, draw: dict):
    """`fastmonet.uncertainty.apply` of one member's draw to the run's inputs and technology."""
    from fastmonet.uncertainty import apply
    return apply(ctx.inputs, ctx.tech, draw, ctx.ranges)


def contract3(applied, cells: Cells, ar_removal: np.ndarray, ar_cost: np.ndarray,
              dac: dict[str, np.ndarray]) -> xr.Dataset:
    """The member's coefficient Dataset, assembled as `fastmonet.coefficients.build` does.

    `ar_removal`, `ar_cost`: (cell, vintage, year); `dac`: DAC_VARS -> (tech, subregion, period).
    """
    inputs, tech = applied.inputs, applied.tech
    missing = [v for v in PASS_THROUGH if v not in inputs.variables]
    if missing:
        raise InputError(f"inputs: missing variable {missing[0]!r} (formulation §9.2) copied into the coefficients")
    allowed = np.zeros(cells.shape, bool)
    allowed[cells.sr, cells.ez, cells.ft] = True
    d5 = ("subregion", "ecozone", "forest_type", "vintage", "year")
    dac_dims = ("tech", "subregion", "period")
    ar = xr.Dataset(
        {"ar_removal": (d5, cells.dense(ar_removal), {"units": "tCO2/ha"}),
         "ar_cost": (d5, cells.dense(ar_cost), {"units": "US$2018/ha"}),
         "ar_allowed": (d5[:3], allowed, {"units": "bool"})},
        coords={"subregion": inputs["subregion"].values, "ecozone": inputs["ecozone"].values,
                "forest_type": inputs["forest_type"].values, "vintage": PERIOD_STARTS,
                "year": REPORT_YEARS})
    dac_ds = xr.Dataset({v: (dac_dims, dac[v], {"units": DAC_UNITS[v]}) for v in DAC_VARS},
                        coords={"tech": list(DAC_TECHS), "subregion": inputs["subregion"].values,
                                "period": PERIOD_STARTS})
    transition = EnergyTransition.from_inputs(inputs, tech)
    beccs = build_beccs(inputs, tech, transition)
    out = xr.merge([ar, dac_ds, inputs[list(PASS_THROUGH)]], combine_attrs="drop_conflicts", join="exact")
    for name in beccs.data_vars:
        out[name] = beccs[name]
    keep = {k: inputs.attrs[k] for k in ("data_path", "storage_case", "target_case") if k in inputs.attrs}
    out.attrs = {"title": "fastmonet coefficients (formulation §9.3), ensemble member", **keep, **beccs.attrs}
    return out.assign_coords(subregion_region=("subregion", inputs["subregion_region"].values))


@dataclasses.dataclass
class Outcome:
    """One (member, scenario): metrics on success, the reason on failure."""

    scenario: str
    ok: bool
    message: str = ""
    metrics: xr.Dataset | None = None
    cost: float = float("nan")
    iterations: int = -1
    solve_s: float = float("nan")
    reference: object = None          # a fastmonet.warm_start.Reference, when kept


def solve_scenarios(coeffs: xr.Dataset, applied, bases: list, threads: int | None = 1,
                    warm: dict | None = None, keep_reference: bool = False) -> list[Outcome]:
    """Solve the member's scenarios as one plan (`fastmonet.workflows.scenario_set`), in this
    process; a failure is recorded and the next one goes on.

    SWITCH_Y scenarios reuse the member's ISOLATION solution (and fail, saying so, when it
    failed); HiGHS runs single-threaded by default, as a worker's one thread.
    `warm`: scenario name -> `fastmonet.warm_start.Reference` each cost stage starts from;
    `keep_reference`: keep each solve's own Reference in its Outcome (the central member's).
    """
    from fastmonet.workflows import scenario_set
    scs = [member_scenario(applied, base, threads) for base in bases]
    solved: dict[str, Outcome] = {}

    def done(res, _reused: bool) -> None:
        solved[res.scenario.name] = Outcome(
            res.scenario.name, True, "", res.metrics, float(res.solution.attrs["cost_musd"]),
            int(res.stats.get("simplex_iterations_total", res.stats.get("simplex_iterations", -1))),
            float(res.stats.get("solve_s", np.nan)), res.reference)

    def failed(sc, exc: BaseException) -> None:
        if isinstance(exc, (InputError, SolveError)):
            message = f"{type(exc).__name__}: {exc}"
        else:   # a member's bug must not stop the ensemble
            message = "unexpected error: " + traceback.format_exception_only(type(exc), exc)[-1].strip()
        solved[sc.name] = Outcome(sc.name, False, message)

    scenario_set.solve(scs, lambda sc: coeffs, warm=warm, keep_reference=keep_reference,
                       carry=(Exception,), on_result=done, on_failure=failed)
    return [solved[base.name] for base in bases]


def member_scenario(applied, base, threads: int | None):
    """The base scenario with the member's overrides (rates, storage case) and solver threads."""
    sc = applied.scenario(base) if hasattr(applied, "scenario") else base
    # The ensemble's scenario names stay the base names (the store's `scenario` labels).
    solver = sc.solver if threads is None else dataclasses.replace(sc.solver, threads=threads)
    return dataclasses.replace(sc, solver=solver, name=base.name)
