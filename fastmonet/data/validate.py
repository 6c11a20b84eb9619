"""Read and validate a data folder against `schema.TABLES`.

Every failure raises one `InputError` naming the file, the column and the first offending line
(line numbers count the header as line 1, as an editor shows them) with the key of that row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fastmonet import forest_tables
from fastmonet.csvfile import check_header
from fastmonet.data import status
from fastmonet.data.schema import (
    REGIONS,
    STORAGE_CASES,
    TABLES,
    TARGET_CASES,
    TARGET_YEARS,
    TOLERANCE_HA,
    TOLERANCE_SHARE,
    TRANSITION_PARAMETERS,
    TRANSITION_RAMPS,
    Column,
    Table,
)
from fastmonet.errors import InputError

TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}
# Storage totals are declared in GtCO2 with at most two decimals; subregional values are whole
# MtCO2, so a national sum may differ from its declared total by rounding only.
STORAGE_TOLERANCE_MT = 0.5


def _where(path: Path, table: Table, raw: pd.DataFrame, row: int, header: str | None) -> str:
    keys = ", ".join(f"{k}={raw[k].iloc[row]!r}" for k in table.key if k in raw.columns)
    col = f"column '{header}', " if header else ""
    return f"{path}: {col}line {row + 2} ({keys})"


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """One table, typed and range-checked (references are checked by `read_all`)."""
    table = TABLES[name]
    path = directory / table.file
    if not path.is_file():
        raise InputError(f"{path}: data file not found (table '{name}': {table.title})")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                          encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty (no header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be parsed as UTF-8 CSV ({exc})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    check_header(path)

    expected = {c.header for c in table.columns}
    for col in table.columns:
        if col.header in raw.columns:
            continue
        wrong = [h for h in raw.columns if col.unit and h.startswith(col.name + "_")
                 and h not in expected]
        if wrong:
            raise InputError(f"{path}: column '{wrong[0]}' has units label "
                             f"'{wrong[0][len(col.name) + 1:]}', expected '{col.unit}' "
                             f"(header '{col.header}')")
        raise InputError(f"{path}: missing column '{col.header}' ({table.title})")
    if len(raw) == 0:
        raise InputError(f"{path}: table has no data rows ({table.title})")

    out = pd.DataFrame(index=raw.index)
    for col in table.columns:
        text = raw[col.header].str.strip()
        out[col.header] = _parse(path, table, raw, col, text)
    dup = out.duplicated(subset=list(table.key), keep="first")
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"{_where(path, table, raw, row, table.key[0])}: duplicate "
                         f"{'/'.join(table.key)} (each must appear once)")
    out.attrs["path"] = str(path)
    out.attrs["raw"] = raw
    return out


def _parse(path: Path, table: Table, raw: pd.DataFrame, col: Column, text: pd.Series) -> pd.Series:
    def fail(mask: np.ndarray, problem: str) -> None:
        row = int(np.flatnonzero(mask)[0])
        raise InputError(f"{_where(path, table, raw, row, col.header)}: "
                         f"{problem.format(v=text.iloc[row])}")

    missing = (text == "").to_numpy() | text.str.lower().isin(["nan", "na", "n/a", "null"]).to_numpy()
    if col.required and missing.any():
        fail(missing, "missing value ({v!r}); a value is required")
    if col.kind == "str":
        if col.choices is not None:
            bad = ~text.isin(col.choices).to_numpy() & ~missing
            if bad.any():
                fail(bad, "{v!r} is not one of " + ", ".join(map(str, col.choices)))
        return text
    if col.kind == "bool":
        low = text.str.lower()
        bad = ~low.isin(TRUE | FALSE).to_numpy() & ~missing
        if bad.any():
            fail(bad, "{v!r} is not a boolean (true/false)")
        return low.isin(TRUE)
    values = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & ~missing
    if bad.any():
        fail(bad, "{v!r} is not a number" + (f" (units: {col.unit})" if col.unit else ""))
    bad = np.isinf(values)
    if bad.any():
        fail(bad, "{v!r} is not finite")
    if col.kind == "int":
        bad = ~missing & (values != np.round(values))
        if bad.any():
            fail(bad, "{v!r} is not an integer")
    with np.errstate(invalid="ignore"):
        bad = ~missing & ((values < col.lo) | (values > col.hi))
    if bad.any():
        what = ("a share must be in [0, 1]" if col.unit == "share" else
                f"allowed range [{col.lo:g}, {col.hi:g}]" + (f" {col.unit}" if col.unit else ""))
        why = f": {col.reason}" if col.reason and col.unit != "share" else ""
        fail(bad, "{v} is out of range (" + what + why + ")")
    if col.choices is not None:
        bad = ~missing & ~np.isin(values, np.asarray(col.choices, dtype=float))
        if bad.any():
            fail(bad, "{v!r} is not one of " + ", ".join(map(str, col.choices)))
    return pd.Series(values.astype(int) if col.kind == "int" else values, index=text.index)


def _check_refs(frame: pd.DataFrame, name: str, known: dict[str, list[str]]) -> None:
    table = TABLES[name]
    raw = frame.attrs["raw"]
    path = Path(frame.attrs["path"])
    for col in table.columns:
        if col.ref is None:
            continue
        allowed = set(known[col.ref])
        bad = ~frame[col.header].isin(allowed).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            source = {"region": "regions.csv", "subregion": "subregions.csv",
                      "ecozone": "the ecological zones of Table 2 (forest/table2_growth.csv)",
                      "scope": "regions.csv or subregions.csv"}[col.ref]
            raise InputError(f"{_where(path, table, raw, row, col.header)}: unknown {col.ref} "
                             f"{frame[col.header].iloc[row]!r} (not in {source})")
    if table.every_subregion:
        have = set(frame["subregion"])
        absent = [s for s in known["subregion"] if s not in have]
        if absent:
            raise InputError(f"{path}: column 'subregion': no row for subregion {absent[0]!r} "
                             f"(listed in subregions.csv)")


def input_paths(directory: Path) -> list[Path]:
    """Every file `read_all` reads: the tables of `schema.TABLES` and the forest tables."""
    directory = Path(directory)
    return ([directory / t.file for t in TABLES.values()]
            + [directory / "forest" / f for f in forest_tables.FILES.values()])


def read_all(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Read, validate and cross-check every table of a data folder (plus `forest/`)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: data folder not found")
    frames = {name: read_table(directory, name) for name in TABLES}
    forest = forest_tables.load(directory / "forest")

    regions = list(frames["regions"]["region"])
    absent = [r for r in REGIONS if r not in regions]
    if absent:
        raise InputError(f"{directory / 'regions.csv'}: column 'region': no row for region "
                         f"{absent[0]!r} (the model has {', '.join(REGIONS)})")
    subregions = list(frames["subregions"]["subregion"])
    known = {"region": regions, "subregion": subregions, "ecozone": list(forest_tables.ZONES),
             "scope": regions + subregions}
    for name in TABLES:
        _check_refs(frames[name], name, known)

    _check_forest_types(frames["land_ecozone"])
    _check_regions_have_subregions(frames, regions, directory)
    _check_complete(frames["targets"], ("region", "case"),
                    [(r, c) for r in regions for c in TARGET_CASES])
    _check_complete(frames["storage_totals"], ("scope", "case"),
                    [(r, c) for r in regions for c in STORAGE_CASES])
    _check_complete(frames["target_shape"], ("year",), [(y,) for y in TARGET_YEARS])
    _check_complete(frames["energy_transition"], ("parameter",), [(p,) for p in TRANSITION_PARAMETERS])
    _check_shape(frames["target_shape"])
    _check_transition(frames["energy_transition"])
    _check_ecozones_cover(frames)
    _check_shares(frames["land_ecozone"])
    _check_land_fits(frames)
    _check_storage_totals(frames)
    status.check_folder(directory, {t.file: t.key for t in TABLES.values()})
    frames["forest"] = forest   # read_all returns the forest tables under "forest" too
    return frames


def _check_forest_types(eco: pd.DataFrame) -> None:
    raw, path, table = eco.attrs["raw"], Path(eco.attrs["path"]), TABLES["land_ecozone"]
    for ft in forest_tables.FOREST_TYPES:
        header = f"{ft}_allowed"
        ok = np.array([ft in forest_tables.zone_forest_types(z) for z in eco["ecozone"]])
        bad = eco[header].to_numpy() & ~ok
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(f"{_where(path, table, raw, row, header)}: {ft} are not modelled in "
                             f"zone {eco['ecozone'].iloc[row]!r} (formulation §1.3: tropical and subtropical "
                             f"zones broadleaves, boreal zones conifers)")


def _check_regions_have_subregions(frames, regions, directory: Path) -> None:
    present = set(frames["subregions"]["region"])
    empty = [r for r in regions if r not in present]
    if empty:
        raise InputError(f"{directory / 'subregions.csv'}: column 'region': region {empty[0]!r} "
                         f"has no subregion")


def _check_complete(frame: pd.DataFrame, cols: tuple[str, ...], wanted: list[tuple]) -> None:
    have = set(map(tuple, frame[list(cols)].itertuples(index=False, name=None)))
    for key in wanted:
        if key not in have:
            label = ", ".join(f"{c}={v!r}" for c, v in zip(cols, key))
            raise InputError(f"{frame.attrs['path']}: column '{cols[0]}': no row for {label}")


def _check_shape(shape: pd.DataFrame) -> None:
    path = shape.attrs["path"]
    ordered = shape.sort_values("year")
    frac = ordered["fraction_share"].to_numpy()
    drops = np.flatnonzero(np.diff(frac) < 0)
    if drops.size:
        year = int(ordered["year"].iloc[drops[0] + 1])
        raise InputError(f"{path}: column 'fraction_share', year {year}: the cumulative shape "
                         f"decreases ({frac[drops[0]]} -> {frac[drops[0] + 1]})")
    if abs(frac[-1] - 1.0) > 1e-9:
        raise InputError(f"{path}: column 'fraction_share', year {int(ordered['year'].iloc[-1])}: "
                         f"must be 1 (the 2100 target is met exactly), got {frac[-1]}")


def _check_storage_totals(frames) -> None:
    storage, totals = frames["storage"], frames["storage_totals"]
    region_of = dict(zip(frames["subregions"]["subregion"], frames["subregions"]["region"]))
    raw = totals.attrs["raw"]
    for row in range(len(totals)):
        scope, case = totals["scope"].iloc[row], totals["case"].iloc[row]
        declared_mt = float(totals["total_gtco2"].iloc[row]) * 1000.0
        members = storage["subregion"].map(lambda s: s == scope or region_of.get(s) == scope)
        header = f"storage_{case}_mtco2"
        got = float(storage.loc[members.to_numpy(), header].sum())
        if abs(got - declared_mt) > STORAGE_TOLERANCE_MT + 1e-9 * declared_mt:
            raise InputError(
                f"{storage.attrs['path']}: column '{header}': sum over {scope} is {got:.10g} MtCO2 "
                f"but {totals.attrs['path']} line {row + 2} (scope={raw['scope'].iloc[row]!r}, "
                f"case={case!r}) declares {totals['total_gtco2'].iloc[row]:g} GtCO2")


def _check_transition(tr: pd.DataFrame) -> None:
    raw, path, table = tr.attrs["raw"], Path(tr.attrs["path"]), TABLES["energy_transition"]
    value = dict(zip(tr["parameter"], tr["value"]))
    line = {p: i for i, p in enumerate(tr["parameter"])}
    for start, end in TRANSITION_RAMPS:
        if not value[end] > value[start]:
            raise InputError(f"{_where(path, table, raw, line[end], 'value')}: {end} "
                             f"{value[end]:g} is not after {start} {value[start]:g} (line "
                             f"{line[start] + 2}); a ramp must end after it starts (formulation §5)")


def _check_ecozones_cover(frames) -> None:
    """Every subregion has its zones in land_ecozone.csv (else it would silently get no AR)."""
    eco = frames["land_ecozone"]
    have = set(eco["subregion"])
    absent = [s for s in frames["subregions"]["subregion"] if s not in have]
    if absent:
        raise InputError(f"{eco.attrs['path']}: column 'subregion': no row for subregion "
                         f"{absent[0]!r} (listed in subregions.csv; give at least one ecological "
                         f"zone, with lrp_ha = ovl_ha = 0 if it has no reforestation land)")


def _lines(rows) -> str:
    rows = [int(r) + 2 for r in rows]
    return f"line {rows[0]}" if len(rows) == 1 else f"lines {', '.join(map(str, rows))}"


def _check_shares(eco: pd.DataFrame) -> None:
    """The zones of a subregion are disjoint parts of it: their area shares sum to at most 1."""
    total = eco.groupby("subregion", sort=False)["area_share"].sum()
    over = total[total > 1.0 + TOLERANCE_SHARE]
    if len(over):
        sr = over.index[0]
        rows = np.flatnonzero((eco["subregion"] == sr).to_numpy())
        raise InputError(f"{eco.attrs['path']}: column 'area_share', {_lines(rows)} "
                         f"(subregion={sr!r}): the zone shares sum to {over.iloc[0]:.6g}, more "
                         f"than 1 (each is a disjoint share of the subregion's land)")


def _check_land_fits(frames) -> None:
    """LRP + OVL (over the zones) + MAL, and LHW, within the subregion's land area."""
    sub, eco, land = frames["subregions"], frames["land_ecozone"], frames["land"]
    order = pd.Index(sub["subregion"])
    area = sub["land_area_ha"].to_numpy()
    forest = (eco["lrp_ha"] + eco["ovl_ha"]).groupby(eco["subregion"]).sum()
    forest = forest.reindex(order, fill_value=0.0).to_numpy()
    land_rows = pd.Index(land["subregion"]).get_indexer(order)   # every_subregion: all found
    mal = land["mal_ha"].to_numpy()[land_rows]
    lhw = land["lhw_ha"].to_numpy()[land_rows]

    def where(i: int) -> str:
        return (f"land_area_ha {area[i]:.10g} ha of subregion {order[i]!r} ({sub.attrs['path']} "
                f"line {i + 2})")

    over = np.flatnonzero(forest + mal > area + TOLERANCE_HA)
    if over.size:
        i = int(over[0])
        sr = order[i]
        rows = np.flatnonzero((eco["subregion"] == sr).to_numpy())
        raise InputError(
            f"{eco.attrs['path']}: columns 'lrp_ha' + 'ovl_ha', {_lines(rows)} (subregion="
            f"{sr!r}) sum to {forest[i]:.10g} ha, and with mal_ha {mal[i]:.10g} ha "
            f"({land.attrs['path']} line {land_rows[i] + 2}) exceed the {where(i)}: LRP, OVL and "
            f"MAL are disjoint land")
    over = np.flatnonzero(lhw > area + TOLERANCE_HA)
    if over.size:
        i = int(over[0])
        raise InputError(f"{land.attrs['path']}: column 'lhw_ha', line {land_rows[i] + 2} "
                         f"(subregion={order[i]!r}): {lhw[i]:.10g} ha exceeds the {where(i)}")


