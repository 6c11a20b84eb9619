"""The ensemble store: one zarr (v3) directory that `xr.open_zarr(STORE)` opens as one Dataset.

Root group (dims member, scenario, region, option, year, parameter):

    cum_removal, removal_rate, ctnc, cnc   (member, scenario, region, option, year)
    cnc_all_options                        (member, scenario, region, year)
    cnc_world                              (member, scenario, option, year)
    cnc_world_all_options                  (member, scenario, year)
    target, shortfall                      (member, scenario, region, year)
    cnc_trading_2100                       (member, scenario, region)
    nep, total_cost, simplex_iterations, cnc_trading_2100_world   (member, scenario)
    status (int8: 0 pending, 1 done, 2 failed), message   (member, scenario)
    sample (value; discrete: case index), sample_unit (hypercube)   (member, parameter)
    member_key                             (member)   content hash of what the member solves

Group ``coefficients``: ar_removal, ar_cost (member, cell, vintage, year) with the cell's
subregion / ecozone / forest type as coordinates; dac_cost, dac_stored, dac_captured,
dac_efficiency (member, tech, subregion, period); coef_status, coef_message (member).
Group ``timing``: seconds per (member, scenario) and per coefficient block — run-dependent,
so kept out of the root that a resumed run must reproduce bit for bit.
Group ``integrity`` (layout 2): ``result_checksum`` (member, result_variable) and
``coefficient_checksum`` (member, coefficient_variable), the `fastmonet.store.checksums` digest
of each member's values of each variable, its status included, written before the status.
`result_damage` / `coefficient_damage` check them: a missing chunk (read back as fill values),
a garbage chunk or an altered value is found, never read as data.

Layout 3: `region` holds the regions and `option` the options only, so sums over them are the
world's and all options' values (`skipna=False`: a failed member is NaN); the CNC's totals are
their own variables (`fastmonet.partition`).  Stores of layouts 1 and 2 held "world" and "all"
inside those dimensions: `open_dataset` converts them; a run does not add members to them.

Every array is chunked by one member (the `coefficients` group, its status included, by the member block), so two
workers never write the same chunk; zarr's local store writes each chunk atomically, and a
slot's status is written after its results, so a killed run leaves no slot that looks done.
The root attributes hold the provenance: the run key (a hash of everything the results depend
on), the input, technology and ranges hashes, the ranges file itself, sampler and seed.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from fastmonet.errors import InputError
from fastmonet.store import kinds
from fastmonet.store.checksums import digest as value_digest

TITLE = "fastmonet uncertainty ensemble"
PENDING, DONE, FAILED = 0, 1, 2
STATUS_ATTRS = {"long_name": "state of the (member, scenario) solve", "flag_values": [0, 1, 2],
                "flag_meanings": "pending done failed", "units": "1"}

# name: (dims after (member, scenario), units, long_name)
RESULT_VARS = {
    "cum_removal": (("region", "option", "year"), "tCO2", "cumulative CO2 removal"),
    "removal_rate": (("region", "option", "year"), "tCO2/yr", "mean CO2 removal rate in the decade ending in year"),
    "ctnc": (("region", "option", "year"), "US$2018", "cumulative total net cost"),
    "cnc": (("region", "option", "year"), "US$2018/tCO2", "cumulative net cost per tonne removed"),
    "cnc_all_options": (("region", "year"), "US$2018/tCO2",
                        "cumulative net cost per tonne removed (all options)"),
    "cnc_world": (("option", "year"), "US$2018/tCO2", "cumulative net cost per tonne removed (world)"),
    "cnc_world_all_options": (("year",), "US$2018/tCO2",
                              "cumulative net cost per tonne removed (world, all options)"),
    "target": (("region", "year"), "tCO2", "cumulative removal target"),
    "shortfall": (("region", "year"), "tCO2", "cumulative removal short of the target"),
    "cnc_trading_2100": (("region",), "US$2018/tCO2", "cumulative net cost per tonne by 2100 with trading"),
    "cnc_trading_2100_world": ((), "US$2018/tCO2",
                               "cumulative net cost per tonne by 2100 with trading (world)"),
    "nep": ((), "US$2018/tCO2", "negative emissions price"),
    "total_cost": ((), "US$2018", "LP cost objective"),
    "simplex_iterations": ((), "1", "simplex iterations of the scenario's solve, every stage and sifting round"),
}
AR_VARS = {"ar_removal": ("tCO2/ha", "AR removal coefficient cRCO2(t, a)"),
           "ar_cost": ("US$2018/ha", "AR cost coefficient cCost(t, a)")}
# What the integrity group checksums, per member: the results with their message and status,
# the coefficients with theirs (each status last: it is what says the rest is there).
RESULT_CHECKED = (*RESULT_VARS, "message", "status")
DAC_CHECKED = ("dac_cost", "dac_stored", "dac_captured", "dac_efficiency")
COEF_CHECKED = ("ar_removal", "ar_cost", *DAC_CHECKED, "coef_message", "coef_status")
DAC_ATTRS = {"dac_cost": ("US$2018/tCO2", "DACCS cost per tonne removed"),
             "dac_stored": ("tCO2/tCO2", "CO2 stored per tonne removed"),
             "dac_captured": ("tCO2/tCO2", "CO2 captured per tonne removed"),
             "dac_efficiency": ("tCO2/tCO2", "CO2 removed per tonne captured")}


def digest(obj) -> str:
    """sha256 of bytes, str, numpy arrays or an xarray Dataset (its variables' content)."""
    h = hashlib.sha256()
    _feed(h, obj)
    return h.hexdigest()


def _feed(h, obj) -> None:
    if isinstance(obj, xr.Dataset):
        for name in sorted(obj.variables, key=str):
            var = obj.variables[name]
            h.update(f"{name}|{var.dims}|{var.dtype.kind}".encode())
            _feed(h, np.asarray(var.values))
        _feed(h, json.dumps({k: str(v) for k, v in sorted(obj.attrs.items())}))
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "OUT":
            h.update("\x1f".join(map(str, obj.ravel().tolist())).encode())
        else:
            h.update(str(obj.shape).encode() + np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, bytes):
        h.update(obj)
    else:
        h.update(str(obj).encode())


def _zarr():
    import zarr
    return zarr


def create(path: Path, *, members: int, scenarios: list[str], regions: list[str],
           options: list[str], years: list[int], parameters: list[str], units: list[str],
           sample: np.ndarray, sample_unit: np.ndarray, member_keys: list[str], cells,
           subregions: list[str], ecozones: list[str], forest_types: list[str], techs: list[str],
           periods: list[int], block: int, attrs: dict) -> None:
    """Write the empty store (fill values everywhere, the sample and provenance filled in)."""
    m, s = members, len(scenarios)
    coords = {"member": np.arange(m), "scenario": np.array(scenarios, dtype=object),
              "region": np.array(regions, dtype=object), "option": np.array(options, dtype=object),
              "year": np.asarray(years), "parameter": np.array(parameters, dtype=object)}
    data, enc = {}, {}
    for name, (dims, unit, long) in RESULT_VARS.items():
        shape = (m, s) + tuple(len(coords[d]) for d in dims)
        data[name] = (("member", "scenario") + dims, np.full(shape, np.nan), {"units": unit, "long_name": long})
        enc[name] = {"chunks": (1,) + shape[1:]}
    data["status"] = (("member", "scenario"), np.zeros((m, s), np.int8), STATUS_ATTRS)
    data["message"] = (("member", "scenario"), np.full((m, s), "", dtype=object),
                       {"long_name": "why the (member, scenario) failed (empty if it did not)"})
    data["sample"] = (("member", "parameter"), sample,
                      {"long_name": "sampled parameter value (discrete parameters: index of the case)"})
    data["sample_unit"] = (("member", "parameter"), sample_unit,
                           {"long_name": "unit-hypercube sample mapped to the value by the ranges", "units": "1"})
    data["member_key"] = ("member", np.array(member_keys, dtype=object),
                          {"long_name": "sha256 of the member's inputs, draw and scenarios"})
    for name in ("status", "message"):
        enc[name] = {"chunks": (1, s)}
    coords["parameter_unit"] = ("parameter", np.array(units, dtype=object))
    ds = xr.Dataset(data, coords=coords, attrs={**attrs, **kinds.attributes(kinds.ENSEMBLE)})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not have a Zarr V3 specification.*")
        ds.to_zarr(path, mode="w", encoding=enc, consolidated=False, zarr_format=3)
        _create_coefficients(path, m, cells, subregions, ecozones, forest_types, techs, periods, years, block)
        _create_timing(path, m, scenarios)
        _create_integrity(path, m, block)
    # Last: a store killed while being laid out is recognised and laid out again.
    _zarr().open_group(str(path), mode="r+").attrs["layout_complete"] = True
    # Metadata never changes after this (workers write chunks only): consolidate it, so
    # `xr.open_zarr(STORE)` opens the store with one read and no warning.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
        _zarr().consolidate_metadata(str(path))


def _create_coefficients(path, m, cells, subregions, ecozones, forest_types, techs, periods, years, block):
    n_c, n_v = cells.size, len(periods)
    sub, eco, ft = (np.array(x, dtype=object) for x in (subregions, ecozones, forest_types))
    coords = {"member": np.arange(m), "cell": np.arange(n_c), "vintage": np.asarray(periods),
              "year": np.asarray(years), "tech": np.array(techs, dtype=object), "subregion": sub,
              "period": np.asarray(periods),
              "cell_subregion": ("cell", sub[cells.sr]), "cell_ecozone": ("cell", eco[cells.ez]),
              "cell_forest_type": ("cell", ft[cells.ft])}
    data, enc = {}, {}
    for name, (unit, long) in AR_VARS.items():
        data[name] = (("member", "cell", "vintage", "year"), _lazy_nan((m, n_c, n_v, len(years)), block),
                      {"units": unit, "long_name": long})
        enc[name] = {"chunks": (block, n_c, n_v, len(years)), "compressors": _ar_compressors()}
    shape = (m, len(techs), len(subregions), n_v)
    for name, (unit, long) in DAC_ATTRS.items():
        data[name] = (("member", "tech", "subregion", "period"), _lazy_nan(shape, block),
                      {"units": unit, "long_name": long})
        enc[name] = {"chunks": (block,) + shape[1:]}
    data["coef_status"] = ("member", np.zeros(m, np.int8),
                           {**STATUS_ATTRS, "long_name": "state of the member's coefficients"})
    data["coef_message"] = ("member", np.full(m, "", dtype=object), {"long_name": "why they failed"})
    # By member block, like the arrays: one coefficient task writes one whole chunk of each
    # (per-member chunks cost one file write per member, a fifth of a block's time).
    enc["coef_status"] = enc["coef_message"] = {"chunks": (block,)}
    ds = xr.Dataset(data, coords=coords, attrs={"member_block": block})
    ds.to_zarr(path, group="coefficients", mode="w", encoding=enc, consolidated=False,
               compute=False, zarr_format=3)


def _ar_compressors():
    from zarr.codecs import ZstdCodec
    # zstd level 1, not zarr's default 3: on the bundled blocks the same size (the chunks are
    # highly redundant) for ~30% less encoding time.
    return [ZstdCodec(level=1)]


def _lazy_nan(shape, block):
    import dask.array as da
    # Never computed: to_zarr(compute=False) writes only the metadata; chunks read as NaN.
    return da.full(shape, np.nan, chunks=(block,) + shape[1:])


def _create_timing(path, m, scenarios):
    s = len(scenarios)
    ds = xr.Dataset({"solve_s": (("member", "scenario"), np.full((m, s), np.nan),
                                 {"units": "s", "long_name": "wall time of the scenario's LP solves"}),
                     "member_s": ("member", np.full(m, np.nan),
                                  {"units": "s", "long_name": "wall time of the member task"})},
                    coords={"member": np.arange(m), "scenario": np.array(scenarios, dtype=object)})
    ds.to_zarr(path, group="timing", mode="w", encoding={"solve_s": {"chunks": (1, s)},
                                                           "member_s": {"chunks": (1,)}},
               consolidated=False, zarr_format=3)


def _create_integrity(path, m, block):
    """Empty checksums ("": none recorded; a pending member or block needs none)."""
    ds = xr.Dataset(
        {"result_checksum": (("member", "result_variable"),
                             np.full((m, len(RESULT_CHECKED)), "", dtype=object),
                             {"long_name": "sha256 of the member's values of the variable"}),
         "coefficient_checksum": (("member", "coefficient_variable"),
                                  np.full((m, len(COEF_CHECKED)), "", dtype=object),
                                  {"long_name": "sha256 of the member's values of the variable"})},
        coords={"member": np.arange(m),
                "result_variable": np.array(RESULT_CHECKED, dtype=object),
                "coefficient_variable": np.array(COEF_CHECKED, dtype=object)})
    # Chunked like what they check: results by member, coefficients by member block.
    ds.to_zarr(path, group="integrity", mode="w", consolidated=False, zarr_format=3,
               encoding={"result_checksum": {"chunks": (1, len(RESULT_CHECKED))},
                         "coefficient_checksum": {"chunks": (block, len(COEF_CHECKED))}})


def has_integrity(path) -> bool:
    """Layout 2: the store has checksums (stores of layout 1 are checked for readability only)."""
    return (Path(path) / "integrity" / "zarr.json").is_file()


def require(path, action: str = "ensemble") -> None:
    """`path` is an ensemble store (one line naming both kinds otherwise)."""
    if not isinstance(path, (str, Path)):
        raise InputError(f"{action}: a store path, got {type(path).__name__}")
    if not exists(path):
        if Path(path).exists():
            kinds.require(path, kinds.ENSEMBLE, action=action)
        raise InputError(f"{path}: ensemble store not found")
    kinds.require(path, kinds.ENSEMBLE, action=action)


def attrs(path) -> dict:
    """The root attributes of an ensemble store; InputError when it cannot be opened as one."""
    try:
        return dict(_zarr().open_group(str(path), mode="r").attrs)
    except Exception as exc:  # noqa: BLE001 - any unreadable store is bad input
        raise InputError(f"{path}: not a readable ensemble store ({exc})") from None


def exists(path) -> bool:
    """Whether `path` holds a zarr group (a store to resume, not a new one to create)."""
    return Path(path).is_dir() and (Path(path) / "zarr.json").is_file()


def is_partial_layout(path) -> bool:
    """An ensemble store whose layout was interrupted (safe to lay out again)."""
    a = attrs(path)
    return a.get("title") == TITLE and not a.get("layout_complete", False)


def status(path) -> np.ndarray:
    """The (member, scenario) solve status array: PENDING, DONE or FAILED."""
    return np.asarray(_zarr().open_group(str(path), mode="r")["status"][...])


def coef_status(path) -> np.ndarray:
    """The per-member status of the stored coefficients: PENDING, DONE or FAILED."""
    return np.asarray(_zarr().open_group(str(path), mode="r", path="coefficients")["coef_status"][...])


# ------------------------------------------------------------------ worker-side writes and reads
def write_coefficients(path, start: int, ar: dict[str, np.ndarray], dac: dict[str, np.ndarray],
                       ok: np.ndarray, messages: list[str]) -> None:
    """Members start .. start + len(ok) (one chunk): arrays first, then their status."""
    from zarr.core.sync import sync
    stop = start + ok.size
    arrays = {**{k: np.asarray(v, np.float64) for k, v in {**ar, **dac}.items()},
              "coef_message": np.array(messages, dtype=object)}
    status = np.where(ok, DONE, FAILED).astype(np.int8)
    sums = None
    if has_integrity(path):
        values = {**arrays, "coef_status": status}
        sums = np.array([[value_digest(values[name][j]) for name in COEF_CHECKED]
                         for j in range(ok.size)], dtype=object)
    sync(_write_async(str(path), slice(start, stop), arrays, status, sums))


async def _write_async(path: str, where: slice, arrays: dict[str, np.ndarray], status: np.ndarray,
                       sums: np.ndarray | None = None) -> None:
    """zarr's async API: the chunks are encoded and written concurrently, in one round trip to
    its event loop (one synchronous write per array cost more than their encoding)."""
    import asyncio

    import zarr
    import zarr.api.asynchronous as za
    # Whole chunks of computed values: skipping zarr's all-fill-value test of each (a NaN-aware
    # comparison of the full chunk) changes nothing a reader sees (a missing chunk reads as NaN).
    # An array takes its config when opened (`with_config` exists from zarr 3.1.6 only).
    with zarr.config.set({"array.write_empty_chunks": True}):
        g = await za.open_group(path, mode="r+", path="coefficients")
        targets = await asyncio.gather(*(g.getitem(name) for name in [*arrays, "coef_status"]))
    await asyncio.gather(*(t.setitem(where, arr) for t, arr in zip(targets, arrays.values())))
    if sums is not None:     # then their checksums: a status without them reads as damaged
        integ = await za.open_group(path, mode="r+", path="integrity")
        await (await integ.getitem("coefficient_checksum")).setitem(where, sums)
    await targets[-1].setitem(where, status)       # last: a member is done once its arrays are


def read_member_coefficients(path, member: int, names) -> dict[str, np.ndarray]:
    """One member's stored coefficient arrays `names` (the AR and DAC blocks), read back to solve it."""
    g = _zarr().open_group(str(path), mode="r", path="coefficients")
    return {n: np.asarray(g[n][member]) for n in names}


def write_outcomes(path, member: int, outcomes, regions, options, years, member_s: float) -> None:
    """One member's row of every result variable, then its status (written last)."""
    root = _zarr().open_group(str(path), mode="r+")
    s = len(outcomes)
    vals = {name: np.full((s,) + root[name].shape[2:], np.nan) for name in RESULT_VARS}
    for k, o in enumerate(outcomes):
        if not o.ok:
            continue
        met = o.metrics
        for name, (dims, _, _) in RESULT_VARS.items():
            if name in met:
                sel = met[name]
                if "region" in dims:
                    sel = sel.sel(region=regions)
                if "option" in dims:
                    sel = sel.sel(option=options)
                if "year" in dims:
                    sel = sel.sel(year=years)
                vals[name][k] = np.asarray(sel.transpose(*dims).values, np.float64)
        vals["total_cost"][k] = o.cost * 1e6
        vals["simplex_iterations"][k] = o.iterations
    for name, v in vals.items():
        root[name][member] = v
    t = _zarr().open_group(str(path), mode="r+", path="timing")
    t["solve_s"][member] = np.array([o.solve_s for o in outcomes])
    t["member_s"][member] = member_s
    vals["message"] = np.array([o.message for o in outcomes], dtype=object)
    vals["status"] = np.array([DONE if o.ok else FAILED for o in outcomes], np.int8)
    root["message"][member] = vals["message"]
    if has_integrity(path):   # checksums before the status: a done member always has them
        integ = _zarr().open_group(str(path), mode="r+", path="integrity")
        integ["result_checksum"][member] = np.array([value_digest(vals[n]) for n in RESULT_CHECKED],
                                                    dtype=object)
    root["status"][member] = vals["status"]


def _rows(arr, index) -> tuple[np.ndarray | None, dict[int, str]]:
    """The whole array if it reads, else None and, per member index, why its rows do not."""
    try:
        return np.asarray(arr[...]), {}
    except Exception:  # noqa: BLE001 - a garbage chunk: find the members it holds
        bad = {}
        for i in index:
            try:
                arr[int(i)]
            except Exception as exc:  # noqa: BLE001
                bad[int(i)] = _short(exc)
        return None, bad


NO_SUM = "has no recorded checksum (its checksum chunk is missing)"
MISMATCH = "does not match its checksum (a chunk is missing or altered)"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:160]


