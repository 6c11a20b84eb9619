"""The formulation §2.8 vintage coefficients of a member block's cells, arranged for speed, bit for
bit: the checked entry points to the kernels of `kernels.block_vintages` (installed as
`fastmonet.kernels.block_vintages`, which says how the cells are laid side by side).

- `stock_vintages` is `fastmonet.stand.vintage_coefficients` on a block of cells;
- `flow_vintages` its special case of a zero stock and unit factors (the cost coefficients);
- `fused_vintages` the operation flows and both of the above in one pass.

tests/workflows/test_ensemble.py checks them against `fastmonet.stand.vintage_coefficients` byte for byte.
"""

from __future__ import annotations

import numpy as np

from fastmonet.kernels.block_vintages import flow_kernel, fused_kernel, stock_kernel


def stock_vintages(stock: np.ndarray, flows: np.ndarray, factors: np.ndarray,
                   period_years: int, n_periods: int, rows: np.ndarray | None = None) -> np.ndarray:
    """`fastmonet.stand.vintage_coefficients(stock[rows], flows, factors)`, the same doubles.

    stock (n_stock, H+1) (cells sharing a trajectory share a row: `rows` (n,) picks each cell's,
    default one row per cell), flows (n, K, H+1), factors (K, period_years * n_periods),
    H >= the window.
    """
    rows = np.arange(stock.shape[0]) if rows is None else rows
    return stock_kernel(np.ascontiguousarray(stock, dtype=np.float64),
                         np.ascontiguousarray(rows, dtype=np.int64),
                         np.ascontiguousarray(flows, dtype=np.float64),
                         np.ascontiguousarray(factors, dtype=np.float64), int(period_years), int(n_periods))


def flow_vintages(flows: np.ndarray, period_years: int, n_periods: int) -> np.ndarray:
    """`fastmonet.stand.vintage_coefficients(zeros, flows, ones)` for one flow (n, 1, H+1),
    the same doubles (the caller negates it for costs, as `build_ar` does)."""
    if flows.ndim != 3 or flows.shape[1] != 1:
        raise ValueError(f"flow_vintages: flows must be (n, 1, H+1), got {flows.shape}")
    return flow_kernel(np.ascontiguousarray(flows, dtype=np.float64), int(period_years), int(n_periods))


def fused_vintages(stock: np.ndarray, th: np.ndarray, rows: np.ndarray, units: np.ndarray,
                   crf: float, capital_years: int, factors: np.ndarray, period_years: int,
                   n_periods: int):
    """(removal, cost, ok): `operation_flows` of the cells (stock and thinning rows `rows` of
    `stock` / `th`, unit quantities `units` (n, 10) in `coefficients.ar.UNIT_FIELDS` order) and
    their `stock_vintages` / `-flow_vintages`, in one pass without the (n, K, H+1) flow arrays;
    the same doubles. ok is False if a flow was not finite (the results are then not to be used).
    """
    removal, cost, bad = fused_kernel(
        np.ascontiguousarray(stock, dtype=np.float64), np.ascontiguousarray(th, dtype=np.float64),
        np.ascontiguousarray(rows, dtype=np.int64), np.ascontiguousarray(units, dtype=np.float64),
        float(crf), int(capital_years), np.ascontiguousarray(factors, dtype=np.float64),
        int(period_years), int(n_periods))
    return removal, cost, not bad
