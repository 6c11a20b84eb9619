"""The energy transition of formulation §5 (paper Fig. 1) as factors per calendar year.

Three linear ramps from 1 at ``start_year`` (2020) to 0 at their zero year, flat before and after:

* ``grid_factor``: grid carbon intensity relative to the subregion's 2020 value (0 from 2050);
* ``fossil_share``: fossil share of road and sea fuels (biofuels replace them by 2080; biofuels
  count as zero-emission, so a fossil emission factor is scaled by this share);
* ``drying_gas_share``: natural-gas share of biomass-drying heat (wood from 2040; wood heat is
  biogenic and counts as zero-emission).

The ramp years come from the input Dataset (``data/energy_transition.csv``) when it carries them,
else from ``data/technology/energy_transition.toml`` (``EnergyTransition.from_inputs``).

A factor for calendar year ``y`` is the ramp evaluated at ``y`` itself (2020 -> 1, 2050 -> 0 for
the grid). Period-level factors (BECCS chains, DACCS) use the period's mid-year, e.g. 2025 for the
2020s: see ``period_mid_years``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastmonet import dimensions
from fastmonet.dimensions import FIRST_YEAR, N_PERIODS, PERIOD_YEARS  # noqa: F401 (re-exported)
from fastmonet.errors import InputError
from fastmonet.technology import Technology

PERIOD_STARTS = np.array(dimensions.PERIOD_STARTS)
REPORT_YEARS = PERIOD_STARTS + PERIOD_YEARS


def period_mid_years() -> np.ndarray:
    """Mid-year of each period (2025, 2035, ... 2095): where period-level factors are evaluated."""
    return PERIOD_STARTS + PERIOD_YEARS / 2.0


def _ramp(years, start: float, zero: float) -> np.ndarray:
    y = np.asarray(years, dtype=np.float64)
    return np.clip(1.0 - (y - start) / (zero - start), 0.0, 1.0)


# Variables of the inputs Dataset (data/energy_transition.csv) that, when present, define the
# transition.
INPUT_VARIABLES = {
    "grid_start": "transition_grid_start_year", "grid_zero": "transition_grid_zero_year",
    "fuel_start": "transition_fuel_start_year", "fuel_zero": "transition_fuel_biofuel_year",
    "drying_start": "transition_drying_start_year", "drying_zero": "transition_drying_wood_year",
}


@dataclass(frozen=True)
class EnergyTransition:
    grid_start: float = 2020.0
    grid_zero: float = 2050.0
    fuel_start: float = 2020.0
    fuel_zero: float = 2080.0
    drying_start: float = 2020.0
    drying_zero: float = 2040.0

    def __post_init__(self):
        for name in ("grid", "fuel", "drying"):
            start, zero = getattr(self, f"{name}_start"), getattr(self, f"{name}_zero")
            if not (np.isfinite(start) and np.isfinite(zero) and zero > start):
                raise InputError(f"energy transition: {name} ramp must end after it starts "
                                 f"(start {start}, zero year {zero})")

    @classmethod
    def from_technology(cls, tech: Technology) -> "EnergyTransition":
        """From data/technology/energy_transition.toml."""
        t = tech.transition
        return cls(t.start_year, t.grid_zero_year, t.start_year, t.fossil_fuel_zero_year,
                   t.start_year, t.drying_gas_zero_year)

    @classmethod
    def from_inputs(cls, inputs, tech: Technology) -> "EnergyTransition":
        """The input Dataset's ``transition_*`` years (data/energy_transition.csv) when it has
        all six of them, else the technology file's; the data directory is the one place a user
        edits, so it wins."""
        have = [v in inputs.variables for v in INPUT_VARIABLES.values()]
        if not all(have):
            if any(have):
                missing = [v for v in INPUT_VARIABLES.values() if v not in inputs.variables]
                raise InputError(f"inputs: energy transition incomplete, missing variable {missing[0]!r}")
            return cls.from_technology(tech)
        return cls(**{k: float(inputs[v].values) for k, v in INPUT_VARIABLES.items()})

    def grid_factor(self, years) -> np.ndarray:
        """Grid carbon intensity in ``years`` as a fraction of the 2020 intensity."""
        return _ramp(years, self.grid_start, self.grid_zero)

    def fossil_share(self, years) -> np.ndarray:
        """Fossil share of road and sea fuels in ``years``."""
        return _ramp(years, self.fuel_start, self.fuel_zero)

    def drying_gas_share(self, years) -> np.ndarray:
        """Natural-gas share of biomass-drying heat in ``years`` (the rest is wood)."""
        return _ramp(years, self.drying_start, self.drying_zero)

    def calendar(self, first_year: int = FIRST_YEAR, n_years: int = 200) -> np.ndarray:
        """Factors for consecutive calendar years: array (3, n_years) of grid, fossil, drying gas."""
        years = np.arange(first_year, first_year + n_years, dtype=np.float64)
        return np.ascontiguousarray(
            np.stack([self.grid_factor(years), self.fossil_share(years), self.drying_gas_share(years)])
        )
