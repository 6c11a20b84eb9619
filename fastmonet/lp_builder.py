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
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fastmonet.errors import InputError
from fastmonet.blocs.groups import TargetGroups, target_groups, trade_allowed
from fastmonet.lp_index import AREA, CO2, MONEY, Block, LPIndex
from fastmonet.scenarios import Scenario

# Operating share in period q + d of a unit built uniformly over period q, 30-year life
# (formulation §6.6).
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
    #: (2, n) chain indices: row 0 the `mal` chain whose xB column also stands for the identical
    #: `overlap` chain in row 1 (formulation §6.10); see `overlap_twins` and `beccs_rates`.
    merged_chains: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.int64))

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
    """The coefficients Dataset (formulation §9.3): variables present with the right dims, finite
    where they must be."""
    for name, dims in REQUIRED.items():
        if name not in ds:
            raise InputError(f"{where}: missing variable {name!r} (formulation §9.3)")
        if tuple(ds[name].dims) != dims:
            raise InputError(f"{where}: variable {name!r} has dims {tuple(ds[name].dims)}, "
                             f"expected {dims}")
    if "subregion_region" not in ds.coords and "subregion_region" not in ds:
        raise InputError(f"{where}: missing coordinate 'subregion_region' (formulation §9.3)")
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


class _Rows:
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


class _Columns:
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


# ------------------------------------------------------------------------------ the instance
@dataclass
class _Instance:
    """What every family reads: sizes, policy switches per period, and capacities (natural units)."""

    rates: object
    regions: list[str]
    sr_region: np.ndarray            # (sr,) region index
    n_sr: int
    n_ez: int
    n_p: int
    years: np.ndarray
    groups: TargetGroups             # the target group (bloc) of each region in each year
    trade: np.ndarray                # (p, src region, plant region) chains trade allows
    lrp: np.ndarray
    mal: np.ndarray
    lhw: np.ndarray
    storage: np.ndarray
    target: np.ndarray               # (region, year) tCO2
    crop_cap: np.ndarray             # row (36), ha
    total_cap: np.ndarray            # row (37), ha
    ar_cap: np.ndarray               # row (35), ha
    ar_rate: float                   # ha per period

    @property
    def n_reg(self) -> int:
        return len(self.regions)


def _instance(ds: xr.Dataset, scenario: Scenario) -> _Instance:
    f64 = np.float64
    regions = [str(r) for r in ds["region"].values]
    sr_region = np.array([regions.index(str(r)) for r in ds["subregion_region"].values],
                         dtype=np.int64)
    n_p = ds.sizes["period"]
    years = np.asarray(ds["year"].values)
    # Target groups per reporting year (a bloc each) and the chains trade allows (fastmonet.blocs):
    # the named policies are special cases, SWITCH_Y changes structure after its year.
    groups = target_groups(scenario, regions, years)
    trade = trade_allowed(scenario, regions, years)
    lrp = np.asarray(ds["lrp"].values, f64)
    ovl = np.asarray(ds["ovl"].values, f64)
    mal = np.asarray(ds["mal"].values, f64)
    return _Instance(
        rates=scenario.rates, regions=regions, sr_region=sr_region, n_sr=ds.sizes["subregion"],
        n_ez=ds.sizes["ecozone"], n_p=n_p, years=years, groups=groups, trade=trade,
        lrp=lrp, mal=mal, lhw=np.asarray(ds["lhw"].values, f64),
        storage=np.asarray(ds["storage"].values, f64),
        target=np.asarray(ds["target"].values, f64),
        crop_cap=mal + ovl.sum(axis=1), total_cap=mal + (lrp + ovl).sum(axis=1),
        ar_cap=lrp + ovl, ar_rate=scenario.rates.ar_per_period_ha())


