"""`fastmonet oat`: the one-at-a-time table: each uncertain input at its low and high end.

    fastmonet oat                                  # COOPERATION, every range of uncertainty.toml
    fastmonet oat --csv oat.csv --workers 2        # every solve's row to a CSV, two processes
    fastmonet oat --only mal,lrp --top 5

Per parameter, every dimension of it (e.g. all five regions of "mal") moves to the same end, the
rest stay central; the table ranks parameters by the larger of |dCNC| / CNC and |dShortfall| /
world target, both by 2100 (`fastmonet.workflows.oat`).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from fastmonet.cli import common


def register(subparsers) -> None:
    """Add `fastmonet oat` (each uncertain input at its range's ends, ranked by effect) to the parser."""
    p = common.add_parser(
        subparsers, "oat", help="one-at-a-time sweep: each uncertain input at its range's ends",
        description=__doc__)
    p.add_argument("--scenario", default="cooperation",
                   help="the policy solved at each end (default cooperation)")
    common.add_data(p)
    p.add_argument("--csv", type=Path, default=None, metavar="FILE",
                   help="write every solve's row (parameter, end, value, metrics) to this CSV")
    p.add_argument("--top", type=int, default=10, metavar="N", help="rows of the ranking shown")
    p.add_argument("--only", default=None, metavar="NAMES",
                   help="comma-separated parameter names of the ranges file")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                   help="worker processes solving ends in parallel")
    common.add_verbosity(p, solves=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, run the one-at-a-time sweep and print its ranking (and the CSV when
    asked); returns the exit status (0)."""
    from fastmonet import data, scenarios
    from fastmonet.errors import InputError
    from fastmonet.workflows import oat
    if args.workers < 1:
        raise InputError(f"--workers: must be >= 1, got {args.workers}")
    if args.top < 1:
        raise InputError(f"--top: must be >= 1, got {args.top}")
    scenarios.make(args.scenario, where="--scenario")
    if args.csv is not None and args.csv.parent and not args.csv.parent.is_dir():
        raise InputError(f"--csv {args.csv}: folder {args.csv.parent} does not exist")
    names = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    table = oat.sweep(args.scenario, names, progress=lambda s: common.say(args, s),
                      workers=args.workers, data_path=args.data, verbose=args.verbose)
    if args.csv is not None:
        table.to_csv(args.csv, index=False)
    target = float(data.load(args.data)["target"].isel(year=-1).sum()) / 1e9
    central = table.iloc[0]
    print(f"central {args.scenario}: CNC 2100 {central['cnc']:.1f} US$/tCO2, shortfall "
          f"{central['shortfall']:.2f} GtCO2 (world target {target:.0f} GtCO2)")
    print(oat.ranking(table, target).head(args.top).to_string(index=False, float_format="%.2f"))
    return 0
