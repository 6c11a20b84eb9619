"""Per-bloc metrics (2100): negative-emissions trading happens inside each bloc only.

Computed from a scenario's metrics Dataset (its deployed configurations, regional removal, cost,
targets and shortfall) with the same `fastmonet.metrics.trading` rule as formulation §8, run once per
bloc on that bloc's regions. With one bloc of all regions the figures equal the scenario's own
`nep`, `cnc_trading_2100`, `sold_2100` and `bought_2100`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from fastmonet.blocs.structure import Structure
from fastmonet.metrics import trading

T = {"units": "tCO2"}
PRICE = {"units": "US$/tCO2"}


def bloc_metrics(metrics: xr.Dataset, structure: Structure,
                 isolation: xr.Dataset | None = None) -> xr.Dataset:
    """NEP per bloc; each region's CNC with trading inside its bloc, surplus sold and deficit
    bought; each bloc's cost and, given the ISOLATION metrics, its saving against its members
    in isolation."""
    regions = [str(r) for r in metrics["region"].values]
    last = metrics["year"].values[-1]
    pick = lambda v, **kw: metrics[v].sel(region=regions, **kw).values.astype(np.float64)  # noqa: E731
    removal = metrics["cum_removal"].sel(region=regions, year=last).sum("option").values
    cost = metrics["ctnc"].sel(region=regions, year=last).sum("option").values
    target = pick("target", year=last)
    short = pick("shortfall", year=last)
    index = {r: i for i, r in enumerate(regions)}
    c_reg = np.array([index[str(r)] for r in metrics["config_region"].values], dtype=np.int64)
    c_rem = np.asarray(metrics["config_removal"].values, np.float64)
    c_cost = np.asarray(metrics["config_cost"].values, np.float64)

    n_b = len(structure.blocs)
    nep = np.full(n_b, np.nan)
    bloc_cost = np.zeros(n_b)
    cnc_tr, sold, bought = (np.full(len(regions), np.nan) for _ in range(3))
    for b, members in enumerate(structure.blocs):
        idx = np.array([index[r] for r in members])
        local = {g: i for i, g in enumerate(idx)}
        sel = np.isin(c_reg, idx)
        tr = trading(np.array([local[g] for g in c_reg[sel]], dtype=np.int64), c_rem[sel],
                     c_cost[sel], target[idx], removal[idx], cost[idx], short[idx])
        nep[b] = tr["nep"]
        cnc_tr[idx] = tr["cnc_trading"]
        sold[idx] = tr["sold"][:-1]
        bought[idx] = tr["bought"][:-1]
        bloc_cost[b] = cost[idx].sum()
    bloc_of = structure.bloc_index(regions)
    data = {
        "bloc_nep": ("bloc", nep, {**PRICE, "long_name": "negative-emissions price inside the bloc"}),
        "bloc_cost": ("bloc", bloc_cost, {"units": "US$", "long_name": "CTNC of the bloc's regions by 2100"}),
        "region_bloc": ("region", np.array(structure.labels, dtype=object)[bloc_of].astype(str),
                        {"long_name": "the bloc the region belongs to"}),
        "cnc_trading_bloc": ("region", cnc_tr, {**PRICE, "long_name": "CNC by 2100 with trading inside the bloc"}),
        "surplus_sold": ("region", sold, {**T, "long_name": "surplus sold inside the bloc by 2100"}),
        "deficit_bought": ("region", bought, {**T, "long_name": "deficit bought inside the bloc by 2100"}),
    }
    if isolation is not None:
        iso_cost = isolation["ctnc"].sel(region=regions, year=last).sum("option").values
        saving = np.array([iso_cost[[index[r] for r in m]].sum() for m in structure.blocs]) - bloc_cost
        data["bloc_saving"] = ("bloc", saving, {"units": "US$", "long_name":
                                                "cost of the bloc's members in ISOLATION minus "
                                                "the bloc's cost"})
    return xr.Dataset(data, coords={"bloc": structure.labels, "region": regions},
                      attrs={"structure": structure.describe()})
