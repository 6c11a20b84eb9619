"""What an ensemble says: percentiles, the chance of meeting the targets, the value of
cooperation, Sobol indices, and figures.

    rows = summarise(ds)         # long table: scenario, region, option, metric, stat, value, unit
    coop = value_of_cooperation(ds)      # per member: CNC of each scenario / CNC of COOPERATION
    sobol = sobol_indices(ds)            # per scenario and output: S1, ST (SALib), or a reason
    figures(ds, out_dir)                 # fan charts, Sobol bars, CNC histograms (PNG)

Statistics use the members whose (member, scenario) finished; the counts of done and failed
members are rows of the table.  A tail percentile p is backed by the data only when at least
`TAIL_MEMBERS` members lie beyond it (n >= TAIL_MEMBERS x 100 / p); with fewer members
`member_warning` says so, and the table gains bootstrap intervals (stats `p5_ci_low`,
`p5_ci_high`, ...: the 5th and 95th percentiles of the percentile over `BOOTSTRAP` resamples of
the members).  Colours come from `fastmonet.report.palette`, as in the run report. A target
counts as met when the 2100 shortfall is at most 1e-6 of the 2100 target (the LP's own tolerance is far tighter).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.ensemble import store
from fastmonet.ensemble.outcomes import MET_TOL, UNITS, _last, outputs, target_met  # noqa: F401 (report API)
from fastmonet.ensemble.sampled import correlated, sampled_names  # noqa: F401 (report API)
from fastmonet.partition import labelled

PERCENTILES = (5, 50, 95)
TAIL_MEMBERS = 2           # members beyond a tail percentile for it to be more than one member
BOOTSTRAP = 1000
CI = (5, 95)               # the bootstrap interval of a percentile
COLUMNS = ["scenario", "region", "option", "metric", "stat", "value", "unit"]
SOBOL_OUTPUTS = {"cnc_2100": ("cnc", "US$2018/tCO2"), "shortfall_2100": ("shortfall", "GtCO2")}


def _done(ds: xr.Dataset, scenario: str) -> np.ndarray:
    return np.asarray(ds["status"].sel(scenario=scenario).values) == store.DONE


def summarise(ds: xr.Dataset) -> pd.DataFrame:
    """The ensemble's percentiles of every output per scenario, region and option, with member counts
    (done, failed) and bootstrap intervals, as a long DataFrame with `COLUMNS`."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    ds = ds.load()
    rows = []
    outs = outputs(ds)
    for s in [str(x) for x in ds["scenario"].values]:
        ok = _done(ds, s)
        rows.append((s, "world", "all", "members", "done", float(ok.sum()), "1"))
        rows.append((s, "world", "all", "members", "failed",
                     float((np.asarray(ds["status"].sel(scenario=s).values) == store.FAILED).sum()), "1"))
        few = member_warning(int(ok.sum())) is not None
        for metric, da in outs.items():
            da = da.sel(scenario=s).isel(member=np.flatnonzero(ok))
            for key, vals in _cells(da):
                region, option = key
                for p in PERCENTILES:
                    v = float(np.percentile(vals, p)) if vals.size else np.nan
                    rows.append((s, region, option, metric, f"p{p}", v, UNITS[metric]))
                if few:
                    for p, (lo, hi) in zip(PERCENTILES, bootstrap_intervals(vals)):
                        rows.append((s, region, option, metric, f"p{p}_ci_low", lo, UNITS[metric]))
                        rows.append((s, region, option, metric, f"p{p}_ci_high", hi, UNITS[metric]))
        rows.extend(_target_rows(ds, s, ok))
    rows.extend(_cooperation_rows(ds))
    for (s, out), res in sobol_indices(ds).items():
        if isinstance(res, str):
            continue
        for name, s1, st in zip(res["names"], res["S1"], res["ST"]):
            rows.append((s, "world", "all", out, f"S1:{name}", float(s1), "1"))
            rows.append((s, "world", "all", out, f"ST:{name}", float(st), "1"))
    return pd.DataFrame(rows, columns=COLUMNS)


def members_needed(percentiles=PERCENTILES) -> int:
    """Members for `TAIL_MEMBERS` of them to lie beyond the most extreme tail percentile."""
    tail = min(min(p, 100 - p) for p in percentiles)
    return int(np.ceil(TAIL_MEMBERS * 100 / tail)) if tail > 0 else 1


