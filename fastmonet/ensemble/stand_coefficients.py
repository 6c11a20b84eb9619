"""Member-dependent AR and DAC coefficients for a block of members, one kernel call per block.

A block's stand cells are every (member, subregion, ecozone, forest type) cell allowed in the
central inputs (the `Cells` index). Their stand parameters are stacked over the block's members
(growth B, G, fire penalty and thinning share carry each member's overrides), so

- the stand kernel (`fastmonet.stand.simulate`) runs once per block, on the distinct parameter
  rows only (members whose forest draws coincide share a stand trajectory; a cell's result does
  not depend on which other cells are in the call, so this changes no bit);
- `kernels.operations.operation_flows` and `stand.vintage_coefficients` run once per block on all
  its cells (once per group of members that share the capital-recovery factor and fuel
  transition, which are scalars of those kernels: one group unless those are sampled).

The arithmetic is that of `fastmonet.coefficients.ar.build_ar` cell for cell, so the central
member's coefficients equal `fastmonet.coefficients.build`'s exactly (tests/workflows/test_ensemble.py).
DAC coefficients are tiny ((tech, subregion, period) per member) and use the DAC kernel per member.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet import stand
from fastmonet.coefficients.ar import UNIT_FIELDS, _stand_params, unit_quantities
from fastmonet.coefficients.dac import dac_arrays
from fastmonet.coefficients.inputs import require, subregion_regions
from fastmonet.dimensions import FIRST_YEAR, N_PERIODS, PERIOD_YEARS
from fastmonet.energy import INPUT_VARIABLES, EnergyTransition, period_mid_years
from fastmonet.ensemble import block_vintages
from fastmonet.errors import InputError
from fastmonet.kernels.operations import operation_flows

STAND_FIELDS = ("B", "G", "R1", "R2", "Cf", "rfire", "thin_share")
DAC_VARS = ("dac_cost", "dac_stored", "dac_captured", "dac_efficiency")


@dataclass(frozen=True)
class Cells:
    """The allowed AR cells (subregion, ecozone, forest type) of the central inputs."""

    sr: np.ndarray
    ez: np.ndarray
    ft: np.ndarray
    shape: tuple[int, int, int]        # (n_subregion, n_ecozone, n_forest_type)

    @property
    def size(self) -> int:
        return int(self.sr.size)

    @classmethod
    def from_inputs(cls, inputs: xr.Dataset) -> "Cells":
        if "forest_type_allowed" not in inputs.variables:
            raise InputError("inputs: missing variable 'forest_type_allowed' (formulation §9.2)")
        allowed = np.asarray(inputs["forest_type_allowed"].transpose(
            "subregion", "ecozone", "forest_type").values, bool)
        land = require(inputs, "lrp", ("subregion", "ecozone")) + require(inputs, "ovl", ("subregion", "ecozone"))
        allowed = allowed & (land > 0)[:, :, None]
        sr, ez, ft = (a.astype(np.int64) for a in np.nonzero(allowed))
        return cls(sr, ez, ft, allowed.shape)

    def dense(self, per_cell: np.ndarray) -> np.ndarray:
        """(cell, ...) -> (subregion, ecozone, forest_type, ...) with NaN where no cell."""
        out = np.full(self.shape + per_cell.shape[1:], np.nan)
        out[self.sr, self.ez, self.ft] = per_cell
        return out


FOREST_INPUTS = ("growth_B", "growth_G", "rs_R1", "rs_R2", "carbon_fraction", "fire_mfri", "fire_vdep")
UNIT_INPUTS = ("diesel_price", "labour_cost", "ppp_factor", "subregion_region")


def _arrays_key(inputs: xr.Dataset, names) -> tuple:
    """What a member's inputs hold for `names` (small arrays: hashing them costs microseconds)."""
    var = inputs.variables    # Variables, not DataArrays: no coordinate assembly per lookup
    return tuple((n, var[n].dims, np.asarray(var[n].values).tobytes()) if n in var else (n, None)
                 for n in names)


