"""Each solve's cost-stage basis kept beside its results in a store, by meaning.

A scenario solved again into the same store (its inputs changed, `--overwrite`; or its group
damaged) starts its cost stage from the basis its last solve ended with
(`fastmonet.warm_start.Reference`, keyed by what each column and row means, so it lays onto an
LP of another shape): issue 20 measured COOPERATION's P3 solve from its own basis at 0.40 s
against 2.7 s cold.  The bases live in ``STORE/.bases/<scenario>.npz``, outside the zarr
hierarchy (a dot folder no reader lists), and only the entries that differ from the default a
missing entry gets (a column at its lower bound, a row basic) are kept: a few thousand per
scenario.  A basis that cannot be read is no error: the solve starts cold, and says so.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from fastmonet.solver import BASIC
from fastmonet.warm_start import LOWER, LabelledBasis, Reference

__all__ = ["FOLDER", "path", "save", "load"]

FOLDER = ".bases"


def path(store: str | os.PathLike, name: str) -> Path:
    """Where the basis of scenario group `name` of `store` is kept."""
    return Path(store) / FOLDER / f"{name}.npz"


def _sparse(blocks: dict, default: int, prefix: str) -> dict[str, np.ndarray]:
    out = {}
    for block, (keys, status) in blocks.items():
        keep = status != default
        out[f"{prefix}/{block}/keys"] = keys[keep]
        out[f"{prefix}/{block}/status"] = status[keep]
    return out


def save(store: str | os.PathLike, name: str, ref: Reference) -> Path:
    """Write `ref` for group `name` (atomically: a crash leaves the old file or none)."""
    target = path(store, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {**_sparse(ref.cost.columns, LOWER, "columns"),
                              **_sparse(ref.cost.rows, BASIC, "rows"),
                              "zero_shortfall": np.array(ref.zero_shortfall)}
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    os.replace(tmp, target)
    return target


def load(store: str | os.PathLike, name: str) -> Reference | None:
    """The basis kept for group `name`, or None (none kept, or unreadable: then cold)."""
    source = path(store, name)
    if not source.is_file():
        return None
    try:
        with np.load(source) as z:
            parts: dict[str, dict] = {"columns": {}, "rows": {}}
            for key in z.files:
                if key == "zero_shortfall":
                    continue
                kind, block, field = key.split("/")
                parts[kind].setdefault(block, {})[field] = z[key]
            zero = bool(z["zero_shortfall"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    blocks = {kind: {b: (v["keys"].astype(np.int64), v["status"].astype(np.int8))
                     for b, v in d.items()} for kind, d in parts.items()}
    return Reference(name, LabelledBasis(blocks["columns"], blocks["rows"]), zero)
