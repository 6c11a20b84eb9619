"""Write docs/sensitivity.md from an ensemble store: Sobol indices with bootstrap intervals, fan
charts, and the percentile at which each of the paper's headline results falls.

    fastmonet ensemble run --n N --sampler sobol --scenario cooperation --scenario isolation \
        --out study.zarr [--workers K]                      # the study (resumable)
    python docs/scripts/sensitivity.py study.zarr           # print the page
    python docs/scripts/sensitivity.py study.zarr --write   # rewrite docs/sensitivity.md and
                                                            # docs/figures/sensitivity_*.png
    python docs/scripts/sensitivity.py study.zarr --write --readings --note "..."
                                 # also the ensemble's 5-50-95 % in docs/readings.md; --note: a line
                                 # under the title saying where and how the study ran

Outputs (2100, world unless named): CNC (US$2018/tCO2), DACCS and AR shares of the cumulative
removal (%), India's shortfall (GtCO2). Sobol indices (first order S1, total ST) are SALib's, over
the store's sampled columns (a group of correlated entries is one), each with its 95 % bootstrap
interval (SALib's `conf_level=0.95`, 1,000 resamples here); an index counts as resolved when its
interval is narrower than the index (2 x half-width < index). A headline result's percentile is
`scipy.stats.percentileofscore(kind="mean")` of the paper's value among the finished members.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

DOCS = Path(__file__).resolve().parents[1]
PAGE = DOCS / "sensitivity.md"
FIGURES = DOCS / "figures"
SCENARIOS = ("cooperation", "isolation")
#: The paper's headline results (section 3): value, what it is.
HEADLINES = {
    "cnc": (57.0, "world CNC by 2100 of 57 US$/tCO2 (COOPERATION)"),
    "daccs_share": (0.0, "no DACCS (COOPERATION)"),
    "ar_share": (26.0, "AR 26 % of the removal (65 of 251 GtCO2, COOPERATION)"),
    "india_shortfall": (16.0, "India 16 GtCO2 short of its target (ISOLATION, CURRENT_POLICY)"),
}
OUTPUTS = {"cnc": ("world CNC 2100", "US$2018/tCO2"), "daccs_share": ("DACCS share 2100", "%"),
           "ar_share": ("AR share 2100", "%"), "india_shortfall": ("India shortfall 2100", "GtCO2")}
RESAMPLES = 1000
TOP = 8


def outputs(ds, scenario: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per member: the four outputs, and which members finished."""
    from fastmonet.ensemble import store
    ok = np.asarray(ds["status"].sel(scenario=scenario).values) == store.DONE
    y = int(ds["year"].values[-1])
    # region and option partition: the world is their sum (NaN for a member that failed)
    cum = ds["cum_removal"].sel(scenario=scenario, year=y).sum("region", skipna=False)
    total = np.asarray(cum.sum("option", skipna=False).values, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "cnc": np.asarray(ds["cnc_world_all_options"].sel(scenario=scenario, year=y).values,
                              np.float64),
            "daccs_share": 100.0 * np.asarray(cum.sel(option="daccs").values, np.float64) / total,
            "ar_share": 100.0 * np.asarray(cum.sel(option="ar").values, np.float64) / total,
            "india_shortfall": np.asarray(ds["shortfall"].sel(scenario=scenario, region="IND",
                                                              year=y).values, np.float64) / 1e9,
        }
    return out, ok


def sobol(ds, y: np.ndarray, seed: int) -> dict | str:
    """S1, ST and their 95 % bootstrap half-widths over the sampled columns, or why not."""
    from SALib.analyze import sobol as salib

    from fastmonet.ensemble import report
    if ds.attrs.get("sampler") != "sobol":
        return f"not computed: the store was drawn with --sampler {ds.attrs.get('sampler')}"
    if not np.all(np.isfinite(y)):
        return "not computed: some members did not finish or have no value"
    if np.ptp(y) == 0:
        return "not computed: the output does not vary across members"
    names = report.sampled_names(ds)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    second = bool(ds.attrs.get("saltelli_second_order", True))
    res = salib.analyze(problem, y, calc_second_order=second, num_resamples=RESAMPLES,
                        conf_level=0.95, seed=seed)
    return {"names": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
            "ST_conf": res["ST_conf"]}


def percentile(values: np.ndarray, x: float) -> float:
    from scipy.stats import percentileofscore
    v = values[np.isfinite(values)]
    return float(percentileofscore(v, x, kind="mean")) if v.size else float("nan")


def _f(v: float, digits: int = 3) -> str:
    return "n/a" if not np.isfinite(v) else f"{v:.{digits}g}"