# ------------------------------------------------------------------------- candidate columns
@dataclass
class _Candidates:
    """The decision columns that can be non-zero (see the module docstring)."""

    rem: np.ndarray                  # ar_removal (sr, ez, ft, a, t)
    xa: tuple                        # (sr, ez, ft, a) of the xA columns
    xb: np.ndarray                   # chain index of the xB columns
    xb_src: np.ndarray
    xb_plant: np.ndarray
    xb_land: np.ndarray
    xb_per: np.ndarray
    xb_landc: np.ndarray             # LandB of the xB columns, ha per (tCO2/yr)
    b_stored: np.ndarray             # (chain,)
    nb_ok: np.ndarray                # (sr, q) a plant build is possible
    fed_b: np.ndarray                # (sr, p) chains at the plant can be fed by a build
    xd: tuple                        # (tk, sr, p) of the xD columns
    has_d: np.ndarray                # (tk, sr, p)
    kd_ok: np.ndarray                # (tk, sr, q) a DAC build is possible
    merged: np.ndarray               # (2, n) (mal chain, overlap chain) served by one column
    d_cost: np.ndarray
    d_capt: np.ndarray
    d_stor: np.ndarray


def _nonzero64(mask):
    return tuple(c.astype(np.int64) for c in np.nonzero(mask))


def _ar_candidates(ds, inst: _Instance):
    """xA: allowed cells with AR land and some positive removal, one column per vintage."""
    allowed = np.asarray(ds["ar_allowed"].values, bool) & (inst.ar_cap > 0)[:, :, None]
    rem = np.asarray(ds["ar_removal"].values, np.float64)      # (sr, ez, ft, a, t)
    best = np.max(np.where(np.isfinite(rem), rem, -np.inf), axis=-1)
    useful = allowed[..., None] & (best > 0) & (inst.ar_rate > 0)
    return rem, _nonzero64(useful)


def overlap_twins(ds: xr.Dataset) -> np.ndarray:
    """(2, n) chain indices (mal chain, overlap chain) of the `overlap` chains whose `mal` chain
    of the same source, plant, biomass and period has exactly the same LP coefficients (cost,
    stored CO2, plants, land).  Rows (36) and (37) aggregate both land kinds (formulation §6.5,
    §6.10), so such a pair enters the same rows with the same coefficients and one column serves
    both."""
    c_land = np.asarray(ds["chain_land"].values)
    mal, ovl = np.flatnonzero(c_land == 0), np.flatnonzero(c_land == 1)
    if mal.size == 0 or ovl.size == 0:
        return np.zeros((2, 0), np.int64)
    n_sr, n_p = ds.sizes["subregion"], ds.sizes["period"]
    n_keys = n_sr * n_sr * len(BIOMASS) * n_p
    src, plant, bio, per = (np.asarray(ds[v].values) for v in
                            ("chain_source", "chain_plant", "chain_biomass", "chain_period"))

    def key(i):
        return ((src[i].astype(np.int64) * n_sr + plant[i]) * len(BIOMASS) + bio[i]) * n_p + per[i]

    # A direct-address table over (source, plant, biomass, period): O(chains), no sort.
    k_mal, k_ovl = key(mal), key(ovl)
    table = np.full(n_keys, -1, np.int64)
    table[k_mal] = mal
    # A repeated key among the mal chains would make the pairing ambiguous: pair none of them.
    table[np.bincount(k_mal, minlength=n_keys) > 1] = -1
    pos = table[k_ovl]
    found = pos >= 0
    rep, twin = pos[found], ovl[found]
    same = np.ones(rep.size, bool)
    for name in ("beccs_cost", "beccs_stored", "beccs_units", "beccs_land"):
        a = np.asarray(ds[name].values)
        same &= a[rep] == a[twin]
    return np.stack([rep[same], twin[same]]).astype(np.int64)