def _member_stand(applied, cells: Cells, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """A member's stand parameters: its distinct rows (k, 7) (forest overrides applied) and
    each cell's row (n_cells,). The base parameters depend on (ecozone, forest type) only, so a
    member has far fewer distinct rows than cells; the overrides act row by row."""
    key = _arrays_key(applied.inputs, FOREST_INPUTS)
    if key not in cache:
        params = _stand_params(applied.inputs, cells.ez, cells.ft)
        rows, inv = np.unique(_rows(params, cells.size), axis=0, return_inverse=True)
        distinct = stand.StandParams(**{f: rows[:, i] for i, f in enumerate(STAND_FIELDS)})
        cache[key] = (distinct, inv.reshape(-1), params, _rows(distinct, distinct.n_cells))
    distinct, inv, per_cell, base = cache[key]
    fo = getattr(applied, "forest_overrides", None)
    if fo is None or fo.is_identity:
        return base, inv
    # `ForestOverrides.adjust` on the rows matrix: the same products (a StandParams and its
    # validation per member cost more than the stand kernel's share of the member); the four
    # fields it changes are checked as StandParams checks them, and anything it would refuse
    # takes its path, for its error.
    rows = base.copy()
    rows[:, 0] *= fo.growth_B
    rows[:, 1] *= fo.growth_G
    rows[:, 5] *= fo.rfire
    rows[:, 6] = fo.thin_share
    if _valid_overrides(rows):
        return rows, inv
    try:
        distinct = fo.adjust(distinct)
    except InputError:
        fo.adjust(per_cell)        # the same error, naming the AR cell (not the distinct row)
        raise
    return _rows(distinct, distinct.n_cells), inv


def _valid_overrides(rows: np.ndarray) -> bool:
    """What `StandParams.validate` asks of B, G, rfire and thin_share (the columns an override
    changes)."""
    b, g, rfire, ts = rows[:, 0], rows[:, 1], rows[:, 5], rows[:, 6]
    return bool(not np.isnan(rows[:, [0, 1, 5, 6]]).any() and (b > 0).all() and (g > 0).all()
                and ((rfire >= 0) & (rfire < 1)).all() and ((ts >= 0) & (ts < 1)).all())


def _rows(params, n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(getattr(params, f), (n,)) for f in STAND_FIELDS], axis=1)


def _member_units(applied, cells: Cells, cache: dict) -> np.ndarray:
    """(n_cells, len(UNIT_FIELDS)) per-hectare operation quantities of one member."""
    inputs, tech = applied.inputs, applied.tech
    # Of the fuels, `unit_quantities` reads only diesel's tCO2 per litre: keying on it (not on
    # every fuel) lets members that differ in, e.g., gas upstream emissions share the entry.
    key = (_arrays_key(inputs, UNIT_INPUTS),
           repr((tech.ar, tech.ar_region, tech.materials, tech.fuels.diesel_tco2_per_l, tech.nitrogen,
                 tech.luc, tech.finance)))
    if key not in cache:
        cache[key] = _units(inputs, tech, cells)
    return cache[key]


def _units(inputs, tech, cells: Cells) -> np.ndarray:
    codes, _ = subregion_regions(inputs)
    diesel = require(inputs, "diesel_price", ("subregion",))
    labour = require(inputs, "labour_cost", ("subregion",))
    ppp = require(inputs, "ppp_factor", ("subregion",))
    per_sr = np.empty((codes.size, len(UNIT_FIELDS)))
    for s in range(codes.size):
        q = unit_quantities(tech.ar_for_region(codes[s]), tech, diesel[s], labour[s], ppp[s])
        per_sr[s] = [q[k] for k in UNIT_FIELDS]
    return per_sr[cells.sr]


_TRANSITIONS: dict[tuple, tuple[EnergyTransition, bytes]] = {}


_BY_MEMBER: dict[int, tuple] = {}


def _transition(applied) -> EnergyTransition:
    """`EnergyTransition.from_inputs` of a member, remembered by what it reads (six scalars of
    the inputs and the technology's transition), so the AR and DAC blocks build it once."""
    return _member_transition(applied)[0]


def _member_transition(applied) -> tuple[EnergyTransition, bytes]:
    """(transition, its fossil share over the coefficient window as bytes) of a member; the
    lookup by content is done once per `Applied` (the AR and DAC blocks both ask; the entry
    holds the objects, so their ids are not reused while it lives)."""
    hit = _BY_MEMBER.get(id(applied))
    if hit is not None and hit[0] is applied and hit[1] is applied.inputs and hit[2] is applied.tech:
        return hit[3], hit[4]
    key = (_arrays_key(applied.inputs, INPUT_VARIABLES.values()), repr(applied.tech.transition))
    if key not in _TRANSITIONS:
        if len(_TRANSITIONS) >= 1024:
            _TRANSITIONS.clear()
        tr = EnergyTransition.from_inputs(applied.inputs, applied.tech)
        window = PERIOD_YEARS * N_PERIODS
        _TRANSITIONS[key] = (tr, tr.fossil_share(FIRST_YEAR + np.arange(window, dtype=np.float64)).tobytes())
    if len(_BY_MEMBER) >= 256:
        _BY_MEMBER.clear()
    _BY_MEMBER[id(applied)] = (applied, applied.inputs, applied.tech) + _TRANSITIONS[key]
    return _TRANSITIONS[key]


def _group_key(applied) -> tuple:
    """Scalars of the flow / coefficient kernels that a member may change."""
    fin = applied.tech.finance
    return (float(fin.crf), int(fin.lifetime), _member_transition(applied)[1])


_CACHES: dict[tuple[str, int], tuple[Cells, dict]] = {}


def _cache(kind: str, cells: Cells) -> dict:
    """A process-wide cache of per-member stand rows / unit quantities for `cells`, keyed by the
    content they are built from (so blocks after the first reuse the central entries; an entry
    holds the cells, so their id is not reused while it lives)."""
    hit = _CACHES.get((kind, id(cells)))
    if hit is None or hit[0] is not cells or len(hit[1]) >= 256:
        if len(_CACHES) >= 16:
            _CACHES.clear()
        hit = _CACHES[(kind, id(cells))] = (cells, {})
    return hit[1]


