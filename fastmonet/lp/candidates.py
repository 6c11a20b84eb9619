"""The decision columns that can be non-zero (see `fastmonet.lp.build`): AR cells with land and
removal, chains whose plant could be built and whose ends have storage and land, DAC with a
coefficient and storage; and the `overlap` chains one `mal` chain's column serves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet.dimensions import BIOMASS
from fastmonet.lp.instance import Instance

# Operating share in period q + d of a unit built uniformly over period q, 30-year life
# (formulation §6.6).
OPERATING_SHARE = np.array([0.55, 1.0, 1.0, 0.45])


@dataclass
class Candidates:
    """The decision columns that can be non-zero, and what the row families read of them."""

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


def nonzero64(mask) -> tuple[np.ndarray, ...]:
    """np.nonzero of `mask` as int64 index arrays."""
    return tuple(c.astype(np.int64) for c in np.nonzero(mask))


def window_ok(has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _ar_candidates(ds, inst: Instance):
    """xA: allowed cells with AR land and some positive removal, one column per vintage."""
    allowed = np.asarray(ds["ar_allowed"].values, bool) & (inst.ar_cap > 0)[:, :, None]
    rem = np.asarray(ds["ar_removal"].values, np.float64)      # (sr, ez, ft, a, t)
    best = np.max(np.where(np.isfinite(rem), rem, -np.inf), axis=-1)
    useful = allowed[..., None] & (best > 0) & (inst.ar_rate > 0)
    return rem, nonzero64(useful)


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


def _beccs_candidates(ds, inst: Instance, merge_overlap: bool = True):
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
    nb_ok, fed_b = window_ok(has_b.reshape(inst.n_sr, inst.n_p))
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


def _dac_candidates(ds, inst: Instance):
    """xD: (tech, sr, p) with a coefficient, storage, a DAC rate and a buildable capacity."""
    d_cost = np.asarray(ds["dac_cost"].values, np.float64)
    d_capt = np.asarray(ds["dac_captured"].values, np.float64)
    d_stor = np.asarray(ds["dac_stored"].values, np.float64)
    has_d = (np.isfinite(d_cost) & (inst.storage > 0)[None, :, None] & (d_capt > 0)
             & (d_stor >= 0))
    has_d &= inst.rates.dac_capacity_per_period_t() > 0
    kd_ok, has_d = window_ok(has_d)
    return dict(xd=nonzero64(has_d), has_d=has_d, kd_ok=kd_ok, d_cost=d_cost, d_capt=d_capt,
                d_stor=d_stor)


def candidates(ds, inst: Instance, merge_overlap: bool = True) -> Candidates:
    """The columns of the LP that can be non-zero: AR cells with removal, BECCS chains (the overlap
    chains merged into their `mal` column when `merge_overlap`) and DAC with storage."""
    rem, xa = _ar_candidates(ds, inst)
    return Candidates(rem=rem, xa=xa, **_beccs_candidates(ds, inst, merge_overlap),
                       **_dac_candidates(ds, inst))