def indices_table(res: dict) -> str:
    order = np.argsort(-np.nan_to_num(res["ST"], nan=-1.0))[:TOP]
    lines = ["| input (sampled column) | ST | ST 95 % interval | S1 | S1 95 % interval | resolved |",
             "|---|---|---|---|---|---|"]
    for j in order:
        st, stc, s1, s1c = res["ST"][j], res["ST_conf"][j], res["S1"][j], res["S1_conf"][j]
        lines.append(f"| {res['names'][j]} | {_f(st, 2)} | {_f(st - stc, 2)} to {_f(st + stc, 2)} | "
                     f"{_f(s1, 2)} | {_f(s1 - s1c, 2)} to {_f(s1 + s1c, 2)} | "
                     f"{'yes' if 2 * stc < st else 'no'} |")
    return "\n".join(lines)


def drivers(res: dict, label: str) -> str:
    """One generated sentence: the inputs that drive the output, by total index."""
    order = [j for j in np.argsort(-np.nan_to_num(res["ST"], nan=-1.0)) if 2 * res["ST_conf"][j] < res["ST"][j]]
    if not order:
        return (f"No input's total index of {label} is resolved at this sample size (every 95 % "
                f"interval is wider than its index): run more members.")
    top = ", ".join(f"{res['names'][j]} (ST {res['ST'][j]:.2f} ± {res['ST_conf'][j]:.2f})" for j in order[:3])
    inter = float(np.nansum(res["ST"]) - np.nansum(res["S1"]))
    return (f"{label} is driven most by {top}; the total indices exceed the first-order ones by "
            f"{inter:.2f} in sum, the part of the variance due to interactions.")


