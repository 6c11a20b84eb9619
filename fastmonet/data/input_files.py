"""Which input files a run actually read, with a content hash of each (for provenance).

`record(paths, root)` maps each path, relative to `root` (the data folder, e.g. ``land.csv``,
``forest/table2_growth.csv``, ``technology/beccs.toml``), to the SHA-256 hex digest of its bytes.
The mapping travels as a JSON string in ``attrs["input_files"]`` (zarr and netCDF attrs hold
strings, not nested dicts); `merge` joins several such strings.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ATTR = "input_files"


def hash_file(path: Path) -> str:
    # Temporary twin of fastmonet.store.provenance.hash_file (H1); replaced once it lands.
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def key(path: Path, root: Path) -> str:
    """`path` relative to `root` with forward slashes (the absolute path if outside `root`)."""
    path, root = Path(path).resolve(), Path(root).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def record(paths, root: Path) -> dict[str, str]:
    return {key(p, root): hash_file(p) for p in sorted(paths)}


def to_json(files: dict[str, str]) -> str:
    return json.dumps(dict(sorted(files.items())), sort_keys=True)


def from_json(text: str | None) -> dict[str, str]:
    return dict(json.loads(text)) if text else {}


def merge(*texts: str | None) -> str:
    out: dict[str, str] = {}
    for t in texts:
        out.update(from_json(t))
    return to_json(out)
