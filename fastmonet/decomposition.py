"""Exact decomposition of an LP that separates (ISOLATION; blocs that share no chains).

Two columns belong to one part when a row holds both; the parts are the connected components
of A's row-column graph (one `connected_components` call on the CSC arrays).  Under ISOLATION
no row and no chain crosses a region, so the LP is five regional LPs; under COOPERATION and
CURRENT_POLICY the world or trade rows join everything and nothing is split.

Both objectives are sums over columns, so the lexicographic optimum separates too: the least
total shortfall is the sum of each part's least shortfall (lowering one part's cannot raise
another's), and the least cost under it the sum of each part's least cost.  Each part gets its
share of the shortfall tolerance (formulation §7.2: tol x its own 2100 targets, which sum to the
world target), so the caps of the parts add up to the joint cap.  The parts are sliced from the
joint arrays (no rebuild), solved by `fastmonet.solver` one after the other, and recombined; the
recombined answer is checked as a whole by `fastmonet.solution_check.certify`, as a joint solve
is.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from fastmonet.lp import LPModel
from fastmonet.lp_index import Block, LPIndex

#: A component with fewer columns than this joins the pooled remainder (one LP of its own).
MIN_PART_COLUMNS = 1000


def parts(m: LPModel) -> list[np.ndarray]:
    """The column sets of the independent parts of `m` (sorted column indices), largest first;
    one part when the LP does not separate."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    n = m.n_col + m.n_row
    col_of_nz = np.repeat(np.arange(m.n_col), np.diff(m.a_start))
    # Bipartite graph: node j a column, node n_col + i a row, an edge per non-zero.
    g = sp.csr_matrix((np.ones(col_of_nz.size, np.int8),
                       (col_of_nz, m.n_col + m.a_index.astype(np.int64))), shape=(n, n))
    _, label = connected_components(g, directed=False)
    col_label = label[: m.n_col]
    sizes = np.bincount(col_label)
    big = np.flatnonzero(sizes >= MIN_PART_COLUMNS)
    if big.size <= 1:
        return [np.arange(m.n_col)]
    out = [np.flatnonzero(col_label == k) for k in big[np.argsort(-sizes[big], kind="stable")]]
    rest = np.flatnonzero(~np.isin(col_label, big))
    if rest.size:
        out.append(rest)
    return out


def _rows_of(m: LPModel, cols: np.ndarray) -> np.ndarray:
    _, index, _ = m.column_arrays(cols)
    return np.unique(index.astype(np.int64))


def _sub_blocks(blocks: dict[str, Block], keep: np.ndarray) -> dict[str, Block]:
    """The blocks restricted to the positions `keep` (a mask), renumbered contiguously."""
    before = np.concatenate([[0], np.cumsum(keep)])
    out = {}
    for name, b in blocks.items():
        k = keep[b.start:b.stop]
        out[name] = dataclasses.replace(
            b, start=int(before[b.start]), stop=int(before[b.stop]),
            coords={d: c[k] for d, c in b.coords.items()})
    return out


def submodel(m: LPModel, cols: np.ndarray) -> tuple[LPModel, np.ndarray]:
    """The LP of the columns `cols` (a union of parts) and its rows, sliced from `m`'s arrays;
    and the rows (indices into `m`).  Its blocks keep their labelled coordinates."""
    rows = _rows_of(m, cols)
    row_map = np.full(m.n_row, -1, np.int64)
    row_map[rows] = np.arange(rows.size)
    starts, index, value = m.column_arrays(cols)
    col_keep = np.zeros(m.n_col, bool)
    col_keep[cols] = True
    row_keep = np.zeros(m.n_row, bool)
    row_keep[rows] = True
    index_k = LPIndex(columns=_sub_blocks(m.index.columns, col_keep),
                      rows=_sub_blocks(m.index.rows, row_keep), labels=m.index.labels,
                      groups=m.index.groups)
    col_map = np.full(m.n_col, -1, np.int64)
    col_map[cols] = np.arange(cols.size)
    warm = col_map[m.warm_columns]
    # This part's share of the world 2100 target: its own 2100 target rows (formulation §7.2).
    t = m.index.rows["target"]
    last = t.coords["year"] == len(m.index.labels["year"]) - 1
    t_rows = np.arange(t.start, t.stop)[last]
    target_k = float(m.row_lower[t_rows[row_keep[t_rows]]].sum())
    sub = LPModel(
        n_col=int(cols.size), n_row=int(rows.size), a_start=starts.astype(np.int32),
        a_index=row_map[index].astype(np.int32), a_value=value, cost=m.cost[cols],
        shortfall_cost=m.shortfall_cost[cols], col_lower=m.col_lower[cols],
        col_upper=m.col_upper[cols], row_lower=m.row_lower[rows], row_upper=m.row_upper[rows],
        index=index_k, scenario=m.scenario, target_total=target_k, build_s=0.0,
        warm_columns=warm[warm >= 0])
    return sub, rows


