"""The report's figures drawn in parallel: each in a worker process, returned as its PNG.

Drawing is most of a report's time (tight layouts of many small axes, about 9 s of a run on two
cores), and the figures do not depend on each other: each figure function runs as a step of one
plan on the workflows' executor (forked processes, which inherit the run's datasets instead of
receiving copies) and comes back as PNG bytes.  With one worker they are drawn here, to the same
bytes (tests/faces/test_report_comparisons.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastmonet.workflows import executor, scheduler
from fastmonet.workflows.plan import Plan, Step

__all__ = ["Rendered", "render"]


@dataclass(frozen=True)
class Rendered:
    """A drawn figure: what the report writers read of a `figures.Figure`."""

    key: str
    title: str
    caption: str
    data: bytes

    def png(self) -> bytes:
        """The figure as PNG (drawn once, when it was rendered)."""
        return self.data

    def close(self) -> None:
        """Nothing to release: the matplotlib figure was closed where it was drawn."""


def _draw(makers: list, step: Step, given: dict) -> Rendered | None:
    f = makers[step.payload]()
    if f is None:
        return None
    try:
        return Rendered(f.key, f.title, f.caption, f.png())
    finally:
        f.close()


def render(makers: list, workers: int = 2) -> list[Rendered]:
    """The figures of `makers` (functions returning a `figures.Figure` or None), in order,
    drawn by `workers` processes (1: in this one); None entries dropped."""
    plan = Plan(tuple(Step(str(i), i) for i in range(len(makers))))
    with executor.open(workers, kind="fork") as ex:
        out = scheduler.run(plan, _draw, ex, context=ex.share(makers), carry=())
    return [out[s.key] for s in plan.steps if out[s.key] is not None]
