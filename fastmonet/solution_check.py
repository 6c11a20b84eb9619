"""The solution checks, independent of HiGHS (formulation §7.5).

HiGHS's word is not taken for the answer: before a solve `check_model` refuses a model with a
NaN (or an infinite coefficient or cost) anywhere in A, the costs or the bounds; after it
`certify` recomputes, from the model's own CSC arrays and the returned column values,

- A x and the largest relative bound violation (`check_solution`: a NaN in x, A or a bound, or a
  violation above `VIOLATION_TOL` relative, fails);
- the objective as c x against HiGHS's (`check_objective`, `OBJECTIVE_TOL`);
- with sifting, the reduced cost of every column left out of HiGHS against the final row duals
  (`check_reduced_costs`: c - A^T y >= -`REDUCED_COST_TOL` max(1, |c|), the optimality
  certificate of the whole LP),

and raises `SolveError` naming the row or column where any of them fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastmonet.errors import SolveError
from fastmonet.lp import LPModel

VIOLATION_TOL = 1e-6
OBJECTIVE_TOL = 1e-7          # |HiGHS objective - c x| / max(1, |c| |x|)
REDUCED_COST_TOL = 1e-6       # priced-out columns: c - A^T y >= -tol max(1, |c|)


@dataclass
class Certificate:
    """What `certify` recomputed: A x, the worst bound violation and objective error, and the
    least reduced cost of the priced-out columns (0 when none was priced out)."""

    row_activity: np.ndarray
    max_violation: float
    worst: str
    objective_rel_error: float
    min_reduced_cost: float


def certify(m: LPModel, x: np.ndarray, objective: float, row_dual: np.ndarray,
            priced_out: np.ndarray, shortfall_cap: float | None, where: str) -> Certificate:
    """Check the solution `x` of the cost stage (with the shortfall row sum s <= `shortfall_cap`
    when there is one) whose objective HiGHS reports as `objective`; `priced_out` are the
    columns sifting left out of HiGHS, priced with `row_dual`.  Raises `SolveError`."""
    s_block = m.index.columns["s"]
    s_cols = np.arange(s_block.start, s_block.stop)
    extra_rows = (None if shortfall_cap is None
                  else (s_cols, np.ones(len(s_cols)), -np.inf, shortfall_cap))
    ax, viol, worst = check_solution(m, x, extra_rows=extra_rows)
    if viol > VIOLATION_TOL:
        raise SolveError(f"{where}: the returned solution violates {worst} by {viol:.3g} "
                         f"(relative) > {VIOLATION_TOL:g}")
    obj_err = check_objective(m, x, objective)
    if not obj_err <= OBJECTIVE_TOL:
        raise SolveError(f"{where}: HiGHS reports objective {objective:.12g} "
                         f"but c x = {float(m.cost @ x):.12g} (relative difference "
                         f"{obj_err:.3g} > {OBJECTIVE_TOL:g})")
    d_min, d_worst = check_reduced_costs(m, row_dual, priced_out)
    if not d_min >= -REDUCED_COST_TOL:
        raise SolveError(f"{where}: sifting stopped early: priced-out column "
                         f"{d_worst} has reduced cost {d_min:.3g} (relative) < "
                         f"-{REDUCED_COST_TOL:g}; the optimum of the whole LP is not proven")
    return Certificate(row_activity=ax, max_violation=viol, worst=worst,
                       objective_rel_error=obj_err, min_reduced_cost=d_min)


def check_solution(m: LPModel, x: np.ndarray, extra_rows=None) -> tuple[np.ndarray, float, str]:
    """A x from the CSC arrays, and the largest relative violation of a row or column bound.

    Relative to max(1, |bound|, sum_j |a_ij x_j|) in LP units (MtCO2, kha, plants), so a
    violation counts against the size of the quantities in the row, with a floor of one unit.
    """
    idx = m.index
    bad = _first_nan(m, x)
    if bad is not None:
        return np.full(m.n_row, np.nan), np.inf, bad
    A = m.matrix()
    ax = A @ x
    mag = abs(A) @ np.abs(x)

    def rel(lo, hi, act, size):
        v_lo = np.where(np.isfinite(lo), lo - act, 0.0)
        v_hi = np.where(np.isfinite(hi), act - hi, 0.0)
        v = np.maximum(np.maximum(v_lo, v_hi), 0.0)
        b = np.maximum(np.where(np.isfinite(lo), np.abs(lo), 0), np.where(np.isfinite(hi), np.abs(hi), 0))
        return v / np.maximum(np.maximum(1.0, b), size)

    rv = rel(m.row_lower, m.row_upper, ax, mag) if m.n_row else np.zeros(0)
    cv = rel(m.col_lower, m.col_upper, x, np.abs(x)) if m.n_col else np.zeros(0)
    best, worst = 0.0, "nothing"
    if rv.size and rv.max() > best:
        i = int(rv.argmax())
        best, worst = float(rv[i]), f"row {idx.describe_row(i)}"
    if cv.size and cv.max() > best:
        j = int(cv.argmax())
        best, worst = float(cv[j]), f"bound of column {idx.describe_column(j)}"
    if extra_rows is not None:
        cols, vals, lo, hi = extra_rows
        act = float(vals @ x[cols])
        size = float(np.abs(vals) @ np.abs(x[cols]))
        v = float(rel(np.array([lo]), np.array([hi]), np.array([act]), np.array([size]))[0])
        if v > best:
            best, worst = v, "the shortfall row (sum s <= s*)"
    return ax, best, worst


def _first_nan(m: LPModel, x: np.ndarray | None = None) -> str | None:
    """Where the model (or x) holds a NaN, or an infinite value where only finite ones make
    sense (coefficients, costs, x); None if nowhere.  np.max of an array with a NaN is NaN and
    every comparison with it is False: without this a NaN passes every check as "no violation"."""
    idx = m.index
    if x is not None and not np.all(np.isfinite(x)):
        j = int(np.flatnonzero(~np.isfinite(x))[0])
        return f"column {idx.describe_column(j)} (non-finite value {x[j]})"
    if not np.all(np.isfinite(m.a_value)):
        k = int(np.flatnonzero(~np.isfinite(m.a_value))[0])
        j = int(np.searchsorted(m.a_start, k, side="right")) - 1
        return (f"column {idx.describe_column(j)} (non-finite coefficient {m.a_value[k]} in row "
                f"{idx.describe_row(int(m.a_index[k]))})")
    for name, arr in (("cost", m.cost), ("shortfall cost", m.shortfall_cost)):
        if not np.all(np.isfinite(arr)):
            j = int(np.flatnonzero(~np.isfinite(arr))[0])
            return f"column {idx.describe_column(j)} (non-finite {name} {arr[j]})"
    for kind, lo, hi, describe in (("column", m.col_lower, m.col_upper, idx.describe_column),
                                   ("row", m.row_lower, m.row_upper, idx.describe_row)):
        for side, arr in (("lower", lo), ("upper", hi)):
            if np.isnan(arr).any():
                i = int(np.flatnonzero(np.isnan(arr))[0])
                return f"{kind} {describe(i)} (NaN {side} bound)"
    return None


def check_model(m: LPModel, where: str = "model") -> None:
    """Refuse a model with a NaN in A, the costs or the bounds (or an infinite A entry or cost)."""
    bad = _first_nan(m)
    if bad is not None:
        raise SolveError(f"{where}: the LP holds a non-finite number at {bad}")


def objective_value(cost: np.ndarray, x: np.ndarray) -> float:
    """c x, correctly rounded (`math.fsum`): the same double whatever the summation order.

    `cost @ x` is a BLAS dot product whose partial sums depend on the BLAS thread count (an
    ensemble's worker processes run BLAS on one thread, `workers=0` on every core): the stored
    `total_cost` of the same member differed by one unit in the last place between the two."""
    import math
    return math.fsum(np.asarray(cost, np.float64) * np.asarray(x, np.float64))


def check_objective(m: LPModel, x: np.ndarray, objective: float) -> float:
    """|objective - c x| relative to max(1, |c| |x|): HiGHS's objective recomputed from the
    model's own costs (NaN if either is not finite)."""
    cx = objective_value(m.cost, x)
    if not (np.isfinite(cx) and np.isfinite(objective)):
        return float("nan")
    return abs(objective - cx) / max(1.0, float(np.abs(m.cost) @ np.abs(x)))


def check_reduced_costs(m: LPModel, row_dual: np.ndarray, cols: np.ndarray) -> tuple[float, str]:
    """The least relative reduced cost (c_j - a_j^T y) / max(1, |c_j|) over the columns `cols`
    (those priced out of HiGHS, at 0) and where it occurs, computed from the model's CSC arrays
    column by column, independently of the pricing inside the sifting loop."""
    if cols.size == 0:
        return 0.0, "nothing"
    starts, index, value = m.column_arrays(cols)
    seg = np.repeat(np.arange(cols.size), np.diff(starts))
    aty = np.bincount(seg, weights=value * row_dual[index], minlength=cols.size)
    d = (m.cost[cols] - aty) / np.maximum(1.0, np.abs(m.cost[cols]))
    if not np.all(np.isfinite(d)):
        k = int(np.flatnonzero(~np.isfinite(d))[0])
        return float("nan"), m.index.describe_column(int(cols[k]))
    k = int(np.argmin(d))
    return float(d[k]), m.index.describe_column(int(cols[k]))

