"""Hand an `LPModel` to HiGHS in one `passModel` call and solve it lexicographically.

Shortfall first, cost second (formulation §6.2), by solves on one HiGHS instance:

1. the cost objective with every shortfall fixed at 0.  If that is feasible, the least shortfall
   is 0 and this is the answer (one solve, the usual case);
2. otherwise the shortfall objective (sum of all s(g, t), MtCO2) with the shortfalls free, giving
   s*; then the cost objective with the row  sum s <= s* (1 + tol) + tol * world target  added,
   warm-started from the shortfall basis.  `tol` is `SolverOptions.shortfall_rel_tol` (1e-9);
3. the tie-break (`SolverOptions.tie_break = "fixed"`, formulation §7.2): with c x held at the
   least cost, the least `tie_weights` x, so that the solution reported does not depend on the
   path that found the least cost.

Every HiGHS call's status is checked (formulation §7.5: a rejected model otherwise "solves" as
Empty). A stage HiGHS leaves "Unknown" (seen on infeasible zero-shortfall stages after presolve) is
solved once more from scratch without presolve; a second "Unknown" is an error. The model is
checked before the solve and the answer after it independently of HiGHS, by
`fastmonet.solution_check` (bound violations, c x against HiGHS's objective, and with sifting the
reduced cost of every priced-out column); HiGHS's process-wide state (banner, thread scheduler,
log) is `fastmonet.highs_process`'s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from fastmonet import highs_process, solution_check
from fastmonet.errors import SolveError
from fastmonet.lp import LPModel

if TYPE_CHECKING:
    import highspy


@dataclass
class LPSolution:
    x: np.ndarray                      # column values, LP units
    row_dual: np.ndarray               # duals of the model's rows (cost stage)
    row_activity: np.ndarray           # A x as recomputed by solution_check.certify
    cost: float                        # cost objective, M US$
    shortfall: float                   # sum of shortfalls, MtCO2
    status: str
    max_violation: float               # largest relative bound violation
    worst: str                         # the row/column where it occurs
    stats: dict = field(default_factory=dict)
    #: The final simplex basis on the model's columns and rows (None after interior point
    #: without crossover); pass it as `solve_model(other, warm_basis=...)` to warm-start.
    basis: Basis | None = None


@dataclass
class Basis:
    """A simplex basis of an LPModel: HiGHS's HighsBasisStatus codes (0 lower, 1 basic, 2 upper,
    3 zero, 4 nonbasic) per model column and row; columns priced out by sifting are at lower."""

    col_status: np.ndarray             # int8, n_col
    row_status: np.ndarray             # int8, n_row


def _ok(status, what: str, where: str) -> None:
    import highspy
    if status == highspy.HighsStatus.kError:
        raise SolveError(f"{where}: HiGHS rejected {what}")


def _configure(h, opts, method: str | None = None) -> None:
    """HiGHS's solver for the next run: `method` (dual, primal, ipm, choose), default the
    options' method."""
    where = "solver options"
    method = opts.method if method is None else method
    if method == "ipm":
        _ok(h.setOptionValue("solver", "ipm"), "option solver", where)
    elif method == "choose":
        _ok(h.setOptionValue("solver", "choose"), "option solver", where)
    else:
        _ok(h.setOptionValue("solver", "simplex"), "option solver", where)
        # HiGHS simplex_strategy: 1 dual (serial), 4 primal.
        _ok(h.setOptionValue("simplex_strategy", 1 if method == "dual" else 4),
            "option simplex_strategy", where)


