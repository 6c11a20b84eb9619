"""The physical bounds of what a range moves: the very bounds, with their reasons, that `data
check` applies to the data files (`fastmonet.data.schema`), `technology.load` to the technology
TOMLs (`fastmonet.technology_schema`), scenario validation to the rates and `StandParams` to the
stand parameters.  A range whose draws can leave them would solve a physically impossible member
(a straw share of 1.2, a grid decarbonised in 1500), so the ranges loader refuses it.

    bound(target, tech) -> Bound | None          (lo, hi, reason, where), in the target's units
    check_entry(p, tech, where)                  every value a draw of a value entry can take (and
                                                 a multiplier entry's, where the value is known:
                                                 technology, scenario and forest targets)
    check_multipliers(p, inputs, where)          inputs multipliers x the data's own values

Every value a draw can take: [low, high] for uniform and triangular (each region's ends), the
cases of a discrete entry, and for a lognormal its whole support (0, inf): a lognormal cannot
move a field with an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastmonet.errors import InputError
from fastmonet.uncertainty import fields as F

INF = float("inf")

# Variable of the inputs Dataset (formulation §9.2) -> (data table, column header, factor from the
# file's unit to the variable's).  The column's bounds and reason are the ones `data check` applies
# to the file.
INPUT_COLUMNS: dict[str, tuple[str, str, float]] = {
    "land_area": ("subregions", "land_area_ha", 1.0),
    "lrp": ("land_ecozone", "lrp_ha", 1.0), "ovl": ("land_ecozone", "ovl_ha", 1.0),
    "mal": ("land", "mal_ha", 1.0), "lhw": ("land", "lhw_ha", 1.0),
    "straw_removal_share": ("land", "straw_removal_share", 1.0),
    "water_low_risk_share": ("land", "water_low_risk_share", 1.0),
    "storage": ("storage", "storage_medium_mtco2", 1e6),
    "storage_low": ("storage", "storage_low_mtco2", 1e6),
    "storage_medium": ("storage", "storage_medium_mtco2", 1e6),
    "storage_high": ("storage", "storage_high_mtco2", 1e6),
    "grid_intensity_2020": ("energy", "grid_intensity_2020_kgco2_per_mwh", 1.0),
    "electricity_price": ("energy", "electricity_price_usd2018_per_mwh", 1.0),
    "diesel_price": ("energy", "diesel_price_usd2018_per_l", 1.0),
    "gas_price": ("energy", "gas_price_usd2018_per_gj", 1.0),
    "labour_cost": ("energy", "labour_cost_usd2018_per_h", 1.0),
    "ppp_factor": ("energy", "ppp_factor_ratio", 1.0),
    "crop_yield": ("crop_yield", "miscanthus_tdm_per_ha_yr", 1.0),
    "target": ("targets", "target_2100_gtco2", 1e9),
    "target_2100_by_case": ("targets", "target_2100_gtco2", 1e9),
    "target_shape": ("target_shape", "fraction_share", 1.0),
    **{f"transition_{k}": ("energy_transition", "value", 1.0) for k in (
        "grid_start_year", "grid_zero_year", "fuel_start_year", "fuel_biofuel_year",
        "drying_start_year", "drying_wood_year")},
}

_STAND = "the stand kernel's StandParams (fastmonet.stand) accepts"
# Stand parameters: (lo, hi, hi is open, reason).
FOREST_BOUNDS = {
    "thin_share": (0.0, 1.0, True, "a share of the stand thinned (%T of formulation §2.2)"),
    "rfire": (0.0, 1.0, True, "a fire penalty is a share of the carbon kept (formulation §2.5)"),
    "growth_B": (0.0, INF, False, "a stand's maximum biomass is positive"),
    "growth_G": (0.0, INF, False, "a stand's growth rate is positive"),
}


@dataclass(frozen=True)
class Bound:
    lo: float
    hi: float
    reason: str
    where: str                  # whose bound it is, e.g. "data/land.csv, straw_removal_share"
    lo_open: bool = False
    hi_open: bool = False

    def holds(self, v: float) -> bool:
        above = v > self.lo if self.lo_open else v >= self.lo
        below = v < self.hi if self.hi_open else v <= self.hi
        return bool(above and below)

    def describe(self) -> str:
        lo = f"{'(' if self.lo_open else '['}{self.lo:g}"
        hi = f"{self.hi:g}{')' if self.hi_open else ']'}"
        return f"{lo}, {hi} ({self.reason}; the bound of {self.where})"


def bound(target: str, tech, where: str = "") -> Bound | None:
    """The physical bound of a target field, in the target's units (None: unbounded)."""
    kind, name = F.split(target, where)
    if kind == "inputs":
        from fastmonet.data.schema import TABLES
        spec = INPUT_COLUMNS.get(name)
        if spec is None:
            return None
        table, header, factor = spec
        col = TABLES[table].column(header)
        return Bound(col.lo * factor, col.hi * factor, col.reason or "the data schema",
                     f"data/{TABLES[table].file}, column {header} (fastmonet data check)")
    if kind == "technology":
        from fastmonet.technology_schema import BOUNDS
        found = []
        for key in F.tech_keys(name, tech, where):
            obj, attr = F._tech_owner(tech, key)
            b = BOUNDS.get(type(obj).__name__, {}).get(attr)
            if b is None:
                continue
            found.append(Bound(b.lo, b.hi, b.reason, f"data/technology/{key.split('.')[0]}.toml, "
                                                    f"{key} (technology.load)"))
        # A `*` target moves several fields: the narrowest bound holds for all of them.
        return min(found, key=lambda b: b.hi - b.lo) if found else None
    if kind == "scenario":
        from fastmonet.dimensions import PERIOD_YEARS
        if name == "rates.build_factor":
            return Bound(0.0, float(PERIOD_YEARS), "years' worth of the annual rate built per "
                         "period: the full rate every year of a 10-year period at most",
                         "scenario validation (rates.build_factor)", lo_open=True)
        return Bound(0.0, INF, "a rate is not negative", f"scenario validation ({name})")
    lo, hi, hi_open, reason = FOREST_BOUNDS[name]
    return Bound(lo, hi, reason, _STAND, lo_open=name.startswith("growth"), hi_open=hi_open)


