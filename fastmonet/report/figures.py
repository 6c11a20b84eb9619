"""The report's figures, one function each (matplotlib, Agg backend; nothing downloaded).

Every function returns a `Figure` (key, title, one-line caption, matplotlib figure) or None when
the run holds nothing to draw (e.g. no coordinates for the map).  Inputs:

- `ds`: the combined Dataset of `fastmonet.scenario_dataset.combine` (loaded);
- `detail`: {scenario name: Results}, for the per-configuration cost-supply data;
- `inputs`: the input Dataset of `fastmonet.data.load` (lat, lon, land), optional;
- `coeffs`: a coefficient Dataset (AR potential and cost per subregion), optional.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from fastmonet.partition import labelled  # noqa: E402
from fastmonet.report import shortfall as sf  # noqa: E402
from fastmonet.report.palette import OPTION_COLOURS, OPTION_NAMES, SHORTFALL_COLOUR, scenario_styles  # noqa: E402

GT = 1e9
DPI = 100


@dataclass
class Figure:
    key: str
    title: str
    caption: str
    fig: "plt.Figure"

    def png(self) -> bytes:
        import io
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()

    def close(self) -> None:
        plt.close(self.fig)


def _names(ds) -> list[str]:
    return [str(s) for s in ds["scenario"].values]


def _policy(ds, name) -> str:
    return str(ds["policy"].sel(scenario=name).values)


def headline(ds, limit: int = 3) -> list[str]:
    """The scenarios drawn panel by panel: the first COOPERATION, CURRENT_POLICY and ISOLATION,
    else the first `limit` scenarios of the run."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    names = _names(ds)
    picked = []
    for pol in ("COOPERATION", "CURRENT_POLICY", "ISOLATION"):
        hit = next((n for n in names if _policy(ds, n) == pol), None)
        if hit is not None:
            picked.append(hit)
    return picked or names[:limit]


def _regions(ds) -> list[str]:
    return [str(r) for r in ds["region"].values if str(r) != "world"]


def _styles(ds, names=None) -> dict[str, dict]:
    """The shared palette's style of every scenario of the run (colour by policy)."""
    all_names = _names(ds)
    return scenario_styles(all_names, [_policy(ds, n) for n in all_names])


def _missing_words(ds, names) -> str:
    """The caption's words on missed targets: which scenario misses how much, and where."""
    gap = sf.shortfall_gt(ds)
    parts = []
    for n in names:
        g = gap.sel(scenario=n)
        w = float(g.sel(region="world"))
        if w > 0:
            regs = ", ".join(f"{r} {float(g.sel(region=r)):.1f}" for r in _regions(ds)
                             if float(g.sel(region=r)) > 0)
            parts.append(f"{n} misses {w:.1f} GtCO2 ({regs})")
    return ("; targets missed by 2100 (marked in red): " + "; ".join(parts)) if parts else \
        "; every scenario shown meets its targets"


def _stacked_bars(ax, x, parts: dict, width: float) -> None:
    """Bars stacked by option; negative parts (AR before the stand grows) stack downwards."""
    up = np.zeros(len(x))
    down = np.zeros(len(x))
    for opt, vals in parts.items():
        pos, neg = np.clip(vals, 0, None), np.clip(vals, None, 0)
        ax.bar(x, pos, width, bottom=up, color=OPTION_COLOURS[opt], label=OPTION_NAMES[opt])
        ax.bar(x, neg, width, bottom=down, color=OPTION_COLOURS[opt])
        up += pos
        down += neg


