"""The solution as labelled xarray data, the `Results` object, and zarr / netCDF storage.

A scenario's results are two Datasets:

- `solution`: the decisions in natural units on the coefficient Dataset's dimensions
  (`ar_area`, `beccs_rate`, `dac_rate`, `beccs_plants_built`, `dac_capacity_built`), the shortfall
  and the duals of the target and storage rows;
- `metrics`: what formulation §8 reports (see `fastmonet.metrics`).

In a zarr store each scenario is a group `<name>` with sub-groups `solution` and `metrics`,
written by `fastmonet.store.groups`: under the store's lock, every array verified, its checksum
and the result's provenance recorded, and `complete = true` written last, so a run that stops
midway leaves no group that looks finished.  `solve_many` reuses a complete group only when its
inputs and scenario definition equal the request's.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.blocs import Burden, Structure
from fastmonet.errors import InputError
from fastmonet.lp import Fixings, LPModel
from fastmonet.partition import is_labelled, partitioned
from fastmonet.scenarios import Rates, Scenario, SolverOptions
from fastmonet.solver import LPSolution

if TYPE_CHECKING:
    from fastmonet.warm_start import Reference

# What users import; the rest builds and stores results for the solver and the stores.
__all__ = ["Results", "SUMMARY_COLUMNS", "is_complete"]

SUMMARY_COLUMNS = ["scenario", "region", "option", "metric", "value", "unit"]


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


def solution_dataset(coeffs: xr.Dataset, model: LPModel, sol: LPSolution) -> xr.Dataset:
    """Column values and row duals back on their labelled coordinates (natural units)."""
    idx = model.index
    c = idx.columns
    n_sr, n_ez, n_ft = coeffs.sizes["subregion"], coeffs.sizes["ecozone"], coeffs.sizes["forest_type"]
    n_p, n_tk = coeffs.sizes["period"], coeffs.sizes["tech"]
    groups = idx.groups
    x = sol.x
    shortfall = c["s"].dense(x, (len(groups), n_p), fill=np.nan)
    tdual = np.full((len(groups), n_p), np.nan)
    tb = idx.rows["target"]
    tdual[tb.coords["group"], tb.coords["year"]] = sol.row_dual[tb.slice()]   # M$/Mt = US$/t
    sdual = np.zeros(n_sr)
    sb = idx.rows["storage"]
    sdual[sb.coords["subregion"]] = sol.row_dual[sb.slice()]
    ds = xr.Dataset(
        {
            "ar_area": (("subregion", "ecozone", "forest_type", "vintage"),
                        c["xA"].dense(x, (n_sr, n_ez, n_ft, n_p)),
                        {"units": "ha", "long_name": "area planted in the vintage"}),
            "beccs_rate": ("chain", beccs_rates(coeffs, model, x),
                           {"units": "tCO2/yr", "long_name": "removal by the chain during its period"}),
            "dac_rate": (("tech", "subregion", "period"), c["xD"].dense(x, (n_tk, n_sr, n_p)),
                         {"units": "tCO2/yr", "long_name": "DACCS removal during the period"}),
            "beccs_plants_built": (("subregion", "period"), c["nB"].dense(x, (n_sr, n_p)),
                                   {"units": "plants", "long_name": "BECCS plants built"}),
            "dac_capacity_built": (("tech", "subregion", "period"),
                                   c["kD"].dense(x, (n_tk, n_sr, n_p)),
                                   {"units": "tCO2/yr", "long_name": "DAC capacity built"}),
            "shortfall": (("group", "year"), shortfall,
                          {"units": "tCO2", "long_name": "target shortfall (NaN: no such row)"}),
            "target_dual": (("group", "year"), tdual,
                            {"units": "US$/tCO2", "long_name": "dual of the target row"}),
            "storage_dual": ("subregion", sdual,
                             {"units": "US$/tCO2", "long_name": "dual of the storage row"}),
        },
        coords={
            "subregion": _labels(coeffs["subregion"]),
            "subregion_region": ("subregion", _labels(coeffs["subregion_region"])),
            "ecozone": _labels(coeffs["ecozone"]), "forest_type": _labels(coeffs["forest_type"]),
            "vintage": coeffs["vintage"].values, "period": coeffs["period"].values,
            "year": coeffs["year"].values, "tech": _labels(coeffs["tech"]),
            "chain": coeffs["chain"].values, "group": list(groups),
        },
    )
    with_cf(ds)
    ds.attrs.update(scenario_attrs(model.scenario))
    ds.attrs.update({f"stat_{k}": v for k, v in sol.stats.items()})
    ds.attrs["cost_musd"] = sol.cost
    ds.attrs["shortfall_mt"] = sol.shortfall
    ds.attrs["status"] = sol.status
    ds.attrs["worst_violation_at"] = sol.worst
    return ds


# CF `units` and `long_name` for every coordinate and for the metrics variables that do not set
# them where they are computed; `with_cf` fills only what is missing.
CF_ATTRS = {
    "subregion": ("1", "subregion code"),
    "subregion_region": ("1", "region code of the subregion"),
    "region": ("1", "region code"),
    "source_region": ("1", "region where the biomass is grown"),
    "plant_region": ("1", "region of the BECCS plant"),
    "group": ("1", "target group: a region, or world"),
    "ecozone": ("1", "ecological zone"),
    "forest_type": ("1", "forest type"),
    "tech": ("1", "DAC technology (ce: electric, cw: heat from waste)"),
    "option": ("1", "CDR option (ar, beccs, daccs)"),
    "vintage": ("year", "first planting year of the decade"),
    "period": ("year", "first year of the decade"),
    "year": ("year", "reporting year (end of the decade)"),
    "chain": ("1", "BECCS supply-chain index"),
    "config": ("1", "cost-supply configuration index (sorted by marginal cost)"),
    "config_region": ("1", "region of the configuration"),
    "config_option": ("1", "CDR option of the configuration"),
    "cum_removal_subregion": ("tCO2", "cumulative CDR by subregion"),
    "ctnc": ("US$", "cumulative total net cost"),
    "cnc": ("US$/tCO2", "cumulative net cost per tCO2 removed"),
    "cnc_all_options": ("US$/tCO2", "cumulative net cost per tCO2 removed (all options)"),
    "cnc_world": ("US$/tCO2", "cumulative net cost per tCO2 removed (world)"),
    "cnc_world_all_options": ("US$/tCO2",
                              "cumulative net cost per tCO2 removed (world, all options)"),
    "mnc": ("US$/tCO2", "marginal net cost"),
    "mnc_all_options": ("US$/tCO2", "marginal net cost (all options)"),
    "mnc_world": ("US$/tCO2", "marginal net cost (world)"),
    "mnc_world_all_options": ("US$/tCO2", "marginal net cost (world, all options)"),
    "cnc_trading_2100_world": ("US$/tCO2", "CNC by 2100 with NE trading (world)"),
    "target": ("tCO2", "cumulative removal target"),
    "shortfall": ("tCO2", "target shortfall"),
    "surplus_2100": ("tCO2", "removal above the target by 2100"),
    "deficit_2100": ("tCO2", "removal below the target by 2100"),
    "sold_2100": ("tCO2", "negative emissions sold by 2100"),
    "bought_2100": ("tCO2", "negative emissions bought by 2100"),
    "land_ar": ("ha", "land under AR"),
    "land_crops": ("ha", "land under energy crops"),
    "land_straw": ("ha", "wheat land supplying straw"),
    "storage_used": ("tCO2", "CO2 storage used by 2100"),
    "storage_capacity": ("tCO2", "CO2 storage capacity"),
    "target_dual": ("US$/tCO2", "dual of the target row"),
    "config_removal": ("tCO2", "removal of the configuration"),
    "config_cost": ("US$", "cost of the configuration"),
    "config_mnc": ("US$/tCO2", "marginal cost of the configuration"),
    "config_cum_removal": ("tCO2", "cost-supply curve abscissa"),
    "config_surplus": ("tCO2", "surplus of the configuration"),
}


def with_cf(ds: xr.Dataset) -> xr.Dataset:
    """`ds` with CF `units` / `long_name` set where missing (from CF_ATTRS; in place)."""
    for key, var in ds.variables.items():
        name = str(key)                 # xarray's names are Hashable; fastmonet's are str
        units, long_name = CF_ATTRS.get(name, (None, None))
        if units is not None:
            var.attrs.setdefault("units", units)
        var.attrs.setdefault("long_name", long_name or name.replace("_", " "))
    return ds


def _labels(da: xr.DataArray) -> list[str]:
    # Stores may give numpy StringDType or bytes; results always carry plain str labels.
    return [x.decode() if isinstance(x, bytes) else str(x) for x in da.values]


def fixings_from(solution: xr.Dataset, switch_year: int) -> Fixings:
    """SWITCH_Y: the ISOLATION decisions of periods ending on or before Y (formulation §6.7)."""
    years = np.asarray(solution["year"].values)
    last = int(np.flatnonzero(years <= switch_year)[-1])
    return Fixings(
        last_period=last,
        ar_area=np.asarray(solution["ar_area"].values),
        beccs=np.asarray(solution["beccs_rate"].values),
        dac=np.asarray(solution["dac_rate"].values),
        plants=np.asarray(solution["beccs_plants_built"].values),
        dac_capacity=np.asarray(solution["dac_capacity_built"].values),
    )


def scenario_attrs(s: Scenario) -> dict:
    """Store attributes of a scenario: its name, label and cases, and the whole definition as JSON
    (read back by `scenario_from_attrs`)."""
    return {"scenario": s.name, "policy": s.label, "targets": s.targets, "storage": s.storage,
            "scenario_json": json.dumps(dataclasses.asdict(s))}


def scenario_from_attrs(attrs: dict) -> Scenario:
    """The Scenario written by `scenario_attrs` (a store written before burden rules existed reads
    as the default 'responsibility' burden)."""
    d = json.loads(attrs["scenario_json"])
    structure = lambda b: None if b is None else Structure(  # noqa: E731
        tuple(tuple(x) for x in b["blocs"]), b["biomass_trade"])
    burden = d.get("burden") or {"rule": "responsibility", "shares": None}
    shares = None if burden["shares"] is None else tuple((r, v) for r, v in burden["shares"])
    return Scenario(policy=d["policy"], switch_year=d["switch_year"], targets=d["targets"],
                    storage=d["storage"], rates=Rates(**d["rates"]),
                    solver=SolverOptions(**d["solver"]), name=d["name"],
                    blocs=structure(d.get("blocs")), from_blocs=structure(d.get("from_blocs")),
                    burden=Burden(burden["rule"], shares))


@dataclass
class Results:
    """One scenario's solution, metrics and solve figures (what `fastmonet.solve` returns).

    Attributes
    ----------
    scenario : Scenario
        The scenario solved (its `name` is the result's group in a store).
    solution : xarray.Dataset
        The decisions in natural units on the coefficients' dimensions (``ar_area``,
        ``beccs_rate``, ``dac_rate``, plants and capacity built), the shortfall and the duals.
    metrics : xarray.Dataset
        What formulation §8 reports: removal, costs (CTNC, CNC, MNC), shortfall, trade, each
        with CF ``units`` and ``long_name``.
    stats : dict
        LP size and solve figures (columns, rows, seconds, iterations, max violation).
    provenance : dict
        What the result was made from (`fastmonet.store.provenance`): versions, input hashes,
        the scenario's hash, times.
    reference : warm_start.Reference or None
        The cost-stage basis keyed by meaning, when asked for (``keep_reference=True``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from fastmonet import api, synthetic
    >>> from fastmonet.results import Results
    >>> coeffs = synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0)
    >>> res = api.solve_coefficients(coeffs, "cooperation")
    >>> res.metrics["cnc"].attrs["units"]
    'US$/tCO2'
    >>> list(res.summary().columns)
    ['scenario', 'region', 'option', 'metric', 'value', 'unit']

    A result written to a zarr store reads back checked against its checksums:

    >>> store = Path(tempfile.mkdtemp()) / "results.zarr"
    >>> res.to_zarr(store)
    'cooperation-p3-medium'
    >>> back = Results.from_zarr(store, "cooperation-p3-medium")
    >>> back.scenario == res.scenario, bool(back.metrics["cnc"].equals(res.metrics["cnc"]))
    (True, True)
    """

    scenario: Scenario
    solution: xr.Dataset
    metrics: xr.Dataset
    stats: dict = field(default_factory=dict)
    # What the result was made from (fastmonet.store.provenance.request + solve times).
    provenance: dict = field(default_factory=dict)
    # The cost-stage basis keyed by meaning, when asked for.
    reference: Reference | None = None

    def summary(self) -> pd.DataFrame:
        from fastmonet.metrics import summary_rows
        return pd.DataFrame(summary_rows(self), columns=SUMMARY_COLUMNS)

    def __repr__(self) -> str:
        m = self.metrics
        last = m["year"].values[-1]
        w = m["cum_removal"].sel(year=last).sum("region")
        opts = ", ".join(f"{o} {float(w.sel(option=o)) / 1e9:.1f}" for o in ("ar", "beccs", "daccs"))
        sf = float(m["shortfall"].sel(year=last).sum("region")) / 1e9
        cnc = float(m["cnc_world_all_options"].sel(year=last))
        nep = float(m["nep"])
        st = self.stats
        return (
            f"<fastmonet.Results {self.scenario.name!r}: {self.scenario.label}, targets "
            f"{self.scenario.targets}, storage {self.scenario.storage}>\n"
            f"  removal by 2100 (GtCO2): {opts}; shortfall {sf:.2f}\n"
            f"  CNC 2100 {cnc:.1f} US$/tCO2; NEP {nep:.1f} US$/tCO2\n"
            f"  LP {st.get('columns', '?')} columns x {st.get('rows', '?')} rows, "
            f"{st.get('nonzeros', '?')} non-zeros; build {st.get('build_s', float('nan')):.2f} s, "
            f"solve {st.get('solve_s', float('nan')):.2f} s; max violation "
            f"{st.get('max_violation', float('nan')):.1e}"
        )

    # ------------------------------------------------------------------------------ storage
    def to_zarr(self, path: str | Path, group: str | None = None, wait: bool = True) -> str:
        """Write to `path` (a zarr store) under `group` (default: the scenario name).

        The group is replaced, every array verified and the group marked complete last, under
        the store's write lock (see `fastmonet.store`).  Provenance and checksums go into the
        group's attributes.
        """
        from fastmonet.store import groups, kinds, lock, names
        group = names.check(group or self.scenario.name, "group name")
        if not isinstance(path, (str, Path)):
            raise InputError(f"path: a store path, got {type(path).__name__}")
        parts = {"solution": with_cf(_zarr_ready(self.solution)),
                 "metrics": with_cf(_zarr_ready(self.metrics))}
        attrs = {**{k: _jsonable(v) for k, v in self.stats.items()},
                 "scenario_json": self.solution.attrs["scenario_json"]}
        prov = dict(self.provenance)
        prov.setdefault("fastmonet_version", _version())
        with lock.writer(path, wait=wait):
            kind = kinds.require(path, kinds.RESULTS, accept=(kinds.RUN,), action="scenario results")
            kinds.check_names(path, [group], kind.name if kind is not None else kinds.RESULTS)
            if kind is not None and kind.layout < kinds.PARTITIONED[kind.name]:
                upgrade_store(path, kind.name)      # never a store of two layouts
            if kind is None or not kind.recorded:
                kinds.stamp(path, kind.name if kind is not None else kinds.RESULTS)
            prov["written"] = _now()
            groups.write(path, group, parts, attrs, prov)
        return group

    @classmethod
    def from_zarr(cls, path: str | Path, group: str) -> "Results":
        """Read a complete group back; every array is checked against its recorded checksum.

        A missing or damaged group, chunk or attribute raises `StoreError` (an `InputError`)
        naming store, group and variable.
        """
        from fastmonet.store import groups, kinds
        if not isinstance(path, (str, Path)):
            raise InputError(f"path: a store path, got {type(path).__name__}")
        if not isinstance(group, str):
            raise InputError(f"group: a scenario group name, got {type(group).__name__}")
        kinds.require(path, kinds.RESULTS, accept=(kinds.RUN,), action="scenario results")
        parts, attrs = groups.read(path, group)
        sol, met = parts.get("solution"), parts.get("metrics")
        if sol is None or met is None or "scenario_json" not in attrs:
            from fastmonet.store.errors import StoreError
            raise StoreError(f"store {path}, group {group!r}: not a scenario result (needs "
                             "solution, metrics and scenario_json)")
        stats = {k: v for k, v in attrs.items() if k not in _GROUP_KEYS}
        met = partitioned(met)          # a store of layout 1: "world" / "all" inside the dims
        return cls(scenario=scenario_from_attrs(sol.attrs), solution=sol, metrics=met,
                   stats=stats, provenance=dict(attrs["provenance"]))

    def to_netcdf(self, path: str | Path) -> list[Path]:
        """netCDF files: `<path>` holds the metrics, `<stem>.solution.nc` the solution."""
        path = Path(path)
        sol_path = path.with_name(path.stem + ".solution.nc")
        for ds, target in ((self.metrics, path), (self.solution, sol_path)):
            _write_whole(_netcdf_ready(ds), target)
        return [path, sol_path]


def _write_whole(ds: xr.Dataset, target: Path) -> None:
    """Write `<target>.partial`, then rename: a failed write (a full disk) leaves no truncated
    file that looks like a result, and the error names the file."""
    partial = target.with_name(target.name + ".partial")
    try:
        ds.to_netcdf(partial)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OSError(exc.errno, f"{exc.strerror or exc}: writing {target}") from None


def _jsonable(v):
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return v


def _zarr_ready(ds: xr.Dataset) -> xr.Dataset:
    """Fixed-width numpy strings have no zarr v3 spec yet; variable-length UTF-8 has."""
    out = ds.copy()
    for name, var in list(out.variables.items()):
        if var.dtype.kind in "UT":
            out[name] = var.astype(object)
    return out


def _netcdf_ready(ds: xr.Dataset) -> xr.Dataset:
    """netCDF3 (scipy backend) has no int64 or bool: store them as int32 / int8."""
    out = ds.copy()
    for name, var in list(out.variables.items()):
        if var.dtype == np.int64:
            out[name] = var.astype(np.int32)
        elif var.dtype == bool:
            out[name] = var.astype(np.int8)
    return out


_GROUP_KEYS = ("complete", "parts", "checksums", "provenance", "scenario_json")


def _version() -> str:
    from fastmonet.store.provenance import fastmonet_version
    return fastmonet_version()


def _now() -> str:
    from fastmonet.store.provenance import now
    return now()


def upgrade_store(path: str | Path, kind: str) -> list[str]:
    """Convert a results or run store of layout 1 ("world" / "all" inside `region` / `option`)
    to the current layout in place (`fastmonet.partition`), then stamp that layout; the caller
    holds the store's writer lock.  Every complete scenario group whose metrics are of the old
    layout is rewritten (values unchanged, checksums recomputed, provenance kept), and a run
    store's combined view at the root; an incomplete group is left to be solved again.  A group
    is converted whole or not at all, and each one is recognised by its content, so a conversion
    that stops midway is finished by the next write.  Returns the groups converted."""
    import zarr

    from fastmonet.store import groups, kinds
    p = Path(path)
    done = []
    for child in sorted(c for c in p.iterdir() if c.is_dir() and not c.name.startswith(".")):
        st = groups.state(p, child.name)
        if not st.complete or "metrics" not in st.attrs.get("parts", ()):
            continue
        parts, attrs = groups.read(p, child.name)
        if not is_labelled(parts["metrics"]):
            continue
        parts = {k: v.load() for k, v in parts.items()}     # the group is deleted before writing
        parts["metrics"] = partitioned(parts["metrics"])
        parts = {k: with_cf(_zarr_ready(v)) for k, v in parts.items()}
        keep = {k: v for k, v in attrs.items() if k not in groups.RESERVED}
        groups.write(p, child.name, parts, keep, dict(attrs["provenance"]))
        done.append(child.name)
    root = zarr.open_group(str(p), mode="r")
    if kind == kinds.RUN and "region" in set(root.array_keys()):
        from fastmonet import scenario_dataset
        view = xr.open_zarr(str(p), consolidated=False).load()
        if is_labelled(view):
            attrs = {k: v for k, v in view.attrs.items() if k not in groups.STORE_ATTRS}
            scenario_dataset._write(partitioned(view).assign_attrs(attrs), p, zarr)
    kinds.stamp(p, kind)
    return done


def is_complete(path: str | Path, group: str) -> bool:
    """The group's metadata says it is complete (its arrays are checked by `from_zarr`)."""
    from fastmonet.store import groups
    return groups.state(path, group).complete
