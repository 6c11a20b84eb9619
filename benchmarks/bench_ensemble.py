"""asv benchmarks of one ensemble member: a draw from the bundled ranges, its coefficients and its
COOPERATION solve, written to an ensemble store (`fastmonet.ensemble.run`, in this process, cold:
no central reference solve), and the same member's solve cold and warm-started from the central
member's basis (`fastmonet.warm_start`), with their simplex iterations tracked."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


class EnsembleMember:
    timeout = 600
    number = 1
    repeat = (1, 3, 120.0)

    def setup(self):
        from fastmonet import data, technology
        self.inputs = data.load()
        self.tech = technology.load()
        self.tmp = Path(tempfile.mkdtemp(prefix="fastmonet-asv-"))
        self.n = 0

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _one(self):
        from fastmonet.ensemble import execute
        self.n += 1
        execute.run(1, ("cooperation",), self.tmp / f"e{self.n}.zarr", workers=0,
                    sampler="random", inputs=self.inputs, tech=self.tech, progress=False,
                    warm_start=False)

    def time_one_member(self):
        self._one()

    def peakmem_one_member(self):
        self._one()


class WarmStart:
    """One member's COOPERATION solve, cold and from the central member's basis."""

    timeout = 900
    number = 1
    repeat = (1, 3, 120.0)

    def setup(self):
        from fastmonet import api, coefficients, data, technology, uncertainty
        from fastmonet.ensemble import sampling
        inputs, tech = data.load(), technology.load()
        ranges = uncertainty.load(tech=tech)
        central = api.solve_coefficients(coefficients.build(inputs, tech), "cooperation",
                                         keep_reference=True)
        self.reference = central.reference
        unit, _ = sampling.unit_sample(len(ranges.dimension_names()), 1, "random", seed=3)
        draw = ranges.draws(unit)[0]
        applied = uncertainty.apply(inputs, tech, draw, ranges)
        self.coeffs = applied.coefficients()
        self.scenario = applied.scenario(central.scenario)

    def _solve(self, warm):
        from fastmonet import api
        return api.solve_coefficients(self.coeffs, self.scenario, warm=warm)

    def time_cold(self):
        self._solve(None)

    def time_warm(self):
        self._solve(self.reference)

    def track_cold_iterations(self):
        return self._solve(None).stats["simplex_iterations_total"]

    def track_warm_iterations(self):
        return self._solve(self.reference).stats["simplex_iterations_total"]

    track_cold_iterations.unit = "iterations"
    track_warm_iterations.unit = "iterations"
