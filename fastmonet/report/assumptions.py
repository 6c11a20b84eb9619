"""How much of a run's input data is assumed: the report's words on it.

Counts come from `fastmonet.data.status` (what `fastmonet data sources` prints): every value of
the files the model reads (the data folder's top-level CSVs and `forest/`; `sources/` holds the
raw inputs of the build scripts, not read by a run) is `sourced`, `derived` or `assumed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastmonet.errors import InputError

# A field is listed when at least this share of its values is assumed.
LISTED_SHARE = 0.5


@dataclass(frozen=True)
class Assumed:
    folder: str
    total: int = 0                   # values the model reads
    assumed: int = 0
    derived: int = 0
    # (file, field, assumed, total) of every field at least LISTED_SHARE assumed, most first
    fields: list[tuple[str, str, int, int]] = field(default_factory=list)
    error: str = ""                  # why nothing was counted (a folder without statuses)

    @property
    def share(self) -> float:
        return self.assumed / self.total if self.total else float("nan")

    def sentence(self) -> str:
        if self.error:
            return f"The share of assumed input values is unknown: {self.error}."
        if not self.total:
            return "The data folder holds no value with a provenance status."
        return (f"{self.assumed} of the {self.total} input values the model reads "
                f"({100 * self.share:.0f}%) are assumed rather than read from a cited source or "
                f"derived from one ({self.derived} derived); the results inherit these "
                f"assumptions. The fields at least {100 * LISTED_SHARE:.0f}% assumed are listed "
                f"below;"
                " `fastmonet data sources` counts every field and data/SOURCES.md gives the reasons.")


def summary(folder) -> Assumed:
    """How much of the data folder is assumed or derived rather than cited, and the fields that are
    mostly assumed (at least `LISTED_SHARE`), for the report; an unreadable folder is an
    `Assumed` carrying its first error line instead of failing the report."""
    from fastmonet.data import status
    folder = Path(folder)
    try:
        rows = status.report(folder)
    except (InputError, OSError) as exc:
        return Assumed(str(folder), error=str(exc).splitlines()[0])
    read = [r for r in rows if r[0] != "all" and not r[0].startswith("sources/")]
    i_der, i_ass = 2 + status.STATUSES.index("derived"), 2 + status.STATUSES.index("assumed")
    fields = sorted(((r[0], r[1], r[i_ass], r[-1]) for r in read
                     if r[-1] and r[i_ass] / r[-1] >= LISTED_SHARE),
                    key=lambda x: (-x[2] / x[3], -x[2], x[0], x[1]))
    return Assumed(str(folder), total=sum(r[-1] for r in read),
                   assumed=sum(r[i_ass] for r in read), derived=sum(r[i_der] for r in read),
                   fields=fields)