def pass_model(h, m: LPModel, cost: np.ndarray, col_upper: np.ndarray, where: str,
               cols: np.ndarray | None = None) -> None:
    """The LP (or its columns `cols`) in one call: array form, with an integrality array of
    zeros (highspy reads an empty one out of bounds and rejects the model)."""
    if cols is None:
        starts, index, value = m.a_start, m.a_index, m.a_value
        lower, n_col = m.col_lower, m.n_col
    else:
        starts, index, value = m.column_arrays(cols)
        cost, col_upper, lower, n_col = cost[cols], col_upper[cols], m.col_lower[cols], cols.size
    nnz = int(value.size)
    status = h.passModel(
        int(n_col), int(m.n_row), nnz, 1, 1, 0.0,
        np.ascontiguousarray(cost, np.float64),
        np.ascontiguousarray(lower, np.float64),
        np.ascontiguousarray(col_upper, np.float64),
        np.ascontiguousarray(m.row_lower, np.float64),
        np.ascontiguousarray(m.row_upper, np.float64),
        np.ascontiguousarray(starts[:n_col], np.int32),
        np.ascontiguousarray(index, np.int32),
        np.ascontiguousarray(value, np.float64),
        np.zeros(n_col, np.int32),
    )
    _ok(status, f"the model ({n_col} columns, {m.n_row} rows, {nnz} non-zeros)", where)
    if h.getNumCol() != n_col or h.getNumRow() != m.n_row or h.getNumNz() != nnz:
        raise SolveError(f"{where}: HiGHS holds {h.getNumCol()} columns, {h.getNumRow()} rows, "
                         f"{h.getNumNz()} non-zeros after passModel; expected {n_col}, "
                         f"{m.n_row}, {nnz}")


def _rerun_without_presolve(h, where: str, counts: dict | None):
    """HiGHS's "Unknown": seen when dual simplex on the presolved LP of an infeasible model (a
    zero-shortfall stage whose targets are out of reach) ends neither optimal nor infeasible and
    postsolve cannot conclude.  Solved again from scratch without presolve, the same LP is
    classified (Infeasible, in every case found); whatever comes back is checked as usual."""
    h.clearSolver()                      # the basis of the failed run led to "Unknown" again
    _ok(h.setOptionValue("presolve", "off"), "option presolve", where)
    try:
        status = highs_process.run(h)
    finally:
        _ok(h.setOptionValue("presolve", "choose"), "option presolve", where)
    if counts is not None:
        counts["presolve_off_retries"] = counts.get("presolve_off_retries", 0) + 1
    return status, h.getModelStatus()


def _run(h, stage: str, where: str, time_left: float | None, allow_infeasible: bool = False,
         counts: dict | None = None):
    import highspy
    MS = highspy.HighsModelStatus
    if time_left is not None:
        if time_left <= 0:
            raise SolveError(f"{where}: time limit reached before the {stage} stage; raise "
                             f"solver.time_limit (--time-limit)")
        _ok(h.setOptionValue("time_limit", float(time_left)), "option time_limit", where)
    status = highs_process.run(h)
    ms = h.getModelStatus()
    if ms == MS.kUnknown:
        status, ms = _rerun_without_presolve(h, where, counts)
    if ms == MS.kOptimal:
        return ms
    if allow_infeasible and ms in (MS.kInfeasible, MS.kUnboundedOrInfeasible):
        return ms
    why = {
        MS.kInfeasible: "the model is infeasible (a bound or capacity below what the fixed "
                        "decisions or equalities require)",
        MS.kUnboundedOrInfeasible: "the model is unbounded or infeasible",
        MS.kUnbounded: "the model is unbounded (a column with negative cost and no limit)",
        MS.kTimeLimit: "HiGHS stopped at the time limit; raise solver.time_limit "
                       "(--time-limit) or try --method ipm",
        MS.kIterationLimit: "HiGHS stopped at the iteration limit",
        MS.kModelEmpty: "HiGHS holds an empty model (was it rejected?)",
        MS.kInterrupt: "the solve was interrupted",
        MS.kMemoryLimit: "HiGHS ran out of memory",
    }.get(ms, f"HiGHS returned {h.modelStatusToString(ms)} (run status {status})")
    raise SolveError(f"{where}: {stage} stage: {why}")


SIFT_MIN_CHAINS = 100_000     # "auto": sift when the model has more chain columns than this
SIFT_START_PER_GROUP = 12     # initial chains: the cheapest per (plant, period) and (source, period)
SIFT_ADD = 40_000             # most negative reduced costs added per round
SIFT_TOL = 1e-7               # reduced-cost tolerance (HiGHS's dual feasibility tolerance)


