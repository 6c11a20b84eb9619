"""`fastmonet data check [PATH]`, `fastmonet data summary [PATH] [--csv]` and
`fastmonet data sources [PATH] [--csv]`."""

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
    check.add_argument("--technology", default=None,
                       help="technology TOML folder to validate (default: PATH/technology if it "
                            "exists, else the bundled data/technology)")
    check.set_defaults(func=_check)
    summary = sub.add_parser("summary", help="print national totals per region")
    summary.add_argument("path", nargs="?", default=None, help="data folder (default: bundled data/)")
    summary.add_argument("--csv", action="store_true",
                         help="CSV with header region,field,case,value,unit")
    summary.set_defaults(func=_summary)
    sources = sub.add_parser("sources", help="count the values of each file and field by status "
                                             "(sourced, derived, assumed)")
    sources.add_argument("path", nargs="?", default=None, help="data folder (default: bundled data/)")
    sources.add_argument("--csv", action="store_true",
                         help="CSV with header file,field,sourced,derived,assumed,total")
    sources.set_defaults(func=_sources)


def _check(args: argparse.Namespace) -> int:
    from fastmonet.data import check

    print(check(args.path, technology=args.technology))
    return 0


def _summary(args: argparse.Namespace) -> int:
    from fastmonet.data import check

    result = check(args.path)
    if args.csv:
        sys.stdout.write(result.to_csv())
    else:
        print(result)
    return 0


def _sources(args: argparse.Namespace) -> int:
    from fastmonet.data import status
    from fastmonet.data.loader import resolve

    rows = status.report(resolve(args.path))
    sys.stdout.write(status.to_csv(rows) if args.csv else status.to_text(rows) + "\n")
    return 0
