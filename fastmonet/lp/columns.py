"""Column blocks (formulation §6.1, §6.10): each yields, for every column, a fixed-width table
of (row, value) entries with row -1 where there is none, plus its cost and bounds (LP units)."""

from __future__ import annotations

import numpy as np

from fastmonet.lp.candidates import OPERATING_SHARE, Candidates, nonzero64
from fastmonet.lp.instance import Instance
from fastmonet.lp.rows import RowIds
from fastmonet.lp_index import AREA, CO2, MONEY, Block


class Columns:
    """Column blocks in order.  Each block is a fixed-width table of (row, value) entries per
    column with row -1 where there is none, plus its cost and bounds (LP units)."""

    def __init__(self):
        self.blocks: dict[str, Block] = {}
        self.tables: list[tuple] = []
        self.n = 0

    def add(self, name, dims, coords, r, v, cost, lower, upper, scale, units, meaning,
            extra=None):
        n = r.shape[0]
        c = {d: np.asarray(coords[i], np.int32) for i, d in enumerate(dims)}
        c.update({k: np.asarray(a, np.int32) for k, a in (extra or {}).items()})
        self.blocks[name] = Block(name, self.n, self.n + n, dims, c, scale, units, meaning)
        self.tables.append((r, v, cost, lower, upper))
        self.n += n


def ar_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """xA: target rows (t >= a), (35), (37) for p >= a, and the AR rate row (or its bound)."""
    xa_sr, xa_ez, xa_ft, xa_a = cand.xa
    n_p, n = inst.n_p, xa_sr.size
    K = 2 * n_p + 2
    r = np.full((n, K), -1, np.int32)
    v = np.zeros((n, K))
    cell_rem = cand.rem[xa_sr, xa_ez, xa_ft, xa_a, :]                    # (n_xa, t)
    reg = inst.sr_region[xa_sr]
    r[:, :n_p] = np.where(cell_rem != 0, ids.target_of_region[reg, :], -1)
    v[:, :n_p] = cell_rem * (AREA / CO2)
    r[:, n_p] = ids.land_ar[xa_sr, xa_ez]
    v[:, n_p] = 1.0
    pp = np.arange(n_p)[None, :]
    r[:, n_p + 1: 2 * n_p + 1] = np.where(pp >= xa_a[:, None], ids.land_total[xa_sr, :], -1)
    v[:, n_p + 1: 2 * n_p + 1] = 1.0
    r[:, 2 * n_p + 1] = ids.ar_rate[xa_sr, xa_a]
    v[:, 2 * n_p + 1] = 1.0
    cost = np.asarray(ds["ar_cost"].values, np.float64)[xa_sr, xa_ez, xa_ft, xa_a, n_p - 1]
    upper = np.where(ids.ar_rate[xa_sr, xa_a] < 0, inst.ar_rate / AREA, np.inf)
    cols.add("xA", ("subregion", "ecozone", "forest_type", "vintage"), cand.xa, r, v,
             cost * (AREA / MONEY), np.zeros(n), upper, AREA, "ha", "area planted in the vintage")


def beccs_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """xB: removal aggregate, storage, plant fleet, land (crop aggregate u or straw row 38)."""
    xb, n = cand.xb, cand.xb.size
    r = np.full((n, 4), -1, np.int32)
    v = np.zeros((n, 4))
    r[:, 0] = ids.removal_agg[inst.sr_region[cand.xb_plant], cand.xb_per]
    v[:, 0] = 1.0
    r[:, 1] = ids.storage[cand.xb_plant]
    v[:, 1] = 10.0 * cand.b_stored[xb]
    r[:, 2] = ids.beccs_build[cand.xb_plant, cand.xb_per]
    v[:, 2] = np.asarray(ds["beccs_units"].values, np.float64)[xb] * CO2
    land_row = np.where(cand.xb_land == 2, ids.land_straw[cand.xb_src, cand.xb_per],
                        ids.land_crop_agg[cand.xb_src, cand.xb_per])
    r[:, 3] = np.where(cand.xb_landc > 0, land_row, -1)
    v[:, 3] = cand.xb_landc * (CO2 / AREA)
    cost = np.asarray(ds["beccs_cost"].values, np.float64)[xb]
    cols.add("xB", ("chain",), (xb,), r, v, 10.0 * cost * (CO2 / MONEY), np.zeros(n),
             np.full(n, np.inf), CO2, "tCO2/yr", "removal rate of the chain during its period",
             extra={"period": cand.xb_per, "source": cand.xb_src, "plant": cand.xb_plant,
                    # with the three above, what the chain is in any member of an ensemble
                    # (the chain index is not: chains with no removal are dropped per member)
                    "biomass": np.asarray(ds["chain_biomass"].values)[xb], "land": cand.xb_land})


