"""The store's write lock (fastmonet.store.lock): one writer at a time, and no lock file left
behind once a writer is done (`results.zarr.lock` once stayed beside every store)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from fastmonet.store import lock
from fastmonet.store.errors import StoreError

HOLD = """
import sys, time
from fastmonet.store import lock
with lock.writer(sys.argv[1], wait=True):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_no_lock_file_outlives_a_writer(tmp_path):
    store = tmp_path / "results.zarr"
    with lock.writer(store):
        assert lock.lock_path(store).exists()
    assert not lock.lock_path(store).exists()
    with pytest.raises(RuntimeError), lock.writer(store):
        raise RuntimeError("a failed run")
    assert not lock.lock_path(store).exists()


def _holder(store, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(store), str(seconds)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_waiting_writer_holds_the_lock_its_predecessor_removed(tmp_path):
    # The second writer opens the lock file, then waits; the first removes the file on release.
    # The second must then lock the store's current lock file, not the removed one, or a third
    # writer would run beside it.
    store = tmp_path / "results.zarr"
    first = _holder(store, 1.0)
    second = subprocess.Popen([sys.executable, "-c", HOLD, str(store), "3"],
                              stdout=subprocess.PIPE, text=True)
    assert second.stdout.readline().strip() == "held"    # after the first released it
    assert first.wait(10) == 0
    with pytest.raises(StoreError, match="being written by"):
        with lock.writer(store, wait=False):
            pass
    assert second.wait(10) == 0
    deadline = time.monotonic() + 10
    while lock.lock_path(store).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not lock.lock_path(store).exists()
