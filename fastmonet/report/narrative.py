"""One paragraph per scenario, written from its numbers (nothing here is hand-typed per run)."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from fastmonet.partition import labelled
from fastmonet.report.table import SHORTFALL_EPS_GT

GT = 1e9
NAMES = {"ar": "AR", "beccs": "BECCS", "daccs": "DACCS"}


def _rates_text(d: xr.Dataset) -> str:
    parts = []
    for key, label in (("rate_ar", "AR"), ("rate_beccs", "BECCS"), ("rate_dac", "DAC")):
        if key in d.coords and float(d[key]) != 1.0:
            parts.append(f"{label} rates x{float(d[key]):g}")
    from fastmonet import scenarios
    default_f = getattr(scenarios, "BUILD_FACTOR", None)
    if "rate_build_factor" in d.coords and float(d["rate_build_factor"]) != default_f:
        parts.append(f"build factor F = {float(d['rate_build_factor']):g}")
    return (", " + ", ".join(parts)) if parts else ""


def _first_year(d: xr.Dataset, option: str) -> tuple[int, str] | None:
    """The first reporting year an option removes anything, and the region removing most then."""
    years = d["year"].values
    regions = [str(r) for r in d["region"].values if str(r) != "world"]
    v = d["cum_removal"].sel(option=option, region=regions).values       # (region, year)
    hit = np.flatnonzero(v.max(axis=0) > 1e-6 * GT)
    if hit.size == 0:
        return None
    t = hit[0]
    return int(years[t]), regions[int(np.argmax(v[:, t]))]


def paragraph(ds: xr.Dataset, name: str, price=None) -> str:
    """`price`: the `shortfall.Pricing` of the run (computed from `ds` when None)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    from fastmonet.report import shortfall as sf
    price = price or sf.pricing(ds)
    d = ds.sel(scenario=name)
    last = d["year"].values[-1]
    w = d["cum_removal"].sel(region="world", year=last)
    total = float(w.sel(option="all")) / GT
    target = float(d["target"].sel(region="world", year=last)) / GT
    shares = {o: float(w.sel(option=o)) / GT for o in NAMES}
    mix = ", ".join(f"{NAMES[o]} {v:.1f} GtCO2 ({100 * v / total:.0f}%)" if total > 0 else
                    f"{NAMES[o]} {v:.1f} GtCO2" for o, v in shares.items())
    out = [f"{d['policy'].item()} ({name}; {str(d['targets'].item()).upper()} targets, "
           f"{d['storage'].item()} CO2 storage{_rates_text(d)}) removes {total:.1f} GtCO2 by "
           f"{last} against a target of {target:.1f} GtCO2: {mix}."]
    short = float(d["shortfall"].sel(region="world", year=last)) / GT
    if short > SHORTFALL_EPS_GT:
        reg = d["shortfall"].sel(year=last).drop_sel(region="world")
        worst = str(reg["region"].values[int(np.argmax(reg.values))])
        out.append(f"The targets are missed by {short:.1f} GtCO2 ({100 * short / target:.0f}% of "
                   f"the 2100 target); {worst} misses most ({float(reg.max()) / GT:.1f} GtCO2).")
    else:
        out.append("Every target it must meet is met.")
    regions = d["cum_removal"].sel(option="all", year=last).drop_sel(region="world")
    top = str(regions["region"].values[int(np.argmax(regions.values))])
    out.append(f"{top} removes most ({float(regions.max()) / GT:.1f} GtCO2).")
    dac = _first_year(d, "daccs")
    if dac is not None:
        out.append(f"DACCS first appears by {dac[0]}, in {dac[1]}.")
    ctnc = float(d["ctnc"].sel(region="world", option="all", year=last)) / 1e12
    cnc = float(d["cnc_trading_2100"].sel(region="world"))
    nep = float(d["nep"])
    cost = f"The cumulative net cost is {ctnc:.1f} trillion US$ ({cnc:.0f} US$/tCO2)"
    if math.isfinite(nep):
        sold = float(d["sold_2100"].sel(region="world")) / GT
        out.append(f"{cost}; negative emissions trade at {nep:.0f} US$/tCO2 (NEP), "
                   f"{sold:.1f} GtCO2 changing hands by 2100.")
    else:
        out.append(f"{cost}; no region removes more than its own target, so negative emissions "
                   f"have no trading price (NEP undefined).")
    if short > SHORTFALL_EPS_GT:
        out.append(_unequal(ds, name, price, short))
    if "biomass_flow" in d:
        f = d["biomass_flow"].sum("year").transpose("source_region", "plant_region").values * 10
        moved = max(0.0, float(f.sum() - np.trace(f)))    # not -0% from rounding
        if f.sum() > 0:
            out.append(f"{100 * moved / float(f.sum()):.0f}% of the biomass burnt in BECCS "
                       f"plants crosses a regional border.")
    return " ".join(out)


def _unequal(ds: xr.Dataset, name: str, price, short: float) -> str:
    """The words a missed target needs: its costs cover fewer tonnes, and what they are with
    the shortfall priced (world, and each region that misses)."""
    from fastmonet.report import shortfall as sf
    head = (f"These costs cover {short:.1f} GtCO2 fewer tonnes than the targets ask, so they are "
            f"not comparable with those of a scenario that meets its targets")
    if not price.defined:
        return head + "."
    last = ds["year"].values[-1]
    ctnc = float(sf.priced_ctnc(ds, price).sel(scenario=name, region="world", year=last)) / 1e12
    cnc = sf.priced_cnc(ds, price).sel(scenario=name)
    gap = sf.shortfall_gt(ds).sel(scenario=name)
    regs = [str(r) for r in gap["region"].values if str(r) != "world" and float(gap.sel(region=r)) > 0]
    each = "; ".join(
        f"{r}'s {float(ds['cnc_trading_2100'].sel(scenario=name, region=r)):.0f} US$/tCO2 "
        f"becomes {float(cnc.sel(region=r)):.0f} (it misses {float(gap.sel(region=r)):.1f} GtCO2)"
        for r in regs)
    return (f"{head}: with the {price.short} (the rule is under the table), the cumulative net cost would be "
            f"{ctnc:.1f} trillion US$ ({float(cnc.sel(region='world')):.0f} US$/tCO2 of target)"
            + (f", and {each}." if each else "."))


def paragraphs(ds: xr.Dataset, price=None) -> list[tuple[str, str]]:
    """(scenario, paragraph) for every scenario of the run, all priced with the same rule."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    from fastmonet.report import shortfall as sf
    price = price or sf.pricing(ds)
    return [(str(n), paragraph(ds, str(n), price)) for n in ds["scenario"].values]