def _member_checks(group, names, members, sums) -> dict[int, tuple[str, str]]:
    """member -> "variable 'x' ...": the first variable of each member whose values do not read
    back, or (with `sums`, member -> [digest per name]) do not match their checksum."""
    bad: dict[int, tuple[str, str]] = {}
    for k, name in enumerate(names):
        arr = group[name]
        whole, unreadable = _rows(arr, members)
        for i in members:
            if i in bad:
                continue
            if i in unreadable:
                bad[i] = (name, f"cannot be read ({unreadable[i]})")
                continue
            if sums is None:
                continue
            want = str(sums[i][k])
            values = whole[i] if whole is not None else np.asarray(arr[i])
            if not want:
                bad[i] = (name, NO_SUM)
            elif value_digest(values) != want:
                bad[i] = (name, MISMATCH)
    return bad


def result_damage(path) -> dict[int, tuple[str, str]]:
    """Members whose stored results are damaged: member -> (the first bad variable, what).

    Every result chunk holds one member, so damage costs that member only: a resumed run solves
    it again (`mark_pending`), and `open_dataset` refuses to return its values.  Layout 2 checks
    each member's values against its checksums (a deleted chunk reads back as NaN, which only
    a checksum tells from a result); layout 1 (no checksums) only that they can be read."""
    root = _zarr().open_group(str(path), mode="r")
    m = root["status"].shape[0]
    st, bad_status = _rows(root["status"], range(m))
    bad = {i: ("status", f"cannot be read ({why})") for i, why in bad_status.items()}
    if st is None:
        st = np.stack([np.asarray(root["status"][i]) if i not in bad_status
                       else np.full(root["status"].shape[1], DONE, np.int8) for i in range(m)])
    members = [int(i) for i in np.flatnonzero((st != PENDING).any(axis=1)) if int(i) not in bad]
    sums = None
    if has_integrity(path):
        integ = _zarr().open_group(str(path), mode="r", path="integrity")
        sums, bad_sums = _rows(integ["result_checksum"], members)
        bad.update({i: ("result_checksum", f"cannot be read ({why})") for i, why in bad_sums.items()})
        members = [i for i in members if i not in bad]
        if sums is None:
            sums = {i: np.asarray(integ["result_checksum"][i]) for i in members}
    names = _checked_names(path) if sums is not None else \
        (*(n for n in RESULT_VARS if n in set(root.array_keys())), "message")
    bad.update(_member_checks(root, names, members, sums))
    return dict(sorted(bad.items()))


