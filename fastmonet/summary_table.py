"""The tables a run writes: summary.csv, timeseries.csv and solver.csv (one format, one writer).

`fastmonet run` and `fastmonet solve --summary-csv / --solver-csv` both use these functions, so a
script that reads one reads the other.

- summary rows   scenario, region, option, metric, value, unit: cumulative removal by 2100 per
                 region and option (GtCO2), shortfall by 2100 per region (GtCO2), CNC by 2100
                 with negative-emissions trading per region (US$/tCO2), NEP (US$/tCO2).
- timeseries     scenario, region, option, metric, year, value, unit: the decadal metrics in the
                 units of the result store (tCO2, tCO2/yr, US$, US$/tCO2).
- solver rows    one row per scenario: LP size, timings, worst violation, status.

The summary rows are computed from a metrics Dataset (one scenario's, or one `scenario` of the
combined Dataset), so the numbers in the CSV are those of the store.  Like IAMC tables they
hold "world" rows and an "all" option: sums over the store's regions / options, and the ratios'
stored totals (`fastmonet.partition.labelled`).
"""

from __future__ import annotations

import csv
import math
from typing import IO, Iterable

import numpy as np
import xarray as xr

from fastmonet.partition import OPTION_TOTAL, REGION_TOTAL, labelled
from fastmonet.partition import OPTIONS as PARTITION_OPTIONS

OPTIONS = (*PARTITION_OPTIONS, OPTION_TOTAL)          # the long tables' option labels
SUMMARY_COLUMNS = ("scenario", "region", "option", "metric", "value", "unit")
TIMESERIES_COLUMNS = ("scenario", "region", "option", "metric", "year", "value", "unit")
# Decadal metrics of the timeseries: (metric, has an option dimension).
TIMESERIES_METRICS = (("cum_removal", True), ("removal_rate", True), ("ctnc", True),
                      ("cnc", True), ("mnc", True), ("target", False), ("shortfall", False))
SOLVER_COLUMNS = ("scenario", "status", "columns", "rows", "nonzeros", "build_s", "solve_s",
                  "max_violation", "simplex_iterations", "sifting", "objective_musd", "resumed")
GT = 1e9


def summary_rows(metrics: xr.Dataset, name: str) -> list[tuple]:
    """The science rows of one scenario (no solver diagnostics)."""
    m = labelled(metrics)
    regions = [str(r) for r in m["region"].values]
    last = m["year"].values[-1]
    cum = m["cum_removal"].sel(year=last)
    rows = [(name, r, o, "cum_removal_2100", float(cum.sel(region=r, option=o)) / GT, "GtCO2")
            for r in regions for o in OPTIONS]
    short = m["shortfall"].sel(year=last)
    rows += [(name, r, "all", "shortfall_2100", float(short.sel(region=r)) / GT, "GtCO2")
             for r in regions]
    rows += [(name, r, "all", "cnc_2100", float(m["cnc_trading_2100"].sel(region=r)), "US$/tCO2")
             for r in regions]
    rows.append((name, REGION_TOTAL, OPTION_TOTAL, "nep", float(m["nep"]), "US$/tCO2"))
    return rows


def solver_row(name: str, stats: dict, attrs: dict | None = None, resumed: bool = False) -> tuple:
    """One scenario's LP size, timings and check, in SOLVER_COLUMNS order."""
    attrs = attrs or {}
    get = lambda k: stats.get(k, float("nan"))  # noqa: E731
    return (name, attrs.get("status", stats.get("status", "")), get("columns"), get("rows"),
            get("nonzeros"), get("build_s"), get("solve_s"), get("max_violation"),
            # Every stage and sifting round (the plain count is the last HiGHS call's alone).
            stats.get("simplex_iterations_total", get("simplex_iterations")),
            stats.get("sifting", ""),
            attrs.get("cost_musd", float("nan")), bool(resumed))


def timeseries_rows(metrics: xr.Dataset, name: str) -> Iterable[tuple]:
    """Tidy rows of the decadal metrics; `target` and `shortfall` carry option 'all'."""
    metrics = labelled(metrics)
    years = [int(y) for y in metrics["year"].values]
    regions = [str(r) for r in metrics["region"].values]
    for metric, has_option in TIMESERIES_METRICS:
        da = metrics[metric]
        unit = da.attrs.get("units", "")
        options = OPTIONS if has_option else ("all",)
        vals = da.transpose("region", "option", "year").values if has_option \
            else da.transpose("region", "year").values[:, None, :]
        for i, r in enumerate(regions):
            for j, o in enumerate(options):
                for k, y in enumerate(years):
                    yield (name, r, o, metric, y, float(vals[i, j, k]), unit)


def fmt(value, digits: int = 6) -> str:
    """Numbers as the summary CSV has always written them (`%.6g`; nan for undefined)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.{digits}g}"
    return str(value)


class TableWriter:
    """A CSV writer with a fixed header and one number format (`digits` significant digits)."""

    def __init__(self, stream: IO[str], columns: tuple[str, ...], digits: int = 6):
        self._w = csv.writer(stream, lineterminator="\n")
        self._w.writerow(columns)
        self.stream, self.digits = stream, digits

    def write(self, rows: Iterable[tuple]) -> None:
        self._w.writerows([fmt(v, self.digits) for v in row] for row in rows)
        self.stream.flush()


def summary_writer(stream: IO[str]) -> TableWriter:
    """Writer of `summary.csv` rows (`SUMMARY_COLUMNS`, six significant digits)."""
    return TableWriter(stream, SUMMARY_COLUMNS, digits=6)


def timeseries_writer(stream: IO[str]) -> TableWriter:
    """Writer of `timeseries.csv` rows (`TIMESERIES_COLUMNS`, ten significant digits)."""
    # Store units (tCO2, US$) span 1e6..1e14: ten digits keep them equal to the store's values.
    return TableWriter(stream, TIMESERIES_COLUMNS, digits=10)


def solver_writer(stream: IO[str]) -> TableWriter:
    """Writer of `solver.csv` rows (`SOLVER_COLUMNS`, six significant digits)."""
    return TableWriter(stream, SOLVER_COLUMNS, digits=6)
