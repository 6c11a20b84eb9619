"""What every row family and column block reads: sizes, the policy's target groups and trade per
period, and the capacities (natural units)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet.blocs.groups import TargetGroups, target_groups, trade_allowed
from fastmonet.scenarios import Rates, Scenario


@dataclass
class Instance:
    """What every family reads: sizes, policy switches per period, and capacities (natural units)."""

    rates: Rates
    regions: list[str]
    sr_region: np.ndarray            # (sr,) region index
    n_sr: int
    n_ez: int
    n_p: int
    years: np.ndarray
    groups: TargetGroups             # the target group (bloc) of each region in each year
    trade: np.ndarray                # (p, src region, plant region) chains trade allows
    lrp: np.ndarray
    mal: np.ndarray
    lhw: np.ndarray
    storage: np.ndarray
    target: np.ndarray               # (region, year) tCO2
    crop_cap: np.ndarray             # row (36), ha
    total_cap: np.ndarray            # row (37), ha
    ar_cap: np.ndarray               # row (35), ha
    ar_rate: float                   # ha per period

    @property
    def n_reg(self) -> int:
        return len(self.regions)


def make_instance(ds: xr.Dataset, scenario: Scenario) -> Instance:
    """What every row family and column block reads for `scenario`: sizes, the target groups and
    allowed trade per reporting year, land and storage capacities (natural units)."""
    f64 = np.float64
    regions = [str(r) for r in ds["region"].values]
    sr_region = np.array([regions.index(str(r)) for r in ds["subregion_region"].values],
                         dtype=np.int64)
    n_p = ds.sizes["period"]
    years = np.asarray(ds["year"].values)
    # Target groups per reporting year (a bloc each) and the chains trade allows (fastmonet.blocs):
    # the named policies are special cases, SWITCH_Y changes structure after its year.
    groups = target_groups(scenario, regions, years)
    trade = trade_allowed(scenario, regions, years)
    lrp = np.asarray(ds["lrp"].values, f64)
    ovl = np.asarray(ds["ovl"].values, f64)
    mal = np.asarray(ds["mal"].values, f64)
    return Instance(
        rates=scenario.rates, regions=regions, sr_region=sr_region, n_sr=ds.sizes["subregion"],
        n_ez=ds.sizes["ecozone"], n_p=n_p, years=years, groups=groups, trade=trade,
        lrp=lrp, mal=mal, lhw=np.asarray(ds["lhw"].values, f64),
        storage=np.asarray(ds["storage"].values, f64),
        target=np.asarray(ds["target"].values, f64),
        crop_cap=mal + ovl.sum(axis=1), total_cap=mal + (lrp + ovl).sum(axis=1),
        ar_cap=lrp + ovl, ar_rate=scenario.rates.ar_per_period_ha())

