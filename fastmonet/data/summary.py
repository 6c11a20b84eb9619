"""`check()`: validate a data folder and summarise it by region (national totals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xarray as xr

from fastmonet import technology as tech_mod
from fastmonet.data.loader import _dataset, resolve
from fastmonet.data.schema import STORAGE_CASES, TARGET_CASES
from fastmonet.data.validate import check_transition_agrees, read_all

COLUMNS = ["region", "field", "case", "value", "unit"]


@dataclass(frozen=True)
class DataSummary:
    """What `check` found: the folder, its subregion count and a tidy table of national totals
    (columns region, field, case, value, unit; case '-' where none applies)."""

    path: Path
    n_subregions: int
    totals: pd.DataFrame
    technology: Path | None = None

    def value(self, region: str, field: str, case: str = "-") -> float:
        t = self.totals
        row = t[(t["region"] == region) & (t["field"] == field) & (t["case"] == case)]
        if len(row) != 1:
            raise KeyError(f"no summary value for ({region}, {field}, {case})")
        return float(row["value"].iloc[0])

    def to_csv(self) -> str:
        out = self.totals.assign(value=self.totals["value"].map(lambda v: f"{v:.10g}"))
        return out.to_csv(index=False, lineterminator="\n")

    def __str__(self) -> str:
        wide = self.totals.assign(
            column=self.totals["field"] + self.totals["case"].map(lambda c: "" if c == "-" else f"[{c}]")
        ).pivot(index="region", columns="column", values="value")
        order = list(dict.fromkeys(self.totals["field"] + self.totals["case"].map(
            lambda c: "" if c == "-" else f"[{c}]")))
        lines = [f"data folder {self.path}: valid, {self.n_subregions} subregions"]
        if self.technology is not None:
            lines.append(f"technology folder {self.technology}: valid")
        lines.append(wide[order].to_string(float_format=lambda v: f"{v:,.2f}"))
        return "\n".join(lines)


def totals_table(ds: xr.Dataset) -> pd.DataFrame:
    """National totals of an input Dataset (see `DataSummary.totals`)."""
    rows: list[tuple] = []
    by = ds["subregion_region"]
    for region in ds["region"].values:
        mask = (by == region).values
        rows.append((region, "subregions", "-", int(mask.sum()), "count"))
        for field, var in (("lrp_mha", "lrp"), ("ovl_mha", "ovl")):
            rows.append((region, field, "-", float(ds[var].values[mask].sum()) / 1e6, "Mha"))
        for field, var in (("mal_mha", "mal"), ("lhw_mha", "lhw")):
            rows.append((region, field, "-", float(ds[var].values[mask].sum()) / 1e6, "Mha"))
        for case in STORAGE_CASES:
            rows.append((region, "storage_gt", case,
                         float(ds[f"storage_{case}"].values[mask].sum()) / 1e9, "GtCO2"))
        for case in TARGET_CASES:
            rows.append((region, "target_2100_gt", case,
                         float(ds["target_2100_by_case"].sel(region=region, target_case=case)) / 1e9,
                         "GtCO2"))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["value"] = table["value"].astype(float).round(6)
    return table


def check(path: str | Path | None = None, technology: str | Path | None = None) -> DataSummary:
    """Validate the data folder at `path` (default: the repository's `data/`) and the technology
    folder a solve would use with it (`technology`, else `<path>/technology` when it exists,
    else the bundled one); raise `InputError` on the first problem, else return its summary."""
    directory = resolve(path)
    ds = _dataset(read_all(directory), directory, "medium", "p3")
    tech_dir = tech_mod.resolve_dir(technology, directory)
    check_transition_agrees(ds, tech_mod.load(tech_dir))
    return DataSummary(path=directory, n_subregions=int(ds.sizes["subregion"]),
                       totals=totals_table(ds), technology=tech_dir)