def _checked_names(path) -> tuple[str, ...]:
    """The result variables the store's checksums are over (its own list: older layouts had
    fewer)."""
    integ = _zarr().open_group(str(path), mode="r", path="integrity")
    return tuple(str(x) for x in np.asarray(integ["result_variable"][...]).tolist())


def coefficient_damage(path) -> dict[int, tuple[str, str]]:
    """Members whose stored coefficients (computed, or failed with a message) are damaged:
    member -> what.  Checked like `result_damage`; a resumed run computes their block again."""
    g = _zarr().open_group(str(path), mode="r", path="coefficients")
    m = g["coef_status"].shape[0]
    block = int(g.attrs.get("member_block", 1))
    cst, bad_status = _rows(g["coef_status"], range(m))
    bad = {i: ("coef_status", f"cannot be read ({why})") for i, why in bad_status.items()}
    if cst is None:
        cst = np.array([DONE if i in bad_status else int(np.asarray(g["coef_status"][i]))
                        for i in range(m)])
    members = [int(i) for i in np.flatnonzero(cst != PENDING) if int(i) not in bad]
    sums = None
    if has_integrity(path):
        integ = _zarr().open_group(str(path), mode="r", path="integrity")
        sums, bad_sums = _rows(integ["coefficient_checksum"], members)
        bad.update({i: ("coefficient_checksum", f"cannot be read ({why})")
                    for i, why in bad_sums.items()})
        members = [i for i in members if i not in bad]
        if sums is None:
            sums = {i: np.asarray(integ["coefficient_checksum"][i]) for i in members}
    names = COEF_CHECKED if sums is not None else COEF_CHECKED[:-1]
    # By block: the coefficient arrays are large, and one block is one chunk of each.
    for start in range(0, m, block):
        inside = [i for i in members if start <= i < start + block]
        if inside:
            bad.update(_block_checks(g, names, start, min(m, start + block), inside, sums))
    return dict(sorted(bad.items()))


