"""The LP of SPEC 6 as one CSC matrix, built with vectorised NumPy (no modelling layer).

Each column block yields, for every column, a fixed-width table of (row, value) entries with row
-1 where there is none; the CSC arrays are those tables flattened in column order, so assembling
the matrix costs one pass over the non-zeros and no sort.

Beyond SPEC 6 as printed, two kinds of aggregate columns cut the non-zeros (SPEC 10):
`r[c, p]`, the BECCS + DACCS removal of region c in period p (one equality row per (c, p)), enters
the cumulative target rows instead of every chain; `u[sr, p]`, the crop land of source subregion
sr in period p, carries row (36) as its upper bound and enters row (37) instead of every chain.

Columns that can never be non-zero are not created: AR cells without land or without removal,
chains without storage or land at their ends, chains whose plant could never be built (a plant
built in period q runs in q..q+3, so a build needs chains at the plant in each of those periods),
DAC where the coefficient is NaN or there is no storage.  Rows are created only where they have
columns; row (35) only at the last period and only if the expansion rate does not already imply
it, row (37) only where both AR and crops compete for the land and it is not implied, the storage
row only for 2100 (SPEC 6.4), and single-column rate rows become column bounds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fastmonet.errors import InputError
from fastmonet.lp_index import AREA, CO2, GROUP_WORLD, MONEY, Block, LPIndex
from fastmonet.scenarios import Scenario

# Operating share in period q + d of a unit built uniformly over period q, 30-year life (SPEC 6.6).
OPERATING_SHARE = np.array([0.55, 1.0, 1.0, 0.45])
BIOMASS = ("miscanthus", "switchgrass", "willow", "poplar", "wheat_straw")
LAND_TYPES = ("mal", "overlap", "lhw")

REQUIRED = {
    "ar_removal": ("subregion", "ecozone", "forest_type", "vintage", "year"),
    "ar_cost": ("subregion", "ecozone", "forest_type", "vintage", "year"),
    "ar_allowed": ("subregion", "ecozone", "forest_type"),
    "lrp": ("subregion", "ecozone"),
    "ovl": ("subregion", "ecozone"),
    "mal": ("subregion",),
    "lhw": ("subregion",),
    "storage": ("subregion",),
    "target": ("region", "year"),
    "chain_source": ("chain",),
    "chain_plant": ("chain",),
    "chain_biomass": ("chain",),
    "chain_land": ("chain",),
    "chain_period": ("chain",),
    "beccs_cost": ("chain",),
    "beccs_stored": ("chain",),
    "beccs_units": ("chain",),
    "beccs_land": ("chain",),
    "dac_cost": ("tech", "subregion", "period"),
    "dac_stored": ("tech", "subregion", "period"),
    "dac_captured": ("tech", "subregion", "period"),
}


@dataclass
class Fixings:
    """Values (natural units) that decisions of periods up to `last_period` are fixed to (SWITCH_Y)."""

    last_period: int                   # index of the last fixed period (end year <= Y)
    ar_area: np.ndarray                # (subregion, ecozone, forest_type, vintage) ha
    beccs: np.ndarray                  # (chain,) tCO2/yr
    dac: np.ndarray                    # (tech, subregion, period) tCO2/yr
    plants: np.ndarray                 # (subregion, period) plants built
    dac_capacity: np.ndarray           # (tech, subregion, period) tCO2/yr built


@dataclass
class LPModel:
    """The LP in HiGHS's column-wise form plus the index that labels it."""

    n_col: int
    n_row: int
    a_start: np.ndarray                # int32, n_col + 1
    a_index: np.ndarray                # int32, nnz
    a_value: np.ndarray                # float64, nnz
    cost: np.ndarray                   # cost objective (M US$)
    shortfall_cost: np.ndarray         # shortfall objective (MtCO2): 1 on s columns
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    index: LPIndex
    scenario: Scenario
    target_total: float                # world 2100 target, LP units (MtCO2)
    build_s: float = 0.0
    info: dict = field(default_factory=dict)
    #: Columns a column-generation solver should start with: under SWITCH_Y, the chains the
    #: ISOLATION solution uses in any period, a known feasible completion of the fixed decisions.
    warm_columns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def nnz(self) -> int:
        return int(self.a_value.size)

    def matrix(self):
        import scipy.sparse as sp
        return sp.csc_matrix((self.a_value, self.a_index, self.a_start),
                             shape=(self.n_row, self.n_col))


