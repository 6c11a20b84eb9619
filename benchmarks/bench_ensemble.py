"""asv benchmark of one ensemble member: a draw from the bundled ranges, its coefficients and its
COOPERATION solve, written to an ensemble store (`fastmonet.ensemble.run`, in this process)."""

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
                    sampler="random", inputs=self.inputs, tech=self.tech, progress=False)

    def time_one_member(self):
        self._one()

    def peakmem_one_member(self):
        self._one()
