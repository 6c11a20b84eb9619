"""AR stand model (formulation §2.1-2.5, §2.8): parameter bundle, validation, calls into
`kernels.stand`.

The stand-kernel interface of formulation §9.1 (docs/architecture.md):

    params = StandParams(B=..., G=..., R1=..., R2=..., Cf=..., rfire=...)   # one entry per cell
    res = simulate(params, horizon=100, trajectories=True)                  # StandResult
    coef = vintage_coefficients(res.CO2seq, flows, factors)                 # (cells, vintages, years)

Every input is checked here, before compiled code runs: bad values raise `InputError` naming the
parameter and the first offending cell index.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Sequence

import numpy as np

from fastmonet.errors import InputError
from fastmonet.kernels import stand as _k

FLOAT_FIELDS = ("B", "G", "R1", "R2", "Cf", "rfire", "thin_share")
SCHEDULE_FIELDS = ("yr_e_end", "yr_i_end", "fv_interval", "mature_interval", "old_interval")
TRAJECTORIES = ("BT", "AT", "Th", "BG", "CO2", "CO2thin", "CO2seq")


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _as_array(name: str, value, n: int | None) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"StandParams.{name}: not numeric ({exc})") from exc
    if arr.ndim > 1:
        raise InputError(f"StandParams.{name}: expected a 1-D array (one entry per cell), "
                         f"got shape {arr.shape}")
    if arr.ndim == 0:
        arr = np.full(1 if n is None else n, float(arr))
    elif n is not None and arr.shape[0] != n:
        raise InputError(f"StandParams.{name}: {arr.shape[0]} entries, but B has {n} cells")
    nan = np.isnan(arr)
    if nan.any():
        raise InputError(f"StandParams.{name}: NaN at cell {_first_bad(nan)}")
    inf = ~np.isfinite(arr)
    if inf.any():
        i = _first_bad(inf)
        raise InputError(f"StandParams.{name}: infinite value {arr[i]} at cell {i}")
    return np.ascontiguousarray(arr)


def _check(name: str, arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    if bad.any():
        i = _first_bad(bad)
        raise InputError(f"StandParams.{name}: {float(arr[i])!r} at cell {i}; must be {rule}")


@dataclass
class StandParams:
    """Per-cell stand parameters (formulation §2), 1-D contiguous arrays of equal length.

    B: maximum above-ground stock (tDM/ha, > 0); G: mean growth (tDM/ha/yr, > 0);
    R1, R2: root-to-shoot coefficients (Table 5; R2 = 0 means the constant ratio R1);
    Cf: carbon fraction (tC/tDM); rfire: fire penalty in [0, 1) (see `fire_penalty`);
    thin_share: %T in [0, 1); schedule (ages / intervals in years, integers): yr_e_end,
    yr_i_end, fv_interval, mature_interval, old_interval. Scalars broadcast to all cells.
    The float fields are stored as float64, the schedule as int64.
    """

    B: np.ndarray
    G: np.ndarray
    R1: np.ndarray
    R2: np.ndarray
    Cf: np.ndarray
    rfire: np.ndarray
    # Defaults are 0-d arrays (a scalar, broadcast to every cell by `validate` like any scalar).
    thin_share: np.ndarray = field(default_factory=lambda: np.asarray(0.1))
    yr_e_end: np.ndarray = field(default_factory=lambda: np.asarray(5))
    yr_i_end: np.ndarray = field(default_factory=lambda: np.asarray(15))
    fv_interval: np.ndarray = field(default_factory=lambda: np.asarray(5))
    mature_interval: np.ndarray = field(default_factory=lambda: np.asarray(10))
    old_interval: np.ndarray = field(default_factory=lambda: np.asarray(15))

    def __post_init__(self) -> None:
        self.validate()

    @property
    def n_cells(self) -> int:
        return int(self.B.shape[0])

    def validate(self) -> None:
        """Coerce every field to a contiguous per-cell array and check its range."""
        B = _as_array("B", self.B, None)
        n = B.shape[0]
        vals = {"B": B}
        for name in FLOAT_FIELDS[1:] + SCHEDULE_FIELDS:
            vals[name] = _as_array(name, getattr(self, name), n)
        _check("B", B, B <= 0.0, "> 0 (tDM/ha)")
        _check("G", vals["G"], vals["G"] <= 0.0, "> 0 (tDM/ha/yr)")
        _check("R1", vals["R1"], vals["R1"] < 0.0, ">= 0")
        _check("R2", vals["R2"], vals["R2"] < 0.0, ">= 0 (0: constant ratio R1)")
        _check("Cf", vals["Cf"], (vals["Cf"] <= 0.0) | (vals["Cf"] > 1.0), "in (0, 1] (tC/tDM)")
        _check("rfire", vals["rfire"], (vals["rfire"] < 0.0) | (vals["rfire"] >= 1.0), "in [0, 1)")
        ts = vals["thin_share"]
        _check("thin_share", ts, (ts < 0.0) | (ts >= 1.0), "in [0, 1)")
        for name in SCHEDULE_FIELDS:
            v = vals[name]
            _check(name, v, v != np.round(v), "a whole number of years")
        _check("yr_e_end", vals["yr_e_end"], vals["yr_e_end"] < 0, ">= 0")
        _check("yr_i_end", vals["yr_i_end"], vals["yr_i_end"] < vals["yr_e_end"], ">= yr_e_end")
        for name in SCHEDULE_FIELDS[2:] + ("fv_interval",):
            _check(name, vals[name], vals[name] < 1, ">= 1")
        for name in SCHEDULE_FIELDS:  # keeps the int64 age arithmetic of the kernel exact
            _check(name, vals[name], vals[name] > 1e9, "<= 1e9 years")
        for name in FLOAT_FIELDS:
            setattr(self, name, vals[name])
        for name in SCHEDULE_FIELDS:
            setattr(self, name, np.ascontiguousarray(vals[name].astype(np.int64)))

    def subset(self, index) -> "StandParams":
        """The cells selected by a numpy index (slice, integer or boolean array)."""
        return StandParams(**{f.name: np.atleast_1d(getattr(self, f.name)[index])
                              for f in fields(self)})

    @classmethod
    def from_tables(cls, rows: Sequence[tuple[str, str]] | None = None, tables=None,
                    fire: bool = True, permanence: float = 100.0, **schedule) -> "StandParams":
        """Cells for (zone, forest type) rows of the forest tables (default: every stand of
        `forest_tables.stand_rows()`), with the Table 7 fire penalty unless `fire=False`."""
        from fastmonet import forest_tables

        tables = forest_tables.load() if tables is None else tables
        rows = forest_tables.stand_rows() if rows is None else list(rows)
        cells = [tables.cell(z, ft) for z, ft in rows]
        col = lambda key: np.array([c[key] for c in cells], dtype=float)  # noqa: E731
        rfire = fire_penalty(col("mfri"), col("vdep"), permanence) if fire else np.zeros(len(rows))
        return cls(B=col("B"), G=col("G"), R1=col("R1"), R2=col("R2"), Cf=col("Cf"), rfire=rfire,
                   **schedule)


def fire_penalty(mfri, vdep, permanence: float = 100.0) -> np.ndarray:
    """Rfire = VDep (1 - mFRI/P) where mFRI <= P, else 0 (formulation §2.5). VDep as a fraction."""
    mfri = np.atleast_1d(np.asarray(mfri, dtype=float))
    vdep = np.atleast_1d(np.asarray(vdep, dtype=float))
    if not (np.isfinite(permanence) and permanence > 0):
        raise InputError(f"fire_penalty: permanence must be > 0 years, got {permanence}")
    if mfri.shape != vdep.shape:
        raise InputError(f"fire_penalty: mfri has shape {mfri.shape}, vdep {vdep.shape}")
    bad = ~np.isfinite(mfri) | (mfri < 0)
    if bad.any():
        raise InputError(f"fire_penalty: mfri must be >= 0 years; {mfri[bad][0]} at index "
                         f"{_first_bad(bad)}")
    bad = ~np.isfinite(vdep) | (vdep < 0) | (vdep > 1)
    if bad.any():
        raise InputError(f"fire_penalty: vdep must be a fraction in [0, 1]; {vdep[bad][0]} at "
                         f"index {_first_bad(bad)}")
    return np.where(mfri <= permanence, vdep * (1.0 - mfri / permanence), 0.0)


@dataclass
class StandResult:
    """Output of `simulate`. Trajectories are (n_cells, H+1) by age 0..H, None unless asked for.

    Always present: `seq_decadal[c, d]` = mean CO2seq over ages d*P+1 .. d*P+P (tCO2/ha), from
    which `seq_coef` (the formulation §2.8 sequestration coefficient, cells x vintages x reporting
    years) follows; `co2_max` (max CO2 over ages 0..H, no fire), `co2_final` = CO2(H),
    `co2thin_final` = CO2thin(H); `yr_mmag` and `yr_half` (inf when not reached within H).
    """

    horizon: int
    period_years: int
    n_periods: int
    seq_decadal: np.ndarray
    co2_max: np.ndarray
    co2_final: np.ndarray
    co2thin_final: np.ndarray
    yr_mmag: np.ndarray
    yr_half: np.ndarray
    BT: np.ndarray | None = None
    AT: np.ndarray | None = None
    Th: np.ndarray | None = None
    BG: np.ndarray | None = None
    CO2: np.ndarray | None = None
    CO2thin: np.ndarray | None = None
    CO2seq: np.ndarray | None = None

    @property
    def seq_coef(self) -> np.ndarray:
        """cRCO2 sequestration part (no operations emissions): (n_cells, n_vintages, n_years),
        equal to `vintage_coefficients(CO2seq)` (formulation §2.8)."""
        return _k.expand_decadal(self.seq_decadal, self.n_periods, self.n_periods)

    def to_dataset(self, cell_index=None):
        """The result as an xarray Dataset with dims `cell`, `age` (and `vintage`, `year` for
        `seq_coef`, labelled by start year / reporting year from 2020)."""
        import xarray as xr

        n = self.co2_max.shape[0]
        cell = np.arange(n) if cell_index is None else cell_index
        starts = vintage_starts(2020, self.period_years, self.n_periods)
        ds = xr.Dataset(
            {
                "seq_coef": (("cell", "vintage", "year"), self.seq_coef, {"units": "tCO2/ha"}),
                "co2_max": ("cell", self.co2_max, {"units": "tCO2/ha"}),
                "co2_final": ("cell", self.co2_final, {"units": "tCO2/ha"}),
                "co2thin_final": ("cell", self.co2thin_final, {"units": "tCO2/ha"}),
                "yr_mmag": ("cell", self.yr_mmag, {"units": "yr"}),
                "yr_half": ("cell", self.yr_half, {"units": "yr"}),
            },
            coords={"cell": cell, "vintage": starts,
                    "year": reporting_years(2020, self.period_years, self.n_periods)},
        )
        if self.BT is not None:
            units = {"BT": "tDM/ha", "AT": "tDM/ha", "Th": "tDM/ha", "BG": "tDM/ha",
                     "CO2": "tCO2/ha", "CO2thin": "tCO2/ha", "CO2seq": "tCO2/ha"}
            for name in TRAJECTORIES:
                ds[name] = (("cell", "age"), getattr(self, name), {"units": units[name]})
            ds = ds.assign_coords(age=np.arange(self.horizon + 1))
        return ds


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def simulate(params: StandParams, horizon: int = 100, trajectories: bool = True,
             period_years: int = 10, n_periods: int = 8) -> StandResult:
    """Run the stand model for every cell, ages 0..horizon (formulation §2.1-2.5).

    Without `trajectories` no (n_cells, H+1) array is allocated: only the decadal sequestration
    means and the per-cell summaries are computed. horizon must cover the coefficient window
    (horizon >= period_years * n_periods).
    """
    if not isinstance(params, StandParams):
        raise InputError(f"simulate: params must be a StandParams, got {type(params).__name__}")
    params.validate()
    horizon = _check_int("horizon", horizon, 1)
    period_years = _check_int("period_years", period_years, 1)
    n_periods = _check_int("n_periods", n_periods, 1)
    if horizon < period_years * n_periods:
        raise InputError(f"horizon = {horizon} is shorter than the coefficient window "
                         f"period_years * n_periods = {period_years * n_periods}")
    n = params.n_cells
    seq_decadal = np.zeros((n, n_periods))
    summary = np.empty((n, 3))
    phases = np.empty((n, 2), dtype=np.int64)
    shape = (n, horizon + 1) if trajectories else (0, 0)
    traj = [np.empty(shape) for _ in TRAJECTORIES]
    p = params
    _k.stand_kernel(p.B, p.G, p.R1, p.R2, p.Cf, p.rfire, p.thin_share, p.yr_e_end, p.yr_i_end,
                    p.fv_interval, p.mature_interval, p.old_interval, horizon, period_years,
                    n_periods, seq_decadal, summary, phases, *traj, bool(trajectories))
    yr_half = phases[:, 1].astype(np.float64)
    yr_half[phases[:, 1] > horizon] = np.inf
    out = StandResult(horizon=horizon, period_years=period_years, n_periods=n_periods,
                      seq_decadal=seq_decadal, co2_max=summary[:, 0].copy(),
                      co2_final=summary[:, 1].copy(), co2thin_final=summary[:, 2].copy(),
                      yr_mmag=phases[:, 0].copy(), yr_half=yr_half)
    if trajectories:
        for name, arr in zip(TRAJECTORIES, traj):
            setattr(out, name, arr)
    return out


def vintage_starts(first_year: int = 2020, period_years: int = 10, n_periods: int = 8) -> np.ndarray:
    """Start years of the planting vintages / periods: 2020, 2030, ..., 2090."""
    return first_year + period_years * np.arange(n_periods)


def reporting_years(first_year: int = 2020, period_years: int = 10, n_periods: int = 8) -> np.ndarray:
    """Reporting years, the end of each period: 2030, 2040, ..., 2100."""
    return first_year + period_years * np.arange(1, n_periods + 1)


def vintage_coefficients(stock, flows=None, factors=None, first_year: int = 2020,
                         period_years: int = 10, n_periods: int = 8) -> np.ndarray:
    """Decadal planting-vintage coefficients (formulation §2.8, §9.1):

        coef[c, a, t] = mean over the planting years y of vintage a of
            stock[c, t-y] - sum_{age=1}^{t-y} sum_k flows[c, k, age] * factors[k, y+age-1-first_year]
        (0 where t - y <= 0)

    stock: (n_cells, H+1) by age 0..H; flows: (n_cells, K, H+1) annual amounts by age (or None);
    factors: (K, n_calendar_years) from first_year (or None). Returns (n_cells, n_periods,
    n_periods): axis 1 = vintages starting first_year + P a, axis 2 = reporting years
    first_year + P (j+1). For costs call with stock 0 and negate.
    """
    period_years = _check_int("period_years", period_years, 1)
    n_periods = _check_int("n_periods", n_periods, 1)
    _check_int("first_year", first_year, -10**6)
    stock = np.asarray(stock, dtype=np.float64)
    if stock.ndim != 2:
        raise InputError(f"vintage_coefficients: stock must be (n_cells, H+1), got shape {stock.shape}")
    n, h1 = stock.shape
    window = period_years * n_periods
    if h1 - 1 < window:
        raise InputError(f"vintage_coefficients: stock covers ages 0..{h1 - 1}, the coefficients "
                         f"need ages up to period_years * n_periods = {window}")
    if (flows is None) != (factors is None):
        raise InputError("vintage_coefficients: give both flows and factors, or neither")
    if flows is None:
        flows = np.zeros((n, 0, h1))
        factors = np.zeros((0, window))
    flows = np.asarray(flows, dtype=np.float64)
    factors = np.asarray(factors, dtype=np.float64)
    if flows.ndim != 3 or flows.shape[0] != n or flows.shape[2] != h1:
        raise InputError(f"vintage_coefficients: flows must be (n_cells={n}, K, H+1={h1}), got "
                         f"shape {flows.shape}")
    K = flows.shape[1]
    if factors.ndim != 2 or factors.shape[0] != K:
        raise InputError(f"vintage_coefficients: factors must be (K={K}, n_calendar_years), got "
                         f"shape {factors.shape}")
    if factors.shape[1] < window:
        raise InputError(f"vintage_coefficients: factors cover {factors.shape[1]} calendar years "
                         f"from {first_year}; {window} are needed")
    for name, arr in (("stock", stock), ("flows", flows), ("factors", factors)):
        bad = ~np.isfinite(arr)
        if bad.any():
            idx = np.unravel_index(_first_bad(bad.ravel()), arr.shape)
            raise InputError(f"vintage_coefficients: {name}{list(map(int, idx))} is {arr[idx]}, "
                             f"not a finite number")
    return _k.vintage_kernel(np.ascontiguousarray(stock), np.ascontiguousarray(flows),
                             np.ascontiguousarray(factors), period_years, n_periods)
