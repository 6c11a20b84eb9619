"""One writer per store: an advisory lock (fcntl.flock) on the sidecar file `STORE.lock`.

    with lock.writer(path, wait=True, on_wait=print):   # creates the store folder if needed
        ... write groups ...

A second writer either waits (after `on_wait` is told who holds the lock) or, with `wait=False`,
gets a `StoreError` naming the store and the holder.  The lock belongs to the open file, so the
kernel releases it when the process ends in any way (kill -9 included): no stale locks to clean.
A writer removes the file on release (one left by a killed process is harmless and reused).
Readers take no lock; they rely on the `complete` mark written last (see `fastmonet.store.groups`).
`flock` is advisory and local: it does not protect a store shared over some network filesystems.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import platform
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from fastmonet.store.errors import StoreError, writing

NO_WAIT_ADVICE = "try again when it has finished (or run without --no-wait to wait)"
LOCK_SUFFIX = ".lock"   # beside the store: zarr warns about any foreign file inside one
# Stores this process already holds: flock conflicts between two open files of one process too,
# so nested writers (solve_many -> Results.to_zarr) share the outer lock instead of deadlocking.
_HELD: dict[Path, int] = {}


def _holder(fh) -> str:
    try:
        fh.seek(0)
        info = json.loads(fh.read() or "{}")
        return (f"pid {info.get('pid', '?')} on {info.get('host', '?')} since "
                f"{info.get('since', '?')}")
    except (OSError, ValueError):
        return "another process"


def lock_path(path: str | Path) -> Path:
    """The lock file beside a store (`<name>` + `LOCK_SUFFIX`), outside it so writes never touch it."""
    path = Path(path)
    return path.with_name(path.name + LOCK_SUFFIX)


def _open(path: Path):
    """The lock file, creating the store folder; None when this process holds the lock."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        if path.resolve() in _HELD:
            return None
        return open(lock_path(path), "a+")
    except OSError as exc:
        raise StoreError(f"store {path}: cannot be created or written "
                         f"({exc.strerror or exc})") from None


def _still_there(fh, path: Path) -> bool:
    """Whether the file locked is still the store's lock file: its holder removes it on release,
    so a writer that opened it just before may hold a lock on a file nobody else will open."""
    try:
        return os.fstat(fh.fileno()).st_ino == os.stat(lock_path(path)).st_ino
    except FileNotFoundError:
        return False


def _release(fh, path: Path) -> None:
    """Remove the lock file while still holding its lock (no lock file outlives a run), then
    close it, which releases the lock."""
    try:
        os.unlink(lock_path(path))
    except OSError:
        pass                            # gone already, or a read-only folder: harmless
    fh.close()


def _locked(path: Path, fh, wait: bool, on_wait, advice: str):
    """`fh` locked, or the store's current lock file if its holder removed `fh`'s meanwhile."""
    while True:
        try:
            _acquire(fh, path, wait, on_wait, advice)
        except BaseException:
            fh.close()
            raise
        if _still_there(fh, path):
            return fh
        fh.close()
        fh = _open(path)


def _acquire(fh, path: Path, wait: bool, on_wait, advice: str) -> None:
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
    who = _holder(fh)
    if not wait:
        raise StoreError(f"store {path}: being written by {who}; {advice}")
    if on_wait is not None:
        on_wait(f"store {path}: being written by {who}; waiting for it to finish")
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


@contextmanager
def writer(path: str | Path, wait: bool = True,
           on_wait: Callable[[str], None] | None = None,
           advice: str = NO_WAIT_ADVICE) -> Iterator[Path]:
    """Hold the store's write lock for the duration of the block (creates the folder).
    `advice`: what the refusal (`wait=False`) tells the user to do."""
    path = Path(path)
    fh = _open(path)
    key = path.resolve()
    if fh is None:                      # nested: this process already holds it
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    fh = _locked(path, fh, wait, on_wait, advice)
    try:
        with writing(f"the lock file {lock_path(path)}"):
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps({"pid": os.getpid(), "host": platform.node(),
                                 "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}))
            fh.flush()
        _HELD[key] = 1
        try:
            yield path
        finally:
            del _HELD[key]
    finally:
        _release(fh, path)
