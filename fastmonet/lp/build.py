"""The LP of formulation §6 as one CSC matrix, built with vectorised NumPy (no modelling layer).

Each column block yields, for every column, a fixed-width table of (row, value) entries with row
-1 where there is none; the CSC arrays are those tables flattened in column order, so assembling
the matrix costs one pass over the non-zeros and no sort.

Beyond formulation §6.1-6.6, two kinds of aggregate columns cut the non-zeros (formulation §6.10):
`r[c, p]`, the BECCS + DACCS removal of region c in period p (one equality row per (c, p)), enters
the cumulative target rows instead of every chain; `u[sr, p]`, the crop land of source subregion
sr in period p, carries row (36) as its upper bound and enters row (37) instead of every chain.

Columns that can never be non-zero are not created: AR cells without land or without removal,
chains without storage or land at their ends, chains whose plant could never be built (a plant
built in period q runs in q..q+3, so a build needs chains at the plant in each of those periods),
DAC where the coefficient is NaN or there is no storage.  Rows are created only where they have
columns; row (35) only at the last period and only if the expansion rate does not already imply
it, row (37) only where both AR and crops compete for the land and it is not implied, the storage
row only for 2100 (formulation §6.4), and single-column rate rows become column bounds.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from fastmonet.errors import InputError
from fastmonet.lp.candidates import Candidates, candidates
from fastmonet.lp.checks import check_coefficients
from fastmonet.lp.columns import COLUMN_BLOCKS, Columns
from fastmonet.lp.instance import Instance, make_instance
from fastmonet.lp.model import Fixings, LPModel
from fastmonet.lp.rows import ROW_FAMILIES, RowIds, Rows
from fastmonet.lp_index import CO2, Block, LPIndex
from fastmonet.scenarios import Scenario


def _assemble(cols: Columns):
    """CSC arrays from the blocks' (row, value) tables: one pass over the non-zeros, no sort."""
    counts, idx, val = [], [], []
    for r, v, *_ in cols.tables:
        m = (r >= 0) & (v != 0)
        counts.append(m.sum(axis=1))
        idx.append(r[m])
        val.append(v[m])
    a_start = np.zeros(cols.n + 1, np.int64)
    np.cumsum(np.concatenate(counts), out=a_start[1:])
    if a_start[-1] >= 2**31:
        raise InputError("coefficients: the LP has more than 2^31 non-zeros; reduce the chains")
    a_index = np.concatenate(idx).astype(np.int32, copy=False)
    a_value = np.concatenate(val).astype(np.float64)
    cost, lower, upper = (np.concatenate([t[k] for t in cols.tables]).astype(np.float64)
                          for k in (2, 3, 4))
    return a_start.astype(np.int32), a_index, a_value, cost, lower, upper


def _labels(ds: xr.Dataset, inst: Instance) -> dict[str, list]:
    return {
        "subregion": [str(x) for x in ds["subregion"].values],
        "region": inst.regions,
        "group": inst.groups.labels,
        "ecozone": [str(x) for x in ds["ecozone"].values],
        "forest_type": [str(x) for x in ds["forest_type"].values],
        "vintage": [int(x) for x in ds["vintage"].values],
        "period": [int(x) for x in ds["period"].values],
        "year": [int(x) for x in inst.years],
        "tech": [str(x) for x in ds["tech"].values],
    }


def blocks(ds: xr.Dataset, scenario: Scenario, check: bool = True,
           merge_overlap: bool = True) -> tuple[Instance, Candidates, Rows, Columns]:
    """The LP before assembly: (instance, candidates, rows, columns), where `rows.blocks` and
    `rows.lower/upper` give every row family and its bounds and `cols.tables` every column
    block's (row, value) table, cost and bounds (benchmarks/compare.py hands them to linopy)."""
    if check:
        check_coefficients(ds)
    inst = make_instance(ds, scenario)
    cand = candidates(ds, inst, merge_overlap)
    rows, ids = Rows(), RowIds()
    for family in ROW_FAMILIES:
        family(inst, cand, rows, ids)
    cols = Columns()
    for block in COLUMN_BLOCKS:
        block(ds, inst, cand, ids, cols)
    return inst, cand, rows, cols


def build(ds: xr.Dataset, scenario: Scenario, fixings: Fixings | None = None,
          check: bool = True, merge_overlap: bool = True) -> LPModel:
    """The LP of formulation §6 for `scenario` on the coefficients Dataset `ds`.

    Rows are added family by family (`ROW_FAMILIES`), then columns block by block
    (`COLUMN_BLOCKS`); under SWITCH_Y the early decisions are fixed by `fixing_bounds`.
    `merge_overlap=False` offers a column for every chain, also the `overlap` chains identical
    to a `mal` chain (same optimum, about 45% more BECCS columns on the bundled data).
    """
    t0 = time.perf_counter()
    inst, cand, rows, cols = blocks(ds, scenario, check=check, merge_overlap=merge_overlap)
    a_start, a_index, a_value, cost, col_lower, col_upper = _assemble(cols)
    shortfall_cost = np.zeros(cols.n)
    shortfall_cost[cols.blocks["s"].slice()] = 1.0
    warm_columns = np.zeros(0, np.int64)
    if fixings is not None:
        warm_columns = fixing_bounds(fixings, cols.blocks, col_lower, col_upper, cand.merged)
    index = LPIndex(columns=cols.blocks, rows=rows.blocks, labels=_labels(ds, inst),
                    groups=inst.groups.labels)
    model = LPModel(
        n_col=cols.n, n_row=rows.n, a_start=a_start, a_index=a_index, a_value=a_value, cost=cost,
        shortfall_cost=shortfall_cost, col_lower=col_lower, col_upper=col_upper,
        row_lower=np.concatenate(rows.lower), row_upper=np.concatenate(rows.upper), index=index,
        scenario=scenario, target_total=float(inst.target[:, -1].sum() / CO2),
        warm_columns=warm_columns, merged_chains=cand.merged,
    )
    model.build_s = time.perf_counter() - t0
    return model


def fixing_bounds(fx: Fixings, cols: dict[str, Block], lower: np.ndarray, upper: np.ndarray,
                  merged: np.ndarray | None = None) -> np.ndarray:
    """Fix every decision of periods <= fx.last_period to its value (LP units, clipped at 0).
    A merged column (`merged`: mal chain, overlap chain) is fixed to the sum of both chains.

    Returns the chain columns the fixed solution uses in any period (see LPModel.warm_columns).
    """
    beccs = np.asarray(fx.beccs, np.float64)
    if merged is not None and merged.size:
        beccs = beccs.copy()
        np.add.at(beccs, merged[0], beccs[merged[1]])
        beccs[merged[1]] = 0.0

    def fix(name, values_nat, period_dim):
        b = cols[name]
        early = b.coords[period_dim] <= fx.last_period
        val = np.maximum(values_nat[tuple(b.coords[d] for d in b.dims)] / b.scale, 0.0)
        sl = np.arange(b.start, b.stop)[early]
        # A fixed value may sit a hair above a rate bound after the round trip: keep the bound.
        v = np.minimum(val[early], upper[sl])
        lower[sl] = v
        upper[sl] = v
        return b.start + np.flatnonzero(val > 0)

    fix("xA", fx.ar_area, "vintage")
    used_chains = fix("xB", beccs, "period")
    fix("xD", fx.dac, "period")
    fix("nB", fx.plants, "period")
    fix("kD", fx.dac_capacity, "period")
    return used_chains

