"""The coefficients Dataset (formulation §9.3) from inputs + technology.

    build(inputs, tech=None) -> xr.Dataset

``inputs`` is the inputs Dataset of ``fastmonet.data.load()``; ``tech`` a
``fastmonet.technology.Technology`` (default: the bundled ``data/technology``). Stages:
AR (``ar.py``), BECCS chains (``beccs.py``), DACCS (``dac.py``); ``summary.py`` reports them.
"""

from __future__ import annotations

import time
from pathlib import Path

import xarray as xr

from fastmonet import technology
from fastmonet.coefficients.ar import build_ar
from fastmonet.coefficients.beccs import build_beccs
from fastmonet.coefficients.dac import build_dac
from fastmonet.energy import EnergyTransition
from fastmonet.errors import InputError
from fastmonet.store import provenance

PASS_THROUGH = ("lrp", "ovl", "mal", "lhw", "storage", "target")

__all__ = ["build", "save", "open_store"]


def build(inputs: xr.Dataset, tech: technology.Technology | str | Path | None = None, *,
          horizon: int = 100, timings: dict | None = None, stand_adjust=None) -> xr.Dataset:
    """All LP coefficients (formulation §9.3) of AR, BECCS and DACCS from the inputs.

    Parameters
    ----------
    inputs : xarray.Dataset
        The model inputs, `fastmonet.data.load()`.
    tech : Technology, str or Path, optional
        A Technology, or the folder of its TOMLs; default: ``technology.resolve_dir`` of the
        inputs' data folder (its ``technology/`` when it has one, else the bundled one).
    horizon : int
        Years the stand model runs (formulation §2; at least the 80-year coefficient window).
    timings : dict, optional
        Receives the seconds each stage took.
    stand_adjust : callable, optional
        StandParams -> StandParams (e.g. `fastmonet.uncertainty.ForestOverrides`): changes the
        stand parameters before the kernel runs.

    Returns
    -------
    xarray.Dataset
        AR coefficients per (subregion, ecozone, forest_type, vintage, year), BECCS ones per
        chain, DACCS ones per (tech, subregion, period), and the capacities the LP reads, with
        ``units`` and ``source``; what `fastmonet.solve` and `coefficients.save` take.

    Raises
    ------
    InputError
        Inputs lacking a variable or holding a value the kernels cannot use.

    Examples
    --------
    >>> from fastmonet import coefficients, data
    >>> coeffs = coefficients.build(data.load())
    >>> coeffs["ar_removal"].dims
    ('subregion', 'ecozone', 'forest_type', 'vintage', 'year')
    >>> coeffs["ar_removal"].attrs["units"]
    'tCO2/ha'
    >>> int(coeffs.sizes["chain"]) > 0
    True
    """
    t0 = time.perf_counter()
    if not isinstance(inputs, xr.Dataset):
        raise InputError(f"coefficients.build: inputs must be the xarray Dataset of "
                         f"fastmonet.data.load(), got {type(inputs).__name__}")
    if tech is None or isinstance(tech, (str, Path)):
        tech = technology.load(technology.resolve_dir(tech, inputs.attrs.get("data_path")))
    if not isinstance(tech, technology.Technology):
        raise InputError(f"coefficients.build: tech must be a Technology or a folder path, "
                         f"got {type(tech).__name__}")
    transition = EnergyTransition.from_inputs(inputs, tech)
    t1 = time.perf_counter()
    ar, _ = build_ar(inputs, tech, transition, horizon=horizon, stand_adjust=stand_adjust)
    t2 = time.perf_counter()
    beccs = build_beccs(inputs, tech, transition)
    t3 = time.perf_counter()
    dac = build_dac(inputs, tech, transition)
    t4 = time.perf_counter()
    missing = [v for v in PASS_THROUGH if v not in inputs.variables]
    if missing:
        raise InputError(f"inputs: missing variable {missing[0]!r} (formulation §9.2) copied into the coefficients")
    out = xr.merge([ar, dac, inputs[list(PASS_THROUGH)]], combine_attrs="drop_conflicts", join="exact")
    for name in beccs.data_vars:
        out[name] = beccs[name]
    keep = {k: inputs.attrs[k] for k in ("data_path", "storage_case", "target_case") if k in inputs.attrs}
    out.attrs = {"title": "fastmonet coefficients (formulation §9.3)", **keep, **beccs.attrs}
    out = out.assign_coords(subregion_region=("subregion", inputs["subregion_region"].values))
    out.attrs["horizon"] = horizon
    out.attrs[provenance.INPUT_FILES_ATTR] = provenance.merge_input_files(
        inputs.attrs.get(provenance.INPUT_FILES_ATTR), tech.input_files)
    out.attrs["technology_path"] = tech.path
    out.attrs["source"] = "fastmonet.coefficients.build (formulation §2.6-2.8, §3, §4, §5)"
    if timings is not None:
        timings.update(technology=t1 - t0, ar=t2 - t1, beccs=t3 - t2, dac=t4 - t3,
                       assemble=time.perf_counter() - t4)
    return out


def save(coeffs: xr.Dataset, path: str | Path, wait: bool = True) -> None:
    """Write the coefficient Dataset to a zarr (v3) store, replacing it.

    Guarded like a results group (``fastmonet.store``): under the store's write lock, every
    array read back and checked, its checksum and the provenance (versions, input files) stored
    in the root attributes, ``complete`` written last.  Text coordinates keep their fixed-width
    numpy dtype so they read back as ``<U`` arrays (variable-length strings read back as numpy
    StringDType, which ``astype(str)`` rejects).
    """
    from fastmonet.store import groups, kinds, lock, paths, provenance

    if not isinstance(coeffs, xr.Dataset):
        raise InputError(f"coefficients.save: a Dataset, got {type(coeffs).__name__}")
    path = paths.check_store_path(path, "coefficient store")
    # Saving replaces the whole store: never over a store of another kind (fastmonet.store.kinds).
    kinds.require(path, kinds.COEFFICIENTS, action="coefficients save")
    prov = {**provenance.environment(), **provenance.inputs_record(coeffs)}
    with lock.writer(path, wait=wait):
        kinds.require(path, kinds.COEFFICIENTS, action="coefficients save")
        prov["written"] = provenance.now()
        groups.write(path, "", {"": coeffs}, kinds.attributes(kinds.COEFFICIENTS), prov)


def open_store(path: str | Path) -> xr.Dataset:
    """Read a store written by ``save`` (loaded into memory), every array checked.

    A store that is incomplete, lacks its checksums, or has a missing or damaged chunk raises
    ``StoreError`` (an ``InputError``) naming the store and the variable: zarr itself would
    read a missing chunk back as fill values (a ``chain_plant`` of 0) without a word.
    """
    from fastmonet.store import groups, kinds
    from fastmonet.store.errors import StoreError

    p = Path(path)
    if not p.is_dir():
        raise InputError(f"coefficient store {p} not found (write one with 'fastmonet coefficients build --out')")
    kind = kinds.kind_of(p)
    if kind is not None and kind.name != "unknown":   # unknown: said below, with what to do
        kinds.require(p, kinds.COEFFICIENTS, action="coefficients")
    st = groups.state(p, "")
    if not st.complete:
        raise StoreError(f"coefficient store {p}: {st.problem or 'not a zarr store'}; rebuild "
                         "it with 'fastmonet coefficients build --out'")
    parts, _ = groups.read(p, "")
    return parts[""]
