"""A run's results in the IAMC format, through pyam (`pyam-iamc`), for the tools the field uses.

    fastmonet run --out results/                  # writes results/iamc.csv (and .xlsx with --xlsx)
    df = fastmonet.iamc.to_pyam(ds)               # ds: xr.open_zarr("results/results.zarr")
    pyam.IamDataFrame("results/iamc.csv")         # the same data back

Model "fastmonet <version>", one IAMC scenario per fastmonet scenario, regions "World" and the
five regions, years 2030...2100.  Variable names are the IAMC common definitions'
(github.com/IAMconsortium/common-definitions, definitions/variable/emissions/carbon-removal.yaml)
where one exists, with their units:

    Carbon Removal                                       Mt CO2/yr   all options
    Carbon Removal|Land Use                              Mt CO2/yr   = Re/Afforestation here
    Carbon Removal|Land Use|Re/Afforestation             Mt CO2/yr   AR
    Carbon Removal|Geological Storage                    Mt CO2/yr   BECCS + DACCS
    Carbon Removal|Geological Storage|Biomass            Mt CO2/yr   BECCS
    Carbon Removal|Geological Storage|Direct Air Capture Mt CO2/yr   DACCS

(annual values are fastmonet's decade means, reported at the decade's last year; AR's can be
negative in the first decades, before the stands grow).  What the common definitions lack is
named `fastmonet|...`: cumulative removal (the same tree under `fastmonet|Cumulative Carbon
Removal`, Mt CO2), the cumulative net cost (the same tree under `fastmonet|Cumulative Net Cost`,
billion USD_2018), `fastmonet|Cumulative Net Cost per Tonne` and `fastmonet|Marginal Net Cost`
(USD_2018/t CO2), the cumulative target and shortfall (`fastmonet|Target|Cumulative Carbon
Removal`, `fastmonet|Shortfall|Cumulative Carbon Removal`, Mt CO2), and at 2100 the CNC with
trading, the same with the shortfall priced (`fastmonet.report.shortfall`) and the negative
emissions price (World).  Every tree adds up (pyam's `check_aggregate`), and World is the sum
of the regions for removal, cost, target and shortfall (`check_aggregate_region`).

pyam is imported only by `to_pyam` and for .xlsx (importing it takes about 10 s): `frame`
builds the long table and `wide` the file layout with pandas alone, byte for byte what pyam
writes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.partition import labelled

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]
WORLD = "World"
MT, BN = 1e6, 1e9

# option of the metrics -> the IAMC sub-tree below a removal (or cost) variable
TREE = {"all": "", "ar": "|Land Use|Re/Afforestation", "beccs": "|Geological Storage|Biomass",
        "daccs": "|Geological Storage|Direct Air Capture"}
# intermediate levels, sums of options, so every level of the tree adds up
LEVELS = {"|Land Use": ("ar",), "|Geological Storage": ("beccs", "daccs")}

#: (root variable, metric, scale to the unit, unit) of the option trees
TREES = (
    ("Carbon Removal", "removal_rate", 1 / MT, "Mt CO2/yr"),
    ("fastmonet|Cumulative Carbon Removal", "cum_removal", 1 / MT, "Mt CO2"),
    ("fastmonet|Cumulative Net Cost", "ctnc", 1 / BN, "billion USD_2018"),
)
#: (variable, metric, scale, unit) of variables on (region, year), all options
SINGLE = (
    ("fastmonet|Cumulative Net Cost per Tonne", "cnc", 1.0, "USD_2018/t CO2"),
    ("fastmonet|Marginal Net Cost", "mnc", 1.0, "USD_2018/t CO2"),
    ("fastmonet|Target|Cumulative Carbon Removal", "target", 1 / MT, "Mt CO2"),
    ("fastmonet|Shortfall|Cumulative Carbon Removal", "shortfall", 1 / MT, "Mt CO2"),
)
PRICE_UNIT = "USD_2018/t CO2"


def model_name() -> str:
    """The IAMC `model` column: 'fastmonet <version>', so a file says which release produced it."""
    from fastmonet.store.provenance import fastmonet_version
    return f"fastmonet {fastmonet_version()}"


def _region(r) -> str:
    return WORLD if str(r) == "world" else str(r)


def _rows(da: xr.DataArray, scenario: str, variable: str, unit: str, model: str) -> list:
    """Long rows of a (region, year) array; NaN dropped."""
    out = []
    regions = [_region(r) for r in da["region"].values]
    years = [int(y) for y in da["year"].values]
    vals = np.asarray(da.transpose("region", "year").values, np.float64)
    for i, r in enumerate(regions):
        for j, y in enumerate(years):
            if np.isfinite(vals[i, j]):
                out.append((model, scenario, r, variable, unit, y, float(vals[i, j])))
    return out


def frame(ds: xr.Dataset, model: str | None = None) -> pd.DataFrame:
    """The long IAMC table (COLUMNS) of a combined run Dataset (`scenario_dataset.combine`)."""
    from fastmonet.report import shortfall
    ds = labelled(ds)       # World rows and the all-options trees (fastmonet.partition)
    model = model or model_name()
    rows = []
    last = int(ds["year"].values[-1])
    price = shortfall.pricing(ds)
    priced = shortfall.priced_cnc(ds, price)
    for s in [str(x) for x in ds["scenario"].values]:
        d = ds.sel(scenario=s)
        for root, metric, scale, unit in TREES:
            for opt, leaf in TREE.items():
                rows += _rows(d[metric].sel(option=opt) * scale, s, root + leaf, unit, model)
            for level, opts in LEVELS.items():
                total = sum(d[metric].sel(option=o) for o in opts) * scale
                rows += _rows(total, s, root + level, unit, model)
        for var, metric, scale, unit in SINGLE:
            da = d[metric].sel(option="all") if "option" in d[metric].dims else d[metric]
            rows += _rows(da * scale, s, var, unit, model)
        at = lambda da: da.expand_dims(year=[last])  # noqa: E731  (2100-only values)
        rows += _rows(at(d["cnc_trading_2100"]), s,
                      "fastmonet|Cumulative Net Cost per Tonne|With Trading", PRICE_UNIT, model)
        rows += _rows(at(priced.sel(scenario=s)), s,
                      "fastmonet|Cumulative Net Cost per Tonne|With Trading [Shortfall Priced]",
                      PRICE_UNIT, model)
        nep = float(d["nep"])
        if np.isfinite(nep):
            rows.append((model, s, WORLD, "fastmonet|Price|Negative Emissions", PRICE_UNIT, last,
                         nep))
    return pd.DataFrame(rows, columns=COLUMNS)


def to_pyam(ds: xr.Dataset, model: str | None = None):
    """A `pyam.IamDataFrame` of the run (imports pyam)."""
    import pyam
    return pyam.IamDataFrame(frame(ds, model))


def wide(long: pd.DataFrame) -> pd.DataFrame:
    """The IAMC file layout of a long table: Model, Scenario, Region, Variable, Unit, then one
    column per year, rows sorted; what pyam's `IamDataFrame.to_csv` writes, made without
    importing pyam (about 10 s of a run; tests/faces/test_iamc.py compares the bytes)."""
    keys = COLUMNS[:5]
    out = long.set_index(keys + ["year"])["value"].unstack("year").sort_index().reset_index()
    out.columns = [str(c).title() for c in out.columns]
    return out


def write(ds: xr.Dataset, path: str | Path, xlsx: bool = False) -> list[Path]:
    """`path` (IAMC CSV, wide: one column per year) and, with `xlsx`, the same as .xlsx
    (through pyam)."""
    path = Path(path)
    long = frame(ds)
    wide(long).to_csv(path, index=False)
    out = [path]
    if xlsx:
        import pyam
        out.append(path.with_suffix(".xlsx"))
        pyam.IamDataFrame(long).to_excel(out[-1])
    return out
