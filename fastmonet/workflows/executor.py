"""Where the tasks of a workflow run: this process, local worker processes, or a dask cluster.

Every multi-solve workflow (scenario sets, linkage, one-at-a-time, ensembles) hands its tasks to
one of three executors with the same small interface, and `fastmonet.workflows.scheduler`
decides what to submit when:

- `Inline`: each task runs in this process when the scheduler waits for it (one at a time);
- `Processes`: a pool of forked worker processes (Linux; elsewhere `open` runs inline);
  objects `share`\\ d before the pool starts are inherited by the workers (the coefficients are
  not copied per task).  Only for tasks that run
  no Numba parallel kernel (LP builds and solves): a child forked after its parent used GNU
  OpenMP aborts when it starts a parallel region;
- `Dask`: a ``distributed.Client`` (a LocalCluster of single-threaded workers, or an existing
  scheduler's cluster); shared objects are scattered once.

    with executor.open(workers=2, kind="fork") as ex:
        handle = ex.share(coeffs)
        fut = ex.submit(task, handle, step)
        done = ex.wait_any([fut]); value = ex.result(fut)
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import sys
from concurrent import futures as cf
from typing import Any, Callable, Iterator

from fastmonet.errors import InputError

__all__ = ["Inline", "Processes", "Dask", "open", "local_cluster", "WORKER_ENV"]

#: Worker processes run single-threaded: the parallelism is in the number of workers.
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}


# ------------------------------------------------------------------------------------- inline
class _Lazy:
    """A task run when its result is first asked for (its exception kept, like a future's)."""

    _unset = object()

    def __init__(self, fn: Callable, args: tuple):
        self.fn, self.args = fn, args
        self.value: Any = self._unset
        self.error: BaseException | None = None

    def run(self) -> None:
        if self.value is self._unset and self.error is None:
            try:
                self.value = self.fn(*self.args)
            except Exception as exc:  # noqa: BLE001 - handed to whoever asks for the result
                self.error = exc

    def result(self):
        self.run()
        if self.error is not None:
            raise self.error
        return self.value


class Inline:
    """Every task in this process, run when the scheduler waits for it."""

    remote = False
    dashboard = None
    slots = 1            # the scheduler submits one task at a time: starts are announced exactly

    def share(self, obj):
        return obj

    def forward(self, value):
        """A finished task's result as an argument of the tasks that need it."""
        return value

    def submit(self, fn: Callable, *args, priority: int = 0) -> _Lazy:
        return _Lazy(fn, args)

    def wait_any(self, futs: list) -> list:
        futs[0].run()
        return [futs[0]]

    def result(self, fut: _Lazy):
        return fut.result()


# ---------------------------------------------------------------------------------- processes
_SHARED: dict[int, Any] = {}     # objects shared before the pool forked (inherited, not pickled)


class _Shared:
    """A handle to an object the worker inherited through fork."""

    def __init__(self, key: int):
        self.key = key


def _resolve(arg):
    return _SHARED[arg.key] if isinstance(arg, _Shared) else arg


def _call(fn: Callable, args: tuple):
    return fn(*(_resolve(a) for a in args))


class Processes:
    """A pool of `workers` forked processes; `share` objects before the first `submit`."""

    remote = True
    dashboard = None

    def __init__(self, workers: int):
        self.workers = self.slots = workers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._keys: list[int] = []

    def share(self, obj):
        if self._pool is not None:     # the workers exist already: the object travels per task
            return obj
        key = id(obj)
        _SHARED[key] = obj
        self._keys.append(key)
        return _Shared(key)

    def forward(self, value):
        return value

    def submit(self, fn: Callable, *args, priority: int = 0) -> cf.Future:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"))
        return self._pool.submit(_call, fn, args)

    def wait_any(self, futs: list) -> list:
        done, _ = cf.wait(futs, return_when=cf.FIRST_COMPLETED)
        return [f for f in futs if f in done]

    def result(self, fut: cf.Future):
        return fut.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        for key in self._keys:
            _SHARED.pop(key, None)


# --------------------------------------------------------------------------------------- dask
class Dask:
    """Tasks on a dask.distributed cluster through `client`."""

    remote = True
    slots = 1 << 30      # dask queues and orders the tasks itself (priorities)

    def __init__(self, client):
        self.client = client
        self.dashboard = client.dashboard_link

    def share(self, obj):
        return self.client.scatter(obj, broadcast=True, hash=False)

    def forward(self, value):
        """Sent to the cluster once, however many tasks need it (dask resolves the future)."""
        return self.client.scatter(value, hash=False)

    def submit(self, fn: Callable, *args, priority: int = 0):
        return self.client.submit(fn, *args, pure=False, priority=priority)

    def wait_any(self, futs: list) -> list:
        from distributed import wait
        done, _ = wait(futs, return_when="FIRST_COMPLETED")
        return [f for f in futs if f in done]

    def result(self, fut):
        return fut.result()


# ---------------------------------------------------------------------------------- choosing
def _can_fork() -> bool:
    """Fork only on Linux: Windows has none, and on macOS a forked child of a process that has
    loaded system frameworks may crash (why Python's default there is spawn)."""
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


@contextlib.contextmanager
def open(workers: int | None = 0, scheduler: str | None = None,  # noqa: A001 - executor.open
         kind: str = "fork") -> Iterator[Inline | Processes | Dask]:
    """The executor for `workers` processes (0 or 1: this process; None: one per core).

    `kind`: ``"fork"`` (a local process pool, the coefficients inherited) or ``"dask"`` (a
    LocalCluster, or the cluster of the dask scheduler at `scheduler`).
    """
    if kind not in ("fork", "dask"):
        raise InputError(f"kind: 'fork' or 'dask', got {kind!r}")
    if workers is None:
        workers = os.cpu_count() or 1
    if scheduler is None and workers <= (0 if kind == "dask" else 1):
        yield Inline()
        return
    if kind == "fork" and scheduler is None:
        if not _can_fork():
            yield Inline()
            return
        ex = Processes(workers)
        try:
            yield ex
        finally:
            ex.close()
        return
    from distributed import Client
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, ValueError, TypeError) as exc:
            raise InputError(f"--scheduler {scheduler}: no dask scheduler there ({exc})") from None
        try:   # tasks pin Numba to one thread themselves
            yield Dask(client)
        finally:
            client.close()
        return
    with local_cluster(workers) as cluster, Client(cluster) as client:
        yield Dask(client)


@contextlib.contextmanager
def local_cluster(k: int):
    """A LocalCluster of `k` single-threaded worker processes, Numba / BLAS / OpenMP pinned to
    one thread each (the variables are set before the worker processes start)."""
    import dask
    from distributed import LocalCluster
    env = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENV}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
        cluster = LocalCluster(n_workers=k, threads_per_worker=1, processes=True,
                               silence_logs=logging.ERROR, dashboard_address=":0")
    try:
        yield cluster
    finally:
        cluster.close()