def _initial_chains(m: LPModel) -> np.ndarray:
    """Working set of the sifting: the cheapest chains of every plant and source per period."""
    from fastmonet.kernels.selection import cheapest_per_group
    b = m.index.columns["xB"]
    cost = np.ascontiguousarray(m.cost[b.slice()], np.float64)
    per = b.coords["period"].astype(np.int64)
    keep = np.zeros(b.size, bool)
    for side in ("plant", "source"):
        g = b.coords[side].astype(np.int64) * 64 + per
        cheapest_per_group(g, cost, SIFT_START_PER_GROUP, int(g.max(initial=-1)) + 1, keep)
    return b.start + np.flatnonzero(keep)


@dataclass
class _Session:
    """One HiGHS instance holding the model, or with sifting a working set of its columns."""

    h: highspy.Highs
    m: LPModel
    where: str
    deadline: float | None
    sift: bool
    work: np.ndarray                   # full column index of each HiGHS column
    pos_of: np.ndarray                 # full column -> position in HiGHS (-1: priced out)
    AT: Any = None                     # A^T (scipy CSR) for pricing, with sifting; else None
    warm: Basis | None = None          # where the cost stage starts (a neighbour's basis)
    rounds: dict = field(default_factory=lambda: {"columns_added": 0, "sift_rounds": 0,
                                                  "infeasible_rounds": 0,
                                                  "presolve_off_retries": 0,
                                                  "simplex_iterations_total": 0,
                                                  "ipm_iterations_total": 0,
                                                  "columns_dropped": 0})
    #: full column -> True if sifting priced it in (not in the first working set)
    priced_in: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    #: full column -> may sifting price it in; None: every column (the tie-break's face: only the
    #: columns whose cost-stage reduced cost is 0)
    candidates: np.ndarray | None = None

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def priced_out(self) -> np.ndarray:
        return np.flatnonzero(self.pos_of < 0) if self.sift else np.zeros(0, np.int64)

    def stage(self, name: str, objective: np.ndarray, allow_infeasible: bool = False,
              price_in_if_infeasible: bool = True, cost: str = "", method: str | None = None):
        """Run HiGHS; with sifting, price the columns out of the working set and add the most
        negative reduced costs until none is below -SIFT_TOL (a restricted set that is infeasible
        gets every column, or with `price_in_if_infeasible=False` is returned as infeasible: the
        caller then knows nothing of the whole LP), so the optimum returned is that of the
        whole LP.

        `cost` says which cost stage this is: "zero" (every shortfall at 0) or "capped" (the
        shortfall row in place).  Its first run follows `SolverOptions.cost_start`: interior
        point with crossover in every cost stage ("ipm") or only with no shortfall
        ("ipm_at_zero_shortfall"; the tie-break makes either reach the same answer), never
        from a warm basis; a run after columns were added uses
        `SolverOptions.resift_method` (primal: the basis stays primal feasible, new columns
        enter at 0); every other run `method`, by default the options' method."""
        import highspy
        opts = self.m.scenario.solver
        first = True
        while True:
            out = self.priced_out()
            if self.candidates is not None:
                out = out[self.candidates[out]]
            ipm = opts.cost_start == "ipm" or (opts.cost_start == "ipm_at_zero_shortfall"
                                               and cost == "zero")
            if first and cost and ipm and self.warm is None:
                _configure(self.h, opts, "ipm")
            elif not first and opts.resift_method == "primal":
                _configure(self.h, opts, "primal")
            else:
                _configure(self.h, opts, method)
            ms = _run(self.h, name, self.where, self.left(),
                      allow_infeasible=allow_infeasible or out.size > 0, counts=self.rounds)
            info = self.h.getInfo()
            self.rounds["simplex_iterations_total"] += int(info.simplex_iteration_count)
            self.rounds["ipm_iterations_total"] += int(info.ipm_iteration_count)
            first = False
            if out.size == 0:
                return ms
            if ms != highspy.HighsModelStatus.kOptimal:
                if not price_in_if_infeasible:
                    return ms
                add = out                 # restricted set infeasible: price in everything
                self.rounds["infeasible_rounds"] += 1
            else:
                d = self.reduced_costs(objective, out)
                neg = np.flatnonzero(d < -SIFT_TOL * np.maximum(1.0, np.abs(objective[out])))
                if neg.size == 0:
                    return ms
                if neg.size > SIFT_ADD:
                    neg = neg[np.argpartition(d[neg], SIFT_ADD)[:SIFT_ADD]]
                add = np.sort(out[neg])
            self.add_columns(add, objective)

    def reduced_costs(self, objective: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """c - A^T y of the columns `cols` from HiGHS's current row duals."""
        y = np.asarray(self.h.getSolution().row_dual, np.float64)[: self.m.n_row]
        assert self.AT is not None, "reduced costs are priced with sifting only (A^T built)"
        return objective[cols] - (self.AT @ y)[cols]

    def add_columns(self, add: np.ndarray, objective: np.ndarray) -> None:
        m = self.m
        starts, index, value = m.column_arrays(add)
        _ok(self.h.addCols(int(add.size), np.ascontiguousarray(objective[add]),
                           np.ascontiguousarray(m.col_lower[add]),
                           np.ascontiguousarray(m.col_upper[add]), int(value.size),
                           np.ascontiguousarray(starts[:-1], np.int32),
                           np.ascontiguousarray(index, np.int32), np.ascontiguousarray(value)),
            f"{add.size} priced-in columns", self.where)
        self.pos_of[add] = np.arange(self.work.size, self.work.size + add.size)
        self.work = np.concatenate([self.work, add])
        self.priced_in[add] = True
        self.rounds["columns_added"] += int(add.size)
        self.rounds["sift_rounds"] += 1

    def drop_nonbasic_priced_in(self) -> None:
        """Take out of HiGHS the columns sifting priced in that the current basis holds
        non-basic at a lower bound of 0 (value 0: the solution does not change).  Between the
        shortfall and the cost stage they are the shortfall stage's columns, mostly of no use to
        the cost stage; pricing brings back any the cost stage wants."""
        hb = self.h.getBasis()
        if not self.sift or not hb.valid:
            return
        status = np.array([c.value for c in hb.col_status], np.int8)
        drop = np.flatnonzero(self.priced_in[self.work] & (status == LOWER)
                              & (self.m.col_lower[self.work] == 0.0))
        if drop.size == 0:
            return
        _ok(self.h.deleteCols(int(drop.size), drop.astype(np.int32)),
            f"deleting {drop.size} non-basic priced-in columns", self.where)
        gone = self.work[drop]
        self.pos_of[gone] = -1
        self.priced_in[gone] = False
        self.work = np.delete(self.work, drop)
        self.pos_of[self.work] = np.arange(self.work.size)
        self.rounds["columns_dropped"] += int(drop.size)

    def set_objective(self, objective: np.ndarray) -> None:
        _ok(self.h.changeColsCost(int(self.work.size), np.arange(self.work.size, dtype=np.int32),
                                  np.ascontiguousarray(objective[self.work])),
            "objective", self.where)

    def start_warm(self) -> None:
        """HiGHS's next run (a cost stage) starts from the warm basis, if there is one."""
        if self.warm is not None:
            _set_basis(self.h, self.warm, self.work, self.where)

    def basis(self) -> Basis | None:
        return _final_basis(self.h, self.m, self.work)

    def set_shortfall_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        s = self.m.index.columns["s"]
        s_pos = self.pos_of[s.start:s.stop].astype(np.int32)
        _ok(self.h.changeColsBounds(len(s_pos), s_pos, lower, upper), "shortfall bounds",
            self.where)


def _working_set(m: LPModel, sift: bool):
    """The columns HiGHS starts with and, with sifting, the pricing matrix A^T."""
    if not sift:
        return np.arange(m.n_col), None
    import scipy.sparse as sp
    out_mask = np.zeros(m.n_col, bool)
    out_mask[m.index.columns["xB"].slice()] = True
    out_mask[_initial_chains(m)] = False
    out_mask &= m.col_lower <= 0          # fixed positive values (SWITCH_Y) stay in
    out_mask[m.warm_columns] = False
    # The CSC arrays of A read as CSR are A^T: the pricing matrix at no cost.
    AT = sp.csr_matrix((m.a_value, m.a_index, m.a_start), shape=(m.n_col, m.n_row))
    return np.flatnonzero(~out_mask), AT


def _open_session(m: LPModel, where: str, sift: bool, lexi: str, warm: Basis | None):
    """Configure HiGHS and pass the first stage's model (or working set) in one call.  The
    basic columns of the warm basis join the sifting working set; a first stage that is a cost
    stage (zero_first) starts from it."""
    opts = m.scenario.solver
    h = _new_highs(opts)
    deadline = None if opts.time_limit is None else time.perf_counter() + float(opts.time_limit)
    t0 = time.perf_counter()
    work, AT = _working_set(m, sift)
    if warm is not None:
        _check_basis(m, warm, where)
        if sift:
            work = np.union1d(work, np.flatnonzero(warm.col_status == BASIC))
    pos_of = np.full(m.n_col, -1, np.int64)
    pos_of[work] = np.arange(work.size)
    upper0 = m.col_upper.copy()
    if lexi == "zero_first":
        upper0[m.index.columns["s"].slice()] = 0.0
    first_obj = m.cost if lexi == "zero_first" else m.shortfall_cost
    setup_s = time.perf_counter() - t0      # sifting's working set: part of the solve
    t0 = time.perf_counter()
    pass_model(h, m, first_obj, upper0, where, cols=work if sift else None)
    pass_s = time.perf_counter() - t0
    sess = _Session(h=h, m=m, where=where, deadline=deadline, sift=sift, work=work,
                    pos_of=pos_of, AT=AT, warm=warm, priced_in=np.zeros(m.n_col, bool))
    if lexi == "zero_first":
        sess.start_warm()
    return sess, setup_s, pass_s


LOWER = 0      # highspy.HighsBasisStatus.kLower
BASIC = 1      # highspy.HighsBasisStatus.kBasic


def _check_basis(m: LPModel, b: Basis, where: str) -> None:
    from fastmonet.errors import InputError
    if not isinstance(b, Basis):
        raise InputError(f"{where}: warm_basis must be a fastmonet.solver.Basis (LPSolution.basis), "
                         f"got {type(b).__name__}")
    if b.col_status.size != m.n_col or b.row_status.size != m.n_row:
        raise InputError(f"{where}: warm_basis has {b.col_status.size} columns and "
                         f"{b.row_status.size} rows, the model {m.n_col} and {m.n_row}: a basis "
                         f"only warm-starts a model of the same shape")


def _set_basis(h, b: Basis, work: np.ndarray, where: str) -> None:
    import highspy
    S = highspy.HighsBasisStatus
    codes = [S.kLower, S.kBasic, S.kUpper, S.kZero, S.kNonbasic]
    hb = highspy.HighsBasis()
    hb.col_status = [codes[c] for c in b.col_status[work]]
    hb.row_status = [codes[r] for r in b.row_status]
    n_basic = int((b.col_status[work] == BASIC).sum() + (b.row_status == BASIC).sum())
    # A basis taken with the shortfall row in place may have one basic too many: let HiGHS
    # complete ("alien") anything that is not square.
    hb.alien = n_basic != b.row_status.size
    hb.valid = True
    _ok(h.setBasis(hb), "the warm-start basis", where)


def _final_basis(h, m: LPModel, work: np.ndarray) -> Basis | None:
    hb = h.getBasis()
    if not hb.valid:
        return None
    col = np.zeros(m.n_col, np.int8)
    # `.value` of pybind11 enums: five times faster than int() over 30 k entries.
    col[work] = np.array([c.value for c in hb.col_status], np.int8)
    row = np.array([r.value for r in hb.row_status[: m.n_row]], np.int8)
    return Basis(col_status=col, row_status=row)


def _new_highs(opts):
    h = highs_process.new_highs(verbose=opts.verbose, threads=opts.threads)
    _configure(h, opts)
    return h


def _lexicographic(sess: _Session, lexi: str) -> dict:
    """Formulation §6.2: least shortfall first, then least cost (see the module docstring),
    then, where `solver.tie_break` says so, the fixed tie-break among the least-cost solutions.

    Returns shortfall_star (MtCO2), cap (the shortfall row's bound, or None), stages, stage_s,
    and after a tie-break the cost stage's objective and row duals.
    """
    out = _least_cost(sess, lexi)
    if sess.m.scenario.solver.tie_break == "fixed":
        t0 = time.perf_counter()
        out.update(_tie_break(sess))
        out["stage_s"]["tie_break"] = time.perf_counter() - t0
    return out


def _least_cost(sess: _Session, lexi: str) -> dict:
    """Least shortfall, then least cost: shortfall_star, cap, stages, stage_s."""
    import highspy
    OPT = highspy.HighsModelStatus.kOptimal
    m, where = sess.m, sess.where
    s_block = m.index.columns["s"]
    s_lo, s_hi = m.col_lower[s_block.slice()], m.col_upper[s_block.slice()]
    t0 = time.perf_counter()
    stage_s, shortfall_star, cap, stages = {}, 0.0, None, 1
    if lexi == "zero_first":
        # With sifting (a warm start's zero_first) an infeasible working set proves nothing:
        # fall back to the shortfall stage, which is always feasible, rather than price in all.
        optimal = sess.stage("cost (zero shortfall)", m.cost, allow_infeasible=True,
                             price_in_if_infeasible=False, cost="zero") == OPT
        stage_s["zero_shortfall"] = time.perf_counter() - t0
        if optimal:
            return dict(shortfall_star=0.0, cap=None, stages=1, stage_s=stage_s)
        stages = 3
        if sess.warm is not None:
            sess.h.clearSolver()      # the shortfall stage cold, with presolve
        sess.set_shortfall_bounds(s_lo, s_hi)
        sess.set_objective(m.shortfall_cost)
    else:
        stages = 2
    t1 = time.perf_counter()
    sess.stage("shortfall", m.shortfall_cost)
    stage_s["shortfall"] = time.perf_counter() - t1
    shortfall_star = float(sess.h.getInfo().objective_function_value)
    tol = m.scenario.solver.shortfall_rel_tol
    if m.scenario.solver.drop_nonbasic:
        sess.drop_nonbasic_priced_in()
    sess.set_objective(m.cost)
    # A neighbour's cost basis beats the shortfall stage's as the cost stage's start (an
    # ensemble member: ~1.9x fewer iterations; the shortfall basis is far from cost-optimal).
    sess.start_warm()
    t1 = time.perf_counter()
    done = False
    # A shortfall within the tolerance may be solver noise: then fix every s at 0 (exact, and
    # no extra row in the duals).  It may also be a real one (a target just out of reach):
    # then s = 0 is infeasible (zero_first has shown it already) and the cap row is used.
    if shortfall_star <= tol * m.target_total and lexi != "zero_first":
        n_s = s_block.size
        sess.set_shortfall_bounds(np.zeros(n_s), np.zeros(n_s))
        done = sess.stage("cost", m.cost, allow_infeasible=True, cost="zero") == OPT
        if done:
            shortfall_star = 0.0
        else:
            stages += 1
            sess.set_shortfall_bounds(s_lo, s_hi)
    if not done:
        cap = shortfall_star * (1.0 + tol) + tol * m.target_total
        s_pos = sess.pos_of[s_block.start:s_block.stop].astype(np.int32)
        _ok(sess.h.addRow(-highspy.kHighsInf, cap, len(s_pos), s_pos, np.ones(len(s_pos))),
            "the shortfall row", where)
        sess.stage("cost", m.cost, cost="capped")
    stage_s["cost"] = time.perf_counter() - t1
    return dict(shortfall_star=shortfall_star, cap=cap, stages=stages, stage_s=stage_s)


#: The tie-break's face: a column whose cost-stage reduced cost is above FACE_TOL max(1, |c|) in
#: size stays at its bound, a row whose dual is above FACE_TOL in size at its active bound
#: (HiGHS's dual feasibility tolerance: smaller reduced costs are round-off of 0).
FACE_TOL = 1e-7
#: The seed of the tie-break's weights: fixed, so every path and process draws the same.
TIE_SEED = 20_201_115


def tie_weights(m: LPModel) -> np.ndarray:
    """The tie-break's objective (formulation §7.2): one weight per column, drawn uniformly in
    [1, 2) from a fixed seed.  Generic weights have one least point on the face of least-cost
    solutions, so the answer does not depend on where the path to that face ended."""
    return np.random.default_rng(TIE_SEED).uniform(1.0, 2.0, m.n_col)


def _tie_break(sess: _Session) -> dict:
    """Formulation §7.2's tie-break: among the least-cost solutions, the least `tie_weights` x,
    so that a degenerate LP reports the same optimum whatever the path (interior point, simplex,
    a warm start, a neighbour's basis) that found its cost.

    The least-cost solutions are the feasible points complementary to the cost stage's duals
    (any optimal duals: every optimal solution is complementary to each of them), so the
    tie-break holds every column with a nonzero reduced cost at its bound and every row with a
    nonzero dual at its active bound (FACE_TOL), minimises the weights there by primal simplex
    from the cost optimum (still feasible) and prices in only the chains whose reduced cost was
    0.  Returns the cost stage's objective and row duals: they stay the answer's.  Should HiGHS
    not finish the tie-break, the cost stage's own solution and basis are returned instead, and
    `tie_break` says why: a least-cost answer of its path."""
    h, m, where = sess.h, sess.m, sess.where
    cost_star = float(h.getInfo().objective_function_value)
    sol = h.getSolution()
    y_all = np.asarray(sol.row_dual, np.float64)
    row_dual = y_all[: m.n_row].copy()
    x_work = np.asarray(sol.col_value, np.float64)
    x_cost = np.zeros(m.n_col)
    x_cost[sess.work] = x_work
    basis_cost = sess.basis()
    scale = np.maximum(1.0, np.abs(m.cost))
    d = np.asarray(sol.col_dual, np.float64)
    fix = np.flatnonzero(np.abs(d) > FACE_TOL * scale[sess.work]).astype(np.int32)
    at = x_work[fix]
    _ok(h.changeColsBounds(int(fix.size), fix, at, at), "the tie-break's face (columns)", where)
    rows = np.flatnonzero(np.abs(y_all) > FACE_TOL).astype(np.int32)
    if rows.size:
        act = np.asarray(sol.row_value, np.float64)[rows]
        for r, a in zip(rows.tolist(), act.tolist()):     # highspy 1.11 has no changeRowsBounds
            _ok(h.changeRowBounds(r, a, a), "the tie-break's face (rows)", where)
    if sess.sift:
        out = sess.priced_out()
        sess.candidates = np.zeros(m.n_col, bool)
        d_out = sess.reduced_costs(m.cost, out)
        sess.candidates[out[np.abs(d_out) <= FACE_TOL * scale[out]]] = True
    w = tie_weights(m)
    sess.set_objective(w)
    out_stats = dict(cost_objective=cost_star, cost_row_dual=row_dual, tie_break="done")
    try:
        sess.stage("tie-break", w, method="primal")
    except SolveError as exc:
        out_stats.update(x=x_cost, basis=basis_cost, tie_break=f"not done ({exc})")
    return out_stats


def sifts(m: LPModel) -> bool:
    """Whether `solve_model` prices the chains in (`solver.sifting`, SIFT_MIN_CHAINS)."""
    opts = m.scenario.solver
    n_chain = m.index.columns["xB"].size
    return opts.sifting == "on" or (opts.sifting == "auto" and n_chain > SIFT_MIN_CHAINS)


def solve_model(m: LPModel, warm_basis: Basis | None = None,
                zero_first: bool | None = None, decompose: bool | None = None) -> LPSolution:
    """Lexicographic solve (shortfall, then cost) and the independent solution check.

    With sifting, HiGHS holds a working set of columns (every column but the chains, plus the
    cheapest chains of each plant and source); after each optimum the reduced costs of all other
    columns are computed from the row duals (c - A^T y, one sparse product) and the most negative
    are added, until none is below -1e-7: the optimum of the working set is then the optimum of the
    whole LP.  Under sifting `solver.lexicographic = "zero_first"` tries the cost stage with every
    shortfall at 0 on the working set first; a working set infeasible so proves nothing of the
    whole LP, and the two stages follow (the shortfall stage is always feasible).  The strategy
    options (`cost_start`, `resift_method`, `drop_nonbasic`; formulation §7.4) change the path,
    never the optimum (tests/model/test_solve_strategy.py).  Under SWITCH_Y the working set
    also holds the chains of the ISOLATION solution, without which the fixed plants may have no
    feasible fuel supply in the working set; should a restricted stage still be infeasible, every
    remaining column is added and the stage re-run, so infeasibility is only ever reported for the
    whole LP.

    Warm start (same model shape; `fastmonet.warm_start` lays a basis on a model of another
    shape): `warm_basis`, another solution's `basis`, is where the cost stage starts (the
    shortfall stage runs cold, with presolve); its basic columns join the sifting working set.
    `zero_first=True` tries the cost stage with
    every shortfall at 0 first (from `warm_basis`: when the neighbour had
    no shortfall, this usually proves the least shortfall is 0 without a shortfall stage); if
    the working set is infeasible so, the two stages follow.  `zero_first=False` runs the two
    stages whatever `solver.lexicographic` says (the neighbour had a shortfall); None follows
    the options.

    An LP that separates into independent parts (ISOLATION: one per region) is solved part by
    part and recombined (`fastmonet.decomposition`) when `decompose` is True, or when it is None
    and `solver.decompose` is "auto"; the recombined answer is certified as a whole.
    """
    sc = m.scenario
    opts = sc.solver
    if decompose if decompose is not None else opts.decompose == "auto":
        from fastmonet import decomposition
        groups = decomposition.parts(m)
        if len(groups) > 1:
            return decomposition.solve(m, groups, warm_basis=warm_basis, zero_first=zero_first)
    where = f"scenario {sc.name!r} ({sc.label}, targets {sc.targets}, storage {sc.storage})"
    sift = sifts(m)
    if zero_first is None:
        lexi = opts.lexicographic
    else:
        lexi = "zero_first" if zero_first else "two_stage"
    solution_check.check_model(m, where)
    sess, setup_s, pass_s = _open_session(m, where, sift, lexi, warm_basis)
    t0 = time.perf_counter()
    lx = _lexicographic(sess, lexi)
    solve_s = time.perf_counter() - t0 + setup_s
    lx["stage_s"]["setup"] = setup_s
    return _checked_solution(sess, lx, pass_s, solve_s, warm_basis is not None)


def _checked_solution(sess: _Session, lx: dict, pass_s: float, solve_s: float,
                      warm: bool = False) -> LPSolution:
    """The solution of the last stage, checked independently of HiGHS
    (`fastmonet.solution_check.certify`)."""
    m, h, where = sess.m, sess.h, sess.where
    sol = h.getSolution()
    if "x" in lx:                         # the tie-break was not done: the cost stage's answer
        x = lx["x"]
    elif not sol.value_valid:
        raise SolveError(f"{where}: HiGHS reports optimal but returned no valid primal solution")
    else:
        x = np.zeros(m.n_col)
        x[sess.work] = np.asarray(sol.col_value, dtype=np.float64)
    row_dual = np.asarray(sol.row_dual, dtype=np.float64)[: m.n_row]
    info = h.getInfo()
    objective = float(info.objective_function_value)
    if "cost_objective" in lx:            # after the split stage: the cost stage's answer
        objective, row_dual = lx["cost_objective"], lx["cost_row_dual"]
    cert = solution_check.certify(m, x, objective, row_dual, sess.priced_out(), lx["cap"], where)
    return LPSolution(
        x=x, row_dual=row_dual, row_activity=cert.row_activity,
        cost=solution_check.objective_value(m.cost, x),
        shortfall=float(x[m.index.columns["s"].slice()].sum()),
        status="Optimal" if "x" in lx else h.modelStatusToString(h.getModelStatus()), max_violation=cert.max_violation,
        worst=cert.worst,
        stats={
            "columns": m.n_col, "rows": m.n_row, "nonzeros": m.nnz, "build_s": m.build_s,
            "pass_s": pass_s, "solve_s": solve_s, "stages": lx["stages"],
            **{f"stage_{k}_s": v for k, v in lx["stage_s"].items()},
            "simplex_iterations": int(info.simplex_iteration_count),
            "ipm_iterations": int(info.ipm_iteration_count),
            "sifting": bool(sess.sift), "working_columns": int(sess.work.size), **sess.rounds,
            "shortfall_star_mt": lx["shortfall_star"], "max_violation": cert.max_violation,
            "objective_rel_error": cert.objective_rel_error,
            "min_reduced_cost_priced_out": cert.min_reduced_cost,
            "warm_start": warm, "shortfall_cap": lx["cap"], "decomposed_parts": 1,
            "tie_break": lx.get("tie_break", "off"),
        },
        basis=lx["basis"] if "basis" in lx else sess.basis(),
    )
