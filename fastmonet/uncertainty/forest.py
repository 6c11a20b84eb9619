"""Stand-kernel parameters a range moves (forest growth B and G, fire penalty, thinning share).

They enter `fastmonet.stand.StandParams`, not the input Dataset, so an ensemble can build one
StandParams per member for a batched kernel run: `ForestOverrides.multipliers(n)` gives the
per-cell arrays, `ForestOverrides.adjust(params)` the adjusted bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from fastmonet.stand import StandParams

THIN_SHARE = 0.1   # %T of formulation §2.2 (StandParams' default)


@dataclass(frozen=True)
class ForestOverrides:
    """growth_B, growth_G, rfire: multipliers of Table 2's B and G and of the formulation §2.5 fire
    penalty; thin_share: the thinning intensity %T (a value)."""

    growth_B: float = 1.0
    growth_G: float = 1.0
    rfire: float = 1.0
    thin_share: float = THIN_SHARE

    @property
    def is_identity(self) -> bool:
        return self == ForestOverrides()

    def multipliers(self, n_cells: int) -> dict[str, np.ndarray]:
        """Per-cell arrays: B, G and rfire multipliers, thin_share values."""
        return {"B": np.full(n_cells, self.growth_B), "G": np.full(n_cells, self.growth_G),
                "rfire": np.full(n_cells, self.rfire),
                "thin_share": np.full(n_cells, self.thin_share)}

    def adjust(self, params: StandParams) -> StandParams:
        """A new StandParams with these overrides (the same object's values when identity)."""
        if self.is_identity:
            return params
        return replace(params, B=params.B * self.growth_B, G=params.G * self.growth_G,
                       rfire=params.rfire * self.rfire,
                       thin_share=np.full(params.n_cells, self.thin_share))

    __call__ = adjust
