"""Simplex bases carried from one LP to another of a different shape, by what its columns and
rows mean: how an ensemble member starts from the central member's solution.

An ensemble's members are the same LP with other numbers, but not the same shape: a draw that
lowers a yield drops chains with no removal, a draw that changes land drops AR cells.  A basis
stored by position (`solver.Basis`) then means nothing.  `LabelledBasis` keeps each column's and
row's status under a key made of its block and labelled coordinates (a chain by source, plant,
biomass, land kind and period, not by its chain index); `onto` lays it on another model: a column
the reference did not have starts at its lower bound, a row it did not have with its slack basic.
The result is rarely square; HiGHS completes it (an "alien" basis).

`Reference` holds the cost-stage basis of a solve (formulation §6.2): the member's cost stage
starts from it.  Its shortfall stage starts cold, with presolve: from the reference's shortfall
basis (tried while building this) it took 850-1,500 iterations against 2,500-4,000 in four of six
members tried, but 11,000 and 58,000 in the other two (a basis HiGHS must repair, on the LP without
presolve); under a 2,000-iteration limit with a cold restart it saved nothing over four members.
When the reference met every target, the member's cost stage is tried at zero shortfall first,
which skips the shortfall stage whenever the member meets them too.

Examples
--------
Solve one model keeping its reference, then start a model of another shape from it:

>>> from fastmonet import api, synthetic, warm_start
>>> central = api.solve_coefficients(
...     synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0), "cooperation",
...     keep_reference=True)
>>> isinstance(central.reference, warm_start.Reference)
True
>>> member = synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0, chain_keep=0.5)
>>> warm = api.solve_coefficients(member, "cooperation", warm=central.reference)
>>> cold = api.solve_coefficients(member, "cooperation")
>>> warm.stats["warm_start"], cold.stats["warm_start"]
(True, False)
>>> cost = [float(r.metrics["ctnc"].sel(year=2100).sum()) for r in (warm, cold)]   # US$
>>> abs(cost[0] - cost[1]) <= 1e-9 * abs(cost[1])                  # the same optimum
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastmonet.lp import LPModel
from fastmonet.lp_index import Block
from fastmonet.solver import BASIC, Basis, LPSolution

# What users import: the reference of a solve and how it lands on another model.
__all__ = ["Reference", "LabelledBasis", "reference", "label", "onto"]

LOWER = 0          # highspy.HighsBasisStatus.kLower

#: xB's `chain` coordinate is a position in one member's chain list; these say what it is.
XB_KEY = ("source", "plant", "biomass", "land", "period")


@dataclass
class LabelledBasis:
    """Per block of columns and of rows: sorted int64 keys and their int8 HiGHS statuses."""

    columns: dict[str, tuple[np.ndarray, np.ndarray]]
    rows: dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass
class Reference:
    """The stage bases of one solve, keyed by meaning (`reference(model, solution)`)."""

    scenario: str
    cost: LabelledBasis
    #: The reference met every target: the member tries its cost stage at zero shortfall first
    #: (no shortfall stage when that is feasible, as it usually is then).
    zero_shortfall: bool = False

    def onto(self, m: LPModel) -> dict:
        """`solve_model` keyword arguments that warm-start model `m` from this reference."""
        return {"warm_basis": onto(self.cost, m), "zero_first": self.zero_shortfall}


def reference(m: LPModel, sol: LPSolution) -> Reference | None:
    """The solution's cost-stage basis keyed by meaning, to warm-start a similar model.

    Parameters
    ----------
    m : LPModel
        The model solved (`fastmonet.lp.build`).
    sol : LPSolution
        Its solution (`fastmonet.solver.solve_model`).

    Returns
    -------
    Reference or None
        The cost-stage basis under keys that mean the same in any model built from the same
        labels; None when the solve left no simplex basis (an interior-point solve without
        crossover).

    Examples
    --------
    >>> from fastmonet import lp, scenarios, solver, synthetic, warm_start
    >>> coeffs = synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=0)
    >>> m = lp.build(coeffs, scenarios.make("isolation"))
    >>> ref = warm_start.reference(m, solver.solve_model(m))
    >>> ref.scenario, sorted(ref.cost.columns) == sorted(m.index.columns)
    ('isolation-p3-medium', True)
    >>> cold, warm = solver.solve_model(m), solver.solve_model(m, **ref.onto(m))
    >>> abs(warm.cost - cold.cost) <= 1e-9 * abs(cold.cost)
    True
    """
    if sol.basis is None:
        return None
    return Reference(m.scenario.name, label(m, sol.basis),
                     sol.stats.get("shortfall_star_mt", 1.0) == 0.0)


def block_keys(b: Block) -> np.ndarray:
    """One int64 per entry of the block, equal for entries that mean the same thing in any
    model built from the same labels (subregions, periods, ...)."""
    dims = XB_KEY if b.name == "xB" else b.dims
    # Every coordinate is an index below 4,096 (169 subregions, 16 periods, ...) and no block
    # has more than five: 12 bits each fit an int64.
    key = np.zeros(b.size, np.int64)
    for d in dims:
        key = (key << 12) | b.coords[d].astype(np.int64)
    return key


def label(m: LPModel, basis: Basis) -> LabelledBasis:
    """The basis of model `m` keyed by meaning."""
    def keyed(blocks, status):
        out = {}
        for name, b in blocks.items():
            k = block_keys(b)
            order = np.argsort(k, kind="stable")
            out[name] = (k[order], status[b.slice()][order].astype(np.int8))
        return out
    return LabelledBasis(keyed(m.index.columns, basis.col_status), keyed(m.index.rows, basis.row_status))


def onto(lb: LabelledBasis, m: LPModel) -> Basis:
    """The labelled basis laid on model `m` (see the module docstring)."""
    col = np.full(m.n_col, LOWER, np.int8)
    row = np.full(m.n_row, BASIC, np.int8)
    for blocks, stored, out in ((m.index.columns, lb.columns, col), (m.index.rows, lb.rows, row)):
        for name, b in blocks.items():
            if name not in stored or stored[name][0].size == 0:
                continue
            keys, status = stored[name]
            mine = block_keys(b)
            pos = np.minimum(np.searchsorted(keys, mine), keys.size - 1)
            found = keys[pos] == mine
            out[b.start + np.flatnonzero(found)] = status[pos[found]]
    return Basis(col_status=col, row_status=row)
