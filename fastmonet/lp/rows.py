"""Row families (formulation §6.3-6.6, §6.10): each adds a contiguous range of rows with its
bounds and records the row id of every cell, which the column blocks read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fastmonet.lp.candidates import Candidates
from fastmonet.lp.instance import Instance
from fastmonet.lp_index import AREA, CO2, Block


def _ids(mask: np.ndarray, start: int) -> tuple[np.ndarray, int]:
    """Row numbers for the True cells of `mask` (C order), -1 elsewhere."""
    ids = np.full(mask.shape, -1, dtype=np.int32)
    n = int(np.count_nonzero(mask))
    ids[mask] = np.arange(start, start + n)
    return ids, start + n


def _coords(mask: np.ndarray, dims: tuple[str, ...]) -> dict[str, np.ndarray]:
    nz = np.nonzero(mask)
    return {d: nz[i].astype(np.int32) for i, d in enumerate(dims)}


class Rows:
    """Row families in the order they are added; each gets a contiguous range and its bounds."""

    def __init__(self):
        self.blocks: dict[str, Block] = {}
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.n = 0

    def add(self, name, mask, dims, scale, units, meaning, lower, upper) -> np.ndarray:
        """Rows at the True cells of `mask`; `lower`/`upper` are scalars or arrays shaped like
        `mask` (natural units, taken at the mask's cells).  Returns the row id of every cell."""
        ids, nxt = _ids(mask, self.n)
        self.blocks[name] = Block(name, self.n, nxt, dims, _coords(mask, dims), scale, units,
                                  meaning)
        for out, b in ((self.lower, lower), (self.upper, upper)):
            out.append(np.broadcast_to(np.asarray(b, np.float64), mask.shape)[mask] / scale)
        self.n = nxt
        return ids


def _not_built() -> np.ndarray:
    """A family's ids before its builder ran: empty (every builder runs before any reader)."""
    return np.empty(0, np.int64)


@dataclass
class RowIds:
    """Row id arrays (-1: no row) of every family, indexed by the family's own dims."""

    target: np.ndarray = field(default_factory=_not_built)            # (group, t)
    # (region, t): the target row a region's removal enters
    target_of_region: np.ndarray = field(default_factory=_not_built)
    removal_agg: np.ndarray = field(default_factory=_not_built)       # (region, p)
    agg_mask: np.ndarray = field(default_factory=_not_built)
    storage: np.ndarray = field(default_factory=_not_built)           # (sr,)
    land_ar: np.ndarray = field(default_factory=_not_built)           # (sr, ez)  row (35)
    land_crop_agg: np.ndarray = field(default_factory=_not_built)     # (sr, p)   defines u; row (36) is u's bound
    u_mask: np.ndarray = field(default_factory=_not_built)
    land_total: np.ndarray = field(default_factory=_not_built)        # (sr, p)   row (37)
    land_straw: np.ndarray = field(default_factory=_not_built)        # (sr, p)   row (38)
    beccs_build: np.ndarray = field(default_factory=_not_built)       # (sr, p)
    dac_build: np.ndarray = field(default_factory=_not_built)         # (tk, sr, p)
    dac_rate: np.ndarray = field(default_factory=_not_built)          # (sr, q)
    ar_rate: np.ndarray = field(default_factory=_not_built)           # (sr, a)


def target_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Formulation §6.3: cumulative removal + shortfall >= target per (group, t), = in 2100; and
    the removal aggregate rows r(c, p) = BECCS + DACCS removal of region c in period p
    (formulation §6.10)."""
    n_reg, n_p = inst.n_reg, inst.n_p
    # Target rows (g, t): one per bloc in force in year t (regions, "world", other blocs).
    tmask = inst.groups.mask()
    tval = inst.groups.target(inst.target)
    last = np.arange(n_p)[None, :] == n_p - 1
    ids.target = rows.add("target", tmask, ("group", "year"), CO2, "tCO2",
                          "cumulative removal + shortfall >= target (= in 2100)",
                          tval, np.where(last, tval, np.inf))
    ids.target_of_region = ids.target[inst.groups.of_region, np.arange(n_p)[None, :]]
    agg_mask = np.zeros((n_reg, n_p), bool)
    agg_mask[inst.sr_region[cand.xb_plant], cand.xb_per] = True
    agg_mask[inst.sr_region[cand.xd[1]], cand.xd[2]] = True
    ids.agg_mask = agg_mask
    ids.removal_agg = rows.add("removal_agg", agg_mask, ("region", "period"), CO2, "tCO2/yr",
                               "BECCS + DACCS removal of the region in the period = r", 0.0, 0.0)


def storage_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Formulation §6.4: cumulative stored CO2 <= capacity per plant subregion, 2100 only."""
    st_mask = np.zeros(inst.n_sr, bool)
    st_mask[cand.xb_plant] = True
    st_mask[cand.xd[1]] = True
    ids.storage = rows.add("storage", st_mask, ("subregion",), CO2, "tCO2",
                           "cumulative stored CO2 <= capacity (formulation §6.4)", -np.inf,
                           inst.storage)


def land_ar_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Row (35), AR area per (sr, ez) <= LRP + OVL, unless the expansion rate already bounds it."""
    xa_sr, xa_ez, _, xa_a = cand.xa
    xa_cell_ez = np.zeros((inst.n_sr, inst.n_ez), bool)
    xa_cell_ez[xa_sr, xa_ez] = True
    vint_present = np.zeros((inst.n_sr, inst.n_ez, inst.n_p), bool)
    vint_present[xa_sr, xa_ez, xa_a] = True
    n_vint = vint_present.sum(axis=2)
    mask = xa_cell_ez & (inst.ar_cap < n_vint * inst.ar_rate)
    ids.land_ar = rows.add("land_ar", mask, ("subregion", "ecozone"), AREA, "ha",
                           "(35) AR area <= LRP + OVL", -np.inf, inst.ar_cap)


def land_crop_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Row (36) as an aggregate: u(sr, p) = crop land (mal + overlap) of the chains sourced in sr
    during p, one equality row each; row (36) itself is u's upper bound (see `u_columns`)."""
    crop = (cand.xb_land <= 1) & (cand.xb_landc > 0)
    u_mask = np.zeros((inst.n_sr, inst.n_p), bool)
    u_mask[cand.xb_src[crop], cand.xb_per[crop]] = True
    ids.u_mask = u_mask
    ids.land_crop_agg = rows.add("land_crop_agg", u_mask, ("subregion", "period"), AREA, "ha",
                                 "crop land of the source subregion in the period = u", 0.0, 0.0)


def land_total_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Row (37), AR + crop land per (sr, p) <= MAL + LRP + OVL, where both compete and the AR
    side could exceed LRP (u <= MAL + sum OVL, so otherwise the row cannot bind)."""
    xa_sr, xa_ez, _, xa_a = cand.xa
    n_sr, n_p = inst.n_sr, inst.n_p
    vp = np.zeros((n_sr, n_p), np.int64)
    np.add.at(vp, (xa_sr, xa_a), 1)
    ar_by_p = np.cumsum(vp, axis=1) > 0
    xa_cell_ez = np.zeros((n_sr, inst.n_ez), bool)
    xa_cell_ez[xa_sr, xa_ez] = True
    vint_sr = np.zeros((n_sr, n_p), bool)
    vint_sr[xa_sr, xa_a] = True
    ar_max = np.minimum(np.where(xa_cell_ez, inst.ar_cap, 0.0).sum(axis=1)[:, None],
                        np.cumsum(vint_sr, axis=1) * inst.ar_rate)          # (sr, p), ha
    mask = ids.u_mask & ar_by_p & (ar_max > inst.lrp.sum(axis=1)[:, None])
    ids.land_total = rows.add("land_total", mask, ("subregion", "period"), AREA, "ha",
                              "(37) AR + crop land <= MAL + LRP + OVL", -np.inf,
                              inst.total_cap[:, None])


def land_straw_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Row (38), wheat land for straw per (sr, p) <= LHW."""
    straw = (cand.xb_land == 2) & (cand.xb_landc > 0)
    mask = np.zeros((inst.n_sr, inst.n_p), bool)
    mask[cand.xb_src[straw], cand.xb_per[straw]] = True
    ids.land_straw = rows.add("land_straw", mask, ("subregion", "period"), AREA, "ha",
                              "(38) wheat land for straw <= LHW", -np.inf, inst.lhw[:, None])


def fleet_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Fleets (formulation §6.6): plants / capture capacity operating = built in p-3..p x
    operating share."""
    ids.beccs_build = rows.add("beccs_build", cand.fed_b, ("subregion", "period"), 1.0, "plants",
                               "plants operating = built in p-3..p times operating share",
                               0.0, 0.0)
    ids.dac_build = rows.add("dac_build", cand.has_d, ("tech", "subregion", "period"), CO2,
                             "tCO2/yr",
                             "capture capacity operating = built in p-3..p times operating share",
                             0.0, 0.0)


def build_rate_rows(inst: Instance, cand: Candidates, rows: Rows, ids: RowIds) -> None:
    """Build rates (formulation §6.6) shared by several columns (a single column's rate is its
    bound): DAC capacity per (sr, q) where two technologies share it, AR area per (sr, a) where two or
    more cells do."""
    dac_mask = cand.kd_ok.sum(axis=0) >= 2
    ids.dac_rate = rows.add("dac_rate", dac_mask, ("subregion", "period"), CO2, "tCO2/yr",
                            "DAC capacity built in the period <= 10 x annual rate", -np.inf,
                            inst.rates.dac_capacity_per_period_t())
    ar_cnt = np.zeros((inst.n_sr, inst.n_p), np.int64)
    np.add.at(ar_cnt, (cand.xa[0], cand.xa[3]), 1)
    ids.ar_rate = rows.add("ar_rate", ar_cnt >= 2, ("subregion", "vintage"), AREA, "ha",
                           "area planted in the period <= 10 x expansion rate", -np.inf,
                           inst.ar_rate)


ROW_FAMILIES = (target_rows, storage_rows, land_ar_rows, land_crop_rows, land_total_rows,
                land_straw_rows, fleet_rows, build_rate_rows)

