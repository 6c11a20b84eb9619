"""asv benchmarks of the stand model (formulation §2): kernel with and without trajectories, the
NumPy baseline, and the vintage coefficients with operation flows.

Self-contained (random cells, no data files) so that it runs against an installed wheel.
"""

from __future__ import annotations

import numpy as np

from fastmonet.reference import stand_numpy
from fastmonet.stand import StandParams, simulate, vintage_coefficients


def _cells(n: int, seed: int = 0) -> StandParams:
    # published ranges: B 15-300 tDM/ha, T 30-140 yr, Table 5 root ratios, Cf, Rfire 0-0.35
    rng = np.random.default_rng(seed)
    B = rng.uniform(15.0, 300.0, n)
    fitted = rng.random(n) < 0.6
    return StandParams(
        B=B, G=B / rng.uniform(30.0, 140.0, n),
        R1=np.where(fitted, rng.uniform(24.0, 848.0, n), rng.uniform(0.27, 0.40, n)),
        R2=np.where(fitted, rng.uniform(0.00028, 0.045, n), 0.0),
        Cf=rng.uniform(0.47, 0.51, n), rfire=rng.uniform(0.0, 0.35, n),
    )


class StandKernel:
    params = [10_000, 100_000, 1_000_000]
    param_names = ["cells"]
    timeout = 300

    def setup(self, cells):
        self.p = _cells(cells)
        simulate(self.p.subset(slice(0, 10)), trajectories=False)  # JIT / cache load
        simulate(self.p.subset(slice(0, 10)), trajectories=True)

    def time_coefficients_only(self, cells):
        simulate(self.p, trajectories=False)

    def time_with_trajectories(self, cells):
        simulate(self.p, trajectories=True)

    def peakmem_coefficients_only(self, cells):
        simulate(self.p, trajectories=False)

    def track_cell_years_per_s(self, cells):
        import time

        t0 = time.perf_counter()
        simulate(self.p, trajectories=False)
        return cells * 100 / (time.perf_counter() - t0)

    track_cell_years_per_s.unit = "cell-years/s"


class StandNumpyBaseline:
    params = [10_000, 100_000, 1_000_000]
    param_names = ["cells"]
    timeout = 300

    def setup(self, cells):
        self.p = _cells(cells)

    def time_numpy(self, cells):
        stand_numpy.simulate(self.p)


class VintageCoefficients:
    """cRCO2 with K operation flows priced by calendar-year factors (formulation §9.1)."""

    params = [[5_000], [0, 8]]
    param_names = ["cells", "flows"]

    def setup(self, cells, flows):
        rng = np.random.default_rng(1)
        res = simulate(_cells(cells), trajectories=True)
        self.stock = res.CO2seq
        self.flows = rng.uniform(0.0, 1.0, (cells, flows, 101)) if flows else None
        self.factors = rng.uniform(0.0, 1.0, (flows, 80)) if flows else None
        vintage_coefficients(self.stock[:2], None if not flows else self.flows[:2], self.factors)

    def time_vintage_coefficients(self, cells, flows):
        vintage_coefficients(self.stock, self.flows, self.factors)
