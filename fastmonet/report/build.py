"""`write_report(folder, ...)`: the summary table, the paragraphs, the figures and provenance."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from fastmonet.report import figures, html, markdown, narrative, table
from fastmonet.report.content import Report

FORMATS = ("html", "md")


def make(ds: xr.Dataset, summary_rows, detail: dict, provenance: dict, inputs=None, coeffs=None,
         tables=None, failed=(), extra_figures=()) -> Report:
    lines = table.lines(summary_rows)
    return Report(title="fastmonet: least-cost CO2 removal by scenario", lines=lines,
                  notes=table.notes(lines), paragraphs=narrative.paragraphs(ds),
                  figures=list(figures.all_figures(ds, detail, inputs, coeffs, tables))
                  + list(extra_figures),
                  provenance=provenance, failed=list(failed))


def write_report(report: Report, folder: str | Path, fmt: str = "html") -> Path:
    """`folder/report.html` (self-contained) or `folder/report.md` + `folder/figures/*.png`."""
    folder = Path(folder)
    try:
        if fmt == "html":
            return html.write(report, folder / "report.html")
        return markdown.write(report, folder / "report.md")
    finally:
        for f in report.figures:
            f.close()