def _block_checks(g, names, start, stop, members, sums) -> dict[int, tuple[str, str]]:
    bad: dict[int, tuple[str, str]] = {}
    for k, name in enumerate(names):
        try:
            values = np.asarray(g[name][start:stop])
        except Exception as exc:  # noqa: BLE001 - a garbage chunk: every member of the block
            for i in members:
                bad.setdefault(i, (name, f"cannot be read ({_short(exc)})"))
            continue
        if sums is None:
            continue
        for i in members:
            if i in bad:
                continue
            want = str(sums[i][k])
            if not want:
                bad[i] = (name, NO_SUM)
            elif value_digest(values[i - start]) != want:
                bad[i] = (name, MISMATCH)
    return bad


def damaged_members(path) -> dict[int, str]:
    """Members with damaged stored results: member -> the variable (see `result_damage`)."""
    return {i: name for i, (name, _) in result_damage(path).items()}


def mark_coefficients_pending(path, members, block: int) -> list[int]:
    """The blocks holding `members` are computed again (their first members returned)."""
    g = _zarr().open_group(str(path), mode="r+", path="coefficients")
    starts = sorted({int(i) - int(i) % block for i in members})
    n = g["coef_status"].shape[0]
    for start in starts:
        stop = min(n, start + block)
        g["coef_status"][start:stop] = np.zeros(stop - start, np.int8)
    return starts


