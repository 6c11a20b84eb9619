"""Apply one draw of the ranges to the inputs, technology, scenario and stand parameters.

    applied = apply(inputs, tech, draw)          # draw: {"mal[BRA]": 0.8, "storage_case": "high"}
    coeffs = applied.coefficients()              # fastmonet.coefficients.build with the stand overrides
    scenario = applied.scenario(base_scenario)   # rates / build factor / storage case of the draw

Nothing is mutated: changed variables are new arrays in a shallow copy of `inputs` (whose
unchanged Variables are the inputs' own objects: treat them as read-only), a changed
technology is a new frozen `Technology`. A draw entry equal to the central value changes nothing,
so the central draw reproduces the inputs and technology bit for bit. Dimensions missing from the
draw take their central value; unknown keys are an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

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
    names, known, dims, kinds = _layout(ranges)
    unknown = sorted(set(draw) - known)
    if unknown:
        raise InputError(f"draw: unknown parameter {unknown[0]!r} (not in {ranges.path or 'the ranges'})")
    values: dict[str, dict] = {}
    for n, (p, scope) in zip(names, dims):
        values.setdefault(p.name, {})[scope] = draw.get(n, p.central)
    out = Applied(inputs, tech)
    edits = _Edits(inputs)
    tech_edits = _TechEdits(tech)
    forest = {}
    for p in ranges.parameters:
        vals = values[p.name]
        if all(_same(v, p.central) for v in vals.values()):
            continue
        for v in vals.values():
            _check_value(p, v)
        kind = kinds.get(p.name) or kinds.setdefault(p.name, F.split(p.targets[0], p.name)[0])
        for target in p.targets:
            name = target.split(":", 1)[1]
            if kind == "inputs":
                _apply_inputs(edits, p, name, vals)
                if name == "storage":
                    out.scenario_overrides["storage"] = vals[None]
            elif kind == "technology":
                for key in _tech_keys(name, tech, p.name):
                    tech_edits.apply(key, p.apply, vals[None])
            elif kind == "scenario":
                default = F.SCENARIO_FIELDS[name][1]
                v = float(vals[None])
                out.scenario_overrides[name] = default * v if p.apply == "multiplier" else v
                out._scenario_ops.append((name, p.apply, v))
            else:
                forest[name] = float(vals[None])
    if forest:
        out.forest_overrides = ForestOverrides(**forest)
    out.inputs = edits.dataset()
    out.tech = tech_edits.technology()
    return out


_LAYOUTS: dict[int, tuple] = {}


def _layout(ranges: Ranges) -> tuple[list[str], set[str], list[tuple], dict[str, str]]:
    """The ranges' sampled columns, their (parameter, scope) and the parameters' target kinds,
    remembered per ranges object while its parameters and subregion scopes are the same ones
    (the entry holds them, so their ids are not reused while it lives)."""
    state = (tuple(ranges.parameters), {r: tuple(v) for r, v in ranges.subregions.items()})
    hit = _LAYOUTS.get(id(ranges))
    if hit is None or hit[0] is not ranges or not _same_state(hit[1], state):
        if len(_LAYOUTS) >= 64:
            _LAYOUTS.clear()
        names = ranges.dimension_names()
        kinds: dict[str, str] = {}        # filled as apply meets each parameter (split checks it)
        hit = _LAYOUTS[id(ranges)] = (ranges, state, (names, set(names), ranges.dimensions(), kinds))
    return hit[2]


def _same_state(a: tuple, b: tuple) -> bool:
    return (len(a[0]) == len(b[0]) and all(x is y for x, y in zip(a[0], b[0])) and a[1] == b[1])


_KEYS: dict[tuple[int, str], tuple[dict, list[str]]] = {}


def _tech_keys(name: str, tech: Technology, where: str) -> list[str]:
    """`fields.tech_keys`, remembered per provenance table: the keys depend on nothing else,
    and every `Technology` derived by `replace` shares its source's table (the entry holds the
    table, so its id is not reused while the entry lives)."""
    prov = tech.provenance
    hit = _KEYS.get((id(prov), name))
    if hit is None or hit[0] is not prov:
        hit = _KEYS[(id(prov), name)] = (prov, F.tech_keys(name, tech, where))
    return hit[1]


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


class _Edits:
    """The draw's changes to the inputs, as new `xr.Variable`s, turned into a Dataset once.

    A parameter reads the variable as the earlier parameters left it (`variable`), so several
    entries on one variable compose in the ranges' order, exactly as a chain of
    `Dataset.assign` calls would; building the Dataset once per draw instead of once per entry
    is what makes `apply` cheap (xarray's merge and alignment dominated it).
    """

    def __init__(self, ds: xr.Dataset):
        self.ds = ds
        self.vars: dict[str, xr.Variable] = {}
        self.attrs: dict | None = None
        self._labels: dict[str, np.ndarray] = {}

    def variable(self, name: str) -> xr.Variable:
        return self.vars[name] if name in self.vars else self.ds.variables[name]

    def labels(self, name: str) -> np.ndarray:
        """Coordinate (or label variable) `name` as str (never edited by a draw)."""
        if name not in self._labels:
            self._labels[name] = np.asarray(self.ds.variables[name].values).astype(str)
        return self._labels[name]

    def dataset(self) -> xr.Dataset:
        """A shallow copy of the inputs with the edits (the inputs themselves are not changed)."""
        ds, edits = self.ds, self.vars
        same = all(n in ds.data_vars and v.dims == ds.variables[n].dims and v.shape == ds.variables[n].shape
                   for n, v in edits.items())
        if same:
            # The inputs' own Variables for what the draw leaves alone (a shallow copy shares
            # their data anyway) and the new ones for the edits, in one direct construction:
            # copying ~40 Variables was a third of `apply` (dims and shapes are unchanged, so
            # the dims, indexes and coordinates are the inputs').
            variables = dict(ds.variables)
            for n, v in edits.items():
                v.encoding = dict(ds.variables[n].encoding)
                variables[n] = v
            out = xr.Dataset._construct_direct(variables, set(ds.coords), dict(ds.sizes), dict(ds.attrs),
                                               dict(ds.xindexes), dict(ds.encoding))
        else:
            out = ds.assign(edits) if edits else ds.copy(deep=False)
        if self.attrs is not None:
            out.attrs = self.attrs
        return out


def _apply_inputs(edits: _Edits, p: Parameter, name: str, vals: dict) -> None:
    if name not in edits.ds.variables:
        raise InputError(f"parameter {p.name!r}: inputs have no variable {name!r}")
    var = edits.variable(name)
    unit = var.attrs.get("units")
    if unit is not None and unit != F.INPUT_UNITS[name]:
        raise InputError(f"parameter {p.name!r}: inputs variable {name!r} is in {unit!r}, the "
                         f"ranges expect {F.INPUT_UNITS[name]!r}")
    if p.apply == "case":
        case = str(vals[None])
        src = f"{name}_{case}"
        if src not in edits.ds.variables:
            raise InputError(f"parameter {p.name!r}: inputs have no variable {src!r}")
        source = edits.variable(src)
        edits.vars[name] = xr.Variable(source.dims, np.array(source.values, copy=True),
                                       {**var.attrs, "case": case})
        edits.attrs = {**(edits.attrs or edits.ds.attrs), "storage_case": case}
        return
    if p.apply == "value":
        if var.ndim:
            raise InputError(f"parameter {p.name!r}: apply 'value' needs a scalar variable; "
                             f"{name!r} has dims {var.dims} (use a multiplier)")
        edits.vars[name] = xr.Variable((), np.asarray(float(vals[None])), dict(var.attrs))
        return
    factor = _factor(edits, var, name, p, vals)
    edits.vars[name] = xr.Variable(var.dims, var.values * factor, dict(var.attrs))


_MASKS: dict[tuple, tuple] = {}


def _factor(edits: _Edits, var: xr.Variable, name: str, p: Parameter, vals: dict) -> np.ndarray:
    """Per-element multipliers of `var` (1 outside the entry's scope and selection)."""
    # The masks depend on the entry, the variable's dims and the inputs' labels, not on the
    # draw: built once per (inputs, entry, variable) and remembered (the entry holds the inputs
    # and the ranges entry, so their ids are not reused while it lives).
    key = (id(edits.ds), id(p), name, var.dims, var.shape, tuple(vals))
    hit = _MASKS.get(key)
    if hit is None or hit[0] is not edits.ds or hit[1] is not p:
        if len(_MASKS) >= 4096:
            _MASKS.clear()
        hit = _MASKS[key] = (edits.ds, p, _masks(edits, var, name, p, vals))
    factor = np.ones(var.shape)
    for mask, v in zip(hit[2], vals.values()):
        factor[mask] = float(v)
    return factor


def _masks(edits: _Edits, var: xr.Variable, name: str, p: Parameter, vals: dict) -> list[np.ndarray]:
    """Each scope's elements of `var` in the entry's selection."""
    dims = var.dims
    if any(scope is not None for scope in vals):
        if "subregion" in dims:
            labels = edits.labels("subregion_region" if p.per == "region" else "subregion")
            axis = dims.index("subregion")
        elif "region" in dims and p.per == "region":
            labels, axis = edits.labels("region"), dims.index("region")
        else:
            raise InputError(f"parameter {p.name!r}: per {p.per!r} but {name!r} has dims {dims}")
    selected = np.ones(var.shape, bool)          # the entry's selection, the same for every scope
    for dim, keep in p.select.items():
        if dim not in dims:
            raise InputError(f"parameter {p.name!r}: select {dim!r} is not a dim of {name!r}")
        sel_labels = edits.labels(dim)
        missing = sorted(set(keep) - set(sel_labels))
        if missing:
            raise InputError(f"parameter {p.name!r}: select {dim}: unknown label {missing[0]!r}")
        selected &= _along(np.isin(sel_labels, keep), dims.index(dim), var.ndim)
    return [selected if scope is None else selected & _along(labels == scope, axis, var.ndim)
            for scope in vals]


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


class _TechEdits:
    """The draw's changes to the technology, collected as (object, attribute) -> value and
    turned into new frozen objects once: the same values as a chain of `_apply_tech` calls
    (each edit reads what the earlier ones left, in the ranges' order), without rebuilding every
    regional AR operations object once per edited field (dataclasses.replace dominated `apply`).
    """

    def __init__(self, tech: Technology):
        self.tech = tech
        self.changes: dict[tuple, dict[str, object]] = {}   # path -> {attr: new value}

    def _get(self, path: tuple, attr: str):
        pending = self.changes.get(path, {})
        return pending[attr] if attr in pending else getattr(self._object(path), attr)

    def _set(self, path: tuple, attr: str, value) -> None:
        self.changes.setdefault(path, {})[attr] = value

    def _object(self, path: tuple):
        kind, *rest = path
        if kind == "ar":
            return getattr(self.tech.ar, rest[0])
        if kind == "ar_region":
            return getattr(self.tech.ar_region[rest[0]], rest[1])
        if kind == "crops":
            return self.tech.crops[rest[0]]
        if kind == "dac":
            return self.tech.dac[rest[0]]
        return getattr(self.tech, rest[0])

    def apply(self, key: str, how: str, v) -> None:
        file, section, attr = key.split(".", 2)
        fn = (lambda x: x * float(v)) if how == "multiplier" else (lambda x: float(v))
        tech = self.tech
        if file == "ar_operations":
            new = fn(self._get(("ar", section), attr))
            self._set(("ar", section), attr, new)
            for region in tech.ar_region:
                path: tuple[str, ...] = ("ar_region", region, section)
                own = f"ar_operations.region.{region}.{section}.{attr}" in tech.provenance
                self._set(path, attr, fn(self._get(path, attr)) if own else new)
        elif file == "biomass" and section in tech.crops:
            self._set(("crops", section), attr, fn(self._get(("crops", section), attr)))
        elif file == "dac":
            self._set(("dac", section), attr, fn(self._get(("dac", section), attr)))
        else:
            path = ("named", F._TECH_SECTIONS[(file, section)])
            self._set(path, attr, fn(self._get(path, attr)))

    def technology(self) -> Technology:
        if not self.changes:
            return self.tech
        tech = self.tech
        top: dict[str, Any] = {}          # Technology field -> its replacement (of any type)
        new = {path: replace(self._object(path), **attrs) for path, attrs in self.changes.items()}
        ar = {p[1]: obj for p, obj in new.items() if p[0] == "ar"}
        if ar:
            top["ar"] = replace(tech.ar, **ar)
        regional: dict[str, dict[str, Any]] = {}   # region -> {section: its operations}
        for (kind, *rest), obj in new.items():
            if kind == "ar_region":
                regional.setdefault(rest[0], {})[rest[1]] = obj
        if regional:
            top["ar_region"] = {r: replace(ops, **regional[r]) if r in regional else ops
                                for r, ops in tech.ar_region.items()}
        for kind in ("crops", "dac"):
            part = {p[1]: obj for p, obj in new.items() if p[0] == kind}
            if part:
                top[kind] = {**getattr(tech, kind), **part}
        top.update({p[1]: obj for p, obj in new.items() if p[0] == "named"})
        return replace(tech, **top)


__all__ = ["Applied", "apply"]
