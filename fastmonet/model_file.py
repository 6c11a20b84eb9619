"""The LP of a scenario as a file (MPS or LP format), with names that say what each column and
row is, so it can be opened by another solver or read by a person.

    fastmonet solve --scenario isolation --write-model isolation.mps     # or .lp
    model_file.write(model, "isolation.mps", shortfall_star_mt=sol.stats["shortfall_star_mt"])

The file holds the LP of the scenario's final (cost) stage, the one whose optimum fastmonet
reports: the cost objective (M US$), every column and row as `fastmonet.lp` built them, and the
least shortfall of the first stage as a bound (formulation §7, as `solver` does): with no shortfall
every shortfall column is fixed at 0, otherwise a row `shortfall_cap` limits their sum to
s* (1 + tol) + tol x world target.  Solving the file gives the objective fastmonet found.
Units are the LP's scaled ones (`fastmonet.lp_index`: kha, MtCO2, MtCO2/yr, plants, M US$).

Names are `block(label,label,...)` from `fastmonet.lp_index` labels, e.g.
`xA(BRA.1,tropical_rainforest,broadleaves,2020)` (area of a vintage), `target(world,2100)`;
a BECCS chain is `xB(source,plant,biomass,land,period)`.  Characters that LP files reserve
(`+ - * / < > = : [ ] ^` and spaces) become `_`.  HiGHS writes both formats (by extension).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from fastmonet import highs_process
from fastmonet.dimensions import BIOMASS, LAND_TYPES
from fastmonet.errors import InputError, SolveError
from fastmonet.lp import LPModel
from fastmonet.lp_index import Block, LPIndex

FORMATS = (".mps", ".lp")
CAP_ROW = "shortfall_cap"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.(),]")
# xB's `chain` coordinate is a position in the chain list; these coordinates say what it is.
_XB = (("source", "subregion"), ("plant", "subregion"), ("biomass", None), ("land", None),
       ("period", "period"))


def check_path(path, option: str = "--write-model") -> Path:
    """The file's format from its extension, checked before any work (InputError otherwise)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"{option} {path}: the file must end in .mps or .lp (the format HiGHS "
                         f"writes)")
    if path.exists() and path.is_dir():
        raise InputError(f"{option} {path}: is a folder")
    if not path.parent.exists():
        raise InputError(f"{option} {path}: folder {path.parent} does not exist")
    return path


def _labels(index: LPIndex, b: Block) -> list[np.ndarray]:
    """One array of label strings per coordinate of the block's entries."""
    extra = {"biomass": list(BIOMASS), "land": list(LAND_TYPES)}
    dims = [(d, lab) for d, lab in _XB] if b.name == "xB" and "source" in b.coords else \
        [(d, d) for d in b.dims]
    out = []
    for d, lab_dim in dims:
        idx = np.asarray(b.coords[d], np.int64)
        labels = index.labels.get(lab_dim) if lab_dim else extra.get(d)
        if labels is None:
            labels = extra.get(d)
        out.append(np.asarray([str(x) for x in labels], dtype=object)[idx] if labels is not None
                   else idx.astype(str).astype(object))
    return out


def block_names(index: LPIndex, b: Block) -> list[str]:
    """Names of a block's columns or rows, `name(label,label,...)` from the index labels, with the
    characters LP files reserve replaced by '_'."""
    parts = _labels(index, b)
    if not parts:
        return [b.name] * b.size
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + "," + p
    return [_UNSAFE.sub("_", f"{b.name}({x})") for x in joined]


def names(index: LPIndex, n_col: int, n_row: int) -> tuple[list[str], list[str]]:
    """Column and row names in model order (unique: a repeat gets a suffix `_k`)."""
    def build(blocks, n):
        out = [""] * n
        for b in blocks.values():
            out[b.start:b.stop] = block_names(index, b)
        seen: dict[str, int] = {}
        for i, nm in enumerate(out):
            if nm in seen:
                seen[nm] += 1
                out[i] = f"{nm}_{seen[nm]}"
            else:
                seen[nm] = 0
        return out
    return build(index.columns, n_col), build(index.rows, n_row)


def write(model: LPModel, path, shortfall_star_mt: float = 0.0) -> Path:
    """Write the cost-stage LP of `model` (see the module docstring) to `path` (.mps or .lp)."""
    import highspy
    path = check_path(path, "path")
    m = model
    s = m.index.columns["s"]
    upper = np.array(m.col_upper, np.float64)
    if shortfall_star_mt <= 0.0:
        upper[s.slice()] = 0.0
    h = highs_process.new_highs(verbose=False)
    st = h.passModel(int(m.n_col), int(m.n_row), int(m.a_value.size), 1, 1, 0.0,
                     np.ascontiguousarray(m.cost, np.float64),
                     np.ascontiguousarray(m.col_lower, np.float64), upper,
                     np.ascontiguousarray(m.row_lower, np.float64),
                     np.ascontiguousarray(m.row_upper, np.float64),
                     np.ascontiguousarray(m.a_start[:m.n_col], np.int32),
                     np.ascontiguousarray(m.a_index, np.int32),
                     np.ascontiguousarray(m.a_value, np.float64), np.zeros(m.n_col, np.int32))
    if st == highspy.HighsStatus.kError:
        raise SolveError(f"{path}: HiGHS rejected the model")
    cols, rows = names(m.index, m.n_col, m.n_row)
    if shortfall_star_mt > 0.0:
        tol = m.scenario.solver.shortfall_rel_tol
        cap = shortfall_star_mt * (1.0 + tol) + tol * m.target_total
        idx = np.arange(s.start, s.stop, dtype=np.int32)
        h.addRow(-highspy.kHighsInf, cap, idx.size, idx, np.ones(idx.size))
        rows.append(CAP_ROW)
    for j, nm in enumerate(cols):
        h.passColName(j, nm)
    for i, nm in enumerate(rows):
        h.passRowName(i, nm)
    if h.writeModel(str(path)) == highspy.HighsStatus.kError:
        raise SolveError(f"{path}: HiGHS could not write the model")
    return path
