"""The tasks a worker runs: a member block's coefficients, one member's solves, and the central
member's solves whose bases warm-start every other member (`fastmonet.warm_start`).

They take the run's `Context` (scattered to every worker once); the first two write straight into
the store and return a small status record to the client.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fastmonet.dimensions import DAC_TECHS, N_PERIODS
from fastmonet.ensemble import store
from fastmonet.ensemble.members import apply_draw, contract3, solve_scenarios
from fastmonet.ensemble.stand_coefficients import DAC_VARS, Cells, ar_block, dac_block


@dataclass
class Context:
    """Everything a task needs besides its members' draws."""

    inputs: xr.Dataset
    tech: object
    ranges: object
    bases: list                       # base Scenarios, in the store's scenario order
    cells: Cells
    regions: list[str]
    options: list[str]
    years: list[int]
    horizon: int = 100
    threads: int | None = 1           # HiGHS threads per solve
    pin_threads: bool = False         # a worker process: pin Numba to one thread
    solve_order: list[int] = field(default_factory=list)


def _pin(ctx: Context) -> None:
    if ctx.pin_threads:
        import numba
        if numba.get_num_threads() != 1:
            numba.set_num_threads(1)


def coefficient_task(ctx: Context, path: str, start: int, draws: list[dict]) -> dict:
    """AR and DAC coefficients of members start .. start + len(draws), one kernel call.

    A member whose draw cannot be applied or whose coefficients fail (e.g. a growth multiplier
    of 0) is recorded as failed with the reason; the block's other members are computed.
    """
    _pin(ctx)
    t0 = time.perf_counter()
    n = len(draws)
    applied, messages = [None] * n, [""] * n
    for i, d in enumerate(draws):
        try:
            applied[i] = apply_draw(ctx, d)
        except Exception as exc:  # noqa: BLE001 - recorded per member
            messages[i] = f"{type(exc).__name__}: {exc}"
    ok = np.array([a is not None for a in applied])
    ar: dict[str, np.ndarray] = {}
    dac: dict[str, np.ndarray] = {}
    good = list(np.flatnonzero(ok))
    try:
        _fill(ctx, applied, good, ar, dac)
    except Exception:  # noqa: BLE001 - find the members at fault one by one
        for i in good:
            try:
                _fill(ctx, applied, [i], ar, dac)
            except Exception as exc:  # noqa: BLE001
                ok[i], messages[i] = False, f"{type(exc).__name__}: {exc}"
    for name in ("ar_removal", "ar_cost"):     # NaN for the members that failed (or all)
        ar.setdefault(name, np.full((n, ctx.cells.size, N_PERIODS, N_PERIODS), np.nan))
    for v in DAC_VARS:
        dac.setdefault(v, np.full((n, len(DAC_TECHS), ctx.inputs.sizes["subregion"], N_PERIODS), np.nan))
    store.write_coefficients(path, start, ar, dac, ok, messages)
    return {"start": start, "n": n, "cells": n * ctx.cells.size, "failed": int((~ok).sum()),
            "seconds": time.perf_counter() - t0, "pid": os.getpid()}


def _fill(ctx: Context, applied: list, idx: list[int], ar: dict, dac: dict) -> None:
    if not idx:
        return
    members = [applied[i] for i in idx]
    removal, cost = ar_block(members, ctx.cells, ctx.horizon)
    d = dac_block(members)
    blocks = {**d, "ar_removal": removal, "ar_cost": cost}
    if len(idx) == len(applied):       # the whole block: its own arrays, not copies into NaN ones
        for name, arr in blocks.items():
            (ar if name.startswith("ar_") else dac)[name] = arr
        return
    for name, arr in blocks.items():
        out = ar if name.startswith("ar_") else dac
        out.setdefault(name, np.full((len(applied),) + arr.shape[1:], np.nan))[idx] = arr


