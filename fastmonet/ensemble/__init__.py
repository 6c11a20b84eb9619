"""Uncertainty ensembles: members drawn from the ranges file, solved on dask.distributed, one store.

    import fastmonet.ensemble as ens
    summary = ens.run(n=100, scenarios=["cooperation", "current_policy"], out="ens.zarr",
                      sampler="lhs", seed=1)           # resumes if ens.zarr holds this run
    ds = ens.open("ens.zarr")                          # == xr.open_zarr("ens.zarr")
    stats = ens.report.summarise(ds)                   # percentiles, P(target met), Sobol

Modules: `sampling` (Saltelli / LHS / random), `stand_coefficients` (AR and DAC coefficients of
a member block in one kernel call), `members` (a member's coefficients Dataset and solves),
`tasks` (what a worker runs), `store` (layout, content keys, writes), `execute` (the run),
`progress`, `report`; the analyses of any sample: `sampled` (the store's sampled columns),
`sensitivity` (PAWN indices with bootstrap intervals), `discovery` (PRIM boxes).
"""

from __future__ import annotations

from fastmonet.ensemble.execute import RunSummary, run
from fastmonet.ensemble.store import open_dataset as open

__all__ = ["RunSummary", "open", "run"]