def _beccs_candidates(ds, inst: _Instance, merge_overlap: bool = True):
    """xB: chains with storage at the plant, land at the source, trade allowed, plants buildable;
    an `overlap` chain identical to its `mal` chain is served by that chain's column.
    Native int32 / int8 index arrays: 2 M chains, no widening copies."""
    c_src = np.asarray(ds["chain_source"].values)
    c_plant = np.asarray(ds["chain_plant"].values)
    c_land = np.asarray(ds["chain_land"].values)
    c_per = np.asarray(ds["chain_period"].values)
    b_land = np.asarray(ds["beccs_land"].values, np.float64)
    b_stored = np.asarray(ds["beccs_stored"].values, np.float64)
    keep = ((inst.storage[c_plant] > 0) & (b_stored > 0)
            & (inst.rates.beccs_plants_per_period() > 0))
    land_cap_src = np.where(c_land == 2, inst.lhw[c_src], inst.crop_cap[c_src])
    keep &= (b_land == 0) | (land_cap_src > 0)
    keep &= inst.trade[c_per, inst.sr_region[c_src], inst.sr_region[c_plant]]
    has_b = np.zeros(inst.n_sr * inst.n_p, bool)
    has_b[c_plant[keep].astype(np.int64) * inst.n_p + c_per[keep]] = True
    nb_ok, fed_b = _window_ok(has_b.reshape(inst.n_sr, inst.n_p))
    keep &= fed_b[c_plant, c_per]
    merged = np.zeros((2, 0), np.int64)
    if merge_overlap:
        twins = overlap_twins(ds)
        merged = twins[:, keep[twins[0]] & keep[twins[1]]]
        keep[merged[1]] = False
    xb = np.flatnonzero(keep)
    return dict(xb=xb, xb_src=c_src[xb], xb_plant=c_plant[xb], xb_land=c_land[xb],
                xb_per=c_per[xb], xb_landc=b_land[xb], b_stored=b_stored, nb_ok=nb_ok,
                fed_b=fed_b, merged=merged)


def _dac_candidates(ds, inst: _Instance):
    """xD: (tech, sr, p) with a coefficient, storage, a DAC rate and a buildable capacity."""
    d_cost = np.asarray(ds["dac_cost"].values, np.float64)
    d_capt = np.asarray(ds["dac_captured"].values, np.float64)
    d_stor = np.asarray(ds["dac_stored"].values, np.float64)
    has_d = (np.isfinite(d_cost) & (inst.storage > 0)[None, :, None] & (d_capt > 0)
             & (d_stor >= 0))
    has_d &= inst.rates.dac_capacity_per_period_t() > 0
    kd_ok, has_d = _window_ok(has_d)
    return dict(xd=_nonzero64(has_d), has_d=has_d, kd_ok=kd_ok, d_cost=d_cost, d_capt=d_capt,
                d_stor=d_stor)


def _candidates(ds, inst: _Instance, merge_overlap: bool = True) -> _Candidates:
    rem, xa = _ar_candidates(ds, inst)
    return _Candidates(rem=rem, xa=xa, **_beccs_candidates(ds, inst, merge_overlap),
                       **_dac_candidates(ds, inst))


# -------------------------------------------------------------------------- row families
@dataclass
class _RowIds:
    """Row id arrays (-1: no row) of every family, indexed by the family's own dims."""

    target: np.ndarray = None        # (group, t)
    target_of_region: np.ndarray = None   # (region, t): the target row a region's removal enters
    removal_agg: np.ndarray = None   # (region, p)
    agg_mask: np.ndarray = None
    storage: np.ndarray = None       # (sr,)
    land_ar: np.ndarray = None       # (sr, ez)        row (35)
    land_crop_agg: np.ndarray = None  # (sr, p)        defines u; row (36) is u's bound
    u_mask: np.ndarray = None
    land_total: np.ndarray = None    # (sr, p)         row (37)
    land_straw: np.ndarray = None    # (sr, p)         row (38)
    beccs_build: np.ndarray = None   # (sr, p)
    dac_build: np.ndarray = None     # (tk, sr, p)
    dac_rate: np.ndarray = None      # (sr, q)
    ar_rate: np.ndarray = None       # (sr, a)


