"""`load()`: a validated data folder as the inputs Dataset (formulation §9.2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet import bundled, forest_tables
from fastmonet.data.schema import BIOMASS, STORAGE_CASES, TABLES, TARGET_CASES, TRANSITION_PARAMETERS
from fastmonet.data.validate import input_paths, read_all
from fastmonet.errors import InputError
from fastmonet.store import provenance

#: The bundled `data/` folder (see `fastmonet.bundled`).
DEFAULT_PATH = bundled.DATA_DIR

SRC = "data/SOURCES.md: "


def resolve(path: str | Path | None) -> Path:
    """The data folder to read: `path` as a Path, or the bundled data when None; InputError for
    anything but a str or Path, or when the bundled folder is missing (a broken install)."""
    if path is not None and not isinstance(path, (str, Path)):
        raise InputError(f"data folder: path must be a folder path (str or Path) or None, got "
                         f"{type(path).__name__}")
    if path is not None:
        return Path(path)
    if not DEFAULT_PATH.is_dir():
        raise InputError(f"bundled data folder {DEFAULT_PATH} not found (a broken install?); "
                         f"pass the data folder path")
    return DEFAULT_PATH


def load(path: str | Path | None = None, storage: str = "medium", targets: str = "p3") -> xr.Dataset:
    """Validate a data folder and return the model's input Dataset (formulation §9.2).

    Every table is checked (columns, units, bounds, cross-table totals) before anything is
    built, so bad data is one line naming the file, column and row, never a wrong answer.

    Parameters
    ----------
    path : str or Path, optional
        The data folder (default: the bundled data, `fastmonet.data.DEFAULT_PATH`).
    storage : {"low", "medium", "high"}
        The CO2 storage case (formulation §6.4, Table 8).
    targets : {"p3", "p4"}
        The CDR target case (formulation §6.8).

    Returns
    -------
    xarray.Dataset
        The inputs on (region, subregion, ecozone, forest_type, biomass, year, ...), each
        variable with ``units`` and its ``source``; ``attrs`` hold the data folder and the hash
        of every file read (for provenance and resume keys).

    Raises
    ------
    InputError
        An unknown case, a missing folder or file, or a value the checks refuse.

    Examples
    --------
    >>> from fastmonet import data
    >>> inputs = data.load(storage="low")
    >>> inputs.sizes["subregion"], inputs.attrs["storage_case"]
    (169, 'low')
    >>> inputs["lrp"].dims, inputs["lrp"].attrs["units"]
    (('subregion', 'ecozone'), 'ha')
    >>> data.load(storage="huge")
    Traceback (most recent call last):
    ...
    fastmonet.errors.InputError: option storage='huge': expected one of low, medium, high
    """
    for option, value in (("storage", storage), ("targets", targets)):
        if not isinstance(value, str):
            raise InputError(f"data.load: option {option} must be a string, got "
                             f"{type(value).__name__} {value!r}")
    if storage not in STORAGE_CASES:
        raise InputError(f"option storage={storage!r}: expected one of {', '.join(STORAGE_CASES)}")
    if targets not in TARGET_CASES:
        raise InputError(f"option targets={targets!r}: expected one of {', '.join(TARGET_CASES)}")
    directory = resolve(path)
    frames = read_all(directory)
    ds = _dataset(frames, directory, storage, targets)
    # Every file read, {path relative to the folder: hash}, for provenance and resume keys.
    ds.attrs[provenance.INPUT_FILES_ATTR] = provenance.input_files_attr(
        provenance.hash_files(input_paths(directory), directory))
    return ds


def _by_subregion(frame: pd.DataFrame, order: list[str], header: str) -> np.ndarray:
    return frame.set_index("subregion").loc[order, header].to_numpy()


def _dataset(frames, directory: Path, storage: str, targets: str) -> xr.Dataset:
    regions = list(frames["regions"]["region"])
    sub = frames["subregions"]
    srs = list(sub["subregion"])
    zones = list(forest_tables.ZONES)
    fts = list(forest_tables.FOREST_TYPES)
    shape = frames["target_shape"].sort_values("year")
    years = [int(y) for y in shape["year"]]

    ds = xr.Dataset(coords={
        "region": regions, "subregion": srs, "ecozone": zones, "forest_type": fts,
        "biomass": list(BIOMASS), "year": years, "storage_case": list(STORAGE_CASES),
        "target_case": list(TARGET_CASES),
    })
    ds = ds.assign_coords(subregion_region=("subregion", sub["region"].to_numpy().astype(str),
                                            {"units": "region code", "source": SRC + "subregions"}))

    def put(name, dims, values, units, source):
        # `file`: where the values came from, so later stages can name it in their errors.
        table = source.split()[0]
        attrs = {"units": units, "source": SRC + source}
        if table in TABLES:
            attrs["file"] = str(directory / TABLES[table].file)
        ds[name] = (dims, values, attrs)

    put("region_name", "region", frames["regions"]["name"].to_numpy().astype(str), "-", "regions")
    put("name", "subregion", sub["name"].to_numpy().astype(str), "-", "subregions")
    put("lat", "subregion", sub["lat_deg"].to_numpy(float), "deg", "subregions")
    put("lon", "subregion", sub["lon_deg"].to_numpy(float), "deg", "subregions")
    put("land_area", "subregion", sub["land_area_ha"].to_numpy(float), "ha", "subregions")

    eco = frames["land_ecozone"]
    i = pd.Index(srs).get_indexer(eco["subregion"])
    j = pd.Index(zones).get_indexer(eco["ecozone"])
    grids = {}
    for header in ("area_share", "lrp_ha", "ovl_ha"):
        grid = np.zeros((len(srs), len(zones)))
        grid[i, j] = eco[header].to_numpy(float)
        grids[header] = grid
    allowed = np.zeros((len(srs), len(zones), len(fts)), dtype=bool)
    for k, ft in enumerate(fts):
        allowed[i, j, k] = eco[f"{ft}_allowed"].to_numpy(bool)
    present = np.zeros((len(srs), len(zones)), dtype=bool)
    present[i, j] = True
    dims2 = ("subregion", "ecozone")
    put("ecozone_present", dims2, present, "bool", "land_ecozone (zone occurs in the subregion)")
    put("ecozone_share", dims2, grids["area_share"], "-", "land_ecozone (share of land area)")
    put("lrp", dims2, grids["lrp_ha"], "ha", "land_ecozone (reforestation land not overlapping "
        "marginal land, water risk < 3)")
    put("ovl", dims2, grids["ovl_ha"], "ha", "land_ecozone (reforestation land overlapping "
        "marginal land, water risk < 3)")
    put("forest_type_allowed", ("subregion", "ecozone", "forest_type"), allowed, "bool",
        "land_ecozone")

    land = frames["land"]
    put("mal", "subregion", _by_subregion(land, srs, "mal_ha").astype(float), "ha",
        "land (marginal land not overlapping reforestation land, water risk < 3)")
    put("lhw", "subregion", _by_subregion(land, srs, "lhw_ha").astype(float), "ha",
        "land (harvested wheat land, water risk < 3)")
    put("straw_removal_share", "subregion", _by_subregion(land, srs, "straw_removal_share")
        .astype(float), "-", "land")
    put("water_low_risk_share", "subregion", _by_subregion(land, srs, "water_low_risk_share")
        .astype(float), "-", "land (share of land with overall water risk < 3)")

    st = frames["storage"]
    for case in STORAGE_CASES:
        put(f"storage_{case}", "subregion",
            _by_subregion(st, srs, f"storage_{case}_mtco2").astype(float) * 1e6, "tCO2",
            f"storage ({case} case, Table 8)")
    ds["storage"] = ds[f"storage_{storage}"].copy()
    ds["storage"].attrs = {"units": "tCO2", "source": SRC + f"storage (selected case: {storage})",
                           "case": storage, "file": str(directory / TABLES["storage"].file)}

    en = frames["energy"]
    for name, header, units in (
        ("grid_intensity_2020", "grid_intensity_2020_kgco2_per_mwh", "kgCO2/MWh"),
        ("electricity_price", "electricity_price_usd2018_per_mwh", "US$2018/MWh"),
        ("diesel_price", "diesel_price_usd2018_per_l", "US$2018/L"),
        ("gas_price", "gas_price_usd2018_per_gj", "US$2018/GJ"),
        ("labour_cost", "labour_cost_usd2018_per_h", "US$2018/h"),
        ("ppp_factor", "ppp_factor_ratio", "-"),
    ):
        put(name, "subregion", _by_subregion(en, srs, header).astype(float), units, "energy")

    cy = frames["crop_yield"].set_index("subregion").loc[srs]
    put("crop_yield", ("subregion", "biomass"),
        np.stack([cy[f"{b}_tdm_per_ha_yr"].to_numpy(float) for b in BIOMASS], axis=1),
        "tDM/ha/yr", "crop_yield (crops on marginal land; wheat_straw: above-ground residue "
        "on wheat land before the removal share)")

    tg = frames["targets"].set_index(["region", "case"])["target_2100_gtco2"]
    t2100 = np.array([[tg[(r, c)] for c in TARGET_CASES] for r in regions], dtype=float) * 1e9
    put("target_2100_by_case", ("region", "target_case"), t2100, "tCO2", "targets (Table 1)")
    frac = shape["fraction_share"].to_numpy(float)
    put("target_shape", "year", frac, "-", "target_shape (formulation §6.8)")
    sel = t2100[:, TARGET_CASES.index(targets)]
    put("target", ("region", "year"), sel[:, None] * frac[None, :], "tCO2",
        f"targets x target_shape (case {targets})")
    ds["target"].attrs["case"] = targets

    tr = frames["energy_transition"].set_index("parameter")["value"]
    for p in TRANSITION_PARAMETERS:
        put(f"transition_{p}", (), float(tr[p]), "year", "energy_transition (formulation §5)")

    forest = frames["forest"].to_dataset()
    for name in forest.data_vars:
        ds[name] = forest[name]

    ds.attrs.update({
        "title": "fastmonet inputs (formulation §9.2)",
        "data_path": str(directory),
        "storage_case": storage,
        "target_case": targets,
        "note": "subregional land figures approximate the paper's GIS layers; see data/SOURCES.md",
    })
    return ds
