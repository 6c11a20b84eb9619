"""The ranges file (`data/uncertainty.toml`): every uncertain input with its low, central and high
value, distribution, how it applies, and the source or reasoning of each end.

    [[parameter]]
    name = "mal"                 # unique snake_case id
    target = "inputs:mal"        # or a list of targets moved together (see fields.py)
    unit = "ha"                  # the target field's unit (a list when targets differ)
    apply = "multiplier"         # multiplier | value | case
    per = "none"                 # none | region | subregion: independent draws per region/subregion
    distribution = "triangular"  # uniform | triangular | lognormal | discrete
    low = 0.6
    central = 1.0                # the bundled value (1 for multipliers; omit for technology values)
    high = 1.4
    cases = [...]                # discrete: the values or case names; weights = [...] their weights
    source_low = "..."           # citation or reasoning for each end
    source_high = "..."
    status_low = "sourced"       # sourced | derived | assumed (each end)
    status_high = "assumed"
    select = { biomass = ["miscanthus"] }   # optional, inputs targets: restrict to these labels
    group = "dac_cost"           # optional: entries of one group share one draw (see below)

With per = "region", `low` and `high` may be tables giving each region its own end
(`low = { BRA = 0.8, CHN = 0.8, EU = 0.7, IND = 0.9, USA = 0.8 }`).
Lognormal: `low` and `high` are the 5th and 95th percentiles. Discrete: `cases` with `weights`
(`central` is the bundled case). `fastmonet.uncertainty.load()` validates all of it and names the
entry at fault.

Correlated entries: entries with the same `group` are drawn from one sampled dimension (one per
region for per = "region" entries): every entry maps the same unit-interval quantile through its
own distribution, so they move together (rank correlation 1; the high end of one comes with the
high end of the others). A group needs two or more entries with the same `per`, and its name must
not be a parameter's name; `Ranges.sample_dimension_names()` are the sampled columns.
"""

from __future__ import annotations

import math
import re
import tomllib
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fastmonet import bundled, technology
from fastmonet.dimensions import REGIONS
from fastmonet.errors import InputError
from fastmonet.uncertainty import fields as F
from fastmonet.uncertainty.bounds import check_entry, check_multipliers

DEFAULT_PATH = bundled.DATA_DIR / "uncertainty.toml"
APPLY = ("multiplier", "value", "case")
PER = ("none", "region", "subregion")
DISTRIBUTIONS = ("uniform", "triangular", "lognormal", "discrete")
STATUSES = ("sourced", "derived", "assumed")
Z95 = 1.6448536269514722  # standard normal 95th percentile

