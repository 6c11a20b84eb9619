"""What a report holds, independent of its format (HTML or Markdown)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastmonet.report.assumptions import Assumed
from fastmonet.report.figures import Figure
from fastmonet.report.table import Line


@dataclass
class Report:
    title: str
    lines: list[Line]                     # the summary table
    notes: list[str]                      # shortfalls and undefined NEPs in words
    paragraphs: list[tuple[str, str]]     # (scenario, paragraph)
    figures: list[Figure]
    provenance: dict
    failed: list[tuple[str, str]] = field(default_factory=list)   # (scenario, message)
    assumed: Assumed | None = None        # how much of the input data is assumed
