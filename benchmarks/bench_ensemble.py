"""asv benchmarks of one ensemble member on the bundled data (see ensemble_throughput.py for the
one-shot JSON report of a whole run): its coefficient block, its Contract-3 assembly (BECCS
chains rebuilt on the worker) and its ISOLATION solve, each in this process."""

from __future__ import annotations

import shutil
import tempfile


class Member:
    timeout = 900

    def setup(self):
        from fastmonet.ensemble import execute, tasks
        self.tmp = tempfile.mkdtemp(prefix="asv_ens_")
        self.out = f"{self.tmp}/e.zarr"
        ctx, draws, sample, unit, info = execute._prepare(
            32, ["isolation"], None, "random", 0, "p3", "medium", None, None, None, None, None)
        keys, attrs = execute._keys(ctx, draws, sample, unit, info)
        execute._open_or_create(self.out, ctx, attrs, keys, sample, unit, len(draws), 32, 1)
        tasks.coefficient_task(ctx, self.out, 0, draws)
        self.ctx, self.draws, self.tasks = ctx, draws, tasks

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def time_coefficient_block_32_members(self):
        self.tasks.coefficient_task(self.ctx, self.out, 0, self.draws)

    def time_member_contract3(self):
        from fastmonet.ensemble import members, store
        from fastmonet.ensemble.stand_coefficients import DAC_VARS
        applied = members.apply_draw(self.ctx, self.draws[0])
        arr = store.read_member_coefficients(self.out, 0, ("ar_removal", "ar_cost") + DAC_VARS)
        members.contract3(applied, self.ctx.cells, arr["ar_removal"], arr["ar_cost"],
                          {v: arr[v] for v in DAC_VARS})

    def time_member_isolation(self):
        self.tasks.member_task(self.ctx, self.out, 1, self.draws[1])

    def peakmem_member_isolation(self):
        self.tasks.member_task(self.ctx, self.out, 2, self.draws[2])
