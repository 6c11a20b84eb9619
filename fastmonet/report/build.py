"""`write_report(folder, ...)`: the summary table, the paragraphs, the figures and provenance."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from fastmonet.partition import labelled
from fastmonet.report import assumptions, figures, html, markdown, narrative, rendering, shortfall, table
from fastmonet.report.content import Report

FORMATS = ("html", "md")


def make(ds: xr.Dataset, summary_rows, detail: dict, provenance: dict, inputs=None, coeffs=None,
         tables=None, failed=(), extra_figures=(), workers: int = 2) -> Report:
    """The run report: summary table and notes, one paragraph per scenario, the figures, the
    provenance, the scenarios that failed and the assumed-data summary.  The figures are drawn
    by `workers` processes (`fastmonet.report.rendering`)."""
    ds = labelled(ds)   # long labels: world and all options (fastmonet.partition)
    price = shortfall.pricing(ds)
    lines = table.lines(summary_rows, shortfall.world_cnc_priced(ds, price))
    data_path = (inputs.attrs.get("data_path") if inputs is not None else None) \
        or provenance.get("data_folder")
    return Report(title="fastmonet: least-cost CO2 removal by scenario", lines=lines,
                  notes=table.notes(lines, price),
                  paragraphs=narrative.paragraphs(ds, price),
                  figures=rendering.render(figures.makers(ds, detail, inputs, coeffs, tables),
                                           workers) + list(extra_figures),
                  provenance=provenance, failed=list(failed),
                  assumed=assumptions.summary(data_path) if data_path else None)


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
