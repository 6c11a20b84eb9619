"""Checks and array extraction of the inputs-Dataset variables the coefficients need."""

from __future__ import annotations

import numpy as np
import xarray as xr

from fastmonet.dimensions import BIOMASS, REGIONS
from fastmonet.errors import InputError


def require(inputs: xr.Dataset, name: str, dims: tuple[str, ...], *, nonneg: bool = True,
            finite: bool = True) -> np.ndarray:
    """The variable as contiguous float64 with ``dims`` in that order; InputError if unusable."""
    if name not in inputs.variables:
        raise InputError(f"inputs: missing variable {name!r} (formulation §9.2) needed by the coefficients")
    da = inputs.variables[name]     # a Variable: no DataArray (coordinates) assembled per call
    if set(da.dims) != set(dims):
        raise InputError(f"inputs variable {name!r}: dims {da.dims}, expected {dims}")
    arr = np.ascontiguousarray(da.transpose(*dims).values, dtype=np.float64)
    bad = ~np.isfinite(arr) if finite else np.zeros(arr.shape, bool)
    if nonneg:
        bad |= arr < 0
    if bad.any():
        idx = np.unravel_index(np.flatnonzero(bad)[0], arr.shape)
        where = ", ".join(f"{d}={inputs[d].values[i]!s}" if d in inputs.coords else f"{d}={i}"
                          for d, i in zip(dims, idx))
        origin = f" (from {da.attrs['file']})" if "file" in da.attrs else ""
        raise InputError(f"inputs variable {name!r}{origin}: invalid value {float(arr[idx])!r} at {where}"
                         f" (must be finite{' and >= 0' if nonneg else ''})")
    return arr


def subregion_regions(inputs: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(region codes per subregion, int index of each into REGIONS)."""
    if "subregion_region" not in inputs.variables:
        raise InputError("inputs: missing coordinate 'subregion_region' (formulation §9.2)")
    codes = [str(c) for c in np.asarray(inputs["subregion_region"].values)]
    index = np.empty(len(codes), np.int64)
    for i, c in enumerate(codes):
        if c not in REGIONS:
            raise InputError(f"inputs coordinate 'subregion_region': unknown region {c!r} at "
                             f"subregion={inputs['subregion'].values[i]!s} (expected one of {REGIONS})")
        index[i] = REGIONS.index(c)
    return np.array(codes), index


def biomass_order(inputs: xr.Dataset) -> np.ndarray:
    """Index of each of BIOMASS in the inputs' biomass coordinate."""
    have = [str(b) for b in inputs["biomass"].values] if "biomass" in inputs.coords else []
    missing = [b for b in BIOMASS if b not in have]
    if missing:
        raise InputError(f"inputs coordinate 'biomass': missing {missing[0]!r} (expected {BIOMASS})")
    return np.array([have.index(b) for b in BIOMASS])
