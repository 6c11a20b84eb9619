"""The coefficients Dataset as the LP build needs it (formulation §9.3): variables present with
the right dims, finite where they must be, chain codes in range."""

from __future__ import annotations

import numpy as np
import xarray as xr

from fastmonet.dimensions import BIOMASS, LAND_TYPES
from fastmonet.errors import InputError

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
    for name, hi in (("chain_source", n_sr), ("chain_plant", n_sr), ("chain_biomass", len(BIOMASS)),
                     ("chain_land", len(LAND_TYPES)), ("chain_period", n_p)):
        a = np.asarray(ds[name].values)
        badm = (a < 0) | (a >= hi)
        if badm.any():
            raise InputError(f"{where}: variable {name!r} out of range 0..{hi - 1} at "
                             f"{_first_bad(badm, ('chain',), ds)} (value {a[badm][0]})")
    straw = np.asarray(ds["chain_biomass"].values) == BIOMASS.index("wheat_straw")
    lhw = np.asarray(ds["chain_land"].values) == LAND_TYPES.index("lhw")
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

