"""Trading blocs and burden-sharing rules (issue 13): cooperation between any subset of regions.

- `structure`: `Structure`, a partition of the regions into blocs plus the biomass-trade mode;
- `burden`: how the world target is split into regional targets (`Burden`, `apply`);
- `metrics`: per-bloc NEP, CNC with trading, credits sold and bought, savings;
- `linkage`: every pairwise link and the greedy join order (`fastmonet linkage`).
"""

from fastmonet.blocs.burden import Burden
from fastmonet.blocs.structure import TRADE_MODES, Structure, named
from fastmonet.dimensions import REGIONS

__all__ = ["Burden", "REGIONS", "TRADE_MODES", "Structure", "named"]
