"""The sampled inputs of an ensemble store, as the analyses over them take them.

    ds = open_any("ens.zarr")          # a store path or an opened Dataset
    x = inputs(ds)                     # DataFrame (member, sampled column): the drawn values
    cols = columns(ds)                 # per sampled column: its parameters, kind, unit, cases

A store records the columns its sample was drawn over (attribute `sample_dimensions`) and, per
parameter, the column it was drawn from (`sample_columns`): the entries of a group of correlated
entries share one column and move together, so an analysis over the parameters would count one
drawn number several times.  `inputs` therefore has one column per sampled column, holding the
value of the column's first parameter (for a discrete parameter, the index of its case); stores
written before those attributes drew every parameter column on its own.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.errors import InputError


@dataclass(frozen=True)
class Column:
    """One sampled column: the parameters drawn from it and how its values read."""
    name: str                      # "mal[BRA]", or a group's name for its entries
    parameters: tuple[str, ...]    # the parameter columns drawn from it; the first gives values
    kind: str                      # multiplier | value | case (the ranges' `apply`)
    unit: str                      # "1" for a multiplier (of a field in `field_unit`)
    field_unit: str                # the unit of the moved field
    cases: tuple[str, ...] = ()    # the named cases of a discrete parameter (value = index)

    def describe(self, value: float) -> str:
        """A value of the column as the ranges file names it (a case's name for a case)."""
        if self.cases:
            k = int(round(value))
            return self.cases[k] if 0 <= k < len(self.cases) else f"case {value:g}"
        return f"{value:.3g}"


def open_any(data) -> xr.Dataset:
    """An ensemble Dataset from a store path or a Dataset (returned as it is)."""
    if isinstance(data, xr.Dataset):
        return data
    if isinstance(data, (str, Path)):
        from fastmonet.ensemble import store
        return store.open_dataset(Path(data))
    raise InputError(f"ensemble analysis: expected an ensemble store path or Dataset, got {type(data).__name__}")


def sampled_names(ds: xr.Dataset) -> list[str]:
    """The columns the store's sample was drawn over: a group of correlated entries is one
    (attribute `sample_dimensions`); stores without it drew every parameter column."""
    text = ds.attrs.get("sample_dimensions")
    return json.loads(text) if text else [str(p) for p in ds["parameter"].values]


def _column_of_parameter(ds: xr.Dataset) -> list[int]:
    cols = ds.attrs.get("sample_columns")
    params = [str(p) for p in ds["parameter"].values]
    return json.loads(cols) if cols else list(range(len(params)))


def correlated(ds: xr.Dataset) -> dict[str, list[str]]:
    """{sampled column: the parameter columns drawn from it} for the columns shared by two or
    more (the ranges' groups, per scope); empty when every column was drawn on its own."""
    if not ds.attrs.get("sample_columns"):
        return {}
    names, params = sampled_names(ds), [str(p) for p in ds["parameter"].values]
    out: dict[str, list[str]] = {}
    for param, j in zip(params, _column_of_parameter(ds)):
        out.setdefault(names[j], []).append(param)
    return {k: v for k, v in out.items() if len(v) > 1}


def _ranges_entries(ds: xr.Dataset) -> dict[str, dict]:
    """{parameter name: its [[parameter]] table} from the ranges file the store recorded."""
    text = ds.attrs.get("ranges_toml")
    if not text:
        return {}
    try:
        return {str(t.get("name")): t for t in tomllib.loads(text).get("parameter", [])}
    except tomllib.TOMLDecodeError:
        return {}


def columns(ds: xr.Dataset) -> list[Column]:
    """Every sampled column, in the order of `sampled_names`."""
    names = sampled_names(ds)
    params = [str(p) for p in ds["parameter"].values]
    units = ([str(u) for u in ds["parameter_unit"].values] if "parameter_unit" in ds.coords
             else [""] * len(params))
    drawn: dict[int, list[int]] = {}
    for i, j in enumerate(_column_of_parameter(ds)):
        drawn.setdefault(j, []).append(i)
    entries = _ranges_entries(ds)
    out = []
    for j, name in enumerate(names):
        first = drawn.get(j, [j])[0]
        entry = entries.get(params[first].split("[")[0], {})
        kind = str(entry.get("apply", "case" if units[first] == "case index" else "value"))
        cases = tuple(str(c) for c in entry.get("cases", ())) if kind == "case" else ()
        field_unit = str(entry.get("unit", units[first]))
        unit = {"multiplier": "1", "case": "case"}.get(kind, field_unit)
        out.append(Column(name, tuple(params[i] for i in drawn.get(j, [j])), kind, unit,
                          field_unit, cases))
    return out


def inputs(ds: xr.Dataset, space: str = "value") -> pd.DataFrame:
    """(member, sampled column), float64, indexed by member: each column's first parameter's
    drawn value (for a discrete parameter the index of its case), or with ``space="unit"`` the
    unit-hypercube number it was drawn from (continuous also for a discrete parameter; the
    values where the store has none: a run from explicit draws)."""
    if space not in ("value", "unit"):
        raise InputError(f"space: 'value' or 'unit', got {space!r}")
    cols = columns(ds)
    params = [str(p) for p in ds["parameter"].values]
    sample = np.asarray(ds["sample"].values, np.float64)
    if space == "unit" and "sample_unit" in ds:
        unit = np.asarray(ds["sample_unit"].values, np.float64)
        if np.all(np.isfinite(unit)):
            sample = unit
    data = {c.name: sample[:, params.index(c.parameters[0])] for c in cols}
    return pd.DataFrame(data, index=pd.Index(np.asarray(ds["member"].values), name="member"))