def cumulative_removal(ds) -> Figure:
    """Fig. 2A/B: cumulative removal by decade and option, world and per region, vs targets."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    rows = headline(ds)
    cols = ["world"] + _regions(ds)
    years = ds["year"].values
    fig, axes = plt.subplots(len(rows), len(cols), figsize=(2.6 * len(cols), 2.5 * len(rows) + 0.8),
                             sharex=True, sharey="col", squeeze=False)
    for i, name in enumerate(rows):
        d = ds.sel(scenario=name)
        for j, reg in enumerate(cols):
            ax = axes[i, j]
            parts = {o: d["cum_removal"].sel(region=reg, option=o).values / GT
                     for o in OPTION_COLOURS}
            _stacked_bars(ax, years, parts, 7.0)
            ax.plot(years, d["target"].sel(region=reg).values / GT, "k-o", ms=3, lw=1.2,
                    label="target")
            ax.set_title(f"{name}\n{reg}" if j == 0 else reg, fontsize=8)
            gap = float(sf.shortfall_gt(ds).sel(scenario=name, region=reg))
            if gap > 0:
                ax.text(0.03, 0.95, f"misses {gap:.1f} Gt", transform=ax.transAxes, va="top",
                        fontsize=7, color=SHORTFALL_COLOUR, fontweight="bold")
            ax.grid(alpha=0.3)
            if j == 0:
                ax.set_ylabel("Cumulative CDR (GtCO2)", fontsize=8)
            if i == len(rows) - 1:
                ax.set_xlabel("Year", fontsize=8)
            ax.tick_params(labelsize=7)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return Figure("fig1_cumulative_removal", "Cumulative removal by decade and option (Fig. 2A/B)",
                  "Cumulative CO2 removal (GtCO2) at the end of each decade by option, world and "
                  "per region, against the cumulative targets (black)"
                  + _missing_words(ds, rows) + ".", fig)


def annual_removal(ds) -> Figure:
    """Fig. 2C: world removal rate by option per decade, with the rate the targets imply."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    names = headline(ds)
    years = ds["year"].values
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.6), sharey=True,
                             squeeze=False)
    for ax, name in zip(axes[0], names):
        d = ds.sel(scenario=name, region="world")
        parts = {o: d["removal_rate"].sel(option=o).values / GT for o in OPTION_COLOURS}
        _stacked_bars(ax, years, parts, 7.0)
        tgt = np.diff(d["target"].values, prepend=0.0) / 10.0 / GT
        ax.step(years, tgt, "k-", where="mid", lw=1.2, label="target rate")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("Decade ending in year")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("CO2 removal rate (GtCO2/yr)")
    axes[0, 0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return Figure("fig2_annual_removal", "Annual removal by option (Fig. 2C)",
                  "World CO2 removal rate (GtCO2/yr, decade mean) by option; the black step is "
                  "the rate the cumulative targets imply.", fig)


def biomass_flows(ds) -> Figure:
    """Fig. 3: biomass sent between regions, summed over 2020-2100, as a matrix."""
    names = headline(ds)
    if "biomass_flow" in ds:
        var, scale, unit = "biomass_flow", 10.0 / 1e6, "MtDM"
        what = "Pellets (dry biomass) sent 2020-2100"
    else:
        var, scale, unit = "beccs_trade", 10.0 / GT, "GtCO2"
        what = "BECCS removal by biomass origin 2020-2100"
    src = [str(r) for r in ds["source_region"].values]
    dst = [str(r) for r in ds["plant_region"].values]
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 4.0), squeeze=False)
    for ax, name in zip(axes[0], names):
        m = ds[var].sel(scenario=name).sum("year").transpose("source_region", "plant_region")
        vals = np.nan_to_num(m.values) * scale
        im = ax.imshow(vals, cmap="Greens", vmin=0)
        for (i, j), v in np.ndenumerate(vals):
            if v > 0:
                ax.text(j, i, f"{v:.0f}" if v >= 10 else f"{v:.1f}", ha="center", va="center",
                        fontsize=7, color="black" if v < 0.6 * vals.max() else "white")
        ax.set_xticks(range(len(dst)), dst)
        ax.set_yticks(range(len(src)), src)
        ax.set_xlabel("BECCS plant region")
        ax.set_ylabel("Biomass source region")
        ax.set_title(name, fontsize=9)
        fig.colorbar(im, ax=ax, shrink=0.8, label=unit)
    fig.tight_layout()
    return Figure("fig3_biomass_flows", "Biomass (pellet) flows between regions by 2100 (Fig. 3)",
                  f"{what} ({unit}) from the source region (rows) to the BECCS plant region "
                  f"(columns); the diagonal stays at home.", fig)


