"""The LP as it is handed to HiGHS (`LPModel`), and the fixings of a SWITCH_Y scenario."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fastmonet.lp_index import LPIndex
from fastmonet.scenarios import Scenario


@dataclass
class Fixings:
    """Values (natural units) that decisions of periods up to `last_period` are fixed to (SWITCH_Y)."""

    last_period: int                   # index of the last fixed period (end year <= Y)
    ar_area: np.ndarray                # (subregion, ecozone, forest_type, vintage) ha
    beccs: np.ndarray                  # (chain,) tCO2/yr
    dac: np.ndarray                    # (tech, subregion, period) tCO2/yr
    plants: np.ndarray                 # (subregion, period) plants built
    dac_capacity: np.ndarray           # (tech, subregion, period) tCO2/yr built


@dataclass
class LPModel:
    """The LP in HiGHS's column-wise form plus the index that labels it."""

    n_col: int
    n_row: int
    a_start: np.ndarray                # int32, n_col + 1
    a_index: np.ndarray                # int32, nnz
    a_value: np.ndarray                # float64, nnz
    cost: np.ndarray                   # cost objective (M US$)
    shortfall_cost: np.ndarray         # shortfall objective (MtCO2): 1 on s columns
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    index: LPIndex
    scenario: Scenario
    target_total: float                # world 2100 target, LP units (MtCO2)
    build_s: float = 0.0
    info: dict = field(default_factory=dict)
    #: Columns a column-generation solver should start with: under SWITCH_Y, the chains the
    #: ISOLATION solution uses in any period, a known feasible completion of the fixed decisions.
    warm_columns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: (2, n) chain indices: row 0 the `mal` chain whose xB column also stands for the identical
    #: `overlap` chain in row 1 (formulation §6.10); see `overlap_twins` and `beccs_rates`.
    merged_chains: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.int64))

    @property
    def nnz(self) -> int:
        return int(self.a_value.size)

    def column_arrays(self, cols: np.ndarray):
        """CSC arrays (starts of length k + 1, index, value) of the columns `cols`."""
        a0 = self.a_start[cols].astype(np.int64)
        lens = self.a_start[cols + 1].astype(np.int64) - a0
        starts = np.zeros(cols.size + 1, np.int64)
        np.cumsum(lens, out=starts[1:])
        pos = np.repeat(a0 - starts[:-1], lens) + np.arange(starts[-1])
        return starts, self.a_index[pos], self.a_value[pos]

    def matrix(self):
        import scipy.sparse as sp
        return sp.csc_matrix((self.a_value, self.a_index, self.a_start),
                             shape=(self.n_row, self.n_col))

