"""`fastmonet linkage`: the gain of every pairwise link of regions, and the cheapest join order.

    fastmonet linkage                                 # P3, medium storage, bundled data
    fastmonet linkage --csv                           # region_a,region_b,metric,value,unit
    fastmonet linkage --blocs-file my_blocs.toml      # a user's list of structures instead
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

from fastmonet.cli import common

HEADER = ["region_a", "region_b", "metric", "value", "unit"]


def register(subparsers) -> None:
    """Add `fastmonet linkage` (pairwise links, the greedy join order, or a blocs file) to the parser."""
    p = common.add_parser(
        subparsers, "linkage",
        help="pairwise links of regions and the greedy join order (trading blocs)",
        description=__doc__)
    p.add_argument("--targets", default="p3", choices=["p3", "p4"], help="target case (default p3)")
    p.add_argument("--storage", default="medium", choices=["low", "medium", "high"],
                   help="storage case (default medium)")
    common.add_data(p)
    p.add_argument("--blocs-file", type=Path, default=None,
                   help="TOML of [[structure]] tables (name, blocs, biomass_trade) to evaluate "
                        "instead of the pairs and the join path")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes solving structures in parallel")
    common.add_csv(p, "region_a,region_b,metric,value,unit rows")
    common.add_verbosity(p, solves=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Solve ISOLATION and every linkage structure (pairs and join path, or those of --blocs-file),
    print the table (or CSV) and optionally write it; returns the exit status (0)."""
    from fastmonet import api, scenarios
    from fastmonet.blocs.blocs_file import load_blocs_file
    from fastmonet.dimensions import REGIONS
    from fastmonet.errors import InputError
    from fastmonet.workflows import linkage

    if args.workers < 1:
        raise InputError(f"--workers: must be >= 1, got {args.workers}")
    named = load_blocs_file(args.blocs_file) if args.blocs_file else None
    say = lambda m: common.say(args, f"fastmonet linkage: {m}")  # noqa: E731
    t0 = time.perf_counter()
    coeffs = api.load_coefficients(args.targets, args.storage, args.data)
    base = scenarios.make("isolation", targets=args.targets, storage=args.storage)
    with linkage.Solver(coeffs, base, workers=args.workers) as solver:
        t1 = time.perf_counter()
        say(f"coefficients and ISOLATION in {t1 - t0:.1f} s")
        if named is not None:
            rows = linkage.structure_rows(solver, named)
            n = len(named)
        else:
            pairs = linkage.pairwise(solver)
            path = linkage.join_path(solver, pairs)
            rows = linkage.pair_rows(solver, pairs) + linkage.path_rows(solver, path)
            n = len(pairs) + sum(range(1, len(REGIONS) - 1))
    say(f"{n} structures solved in {time.perf_counter() - t1:.1f} s with {args.workers} "
        f"worker(s); {time.perf_counter() - t0:.1f} s in all")
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow([r[0], r[1], r[2], f"{r[3]:.6g}", r[4]])
    else:
        _table(rows, pairs_mode=named is None)
    return 0


def _table(rows, pairs_mode: bool) -> None:
    by = {}
    for a, b, metric, value, unit in rows:
        by.setdefault((a, b), {})[metric] = value
    if not pairs_mode:
        print(f"{'structure':<28}{'region':<8}{'metric':<20}{'value':>14}")
        for a, b, metric, value, unit in rows:
            print(f"{a:<28}{b:<8}{metric:<20}{value:>14.4g} {unit}")
        return
    print("Pairwise links (the other regions isolated; biomass traded within the bloc), "
          "against ISOLATION:")
    print(f"{'pair':<10}{'world cost':>14}{'shortfall':>12}{'CNC a':>10}{'CNC b':>10}{'NEP':>9}")
    print(f"{'':<10}{'change, bn$':>14}{'change, Gt':>12}{'change':>10}{'change':>10}{'$/t':>9}")
    for (a, b), m in by.items():
        if "world_cost_change" not in m:
            continue
        print(f"{a + '+' + b:<10}{m['world_cost_change'] / 1e3:>14.2f}{m['shortfall_change']:>12.2f}"
              f"{m['cnc_change_a']:>10.1f}{m['cnc_change_b']:>10.1f}{m['bloc_nep']:>9.1f}")
    print("\nGreedy join order (each step the lowest shortfall, then cost):")
    for (a, b), m in by.items():
        if "join_world_cost" in m:
            print(f"  {a} <- {b}: world cost {m['join_world_cost'] / 1e3:.2f} bn US$ "
                  f"({m['join_world_cost_change'] / 1e3:+.2f} vs ISOLATION), shortfall "
                  f"{m['join_shortfall']:.2f} GtCO2")