def cost_supply(ds, detail: dict) -> Figure | None:
    """Fig. 4: regional cost-supply curves (MNC of each configuration against cumulative removal
    within the region by 2100), with the regions' 2100 targets."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    names = [n for n in headline(ds) if n in detail]
    if not names:
        return None
    regions = _regions(ds)
    ncol = 3
    nrow = int(np.ceil(len(regions) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.3 * ncol, 3.3 * nrow), squeeze=False)
    styles = ["-", "--", ":", "-."]
    for k, reg in enumerate(regions):
        ax = axes.flat[k]
        top = 0.0
        for s, name in enumerate(names):
            m = detail[name].metrics
            sel = (np.array([str(r) for r in m["config_region"].values]) == reg) & \
                (np.asarray(m["config_removal"].values) > 0)
            x = np.asarray(m["config_cum_removal"].values)[sel] / GT
            y = np.asarray(m["config_mnc"].values)[sel]
            gap = float(sf.shortfall_gt(ds).sel(scenario=name, region=reg))
            label = f"{name} (misses {gap:.1f} Gt)" if gap > 0 else name
            if x.size:
                ax.step(np.concatenate([[0.0], x]), np.concatenate([[y[0]], y]), where="pre",
                        ls=styles[s % 4], lw=1.3, label=label,
                        color=SHORTFALL_COLOUR if gap > 0 else None)
                top = max(top, float(np.nanpercentile(y, 98)))
        tgt = float(ds["target"].sel(scenario=names[0], region=reg).values[-1]) / GT
        ax.axvline(tgt, color="k", lw=1, ls="--", label="2100 target")
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_title(reg, fontsize=9)
        ax.set_xlabel("Cumulative CDR by 2100 (GtCO2)")
        ax.set_ylabel("Net marginal cost (US$/tCO2)")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(regions):]:
        ax.axis("off")
    for ax in list(axes.flat)[:len(regions)]:
        if any("misses" in lab for lab in ax.get_legend_handles_labels()[1]):
            ax.legend(fontsize=6, loc="upper left")      # the curves that stop short, in red
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(regions) < nrow * ncol:
        axes.flat[-1].legend(handles, labels, loc="center", fontsize=8)
    else:
        fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8)
    fig.tight_layout()
    return Figure("fig4_cost_supply", "Regional cost-supply curves (Fig. 4)",
                  "Net marginal cost (US$/tCO2) of each deployed configuration against the "
                  "region's cumulative removal by 2100 (cheapest first); dashed: the region's "
                  "2100 target; a curve that ends left of it is a missed target (red, with the "
                  "GtCO2 missing)" + _missing_words(ds, names) + ".", fig)


def cnc_trading(ds) -> Figure:
    """Fig. 5: each region's cumulative net cost by 2100 with negative-emissions trading; a bar
    whose region misses its target is outlined in red with the GtCO2 missing above it, and a
    diamond marks its CNC with the shortfall priced (`shortfall.Pricing`)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    names = _names(ds)
    regions = _regions(ds) + ["world"]
    price = sf.pricing(ds)
    gap = sf.shortfall_gt(ds)
    priced = sf.priced_cnc(ds, price)
    styles = _styles(ds)
    fig, ax = plt.subplots(figsize=(max(7.0, 1.4 * len(regions) + 0.25 * len(names)), 4.6))
    width = 0.8 / len(names)
    x = np.arange(len(regions))
    for i, name in enumerate(names):
        v = np.nan_to_num(ds["cnc_trading_2100"].sel(scenario=name, region=regions).values)
        xs = x - 0.4 + width * (i + 0.5)
        st = styles[name]
        ax.bar(xs, v, width, color=st["color"], hatch=st["hatch"], edgecolor="white",
               linewidth=0.3, label=name)
        for k, reg in enumerate(regions):
            g = float(gap.sel(scenario=name, region=reg))
            if g <= 0:
                continue
            ax.bar(xs[k], v[k], width, fill=False, edgecolor=SHORTFALL_COLOUR, linewidth=1.4)
            top = v[k]
            if price.defined:
                pv = float(priced.sel(scenario=name, region=reg))
                ax.plot([xs[k]], [pv], "D", color=SHORTFALL_COLOUR, ms=5,
                        markeredgecolor="k", markeredgewidth=0.5, zorder=3)
                top = max(top, pv)
            ax.annotate(f"-{g:.1f} Gt", (xs[k], top), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=6, color=SHORTFALL_COLOUR,
                        rotation=90)
    if sf.missed(ds) and price.defined:
        ax.plot([], [], "D", color=SHORTFALL_COLOUR, markeredgecolor="k", markeredgewidth=0.5,
                label=f"shortfall priced at {price.price:.0f} US$/t")
    ax.set_xticks(x, regions)
    ax.set_xlabel("Region")
    ax.set_ylabel("CNC with trading by 2100 (US$/tCO2)")
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.15)
    ax.legend(fontsize=7, ncol=2 if len(names) > 6 else 1, bbox_to_anchor=(1.01, 1),
              loc="upper left")
    fig.tight_layout()
    caption = ("Cumulative net cost per tonne by 2100 (US$/tCO2), counting the tonnes each "
               "region sells or buys at the negative-emissions price, for all "
               f"{len(names)} scenarios of the run" + _missing_words(ds, names))
    if sf.missed(ds):
        caption += (". A missed target makes the CNC look cheap: it covers only the tonnes "
                    "delivered; the red diamond is the CNC per tonne of target with the "
                    + price.rule)
    return Figure("fig5_cnc_trading", "Regional CNC with negative-emissions trading (Fig. 5)",
                  caption + ".", fig)


