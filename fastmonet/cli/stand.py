"""`fastmonet stand`: the stand model for every (zone, forest type) of Table 2."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from fastmonet import forest_tables
from fastmonet.errors import InputError

HORIZON = 100
CSV_HEADER = ("zone", "forest_type", "growing_period_yr", "fire_penalty", "max_co2_tha",
              "max_seq_tha", "thinning_share_100yr")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "stand",
        help="stand model per ecological zone and forest type (Table 2)",
        description=(
            "Run the AR stand model (SPEC 2) for every (zone, forest type) of Table 2 over "
            f"{HORIZON} years and print, per row: growing period B/G (yr), fire penalty Rfire, "
            f"maximum CO2 stock over {HORIZON} years without fire and with the fire penalty "
            f"(tCO2/ha, managed stand: above- and below-ground), and the CO2 removed in "
            f"thinnings over {HORIZON} years as a share of the CO2 standing at year {HORIZON}."
        ),
    )
    p.add_argument("--csv", action="store_true",
                   help="print CSV (header: " + ",".join(CSV_HEADER) + ")")
    p.add_argument("--plot", metavar="PNG", type=Path,
                   help="also draw the stand CO2 stocks of the four Fig. 12 examples to this file")
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="directory of the forest tables (default: data/forest)")
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


def plot_examples(path: Path, tables=None) -> None:
    """Fig. 12: above-ground (managed), below-ground and thinned CO2 over 100 years for the four
    example stands, without and with the fire penalty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fastmonet.stand import StandParams, simulate

    examples = forest_tables.FIG12_EXAMPLES
    params = StandParams.from_tables(rows=[(z, f) for z, f, _ in examples], tables=tables)
    res = simulate(params, horizon=HORIZON)
    age = np.arange(HORIZON + 1)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for i, (ax, (zone, ftype, place)) in enumerate(zip(axes.ravel(), examples)):
        cfc = params.Cf[i] * 44.0 / 12.0
        ag = res.AT[i] * cfc
        bg = res.BG[i] * cfc
        ax.stackplot(age, ag, bg, labels=["Above-ground biomass (managed)", "Below-ground biomass"],
                     colors=["#4c9a2a", "#a47148"], alpha=0.85)
        ax.plot(age, res.CO2thin[i], color="#333333", lw=2, label="Thinnings (cumulative)")
        ax.plot(age, res.CO2seq[i], color="#d62728", lw=1.5, ls="--",
                label="Stand with fire penalty")
        ax.set_title(f"{zone.replace('_', ' ').capitalize()} - {ftype}\n{place}", fontsize=10)
        ax.set_ylabel("Biomass stock (tCO2/ha)")
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("Years")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.suptitle(f"Stand CO2 stocks over {HORIZON} years (cf. Fig. 12 of the paper)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    try:
        fig.savefig(path, format="png", dpi=110)
    except OSError as exc:
        raise InputError(f"--plot {path}: cannot write the figure ({exc})") from exc
    finally:
        plt.close(fig)


def run(args: argparse.Namespace) -> int:
    tables = forest_tables.load(args.data)
    rows = stand_table(tables)
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for r in rows:
            w.writerow([r[k] if isinstance(r[k], str) else f"{r[k]:.10g}" for k in CSV_HEADER])
    else:
        _print_table(rows, sys.stdout)
    if args.plot is not None:
        if args.plot.parent and not args.plot.parent.exists():
            raise InputError(f"--plot {args.plot}: directory {args.plot.parent} does not exist")
        plot_examples(args.plot, tables)
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0
