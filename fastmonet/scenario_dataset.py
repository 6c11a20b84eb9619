"""Every scenario of a run in one Dataset with a `scenario` dimension.

    ds = fastmonet.scenario_dataset.combine(results)          # [Results] -> xr.Dataset
    fastmonet.scenario_dataset.write(ds, "results/results.zarr")
    xr.open_zarr("results/results.zarr")                      # the same Dataset, nothing else needed

The combined Dataset holds the metrics of every scenario (`fastmonet.metrics`) that share their
dimensions across scenarios (region, option, year, subregion, ...; `region` and `option`
partition: `ds.cum_removal.sum("region")` is the world's, see `fastmonet.partition`); the per-configuration
cost-supply data (`config_*`, whose length differs per scenario) and the decisions stay in each
scenario's own groups `<name>/metrics` and `<name>/solution` of the same store.  The scenario
definition is carried as coordinates on `scenario` (policy, targets, storage, rate multipliers).
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from fastmonet.errors import InputError

LONG_NAMES = {
    "cum_removal": "cumulative CO2 removal", "cum_removal_subregion": "cumulative CO2 removal",
    "removal_rate": "mean CO2 removal rate in the decade ending in year",
    "ctnc": "cumulative total net cost of CDR", "cnc": "cumulative net cost per tonne removed",
    "mnc": "marginal net cost over the decade ending in year", "target": "cumulative CDR target",
    "shortfall": "target shortfall", "surplus_2100": "removal above the own 2100 target",
    "deficit_2100": "removal missing to the own 2100 target", "sold_2100": "tonnes sold by 2100",
    "bought_2100": "tonnes bought by 2100", "land_ar": "land under AR",
    "land_crops": "land under energy crops", "land_straw": "land supplying straw",
    "storage_used": "CO2 stored by 2100", "storage_capacity": "CO2 storage capacity",
    "target_dual": "dual of the target row (marginal cost of the target)",
}


# Every name the combined view can put at a run store's root (variables and coordinates of the
# metrics, with and without trading blocs, and the scenario coordinates).  Scenario groups live
# beside them, so no scenario may take one of these names (`fastmonet.store.kinds.check_names`);
# tests/model/test_store_kinds.py checks that `combine` gives no name outside this list.
ROOT_NAMES = (
    # coordinates
    "scenario", "policy", "targets", "storage", "rate_ar", "rate_beccs", "rate_dac",
    "rate_build_factor", "region", "option", "year", "subregion", "source_region",
    "plant_region", "group", "config", "bloc",
    # metrics (fastmonet.metrics.compute, fastmonet.blocs.metrics.bloc_metrics)
    "cum_removal", "cum_removal_subregion", "removal_rate", "ctnc", "cnc", "mnc", "target",
    "shortfall", "surplus_2100", "deficit_2100", "sold_2100", "bought_2100",
    "cnc_trading_2100", "cnc_trading_2100_world", "cnc_all_options", "cnc_world",
    "cnc_world_all_options", "mnc_all_options", "mnc_world", "mnc_world_all_options", "nep",
    "beccs_trade", "biomass_flow", "land_ar", "land_crops",
    "land_straw", "storage_used", "storage_capacity", "target_dual", "config_region",
    "config_option", "config_removal", "config_cost", "config_mnc", "config_cum_removal",
    "config_surplus", "bloc_nep", "bloc_cost", "bloc_saving", "region_bloc",
    "cnc_trading_bloc", "surplus_sold", "deficit_bought",
)


def _plain(ds: xr.Dataset) -> xr.Dataset:
    """Plain str labels (stores give numpy StringDType); zarr v3 writes them as variable strings."""
    out = ds.copy()
    for name, var in list(out.variables.items()):
        if var.dtype.kind in "UTSO":
            vals = np.array([x.decode() if isinstance(x, bytes) else str(x)
                             for x in var.values.ravel()], dtype=object).reshape(var.shape)
            out[name] = (var.dims, vals, var.attrs)
    return out


def _scenario_coords(results) -> dict:
    rates = [dataclasses.asdict(r.scenario.rates) for r in results]
    coords = {
        "policy": ("scenario", np.array([r.scenario.label for r in results], dtype=object)),
        "targets": ("scenario", np.array([r.scenario.targets for r in results], dtype=object)),
        "storage": ("scenario", np.array([r.scenario.storage for r in results], dtype=object)),
    }
    for key in ("ar", "beccs", "dac", "build_factor"):
        if all(key in d for d in rates):
            coords[f"rate_{key}"] = ("scenario", np.array([float(d[key]) for d in rates]))
    return coords


def combine(results) -> xr.Dataset:
    """The metrics of several `Results` on a `scenario` dimension (in the order given)."""
    results = list(results)
    if not results:
        raise InputError("combine: no scenario results to combine")
    names = [r.scenario.name for r in results]
    parts = []
    for r in results:
        m = _plain(r.metrics)
        keep = [v for v in m.data_vars if "config" not in m[v].dims]
        parts.append(m[keep].drop_vars("config", errors="ignore"))
    ds = xr.concat(parts, dim="scenario", join="outer", combine_attrs="override",
                   data_vars="all", coords="minimal", compat="override")
    ds = ds.assign_coords(scenario=("scenario", np.array(names, dtype=object)),
                          **_scenario_coords(results))
    for v in map(str, ds.data_vars):    # xarray's names are Hashable; these are str
        ds[v].attrs.setdefault("long_name", LONG_NAMES.get(v, v.replace("_", " ")))
    ds["scenario"].attrs["long_name"] = "scenario name (the group holding its detail)"
    ds.attrs = {}
    ds.attrs.update({"title": "fastmonet results: every scenario",
                     "detail": "per-scenario decisions and cost-supply data: groups "
                               "<scenario>/solution and <scenario>/metrics of this store"})
    return ds


def write(ds: xr.Dataset, path: str | Path) -> None:
    """Write `ds` at the root of the zarr store `path`, beside the per-scenario groups.

    Root arrays of an earlier run are replaced; the scenario groups are left alone.  Metadata are
    consolidated last so `xr.open_zarr(path)` alone opens the combined Dataset.  The store must
    be a run's or a results store (`fastmonet.store.kinds`): it is stamped a run's; a group
    whose name a root array needs is refused before anything is deleted.
    """
    import zarr

    from fastmonet.store import kinds
    from fastmonet.store.errors import StoreError
    with _writer_lock(path):
        kind = kinds.require(path, kinds.RUN, accept=(kinds.RESULTS,), action="combined results")
        if kind is not None and kind.layout < kinds.PARTITIONED[kind.name]:
            from fastmonet.results import upgrade_store
            upgrade_store(path, kind.name)      # its groups too: never a store of two layouts
        p = Path(path)
        taken = sorted(str(n) for n in ds.variables if (p / str(n)).is_dir()
                       and json_node_type(p / str(n)) == "group")
        if taken:
            raise StoreError(f"store {path}: group {taken[0]!r} has the name of an array of the "
                             "combined results; rename that scenario (or use another --out)")
        _write(ds, path, zarr)


def json_node_type(folder: Path) -> str | None:
    """The zarr v3 `node_type` of a folder ('group', 'array'), or None when it is not a zarr node."""
    import json
    try:
        return json.loads((folder / "zarr.json").read_text()).get("node_type")
    except (OSError, ValueError, AttributeError):
        return None


def _writer_lock(path):
    """The store's writer lock (`fastmonet.store.lock`), when the package has it."""
    import contextlib
    try:
        from fastmonet.store import lock
    except ImportError:
        return contextlib.nullcontext()
    return lock.writer(path)


def _write(ds, path, zarr) -> None:
    root = zarr.open_group(str(path), mode="a")
    for name in list(root.array_keys()):
        del root[name]
    _plain(ds).to_zarr(str(path), mode="a", consolidated=False)
    from fastmonet.store import kinds
    kinds.stamp(path, kinds.RUN)
    with warnings.catch_warnings():
        # zarr 3 warns that consolidated metadata is not in the v3 spec yet; xarray reads it.
        warnings.simplefilter("ignore", UserWarning)
        zarr.consolidate_metadata(str(path))


def open(path: str | Path) -> xr.Dataset:  # noqa: A001 - mirrors xr.open_zarr
    """The combined results Dataset of a run store (lazy, as `xr.open_zarr` gives it); a store of
    layout 1 ("world" / "all" inside `region` / `option`) converted (`fastmonet.partition`)."""
    from fastmonet.partition import partitioned
    return partitioned(xr.open_zarr(str(path)))