CASE_COORDS = ("targets", "storage", "rate_ar", "rate_beccs", "rate_dac", "rate_build_factor")


def ctnc_over_time(ds) -> Figure:
    """Fig. 6: world CTNC over time for every scenario of the first headline scenario's case
    (targets, storage, rates); a scenario that misses its targets also gets a dashed line, its
    CTNC with the shortfall priced, and the GtCO2 it misses at the end of its line."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    first = headline(ds)[0]
    # One case only (the first headline scenario's targets, storage and rates): sensitivities
    # of other cases would mix in curves that answer another question.
    case = [c for c in CASE_COORDS if c in ds.coords]

    def same(n) -> bool:
        return all(ds[c].sel(scenario=n).item() == ds[c].sel(scenario=first).item() for c in case)
    names = [n for n in _names(ds) if same(n)]
    years = ds["year"].values
    price = sf.pricing(ds)
    gap = sf.shortfall_gt(ds)
    priced = sf.priced_ctnc(ds, price)
    styles = _styles(ds)
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    for name in names:
        st = styles[name]
        v = ds["ctnc"].sel(scenario=name, region="world", option="all").values / 1e12
        ax.plot(years, v, "-o", ms=3, color=st["color"], label=name)
        g = float(gap.sel(scenario=name, region="world"))
        if g > 0 and price.defined:
            pv = priced.sel(scenario=name, region="world").values / 1e12
            ax.plot(years, pv, "--", color=st["color"], lw=1.2,
                    label=f"{name}, shortfall priced")
            ax.annotate(f"misses {g:.1f} Gt", (years[-1], pv[-1]), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7,
                        color=SHORTFALL_COLOUR)
        elif g > 0:
            ax.annotate(f"misses {g:.1f} Gt", (years[-1], v[-1]), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7,
                        color=SHORTFALL_COLOUR)
    ax.set_xlabel("Year")
    ax.set_ylabel("Cumulative total net cost (trillion US$2018)")
    ax.set_xlim(years[0] - 3, years[-1] + 14)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    d = ds.sel(scenario=first)
    what = (f"{str(d['targets'].item()).upper()} targets, {d['storage'].item()} storage"
            if "targets" in ds.coords and "storage" in ds.coords else "one case")
    caption = (f"World cumulative total net cost of CDR (trillion US$2018) from 2020 for all "
               f"{len(names)} scenarios of the case {what}")
    other = len(_names(ds)) - len(names)
    if other:
        caption += f" ({other} scenarios of other cases are in the table)"
    caption += _missing_words(ds, names)
    if any(float(gap.sel(scenario=n, region="world")) > 0 for n in names) and price.defined:
        caption += ("; dashed: the same cost with the " + price.rule
                    + ", so scenarios delivering unequal tonnes compare on equal terms")
    return Figure("fig6_ctnc", "Cumulative total net cost over time (Fig. 6)", caption + ".", fig)


def stand_run(tables=None, horizon: int = 100):
    """(params, StandResult) of the four example stands of Fig. 12: Numba's parallel kernel, so
    run where the figures are not drawn in a forked child (`fastmonet.report.rendering`)."""
    from fastmonet import forest_tables
    from fastmonet.stand import StandParams, simulate
    examples = forest_tables.FIG12_EXAMPLES
    params = StandParams.from_tables(rows=[(z, f) for z, f, _ in examples], tables=tables)
    return params, simulate(params, horizon=horizon)


def stand_stocks(tables=None, horizon: int = 100, simulated=None) -> Figure:
    """Fig. 12: above-ground (managed), below-ground and thinned CO2 over `horizon` years for the
    four example stands, without and with the fire penalty (`simulated`: `stand_run`'s)."""
    from fastmonet import forest_tables

    examples = forest_tables.FIG12_EXAMPLES
    params, res = simulated if simulated is not None else stand_run(tables, horizon)
    age = np.arange(horizon + 1)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for i, (ax, (zone, ftype, place)) in enumerate(zip(axes.ravel(), examples)):
        cfc = params.Cf[i] * 44.0 / 12.0
        ax.stackplot(age, res.AT[i] * cfc, res.BG[i] * cfc,
                     labels=["Above-ground biomass (managed)", "Below-ground biomass"],
                     colors=["#4c9a2a", "#a47148"], alpha=0.85)
        ax.plot(age, res.CO2thin[i], color="#333333", lw=2, label="Thinnings (cumulative)")
        ax.plot(age, res.CO2seq[i], color="#d62728", lw=1.5, ls="--",
                label="Stand with fire penalty")
        ax.set_title(f"{zone.replace('_', ' ').capitalize()} - {ftype}\n{place}", fontsize=10)
        ax.set_ylabel("Biomass stock (tCO2/ha)")
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("Stand age (years)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.suptitle(f"Stand CO2 stocks over {horizon} years (cf. Fig. 12 of the paper)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return Figure("fig7a_stand_stocks", "Stand CO2 stocks of the example zones (Fig. 12)",
                  f"CO2 in the managed stand (tCO2/ha) over {horizon} years for the four example "
                  "zones: above- and below-ground biomass, cumulative thinnings, and the stand "
                  "with the fire penalty.", fig)


def ar_potential(coeffs) -> Figure | None:
    """Figs. 14-15: AR potential and cost per subregion, as distributions by region."""
    need = ("ar_removal_100yr", "ar_cost_100yr", "lrp", "ovl", "subregion_region")
    if coeffs is None or any(v not in coeffs.variables for v in need):
        return None
    rem = np.nan_to_num(coeffs["ar_removal_100yr"].values)              # (sr, ez, ft) tCO2/ha
    cost = np.nan_to_num(coeffs["ar_cost_100yr"].values)                # US$/ha
    best = np.argmax(rem, axis=2)                                        # best forest type
    rem_b = np.take_along_axis(rem, best[..., None], 2)[..., 0]
    cost_b = np.take_along_axis(cost, best[..., None], 2)[..., 0]
    land = (coeffs["lrp"] + coeffs["ovl"]).transpose("subregion", "ecozone").values
    area = np.where(rem_b > 0, land, 0.0)
    pot = (area * rem_b).sum(axis=1) / 1e6                               # MtCO2 per subregion
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = (area * cost_b).sum(axis=1) / (area * rem_b).sum(axis=1)  # US$/tCO2
    reg = np.array([str(r) for r in coeffs["subregion_region"].values])
    regions = list(dict.fromkeys(str(r) for r in coeffs["region"].values))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    a1.boxplot([pot[(reg == r) & (pot > 0)] for r in regions], tick_labels=regions)
    a1.set_yscale("log")
    a1.set_ylabel("AR potential over 100 years (MtCO2 per subregion)")
    a2.boxplot([unit[(reg == r) & np.isfinite(unit) & (pot > 0)] for r in regions],
               tick_labels=regions)
    a2.set_ylabel("AR cost over 100 years (US$2018/tCO2)")
    for ax in (a1, a2):
        ax.set_xlabel("Region (one point per subregion with AR land)")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return Figure("fig7b_ar_potential", "AR potential and cost by region (Figs. 14-15)",
                  "Per subregion: CO2 a stand planted in 2020 on all AR land removes in 100 years "
                  "(MtCO2, best forest type) and its cost per tonne (US$/tCO2).", fig)


def _span(v, lo: float, hi: float, pad: float = 5.0) -> tuple[float, float]:
    v = np.asarray(v, np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return lo, hi
    return max(lo, float(v.min()) - pad), min(hi, float(v.max()) + pad)


def removal_map(ds, inputs) -> Figure | None:
    """Where removal happens: subregion centroids, size by 2100 removal, colour by main option."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    if inputs is None or "lat" not in inputs or "lon" not in inputs:
        return None
    subs = [str(s) for s in ds["subregion"].values]
    have = {str(s) for s in inputs["subregion"].values}
    if not set(subs) <= have:
        return None
    lat = inputs["lat"].sel(subregion=subs).values
    lon = inputs["lon"].sel(subregion=subs).values
    names = headline(ds)
    fig, axes = plt.subplots(len(names), 1, figsize=(11, 3.6 * len(names)), squeeze=False)
    year = ds["year"].values[-1]
    opts = list(OPTION_COLOURS)
    vmax = float(ds["cum_removal_subregion"].sel(scenario=names, option="all", year=year).max())
    for ax, name in zip(axes[:, 0], names):
        v = ds["cum_removal_subregion"].sel(scenario=name, year=year)
        by = np.stack([v.sel(option=o).values for o in opts], axis=1)
        tot = v.sel(option="all").values
        main = np.argmax(by, axis=1)
        ax.scatter(lon, lat, s=4, color="#bbbbbb", zorder=1)
        on = tot > 0
        size = 400.0 * tot / vmax if vmax > 0 else np.zeros_like(tot)
        ax.scatter(lon[on], lat[on], s=size[on], c=[OPTION_COLOURS[opts[k]] for k in main[on]],
                   alpha=0.7, edgecolors="k", linewidths=0.3, zorder=2)
        ax.set_title(f"{name}: cumulative removal by {year}", fontsize=9)
        ax.set_ylabel("Latitude (deg N)")
        ax.set_xlabel("Longitude (deg E)")
        # Limits from the data, clamped to the globe; aspect by the box, not the data limits
        # ("datalim" widened the axis past -180 deg to fill the panel).
        ax.set_xlim(*_span(lon, -180.0, 180.0))
        ax.set_ylim(*_span(lat, -90.0, 90.0))
        ax.set_aspect("equal", adjustable="box")
        ax.grid(alpha=0.3)
    for o in opts:
        axes[0, 0].scatter([], [], color=OPTION_COLOURS[o], label=f"mostly {OPTION_NAMES[o]}")
    for gt in (1.0, 10.0):
        if vmax > 0:
            axes[0, 0].scatter([], [], s=400.0 * gt * GT / vmax, color="white", edgecolors="k",
                               label=f"{gt:g} GtCO2")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=5, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return Figure("fig8_map", "Where removal happens",
                  "Subregion centroids (grey: all); marker area by cumulative removal by 2100, "
                  "colour by the option removing most there.", fig)


def makers(ds: xr.Dataset, detail: dict, inputs=None, coeffs=None, tables=None) -> list:
    """One function per figure of the report, in order (each returns a Figure or None)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    stand = stand_run(tables)   # here: a figure drawn in a forked child must not start OpenMP
    return [lambda: cumulative_removal(ds), lambda: annual_removal(ds),
            lambda: biomass_flows(ds), lambda: cost_supply(ds, detail),
            lambda: cnc_trading(ds), lambda: ctnc_over_time(ds),
            lambda: stand_stocks(tables, simulated=stand), lambda: ar_potential(coeffs),
            lambda: removal_map(ds, inputs)]


def all_figures(ds: xr.Dataset, detail: dict, inputs=None, coeffs=None, tables=None):
    """Every figure of the report, in order (None entries dropped), drawn in this process."""
    for make in makers(ds, detail, inputs, coeffs, tables):
        f = make()
        if f is not None:
            yield f
