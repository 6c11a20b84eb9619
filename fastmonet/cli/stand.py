"""`fastmonet stand`: the stand model for every (zone, forest type) of Table 2."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from fastmonet import forest_tables
from fastmonet.errors import InputError

HORIZON = 100
CSV_HEADER = ("zone", "forest_type", "growing_period_yr", "fire_penalty", "max_co2_tha",
              "max_seq_tha", "thinning_share_100yr")


def register(subparsers) -> None:
    """Add `fastmonet stand` (the stand model for every zone and forest type of Table 2) to the parser."""
    p = subparsers.add_parser(
        "stand",
        help="stand model per ecological zone and forest type (Table 2)",
        description=(
            "Run the AR stand model (formulation §2) for every (zone, forest type) of Table 2 over "
            f"{HORIZON} years and print, per row: growing period B/G (yr), fire penalty Rfire, "
            f"maximum CO2 stock over {HORIZON} years without fire and with the fire penalty "
            f"(tCO2/ha, managed stand: above- and below-ground), and the CO2 removed in "
            f"thinnings over {HORIZON} years as a share of the CO2 standing at year {HORIZON}."
        ),
    )
    p.add_argument("--csv", action="store_true",
                   help="print CSV (header: " + ",".join(CSV_HEADER) + ")")
    p.add_argument("--plot", metavar="FILE", type=Path,
                   help="also draw the stand CO2 stocks of the four Fig. 12 examples to this file "
                        "(.png, .pdf or .svg)")
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="data folder whose forest/ holds the forest tables (or that folder "
                        "itself; default: the bundled data)")
    p.set_defaults(func=run)


def stand_table(tables=None):
    """Rows (dicts keyed by CSV_HEADER) for every stand of `forest_tables.stand_rows()`."""
    from fastmonet.stand import StandParams, simulate

    rows = forest_tables.stand_rows()
    params = StandParams.from_tables(rows=rows, tables=tables)
    res = simulate(params, horizon=HORIZON, trajectories=False)
    out = []
    for i, (zone, ftype) in enumerate(rows):
        out.append({
            "zone": zone,
            "forest_type": ftype,
            "growing_period_yr": float(params.B[i] / params.G[i]),
            "fire_penalty": float(params.rfire[i]),
            "max_co2_tha": float(res.co2_max[i]),
            "max_seq_tha": float(res.co2_max[i] * (1.0 - params.rfire[i])),
            "thinning_share_100yr": float(res.co2thin_final[i] / res.co2_final[i]),
        })
    return out


def _print_table(rows, stream) -> None:
    head = ("zone", "forest type", "T (yr)", "Rfire", "max CO2", "with fire", "thinned/standing")
    sub = ("", "", "", "", "(tCO2/ha)", "(tCO2/ha)", f"({HORIZON} yr)")
    body = [(r["zone"], r["forest_type"], f"{r['growing_period_yr']:.1f}",
             f"{r['fire_penalty']:.3f}", f"{r['max_co2_tha']:.1f}", f"{r['max_seq_tha']:.1f}",
             f"{100.0 * r['thinning_share_100yr']:.1f}%") for r in rows]
    widths = [max(len(x[i]) for x in (head, sub, *body)) for i in range(len(head))]
    fmt = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(fmt(head), file=stream)
    print(fmt(sub), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for b in body:
        print(fmt(b), file=stream)


PLOT_FORMATS = ("png", "pdf", "svg")


def plot_examples(path: Path, tables=None) -> None:
    """Fig. 12 (see `fastmonet.report.figures.stand_stocks`) in the format of `path`'s suffix."""
    from fastmonet.report.figures import stand_stocks

    fmt = _plot_format(path)
    fig = stand_stocks(tables, horizon=HORIZON)
    try:
        fig.fig.savefig(path, format=fmt, dpi=110)
    except OSError as exc:
        raise InputError(f"--plot {path}: cannot write the figure ({exc})") from exc
    finally:
        fig.close()


def _plot_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise InputError(f"--plot {path}: unknown figure type {path.suffix or '(no suffix)'!r}; "
                         f"use one of {', '.join('.' + f for f in PLOT_FORMATS)}")
    return fmt


def _forest_dir(data: Path | None) -> Path | None:
    """`--data` is the data folder (its forest tables are in `forest/`); a folder holding the
    forest tables themselves is accepted too."""
    if data is not None and (data / "forest").is_dir():
        return data / "forest"
    return data


def run(args: argparse.Namespace) -> int:
    """Run the stand model over the forest tables, print the table (or CSV) and optionally plot
    the trajectories; returns the exit status (0)."""
    if args.plot is not None:
        _plot_format(args.plot)
        if args.plot.parent and not args.plot.parent.exists():
            raise InputError(f"--plot {args.plot}: directory {args.plot.parent} does not exist")
    tables = forest_tables.load(_forest_dir(args.data))
    rows = stand_table(tables)
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for r in rows:
            w.writerow([r[k] if isinstance(r[k], str) else f"{r[k]:.10g}" for k in CSV_HEADER])
    else:
        _print_table(rows, sys.stdout)
    if args.plot is not None:
        plot_examples(args.plot, tables)
        if not getattr(args, "quiet", False):
            print(f"wrote {args.plot}", file=sys.stderr)
    return 0
