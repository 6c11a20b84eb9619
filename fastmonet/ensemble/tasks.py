"""The two kinds of task a worker runs: a member block's coefficients, and one member's solves.

Both take the run's `Context` (scattered to every worker once) and write straight into the store;
what they return to the client is a small status record.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fastmonet.energy import N_PERIODS
from fastmonet.ensemble import store
from fastmonet.ensemble.members import apply_draw, contract3, solve_scenarios
from fastmonet.ensemble.stand_coefficients import DAC_VARS, Cells, ar_block, dac_block
from fastmonet.technology import DAC_TECHS


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
    ar = {"ar_removal": np.full((n, ctx.cells.size, N_PERIODS, N_PERIODS), np.nan)}
    ar["ar_cost"] = ar["ar_removal"].copy()
    shape = (n, len(DAC_TECHS), ctx.inputs.sizes["subregion"], N_PERIODS)
    dac = {v: np.full(shape, np.nan) for v in DAC_VARS}
    good = list(np.flatnonzero(ok))
    try:
        _fill(ctx, applied, good, ar, dac)
    except Exception:  # noqa: BLE001 - find the members at fault one by one
        for i in good:
            try:
                _fill(ctx, applied, [i], ar, dac)
            except Exception as exc:  # noqa: BLE001
                ok[i], messages[i] = False, f"{type(exc).__name__}: {exc}"
    store.write_coefficients(path, start, ar, dac, ok, messages)
    return {"start": start, "n": n, "cells": n * ctx.cells.size, "failed": int((~ok).sum()),
            "seconds": time.perf_counter() - t0, "pid": os.getpid()}


def _fill(ctx: Context, applied: list, idx: list[int], ar: dict, dac: dict) -> None:
    if not idx:
        return
    members = [applied[i] for i in idx]
    removal, cost = ar_block(members, ctx.cells, ctx.horizon)
    d = dac_block(members)
    ar["ar_removal"][idx], ar["ar_cost"][idx] = removal, cost
    for v in DAC_VARS:
        dac[v][idx] = d[v]


def member_task(ctx: Context, path: str, member: int, draw: dict, _block=None) -> dict:
    """Solve every scenario of one member and write them into its slot of the store.

    `_block` is the result of the coefficient task of the member's block: passing it makes dask
    run this task after that one.
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
            solved = solve_scenarios(coeffs, applied, [ctx.bases[k] for k in order], ctx.threads)
            outcomes = [None] * len(names)
            for k, o in zip(order, solved):
                outcomes[k] = o
        except Exception as exc:  # noqa: BLE001 - recorded, the ensemble goes on
            outcomes = [Outcome(n, False, f"{type(exc).__name__}: {exc}") for n in names]
    store.write_outcomes(path, member, outcomes, ctx.regions, ctx.options, ctx.years,
                         time.perf_counter() - t0)
    return {"member": member, "ok": [o.ok for o in outcomes],
            "messages": [o.message for o in outcomes], "pid": os.getpid()}
