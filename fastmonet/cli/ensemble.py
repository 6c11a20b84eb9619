"""`fastmonet ensemble run | report`: uncertainty ensembles (see fastmonet.ensemble).

    fastmonet ensemble run --n 100 --scenario cooperation --scenario current_policy \
        --out ens.zarr --sampler lhs --seed 1 [--workers 2 | --scheduler tcp://HOST:8786]
    fastmonet ensemble report ens.zarr --out ens_report/ [--csv] [--cnc-threshold 150]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fastmonet.cli.common import say


def register(subparsers) -> None:
    """Add `fastmonet ensemble {run,report}` (run or resume an ensemble store, report it) to the parser."""
    p = subparsers.add_parser(
        "ensemble", help="uncertainty ensembles: run members drawn from the ranges, report them",
        description="Draw members from the ranges file, solve them on dask.distributed into one "
                    "zarr store (a rerun resumes), and report percentiles and Sobol indices.")
    sub = p.add_subparsers(dest="ensemble_command", metavar="{run,report}", required=True)
    r = sub.add_parser("run", help="run or resume an ensemble",
                       description="Run N members x scenarios into STORE; the same command resumes "
                                   "a killed run. Exits 1 only if every member failed.")
    r.add_argument("--n", type=int, required=True,
                   help="members (sobol: at most N; the Saltelli design uses N//(d+2) x (d+2))")
    r.add_argument("--scenario", action="append", default=None,
                   help="COOPERATION, CURRENT_POLICY, ISOLATION or SWITCH_<year>; repeat for "
                        "several (default: cooperation)")
    r.add_argument("--out", type=Path, required=True, help="the ensemble zarr store")
    r.add_argument("--ranges", type=Path, default=None,
                   help="ranges TOML (default: DATA/uncertainty.toml if the --data folder has "
                        "one, else the bundled data/uncertainty.toml)")
    r.add_argument("--sampler", default="sobol", choices=("sobol", "lhs", "random"),
                   help="sobol (Saltelli, gives Sobol indices; default), lhs or random")
    r.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    r.add_argument("--workers", type=int, default=None,
                   help="worker processes of the local dask cluster (default: one per core; "
                        "0: no cluster, run in this process)")
    r.add_argument("--scheduler", default=None,
                   help="address of an existing dask scheduler, e.g. tcp://10.0.0.5:8786")
    r.add_argument("--block", type=int, default=None, help="members per coefficient block")
    r.add_argument("--targets", default="p3", help="p3 or p4 (default p3)")
    r.add_argument("--storage", default="medium",
                   help="storage case when the ranges do not sample it (default medium)")
    r.add_argument("--data", type=Path, default=None, help="data directory (default: bundled)")
    r.add_argument("--technology", type=Path, default=None, help="technology TOML directory")
    r.add_argument("--time-limit", type=float, default=None, help="seconds per LP solve")
    r.add_argument("--no-warm-start", dest="warm_start", action="store_false",
                   help="solve every member cold, instead of starting each cost stage from the "
                        "central member's basis (about 1.9x fewer simplex iterations)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary line")
    r.set_defaults(func=_run)
    q = sub.add_parser("report", help="percentiles, target probabilities, sensitivity, PRIM boxes, "
                                      "figures",
                       description="Summarise an ensemble store: 5/50/95 percentiles, probability "
                                   "of meeting the 2100 target, value of cooperation, Sobol "
                                   "indices (sobol sampler), PAWN sensitivity with bootstrap "
                                   "intervals (any sampler), PRIM boxes of the inputs where the "
                                   "target is missed, DACCS is built, world CNC is above a "
                                   "threshold (analysis.md), figures.")
    q.add_argument("store", type=Path, help="the ensemble zarr store")
    q.add_argument("--out", type=Path, default=None,
                   help="directory for figures and CSV files (default: STORE without .zarr + _report)")
    q.add_argument("--csv", action="store_true",
                   help="print scenario,region,option,metric,stat,value,unit rows to stdout")
    q.add_argument("--cnc-threshold", type=float, default=None, metavar="USD_PER_T",
                   help="the world CNC by 2100 (US$2018/tCO2) the PRIM question 'CNC above' asks "
                        "about (default: each scenario's median)")
    q.add_argument("--resamples", type=int, default=None,
                   help="bootstrap resamples of the PAWN intervals (default 50; at least 10)")
    q.set_defaults(func=_report)


def _run(args: argparse.Namespace) -> int:
    from fastmonet import ensemble
    from fastmonet.scenarios import SolverOptions
    # --time-limit 0 is no limit of zero seconds: SolverOptions refuses it (time_limit > 0).
    solver = SolverOptions(time_limit=args.time_limit) if args.time_limit is not None else None
    summary = ensemble.run(
        n=args.n, scenarios=args.scenario or ["cooperation"], out=args.out, ranges=args.ranges,
        sampler=args.sampler, seed=args.seed, workers=args.workers, scheduler=args.scheduler,
        targets=args.targets, storage=args.storage, data_path=args.data, tech=args.technology,
        block=args.block, solver=solver, progress=not args.quiet, warm_start=args.warm_start)
    say(args, summary.describe())
    if summary.all_failed:
        print(f"fastmonet ensemble run: every member failed ({sum(summary.failed.values())} "
              f"solves); see the store's `message` variable", file=sys.stderr)
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    import math

    from fastmonet import ensemble
    from fastmonet.ensemble import report
    from fastmonet.errors import InputError
    from fastmonet.report import ensemble_analysis as report_analysis
    if args.cnc_threshold is not None and not math.isfinite(args.cnc_threshold):
        raise InputError(f"--cnc-threshold: a finite number of US$2018/tCO2, got {args.cnc_threshold}")
    resamples = report_analysis.RESAMPLES if args.resamples is None else args.resamples
    if resamples < 10:
        raise InputError(f"--resamples: at least 10 bootstrap resamples, got {resamples}")
    ds = ensemble.open(args.store)
    out = args.out or args.store.with_name(args.store.name.removesuffix(".zarr") + "_report")
    table = report.summarise(ds)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "summary.csv", index=False)
    coop = report.value_of_cooperation(ds)
    if coop is not None:
        coop.to_csv(out / "value_of_cooperation.csv", index=False)
    paths = report.figures(ds, out)
    analysis = report_analysis.analyse(ds, cnc_threshold=args.cnc_threshold, num_resamples=resamples)
    analysis.sensitivity.to_csv(out / "sensitivity.csv", index=False)
    report_analysis.boxes_table(analysis.boxes).to_csv(out / "prim_boxes.csv", index=False)
    (out / "analysis.md").write_text(report_analysis.markdown(ds, analysis))
    paths += [out / "sensitivity.csv", out / "prim_boxes.csv", out / "analysis.md"]
    for line in report_analysis.summary_lines(analysis):
        say(args, line)
    for column, params in report.correlated(ds).items():
        say(args, f"drawn together (one sampled column {column}): {', '.join(params)}")
    for (s, key), why in report.sobol_indices(ds).items():
        if isinstance(why, str):
            say(args, f"Sobol indices of {key} ({s}): {why}")
    done = table[(table["metric"] == "members") & (table["stat"] == "done")]
    for s, n in zip(done["scenario"], done["value"]):
        warn = report.member_warning(int(n))
        if warn:
            say(args, f"warning: {s}: {warn}")
    if args.csv:
        table.to_csv(sys.stdout, index=False)
    else:
        _print_overview(table)
    say(args, f"wrote summary.csv and {', '.join(p.name for p in paths)} to {out}")
    return 0


def _print_overview(table) -> None:
    t = table[(table["region"] == "world") & (table["option"] == "all")
              & table["metric"].isin(["cnc_2100", "shortfall_2100", "nep"])]
    wide = t.pivot_table(index=["scenario", "metric", "unit"], columns="stat", values="value")
    print(wide[[c for c in ("p5", "p50", "p95") if c in wide.columns]].to_string(float_format="%.4g"))