# --------------------------------------------------------------------------------------- input
def _first_bad(mask: np.ndarray, dims, ds: xr.Dataset) -> str:
    idx = np.unravel_index(int(np.flatnonzero(mask.ravel())[0]), mask.shape)
    parts = []
    for d, i in zip(dims, idx):
        lab = ds[d].values[i] if d in ds.coords else i
        parts.append(f"{d}={lab}")
    return ", ".join(parts)


def check_coefficients(ds: xr.Dataset, where: str = "coefficients") -> None:
    """Contract 3: variables present with the right dims, finite where they must be."""
    for name, dims in REQUIRED.items():
        if name not in ds:
            raise InputError(f"{where}: missing variable {name!r} (Contract 3)")
        if tuple(ds[name].dims) != dims:
            raise InputError(f"{where}: variable {name!r} has dims {tuple(ds[name].dims)}, "
                             f"expected {dims}")
    if "subregion_region" not in ds.coords and "subregion_region" not in ds:
        raise InputError(f"{where}: missing coordinate 'subregion_region' (Contract 3)")
    n_p = ds.sizes["period"]
    if ds.sizes["vintage"] != n_p or ds.sizes["year"] != n_p:
        raise InputError(f"{where}: vintage, period and year must have the same length, got "
                         f"{ds.sizes['vintage']}, {n_p}, {ds.sizes['year']}")
    per, yrs = ds["period"].values, ds["year"].values
    if not np.array_equal(np.asarray(yrs), np.asarray(per) + 10):
        raise InputError(f"{where}: year must be period + 10 (reporting year = end of period); "
                         f"got period {list(per)} and year {list(yrs)}")
    regions = [str(r) for r in ds["region"].values]
    bad = [str(r) for r in ds["subregion_region"].values if str(r) not in regions]
    if bad:
        raise InputError(f"{where}: subregion_region value {bad[0]!r} is not in region {regions}")

    def finite(name, mask=None, nonneg=False):
        a = np.asarray(ds[name].values, dtype=np.float64)
        badm = ~np.isfinite(a)
        if nonneg:
            badm |= a < 0
        if mask is not None:
            badm &= mask
        if badm.any():
            raise InputError(f"{where}: variable {name!r} has a {'negative or ' if nonneg else ''}"
                             f"non-finite value at {_first_bad(badm, ds[name].dims, ds)}")

    allowed = np.asarray(ds["ar_allowed"].values, dtype=bool)[..., None, None]
    allowed = np.broadcast_to(allowed, ds["ar_removal"].shape)
    finite("ar_removal", allowed)
    finite("ar_cost", allowed)
    for name in ("lrp", "ovl", "mal", "lhw", "storage", "target"):
        finite(name, nonneg=True)
    for name in ("beccs_cost", "beccs_stored"):
        finite(name)
    finite("beccs_land", nonneg=True)
    u = np.asarray(ds["beccs_units"].values, dtype=np.float64)
    if (~(u > 0)).any():
        raise InputError(f"{where}: variable 'beccs_units' must be > 0; first bad at "
                         f"{_first_bad(~(u > 0), ('chain',), ds)} ({u[~(u > 0)][0]})")
    n_sr = ds.sizes["subregion"]
    for name, hi in (("chain_source", n_sr), ("chain_plant", n_sr), ("chain_biomass", 5),
                     ("chain_land", 3), ("chain_period", n_p)):
        a = np.asarray(ds[name].values)
        badm = (a < 0) | (a >= hi)
        if badm.any():
            raise InputError(f"{where}: variable {name!r} out of range 0..{hi - 1} at "
                             f"{_first_bad(badm, ('chain',), ds)} (value {a[badm][0]})")
    straw = np.asarray(ds["chain_biomass"].values) == 4
    lhw = np.asarray(ds["chain_land"].values) == 2
    if (straw != lhw).any():
        raise InputError(f"{where}: chains must use land lhw exactly for wheat_straw; first "
                         f"mismatch at {_first_bad(straw != lhw, ('chain',), ds)}")
    dc = np.asarray(ds["dac_cost"].values, dtype=np.float64)
    for name in ("dac_stored", "dac_captured"):
        a = np.asarray(ds[name].values, dtype=np.float64)
        badm = np.isfinite(dc) & ~np.isfinite(a)
        if badm.any():
            raise InputError(f"{where}: {name!r} is NaN where dac_cost is given, at "
                             f"{_first_bad(badm, ds[name].dims, ds)}")