def dac_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """xD: removal aggregate, storage, DAC fleet."""
    tk, sr, p = cand.xd
    n = tk.size
    r = np.full((n, 3), -1, np.int32)
    v = np.zeros((n, 3))
    r[:, 0] = ids.removal_agg[inst.sr_region[sr], p]
    v[:, 0] = 1.0
    r[:, 1] = ids.storage[sr]
    v[:, 1] = 10.0 * cand.d_stor[tk, sr, p]
    r[:, 2] = ids.dac_build[tk, sr, p]
    v[:, 2] = cand.d_capt[tk, sr, p]
    cols.add("xD", ("tech", "subregion", "period"), cand.xd, r, v,
             10.0 * cand.d_cost[tk, sr, p] * (CO2 / MONEY), np.zeros(n), np.full(n, np.inf),
             CO2, "tCO2/yr", "DACCS removal rate during the period")


def _operating(build_ids_of, q: np.ndarray, n_p: int) -> np.ndarray:
    """Fleet rows of the periods q..q+3 a unit built in q operates in (-1 past the horizon)."""
    pq = q[:, None] + np.arange(len(OPERATING_SHARE))[None, :]
    return np.where(pq < n_p, build_ids_of(np.minimum(pq, n_p - 1)), -1)


def fleet_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """nB (plants built) and kD (DAC capacity built): fleet rows of the periods they operate in;
    kD also the shared DAC rate row (or the rate as its bound)."""
    n_p, nd = inst.n_p, len(OPERATING_SHARE)
    nb_sr, nb_q = nonzero64(cand.nb_ok)
    r = _operating(lambda pq: ids.beccs_build[nb_sr[:, None], pq], nb_q, n_p)
    v = -np.broadcast_to(OPERATING_SHARE, r.shape).copy()
    n = nb_sr.size
    cols.add("nB", ("subregion", "period"), (nb_sr, nb_q), r, v, np.zeros(n), np.zeros(n),
             np.full(n, inst.rates.beccs_plants_per_period()), 1.0, "plants",
             "BECCS plants built in the period")
    kd_tk, kd_sr, kd_q = nonzero64(cand.kd_ok)
    n = kd_q.size
    r = np.full((n, nd + 1), -1, np.int32)
    v = np.zeros((n, nd + 1))
    r[:, :nd] = _operating(lambda pq: ids.dac_build[kd_tk[:, None], kd_sr[:, None], pq], kd_q, n_p)
    v[:, :nd] = -OPERATING_SHARE
    r[:, nd] = ids.dac_rate[kd_sr, kd_q]
    v[:, nd] = 1.0
    upper = np.where(ids.dac_rate[kd_sr, kd_q] < 0,
                     inst.rates.dac_capacity_per_period_t() / CO2, np.inf)
    cols.add("kD", ("tech", "subregion", "period"), (kd_tk, kd_sr, kd_q), r, v, np.zeros(n),
             np.zeros(n), upper, CO2, "tCO2/yr", "DAC capture capacity built in the period")


def removal_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """r: -1 in its aggregate row, 10 in the target rows of every reporting year after the period."""
    ag_c, ag_p = np.nonzero(ids.agg_mask)
    n_p, n = inst.n_p, ag_c.size
    r = np.full((n, 1 + n_p), -1, np.int32)
    v = np.zeros((n, 1 + n_p))
    r[:, 0] = ids.removal_agg[ag_c, ag_p]
    v[:, 0] = -1.0
    r[:, 1:] = np.where(np.arange(n_p)[None, :] >= ag_p[:, None], ids.target_of_region[ag_c, :],
                        -1)
    v[:, 1:] = 10.0
    cols.add("r", ("region", "period"), (ag_c, ag_p), r, v, np.zeros(n), np.zeros(n),
             np.full(n, np.inf), CO2, "tCO2/yr", "BECCS + DACCS removal of the region")


def u_columns(ds, inst: Instance, cand: Candidates, ids: RowIds, cols: Columns) -> None:
    """u: -1 in its crop aggregate row, 1 in row (37); row (36) is its upper bound."""
    u_sr, u_p = np.nonzero(ids.u_mask)
    n = u_sr.size
    r = np.stack([ids.land_crop_agg[u_sr, u_p], ids.land_total[u_sr, u_p]], axis=1)
    v = np.tile([-1.0, 1.0], (n, 1))
    cols.add("u", ("subregion", "period"), (u_sr, u_p), r, v, np.zeros(n), np.zeros(n),
             inst.crop_cap[u_sr] / AREA, AREA, "ha", "crop land (mal + overlap) of the source")


def shortfall_columns(ds, inst: Instance, cand: Candidates, ids: RowIds,
                      cols: Columns) -> None:
    """s: one per target row (formulation §6.2's first objective)."""
    g, t = np.nonzero(ids.target >= 0)
    n = g.size
    cols.add("s", ("group", "year"), (g, t), ids.target[g, t][:, None], np.ones((n, 1)),
             np.zeros(n), np.zeros(n), np.full(n, np.inf), CO2, "tCO2", "target shortfall")


COLUMN_BLOCKS = (ar_columns, beccs_columns, dac_columns, fleet_columns, removal_columns,
                 u_columns, shortfall_columns)