def solve(m: LPModel, groups: list[np.ndarray], warm_basis=None, zero_first=None):
    """Solve every part of `groups` (from `parts`) on its own and recombine: the LPSolution of
    the whole model, certified as a whole."""
    from fastmonet import solution_check, solver
    t0 = time.perf_counter()
    # The parts sift when the whole would: a part under SIFT_MIN_CHAINS chains solved whole is
    # slower than sifted (ISOLATION's largest region: 3.5 s whole, 0.3 s sifted).
    opts = dataclasses.replace(m.scenario.solver, sifting="on" if solver.sifts(m) else "off")
    scenario = dataclasses.replace(m.scenario, solver=opts)
    x = np.zeros(m.n_col)
    row_dual = np.zeros(m.n_row)
    col_status = np.zeros(m.n_col, np.int8)
    row_status = np.ones(m.n_row, np.int8)           # rows in no part (none expected): basic
    objective, caps, stats, statuses, basis_ok = 0.0, [], [], [], True
    for cols in groups:
        sub, rows = submodel(m, cols)
        sub.scenario = scenario
        warm = None
        if warm_basis is not None:
            warm = solver.Basis(col_status=warm_basis.col_status[cols],
                                row_status=warm_basis.row_status[rows])
        sol = solver.solve_model(sub, warm_basis=warm, zero_first=zero_first, decompose=False)
        x[cols] = sol.x
        row_dual[rows] = sol.row_dual
        # Each part's c x (its HiGHS objective was checked against it in its own solve).
        objective += sol.cost
        caps.append(sol.stats["shortfall_cap"])
        stats.append(sol.stats)
        statuses.append(sol.status)
        if sol.basis is None:
            basis_ok = False
        else:
            col_status[cols] = sol.basis.col_status
            row_status[rows] = sol.basis.row_status
    cap = None if all(c is None for c in caps) else sum(
        c if c is not None else 0.0 for c in caps)
    where = f"scenario {m.scenario.name!r} ({m.scenario.label}, decomposed into {len(groups)})"
    cert = solution_check.certify(m, x, objective, row_dual, np.zeros(0, np.int64), cap, where)
    s_slice = m.index.columns["s"].slice()
    summed = ("simplex_iterations", "ipm_iterations", "simplex_iterations_total",
              "ipm_iterations_total", "columns_added", "sift_rounds", "infeasible_rounds",
              "presolve_off_retries", "columns_dropped", "working_columns", "pass_s",
              "shortfall_star_mt")
    merged = {k: sum(s[k] for s in stats) for k in summed}
    return solver.LPSolution(
        x=x, row_dual=row_dual, row_activity=cert.row_activity,
        cost=solution_check.objective_value(m.cost, x), shortfall=float(x[s_slice].sum()),
        status=statuses[0] if len(set(statuses)) == 1 else "; ".join(statuses),
        max_violation=cert.max_violation, worst=cert.worst,
        stats={"columns": m.n_col, "rows": m.n_row, "nonzeros": m.nnz, "build_s": m.build_s,
               "solve_s": time.perf_counter() - t0, "stages": max(s["stages"] for s in stats),
               "sifting": any(s["sifting"] for s in stats), **merged,
               "max_violation": cert.max_violation,
               "objective_rel_error": cert.objective_rel_error,
               "min_reduced_cost_priced_out": min(s["min_reduced_cost_priced_out"]
                                                  for s in stats),
               "warm_start": warm_basis is not None, "shortfall_cap": cap,
               "decomposed_parts": len(groups),
               "tie_break": next((s["tie_break"] for s in stats if s["tie_break"] != "done"), "done")},
        basis=solver.Basis(col_status=col_status, row_status=row_status) if basis_ok else None)
