"""Apply one draw of the ranges to the inputs, technology, scenario and stand parameters.

    applied = apply(inputs, tech, draw)          # draw: {"mal[BRA]": 0.8, "storage_case": "high"}
    coeffs = applied.coefficients()              # fastmonet.coefficients.build with the stand overrides
    scenario = applied.scenario(base_scenario)   # rates / build factor / storage case of the draw

Nothing is mutated: changed variables are new arrays in a shallow copy of `inputs`, a changed
technology is a new frozen `Technology`. A draw entry equal to the central value changes nothing,
so the central draw reproduces the inputs and technology bit for bit. Dimensions missing from the
draw take their central value; unknown keys are an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import xarray as xr

from fastmonet.errors import InputError
from fastmonet.scenarios import Scenario
from fastmonet.technology import Technology
from fastmonet.uncertainty import fields as F
from fastmonet.uncertainty.forest import ForestOverrides
from fastmonet.uncertainty.ranges import Parameter, Ranges
from fastmonet.uncertainty.ranges import load as load_ranges


@dataclass
class Applied:
    """The result of `apply`: new inputs and technology, scenario overrides, stand overrides."""

    inputs: xr.Dataset
    tech: Technology
    scenario_overrides: dict = field(default_factory=dict)   # {"rates.ar": 1.5, "storage": "high"}
    forest_overrides: ForestOverrides = field(default_factory=ForestOverrides)
    _scenario_ops: list = field(default_factory=list, repr=False)

    def scenario(self, base: Scenario) -> Scenario:
        """`base` with the draw's rates (multipliers scale base's value), build factor and
        storage case; its name is recomputed unless `base` had an explicit one."""
        rates = base.rates
        for name, how, value in self._scenario_ops:
            attr = name.removeprefix("rates.")
            new = getattr(rates, attr) * value if how == "multiplier" else value
            rates = replace(rates, **{attr: float(new)})
        storage = self.scenario_overrides.get("storage", base.storage)
        from fastmonet.scenarios import default_name
        explicit = base.name != default_name(base)
        out = replace(base, rates=rates, storage=storage, name=base.name if explicit else "")
        return out

    def coefficients(self, **kwargs) -> xr.Dataset:
        """`fastmonet.coefficients.build` of these inputs and technology with the stand overrides."""
        from fastmonet import coefficients
        adjust = None if self.forest_overrides.is_identity else self.forest_overrides.adjust
        return coefficients.build(self.inputs, self.tech, stand_adjust=adjust, **kwargs)


def apply(inputs: xr.Dataset, tech: Technology, draw: Mapping[str, float | str],
          ranges: Ranges | None = None) -> Applied:
    """Apply `draw` (dimension name -> value, as `Ranges.ppf` / `Ranges.central` give them)."""
    ranges = load_ranges(tech=tech) if ranges is None else ranges
    ranges.check_inputs(inputs)
    names = ranges.dimension_names()
    unknown = sorted(set(draw) - set(names))
    if unknown:
        raise InputError(f"draw: unknown parameter {unknown[0]!r} (not in {ranges.path or 'the ranges'})")
    values: dict[str, dict] = {}
    for n, (p, scope) in zip(names, ranges.dimensions()):
        values.setdefault(p.name, {})[scope] = draw.get(n, p.central)
    out = Applied(inputs.copy(deep=False), tech)
    forest = {}
    for p in ranges.parameters:
        vals = values[p.name]
        if all(_same(v, p.central) for v in vals.values()):
            continue
        for v in vals.values():
            _check_value(p, v)
        kind = F.split(p.targets[0], p.name)[0]
        for target in p.targets:
            name = target.split(":", 1)[1]
            if kind == "inputs":
                out.inputs = _apply_inputs(out.inputs, p, name, vals)
                if name == "storage":
                    out.scenario_overrides["storage"] = vals[None]
            elif kind == "technology":
                for key in F.tech_keys(name, out.tech, p.name):
                    out.tech = _apply_tech(out.tech, key, p.apply, vals[None])
            elif kind == "scenario":
                default = F.SCENARIO_FIELDS[name][1]
                v = float(vals[None])
                out.scenario_overrides[name] = default * v if p.apply == "multiplier" else v
                out._scenario_ops.append((name, p.apply, v))
            else:
                forest[name] = float(vals[None])
    if forest:
        out.forest_overrides = ForestOverrides(**forest)
    return out


def _same(a, b) -> bool:
    return a == b if isinstance(a, str) or isinstance(b, str) else float(a) == float(b)


def _check_value(p: Parameter, v) -> None:
    if p.is_discrete:
        if not any(_same(v, c) for c in p.cases):
            raise InputError(f"draw: parameter {p.name!r}: {v!r} is not one of the cases {list(p.cases)}")
        return
    if isinstance(v, (str, bool)) or not np.isfinite(float(v)):
        raise InputError(f"draw: parameter {p.name!r}: expected a finite number, got {v!r}")
    if p.apply == "multiplier" and float(v) < 0:
        raise InputError(f"draw: parameter {p.name!r}: a multiplier must be >= 0, got {v!r}")


def _apply_inputs(ds: xr.Dataset, p: Parameter, name: str, vals: dict) -> xr.Dataset:
    if name not in ds.variables:
        raise InputError(f"parameter {p.name!r}: inputs have no variable {name!r}")
    da = ds[name]
    unit = da.attrs.get("units")
    if unit is not None and unit != F.INPUT_UNITS[name]:
        raise InputError(f"parameter {p.name!r}: inputs variable {name!r} is in {unit!r}, the "
                         f"ranges expect {F.INPUT_UNITS[name]!r}")
    if p.apply == "case":
        case = str(vals[None])
        src = f"{name}_{case}"
        if src not in ds.variables:
            raise InputError(f"parameter {p.name!r}: inputs have no variable {src!r}")
        new = ds[src].copy()
        new.attrs = {**da.attrs, "case": case}
        out = ds.assign({name: new})
        out.attrs = {**ds.attrs, "storage_case": case}
        return out
    if p.apply == "value":
        if da.ndim:
            raise InputError(f"parameter {p.name!r}: apply 'value' needs a scalar variable; "
                             f"{name!r} has dims {da.dims} (use a multiplier)")
        return ds.assign({name: xr.DataArray(float(vals[None]), attrs=da.attrs)})
    factor = _factor(ds, da, p, vals)
    new = da.copy(data=da.values * factor)
    return ds.assign({name: new})


def _factor(ds: xr.Dataset, da: xr.DataArray, p: Parameter, vals: dict) -> np.ndarray:
    """Per-element multipliers of `da` (1 outside the entry's scope and selection)."""
    factor = np.ones(da.shape)
    dims = da.dims
    for scope, v in vals.items():
        mask = np.ones(da.shape, bool)
        if scope is not None:
            if "subregion" in dims:
                labels = (ds["subregion_region"].values if p.per == "region"
                          else ds["subregion"].values)
                axis = dims.index("subregion")
            elif "region" in dims and p.per == "region":
                labels, axis = ds["region"].values, dims.index("region")
            else:
                raise InputError(f"parameter {p.name!r}: per {p.per!r} but {da.name!r} has dims {dims}")
            mask &= _along(np.asarray(labels).astype(str) == scope, axis, da.ndim)
        for dim, keep in p.select.items():
            if dim not in dims:
                raise InputError(f"parameter {p.name!r}: select {dim!r} is not a dim of {da.name!r}")
            labels = np.asarray(ds[dim].values).astype(str)
            missing = sorted(set(keep) - set(labels))
            if missing:
                raise InputError(f"parameter {p.name!r}: select {dim}: unknown label {missing[0]!r}")
            mask &= _along(np.isin(labels, keep), dims.index(dim), da.ndim)
        factor[mask] = float(v)
    return factor


def _along(vec: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    shape = [1] * ndim
    shape[axis] = vec.size
    return vec.reshape(shape)


def _apply_tech(tech: Technology, key: str, how: str, v) -> Technology:
    file, section, attr = key.split(".", 2)
    fn = (lambda x: x * float(v)) if how == "multiplier" else (lambda x: float(v))

    def bump(obj):
        return replace(obj, **{attr: fn(getattr(obj, attr))})

    if file == "ar_operations":
        base = bump(getattr(tech.ar, section))
        regions = {}
        for region, ops in tech.ar_region.items():
            own = f"ar_operations.region.{region}.{section}.{attr}" in tech.provenance
            part = getattr(ops, section)
            part = bump(part) if own else replace(part, **{attr: getattr(base, attr)})
            regions[region] = replace(ops, **{section: part})
        return replace(tech, ar=replace(tech.ar, **{section: base}), ar_region=regions)
    if file == "biomass" and section in tech.crops:
        return replace(tech, crops={**tech.crops, section: bump(tech.crops[section])})
    if file == "dac":
        return replace(tech, dac={**tech.dac, section: bump(tech.dac[section])})
    name = F._TECH_SECTIONS[(file, section)]
    return replace(tech, **{name: bump(getattr(tech, name))})


__all__ = ["Applied", "apply"]
