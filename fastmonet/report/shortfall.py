"""Comparisons on equal terms: what each scenario and region misses, and its cost with the
missing tonnes priced.

A scenario that misses its targets removes fewer tonnes, so its cumulative net cost (and, when
the tonnes it skips are the dear ones, even its cost per tonne) looks cheaper than that of a
scenario that meets them.  Every figure and table of the report that compares cost across
scenarios or regions marks the 2100 shortfall and shows, beside the plain cost, the cost with
the shortfall priced by one stated rule (`Pricing`):

    price = the highest marginal net cost (MNC of the decade 2090-2100, all options) at which a
            region removed CO2 in a scenario of the same run that met every target

i.e. what a tonne demonstrably cost where the targets were met.  When no scenario of the run
meets its targets, the highest MNC of any scenario is used, and the rule says so.  Then

    CTNC priced = CTNC + price x shortfall                                  (US$, per year)
    CNC priced  = (CNC with trading x tonnes credited + price x shortfall)
                  / (tonnes credited + shortfall)                           (US$/tCO2 of target)

where tonnes credited = own removal - sold + bought (formulation §8.4).  For a scenario or
region that meets its target the priced values equal the plain ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet.partition import labelled
from fastmonet.report.table import SHORTFALL_EPS_GT

GT = 1e9
WORLD = "world"
# A region's decadal MNC counts for the price only where it removed at least this share of the
# world's removal in that decade (a tonne or two over a decade gives a meaningless ratio).
MIN_SHARE = 1e-3


@dataclass(frozen=True)
class Pricing:
    price: float              # US$/tCO2; NaN when the run has no finite marginal cost
    scenario: str             # where the price comes from
    region: str
    met_only: bool            # True: from a scenario that met every target

    @property
    def defined(self) -> bool:
        return math.isfinite(self.price)

    @property
    def short(self) -> str:
        """'missing tonnes priced at 247 US$/tCO2' (the rule stated once elsewhere)."""
        return (f"missing tonnes priced at {self.price:.0f} US$/tCO2" if self.defined else
                "shortfall unpriced")

    @property
    def rule(self) -> str:
        """The rule in words, with the number (for captions, notes and the narrative)."""
        if not self.defined:
            return "no marginal cost to price the shortfall with"
        where = ("in a scenario of this run that met every target" if self.met_only else
                 "in any scenario of this run (none met every target)")
        return (f"missing tonnes priced at {self.price:.0f} US$/tCO2, the highest marginal net "
                f"cost of the last decade at which a region removed CO2 {where} "
                f"({self.region} in {self.scenario})")


def _last(ds) -> int:
    return int(ds["year"].values[-1])


def _regions(ds) -> list[str]:
    return [str(r) for r in ds["region"].values if str(r) != WORLD]


def shortfall_gt(ds: xr.Dataset) -> xr.DataArray:
    """(scenario, region) 2100 shortfall in GtCO2, 0 where it is solver noise."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    s = ds["shortfall"].sel(year=_last(ds)) / GT
    return s.where(s > SHORTFALL_EPS_GT, 0.0)


def missed(ds: xr.Dataset) -> list[str]:
    """The scenarios that miss their 2100 targets (world shortfall above noise)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    s = shortfall_gt(ds).sel(region=WORLD)
    return [str(n) for n, v in zip(ds["scenario"].values, s.values) if v > 0]


def pricing(ds: xr.Dataset) -> Pricing:
    """The rule that prices a shortfall in the report: the highest 2100 marginal net cost of a region
    with a real share of removal, over the scenarios that meet their targets (all scenarios when
    none does)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    y = _last(ds)
    regions = _regions(ds)
    mnc = ds["mnc"].sel(year=y, option="all", region=regions)                  # (scenario, region)
    rate = ds["removal_rate"].sel(year=y, option="all")
    big = rate.sel(region=regions) >= MIN_SHARE * rate.sel(region=WORLD)
    mnc = mnc.where(big & np.isfinite(mnc))
    names = [str(n) for n in ds["scenario"].values]
    short = set(missed(ds))
    for met_only in (True, False):
        pick = [n for n in names if n not in short] if met_only else names
        if not pick:
            continue
        m = mnc.sel(scenario=pick)
        if not np.isfinite(m.values).any():
            continue
        i, j = np.unravel_index(int(np.nanargmax(m.values)), m.shape)
        return Pricing(float(m.values[i, j]), pick[i], regions[j], met_only)
    return Pricing(math.nan, "", "", False)


def priced_ctnc(ds: xr.Dataset, p: Pricing) -> xr.DataArray:
    """(scenario, region, year) CTNC of all options + price x shortfall, US$."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    out = ds["ctnc"].sel(option="all") + (p.price if p.defined else np.nan) * ds["shortfall"]
    return out.assign_attrs(units="US$", long_name="cumulative total net cost, shortfall priced")


def priced_cnc(ds: xr.Dataset, p: Pricing) -> xr.DataArray:
    """(scenario, region) CNC by 2100 with trading and the shortfall priced, US$/tCO2 of target."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    y = _last(ds)
    removed = ds["cum_removal"].sel(option="all", year=y)
    credited = removed - ds["sold_2100"].fillna(0.0) + ds["bought_2100"].fillna(0.0)
    short = shortfall_gt(ds) * GT
    cost = ds["cnc_trading_2100"] * credited
    price = p.price if p.defined else np.nan
    out = xr.where(short > 0, (cost + price * short) / (credited + short), ds["cnc_trading_2100"])
    return out.assign_attrs(units="US$/tCO2", long_name="CNC by 2100, shortfall priced")


def world_cnc_priced(ds: xr.Dataset, p: Pricing | None = None) -> dict[str, float]:
    """{scenario: world CNC by 2100 with its shortfall priced by `p` (default: `pricing(ds)`)}, US$/tCO2
    of target, for the summary table."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    p = p or pricing(ds)
    v = priced_cnc(ds, p).sel(region=WORLD)
    return {str(n): float(x) for n, x in zip(ds["scenario"].values, v.values)}
