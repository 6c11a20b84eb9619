"""The names of the model's dimensions, defined once (formulation §1.2, §6).

Every module that needs the regions, the biomass types, the land kinds of a supply chain, the
DAC technologies or the period grid imports them from here; the order of each tuple is the
order of its dimension in every Dataset and the integer codes of the coefficients Dataset
(`chain_biomass` indexes `BIOMASS`, `chain_land` indexes `LAND_TYPES`).
"""

from __future__ import annotations

#: The five regions, in the order of the `region` dimension.
REGIONS: tuple[str, ...] = ("BRA", "CHN", "EU", "IND", "USA")
#: Biomass types; `chain_biomass` is an index into this tuple.
BIOMASS: tuple[str, ...] = ("miscanthus", "switchgrass", "willow", "poplar", "wheat_straw")
#: Land a chain's biomass grows on; `chain_land` is an index into this tuple (wheat straw on lhw).
LAND_TYPES: tuple[str, ...] = ("mal", "overlap", "lhw")
#: DAC technologies (capture with electricity, with waste heat).
DAC_TECHS: tuple[str, ...] = ("ce", "cw")
#: Forest types an AR cell may be planted with.
FOREST_TYPES: tuple[str, ...] = ("broadleaves", "conifers")

#: The period grid: eight decades from 2020; a period is reported at its end year.
FIRST_YEAR = 2020
PERIOD_YEARS = 10
N_PERIODS = 8
PERIOD_STARTS: tuple[int, ...] = tuple(range(FIRST_YEAR, FIRST_YEAR + PERIOD_YEARS * N_PERIODS,
                                             PERIOD_YEARS))
REPORT_YEARS: tuple[int, ...] = tuple(p + PERIOD_YEARS for p in PERIOD_STARTS)