def mark_pending(path, members) -> None:
    """Set every scenario of `members` back to PENDING, so the next run solves them again."""
    root = _zarr().open_group(str(path), mode="r+")
    for i in members:
        root["status"][int(i)] = np.full(root["status"].shape[1], PENDING, np.int8)


def open_dataset(path, group: str | None = None) -> xr.Dataset:
    """The store (or one of its groups) as a lazy Dataset with plain str labels.

    The root and the `coefficients` group are checked first (`result_damage`,
    `coefficient_damage`): a damaged member is refused in one line, never read as values.

    Parameters
    ----------
    path : str or Path
        An ensemble store written by `fastmonet.ensemble.run`.
    group : str, optional
        A group of the store (``"coefficients"``: each member's coefficients); default: the
        results, one row per (member, scenario), with the drawn values as ``parameter`` columns.

    Returns
    -------
    xarray.Dataset
        Lazy (dask) arrays; ``status`` says which (member, scenario) solves are done.

    Raises
    ------
    InputError
        Not an ensemble store, or a damaged member (rerun the same command to compute it again).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from fastmonet import data, ensemble
    >>> inputs = data.load()
    >>> region = inputs["subregion_region"].values            # one subregion per region: fast
    >>> small = inputs.isel(subregion=[int(np.flatnonzero(region == r)[0])
    ...                                for r in ("BRA", "CHN", "EU", "IND", "USA")])
    >>> out = Path(tempfile.mkdtemp()) / "ensemble.zarr"
    >>> summary = ensemble.run(2, ["cooperation"], out, sampler="random", inputs=small,
    ...                        workers=0, progress=False)
    >>> ds = ensemble.open(out)
    >>> dict(ds["status"].sizes)
    {'member': 2, 'scenario': 1}
    >>> ds["cum_removal"].dims
    ('member', 'scenario', 'region', 'option', 'year')
    """
    require(path, "ensemble")
    if group is not None and not isinstance(group, str):
        raise InputError(f"group: a group name of the ensemble store, got {type(group).__name__}")
    if group in (None, "coefficients"):
        bad = result_damage(path) if group is None else coefficient_damage(path)
        if bad:
            i, (name, why) = next(iter(bad.items()))
            raise InputError(f"{path}: ensemble store damaged: variable {name!r} of member {i} "
                             f"{why} ({len(bad)} member(s) in all); rerun the same 'fastmonet "
                             f"ensemble run' command to compute them again")
    ds = xr.open_zarr(str(path), group=group, consolidated=None)
    for name in list(ds.variables):
        var = ds.variables[name]
        if var.dtype.kind == "T" and name in ds.coords:
            ds = ds.assign_coords({name: (var.dims, np.asarray(var.values).astype(object).astype(str))})
    if group is None:
        from fastmonet.partition import partitioned
        ds = partitioned(ds)            # layouts 1 and 2: "world" / "all" inside the dims
    return ds


def attrs_group(path, group: str) -> dict:
    """The attributes of one group of the store (e.g. 'coefficients'), as a plain dict."""
    return dict(_zarr().open_group(str(path), mode="r", path=group).attrs)
