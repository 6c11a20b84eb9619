"""`fastmonet solve`: a thin layer over `fastmonet.api.solve_many`.

    fastmonet solve --scenario cooperation --targets p3 --storage medium --out results.zarr
    fastmonet solve --scenario cooperation,isolation,switch_2050 --summary-csv
    fastmonet solve --scenario-file scenarios/paper_p3.toml --out runs.zarr
    fastmonet solve --coefficients coeffs.zarr --scenario isolation --summary-csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from fastmonet.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "solve", help="solve policy scenarios (SPEC 6) and report the SPEC 7 metrics",
        description="Solve CDR policy scenarios with HiGHS: shortfall first, then cost.")
    p.add_argument("--scenario", default=None,
                   help="COOPERATION, CURRENT_POLICY, ISOLATION or SWITCH_<year> (2030..2090); "
                        "several separated by commas (default: cooperation)")
    p.add_argument("--scenario-file", type=Path, default=None,
                   help="TOML file of scenarios (see fastmonet.scenarios); replaces --scenario, "
                        "--targets, --storage and the rate options")
    p.add_argument("--targets", default="p3", help="p3 or p4 (default p3)")
    p.add_argument("--storage", default="medium", help="low, medium or high (default medium)")
    p.add_argument("--rate-ar", type=float, default=1.0, help="AR expansion-rate multiplier")
    p.add_argument("--rate-beccs", type=float, default=1.0, help="BECCS build-rate multiplier")
    p.add_argument("--rate-dac", type=float, default=1.0, help="DAC build-rate multiplier")
    p.add_argument("--high-rates", action="store_true",
                   help="the paper's high deployment rates: AR x10, BECCS 5 GW/yr, DAC 42 Mt/yr")
    p.add_argument("--build-factor", type=float, default=None,
                   help="period build factor F: years of the annual rates built per decade "
                        "(default 5.5, SPEC 6.6; 10 = the full rate every year)")
    p.add_argument("--name", default="", help="zarr group name (one scenario only)")
    p.add_argument("--coefficients", type=Path, default=None,
                   help="solve from a saved coefficient zarr store instead of the data")
    p.add_argument("--data", type=Path, default=None, help="data directory (default: bundled)")
    p.add_argument("--technology", type=Path, default=None,
                   help="technology TOML directory (default: DATA/technology if it exists, "
                        "else the bundled data/technology)")
    p.add_argument("--out", type=Path, default=None,
                   help="zarr store: one group per scenario; complete groups are skipped on rerun")
    p.add_argument("--netcdf", type=Path, default=None,
                   help="also write netCDF files into this directory (<scenario>.nc and "
                        "<scenario>.solution.nc)")
    p.add_argument("--summary-csv", action="store_true",
                   help="print scenario,region,option,metric,value,unit rows to stdout")
    p.add_argument("--time-limit", type=float, default=None, help="seconds per scenario")
    p.add_argument("--method", default="dual", help="dual (default), primal, ipm or choose")
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    p.add_argument("--verbose", action="store_true", help="show the HiGHS log")
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


def run(args: argparse.Namespace) -> int:
    from fastmonet import api
    scs = _scenarios(args)
    if args.coefficients and (args.technology or args.data):
        raise InputError("--coefficients: not with --data or --technology (the store was built "
                         "from its own inputs; rebuild it with 'fastmonet coefficients build')")
    coeffs = api.open_coefficients(args.coefficients) if args.coefficients else None
    writer = None
    if args.summary_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["scenario", "region", "option", "metric", "value", "unit"])
    if args.netcdf is not None:
        args.netcdf.mkdir(parents=True, exist_ok=True)

    def on_result(res, skipped):
        note = "already complete, skipped" if skipped else \
            f"solved in {res.stats.get('solve_s', float('nan')):.1f} s"
        print(f"fastmonet solve: {res.scenario.name}: {note}", file=sys.stderr)
        if args.netcdf is not None:
            res.to_netcdf(args.netcdf / f"{res.scenario.name}.nc")
        if writer is not None:
            for row in res.summary().itertuples(index=False):
                writer.writerow([row.scenario, row.region, row.option, row.metric,
                                 f"{row.value:.6g}", row.unit])
            sys.stdout.flush()
        elif not args.summary_csv:
            print(res)

    api.solve_many(scs, out=args.out, coefficients=coeffs, data_path=args.data,
                   on_result=on_result, technology=args.technology)
    return 0
