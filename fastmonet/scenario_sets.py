"""The scenario sets `fastmonet run` solves: the paper's P3 set and its Appendix E sensitivities.

- `paper()`: COOPERATION, CURRENT_POLICY, ISOLATION, SWITCH_2030/2050/2070/2090 with P3 targets
  and medium CO2 storage (formulation §6.7; the paper's Figs. 2-6).
- `appendix_e()`: COOPERATION, CURRENT_POLICY and ISOLATION under P4 targets, high CO2 storage,
  the high deployment rates (AR x10, BECCS and DAC x2.5) and, when `scenarios.Rates` has it, the
  build factor F = 10 (the paper's Fig. 19-20).
"""

from __future__ import annotations

import dataclasses

from fastmonet import scenarios
from fastmonet.scenarios import Rates, Scenario, SolverOptions

PAPER_POLICIES = ("cooperation", "current_policy", "isolation",
                  "switch_2030", "switch_2050", "switch_2070", "switch_2090")
SENSITIVITY_POLICIES = ("cooperation", "current_policy", "isolation")


def has_build_factor() -> bool:
    """Whether `Rates` has the build factor F, so the Appendix E set can include its sensitivity."""
    return "build_factor" in {f.name for f in dataclasses.fields(Rates)}


def paper(solver: SolverOptions | None = None) -> list[Scenario]:
    """The paper's P3, medium-storage scenarios (`PAPER_POLICIES`), the set `fastmonet run` solves."""
    return [scenarios.make(p, targets="p3", storage="medium", solver=solver)
            for p in PAPER_POLICIES]


def appendix_e(solver: SolverOptions | None = None) -> list[Scenario]:
    """The Appendix E sensitivities: P4 targets, high storage, high build rates (and the build factor
    when `Rates` has it), each for the `SENSITIVITY_POLICIES`."""
    ar, beccs, dac = scenarios.HIGH_RATES
    cases = [("p4", "medium", Rates()), ("p3", "high", Rates()),
             ("p3", "medium", Rates(ar=ar, beccs=beccs, dac=dac))]
    if has_build_factor():
        cases.append(("p3", "medium", Rates(build_factor=10.0)))
    return [scenarios.make(p, targets=t, storage=s, rates=r, solver=solver)
            for t, s, r in cases for p in SENSITIVITY_POLICIES]