def member_warning(n: int, percentiles=PERCENTILES) -> str | None:
    """The words for a member count too small for the percentiles shown (None when enough)."""
    need = members_needed(percentiles)
    if n >= need:
        return None
    lo, hi = min(percentiles), max(percentiles)
    return (f"only {n} members: p{lo} and p{hi} need at least {need} ({TAIL_MEMBERS} members "
            f"beyond each); with {n} they are set by the one or two most extreme members; the "
            f"table gives bootstrap intervals (stats p{lo}_ci_low ... p{hi}_ci_high)")


def bootstrap_intervals(vals, percentiles=PERCENTILES, n_boot: int = BOOTSTRAP, seed: int = 0):
    """[(low, high)] per percentile: the CI percentiles of that percentile over `n_boot`
    resamples (with replacement) of `vals`; NaN without values."""
    vals = np.asarray(vals, np.float64)
    if vals.size == 0:
        return [(np.nan, np.nan) for _ in percentiles]
    rng = np.random.default_rng(seed)
    resampled = vals[rng.integers(0, vals.size, size=(n_boot, vals.size))]
    stats = np.percentile(resampled, percentiles, axis=1)                  # (len(p), n_boot)
    return [tuple(float(x) for x in np.percentile(row, CI)) for row in stats]


def _cells(da: xr.DataArray):
    """((region, option), values over members) for every region / option of `da`."""
    regions = [str(r) for r in da["region"].values] if "region" in da.dims else ["world"]
    options = [str(o) for o in da["option"].values] if "option" in da.dims else ["all"]
    for r in regions:
        for o in options:
            sel = da
            if "region" in da.dims:
                sel = sel.sel(region=r)
            if "option" in da.dims:
                sel = sel.sel(option=o)
            vals = np.asarray(sel.values, np.float64)
            yield (r, o), vals[np.isfinite(vals)]


def _target_rows(ds, s, ok):
    met = target_met(ds, s).isel(member=np.flatnonzero(ok))
    for r in [str(x) for x in ds["region"].values]:
        v = float(met.sel(region=r).mean()) if ok.any() else np.nan
        yield (s, r, "all", "target_met_2100", "probability", v, "1")


def value_of_cooperation(ds: xr.Dataset) -> pd.DataFrame | None:
    """Per member: world CNC by 2100 of each other scenario over COOPERATION's (None without it)."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    names = [str(x) for x in ds["scenario"].values]
    if "cooperation" not in names or len(names) < 2:
        return None
    cnc = outputs(ds)["cnc_2100"].sel(region="world")
    base = cnc.sel(scenario="cooperation")
    cols = {"member": ds["member"].values}
    for s in names:
        if s != "cooperation":
            cols[f"cnc_{s}_over_cooperation"] = np.asarray((cnc.sel(scenario=s) / base).values)
    return pd.DataFrame(cols)


def _cooperation_rows(ds):
    table = value_of_cooperation(ds)
    if table is None:
        return []
    rows = []
    for col in table.columns[1:]:
        s = col.removeprefix("cnc_").removesuffix("_over_cooperation")
        vals = table[col].to_numpy()
        vals = vals[np.isfinite(vals)]
        for p in PERCENTILES:
            rows.append((s, "world", "all", "cnc_2100_over_cooperation", f"p{p}",
                         float(np.percentile(vals, p)) if vals.size else np.nan, "1"))
    return rows


def sobol_indices(ds: xr.Dataset) -> dict:
    """{(scenario, output): {"names", "S1", "ST", "S1_conf", "ST_conf"} or why not computed}."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    if ds.attrs.get("sampler") != "sobol":
        return {}
    from SALib.analyze import sobol
    names = sampled_names(ds)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    # The design the store was drawn with: N (d + 2) members without second-order terms (the
    # current sampler), N (2d + 2) with them (stores drawn before; the attribute says which).
    second_order = bool(ds.attrs.get("saltelli_second_order", True))
    out = {}
    outs = outputs(ds)
    for s in [str(x) for x in ds["scenario"].values]:
        ok = _done(ds, s)
        for key in SOBOL_OUTPUTS:
            if not ok.all():
                out[(s, key)] = f"not computed: {int((~ok).sum())} members did not finish"
                continue
            y = np.asarray(outs[key].sel(scenario=s, region="world").values, np.float64)
            if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
                out[(s, key)] = "not computed: the output does not vary across members"
                continue
            res = sobol.analyze(problem, y, calc_second_order=second_order, seed=int(ds.attrs.get("seed", 0)))
            out[(s, key)] = {"names": names, "S1": res["S1"], "ST": res["ST"],
                             "S1_conf": res["S1_conf"], "ST_conf": res["ST_conf"]}
    return out


