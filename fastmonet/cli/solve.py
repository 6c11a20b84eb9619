"""`fastmonet solve`: a thin layer over `fastmonet.api.solve_many`.

    fastmonet solve --scenario cooperation --targets p3 --storage medium --out results.zarr
    fastmonet solve --scenario cooperation,isolation,switch_2050 --summary-csv
    fastmonet solve --scenario-file scenarios/paper_p3.toml --out runs.zarr
    fastmonet solve --coefficients coeffs.zarr --scenario isolation --summary-csv
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from fastmonet.cli import common
from fastmonet.errors import InputError
from fastmonet.scenarios import METHODS, STORAGE_CASES, TARGET_CASES

# The rows of --summary-csv / --solver-csv: fastmonet.summary_table (shared with `fastmonet run`).


def register(subparsers) -> None:
    """Add `fastmonet solve` (solve scenarios into a store, print summaries) to the parser."""
    p = subparsers.add_parser(
        "solve",
        help="solve policy scenarios (formulation §6, §7) and report their metrics (formulation §8)",
        description="Solve CDR policy scenarios with HiGHS: shortfall first, then cost.")
    p.add_argument("--scenario", default=None,
                   help="COOPERATION, CURRENT_POLICY, ISOLATION or SWITCH_<year> (2030..2090); "
                        "several separated by commas (default: cooperation)")
    p.add_argument("--scenario-file", type=Path, default=None,
                   help="TOML file of scenarios (see fastmonet.scenarios); replaces --scenario, "
                        "--targets, --storage and the rate options")
    p.add_argument("--targets", default="p3", choices=TARGET_CASES, help="target case")
    p.add_argument("--storage", default="medium", choices=STORAGE_CASES, help="CO2 storage case")
    p.add_argument("--rate-ar", type=float, default=1.0, help="AR expansion-rate multiplier")
    p.add_argument("--rate-beccs", type=float, default=1.0, help="BECCS build-rate multiplier")
    p.add_argument("--rate-dac", type=float, default=1.0, help="DAC build-rate multiplier")
    p.add_argument("--high-rates", action="store_true",
                   help="the paper's high deployment rates: AR x10, BECCS 5 GW/yr, DAC 42 Mt/yr")
    p.add_argument("--build-factor", type=float, default=None,
                   help="period build factor F: years of the annual rates built per decade "
                        "(default 5.5, formulation §6.6; 10 = the full rate every year)")
    p.add_argument("--name", default="", help="zarr group name (one scenario only)")
    p.add_argument("--coefficients", type=Path, default=None,
                   help="solve from a saved coefficient zarr store instead of the data")
    p.add_argument("--data", type=Path, default=None, help="data directory (default: bundled)")
    p.add_argument("--technology", type=Path, default=None,
                   help="technology TOML directory (default: DATA/technology if it exists, "
                        "else the bundled data/technology)")
    p.add_argument("--out", type=Path, default=None,
                   help="zarr store: one group per scenario; on rerun a complete group is reused "
                        "only if its inputs and scenario are unchanged (else: stop, see "
                        "--overwrite)")
    common.add_store_options(p, "--out")
    p.add_argument("--netcdf", type=Path, default=None,
                   help="also write netCDF files into this directory (<scenario>.nc and "
                        "<scenario>.solution.nc)")
    p.add_argument("--summary-csv", "--csv", action="store_true",
                   help="print the rows of summary.csv (scenario,region,option,metric,value,unit) "
                        "to stdout")
    p.add_argument("--solver-csv", type=Path, default=None, metavar="FILE",
                   help="write one row per scenario of LP size, timings and violation to FILE "
                        "('-': stdout, without --summary-csv)")
    p.add_argument("--write-model", type=Path, default=None, metavar="FILE",
                   help="also write the scenario's LP to FILE (.mps or .lp, by HiGHS) with "
                        "named columns and rows, e.g. xA(BRA.1,tropical_rainforest,broadleaves,"
                        "2020): the cost stage with the least shortfall as a bound, so it solves "
                        "to the reported optimum (M US$; one scenario only; the LP is solved "
                        "once more to write it)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds per scenario")
    p.add_argument("--method", default="dual", choices=METHODS, help="HiGHS method")
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    p.add_argument("-v", "--verbose", action="store_true", help="the HiGHS log, on stderr")
    p.set_defaults(func=run)


def _scenarios(args):
    import dataclasses

    from fastmonet import scenarios
    from fastmonet.scenarios import Rates, SolverOptions
    solver = SolverOptions(time_limit=args.time_limit, method=args.method, threads=args.threads,
                           verbose=args.verbose)
    if args.scenario_file is not None:
        if args.scenario is not None:
            raise InputError("--scenario and --scenario-file: give one of them")
        out = scenarios.load_scenario_file(args.scenario_file)
        # Command-line solver options apply unless the file has a [solver] table.
        return [s if s.solver != SolverOptions() else dataclasses.replace(s, solver=solver)
                for s in out]
    if args.high_rates:
        ar, beccs, dac = scenarios.HIGH_RATES
    else:
        ar, beccs, dac = args.rate_ar, args.rate_beccs, args.rate_dac
    names = [s for s in (args.scenario or "cooperation").split(",") if s.strip()]
    if args.name and len(names) > 1:
        raise InputError("--name: only with a single --scenario")
    rates = Rates(ar=ar, beccs=beccs, dac=dac)
    if args.build_factor is not None:
        rates = dataclasses.replace(rates, build_factor=args.build_factor)
    return [scenarios.make(n, targets=args.targets, storage=args.storage, rates=rates,
                           solver=solver, name=args.name, where=f"--scenario {n}")
            for n in names]


def _check_paths(args) -> None:
    """Output paths and the scenario file, before any data is read or anything solved."""
    from fastmonet.store import paths
    if args.out is not None:
        paths.check_store_path(args.out, "--out")
    if args.netcdf is not None:
        paths.check_writable_dir(args.netcdf, "--netcdf")
    if args.scenario_file is not None and args.scenario_file.is_dir():
        raise InputError(f"--scenario-file {args.scenario_file}: is a folder, not a TOML file")
    if args.write_model is not None:
        from fastmonet import model_file
        model_file.check_path(args.write_model)


class _Stdout:
    """stdout that survives its reader going away (`| head`): the solve and the store writes
    go on, later output is dropped, and the command says so at the end."""

    def __init__(self):
        self.closed = False

    def write_rows(self, write) -> None:
        if self.closed:
            return
        try:
            write()
            sys.stdout.flush()
        except BrokenPipeError:
            self.closed = True
            silence_stdout()


def silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _solver_csv(args, out: "_Stdout", tables: dict):
    """`--solver-csv`: the shared solver.csv writer on FILE (returned, to close) or stdout."""
    from fastmonet import summary_table as st
    if args.solver_csv is None:
        return None
    if str(args.solver_csv) == "-":
        if args.summary_csv:
            raise InputError("--solver-csv -: stdout already carries --summary-csv; give a file")
        out.write_rows(lambda: tables.update(solver=st.solver_writer(sys.stdout)))
        return None
    try:
        fh = open(args.solver_csv, "w", newline="")
    except OSError as exc:
        raise InputError(f"--solver-csv {args.solver_csv}: cannot write ({exc.strerror})") from None
    tables["solver"] = st.solver_writer(fh)
    return fh


def _write_model(args, sc, coeffs, say) -> None:
    from fastmonet import api
    if coeffs is None:
        coeffs = api.load_coefficients(sc.targets, sc.storage, args.data,
                                       technology=args.technology)
    path, sol, model = api.write_model(coeffs, sc, args.write_model)
    say(f"{sc.name}: wrote {path} ({model.n_col} columns, {model.n_row} rows; objective "
        f"{sol.cost:.6f} M US$)")


def run(args: argparse.Namespace) -> int:
    """Solve the scenarios asked for (or write one scenario's LP file) and print what was asked;
    returns the exit status (0, or 141 when stdout closed early)."""
    from fastmonet import api
    from fastmonet import summary_table as st
    from fastmonet.store import names
    _check_paths(args)
    scs = _scenarios(args)
    names.check_all([s.name for s in scs])
    if args.write_model is not None and len(scs) != 1:
        raise InputError(f"--write-model {args.write_model}: one scenario only ({len(scs)} "
                         f"asked)")
    if args.out is not None:
        api.check_results_store(args.out, [s.name for s in scs])
    if args.coefficients and (args.technology or args.data):
        raise InputError("--coefficients: not with --data or --technology (the store was built "
                         "from its own inputs; rebuild it with 'fastmonet coefficients build')")
    coeffs = api.open_coefficients(args.coefficients) if args.coefficients else None
    out = _Stdout()
    tables = {}
    if args.summary_csv:
        out.write_rows(lambda: tables.update(summary=st.summary_writer(sys.stdout)))
    solver_out = _solver_csv(args, out, tables)

    def say(text: str) -> None:
        if not args.quiet:
            print(f"fastmonet solve: {text}", file=sys.stderr)

    def on_result(res, reused):
        note = "reused (inputs and scenario unchanged, checksums verified)" if reused else \
            f"solved in {res.stats.get('solve_s', float('nan')):.1f} s"
        say(f"{res.scenario.name}: {note}")
        if args.netcdf is not None:
            res.to_netcdf(args.netcdf / f"{res.scenario.name}.nc")
        name = res.scenario.name
        if "solver" in tables:
            row = st.solver_row(name, res.stats, res.solution.attrs, reused)
            (out.write_rows if solver_out is None else lambda w: w())(
                lambda: tables["solver"].write([row]))
        if "summary" in tables:
            out.write_rows(lambda: tables["summary"].write(st.summary_rows(res.metrics, name)))
        elif args.solver_csv is None or solver_out is not None:
            out.write_rows(lambda: print(res))

    try:
        done = api.solve_many(scs, out=args.out, coefficients=coeffs, data_path=args.data,
                              on_result=on_result, technology=args.technology,
                              overwrite=args.overwrite,
                              wait=not args.no_wait, on_message=say)
    finally:
        if solver_out is not None:
            solver_out.close()
    if args.write_model is not None:
        _write_model(args, scs[0], coeffs, say)
    if out.closed:
        where = f"; all {len(done)} written to {args.out}" if args.out is not None else ""
        say(f"stdout closed early (broken pipe): output after that dropped, {len(done)} "
            f"scenario(s) solved{where}")
        return 141   # 128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe
    return 0