def ar_block(applied_list: list, cells: Cells, horizon: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """(removal, cost), each (n_members, n_cells, n_vintages, n_years): tCO2/ha and US$2018/ha."""
    n_m, n_c = len(applied_list), cells.size
    stand_cache = _cache("stand", cells)
    per_member = [_member_stand(a, cells, stand_cache) for a in applied_list]
    rows = np.concatenate([r for r, _ in per_member]) if n_m else np.zeros((0, 7))
    # Distinct trajectories of the block: a cell's result does not depend on the other cells
    # of the kernel call, so computing each distinct parameter row once changes no bit.
    uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    offsets = np.cumsum([0] + [r.shape[0] for r, _ in per_member[:-1]])
    inverse = (np.concatenate([inverse.reshape(-1)[o + inv] for o, (_, inv) in zip(offsets, per_member)])
               if n_m else np.zeros(0, np.int64))
    params = stand.StandParams(**{f: np.ascontiguousarray(uniq[:, i]) for i, f in enumerate(STAND_FIELDS)})
    res = stand.simulate(params, horizon=horizon, trajectories=True)
    unit_cache = _cache("units", cells)
    units = np.concatenate([_member_units(a, cells, unit_cache) for a in applied_list])
    removal = np.empty((n_m * n_c, N_PERIODS, N_PERIODS))
    cost = np.empty_like(removal)
    groups: dict[tuple, list[int]] = {}
    for m, a in enumerate(applied_list):
        groups.setdefault(_group_key(a), []).append(m)
    window = PERIOD_YEARS * N_PERIODS
    for (crf, lifetime, share_bytes), members in groups.items():
        idx = (np.asarray(members)[:, None] * n_c + np.arange(n_c)[None, :]).reshape(-1)
        rows = inverse[idx]                    # each cell's row of the distinct trajectories
        factors_em = np.stack([np.frombuffer(share_bytes), np.ones(window)])
        whole = len(groups) == 1               # idx is every cell, in order: no copies
        fused = _fused(res, rows, units if whole else units[idx], crf, lifetime, factors_em, horizon)
        if fused is not None and whole:
            removal, cost = fused
            continue
        if fused is not None:
            removal[idx], cost[idx] = fused
            continue
        n = idx.size
        em_flows = np.empty((n, 2, horizon + 1))
        cost_flows = np.empty((n, 1, horizon + 1))
        u = {k: np.ascontiguousarray(units[idx, i]) for i, k in enumerate(UNIT_FIELDS)}
        operation_flows(np.ascontiguousarray(res.Th[rows]), *(u[k] for k in UNIT_FIELDS), crf, lifetime,
                        em_flows, cost_flows)
        removal[idx], cost[idx] = _vintages(res.CO2seq, rows, em_flows, factors_em, cost_flows, horizon)
    shape = (n_m, n_c, N_PERIODS, N_PERIODS)
    return removal.reshape(shape), cost.reshape(shape)


def _fused(res, rows, units, crf, lifetime, factors_em, horizon):
    """`operation_flows` then `_vintages` in one block kernel, the same doubles, or None where
    `_vintages` would take its checked path (then the caller takes it too, for its error)."""
    used = np.unique(rows)
    if horizon < PERIOD_YEARS * N_PERIODS or not (np.isfinite(res.CO2seq[used]).all()
                                                  and np.isfinite(factors_em).all()):
        return None
    removal, cost, ok = block_vintages.fused_vintages(res.CO2seq, res.Th, rows, units, crf, lifetime,
                                                     factors_em, PERIOD_YEARS, N_PERIODS)
    return (removal, cost) if ok else None


def _vintages(stock, rows, em_flows, factors_em, cost_flows, horizon):
    """Removal and cost vintage coefficients of cells whose stock is `stock[rows]`:
    `stand.vintage_coefficients`' doubles, computed by the block kernels; arrays
    `vintage_coefficients` would refuse go to it for its error."""
    window = PERIOD_YEARS * N_PERIODS
    arrays = (stock[np.unique(rows)], em_flows, factors_em, cost_flows)
    if horizon < window or not all(np.isfinite(a).all() for a in arrays):
        n = rows.size
        return (stand.vintage_coefficients(stock[rows], em_flows, factors_em),
                -stand.vintage_coefficients(np.zeros((n, horizon + 1)), cost_flows, np.ones((1, window))))
    return (block_vintages.stock_vintages(stock, em_flows, factors_em, PERIOD_YEARS, N_PERIODS, rows),
            -block_vintages.flow_vintages(cost_flows, PERIOD_YEARS, N_PERIODS))


def dac_block(applied_list: list) -> dict[str, np.ndarray]:
    """DAC coefficient arrays, each (n_members, n_tech, n_subregion, n_period)."""
    out = {v: [] for v in DAC_VARS}
    for a in applied_list:
        tr = _transition(a)
        for v, arr in zip(DAC_VARS, dac_arrays(a.inputs, a.tech, tr.grid_factor(period_mid_years()))):
            out[v].append(arr)
    return {v: np.stack(arrs) for v, arrs in out.items()}
