"""HiGHS's process-wide state in one place: its banner, its thread scheduler and its log.

Every `highspy.Highs` fastmonet makes comes from `new_highs`, and every solve runs through `run`,
because three things in HiGHS belong to the process rather than to an instance:

- **The banner.**  HiGHS 1.16 prints "Running HiGHS ... Copyright ..." on the C-level stdout when
  the first instance of a process is made, before any option can be set.  stdout of a `--csv`
  command must carry CSV alone, so that first construction runs with file descriptor 1 pointed
  at stderr (verbose) or at the null device.
- **The thread scheduler.**  One scheduler serves every instance of a process; the first `run`
  makes it with that instance's `threads` option.  An instance asking another explicit count
  later (an ensemble member's `threads=1` after a solve with HiGHS's default) is refused: `run`
  returns kError with model status "Not Set".  HiGHS 1.16 made its default two threads on a
  two-core machine (one before), which is when every notebook user met this.  `run` therefore
  resets the scheduler when an instance asks for a count other than the one it was made with.
  Solves in threads of one process must agree on `threads` (the ensemble runs one per process).
- **The log.**  With `verbose`, HiGHS's log reaches stderr through its logging callback, never
  stdout.  HiGHS up to 1.11 calls the callback only while `log_to_console` is on (and then prints
  nothing itself); later versions call it with `log_to_console` off.  Which one is at hand is
  probed once per process.
"""

from __future__ import annotations

import os
import sys
import threading
from importlib import metadata

_lock = threading.Lock()
_made_one = False                 # the banner is printed by the first instance of a process
_scheduler_threads: int | None = None   # the explicit count the scheduler was last made with
_callback_without_console: bool | None = None

__all__ = ["new_highs", "run", "highs_version"]


def highs_version() -> str:
    """The installed highspy's version ("unknown" if its metadata cannot be read), without
    making a `Highs` (which would print the banner)."""
    try:
        return metadata.version("highspy")
    except metadata.PackageNotFoundError:
        return "unknown"


def new_highs(verbose: bool = False, threads: int | None = None):
    """A `highspy.Highs` with its output off (or, with `verbose`, its log on stderr) and
    `threads` set when given; the process's first one made without writing to stdout."""
    import highspy
    global _made_one
    with _lock:
        if _made_one:
            h = highspy.Highs()
        else:
            h = _quietly(highspy.Highs, to_stderr=verbose)
            _made_one = True
    _set(h, "output_flag", bool(verbose))
    if verbose:
        _log_to_stderr(h)
    if threads is not None:
        _set(h, "threads", int(threads))
    return h


def run(h):
    """`h.run()`, on a thread scheduler made with the instance's `threads` option."""
    threads = _option(h, "threads")
    if threads:                   # 0: HiGHS's default, which any running scheduler serves
        _claim_scheduler(int(threads))
    return h.run()


def _claim_scheduler(threads: int) -> None:
    global _scheduler_threads
    import highspy
    with _lock:
        if _scheduler_threads == threads:
            return
        reset = getattr(highspy.Highs, "resetThreadScheduler", None) \
            or highspy.Highs.resetGlobalScheduler           # its name before HiGHS 1.16
        reset(True)               # blocking: waits for the scheduler's workers to stop
        _scheduler_threads = threads


def _quietly(make, to_stderr: bool):
    """`make()` with file descriptor 1 pointed at stderr or the null device meanwhile."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):   # no usable stdout (a daemon, a closed descriptor)
        return make()
    target = os.dup(2) if to_stderr else os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(target, 1)
        return make()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(target)


def _log_to_stderr(h) -> None:
    def write(event) -> None:
        sys.stderr.write(event.message)
    h.cbLogging.subscribe(write)
    _set(h, "log_to_console", not _callback_fires_without_console())


def _callback_fires_without_console() -> bool:
    """Whether this HiGHS calls the logging callback while `log_to_console` is off (probed once
    by asking for an unknown option, which HiGHS reports through its log)."""
    global _callback_without_console
    if _callback_without_console is None:
        import highspy
        probe = highspy.Highs()
        heard: list[str] = []
        probe.setOptionValue("output_flag", True)
        probe.setOptionValue("log_to_console", False)
        probe.cbLogging.subscribe(lambda event: heard.append(event.message))
        probe.setOptionValue("fastmonet_log_probe", 1)
        _callback_without_console = bool(heard)
    return _callback_without_console


def _option(h, name: str):
    got = h.getOptionValue(name)
    return got[1] if isinstance(got, tuple) else got   # highspy < 1.8 returned (status, value)


def _set(h, name: str, value) -> None:
    import highspy

    from fastmonet.errors import SolveError
    if h.setOptionValue(name, value) == highspy.HighsStatus.kError:
        raise SolveError(f"solver options: HiGHS rejected option {name}={value!r}")
