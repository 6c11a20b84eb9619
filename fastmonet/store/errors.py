"""The error a damaged, busy or mismatched store raises (an `InputError`: the CLI prints one line),
and `writing(...)`, which makes an `OSError` met while writing name what was being written."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from fastmonet.errors import InputError


class StoreError(InputError):
    """A store is damaged, locked by another writer, or holds results of other inputs.

    The message names the store, the group and (for damage) the variable.
    """


def store_where(path, group: str | None = None) -> str:
    """'store PATH, group G': the place a store error message names."""
    return f"store {path}" + (f", group {group!r}" if group else "")


@contextmanager
def writing(what: str) -> Iterator[None]:
    """Re-raise an `OSError` (a full disk, a lost mount, ...) as one naming `what`.

    zarr's chunk writes fail inside `file.write`, whose error carries no file name: without
    this a full disk reads "No space left on device" and nothing more.  The errno (and so the
    subclass, e.g. PermissionError) is kept; the file zarr was writing, if known, is kept too.
    """
    try:
        yield
    except OSError as exc:
        if getattr(exc, "fastmonet_where", None):
            raise                                   # already named by an inner `writing`
        why = exc.strerror or str(exc) or type(exc).__name__
        if exc.filename:
            why += f" ({exc.filename})"
        new = OSError(exc.errno, f"{why}: writing {what}")
        setattr(new, "fastmonet_where", what)     # a marker on the instance (OSError keeps its errno subclass)
        raise new from exc
