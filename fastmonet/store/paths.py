"""Output paths checked before any work: a solve must not fail on its output after an hour.

    check_store_path(path, option)  -> Path   a zarr store we may create or add to
    check_writable_dir(path, option) -> Path  a folder that exists (created) and accepts files
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastmonet.errors import InputError


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_store_path(path, option: str = "--out") -> Path:
    """`path` may become or already is a zarr store that this process can write."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{option}: a path, got {type(path).__name__}")
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{option} {p}: exists and is not a folder (a zarr store is a folder)")
    if p.is_dir() and any(p.iterdir()) and not (p / "zarr.json").exists():
        raise InputError(f"{option} {p}: a non-empty folder that is not a zarr store; "
                         "give a new path")
    base = _nearest_existing(p)
    if not base.is_dir():
        raise InputError(f"{option} {p}: {base} is not a folder")
    created = not p.exists()
    _probe(p, option)
    if created:   # leave nothing behind if the run stops before writing
        try:
            for d in [p, *p.parents]:
                if d == base:
                    break
                d.rmdir()
        except OSError:
            pass
    return p


def _probe(p: Path, option: str) -> None:
    """Create the folder and a file in it: the only test that holds for root and read-only disks."""
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".fastmonet-probe-"):
            pass
    except FileExistsError:
        raise InputError(f"{option} {p}: exists and is not a folder") from None
    except OSError as exc:
        raise InputError(f"{option} {p}: cannot write there ({exc.strerror or exc})") from None


def check_writable_dir(path, option: str) -> Path:
    """Create `path` if needed and prove a file can be written there."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{option}: a path, got {type(path).__name__}")
    p = Path(path)
    _probe(p, option)
    return p
