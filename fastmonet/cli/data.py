"""`fastmonet data check [PATH]` and `fastmonet data summary [PATH] [--csv]`."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "data", help="validate and summarise a data folder",
        description="Validate a fastmonet data folder (default: the bundled data/) and print its "
                    "national totals. Exit status 2 with the first problem on bad data.")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate a data folder and print a summary")
    check.add_argument("path", nargs="?", default=None, help="data folder (default: bundled data/)")
    check.set_defaults(func=_check)
    summary = sub.add_parser("summary", help="print national totals per region")
    summary.add_argument("path", nargs="?", default=None, help="data folder (default: bundled data/)")
    summary.add_argument("--csv", action="store_true",
                         help="CSV with header region,field,case,value,unit")
    summary.set_defaults(func=_summary)


def _check(args: argparse.Namespace) -> int:
    from fastmonet.data import check

    print(check(args.path))
    return 0


def _summary(args: argparse.Namespace) -> int:
    from fastmonet.data import check

    result = check(args.path)
    if args.csv:
        sys.stdout.write(result.to_csv())
    else:
        print(result)
    return 0