def draw_values(p, region=None) -> tuple[float, float, bool]:
    """(smallest, largest, largest is reached) value a draw of a numeric entry can take."""
    if p.is_discrete:
        vals = [float(c) for c in p.cases]
        return min(vals), max(vals), True
    lo, hi = p.bounds(region)
    if p.distribution == "lognormal":
        return 0.0, INF, False          # the support: every positive number
    return float(lo), float(hi), True


def _regions(p):
    from fastmonet.dimensions import REGIONS
    return REGIONS if isinstance(p.low, dict) or isinstance(p.high, dict) else (None,)


def check_entry(p, tech, where: str) -> None:
    """Value entries (and multipliers of values known here) never leave the target's bounds."""
    if p.apply == "case":
        return
    for target in p.targets:
        b = bound(target, tech, where)
        if b is None:
            continue
        kind, name = F.split(target, where)
        if p.apply == "value":
            _check_span(p, target, b, where, [1.0])
        elif kind == "technology":
            _check_span(p, target, b, where, [F.tech_get(tech, k) for k in F.tech_keys(name, tech, where)])
        elif kind == "scenario":
            _check_span(p, target, b, where, [float(F.SCENARIO_FIELDS[name][1])])
        elif kind == "forest" and name.startswith("growth"):
            _check_span(p, target, b, where, [1.0])      # B, G > 0: a multiplier > 0


def _check_span(p, target: str, b: Bound, where: str, bases) -> None:
    """Each base value (1 for value entries) times every value a draw can take is within `b`."""
    bases = [float(x) for x in bases]
    for region in _regions(p):
        lo, hi, reached = draw_values(p, region)
        at = f"{where}{'' if region is None else f' [{region}]'}"
        what = "value" if p.apply == "value" else "multiplier"
        for base in bases:
            for end, v, label in (("low", lo, "low"), ("high", hi, "high")):
                x = v * base if np.isfinite(v) else (INF if base > 0 else 0.0)
                if label == "high" and not reached:
                    if b.hi < INF and base > 0:
                        raise InputError(f"{at}: a lognormal {what} can take any positive value, "
                                         f"but {target} must stay within {b.describe()}; use a "
                                         "triangular or uniform distribution")
                    continue
                if not b.holds(x):
                    gives = f"{label} {v:g}" + ("" if p.apply == "value" else
                                                f" x {base:g} = {x:g}")
                    raise InputError(f"{at}: {gives} is outside the physical bounds of {target}: "
                                     f"{b.describe()}")


def check_multipliers(p, inputs, path_name: str) -> None:
    """An inputs multiplier times the data's own values stays within the field's bounds
    (`data check`'s), for each region's ends and every value a draw can take."""
    if p.apply != "multiplier":
        return
    where = f"{path_name}: parameter {p.name!r}"
    for target in p.targets:
        kind, name = F.split(target, where)
        if kind == "forest" and name == "rfire":
            _check_rfire(p, inputs, target, where)
            continue
        if kind != "inputs" or name not in inputs.variables:
            continue
        b = bound(target, None, where)
        if b is None:
            continue
        var = inputs[name]
        for dim, labels in (p.select or {}).items():
            if dim in var.dims:
                var = var.sel({dim: [x for x in labels if x in var[dim].values]})
        for region in _regions(p):
            vals = var
            if region is not None and "subregion" in var.dims and "subregion_region" in inputs.coords:
                vals = var.isel(subregion=np.flatnonzero(inputs["subregion_region"].values == region))
            if region is not None and "region" in var.dims:
                vals = var.sel(region=[region])
            arr = np.asarray(vals.values, dtype=np.float64)
            arr = arr[np.isfinite(arr)]
            if arr.size == 0:
                continue
            _check_data_span(p, target, b, where, region, float(arr.min()), float(arr.max()))


def _check_data_span(p, target, b: Bound, where, region, vmin: float, vmax: float) -> None:
    lo, hi, reached = draw_values(p, region)
    at = f"{where}{'' if region is None else f' [{region}]'}"
    if not reached and b.hi < INF and vmax > 0:
        raise InputError(f"{at}: a lognormal multiplier can take any positive value, but "
                         f"{target} (up to {vmax:g} in the data) must stay within {b.describe()}; "
                         "use a triangular or uniform distribution")
    for label, m in (("low", lo), ("high", hi)):
        if not np.isfinite(m):
            continue
        for v in (vmin, vmax):
            if not b.holds(m * v):
                raise InputError(f"{at}: {label} {m:g} x the data's {v:g} = {m * v:g} is outside "
                                 f"the physical bounds of {target}: {b.describe()}")


def _check_rfire(p, inputs, target, where) -> None:
    if "fire_mfri" not in inputs.variables or "fire_vdep" not in inputs.variables:
        return
    from fastmonet.stand import fire_penalty
    pen = np.asarray(fire_penalty(np.asarray(inputs["fire_mfri"].values, np.float64),
                                  np.asarray(inputs["fire_vdep"].values, np.float64)), np.float64)
    pen = pen[np.isfinite(pen)]
    if pen.size:
        b = bound(target, None, where)
        assert b is not None, "a forest target always has a bound (FOREST_BOUNDS)"
        _check_data_span(p, target, b, where, None, float(pen.min()), float(pen.max()))
