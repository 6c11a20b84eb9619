"""One checksum per stored array, recorded at write time and checked at read time.

zarr fills a missing chunk with the array's fill value without a word (a deleted `chain_plant`
chunk reads back as subregion 0), and a garbage chunk fails deep inside a codec with a message
that names no array.  Checksums of the *decoded* values, as xarray reads them, catch both:

    digest(values) -> "sha256:<hex>"          of one array's dtype kind, shape and values
    dataset_digests(ds, prefix) -> {prefix + variable: digest} for every variable and coordinate
    read_verified(path, group, expected, prefix) -> xr.Dataset loaded, each variable checked

Strings are hashed by value (fixed-width, object and StringDType arrays of the same strings give
the same digest), so the digest does not depend on how a backend chose to store text.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from fastmonet.store.errors import StoreError


def digest(values) -> str:
    """A sha256 of an array's dtype kind, shape and values (text by its characters, whatever the
    string dtype zarr returns), stored so a damaged array is found when read."""
    a = np.asarray(values)
    h = hashlib.sha256()
    if a.dtype.kind in "OUTST":     # T: numpy StringDType, as zarr 3 reads text
        items = [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel().tolist()]
        h.update(f"str{a.shape}".encode())
        h.update("\x1f".join(items).encode("utf-8", "surrogatepass"))
    else:
        h.update(f"{a.dtype.kind}{a.dtype.itemsize}{a.shape}".encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return "sha256:" + h.hexdigest()


def dataset_digests(ds: xr.Dataset, prefix: str = "") -> dict[str, str]:
    """Digest of every variable and coordinate of an in-memory Dataset, keyed `prefix + name`."""
    return {f"{prefix}{name}": digest(var.values) for name, var in ds.variables.items()}


def open_dataset(path: str | Path, group: str | None) -> xr.Dataset:
    """Lazily open one zarr group as a Dataset (no consolidated metadata: stores are appended)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not have a Zarr V3 specification.*")
        return xr.open_zarr(str(path), group=group or None, consolidated=False, chunks=None)


def where(path, group: str | None, name: str | None = None) -> str:
    """'store PATH, group G, variable V': the place a checksum message names."""
    out = f"store {path}"
    if group:
        out += f", group {group!r}"
    if name:
        out += f", variable {name!r}"
    return out


def read_verified(path: str | Path, group: str | None, expected: dict[str, str],
                  prefix: str = "") -> xr.Dataset:
    """Load a group's Dataset, checking every variable against `expected` (keys `prefix + name`).

    Raises `StoreError` naming store, group and variable for an unreadable (garbage) chunk, a
    checksum mismatch (missing chunk read back as fill values, altered data), a variable that is
    missing, or one that has no recorded checksum.
    """
    try:
        lazy = open_dataset(path, group)
    except Exception as exc:  # noqa: BLE001 - any failure to open means the group is damaged
        bad = _first_unreadable_array(path, group)
        raise StoreError(f"{where(path, group, bad)}: cannot be opened ({_short(exc)})") from None
    want = {k[len(prefix):]: v for k, v in expected.items() if k.startswith(prefix)}
    missing = sorted(set(want) - set(lazy.variables))
    if missing:
        raise StoreError(f"{where(path, group, missing[0])}: missing from the store")
    for key, var in lazy.variables.items():
        name = str(key)                 # xarray's names are Hashable; a zarr store's are str
        if name not in want:
            raise StoreError(f"{where(path, group, name)}: no recorded checksum (not written "
                             "by fastmonet's guarded writer, or altered)")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                values = var.load().values   # in place: the Dataset ends up loaded
        except Exception as exc:  # noqa: BLE001 - codec errors come in many types
            raise StoreError(f"{where(path, group, name)}: unreadable chunk ({_short(exc)})") \
                from None
        if digest(values) != want[name]:
            raise StoreError(f"{where(path, group, name)}: checksum mismatch (a chunk is "
                             "missing or altered)")
    return lazy


def _first_unreadable_array(path, group: str | None) -> str | None:
    """Which array of a group fails to read (opening reads coordinates eagerly)."""
    import zarr
    try:
        g = zarr.open_group(str(path), mode="r", path=group or "")
        for name, arr in g.arrays():
            try:
                arr[...]
            except Exception:  # noqa: BLE001
                return name
    except Exception:  # noqa: BLE001
        return None
    return None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]