def figures(ds, out_dir: Path) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fastmonet.ensemble import report
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [s for s in SCENARIOS if s in [str(x) for x in ds["scenario"].values]]
    sub = ds.sel(scenario=names)
    fan = report._fan(sub, out_dir, plt)
    fan_path = fan.rename(out_dir / "sensitivity_fan.png")
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(4.0 * len(OUTPUTS), 3.2))
    for ax, (key, (label, unit)) in zip(axes, OUTPUTS.items()):
        for s in names:
            vals, ok = outputs(ds, s)
            v = vals[key][ok]
            v = v[np.isfinite(v)]
            if v.size:
                ax.hist(v, bins=min(30, max(5, v.size // 4)), alpha=0.5, label=s)
        ax.axvline(HEADLINES[key][0], color="k", ls="--", lw=1, label="paper")
        ax.set_xlabel(f"{label} ({unit})")
        ax.set_ylabel("members")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    hist_path = out_dir / "sensitivity_outputs.png"
    fig.savefig(hist_path, dpi=120)
    plt.close(fig)
    return [fan_path, hist_path]


def page(store_path: str, write_figures: bool, note: str = "") -> tuple[str, dict]:
    from fastmonet import ensemble
    return render(ensemble.open(store_path).load(), Path(store_path).name, write_figures, note)


def render(ds, store_name: str, write_figures: bool = False, note: str = "") -> tuple[str, dict]:
    """The page's text and {(output, scenario): (p5, p50, p95, percentile of the paper's value)}."""
    from fastmonet.ensemble import report
    seed = int(ds.attrs.get("seed", 0))
    names = [s for s in SCENARIOS if s in [str(x) for x in ds["scenario"].values]]
    if not names:
        from fastmonet.errors import InputError
        raise InputError(f"{store_name}: holds none of the scenarios {', '.join(SCENARIOS)}")
    m = ds.sizes["member"]
    groups = report.correlated(ds)
    lines = [
        "# Sensitivity of the headline results (generated)",
        "",
        f"Generated by `python docs/scripts/sensitivity.py {store_name} --write` from an "
        f"ensemble store: {m} members, sampler {ds.attrs.get('sampler')}"
        + (f" (Saltelli base N = {ds.attrs.get('saltelli_base_n')}, "
           f"{len(report.sampled_names(ds))} sampled columns)" if ds.attrs.get("sampler") == "sobol" else "")
        + f", seed {seed}, ranges `{Path(str(ds.attrs.get('ranges_path', ''))).name or 'given'}`, "
        f"targets {ds.attrs.get('targets')}, fastmonet {ds.attrs.get('fastmonet_version')}. "
        "Edit the script, not this page.",
        "",
        *([f"**{note}**", ""] if note else []),
        f"Ranges: `{Path(str(ds.attrs.get('ranges_path', ''))).name or 'given'}` (for the bundled "
        "`data/uncertainty.toml`, `fastmonet data ranges --csv` lists every end with its source "
        "and status). Drawn together (one sampled column each): "
        + ("; ".join(f"{k} = {', '.join(v)}" for k, v in groups.items()) if groups else "none")
        + ". Sobol indices: SALib, 95 % bootstrap intervals "
        f"({RESAMPLES} resamples); *resolved* = the interval is narrower than the index.",
        "",
        "## Where the paper's headline results fall",
        "",
        "Percentile of the paper's value among the finished members (0: below every member, 100: "
        "above every member).",
        "",
        "| headline (paper) | unit | scenario | members | p5 | p50 | p95 | paper's value at percentile |",
        "|---|---|---|---|---|---|---|---|",
    ]
    summary = {}
    for key, (value, what) in HEADLINES.items():
        label, unit = OUTPUTS[key]
        for s in names:
            vals, ok = outputs(ds, s)
            v = vals[key][ok]
            v = v[np.isfinite(v)]
            p5, p50, p95 = (np.percentile(v, [5, 50, 95]) if v.size else (np.nan,) * 3)
            pct = percentile(v, value)
            summary[(key, s)] = (p5, p50, p95, pct)
            lines.append(f"| {what} | {unit} | {s} | {v.size} | {_f(p5)} | {_f(p50)} | {_f(p95)} | "
                         f"{_f(pct, 3)} |")
    lines += ["", "## Sobol indices", ""]
    if ds.attrs.get("sampler") != "sobol":
        lines += [f"Not computed: the store was drawn with --sampler {ds.attrs.get('sampler')}; "
                  "Sobol indices need --sampler sobol.", ""]
    for s in (names if ds.attrs.get("sampler") == "sobol" else []):
        vals, ok = outputs(ds, s)
        for key, (label, unit) in OUTPUTS.items():
            lines += [f"### {s}: {label} ({unit})", ""]
            y = vals[key]
            res = sobol(ds, np.where(ok, y, np.nan), seed)
            if isinstance(res, str):
                lines += [res, ""]
                continue
            lines += [indices_table(res), "", drivers(res, f"{label} under {s}"), ""]
    if write_figures:
        paths = figures(ds, FIGURES)
        lines += ["## Fan charts and distributions", ""]
        lines += [f"![{p.stem}](figures/{p.name})" for p in paths]
        lines.append("")
    return "\n".join(lines) + "\n", summary


def readings_block(summary: dict, store_path: str, m: int) -> str:
    """The ensemble's 5-50-95 % beside docs/readings.md's scenario table."""
    rows = ["| scenario | quantity (2100) | unit | p5 | p50 | p95 |", "|---|---|---|---|---|---|"]
    for (key, s), (p5, p50, p95, _) in summary.items():
        label, unit = OUTPUTS[key]
        rows.append(f"| {s.upper()} | {label} | {unit} | {_f(p5)} | {_f(p50)} | {_f(p95)} |")
    return (f"Ensemble of {m} members (`{Path(store_path).name}`, see docs/sensitivity.md):\n\n"
            + "\n".join(rows))


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- generated:{name}:begin -->", f"<!-- generated:{name}:end -->"
    if begin not in text:
        anchor = "<!-- generated:results:end -->"
        return text.replace(anchor, f"{anchor}\n\n{begin}\n{body}\n{end}", 1)
    return re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: f"{begin}\n{body}\n{end}",
                  text, flags=re.S)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("store", help="an ensemble store (fastmonet ensemble run --out)")
    ap.add_argument("--write", action="store_true", help="rewrite docs/sensitivity.md and its figures")
    ap.add_argument("--readings", action="store_true",
                    help="with --write: the ensemble's 5-50-95 %% in docs/readings.md")
    ap.add_argument("--out", type=Path, default=PAGE, help="the page to write (default docs/sensitivity.md)")
    ap.add_argument("--note", default="", help="a line under the title (where and how the store was run)")
    args = ap.parse_args(argv)
    from fastmonet.errors import InputError
    try:
        text, summary = page(args.store, write_figures=args.write, note=args.note)
    except InputError as exc:
        print(f"sensitivity.py: {exc}", file=sys.stderr)
        return 2
    if not args.write:
        sys.stdout.write(text)
        return 0
    args.out.write_text(text)
    if args.readings:
        from fastmonet import ensemble
        m = ensemble.open(args.store).sizes["member"]
        doc = DOCS / "readings.md"
        doc.write_text(replace_section(doc.read_text(), "ensemble", readings_block(summary, args.store, m)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