def target_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
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


def storage_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
    """Formulation §6.4: cumulative stored CO2 <= capacity per plant subregion, 2100 only."""
    st_mask = np.zeros(inst.n_sr, bool)
    st_mask[cand.xb_plant] = True
    st_mask[cand.xd[1]] = True
    ids.storage = rows.add("storage", st_mask, ("subregion",), CO2, "tCO2",
                           "cumulative stored CO2 <= capacity (formulation §6.4)", -np.inf,
                           inst.storage)


def land_ar_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
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


def land_crop_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
    """Row (36) as an aggregate: u(sr, p) = crop land (mal + overlap) of the chains sourced in sr
    during p, one equality row each; row (36) itself is u's upper bound (see `u_columns`)."""
    crop = (cand.xb_land <= 1) & (cand.xb_landc > 0)
    u_mask = np.zeros((inst.n_sr, inst.n_p), bool)
    u_mask[cand.xb_src[crop], cand.xb_per[crop]] = True
    ids.u_mask = u_mask
    ids.land_crop_agg = rows.add("land_crop_agg", u_mask, ("subregion", "period"), AREA, "ha",
                                 "crop land of the source subregion in the period = u", 0.0, 0.0)


def land_total_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
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


def land_straw_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
    """Row (38), wheat land for straw per (sr, p) <= LHW."""
    straw = (cand.xb_land == 2) & (cand.xb_landc > 0)
    mask = np.zeros((inst.n_sr, inst.n_p), bool)
    mask[cand.xb_src[straw], cand.xb_per[straw]] = True
    ids.land_straw = rows.add("land_straw", mask, ("subregion", "period"), AREA, "ha",
                              "(38) wheat land for straw <= LHW", -np.inf, inst.lhw[:, None])


def fleet_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
    """Fleets (formulation §6.6): plants / capture capacity operating = built in p-3..p x
    operating share."""
    ids.beccs_build = rows.add("beccs_build", cand.fed_b, ("subregion", "period"), 1.0, "plants",
                               "plants operating = built in p-3..p times operating share",
                               0.0, 0.0)
    ids.dac_build = rows.add("dac_build", cand.has_d, ("tech", "subregion", "period"), CO2,
                             "tCO2/yr",
                             "capture capacity operating = built in p-3..p times operating share",
                             0.0, 0.0)


def build_rate_rows(inst: _Instance, cand: _Candidates, rows: _Rows, ids: _RowIds) -> None:
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


# ------------------------------------------------------------------------------ column blocks
def ar_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
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


def beccs_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
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


def dac_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
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


def fleet_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
    """nB (plants built) and kD (DAC capacity built): fleet rows of the periods they operate in;
    kD also the shared DAC rate row (or the rate as its bound)."""
    n_p, nd = inst.n_p, len(OPERATING_SHARE)
    nb_sr, nb_q = _nonzero64(cand.nb_ok)
    r = _operating(lambda pq: ids.beccs_build[nb_sr[:, None], pq], nb_q, n_p)
    v = -np.broadcast_to(OPERATING_SHARE, r.shape).copy()
    n = nb_sr.size
    cols.add("nB", ("subregion", "period"), (nb_sr, nb_q), r, v, np.zeros(n), np.zeros(n),
             np.full(n, inst.rates.beccs_plants_per_period()), 1.0, "plants",
             "BECCS plants built in the period")
    kd_tk, kd_sr, kd_q = _nonzero64(cand.kd_ok)
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


def removal_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
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


