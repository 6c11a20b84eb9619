"""The LP of formulation §6, built as one CSC matrix with vectorised NumPy (`build`).

The build reads in five steps, one module each:

    checks      the coefficients Dataset as the build needs it (`check_coefficients`)
    instance    sizes, target groups, trade and capacities of a scenario (`Instance`)
    candidates  the columns that can be non-zero (`Candidates`, `overlap_twins`)
    rows        the row families and the row id of every cell (`Rows`, `RowIds`)
    columns     the column blocks as (row, value) tables (`Columns`)
    build       the CSC arrays, the index, SWITCH_Y fixings (`build`, `blocks`, `fixing_bounds`)

and `model` holds what comes out (`LPModel`) and the fixings that go in (`Fixings`).
"""

from fastmonet.lp.build import blocks, build, fixing_bounds
from fastmonet.lp.candidates import OPERATING_SHARE, Candidates, overlap_twins
from fastmonet.lp.checks import check_coefficients
from fastmonet.lp.columns import COLUMN_BLOCKS, Columns
from fastmonet.lp.instance import Instance
from fastmonet.lp.model import Fixings, LPModel
from fastmonet.lp.rows import ROW_FAMILIES, RowIds, Rows

__all__ = ["COLUMN_BLOCKS", "OPERATING_SHARE", "ROW_FAMILIES", "Candidates", "Columns", "Fixings",
           "Instance", "LPModel", "RowIds", "Rows", "blocks", "build", "check_coefficients",
           "fixing_bounds", "overlap_twins"]
