"""What a report was made from: versions, input hashes, solver options, times.

Uses `fastmonet.store.provenance` (the result store's provenance) when it is installed, else
hashes the data folder itself, so a report can always be traced to its inputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path


def _hash_tree(folder: Path) -> dict[str, str]:
    try:
        from fastmonet.store.provenance import hash_tree
        return hash_tree(folder)
    except ImportError:
        out = {}
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.suffix in (".csv", ".toml"):
                out[p.relative_to(folder).as_posix()] = \
                    "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()
        return out


def _versions() -> dict[str, str]:
    from fastmonet.store.provenance import environment
    return dict(environment())


PER_SCENARIO = ("scenario_key", "input_key", "started", "finished", "written")


def _per_scenario(results: dict) -> dict:
    """What the result store recorded for each scenario (`Results.provenance`, when present)."""
    out = {}
    for name, res in results.items():
        p = getattr(res, "provenance", None) or {}
        row = {k: p[k] for k in PER_SCENARIO if k in p}
        if "highs_options" in p:
            row["highs_options"] = p["highs_options"]
        out[name] = row
    return out


def collect(data_path=None, coeffs=None, scenarios=(), started=None, finished=None,
            command: str = "", results: dict | None = None) -> dict:
    """A JSON-able record: versions, input files and their hashes, solver options, times, and
    per scenario what the result store recorded (content keys, solve times)."""
    from fastmonet import bundled
    folder = Path(data_path) if data_path is not None else bundled.DATA_DIR
    files = None
    stored = [getattr(r, "provenance", None) or {} for r in (results or {}).values()]
    if stored and "input_files" in stored[0]:
        files = dict(stored[0]["input_files"])
    elif coeffs is not None and "input_files" in coeffs.attrs:
        v = coeffs.attrs["input_files"]
        files = json.loads(v) if isinstance(v, str) else dict(v)
    if files is None and folder.is_dir():
        files = _hash_tree(folder)
    files = files or {}
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    solvers = sorted({json.dumps(asdict(s.solver), sort_keys=True) for s in scenarios})
    return {
        **_versions(),
        "command": command,
        "data_folder": str(folder),
        "inputs_digest": "sha256:" + digest,
        "input_files": files,
        "solver_options": [json.loads(s) for s in solvers],
        "started": started or "",
        "finished": finished or "",
        "scenarios": _per_scenario(results or {}),
    }