_KEYS = {"name", "target", "unit", "apply", "per", "distribution", "low", "central", "high",
         "cases", "weights", "source_low", "source_high", "status_low", "status_high", "select",
         "note", "group"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    """One uncertain input (or group of inputs moved together)."""

    name: str
    targets: tuple[str, ...]
    units: tuple[str, ...]
    apply: str
    per: str
    distribution: str
    low: float | dict | None        # a dict {region: end} for per-region ends
    central: float | str
    high: float | dict | None
    cases: tuple = ()
    weights: tuple[float, ...] = ()
    source_low: str = ""
    source_high: str = ""
    status_low: str = ""
    status_high: str = ""
    select: dict = field(default_factory=dict)
    note: str = ""
    group: str = ""                 # entries of one group share their sampled dimension

    @property
    def key(self) -> str:
        """The sampled column this entry draws from: its group, or its own name."""
        return self.group or self.name

    @property
    def target(self) -> str:
        return self.targets[0] if len(self.targets) == 1 else ", ".join(self.targets)

    @property
    def unit(self) -> str:
        return self.units[0] if len(set(self.units)) == 1 else ", ".join(self.units)

    @property
    def is_discrete(self) -> bool:
        return self.distribution == "discrete"

    def bounds(self, scope: str | None = None) -> tuple[float, float]:
        """(low, high) of one region (per-region ends) or of the entry."""
        pick = lambda v: v[scope] if isinstance(v, dict) else v  # noqa: E731
        return pick(self.low), pick(self.high)

    def ppf(self, u: np.ndarray, scope: str | None = None) -> np.ndarray:
        """Values at unit-interval quantiles `u` (object array of cases for discrete entries);
        `scope` picks a region's own ends where the entry has them."""
        u = np.asarray(u, dtype=np.float64)
        if self.is_discrete:
            cum = np.cumsum(self.weights) / np.sum(self.weights)
            idx = np.minimum(np.searchsorted(cum, u, side="right"), len(self.cases) - 1)
            return np.array(self.cases, dtype=object)[idx]
        lo, hi = self.bounds(scope)
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        if self.distribution == "triangular":
            assert not isinstance(self.central, str), "a case (str) is the central of a discrete entry only"
            return stats.triang.ppf(u, (self.central - lo) / (hi - lo), loc=lo, scale=hi - lo)
        mu = 0.5 * (math.log(lo) + math.log(hi))
        sigma = (math.log(hi) - math.log(lo)) / (2.0 * Z95)
        return stats.lognorm.ppf(u, sigma, scale=math.exp(mu))

    def end(self, which: str, scope: str | None = None):
        """The low or high end (for discrete: the first or last case; per-region ends: the
        region's, or the dict when no scope is given)."""
        if self.is_discrete:
            return self.cases[0] if which == "low" else self.cases[-1]
        v = self.low if which == "low" else self.high
        return v[scope] if isinstance(v, dict) and scope is not None else v


@dataclass
class Ranges:
    """The validated ranges file: parameters, and the columns an ensemble samples."""

    parameters: list[Parameter]
    subregions: dict[str, tuple[str, ...]]   # region -> its subregion codes (for per="subregion")
    path: Path | None = None

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def scopes(self, p: Parameter) -> list[str | None]:
        """The region / subregion labels a parameter is drawn for (None: one draw)."""
        if p.per == "region":
            return list(REGIONS)
        if p.per == "subregion":
            return [s for r in REGIONS for s in self.subregions.get(r, ())]
        return [None]

    def dimensions(self) -> list[tuple[Parameter, str | None]]:
        return [(p, s) for p in self.parameters for s in self.scopes(p)]

    def dimension_names(self) -> list[str]:
        """Sampled columns: "mal" or, per region / subregion, "mal[BRA]" / "mal[BR-AC]"."""
        return [p.name if s is None else f"{p.name}[{s}]" for p, s in self.dimensions()]

    def sample_dimensions(self) -> list[tuple[str, str | None]]:
        """The sampled columns (group or parameter, scope): grouped entries share one."""
        out: list[tuple[str, str | None]] = []
        for p, s in self.dimensions():
            if (p.key, s) not in out:
                out.append((p.key, s))
        return out

    def sample_dimension_names(self) -> list[str]:
        """Sampled columns: "mal[BRA]", or a group's "dac_cost" for all its entries."""
        return [k if s is None else f"{k}[{s}]" for k, s in self.sample_dimensions()]

    def sample_columns(self) -> list[int]:
        """For each parameter dimension, the index of the sampled column it draws from."""
        index = {d: j for j, d in enumerate(self.sample_dimensions())}
        return [index[(p.key, s)] for p, s in self.dimensions()]

    def expand(self, u) -> np.ndarray:
        """Unit samples over the sampled columns (n, sampled) -> over the dimensions (n, d):
        every entry of a group gets its group's column."""
        u = np.atleast_2d(np.asarray(u, dtype=np.float64))
        cols = self.sample_columns()
        if u.shape[1] != len(self.sample_dimensions()):
            raise InputError(f"ranges.expand: samples have {u.shape[1]} columns, the ranges "
                             f"{len(self.sample_dimensions())} sampled columns")
        return np.ascontiguousarray(u[:, cols])

    def groups(self) -> dict[str, list[str]]:
        """{group: its parameters' names}."""
        out: dict[str, list[str]] = {}
        for p in self.parameters:
            if p.group:
                out.setdefault(p.group, []).append(p.name)
        return out

    def central(self) -> dict[str, float | str]:
        """The draw that reproduces the bundled inputs."""
        return {n: p.central for n, (p, _) in zip(self.dimension_names(), self.dimensions())}

    def ppf(self, u) -> pd.DataFrame:
        """Map unit-hypercube samples (n, d) to parameter values, one column per dimension."""
        u = np.atleast_2d(np.asarray(u, dtype=np.float64))
        dims = self.dimensions()
        if u.shape[1] != len(dims):
            raise InputError(f"ranges.ppf: samples have {u.shape[1]} columns, the ranges "
                             f"{len(dims)} dimensions")
        if not np.all((u >= 0.0) & (u <= 1.0)):
            raise InputError("ranges.ppf: samples must lie in [0, 1]")
        cols = {n: p.ppf(u[:, j], s) for j, (n, (p, s)) in
                enumerate(zip(self.dimension_names(), dims))}
        return pd.DataFrame(cols)

    def draws(self, u) -> list[dict[str, float | str]]:
        """`ppf` as one dict per sample (what `apply` takes)."""
        return [{k: (v if isinstance(v, str) else float(v)) for k, v in row.items()}
                for row in self.ppf(u).to_dict("records")]

    def to_salib_problem(self, groups: bool = False) -> dict:
        """A SALib problem over the unit hypercube: sample it with SALib, then map the samples
        with `ppf` (discrete and per-region entries have no SALib distribution of their own).
        `groups=True` groups the per-region columns of one parameter."""
        names = self.dimension_names()
        problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names),
                   "dists": ["unif"] * len(names)}
        if groups:
            problem["groups"] = [p.name for p, _ in self.dimensions()]
        return problem

    def check_inputs(self, inputs) -> None:
        """The central value of every inputs 'value' / 'case' entry is the Dataset's own, and
        every multiplier keeps the Dataset's values within their physical bounds (the ones
        `data check` applies; `fastmonet.uncertainty.bounds`).  Checked once per Dataset."""
        checked = getattr(self, "_checked", None)
        if checked is not None and checked() is inputs:
            return
        name = self.path.name if self.path else "ranges"
        for p in self.parameters:
            check_multipliers(p, inputs, name)
        self._check_central_inputs(inputs)
        self._checked = weakref.ref(inputs)      # not pickled with the ranges: see __getstate__

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_checked"}

    def _check_central_inputs(self, inputs) -> None:
        for p in self.parameters:
            for target in p.targets:
                kind, name = F.split(target, p.name)
                if kind != "inputs" or p.apply == "multiplier" or name not in inputs.variables:
                    continue
                var = inputs.variables[name]    # a Variable: no DataArray built per member
                have = var.attrs.get("case") if p.apply == "case" else float(var.values)
                if have is not None and not _equal(have, p.central):
                    where = f"{self.path.name if self.path else 'ranges'}: parameter {p.name!r}"
                    raise InputError(f"{where}: central {p.central!r} must be the bundled value "
                                     f"{have!r} of {target}")

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter (what `fastmonet data ranges` prints)."""
        rows = []
        for p in self.parameters:
            rows.append({
                "name": p.name, "target": p.target, "unit": p.unit, "apply": p.apply,
                "per": p.per, "distribution": p.distribution,
                "low": _show(p.end("low")), "central": p.central, "high": _show(p.end("high")),
                "status_low": p.status_low, "status_high": p.status_high,
                "source_low": p.source_low, "source_high": p.source_high,
                "group": p.group,
            })
        return pd.DataFrame(rows)


def _show(v):
    """Per-region ends as 'BRA 0.8, CHN 0.7, ...' for tables."""
    return ", ".join(f"{k} {x:g}" for k, x in v.items()) if isinstance(v, dict) else v


def _equal(a, b) -> bool:
    return a == b if isinstance(a, str) or isinstance(b, str) else float(a) == float(b)


def load(path: str | Path | None = None, *, tech: technology.Technology | None = None,
         data_path: str | Path | None = None) -> Ranges:
    """Read and validate a ranges file: the uncertain inputs an ensemble draws from.

    Every value a draw can take is checked against the target's physical bounds
    (`fastmonet.uncertainty.bounds`); multipliers of inputs against the data in `check_inputs`.

    Parameters
    ----------
    path : str or Path, optional
        The ranges TOML (default: `default_path(data_path)`, the bundled ``uncertainty.toml``).
    tech : Technology, optional
        Gives the units and bundled values of technology targets (default: the bundled one).
    data_path : str or Path, optional
        The data folder whose subregions per-subregion entries name (default: the bundled one).

    Returns
    -------
    Ranges
        The entries (`Parameter`: targets, distribution, low / central / high ends, sources),
        in file order.

    Raises
    ------
    InputError
        A missing or malformed file, an unknown target or unit, or an end beyond the bounds,
        naming the file and the entry.

    Examples
    --------
    >>> from fastmonet import uncertainty
    >>> ranges = uncertainty.load()
    >>> p = ranges.parameters[0]
    >>> p.name, p.targets, p.apply, p.distribution
    ('mal', ('inputs:mal',), 'multiplier', 'triangular')
    >>> p.central, p.low["CHN"] < 1.0 < p.high["CHN"]
    (1.0, True)
    >>> ranges.central()["mal[CHN]"]
    1.0
    """
    path = Path(path) if path is not None else default_path(data_path)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: ranges file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"parameter"})
    if unknown:
        raise InputError(f"{path}: unknown top-level key {unknown[0]!r} (expected [[parameter]])")
    tables = doc.get("parameter")
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{path}: no [[parameter]] entries")
    tech = technology.load() if tech is None else tech
    params, seen = [], set()
    for i, t in enumerate(tables):
        name = t.get("name") if isinstance(t, dict) else None
        where = f"{path.name}: parameter {name!r}" if isinstance(name, str) else \
            f"{path.name}: parameter[{i}]"
        p = _parameter(t, tech, where)
        check_entry(p, tech, where)
        if p.name in seen:
            raise InputError(f"{where}: duplicate name")
        seen.add(p.name)
        params.append(p)
    _check_groups(params, path.name)
    return Ranges(params, _subregions(data_path), path)


def default_path(data_path=None) -> Path:
    """The ranges a data folder brings: `<data_path>/uncertainty.toml` when it has one, else the
    bundled file (the rule `technology.resolve_dir` applies to `<data_path>/technology`)."""
    if data_path is not None and isinstance(data_path, (str, Path)):
        own = Path(data_path) / "uncertainty.toml"
        if own.is_file():
            return own
    return DEFAULT_PATH


def _check_groups(params: list[Parameter], where: str) -> None:
    """A group shares one draw per scope: two or more entries, one `per`, no name clash."""
    names = {p.name for p in params}
    members: dict[str, list[Parameter]] = {}
    for p in params:
        if p.group:
            members.setdefault(p.group, []).append(p)
    for g, ps in members.items():
        at = f"{where}: group {g!r}"
        if not _NAME.match(g):
            raise InputError(f"{at}: a group name must be snake_case (a-z, 0-9, _)")
        if g in names:
            raise InputError(f"{at}: is also a parameter's name; name the group apart")
        if len(ps) < 2:
            raise InputError(f"{at}: only parameter {ps[0].name!r} declares it; a group moves two "
                             f"or more entries together")
        pers = {p.per for p in ps}
        if len(pers) > 1:
            detail = ", ".join(f"{p.name!r} per {p.per!r}" for p in ps)
            raise InputError(f"{at}: its entries must share one draw per scope, so the same per "
                             f"({detail})")


def _subregions(data_path) -> dict[str, tuple[str, ...]]:
    from fastmonet.data.loader import resolve
    f = resolve(data_path) / "subregions.csv"
    if not f.is_file():
        raise InputError(f"{f}: not found (needed for per-subregion ranges)")
    table = pd.read_csv(f, usecols=["subregion", "region"])
    return {r: tuple(table.loc[table["region"] == r, "subregion"]) for r in REGIONS}


def _text(t: dict, key: str, where: str, choices=None, default=None) -> str:
    v = t.get(key, default)
    if v is None:
        raise InputError(f"{where}: missing key {key!r}")
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"{where}: {key} must be a non-empty string, got {v!r}")
    if choices is not None and v not in choices:
        raise InputError(f"{where}: {key} {v!r} must be one of {', '.join(choices)}")
    return v


def _number(t: dict, key: str, where: str, default=None) -> float:
    v = t.get(key, default)
    if v is None:
        raise InputError(f"{where}: missing key {key!r}")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise InputError(f"{where}: {key} must be a finite number, got {v!r}")
    return float(v)


def _listed(v, where: str, key: str) -> tuple[str, ...]:
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not items or not all(isinstance(x, str) for x in items):
        raise InputError(f"{where}: {key} must be a string or a list of strings, got {v!r}")
    return tuple(items)


def _parameter(t, tech: technology.Technology, where: str) -> Parameter:
    if not isinstance(t, dict):
        raise InputError(f"{where}: expected a table")
    unknown = sorted(set(t) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}")
    name = _text(t, "name", where)
    if not _NAME.match(name):
        raise InputError(f"{where}: name must be snake_case (a-z, 0-9, _)")
    if "target" not in t:
        raise InputError(f"{where}: missing key 'target'")
    targets = _listed(t["target"], where, "target")
    if "unit" not in t:
        raise InputError(f"{where}: missing key 'unit'")
    units = _listed(t["unit"], where, "unit")
    if len(units) == 1:
        units = units * len(targets)
    if len(units) != len(targets):
        raise InputError(f"{where}: {len(units)} units for {len(targets)} targets")
    kinds = set()
    for target, unit in zip(targets, units):
        kinds.add(F.split(target, where)[0])
        want = F.target_unit(target, tech, where)
        if unit != want:
            raise InputError(f"{where}: unit {unit!r} does not match the unit {want!r} of {target}")
    if len(kinds) > 1:
        raise InputError(f"{where}: targets of one entry must be of one kind, got {sorted(kinds)}")
    kind = kinds.pop()
    apply = _text(t, "apply", where, APPLY)
    per = _text(t, "per", where, PER, default="none")
    dist = _text(t, "distribution", where, DISTRIBUTIONS)
    statuses = {k: _text(t, k, where, STATUSES) for k in ("status_low", "status_high")}
    sources = {k: _text(t, k, where) for k in ("source_low", "source_high")}
    select = t.get("select", {})
    _check_scope(kind, targets, apply, per, select, where)
    group = t.get("group", "")
    if not isinstance(group, str):
        raise InputError(f"{where}: group must be a string, got {group!r}")
    common: dict[str, Any] = dict(name=name, targets=targets, units=units, apply=apply, per=per,
                                  distribution=dist, select=dict(select), note=str(t.get("note", "")),
                                  group=group.strip(), **sources, **statuses)
    bundled_value = _bundled(kind, targets, apply, tech)
    if dist == "discrete":
        return _discrete(t, common, bundled_value, where)
    if apply == "case":
        raise InputError(f"{where}: apply 'case' needs distribution 'discrete'")
    for key in ("cases", "weights"):
        if key in t:
            raise InputError(f"{where}: {key} only with distribution 'discrete'")
    default = 1.0 if apply == "multiplier" else bundled_value
    central = _number(t, "central", where, default)
    _check_central(central, apply, bundled_value, where)
    low, high = _end(t, "low", per, where), _end(t, "high", per, where)
    for region in (REGIONS if isinstance(low, dict) or isinstance(high, dict) else (None,)):
        lo = low[region] if isinstance(low, dict) else low
        hi = high[region] if isinstance(high, dict) else high
        at = f"{where}{'' if region is None else f' [{region}]'}"
        if not lo < hi:
            raise InputError(f"{at}: bounds not ordered: low {lo:g} must be < high {hi:g}")
        if not lo <= central <= hi:
            raise InputError(f"{at}: central {central:g} outside [low {lo:g}, high {hi:g}]")
        if apply == "multiplier" and lo < 0:
            raise InputError(f"{at}: a multiplier must be >= 0, low is {lo:g}")
        if dist == "lognormal" and lo <= 0:
            raise InputError(f"{at}: lognormal needs low > 0, got {lo:g}")
    return Parameter(low=low, central=central, high=high, **common)


def _end(t: dict, key: str, per: str, where: str):
    """A number, or with per = "region" a table with a number for every region."""
    v = t.get(key)
    if not isinstance(v, dict):
        return _number(t, key, where)
    if per != "region":
        raise InputError(f"{where}: {key} as a table of regions needs per = \"region\"")
    missing = [r for r in REGIONS if r not in v]
    unknown = sorted(set(v) - set(REGIONS))
    if missing or unknown:
        raise InputError(f"{where}: {key} must give every region {REGIONS}; "
                         f"{'missing ' + missing[0] if missing else 'unknown ' + unknown[0]}")
    return {r: _number(v, r, f"{where}: {key}") for r in REGIONS}


def _discrete(t: dict, common: dict, bundled_value, where: str) -> Parameter:
    cases = t.get("cases")
    if not isinstance(cases, list) or len(cases) < 2:
        raise InputError(f"{where}: distribution 'discrete' needs a list of at least 2 cases")
    if common["apply"] == "case":
        if not all(isinstance(c, str) for c in cases):
            raise InputError(f"{where}: apply 'case' needs case names (strings), got {cases!r}")
    elif not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cases):
        raise InputError(f"{where}: cases must be numbers for apply {common['apply']!r}")
    else:
        cases = [float(c) for c in cases]
    if len(set(cases)) != len(cases):
        raise InputError(f"{where}: cases repeat")
    weights = t.get("weights", [1.0] * len(cases))
    if (not isinstance(weights, list) or len(weights) != len(cases)
            or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0
                       for w in weights) or sum(weights) <= 0):
        raise InputError(f"{where}: weights must be {len(cases)} numbers >= 0 with a positive sum")
    for key in ("low", "high"):
        if key in t:
            raise InputError(f"{where}: {key} is not used by distribution 'discrete' (the first "
                             f"and last cases are the ends)")
    default = 1.0 if common["apply"] == "multiplier" else bundled_value
    central = t.get("central", default)
    if isinstance(central, int) and not isinstance(central, bool):
        central = float(central)
    if central not in cases:
        raise InputError(f"{where}: central {central!r} is not one of the cases {cases!r}")
    _check_central(central, common["apply"], bundled_value, where)
    return Parameter(low=None, central=central, high=None, cases=tuple(cases),
                     weights=tuple(float(w) for w in weights), **common)


def _check_central(central, apply: str, bundled_value, where: str) -> None:
    if apply == "multiplier" and central != 1.0:
        raise InputError(f"{where}: central of a multiplier must be 1 (the bundled value), "
                         f"got {central!r}")
    if apply in ("value", "case") and bundled_value is not None and central != bundled_value:
        raise InputError(f"{where}: central {central!r} must be the bundled value "
                         f"{bundled_value!r}")


def _bundled(kind: str, targets, apply: str, tech) -> float | str | None:
    """The bundled value a 'value'/'case' entry replaces, where it is known without the data."""
    if apply == "multiplier":
        return None
    values = set()
    for target in targets:
        _, name = F.split(target, "")
        if kind == "scenario":
            values.add(F.SCENARIO_FIELDS[name][1])
        elif kind == "forest":
            values.add(F.FOREST_FIELDS[name][1])
        elif kind == "technology":
            values.update(F.tech_get(tech, k) for k in F.tech_keys(name, tech, ""))
        else:
            return None   # inputs: checked against the Dataset by `apply`
    return values.pop() if len(values) == 1 else None


def _check_scope(kind: str, targets, apply: str, per: str, select, where: str) -> None:
    if per != "none" and kind != "inputs":
        raise InputError(f"{where}: per {per!r} needs inputs targets (technology, scenario and "
                         f"forest entries are drawn once)")
    if per != "none" and apply != "multiplier":
        raise InputError(f"{where}: per {per!r} needs apply 'multiplier'")
    if kind == "forest" and apply == "case":
        raise InputError(f"{where}: forest targets take a multiplier or a value")
    if kind == "forest":
        for target in targets:
            name = target.split(":", 1)[1]
            if name == "thin_share" and apply != "value":
                raise InputError(f"{where}: forest:thin_share takes apply 'value'")
            if name != "thin_share" and apply != "multiplier":
                raise InputError(f"{where}: {target} takes apply 'multiplier'")
    if kind in ("scenario", "technology") and apply == "case":
        raise InputError(f"{where}: {kind} targets take a multiplier or a value")
    if kind == "inputs" and apply == "case" and targets != ("inputs:storage",):
        raise InputError(f"{where}: apply 'case' is for inputs:storage (cases low, medium, high)")
    if not isinstance(select, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in select.values()):
        raise InputError(f"{where}: select must be a table of label lists, e.g. "
                         f"{{ biomass = [\"miscanthus\"] }}")
    if select and kind != "inputs":
        raise InputError(f"{where}: select only applies to inputs targets")
