"""The one scheduler: runs a plan's steps on an executor as their needs complete.

Every multi-solve workflow goes through `run`, so what happens when a solve fails is decided
here, once: an exception of a `carry` type becomes that step's `Failure` and the others go on;
a step whose need failed is not run and fails with a message naming what it needed; any other
exception (a bug) stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from fastmonet.errors import InputError, SolveError
from fastmonet.workflows.plan import Plan, Step

__all__ = ["CARRY", "Failure", "run"]

#: What a failed solve raises: carried as that step's Failure, the others go on.
CARRY: tuple[type[BaseException], ...] = (InputError, SolveError)


@dataclass(frozen=True)
class Failure:
    """A step that did not produce a result: the exception, or the failed need it waited for."""

    key: str
    error: BaseException

    @property
    def message(self) -> str:
        return str(self.error)


def _need_failed(step: Step, role: str, failure: Failure, label: Callable[[str, Step], str]):
    return SolveError(f"needs the {label(role, step)} solution ({failure.key}), which failed: "
                      f"{failure.message}")


def run(plan: Plan, task: Callable[[Any, Step, dict], Any], executor, *, context: Any = None,
        done: dict[str, Any] | None = None,
        carry: tuple[type[BaseException], ...] = CARRY,
        on_start: Callable[[Step], None] | None = None,
        on_result: Callable[[Step, Any, bool], None] | None = None,
        on_failure: Callable[[Step, Failure], None] | None = None,
        label: Callable[[str, Step], str] = lambda role, step: role) -> dict[str, Any]:
    """Run every step of `plan` not in `done` (key -> result already known, e.g. reused from a
    store); returns key -> result or `Failure`.

    `task(context, step, given)` runs on the executor (a module-level function: it is pickled
    there); `context` is what every task shares (pass `executor.share(obj)`: sent once), and
    `given` maps each of the step's roles to the result of the step it needs.  The callbacks run in this process, for
    every step: `on_start` just before a step is submitted, `on_result(step, result, reused)` as
    it completes (reused: it was in `done`), `on_failure(step, failure)`.  `label(role, step)`
    names a need in the message of a step whose need failed.
    """
    results: dict[str, Any] = {}
    waiting = list(plan.steps)
    running: dict[Any, Step] = {}
    known = dict(done or {})
    forwarded: dict[str, Any] = {}     # key -> the result as the executor passes it on

    def need(key: str):
        if key not in forwarded:
            forwarded[key] = executor.forward(results[key])
        return forwarded[key]

    def finish(step: Step, value, reused: bool = False) -> None:
        results[step.key] = value
        if isinstance(value, Failure):
            if on_failure is not None:
                on_failure(step, value)
        elif on_result is not None:
            on_result(step, value, reused)

    def ready(step: Step) -> bool | None:
        """True: its needs are done; None: a need failed; False: not yet."""
        for role, key in step.needs.items():
            if isinstance(results.get(key), Failure) and role not in step.optional:
                finish(step, Failure(step.key, _need_failed(step, role, results[key], label)))
                return None
            if key not in results:
                return False
        return True

    while waiting or running:
        for step in list(waiting):
            if len(running) >= executor.slots:
                break
            if step.key in known:
                waiting.remove(step)
                finish(step, known[step.key], reused=True)
                continue
            state = ready(step)
            if state is None:
                waiting.remove(step)
            elif state:
                waiting.remove(step)
                given = {role: need(key) for role, key in step.needs.items()
                         if not isinstance(results[key], Failure)}
                if on_start is not None:
                    on_start(step)
                running[executor.submit(task, context, step, given, priority=step.priority)] = step
        if not running:
            if waiting and not any(s.key in known or all(k in results for k in s.needs.values())
                                   for s in waiting):
                raise RuntimeError(f"plan: {waiting[0].key!r} waits for a step that never runs")
            continue
        for fut in executor.wait_any(list(running)):
            step = running.pop(fut)
            try:
                value = executor.result(fut)
            except carry as exc:
                value = Failure(step.key, exc)
            finish(step, value)
    return results
