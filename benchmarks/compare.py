"""fastmonet side by side with what a modeller would otherwise use, in one process, same inputs.

    python benchmarks/compare.py            # a table of times and ratios
    python benchmarks/compare.py --json     # the same as one JSON object

1. kernel: the Numba stand kernel against the vectorised-NumPy implementation (`--cells` random
   cells, 100 years, best of `--repeat`) and the pure-Python loop of `fastmonet.reference.stand`
   on a sample (`--python-cells`), all three checked to agree.
2. lp_build: the full COOPERATION model of the bundled data built by fastmonet's builder, by
   linopy (the `bench` extra) and by highspy's row-by-row API: time to build, time to hand the
   model to HiGHS, peak memory of the build (tracemalloc, a separate run).  All three hold the
   same columns and rows in the same order; that they reach the same optimum is checked on
   `--check-scenario` (default ISOLATION, the smallest real model, solved whole by dual simplex
   three times): with every shortfall fixed at fastmonet's optimal value, each model's least
   cost must equal fastmonet's lexicographic optimum.
3. solve: the full COOPERATION model by HiGHS dual simplex and interior point (whole LP) and by
   fastmonet's sifting (`--skip-whole-lp` leaves the two slow ones out).

The linopy model is written the way linopy expresses sparse sums: one variable per column block,
each row family a sum of `groupby(...).sum()` of coefficient arrays.  Which columns exist is
fastmonet's choice (`lp.blocks`), and linopy's time includes computing them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MIB = 2**20


def _best(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _peak_mib(fn) -> float:
    """Peak of Python and NumPy allocations while `fn` runs (HiGHS's C++ heap not included)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del out
    return peak / MIB


@contextlib.contextmanager
def _stdout_to_stderr():
    """Route file descriptor 1 to 2 (HiGHS prints its banner from C++): stdout stays the
    table or the JSON alone."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


# ----------------------------------------------------------------------------------- kernel
def kernel(cells: int, python_cells: int, repeat: int) -> dict:
    from benchmarks.stand_throughput import random_params
    from fastmonet.reference import stand as ref
    from fastmonet.reference import stand_numpy
    from fastmonet.stand import simulate

    years = 100
    params = random_params(cells, 0)
    warm = params.subset(slice(0, min(cells, 1000)))
    simulate(warm, horizon=years, trajectories=False)
    t_numba, k = _best(lambda: simulate(params, horizon=years, trajectories=False), repeat)
    t_numpy, v = _best(lambda: stand_numpy.simulate(params, horizon=years), 1)
    np.testing.assert_allclose(v["seq_decadal"], k.seq_decadal, rtol=1e-9)
    sample = params.subset(slice(0, python_cells))
    kt = simulate(sample, horizon=years, trajectories=True)
    t0 = time.perf_counter()
    for i in range(python_cells):
        c = ref.simulate_cell(float(sample.B[i]), float(sample.G[i]), float(sample.R1[i]),
                              float(sample.R2[i]), float(sample.Cf[i]), float(sample.rfire[i]),
                              horizon=years)
        np.testing.assert_allclose(c["CO2seq"], kt.CO2seq[i], rtol=1e-9, atol=1e-9)
    t_py = (time.perf_counter() - t0) / python_cells
    from numba import get_num_threads
    return {"cells": cells, "years": years, "numba_s": t_numba, "numpy_s": t_numpy,
            "python_s_per_cell": t_py, "python_cells": python_cells,
            "numba_threads": get_num_threads(),
            "numba_cell_years_per_s": cells * years / t_numba,
            "numpy_cell_years_per_s": cells * years / t_numpy,
            "python_cell_years_per_s": years / t_py}


# ------------------------------------------------------------------------------ the builders
def build_fastmonet(ds, sc):
    from fastmonet import lp
    return lp.build(ds, sc)


def pass_fastmonet(m):
    import highspy

    from fastmonet import solver
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    solver.pass_model(h, m, m.cost, m.col_upper, "compare")
    return h


def build_linopy(ds, sc):
    """The same LP as a linopy Model (see the module docstring)."""
    import warnings
    with warnings.catch_warnings():
        # linopy 0.10 announces its v1 alignment rules on every outer join: the joins here are
        # explicit (join="outer", missing terms are absent), so the notes are noise.
        warnings.simplefilter("ignore")
        return _build_linopy(ds, sc)


def _build_linopy(ds, sc):
    import linopy
    import pandas as pd
    import xarray as xr

    from fastmonet import lp

    _, _, rows, cols = lp.blocks(ds, sc)
    lo_all, hi_all = np.concatenate(rows.lower), np.concatenate(rows.upper)
    m = linopy.Model()
    var = {}
    for (name, b), (r, v, cost, lower, upper) in zip(cols.blocks.items(), cols.tables):
        dim = f"{name}_i"
        var[name] = m.add_variables(lower=xr.DataArray(lower, dims=dim),
                                    upper=xr.DataArray(upper, dims=dim),
                                    coords=[pd.RangeIndex(b.size, name=dim)], name=name)
    objective = None
    for (name, _), (r, v, cost, *_) in zip(cols.blocks.items(), cols.tables):
        dim = f"{name}_i"
        term = (var[name] * xr.DataArray(cost, dims=dim)).sum()
        objective = term if objective is None else objective + term
    m.add_objective(objective)
    for fam in rows.blocks.values():
        dim = f"{fam.name}_row"
        lhs = None
        for (name, _), (r, v, *_) in zip(cols.blocks.items(), cols.tables):
            for k in range(r.shape[1]):
                sel = np.flatnonzero((r[:, k] >= fam.start) & (r[:, k] < fam.stop) & (v[:, k] != 0))
                if sel.size == 0:
                    continue
                bdim = f"{name}_i"
                x = var[name].isel({bdim: sel})
                coef = xr.DataArray(v[sel, k], dims=bdim, coords={bdim: sel})
                grp = xr.DataArray(r[sel, k] - fam.start, dims=bdim, coords={bdim: sel},
                                   name=dim)
                part = (x * coef).groupby(grp).sum().reindex({dim: np.arange(fam.size)})
                lhs = part if lhs is None else lhs.add(part, join="outer")
        lo, hi = lo_all[fam.slice()], hi_all[fam.slice()]
        _add_rows(m, fam.name, lhs, lo, hi, dim)
    return m


def _add_rows(m, name, lhs, lo, hi, dim):
    """Rows lo <= lhs <= hi with one sign each: =, <= or >= (in row order)."""
    import xarray as xr
    sign = np.where(lo == hi, "=", np.where(np.isfinite(hi), "<=", ">="))
    rhs = np.where(sign == "<=", hi, lo)
    m.add_constraints(lhs, xr.DataArray(sign, dims=dim), xr.DataArray(rhs, dims=dim), name=name)


def pass_linopy(lm):
    h = lm.to_highspy()
    h.setOptionValue("output_flag", False)
    return h


def build_highspy_rows(ds, sc):
    """highspy's row-by-row API: the columns with their bounds and costs, then one addRow per
    row (the rows taken from fastmonet's arrays, as a modeller would from their own data)."""
    import highspy

    from fastmonet import lp

    m = lp.build(ds, sc)
    at = m.matrix().tocsr()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVars(m.n_col, m.col_lower, m.col_upper)
    h.changeColsCost(m.n_col, np.arange(m.n_col, dtype=np.int32), m.cost)
    ptr, idx, val = at.indptr, at.indices.astype(np.int32), at.data
    for i in range(m.n_row):
        a, b = ptr[i], ptr[i + 1]
        h.addRow(m.row_lower[i], m.row_upper[i], int(b - a), idx[a:b], val[a:b])
    return h


def _solve_cost(h, fm, sol) -> float:
    """Least cost with every shortfall fixed at fastmonet's optimal value (M US$)."""
    import highspy
    s = fm.index.columns["s"]
    pos = np.arange(s.start, s.stop, dtype=np.int32)
    val = sol.x[s.slice()]
    h.changeColsBounds(len(pos), pos, val, val)
    h.setOptionValue("solver", "simplex")
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"not optimal: {h.modelStatusToString(h.getModelStatus())}")
    return float(h.getInfo().objective_function_value)


def lp_build(coeffs, skip_linopy: bool, check_scenario: str | None, repeat: int) -> dict:
    from fastmonet import scenarios, solver

    sc = scenarios.make("cooperation")
    build_fastmonet(coeffs, sc)                              # first-call costs out of the way
    out = {}
    out["fastmonet_s"], fm = _best(lambda: build_fastmonet(coeffs, sc), repeat)
    out["fastmonet_pass_s"], _ = _best(lambda: pass_fastmonet(fm), repeat)
    out["columns"], out["rows"], out["nonzeros"] = fm.n_col, fm.n_row, fm.nnz
    out["fastmonet_peak_mib"] = _peak_mib(lambda: build_fastmonet(coeffs, sc))
    out["highspy_rows_s"], h = _best(lambda: build_highspy_rows(coeffs, sc), 1)
    assert h.getNumCol() == fm.n_col and h.getNumRow() == fm.n_row and h.getNumNz() == fm.nnz
    del h
    if not skip_linopy:
        out["linopy_s"], lm = _best(lambda: build_linopy(coeffs, sc), 1)
        out["linopy_pass_s"], h = _best(lambda: pass_linopy(lm), 1)
        assert h.getNumCol() == fm.n_col and h.getNumRow() == fm.n_row, "linopy model differs"
        out["linopy_nonzeros"] = int(h.getNumNz())
        del lm, h
        out["linopy_peak_mib"] = _peak_mib(lambda: build_linopy(coeffs, sc))
    if check_scenario:
        csc = scenarios.make(check_scenario, solver=scenarios.SolverOptions(sifting="off"))
        m = build_fastmonet(coeffs, csc)
        sol = solver.solve_model(m)
        got = {"fastmonet": sol.cost, "fastmonet_fixed_s": _solve_cost(pass_fastmonet(m), m, sol),
               "highspy_rows": _solve_cost(build_highspy_rows(coeffs, csc), m, sol)}
        if not skip_linopy:
            got["linopy"] = _solve_cost(pass_linopy(build_linopy(coeffs, csc)), m, sol)
        ref = got["fastmonet"]
        out["optimum_check"] = {"scenario": csc.name, "cost_musd": got,
                                "agree": all(abs(v - ref) <= 1e-7 * max(1.0, abs(ref))
                                             for v in got.values())}
    return out


# ------------------------------------------------------------------------------------ solve
def solve(coeffs, whole_lp: bool) -> dict:
    from fastmonet import lp, scenarios, solver
    from fastmonet.scenarios import SolverOptions

    out = {}
    runs = [("sifting", SolverOptions(sifting="on"))]
    if whole_lp:
        runs += [("simplex", SolverOptions(sifting="off", method="dual")),
                 ("ipm", SolverOptions(sifting="off", method="ipm"))]
    costs = {}
    for key, opts in runs:
        m = lp.build(coeffs, scenarios.make("cooperation", solver=opts))
        sol = solver.solve_model(m)
        out[f"{key}_s"] = sol.stats["solve_s"]
        costs[key] = sol.cost
        if key == "sifting":
            out["build_s"], out["pass_s"] = m.build_s, sol.stats["pass_s"]
    ref = costs["sifting"]
    out["cost_musd"] = costs
    out["agree"] = all(abs(v - ref) <= 1e-6 * abs(ref) for v in costs.values())
    return out


# ------------------------------------------------------------------------------------ report
def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (np.nan,) * 3
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_avg_1m": round(load[0], 2)}


def table(res: dict) -> str:
    lines = []
    k = res.get("kernel")
    if k:
        lines += [f"stand kernel, {k['cells']:,} cells x {k['years']} years "
                  f"(pure Python on {k['python_cells']} cells)",
                  f"  numba   {k['numba_s']:8.3f} s  {k['numba_cell_years_per_s'] / 1e6:8.1f} M cell-years/s",
                  f"  numpy   {k['numpy_s']:8.3f} s  {k['numpy_cell_years_per_s'] / 1e6:8.1f} M cell-years/s"
                  f"  ({k['numpy_s'] / k['numba_s']:.1f}x numba's time)",
                  f"  python  {k['python_s_per_cell'] * k['cells']:8.1f} s  "
                  f"{k['python_cell_years_per_s'] / 1e6:8.3f} M cell-years/s"
                  f"  ({k['python_s_per_cell'] * k['cells'] / k['numba_s']:.0f}x, extrapolated)"]
    b = res.get("lp_build")
    if b:
        lines += [f"LP build, COOPERATION P3 ({b['columns']:,} columns, {b['rows']:,} rows, "
                  f"{b['nonzeros']:,} non-zeros)",
                  "  builder       build s   pass s   peak MiB",
                  f"  fastmonet   {b['fastmonet_s']:9.3f} {b['fastmonet_pass_s']:8.3f} "
                  f"{b['fastmonet_peak_mib']:10.0f}"]
        if "linopy_s" in b:
            lines += [f"  linopy      {b['linopy_s']:9.3f} {b['linopy_pass_s']:8.3f} "
                      f"{b['linopy_peak_mib']:10.0f}   ({b['linopy_s'] / b['fastmonet_s']:.0f}x "
                      f"the build time, {b['linopy_peak_mib'] / b['fastmonet_peak_mib']:.1f}x "
                      f"the memory)"]
        lines += [f"  highspy rows {b['highspy_rows_s']:8.3f}  (build and pass together; "
                  f"{b['highspy_rows_s'] / (b['fastmonet_s'] + b['fastmonet_pass_s']):.1f}x)"]
        oc = b.get("optimum_check")
        if oc:
            lines += [f"  same optimum on {oc['scenario']}: {oc['agree']} "
                      + ", ".join(f"{k_}={v:.6f}" for k_, v in oc["cost_musd"].items())]
    s = res.get("solve")
    if s:
        lines += ["solve, COOPERATION P3 (whole LP unless sifting)"]
        for key in ("simplex", "ipm", "sifting"):
            if f"{key}_s" in s:
                lines.append(f"  {key:8s} {s[f'{key}_s']:8.2f} s"
                             f"  ({s[f'{key}_s'] / s['sifting_s']:.1f}x sifting)")
        lines.append(f"  build + pass = {100 * (s['build_s'] + s['pass_s']) / s['sifting_s']:.1f}% "
                     f"of the sifting solve; same optimum: {s['agree']}")
    m = res["machine"]
    lines.append(f"machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, "
                 f"load {m['load_avg_1m']} at the start")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--cells", type=int, default=1_000_000)
    ap.add_argument("--python-cells", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-linopy", action="store_true")
    ap.add_argument("--check-scenario", default="isolation",
                    help="scenario whose optimum the three builders must agree on ('' skips)")
    ap.add_argument("--skip-whole-lp", action="store_true",
                    help="solve COOPERATION only by sifting (the whole-LP solves take minutes)")
    ap.add_argument("--only", default="kernel,lp_build,solve")
    args = ap.parse_args(argv)
    if not args.skip_linopy:
        try:
            import linopy  # noqa: F401
        except ImportError:
            ap.error("linopy is not installed: pip install -e '.[bench]' or pass --skip-linopy")

    res = {"machine": machine()}
    with _stdout_to_stderr():
        _run(res, args)
    print(json.dumps(res, default=float) if args.json else table(res))
    return 0


def _run(res: dict, args) -> None:
    from fastmonet.api import load_coefficients

    only = set(args.only.split(","))
    if "kernel" in only:
        res["kernel"] = kernel(args.cells, args.python_cells, args.repeat)
    if only & {"lp_build", "solve"}:
        coeffs = load_coefficients()
        if "lp_build" in only:
            res["lp_build"] = lp_build(coeffs, args.skip_linopy, args.check_scenario or None,
                                       args.repeat)
        if "solve" in only:
            res["solve"] = solve(coeffs, not args.skip_whole_lp)


if __name__ == "__main__":
    sys.exit(main())
