"""The per-member outcomes an ensemble is summarised by: 2100 scalars and "target met".

Shared by the report (`fastmonet.ensemble.report`) and the analyses of any sample
(`sensitivity`, `discovery`).  A target counts as met when the 2100 shortfall is at most
`MET_TOL` of the 2100 target (the LP's own tolerance is far tighter).
"""

from __future__ import annotations

import xarray as xr

from fastmonet.errors import InputError
from fastmonet.partition import labelled

MET_TOL = 1e-6


def check_scenario(ds: xr.Dataset, scenario: str) -> None:
    """`InputError` unless `scenario` is one of the store's scenarios."""
    names = [str(s) for s in ds["scenario"].values]
    if scenario not in names:
        raise InputError(f"scenario: {scenario!r} is not in the store (it has {', '.join(names)})")


def _last(ds: xr.Dataset) -> int:
    return int(ds["year"].values[-1])


def outputs(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """Per-member scalars of the report, (member, scenario[, region][, option]), 2100 values."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    y = _last(ds)
    return {
        "cum_removal_2100": ds["cum_removal"].sel(year=y) / 1e9,
        "cnc_2100": ds["cnc"].sel(year=y, option="all"),
        "shortfall_2100": ds["shortfall"].sel(year=y) / 1e9,
        "nep": ds["nep"],
    }


UNITS = {"cum_removal_2100": "GtCO2", "cnc_2100": "US$2018/tCO2", "shortfall_2100": "GtCO2",
         "nep": "US$2018/tCO2"}


def target_met(ds: xr.Dataset, scenario: str) -> xr.DataArray:
    """(member, region) bool: the 2100 shortfall is within MET_TOL of the 2100 target."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    y = _last(ds)
    short = ds["shortfall"].sel(scenario=scenario, year=y)
    target = ds["target"].sel(scenario=scenario, year=y)
    return short <= MET_TOL * abs(target)
