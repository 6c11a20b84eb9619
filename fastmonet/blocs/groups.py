"""What the LP needs from a scenario's trading blocs: target groups and allowed chains per period.

Group labels are the regions, then "world", then any other bloc (e.g. "EU+USA") in order of first
use, so COOPERATION, CURRENT_POLICY, ISOLATION and SWITCH_Y number their groups exactly as the
LP always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from fastmonet.blocs.structure import WORLD


@dataclass(frozen=True)
class TargetGroups:
    labels: list[str]          # group labels (regions, "world", other blocs)
    of_region: np.ndarray      # (region, year) -> group index
    members: list[list[str]]   # regions of each group

    def mask(self) -> np.ndarray:
        """(group, year): the group has a target row in that year."""
        n_g = len(self.labels)
        out = np.zeros((n_g, self.of_region.shape[1]), bool)
        out[self.of_region, np.arange(self.of_region.shape[1])[None, :]] = True
        return out

    def target(self, regional: np.ndarray) -> np.ndarray:
        """(group, year) target: the sum of its members' (region, year) targets."""
        out = np.zeros((len(self.labels), regional.shape[1]))
        np.add.at(out, (self.of_region, np.arange(regional.shape[1])[None, :]), regional)
        return out


def target_groups(scenario, regions: Sequence[str], years: Sequence[int] | np.ndarray) -> TargetGroups:
    """The target group of every region in every reporting year under `scenario`'s structure at
    that year: one group per region, then the world, then each other bloc in order of first use."""
    labels = list(regions) + [WORLD]
    members = [[r] for r in regions] + [list(regions)]
    of_region = np.zeros((len(regions), len(years)), np.int64)
    for t, year in enumerate(years):
        st = scenario.structure_at(int(year), regions)
        bloc = st.bloc_index(regions)
        for b, label in enumerate(st.labels):
            if label not in labels:
                labels.append(label)
                members.append(list(st.blocs[b]))
            of_region[bloc == b, t] = labels.index(label)
    return TargetGroups(labels, of_region, members)


def trade_allowed(scenario, regions: Sequence[str], years: Sequence[int] | np.ndarray) -> np.ndarray:
    """(period, source region, plant region): may a BECCS chain of that period be offered."""
    return np.stack([scenario.structure_at(int(y), regions).trade_allowed(regions)
                     for y in years])
