"""DACCS coefficients aCostD, aSCO2D, aCCO2D and efficiency per (tech, subregion, period)
(formulation §4).

Basis: one tonne of CO2 captured from the air. CE burns ``gas`` GJ whose CO2 is captured and
stored as well (so stored per captured = 1 + gas x EF), and pays for upstream gas emissions; the
plant's embodied emissions (construction, sorbent; ``embodied``) count per tonne captured; both
technologies buy grid electricity (CW also for its heat, at ``heat_cop``) at the subregion's price
and emit at its grid intensity in the period's mid-year (2025 for the 2020s, ...: formulation §5).
T&S (100 km pipeline + storage) is paid and powered per tonne stored.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from fastmonet.coefficients.inputs import require
from fastmonet.dimensions import DAC_TECHS
from fastmonet.energy import PERIOD_STARTS, EnergyTransition, period_mid_years
from fastmonet.kernels.dac import dac_coefficients
from fastmonet.technology import Technology


def tech_table(tech: Technology) -> np.ndarray:
    """(n_tech, 5) rows of gas, electricity, stored_extra, fixed_em, annual (see kernels.dac)."""
    rows = []
    fu = tech.fuels
    for k in DAC_TECHS:
        d = tech.dac[k]
        combustion = d.gas * fu.gas_direct * 1e-3
        elec = d.electricity + (d.heat / d.heat_cop if d.heat > 0 else 0.0)
        rows.append([
            d.gas,
            elec,
            combustion * d.combustion_captured,
            d.gas * fu.gas_upstream * 1e-3 + combustion * (1.0 - d.combustion_captured)
            + d.embodied,
            tech.finance.crf * d.capex + d.opex,
        ])
    return np.ascontiguousarray(rows, dtype=np.float64)


def dac_arrays(inputs: xr.Dataset, tech: Technology, grid_factors) -> tuple[np.ndarray, ...]:
    """(cost, stored, captured, efficiency), each (n_tech, n_subregion, len(grid_factors))."""
    grid = require(inputs, "grid_intensity_2020", ("subregion",)) * 1e-3   # tCO2/MWh
    price = require(inputs, "electricity_price", ("subregion",))
    gas = require(inputs, "gas_price", ("subregion",))
    gf = np.ascontiguousarray(grid_factors, dtype=np.float64)
    shape = (len(DAC_TECHS), grid.size, gf.size)
    cost, stored, captured, eff = (np.empty(shape) for _ in range(4))
    dac_coefficients(tech_table(tech), grid, price, gas, gf, tech.storage.cost, tech.storage.electricity,
                     cost, stored, captured, eff)
    return cost, stored, captured, eff


def dac_at_years(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition, years) -> xr.Dataset:
    """The same coefficients evaluated at calendar years (e.g. 2020 and 2060 for reporting)."""
    cost, stored, captured, eff = dac_arrays(inputs, tech, transition.grid_factor(np.asarray(years, float)))
    dims = ("tech", "subregion", "calendar_year")
    coords = {"tech": list(DAC_TECHS), "subregion": inputs["subregion"].values, "calendar_year": list(years)}
    return xr.Dataset({"dac_cost": (dims, cost), "dac_efficiency": (dims, eff)}, coords=coords)


def build_dac(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition) -> xr.Dataset:
    """The coefficients Dataset's DAC variables over the 8 periods (factors at each period's
    mid-year)."""
    cost, stored, captured, eff = dac_arrays(inputs, tech, transition.grid_factor(period_mid_years()))
    dims = ("tech", "subregion", "period")
    coords = {"tech": list(DAC_TECHS), "subregion": inputs["subregion"].values, "period": PERIOD_STARTS}
    src = "fastmonet.coefficients.dac (formulation §4) from data/technology/dac.toml"
    return xr.Dataset(
        {
            "dac_cost": (dims, cost, {"units": "US$2018/tCO2 removed", "source": src}),
            "dac_stored": (dims, stored, {"units": "tCO2 stored/tCO2 removed", "source": src}),
            "dac_captured": (dims, captured, {"units": "tCO2 captured/tCO2 removed", "source": src}),
            "dac_efficiency": (dims, eff, {"units": "tCO2 removed/tCO2 captured", "source": src,
                                           "note": "period factors at the period mid-year"}),
        },
        coords=coords,
    )
