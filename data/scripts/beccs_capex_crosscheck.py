"""BECCS CAPEX cross-checks recorded in `sources/energy_ranges.csv` (row `beccs_capex`).

    python data/scripts/beccs_capex_crosscheck.py

Every input is a figure read for this dataset (SOURCES.md keys in brackets); the outputs are the
`low` and `high` ends of the range (US$2018 per kW net of the bundled 500 MW, 4.2 MtCO2/yr plant,
`technology/beccs.toml`).  Pure standard library.
"""

from __future__ import annotations

PLANT_KW = 500_000.0          # technology/beccs.toml [plant] capacity (formulation §3)
PLANT_CAPTURE_T = 4.2e6       # tCO2/yr captured (formulation §3)
CF = 0.85                     # technology/beccs.toml capacity factor (assumption)
HOURS = 8760.0

# [PYPSA_TECHDATA] outputs/costs_2020.csv, 'biomass' investment (DIW DataDoc), EUR2015/kWel
BIOMASS_PLANT_EUR2015_PER_KW = 2950.7891
EUR_PER_USD_2015 = 0.901296423367096  # [WB_FX] PA.NUS.FCRF, EMU, 2015

# [DRAX_US] ~US$2bn per new-build BECCS plant capturing 3 MtCO2/yr and producing 2 TWh/yr
DRAX_USD = 2.0e9
DRAX_CAPTURE_T = 3.0e6
DRAX_TWH = 2.0
# [CPI_U] US CPI-U annual averages (BLS), deflating the 2023 announcement to 2018 dollars
CPI_2018, CPI_2023 = 251.107, 304.702


def plant_without_capture() -> float:
    """Lower bound: a biomass power plant with no capture unit, US$2015/kW (not deflated)."""
    return BIOMASS_PLANT_EUR2015_PER_KW / EUR_PER_USD_2015


def drax_per_capture() -> float:
    """Drax's cost per tCO2/yr of capture, applied to this plant's capture, US$2018/kW."""
    return DRAX_USD / DRAX_CAPTURE_T * PLANT_CAPTURE_T / PLANT_KW * CPI_2018 / CPI_2023


def drax_per_kw() -> float:
    """Drax's cost per kW of average output at this plant's capacity factor, US$2018/kW."""
    kw = DRAX_TWH * 1e9 / (HOURS * CF)
    return DRAX_USD / kw * CPI_2018 / CPI_2023


if __name__ == "__main__":
    print(f"plant without capture: {plant_without_capture():.0f} US$/kW")
    print(f"Drax, per capture:     {drax_per_capture():.0f} US$2018/kW")
    print(f"Drax, per kW:          {drax_per_kw():.0f} US$2018/kW")
