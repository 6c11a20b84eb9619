"""asv benchmarks of the results store: one scenario's solution and metrics written to and read
back from zarr (ISOLATION on the bundled data: a chain-sized `beccs_rate`, ~1 M entries)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


class ResultsZarr:
    timeout = 300
    number = 1
    repeat = (2, 5, 30.0)

    def setup(self):
        from fastmonet.api import load_coefficients, solve_coefficients
        self.res = solve_coefficients(load_coefficients(), "isolation")
        self.tmp = Path(tempfile.mkdtemp(prefix="fastmonet-asv-"))
        self.stored = self.tmp / "read.zarr"
        self.group = self.res.to_zarr(self.stored)
        self.n = 0

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def time_write(self):
        self.n += 1
        self.res.to_zarr(self.tmp / f"w{self.n}.zarr")

    def time_read(self):
        from fastmonet.results import Results
        r = Results.from_zarr(self.stored, self.group)
        r.solution["beccs_rate"].values.sum()

    def peakmem_read(self):
        from fastmonet.results import Results
        Results.from_zarr(self.stored, self.group).solution["beccs_rate"].values.sum()
