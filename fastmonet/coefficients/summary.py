"""Per-region summary of the coefficients (``fastmonet coefficients summary``).

Rows: region, option, metric, year, min, median, max, unit. ``year`` is '-' where it does not
apply. Metrics:

* ``ar_removal_cost_100yr`` (ar): AR cost over 100 years / CO2 removed over 100 years, stand
  planted in 2020, across the region's AR cells (cells with removal > 0), US$/tCO2;
* ``ar_emissions_100yr`` (ar): operations' emissions over 100 years, tCO2/ha;
* ``ar_removal_100yr`` (ar): CO2 removed over 100 years, tCO2/ha;
* ``dac_efficiency`` (daccs_ce, daccs_cw) in calendar years 2020 and 2060, % removed/captured,
  across the region's subregions;
* ``dac_cost`` (daccs_ce, daccs_cw) in 2060, US$/tCO2 removed (subregions with efficiency > 0);
* ``beccs_net_cost`` and ``beccs_removal_per_tdm`` (beccs) for the periods starting in 2030 and
  2060 (factors at their mid-years), over the kept chains whose source and plant are both in the
  region, US$/tCO2 removed and tCO2/tDM delivered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.coefficients.dac import dac_at_years
from fastmonet.dimensions import REGIONS
from fastmonet.energy import EnergyTransition
from fastmonet.technology import Technology

COLUMNS = ["region", "option", "metric", "year", "min", "median", "max", "unit"]


def _row(region, option, metric, year, values, unit):
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    stats = (v.min(), np.median(v), v.max()) if v.size else (np.nan, np.nan, np.nan)
    return [region, option, metric, year, *stats, unit]


def summary(inputs: xr.Dataset, coeffs: xr.Dataset, tech: Technology) -> pd.DataFrame:
    """Per-region min/median/max of the AR, DACCS and BECCS coefficients as a DataFrame with
    `COLUMNS` (the metrics listed in the module docstring), for `fastmonet coefficients summary`."""
    transition = EnergyTransition.from_inputs(inputs, tech)
    sr_region = np.asarray(coeffs["subregion_region"].values).astype(str)
    dac = dac_at_years(inputs, tech, transition, [2020, 2060])
    rows = []
    em = coeffs["ar_emissions_100yr"].values
    rem = coeffs["ar_removal_100yr"].values
    cost = coeffs["ar_cost_100yr"].values
    with np.errstate(invalid="ignore", divide="ignore"):
        unit_cost = np.where(rem > 0, cost / rem, np.nan)
    src = coeffs["chain_source"].values
    plant = coeffs["chain_plant"].values
    period = coeffs["chain_period"].values
    starts = list(coeffs["period"].values)
    for region in REGIONS:
        in_r = sr_region == region
        rows.append(_row(region, "ar", "ar_removal_cost_100yr", "-", unit_cost[in_r], "US$/tCO2"))
        rows.append(_row(region, "ar", "ar_emissions_100yr", "-", em[in_r], "tCO2/ha"))
        rows.append(_row(region, "ar", "ar_removal_100yr", "-", rem[in_r], "tCO2/ha"))
        for k, tk in enumerate(dac["tech"].values):
            option = f"daccs_{tk}"
            for j, year in enumerate(dac["calendar_year"].values):
                rows.append(_row(region, option, "dac_efficiency", str(year),
                                 100.0 * dac["dac_efficiency"].values[k, in_r, j], "%"))
            j = list(dac["calendar_year"].values).index(2060)
            rows.append(_row(region, option, "dac_cost", "2060", dac["dac_cost"].values[k, in_r, j],
                             "US$/tCO2"))
        both = in_r[src] & in_r[plant]
        for year in (2030, 2060):
            sel = both & (period == starts.index(year))
            rows.append(_row(region, "beccs", "beccs_net_cost", str(year),
                             coeffs["beccs_cost"].values[sel], "US$/tCO2"))
            rows.append(_row(region, "beccs", "beccs_removal_per_tdm", str(year),
                             coeffs["beccs_removal_tdm"].values[sel], "tCO2/tDM"))
    return pd.DataFrame(rows, columns=COLUMNS)