def u_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds, cols: _Columns) -> None:
    """u: -1 in its crop aggregate row, 1 in row (37); row (36) is its upper bound."""
    u_sr, u_p = np.nonzero(ids.u_mask)
    n = u_sr.size
    r = np.stack([ids.land_crop_agg[u_sr, u_p], ids.land_total[u_sr, u_p]], axis=1)
    v = np.tile([-1.0, 1.0], (n, 1))
    cols.add("u", ("subregion", "period"), (u_sr, u_p), r, v, np.zeros(n), np.zeros(n),
             inst.crop_cap[u_sr] / AREA, AREA, "ha", "crop land (mal + overlap) of the source")


def shortfall_columns(ds, inst: _Instance, cand: _Candidates, ids: _RowIds,
                      cols: _Columns) -> None:
    """s: one per target row (formulation §6.2's first objective)."""
    g, t = np.nonzero(ids.target >= 0)
    n = g.size
    cols.add("s", ("group", "year"), (g, t), ids.target[g, t][:, None], np.ones((n, 1)),
             np.zeros(n), np.zeros(n), np.full(n, np.inf), CO2, "tCO2", "target shortfall")


COLUMN_BLOCKS = (ar_columns, beccs_columns, dac_columns, fleet_columns, removal_columns,
                 u_columns, shortfall_columns)


# --------------------------------------------------------------------------------------- build
def _assemble(cols: _Columns):
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


def _labels(ds: xr.Dataset, inst: _Instance) -> dict[str, list]:
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


def blocks(ds: xr.Dataset, scenario: Scenario, check: bool = True, merge_overlap: bool = True):
    """The LP before assembly: (instance, candidates, rows, columns), where `rows.blocks` and
    `rows.lower/upper` give every row family and its bounds and `cols.tables` every column
    block's (row, value) table, cost and bounds (benchmarks/compare.py hands them to linopy)."""
    if check:
        check_coefficients(ds)
    inst = _instance(ds, scenario)
    cand = _candidates(ds, inst, merge_overlap)
    rows, ids = _Rows(), _RowIds()
    for family in ROW_FAMILIES:
        family(inst, cand, rows, ids)
    cols = _Columns()
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


def beccs_rates(ds: xr.Dataset, model: LPModel, x: np.ndarray) -> np.ndarray:
    """The removal rate of every chain (tCO2/yr, in the coefficients Dataset's `chain` order) from
    the LP solution.

    A merged column's rate is split between its `mal` and its `overlap` chain by filling MAL
    first: in each (source, period) the merged chains take MAL(sr) less the land of the chains
    on `mal` alone; the rest of their land, and that share of their rate, is reported on the
    `overlap` chains (one share per source and period).  The LP's rows do not tell the two kinds
    apart (36 and 37 aggregate them), so every split is an optimum of the unmerged LP; this one
    puts crops on the land that AR cannot use first and never reports more crop land than the
    row (36) capacity MAL + sum OVL.
    """
    b = model.index.columns["xB"]
    rates = np.zeros(ds.sizes["chain"])
    rates[b.coords["chain"]] = x[b.slice()] * b.scale
    rep, twin = model.merged_chains
    if rep.size == 0:
        return rates
    n_p = ds.sizes["period"]
    src = np.asarray(ds["chain_source"].values, np.int64)
    per = np.asarray(ds["chain_period"].values, np.int64)
    land = np.asarray(ds["chain_land"].values)
    used = rates * np.asarray(ds["beccs_land"].values, np.float64)           # ha
    cell = src * n_p + per
    n_cell = ds.sizes["subregion"] * n_p
    is_rep = np.zeros(rates.size, bool)
    is_rep[rep] = True
    mal_alone = np.bincount(cell[(land == 0) & ~is_rep], used[(land == 0) & ~is_rep], n_cell)
    mal_merged = np.bincount(cell[rep], used[rep], n_cell)
    room = np.maximum(np.asarray(ds["mal"].values, np.float64).repeat(n_p) - mal_alone, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(mal_merged > room, room / mal_merged, 1.0)           # on mal
    total = rates[rep]
    rates[rep] = total * share[cell[rep]]
    rates[twin] = total - rates[rep]
    return rates