# ----------------------------------------------------------------------------------- figures
def figures(ds: xr.Dataset, out_dir: str | Path) -> list[Path]:
    """Write the fan chart, the CNC histograms and (when the design allows) the Sobol bars as PNGs
    into `out_dir`; returns their paths."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ds = ds.load()
    paths = [_save(fan_figure(ds), out_dir / "fan_cum_removal.png", plt),
             _save(histogram_figure(ds), out_dir / "cnc_histograms.png", plt)]
    sob = {k: v for k, v in sobol_indices(ds).items() if not isinstance(v, str)}
    if sob:
        paths.append(_sobol_bars(sob, out_dir, plt))
    return paths


def _save(fig, path: Path, plt) -> Path:
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def fan_figure(ds):
    """World cumulative removal per option: median and the 5-95 % band, one panel a scenario
    (option colours of the run report; a member count too small for p5/p95 is said in red)."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    import matplotlib.pyplot as plt

    from fastmonet.report.palette import OPTION_NAMES, SHORTFALL_COLOUR, option_colour
    names = [str(x) for x in ds["scenario"].values]
    options = ["ar", "beccs", "daccs", "all"]
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.9), squeeze=False,
                             sharey=True)
    years = ds["year"].values
    for ax, s in zip(axes[0], names):
        ok = np.flatnonzero(_done(ds, s))
        for o in options:
            v = ds["cum_removal"].sel(scenario=s, region="world", option=o).isel(member=ok).values / 1e9
            if v.size == 0:
                continue
            lo, mid, hi = np.percentile(v, PERCENTILES, axis=0)
            ax.fill_between(years, lo, hi, alpha=0.2, color=option_colour(o))
            ax.plot(years, mid, label=OPTION_NAMES[o], color=option_colour(o))
        ax.set_title(f"{s} ({ok.size} members)")
        warn = member_warning(ok.size)
        if warn:
            ax.text(0.02, 0.98, f"{ok.size} members: too few for p5/p95", transform=ax.transAxes,
                    va="top", fontsize=7, color=SHORTFALL_COLOUR)
        ax.set_xlabel("year")
    axes[0][0].set_ylabel("cumulative removal, world (GtCO2)")
    axes[0][0].legend(title="median, 5-95 %", fontsize=8, loc="center left")
    fig.tight_layout()
    return fig


def histogram_figure(ds):
    """World CNC by 2100 across members, one histogram a scenario (scenario colours of the run
    report; the count axis in whole members)."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from fastmonet.report.palette import policy_colour
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    cnc = outputs(ds)["cnc_2100"].sel(region="world")
    for s in [str(x) for x in ds["scenario"].values]:
        v = cnc.sel(scenario=s).values
        v = v[np.isfinite(v)]
        if v.size:
            ax.hist(v, bins=min(30, max(5, v.size // 3)), alpha=0.5, label=s,
                    color=policy_colour(s))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("CNC by 2100, world (US$2018/tCO2)")
    ax.set_ylabel("members")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _sobol_bars(sob: dict, out_dir, plt):
    keys = list(sob)
    fig, axes = plt.subplots(len(keys), 1, figsize=(7, 2.6 * len(keys)), squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        res = sob[key]
        x = np.arange(len(res["names"]))
        ax.bar(x - 0.2, res["S1"], 0.4, yerr=res["S1_conf"], label="first order S1")
        ax.bar(x + 0.2, res["ST"], 0.4, yerr=res["ST_conf"], label="total ST")
        ax.set_xticks(x, res["names"], rotation=60, ha="right", fontsize=7)
        ax.set_title(f"{key[0]}: {key[1]}", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = out_dir / "sobol_indices.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
