"""Trading blocs: a partition of the regions and which biomass chains are offered.

A bloc is one target group (its members' targets summed; removal anywhere inside it counts) and
negative-emission credits trade inside a bloc only. `biomass_trade` says which BECCS chains the
LP may use: `all` (any source to any plant), `within_bloc` (source and plant in the same bloc),
`none` (source and plant in the same region).

The paper's three policies are special cases (`named`): COOPERATION is one bloc of all regions
with trade everywhere, CURRENT_POLICY singletons with biomass trade, ISOLATION singletons without.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from fastmonet.dimensions import REGIONS
from fastmonet.errors import InputError

TRADE_MODES = ("all", "within_bloc", "none")
#: Label of the bloc holding every region (the LP's world target group).
WORLD = "world"


@dataclass(frozen=True)
class Structure:
    """A partition of the regions into trading blocs, plus the biomass-trade mode.

    A bloc pools its members' targets and trades negative emissions inside it; biomass moves
    between regions as `biomass_trade` says.  Blocs are kept in a canonical order (members in
    `REGIONS` order, blocs by their first member) so that two spellings of one partition
    compare equal.  `Structure.parse` checks user input (every region in exactly one bloc).

    Parameters
    ----------
    blocs : tuple of tuple of str
        The blocs, each a tuple of region codes (BRA, CHN, EU, IND, USA).
    biomass_trade : {"all", "within_bloc", "none"}
        Where biomass may be traded: anywhere, inside a bloc, or not between regions at all.

    Raises
    ------
    InputError
        An unknown trade mode (and, from `parse`, a region missing, unknown or in two blocs).

    Examples
    --------
    >>> from fastmonet import blocs, scenarios
    >>> eu_usa = blocs.Structure.parse([["USA", "EU"], ["BRA"], ["CHN"], ["IND"]])
    >>> eu_usa.labels
    ['BRA', 'CHN', 'EU+USA', 'IND']
    >>> eu_usa == blocs.Structure((("EU", "USA"), ("BRA",), ("CHN",), ("IND",)))
    True
    >>> blocs.named("cooperation").labels
    ['world']
    >>> scenarios.make(blocs=eu_usa).name
    'blocs-BRA_CHN_EU.USA_IND-within-p3-medium'
    >>> blocs.Structure.parse([["EU"], ["USA"]])
    Traceback (most recent call last):
    ...
    fastmonet.errors.InputError: blocs: region 'BRA' is in no bloc (a region alone is a bloc of one: ["BRA"])
    """

    blocs: tuple[tuple[str, ...], ...]
    biomass_trade: str = "within_bloc"

    def __post_init__(self):
        object.__setattr__(self, "blocs", _canonical(self.blocs))
        if self.biomass_trade not in TRADE_MODES:
            raise InputError(f"biomass_trade: {self.biomass_trade!r} must be one of "
                             f"{', '.join(TRADE_MODES)}")

    @classmethod
    def parse(cls, blocs, biomass_trade: str = "within_bloc", regions: Sequence[str] = REGIONS,
              where: str = "blocs") -> "Structure":
        """Validate user input: every region in exactly one bloc, no unknown region."""
        if isinstance(blocs, str) or not isinstance(blocs, (list, tuple)) or not blocs:
            raise InputError(f"{where}: expected a list of blocs (lists of region codes), "
                             f"got {blocs!r}")
        seen: dict[str, int] = {}
        for i, bloc in enumerate(blocs):
            if isinstance(bloc, str) or not isinstance(bloc, (list, tuple)) or not bloc:
                raise InputError(f"{where}[{i}]: expected a non-empty list of region codes, "
                                 f"got {bloc!r}")
            for r in bloc:
                if r not in regions:
                    raise InputError(f"{where}[{i}]: unknown region {r!r}; regions are "
                                     f"{', '.join(regions)}")
                if r in seen:
                    raise InputError(f"{where}: region {r!r} is in two blocs "
                                     f"({where}[{seen[r]}] and {where}[{i}])")
                seen[r] = i
        missing = [r for r in regions if r not in seen]
        if missing:
            raise InputError(f"{where}: region {missing[0]!r} is in no bloc (a region alone is "
                             f"a bloc of one: [\"{missing[0]}\"])")
        if not isinstance(biomass_trade, str) or biomass_trade not in TRADE_MODES:
            raise InputError(f"{where}: biomass_trade {biomass_trade!r} must be one of "
                             f"{', '.join(TRADE_MODES)}")
        return cls(tuple(tuple(b) for b in blocs), biomass_trade)

    # ------------------------------------------------------------------ labels and lookups
    @property
    def labels(self) -> list[str]:
        """"world" for a bloc of every region of the structure, else "EU+USA"-style joins."""
        every = {r for b in self.blocs for r in b}
        return [WORLD if set(b) == every else bloc_label(b) for b in self.blocs]

    def bloc_index(self, regions: Sequence[str]) -> np.ndarray:
        """For each region (in the given order) the index of its bloc in `self.blocs`."""
        where = {r: i for i, b in enumerate(self.blocs) for r in b}
        missing = [r for r in regions if r not in where]
        if missing:
            raise InputError(f"blocs: region {missing[0]!r} of the data is in no bloc")
        return np.array([where[r] for r in regions], dtype=np.int64)

    def trade_allowed(self, regions: Sequence[str]) -> np.ndarray:
        """(source region, plant region) -> may a chain between them be offered."""
        n = len(regions)
        if self.biomass_trade == "all":
            return np.ones((n, n), bool)
        if self.biomass_trade == "none":
            return np.eye(n, dtype=bool)
        b = self.bloc_index(regions)
        return b[:, None] == b[None, :]

    def merged(self, i: int, j: int) -> "Structure":
        """The structure with blocs i and j joined."""
        keep = [b for k, b in enumerate(self.blocs) if k not in (i, j)]
        return Structure(tuple(keep) + (self.blocs[i] + self.blocs[j],), self.biomass_trade)

    def describe(self) -> str:
        return " | ".join("+".join(b) for b in self.blocs) + f" (biomass trade: {self.biomass_trade})"


def bloc_label(members: Iterable[str]) -> str:
    """The label of a bloc, its members joined by '+' ("EU+USA"), as in reports and target groups."""
    return "+".join(members)


def _canonical(blocs) -> tuple[tuple[str, ...], ...]:
    rank = {r: i for i, r in enumerate(REGIONS)}
    inner = [tuple(sorted(b, key=lambda r: rank.get(r, len(rank)))) for b in blocs]
    return tuple(sorted(inner, key=lambda b: rank.get(b[0], len(rank))))


def singletons(regions: Sequence[str] = REGIONS, biomass_trade: str = "none") -> Structure:
    """Every region a bloc of its own (ISOLATION with `biomass_trade` 'none', CURRENT_POLICY with 'all')."""
    return Structure(tuple((r,) for r in regions), biomass_trade)


def one_bloc(regions: Sequence[str] = REGIONS, biomass_trade: str = "all") -> Structure:
    """All `regions` in one bloc: one pooled target, credits traded everywhere (COOPERATION)."""
    return Structure((tuple(regions),), biomass_trade)


def named(policy: str, regions: Sequence[str] = REGIONS) -> Structure:
    """The structure of COOPERATION, CURRENT_POLICY or ISOLATION over `regions`."""
    if policy == "cooperation":
        return one_bloc(regions, biomass_trade="all")
    if policy == "current_policy":
        return singletons(regions, biomass_trade="all")
    if policy == "isolation":
        return singletons(regions, biomass_trade="none")
    raise InputError(f"blocs: no named structure for policy {policy!r}")
