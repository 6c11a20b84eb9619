"""A plan: which tasks a workflow runs, and which results each needs from the others.

A plan is data: the scheduler (`fastmonet.workflows.scheduler`) runs it on any executor, and a
test can read it without solving anything.  For a scenario set, the steps are solves and the
needs are the ISOLATION base of a SWITCH_Y scenario and the COOPERATION solve of an equal_cost
burden (`fastmonet.scenario_solve.needs`); for linkage, every structure needs ISOLATION (its
basis warm-starts them); for an ensemble, a member needs its coefficient block and the central
member's bases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Step", "Plan"]


@dataclass(frozen=True)
class Step:
    """One task of a plan.

    `key`: unique in the plan; `payload`: what the task works on (a Scenario, a draw, ...);
    `needs`: role -> key of an earlier step whose result this one takes; `optional`: the roles
    the step can do without (a failed one is left out of its `given`, e.g. a warm start);
    `shown`: asked for by the user (announced and counted), not only a dependency; `priority`:
    higher runs first where the executor orders its queue.
    """

    key: str
    payload: Any
    needs: Mapping[str, str] = field(default_factory=dict)
    shown: bool = True
    priority: int = 0
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Steps in an order where every step comes after the steps it needs."""

    steps: tuple[Step, ...]

    def __post_init__(self):
        seen: set[str] = set()
        for step in self.steps:
            if step.key in seen:
                raise ValueError(f"plan: two steps share the key {step.key!r}")
            missing = [k for k in step.needs.values() if k not in seen]
            if missing:
                raise ValueError(f"plan: step {step.key!r} needs {missing[0]!r}, which is not "
                                 "an earlier step")
            seen.add(step.key)

    def __getitem__(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def shown(self) -> list[Step]:
        return [s for s in self.steps if s.shown]

    def dependants(self, key: str) -> list[Step]:
        """The steps that need `key`, directly or through others."""
        out, frontier = [], {key}
        for step in self.steps:
            if frontier & set(step.needs.values()):
                out.append(step)
                frontier.add(step.key)
        return out