# ------------------------------------------------------------------------------------- helpers
def _ids(mask: np.ndarray, start: int) -> tuple[np.ndarray, int]:
    """Row numbers for the True cells of `mask` (C order), -1 elsewhere."""
    ids = np.full(mask.shape, -1, dtype=np.int32)
    n = int(np.count_nonzero(mask))
    ids[mask] = np.arange(start, start + n)
    return ids, start + n


def _coords(mask: np.ndarray, dims: tuple[str, ...]) -> dict[str, np.ndarray]:
    nz = np.nonzero(mask)
    return {d: nz[i].astype(np.int32) for i, d in enumerate(dims)}


def _window_ok(has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Builds in q possible (activity exists in every operating period q..q+3 inside the horizon);
    activity in p fed (some possible build in p-3..p).  `has` is (..., n_p)."""
    n_p = has.shape[-1]
    ok = np.ones_like(has)
    for d in range(len(OPERATING_SHARE)):
        ok[..., : n_p - d] &= has[..., d:]
    fed = np.zeros_like(has)
    for d in range(len(OPERATING_SHARE)):
        fed[..., d:] |= ok[..., : n_p - d]
    return ok & has, fed & has


# --------------------------------------------------------------------------------------- build
def build(ds: xr.Dataset, scenario: Scenario, fixings: Fixings | None = None,
          check: bool = True) -> LPModel:
    """The LP of SPEC 6 for `scenario` on the Contract-3 coefficient Dataset `ds`."""
    t0 = time.perf_counter()
    if check:
        check_coefficients(ds)
    rates = scenario.rates
    regions = [str(r) for r in ds["region"].values]
    n_reg = len(regions)
    sr_region = np.array([regions.index(str(r)) for r in ds["subregion_region"].values],
                         dtype=np.int64)
    n_sr, n_ez = ds.sizes["subregion"], ds.sizes["ecozone"]
    n_p = ds.sizes["period"]
    years = np.asarray(ds["year"].values)
    f64 = np.float64

    # Target groups per reporting year: regions (group index c) or the world (group n_reg).
    if scenario.policy == "cooperation":
        regional = np.zeros(n_p, bool)
    elif scenario.policy == "switch":
        regional = years <= scenario.switch_year
    else:
        regional = np.ones(n_p, bool)
    # Biomass trade per period: cooperation / current policy always, switch after the switch year.
    if scenario.policy == "isolation":
        trade = np.zeros(n_p, bool)
    elif scenario.policy == "switch":
        trade = years > scenario.switch_year
    else:
        trade = np.ones(n_p, bool)

    lrp = np.asarray(ds["lrp"].values, f64)
    ovl = np.asarray(ds["ovl"].values, f64)
    mal = np.asarray(ds["mal"].values, f64)
    lhw = np.asarray(ds["lhw"].values, f64)
    storage = np.asarray(ds["storage"].values, f64)
    target = np.asarray(ds["target"].values, f64)
    crop_cap = mal + ovl.sum(axis=1)                 # row (36), ha
    total_cap = mal + (lrp + ovl).sum(axis=1)        # row (37), ha
    ar_cap = lrp + ovl                               # row (35), ha

    # ---- candidate columns -------------------------------------------------------------------
    # xA: allowed cells with AR land and some positive removal, one column per vintage.
    ar_rate = rates.ar_per_period_ha()
    allowed = np.asarray(ds["ar_allowed"].values, bool) & (ar_cap > 0)[:, :, None]
    rem = np.asarray(ds["ar_removal"].values, f64)   # (sr, ez, ft, a, t)
    best = np.max(np.where(np.isfinite(rem), rem, -np.inf), axis=-1)
    useful = allowed[..., None] & (best > 0) & (ar_rate > 0)
    xa_sr, xa_ez, xa_ft, xa_a = (c.astype(np.int64) for c in np.nonzero(useful))
    n_xa = xa_sr.size

    # xB: chains with storage at the plant, land at the source, trade allowed, plants buildable.
    # Native int32 / int8 index arrays: 2 M chains, no widening copies.
    c_src = np.asarray(ds["chain_source"].values)
    c_plant = np.asarray(ds["chain_plant"].values)
    c_land = np.asarray(ds["chain_land"].values)
    c_per = np.asarray(ds["chain_period"].values)
    b_land = np.asarray(ds["beccs_land"].values, f64)
    b_stored = np.asarray(ds["beccs_stored"].values, f64)
    keep = (storage[c_plant] > 0) & (b_stored > 0) & (rates.beccs_plants_per_period() > 0)
    land_cap_src = np.where(c_land == 2, lhw[c_src], crop_cap[c_src])
    keep &= (b_land == 0) | (land_cap_src > 0)
    keep &= trade[c_per] | (sr_region[c_src] == sr_region[c_plant])
    has_b = np.zeros(n_sr * n_p, bool)
    has_b[c_plant[keep].astype(np.int64) * n_p + c_per[keep]] = True
    nb_ok, fed_b = _window_ok(has_b.reshape(n_sr, n_p))
    keep &= fed_b[c_plant, c_per]
    xb = np.flatnonzero(keep)
    n_xb = xb.size
    xb_src, xb_plant, xb_land, xb_per = c_src[xb], c_plant[xb], c_land[xb], c_per[xb]
    xb_landc = b_land[xb]

    # xD: (tech, sr, p) with a coefficient, storage, a DAC rate and a buildable capacity.
    d_cost = np.asarray(ds["dac_cost"].values, f64)
    d_capt = np.asarray(ds["dac_captured"].values, f64)
    d_stor = np.asarray(ds["dac_stored"].values, f64)
    has_d = np.isfinite(d_cost) & (storage > 0)[None, :, None] & (d_capt > 0) & (d_stor >= 0)
    has_d &= rates.dac_capacity_per_period_t() > 0
    kd_ok, has_d = _window_ok(has_d)
    xd_tk, xd_sr, xd_p = (c.astype(np.int64) for c in np.nonzero(has_d))
    n_xd = xd_tk.size
    nb_sr, nb_q = (c.astype(np.int64) for c in np.nonzero(nb_ok))
    kd_tk, kd_sr, kd_q = (c.astype(np.int64) for c in np.nonzero(kd_ok))

    # ---- rows ---------------------------------------------------------------------------------
    rows: dict[str, Block] = {}
    start = 0
    # Target rows (g, t): g < n_reg a region, g == n_reg the world.
    tmask = np.zeros((n_reg + 1, n_p), bool)
    tmask[:n_reg, regional] = True
    tmask[n_reg, ~regional] = True
    target_id, nxt = _ids(tmask, start)
    tgt_group = np.where(regional[None, :], np.arange(n_reg)[:, None], n_reg)   # (c, t)
    tgt_row_of_region = target_id[tgt_group, np.arange(n_p)[None, :]]          # (c, t)
    rows["target"] = Block("target", start, nxt, ("group", "year"), _coords(tmask, ("group", "year")),
                           CO2, "tCO2", "cumulative removal + shortfall >= target (= in 2100)")
    start = nxt
    # Removal aggregates (c, p).
    agg_mask = np.zeros((n_reg, n_p), bool)
    agg_mask[sr_region[xb_plant], xb_per] = True
    agg_mask[sr_region[xd_sr], xd_p] = True
    agg_id, nxt = _ids(agg_mask, start)
    rows["removal_agg"] = Block("removal_agg", start, nxt, ("region", "period"),
                                _coords(agg_mask, ("region", "period")), CO2, "tCO2/yr",
                                "BECCS + DACCS removal of the region in the period = r")
    start = nxt
    # Storage (sr'), 2100 only.
    st_mask = np.zeros(n_sr, bool)
    st_mask[xb_plant] = True
    st_mask[xd_sr] = True
    st_id, nxt = _ids(st_mask, start)
    rows["storage"] = Block("storage", start, nxt, ("subregion",), _coords(st_mask, ("subregion",)),
                            CO2, "tCO2", "cumulative stored CO2 <= capacity (SPEC 6.4)")
    start = nxt
    # (35) AR land per (sr, ez), unless the expansion rate already bounds it.
    xa_cell_ez = np.zeros((n_sr, n_ez), bool)
    xa_cell_ez[xa_sr, xa_ez] = True
    vint_present = np.zeros((n_sr, n_ez, n_p), bool)
    vint_present[xa_sr, xa_ez, xa_a] = True
    n_vint = vint_present.sum(axis=2)
    land_ar_mask = xa_cell_ez & (ar_cap < n_vint * ar_rate)
    land_ar_id, nxt = _ids(land_ar_mask, start)
    rows["land_ar"] = Block("land_ar", start, nxt, ("subregion", "ecozone"),
                            _coords(land_ar_mask, ("subregion", "ecozone")), AREA, "ha",
                            "(35) AR area <= LRP + OVL")
    start = nxt
    # Crop land aggregate (sr, p): defines u; row (36) is u's upper bound.
    crop = xb_land <= 1
    u_mask = np.zeros((n_sr, n_p), bool)
    u_mask[xb_src[crop & (xb_landc > 0)], xb_per[crop & (xb_landc > 0)]] = True
    crop_id, nxt = _ids(u_mask, start)
    rows["land_crop_agg"] = Block("land_crop_agg", start, nxt, ("subregion", "period"),
                                  _coords(u_mask, ("subregion", "period")), AREA, "ha",
                                  "crop land of the source subregion in the period = u")
    start = nxt
    # (37) AR + crops per (sr, p), where both compete and the AR side could exceed LRP.
    vp = np.zeros((n_sr, n_p), np.int64)
    np.add.at(vp, (xa_sr, xa_a), 1)
    ar_by_p = np.cumsum(vp, axis=1) > 0
    vint_sr = np.zeros((n_sr, n_p), bool)
    vint_sr[xa_sr, xa_a] = True
    ar_max = np.minimum(np.where(xa_cell_ez, ar_cap, 0.0).sum(axis=1)[:, None],
                        np.cumsum(vint_sr, axis=1) * ar_rate)          # (sr, p), ha
    # u <= MAL + sum OVL, so (37) binds only if AR could take more than all of LRP.
    tot_mask = u_mask & ar_by_p & (ar_max > lrp.sum(axis=1)[:, None])
    tot_id, nxt = _ids(tot_mask, start)
    rows["land_total"] = Block("land_total", start, nxt, ("subregion", "period"),
                               _coords(tot_mask, ("subregion", "period")), AREA, "ha",
                               "(37) AR + crop land <= MAL + LRP + OVL")
    start = nxt
    # (38) straw land per (sr, p).
    straw = (xb_land == 2) & (xb_landc > 0)
    sw_mask = np.zeros((n_sr, n_p), bool)
    sw_mask[xb_src[straw], xb_per[straw]] = True
    sw_id, nxt = _ids(sw_mask, start)
    rows["land_straw"] = Block("land_straw", start, nxt, ("subregion", "period"),
                               _coords(sw_mask, ("subregion", "period")), AREA, "ha",
                               "(38) wheat land for straw <= LHW")
    start = nxt
    # BECCS build/lifetime equalities (sr', p).
    bb_mask = fed_b
    bb_id, nxt = _ids(bb_mask, start)
    rows["beccs_build"] = Block("beccs_build", start, nxt, ("subregion", "period"),
                                _coords(bb_mask, ("subregion", "period")), 1.0, "plants",
                                "plants operating = built in p-3..p times operating share")
    start = nxt
    db_id, nxt = _ids(has_d, start)
    rows["dac_build"] = Block("dac_build", start, nxt, ("tech", "subregion", "period"),
                              _coords(has_d, ("tech", "subregion", "period")), CO2, "tCO2/yr",
                              "capture capacity operating = built in p-3..p times operating share")
    start = nxt
    # DAC build rate per (sr, q): a row only where two technologies share it.
    dr_mask = kd_ok.sum(axis=0) >= 2
    dr_id, nxt = _ids(dr_mask, start)
    rows["dac_rate"] = Block("dac_rate", start, nxt, ("subregion", "period"),
                             _coords(dr_mask, ("subregion", "period")), CO2, "tCO2/yr",
                             "DAC capacity built in the period <= 10 x annual rate")
    start = nxt
    # AR expansion rate per (sr, a): a row only where two or more cells share it.
    ar_cnt = np.zeros((n_sr, n_p), np.int64)
    np.add.at(ar_cnt, (xa_sr, xa_a), 1)
    arr_mask = ar_cnt >= 2
    arr_id, nxt = _ids(arr_mask, start)
    rows["ar_rate"] = Block("ar_rate", start, nxt, ("subregion", "vintage"),
                            _coords(arr_mask, ("subregion", "vintage")), AREA, "ha",
                            "area planted in the period <= 10 x expansion rate")
    n_row = nxt

    row_lower = np.empty(n_row)
    row_upper = np.empty(n_row)
    inf = np.inf
    tg = rows["target"].coords
    tval = np.where(tg["group"] < n_reg, target[np.minimum(tg["group"], n_reg - 1), tg["year"]],
                    target.sum(axis=0)[tg["year"]]) / CO2
    row_lower[rows["target"].slice()] = tval
    row_upper[rows["target"].slice()] = np.where(tg["year"] == n_p - 1, tval, inf)
    for name in ("removal_agg", "land_crop_agg", "beccs_build", "dac_build"):
        row_lower[rows[name].slice()] = 0.0
        row_upper[rows[name].slice()] = 0.0
    caps = {
        "storage": storage[rows["storage"].coords["subregion"]] / CO2,
        "land_ar": ar_cap[rows["land_ar"].coords["subregion"], rows["land_ar"].coords["ecozone"]] / AREA,
        "land_total": total_cap[rows["land_total"].coords["subregion"]] / AREA,
        "land_straw": lhw[rows["land_straw"].coords["subregion"]] / AREA,
        "dac_rate": np.full(rows["dac_rate"].size, rates.dac_capacity_per_period_t() / CO2),
        "ar_rate": np.full(rows["ar_rate"].size, ar_rate / AREA),
    }
    for name, cap in caps.items():
        row_lower[rows[name].slice()] = -inf
        row_upper[rows[name].slice()] = cap

    # ---- column entries -------------------------------------------------------------------------
    # Each block: rows (n, K) int32 with -1 for none, values (n, K), cost, lower, upper.
    blocks = []
    cols: dict[str, Block] = {}
    col_start = 0

    def add_block(name, dims, coords, r, v, cost, lower, upper, scale, units, meaning, extra=None):
        nonlocal col_start
        n = r.shape[0]
        c = {d: np.asarray(coords[i], np.int32) for i, d in enumerate(dims)}
        c.update({k: np.asarray(a, np.int32) for k, a in (extra or {}).items()})
        cols[name] = Block(name, col_start, col_start + n, dims, c, scale, units, meaning)
        blocks.append((r, v, cost, lower, upper))
        col_start += n

    zeros = np.zeros
    # xA: target rows (t >= a), land_ar, land_total (p >= a), ar_rate.
    K = 2 * n_p + 2
    r = np.full((n_xa, K), -1, np.int32)
    v = zeros((n_xa, K))
    cell_rem = rem[xa_sr, xa_ez, xa_ft, xa_a, :]                    # (n_xa, t)
    reg = sr_region[xa_sr]
    r[:, :n_p] = np.where(cell_rem != 0, tgt_row_of_region[reg, :], -1)
    v[:, :n_p] = cell_rem * (AREA / CO2)
    r[:, n_p] = land_ar_id[xa_sr, xa_ez]
    v[:, n_p] = 1.0
    pp = np.arange(n_p)[None, :]
    r[:, n_p + 1: 2 * n_p + 1] = np.where(pp >= xa_a[:, None], tot_id[xa_sr, :], -1)
    v[:, n_p + 1: 2 * n_p + 1] = 1.0
    r[:, 2 * n_p + 1] = arr_id[xa_sr, xa_a]
    v[:, 2 * n_p + 1] = 1.0
    ar_cost = np.asarray(ds["ar_cost"].values, f64)[xa_sr, xa_ez, xa_ft, xa_a, n_p - 1]
    upper = np.where(arr_id[xa_sr, xa_a] < 0, ar_rate / AREA, inf)
    add_block("xA", ("subregion", "ecozone", "forest_type", "vintage"), (xa_sr, xa_ez, xa_ft, xa_a),
              r, v, ar_cost * (AREA / MONEY), zeros(n_xa), upper, AREA, "ha",
              "area planted in the vintage")

    # xB: removal aggregate, storage, plant build, land (crop aggregate or straw).
    r = np.full((n_xb, 4), -1, np.int32)
    v = zeros((n_xb, 4))
    r[:, 0] = agg_id[sr_region[xb_plant], xb_per]
    v[:, 0] = 1.0
    r[:, 1] = st_id[xb_plant]
    v[:, 1] = 10.0 * b_stored[xb]
    r[:, 2] = bb_id[xb_plant, xb_per]
    v[:, 2] = np.asarray(ds["beccs_units"].values, f64)[xb] * CO2
    has_land = xb_landc > 0
    r[:, 3] = np.where(~has_land, -1, np.where(xb_land == 2, sw_id[xb_src, xb_per],
                                               crop_id[xb_src, xb_per]))
    v[:, 3] = xb_landc * (CO2 / AREA)
    b_cost = np.asarray(ds["beccs_cost"].values, f64)[xb]
    add_block("xB", ("chain",), (xb,), r, v, 10.0 * b_cost * (CO2 / MONEY), zeros(n_xb),
              np.full(n_xb, inf), CO2, "tCO2/yr", "removal rate of the chain during its period",
              extra={"period": xb_per, "source": xb_src, "plant": xb_plant})

    # xD: removal aggregate, storage, DAC build.
    r = np.full((n_xd, 3), -1, np.int32)
    v = zeros((n_xd, 3))
    r[:, 0] = agg_id[sr_region[xd_sr], xd_p]
    v[:, 0] = 1.0
    r[:, 1] = st_id[xd_sr]
    v[:, 1] = 10.0 * d_stor[xd_tk, xd_sr, xd_p]
    r[:, 2] = db_id[xd_tk, xd_sr, xd_p]
    v[:, 2] = d_capt[xd_tk, xd_sr, xd_p]
    add_block("xD", ("tech", "subregion", "period"), (xd_tk, xd_sr, xd_p), r, v,
              10.0 * d_cost[xd_tk, xd_sr, xd_p] * (CO2 / MONEY), zeros(n_xd), np.full(n_xd, inf),
              CO2, "tCO2/yr", "DACCS removal rate during the period")

    # nB: build rows of the periods it operates in.
    nd = len(OPERATING_SHARE)
    pq = nb_q[:, None] + np.arange(nd)[None, :]
    inside = pq < n_p
    r = np.where(inside, bb_id[nb_sr[:, None], np.minimum(pq, n_p - 1)], -1)
    v = -np.broadcast_to(OPERATING_SHARE, r.shape).copy()
    add_block("nB", ("subregion", "period"), (nb_sr, nb_q), r, v, zeros(nb_sr.size),
              zeros(nb_sr.size), np.full(nb_sr.size, rates.beccs_plants_per_period()), 1.0,
              "plants", "BECCS plants built in the period")

    # kD: DAC build rows of the periods it operates in, plus the shared rate row.
    pq = kd_q[:, None] + np.arange(nd)[None, :]
    inside = pq < n_p
    r = np.full((kd_q.size, nd + 1), -1, np.int32)
    v = zeros((kd_q.size, nd + 1))
    r[:, :nd] = np.where(inside, db_id[kd_tk[:, None], kd_sr[:, None], np.minimum(pq, n_p - 1)], -1)
    v[:, :nd] = -OPERATING_SHARE
    r[:, nd] = dr_id[kd_sr, kd_q]
    v[:, nd] = 1.0
    kd_upper = np.where(dr_id[kd_sr, kd_q] < 0, rates.dac_capacity_per_period_t() / CO2, inf)
    add_block("kD", ("tech", "subregion", "period"), (kd_tk, kd_sr, kd_q), r, v,
              zeros(kd_q.size), zeros(kd_q.size), kd_upper, CO2, "tCO2/yr",
              "DAC capture capacity built in the period")

    # r: -1 in its aggregate row, 10 in the target rows of every reporting year after the period.
    ag_c, ag_p = np.nonzero(agg_mask)
    r = np.full((ag_c.size, 1 + n_p), -1, np.int32)
    v = zeros((ag_c.size, 1 + n_p))
    r[:, 0] = agg_id[ag_c, ag_p]
    v[:, 0] = -1.0
    r[:, 1:] = np.where(pp >= ag_p[:, None], tgt_row_of_region[ag_c, :], -1)
    v[:, 1:] = 10.0
    add_block("r", ("region", "period"), (ag_c, ag_p), r, v, zeros(ag_c.size), zeros(ag_c.size),
              np.full(ag_c.size, inf), CO2, "tCO2/yr", "BECCS + DACCS removal of the region")

    # u: -1 in its crop aggregate row, 1 in row (37); row (36) is its upper bound.
    u_sr, u_p = np.nonzero(u_mask)
    r = np.stack([crop_id[u_sr, u_p], tot_id[u_sr, u_p]], axis=1)
    v = np.tile([-1.0, 1.0], (u_sr.size, 1))
    add_block("u", ("subregion", "period"), (u_sr, u_p), r, v, zeros(u_sr.size), zeros(u_sr.size),
              crop_cap[u_sr] / AREA, AREA, "ha", "crop land (mal + overlap) of the source")

    # s: one per target row.
    s_g, s_t = rows["target"].coords["group"], rows["target"].coords["year"]
    r = target_id[s_g, s_t][:, None]
    v = np.ones((s_g.size, 1))
    add_block("s", ("group", "year"), (s_g, s_t), r, v, zeros(s_g.size), zeros(s_g.size),
              np.full(s_g.size, inf), CO2, "tCO2", "target shortfall")

    # ---- assemble CSC ----------------------------------------------------------------------------
    n_col = col_start
    counts, idx, val = [], [], []
    for r, v, *_ in blocks:
        m = (r >= 0) & (v != 0)
        counts.append(m.sum(axis=1))
        idx.append(r[m])
        val.append(v[m])
    a_start = np.zeros(n_col + 1, np.int64)
    np.cumsum(np.concatenate(counts), out=a_start[1:])
    a_index = np.concatenate(idx).astype(np.int32, copy=False)
    a_value = np.concatenate(val).astype(f64)
    if a_start[-1] >= 2**31:
        raise InputError("coefficients: the LP has more than 2^31 non-zeros; reduce the chains")
    cost = np.concatenate([b[2] for b in blocks]).astype(f64)
    col_lower = np.concatenate([b[3] for b in blocks]).astype(f64)
    col_upper = np.concatenate([b[4] for b in blocks]).astype(f64)
    shortfall_cost = np.zeros(n_col)
    shortfall_cost[cols["s"].slice()] = 1.0

    warm_columns = np.zeros(0, np.int64)
    if fixings is not None:
        warm_columns = _apply_fixings(fixings, cols, col_lower, col_upper)

    groups = regions + [GROUP_WORLD]
    labels = {
        "subregion": [str(x) for x in ds["subregion"].values],
        "region": regions,
        "group": groups,
        "ecozone": [str(x) for x in ds["ecozone"].values],
        "forest_type": [str(x) for x in ds["forest_type"].values],
        "vintage": [int(x) for x in ds["vintage"].values],
        "period": [int(x) for x in ds["period"].values],
        "year": [int(x) for x in years],
        "tech": [str(x) for x in ds["tech"].values],
    }
    index = LPIndex(columns=cols, rows=rows, labels=labels, groups=groups)
    model = LPModel(
        n_col=n_col, n_row=n_row, a_start=a_start.astype(np.int32), a_index=a_index,
        a_value=a_value, cost=cost, shortfall_cost=shortfall_cost, col_lower=col_lower,
        col_upper=col_upper, row_lower=row_lower, row_upper=row_upper, index=index,
        scenario=scenario, target_total=float(target[:, -1].sum() / CO2),
        warm_columns=warm_columns,
    )
    model.build_s = time.perf_counter() - t0
    return model


def _apply_fixings(fx: Fixings, cols: dict[str, Block], lower: np.ndarray,
                   upper: np.ndarray) -> np.ndarray:
    """Fix every decision of periods <= fx.last_period to its value (LP units, clipped at 0).

    Returns the chain columns the fixed solution uses in any period (see LPModel.warm_columns).
    """
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
    used_chains = fix("xB", fx.beccs, "period")
    fix("xD", fx.dac, "period")
    fix("nB", fx.plants, "period")
    fix("kD", fx.dac_capacity, "period")
    return used_chains
