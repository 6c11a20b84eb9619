"""``fastmonet coefficients``: build the LP coefficients (formulation §9.3) or summarise them.

    fastmonet coefficients summary [--csv]          per-region min/median/max of key metrics
    fastmonet coefficients build --out coeffs.zarr  write the coefficient Dataset (zarr 3)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from fastmonet.errors import InputError


def register(subparsers) -> None:
    """Add `fastmonet coefficients {summary,build}` and their options to the command parser."""
    p = subparsers.add_parser("coefficients",
                              help="LP coefficients of AR, BECCS and DACCS (formulation §2.6 to §5)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext in (("summary", "print per-region min/median/max of the coefficients"),
                           ("build", "write the coefficients Dataset (formulation §9.3) to a zarr "
                                     "store")):
        q = sub.add_parser(name, help=helptext)
        q.add_argument("--data", default=None, help="data directory (default: the bundled data/)")
        q.add_argument("--technology", default=None, help="technology TOML directory (default: DATA/technology if it "
                       "exists, else the bundled data/technology)")
        q.add_argument("--storage", default="medium", choices=["low", "medium", "high"], help="storage case")
        q.add_argument("--targets", default="p3", choices=["p3", "p4"], help="target case")
        q.add_argument("--quiet", action="store_true", help="no log lines on stderr")
        if name == "summary":
            q.add_argument("--csv", action="store_true", help="CSV on stdout instead of a table")
        else:
            q.add_argument("--out", required=True, help="output zarr store (overwritten)")
    p.set_defaults(func=run)


def _load(args):
    from fastmonet import technology
    from fastmonet.data import load
    from fastmonet.data.validate import check_transition_agrees

    inputs = load(args.data, storage=args.storage, targets=args.targets)
    tech = technology.load(technology.resolve_dir(args.technology, args.data))
    check_transition_agrees(inputs, tech)
    return inputs, tech


def run(args) -> int:
    """Build the coefficients from the data and technology folders, then print their per-region
    summary or write them to a zarr store; returns the exit status (0)."""
    from fastmonet.coefficients import build, save

    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    t0 = time.perf_counter()
    inputs, tech = _load(args)
    timings = {"load": time.perf_counter() - t0}
    coeffs = build(inputs, tech, timings=timings)
    if args.action == "build":
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out}: exists and is not a directory (zarr store)")
        t1 = time.perf_counter()
        save(coeffs, out)
        timings["write"] = time.perf_counter() - t1
        logging.getLogger("fastmonet.coefficients").info(
            "wrote %s (%d chains); timings %s", out, coeffs.sizes["chain"],
            json.dumps({k: round(v, 3) for k, v in timings.items()}))
        return 0
    from fastmonet.coefficients.summary import summary

    table = summary(inputs, coeffs, tech)
    if args.csv:
        text = table.to_csv(index=False, float_format="%.4g")
    else:
        text = table.to_string(index=False, float_format=lambda v: f"{v:.4g}") + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:   # e.g. piped into head
        pass
    return 0