def reference_task(ctx: Context, only: str | None = None) -> dict:
    """The central member solved cold: scenario -> `warm_start.Reference` of its cost stage
    (of every scenario, or of scenario `only`: independent scenarios' references are steps of
    their own, solved at the same time on several workers).

    Every member then starts from the same bases, so its results do not depend on which worker
    solved what before it.  A failure here is no member's failure: the members are solved cold
    and `message` says why.
    """
    _pin(ctx)
    t0 = time.perf_counter()
    try:
        applied = apply_draw(ctx, ctx.ranges.central())
        removal, cost = ar_block([applied], ctx.cells, ctx.horizon)
        dac = dac_block([applied])
        coeffs = contract3(applied, ctx.cells, removal[0], cost[0], {v: dac[v][0] for v in DAC_VARS})
        order = ctx.solve_order or list(range(len(ctx.bases)))
        bases = [ctx.bases[k] for k in order if only is None or ctx.bases[k].name == only]
        solved = solve_scenarios(coeffs, applied, bases, ctx.threads, keep_reference=True)
    except Exception as exc:  # noqa: BLE001 - the members go on, cold
        return {"references": {}, "message": f"{type(exc).__name__}: {exc}",
                "seconds": time.perf_counter() - t0}
    refs = {o.scenario: o.reference for o in solved if o.ok and o.reference is not None}
    failed = [f"{o.scenario}: {o.message}" for o in solved if not o.ok]
    return {"references": refs, "message": "; ".join(failed), "seconds": time.perf_counter() - t0,
            "iterations": {o.scenario: o.iterations for o in solved}}


def merged_references(parts: list[dict]) -> dict:
    """The results of several `reference_task` steps as one."""
    return {"references": {k: v for p in parts for k, v in p["references"].items()},
            "message": "; ".join(p["message"] for p in parts if p["message"]),
            "seconds": max((p["seconds"] for p in parts), default=0.0),
            "iterations": {k: v for p in parts for k, v in p.get("iterations", {}).items()}}


def is_central(ctx: Context, draw: dict) -> bool:
    """Whether `draw` is the ranges' central draw (compared as strings, so 3 and 3.0 of a case match):
    the central member is solved cold and is the warm-start reference of the others."""
    central = ctx.ranges.central()
    return {k: str(v) for k, v in draw.items()} == {k: str(v) for k, v in central.items()}


def member_task(ctx: Context, path: str, member: int, draw: dict, _block=None,
                reference: dict | None = None) -> dict:
    """Solve every scenario of one member and write them into its slot of the store.

    `_block` is the result of the coefficient task of the member's block: passing it makes dask
    run this task after that one.  `reference`: the result of `reference_task`; each cost stage
    starts from the central member's basis (the central draw itself is solved cold: it is the
    reference, and so reproduces the deterministic run exactly).
    """
    from fastmonet.ensemble.members import Outcome
    _pin(ctx)
    t0 = time.perf_counter()
    names = [b.name for b in ctx.bases]
    coef = store.read_member_coefficients(path, member, ("coef_status", "coef_message"))
    if int(coef["coef_status"]) != store.DONE:
        why = str(coef["coef_message"]) or "not computed"
        outcomes = [Outcome(n, False, f"coefficients failed: {why}") for n in names]
    else:
        try:
            applied = apply_draw(ctx, draw)
            arrs = store.read_member_coefficients(path, member, ("ar_removal", "ar_cost") + DAC_VARS)
            coeffs = contract3(applied, ctx.cells, arrs["ar_removal"], arrs["ar_cost"],
                               {v: arrs[v] for v in DAC_VARS})
            order = ctx.solve_order or list(range(len(names)))
            warm = None if reference is None or is_central(ctx, draw) else reference["references"]
            solved = solve_scenarios(coeffs, applied, [ctx.bases[k] for k in order], ctx.threads, warm)
            outcomes = [None] * len(names)
            for k, o in zip(order, solved):
                outcomes[k] = o
        except Exception as exc:  # noqa: BLE001 - recorded, the ensemble goes on
            outcomes = [Outcome(n, False, f"{type(exc).__name__}: {exc}") for n in names]
    from fastmonet.store.errors import writing
    with writing(f"ensemble store {path}, member {member}"):
        store.write_outcomes(path, member, outcomes, ctx.regions, ctx.options, ctx.years,
                             time.perf_counter() - t0)
    return {"member": member, "ok": [o.ok for o in outcomes],
            "messages": [o.message for o in outcomes], "pid": os.getpid()}
