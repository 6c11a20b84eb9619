"""Guarded zarr groups: written whole, verified, marked complete last; read back verified.

    write(path, group, parts, attrs) -> checksums   # parts: {sub-group: Dataset}, "" = the group
    state(path, group) -> GroupState                # absent / incomplete / complete (metadata only)
    read(path, group) -> (parts, attrs)             # every array checked against its checksum
    remove(path, group)

A group's attributes, written in one atomic update after every array has been written and read
back: the caller's `attrs`, `parts` (the sub-groups), `checksums` ({"<part>/<variable>": digest}),
`provenance` (a dict, see `fastmonet.store.provenance`) and `complete = true`.  A run that stops
anywhere before that update leaves a group without `complete`, which readers refuse and writers
redo.  `group=""` is the store's root (a coefficient store).
Callers hold `fastmonet.store.lock.writer(path)` around `write` and `remove`.
"""

from __future__ import annotations

import json
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from fastmonet.store import checksums
from fastmonet.store.errors import StoreError, store_where, writing

RESERVED = ("complete", "parts", "checksums", "provenance")
# Root attributes that say what a store is (fastmonet.store.kinds): not part of any Dataset read.
STORE_ATTRS = ("fastmonet_store_kind", "fastmonet_store_layout")
REQUIRED = ("parts", "checksums", "provenance")


@dataclass
class GroupState:
    status: str                      # "absent", "incomplete", "complete" or "other" (not a group)
    attrs: dict = field(default_factory=dict)
    problem: str = ""                # why it is not usable, when it is not

    @property
    def complete(self) -> bool:
        return self.status == "complete"


def _group_dir(path: Path, group: str) -> Path:
    return path / group if group else path


def state(path: str | Path, group: str) -> GroupState:
    """What the group's metadata says (checksums are not read: see `read`)."""
    path = Path(path)
    meta = _group_dir(path, group) / "zarr.json"
    if not meta.exists():
        if group and _group_dir(path, group).is_dir():
            # The group's own metadata is written last: its folder alone is an interrupted write.
            return GroupState("incomplete", {}, "no group metadata (an interrupted write)")
        return GroupState("absent")
    try:
        doc = json.loads(meta.read_text())
    except (OSError, ValueError) as exc:
        return GroupState("incomplete", problem=f"unreadable metadata ({exc})")
    attrs = doc.get("attributes", {}) or {}
    if doc.get("node_type") != "group":
        # Something else of the store's own (a run store's root array): never a scenario's to
        # replace, so not "incomplete" (which writers redo by deleting it).
        return GroupState("other", attrs, f"a zarr {doc.get('node_type') or 'node'} of the "
                          "store, not a scenario group")
    if not attrs.get("complete", False):
        why = "an interrupted write" if "checksums" in attrs or "parts" in attrs else \
            "an interrupted write, or not written by fastmonet's guarded writer"
        return GroupState("incomplete", attrs, f"no completion mark ({why})")
    missing = [k for k in REQUIRED if k not in attrs]
    if missing:
        return GroupState("incomplete", attrs, f"attribute {missing[0]!r} missing (written by an "
                          "older fastmonet, or altered)")
    return GroupState("complete", attrs)


def remove(path: str | Path, group: str) -> None:
    """Delete a group (for the root: everything in the store folder, which stays)."""
    path = Path(path)
    target = _group_dir(path, group)
    if group:
        if state(path, group).status == "other":
            raise StoreError(f"{store_where(path, group)}: is not a group but one of the store's "
                             "own arrays; refusing to delete it")
        if target.exists():
            shutil.rmtree(target)
        return
    for child in path.iterdir() if path.exists() else ():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def _sub(group: str, part: str) -> str:
    return "/".join(p for p in (group, part) if p)


def write(path: str | Path, group: str, parts: dict[str, xr.Dataset], attrs: dict,
          provenance: dict) -> dict[str, str]:
    """Replace `group` by `parts`, verify every array, then write attributes and `complete`.

    An `OSError` on the way (a full disk) names the store and group; the group is left without
    `complete`, so it is solved again next time."""
    path = Path(path)
    bad = [k for k in attrs if k in RESERVED]
    if bad:
        raise ValueError(f"groups.write: attribute {bad[0]!r} is reserved")
    with writing(store_where(path, group)):
        return _write(path, group, parts, attrs, provenance)


def _write(path: Path, group: str, parts: dict[str, xr.Dataset], attrs: dict,
           provenance: dict) -> dict[str, str]:
    import zarr
    remove(path, group)
    if group:
        zarr.open_group(str(path), mode="a")     # the root first: the folder is a store at once
    digests: dict[str, str] = {}
    for part, ds in parts.items():
        prefix = f"{part}/" if part else ""
        digests.update(checksums.dataset_digests(ds, prefix))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*does not have a Zarr V3 specification.*")
            ds.to_zarr(str(path), group=_sub(group, part) or None, mode="a" if not part else "w",
                       consolidated=False)
    for part in parts:
        checksums.read_verified(path, _sub(group, part), digests, f"{part}/" if part else "")
    g = zarr.open_group(str(path), mode="a", path=group)
    g.attrs.update({**attrs, "parts": list(parts), "checksums": digests,
                    "provenance": provenance, "complete": True})
    return digests


def read(path: str | Path, group: str) -> tuple[dict[str, xr.Dataset], dict]:
    """Every part of a complete group, each array checked; `StoreError` names what is wrong."""
    st = state(path, group)
    if not st.complete:
        what = {"absent": "missing", "other": st.problem}.get(st.status,
                                                              f"incomplete: {st.problem}")
        raise StoreError(f"{checksums.where(path, group)}: {what}")
    sums = st.attrs["checksums"]
    parts = {}
    for part in st.attrs["parts"]:
        ds = checksums.read_verified(path, _sub(group, part) or None, sums,
                                     f"{part}/" if part else "")
        ds.attrs = {k: v for k, v in ds.attrs.items() if k not in RESERVED + STORE_ATTRS}
        parts[part] = ds
    return parts, st.attrs


def verify(path: str | Path, group: str) -> None:
    """Raise `StoreError` unless the group is complete and every array matches its checksum."""
    read(path, group)
