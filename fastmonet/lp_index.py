"""The map between LP positions and labelled coordinates.

Every column block and row family of the LP is a contiguous range of positions; for each position
it keeps integer indices into the labelled dimensions (subregion, ecozone, period, ...), and the
factor that turns the LP's scaled unit back into the natural unit.  The LP is solved in scaled
units (Mt CO2, kha, M US$, plants) so that its coefficients are O(1) to O(1e3):

    column    LP unit        natural unit      scale
    xA        kha            ha                1e3
    xB, xD    MtCO2/yr       tCO2/yr           1e6
    nB        plants         plants            1
    kD        MtCO2/yr       tCO2/yr           1e6
    r         MtCO2/yr       tCO2/yr           1e6     removal by BECCS + DACCS per (region, period)
    u         kha            ha                1e3     crop land per (source subregion, period)
    s         MtCO2          tCO2              1e6     shortfall per (target group, year)

With money in M US$ and CO2 in Mt, a target-row dual is directly in US$/tCO2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

AREA = 1e3        # ha per LP area unit
CO2 = 1e6         # tCO2 per LP CO2 unit
MONEY = 1e6       # US$ per LP money unit

GROUP_WORLD = "world"


@dataclass(frozen=True)
class Block:
    """A contiguous range [start, stop) of columns or rows with its coordinates."""

    name: str
    start: int
    stop: int
    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]      # one integer array of length stop-start per dim
    scale: float                       # natural units per LP unit
    units: str
    meaning: str = ""

    @property
    def size(self) -> int:
        return self.stop - self.start

    def slice(self) -> slice:
        return slice(self.start, self.stop)

    def dense(self, values: np.ndarray, shape: tuple[int, ...], fill: float = 0.0) -> np.ndarray:
        """Scatter this block's part of a full-length vector into a dense labelled array."""
        out = np.full(shape, fill, dtype=np.float64)
        out[tuple(self.coords[d] for d in self.dims)] = values[self.start:self.stop] * self.scale
        return out


@dataclass
class LPIndex:
    columns: dict[str, Block] = field(default_factory=dict)
    rows: dict[str, Block] = field(default_factory=dict)
    labels: dict[str, list] = field(default_factory=dict)   # dim name -> labels
    groups: list[str] = field(default_factory=list)        # target groups: regions then "world"

    def summary(self) -> str:
        cols = ", ".join(f"{b.name}={b.size}" for b in self.columns.values())
        rows = ", ".join(f"{b.name}={b.size}" for b in self.rows.values())
        return f"columns: {cols}\nrows: {rows}"

    def block_of_column(self, j: int) -> Block:
        for b in self.columns.values():
            if b.start <= j < b.stop:
                return b
        raise IndexError(j)

    def block_of_row(self, i: int) -> Block:
        for b in self.rows.values():
            if b.start <= i < b.stop:
                return b
        raise IndexError(i)

    def describe_row(self, i: int) -> str:
        return self._describe(self.block_of_row(i), i)

    def describe_column(self, j: int) -> str:
        return self._describe(self.block_of_column(j), j)

    def _describe(self, b: Block, position: int) -> str:
        """`name[dim=label, ...]` of the entry at `position` of the model in block `b`."""
        k = position - b.start
        parts = []
        for d in b.dims:
            lab = self.labels.get(d)
            v = int(b.coords[d][k])
            parts.append(f"{d}={lab[v] if lab is not None else v}")
        return f"{b.name}[{', '.join(parts)}]"