# energy_transition.csv parameter -> technology/energy_transition.toml [transition] key.
TRANSITION_TOML = {"grid_start": "start_year", "grid_zero": "grid_zero_year",
                   "fuel_start": "start_year", "fuel_zero": "fossil_fuel_zero_year",
                   "drying_start": "start_year", "drying_zero": "drying_gas_zero_year"}


def check_transition_agrees(inputs, tech) -> None:
    """The energy transition is in two files: `energy_transition.csv` (used when complete) and
    `technology/energy_transition.toml`. An edit to the TOML alone would be silently ignored, so
    when both are read they must agree."""
    from fastmonet.energy import INPUT_VARIABLES, EnergyTransition

    if not all(v in inputs.variables for v in INPUT_VARIABLES.values()):
        return
    used, toml = EnergyTransition.from_inputs(inputs, tech), EnergyTransition.from_technology(tech)
    for field, key in TRANSITION_TOML.items():
        a, b = getattr(used, field), getattr(toml, field)
        if a != b:
            var = inputs[INPUT_VARIABLES[field]]
            csv_file = var.attrs.get("file", "energy_transition.csv")
            raise InputError(
                f"{Path(tech.path) / 'energy_transition.toml'} [transition] {key}: {b:g} disagrees "
                f"with {csv_file} ({INPUT_VARIABLES[field].removeprefix('transition_')} = {a:g}), "
                f"which is the one used; make the two files agree")
