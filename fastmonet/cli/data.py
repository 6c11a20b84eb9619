"""`fastmonet data check [PATH]`, `fastmonet data summary [PATH] [--csv]`,
`fastmonet data sources [PATH] [--csv]` and `fastmonet data ranges [--file F] [--csv]`."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add `fastmonet data {check,summary,sources,ranges}` (validate a data folder, national totals,
    value counts by status, the uncertainty ranges) to the parser."""
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
    ranges = sub.add_parser("ranges", help="print the uncertainty ranges (data/uncertainty.toml)",
                            description="Validate and print the uncertainty ranges: per entry "
                                        "its target, unit, distribution, low/central/high, status "
                                        "and source of each end.")
    ranges.add_argument("--file", default=None, help="ranges file (default: bundled "
                                                      "data/uncertainty.toml)")
    ranges.add_argument("--csv", action="store_true", help="CSV with every column, sources included")
    ranges.set_defaults(func=_ranges)


def _check(args: argparse.Namespace) -> int:
    from fastmonet.data import check

    print(check(args.path, technology=args.technology))
    _check_ranges(args.path, args.technology)
    return 0


def _check_ranges(path, tech_dir) -> None:
    """A data folder's uncertainty.toml (if it has one; the bundled folder does) is valid."""
    from fastmonet import technology, uncertainty
    from fastmonet.data.loader import resolve
    from fastmonet.errors import InputError

    f = resolve(path) / "uncertainty.toml"
    if f.is_file():
        tech = technology.load(technology.resolve_dir(tech_dir, path))
        r = uncertainty.load(f, tech=tech, data_path=path)
        from fastmonet import data
        r.check_inputs(data.load(path))        # multipliers x this folder's values, in bounds
        groups = "; ".join(f"group {g}: {', '.join(n)}" for g, n in r.groups().items())
        print(f"{f.name}: {len(r.parameters)} ranges, {len(r.dimension_names())} dimensions in "
              f"{len(r.sample_dimension_names())} sampled columns, valid"
              + (f" (drawn together: {groups})" if groups else ""))
    elif path is None:
        raise InputError(f"{f}: the bundled ranges file is missing (a broken install?)")


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


def _ranges(args: argparse.Namespace) -> int:
    from fastmonet import uncertainty

    table = uncertainty.load(args.file).to_frame()
    if args.csv:
        sys.stdout.write(table.to_csv(index=False))
        return 0
    short = _one_row_per_region(uncertainty.load(args.file), table)
    for col, width in (("target", 36), ("unit", 36)):  # full: --csv
        short[col] = [t if len(t := str(v)) <= width else t[:width - 1] + "~" for v in short[col]]
    short["status"] = short.pop("status_low").str[0] + "/" + short.pop("status_high").str[0]
    print(short.to_string(index=False))
    print("status: s sourced, d derived, a assumed (low/high); sources: --csv")
    return 0


def _one_row_per_region(ranges, table):
    """The table with a row per region of a per-region entry (its ends in full, never cut)."""
    import pandas as pd
    rows = []
    for p, row in zip(ranges.parameters, table.drop(columns=["source_low", "source_high"])
                      .to_dict("records")):
        low, high = p.end("low"), p.end("high")
        if not isinstance(low, dict):
            rows.append(row)
            continue
        for key in low:
            rows.append({**row, "per": f"{row['per']} {key}", "low": low[key], "high": high[key]})
    return pd.DataFrame(rows)
