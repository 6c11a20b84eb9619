"""Dimensions that partition: `region` holds the regions, `option` the CDR options.

A metrics Dataset (`fastmonet.metrics`), a run's combined view (`fastmonet.scenario_dataset`) and
an ensemble store hold on `region` the regions only (BRA, CHN, EU, IND, USA) and on `option` the
options only (ar, beccs, daccs), so a sum over either dimension is the world's, or all options',
value (formulation §8):

    m.cum_removal.sum("region")                   # world, per option
    m.cum_removal.sum(("region", "option"))       # world, all options
    m.shortfall.sum("region"), m.target.sum("region"), m.ctnc.sum("option")

(`skipna=False` where a value may be missing: an ensemble member that failed is NaN.)  Ratios do
not add up, so their totals are variables of their own, named for what they aggregate:

    cnc (region, option, year)       cnc_all_options (region, year)
    cnc_world (option, year)         cnc_world_all_options (year)
    mnc, mnc_all_options, mnc_world, mnc_world_all_options       (the same dimensions)
    cnc_trading_2100 (region)        cnc_trading_2100_world ()

Long tables (summary.csv, timeseries.csv, iamc.csv, the ensemble summary) keep IAMC's "world"
rows and an "all" option: `labelled(ds)` adds those labels (sums for the additive variables, the
stored totals for the ratios); it is for writers of long tables and figures, not for analysis.

Stores written before (results and run stores of layout 1, ensemble stores of layouts 1 and 2)
held "world" and "all" inside the dimensions; `partitioned(ds)` converts such a Dataset, and the
readers (`Results.from_zarr`, `fastmonet.ensemble.open`) call it.
"""

from __future__ import annotations

import xarray as xr

REGION_TOTAL = "world"          # the label of the world in long tables (and in layout-1 stores)
OPTION_TOTAL = "all"            # the label of all options together
OPTIONS = ("ar", "beccs", "daccs")

#: Variables whose world / all-options value is the sum over region / option.
ADDITIVE = ("cum_removal", "cum_removal_subregion", "removal_rate", "ctnc", "target",
            "shortfall", "surplus_2100", "deficit_2100", "sold_2100", "bought_2100")
#: Ratios: their totals are stored as variables of their own (`total_name`).
RATIOS = ("cnc", "mnc", "cnc_trading_2100")


def total_name(name: str, world: bool, all_options: bool) -> str:
    """The variable holding ratio `name` over the world and / or all options."""
    return name + ("_world" if world else "") + ("_all_options" if all_options else "")


def total_names() -> set[str]:
    """Every name `total_name` can give for the RATIOS."""
    return {total_name(n, w, o) for n in RATIOS for w in (False, True) for o in (False, True)
            if w or o}


def _labels(da_or_ds, dim: str) -> list[str]:
    if dim not in da_or_ds.dims:
        return []
    return [x.decode() if isinstance(x, bytes) else str(x) for x in da_or_ds[dim].values]


def is_labelled(ds: xr.Dataset) -> bool:
    """`ds` holds "world" on `region` or "all" on `option` (a layout-1 store, or `labelled`)."""
    return REGION_TOTAL in _labels(ds, "region") or OPTION_TOTAL in _labels(ds, "option")


def _named(attrs: dict, world: bool, all_options: bool) -> dict:
    what = ", ".join(w for w, on in (("world", world), ("all options", all_options)) if on)
    out = dict(attrs)
    if "long_name" in out and what:
        out["long_name"] = f"{out['long_name']} ({what})"
    return out


def partitioned(ds: xr.Dataset) -> xr.Dataset:
    """A Dataset of the layout with "world" / "all" inside the dimensions, converted: those
    labels dropped (the additive variables' are their sums) and each ratio's totals moved to
    its own variables (`total_name`).  A partitioned Dataset is returned as it is."""
    if not is_labelled(ds):
        return ds
    regions = [r for r in _labels(ds, "region") if r != REGION_TOTAL]
    options = [o for o in _labels(ds, "option") if o != OPTION_TOTAL]
    has_world = REGION_TOTAL in _labels(ds, "region")
    has_all = OPTION_TOTAL in _labels(ds, "option")
    totals = {}
    for name in RATIOS:
        if name not in ds:
            continue
        da = ds[name]
        world = has_world and "region" in da.dims
        every = has_all and "option" in da.dims
        for w, o in ((True, False), (False, True), (True, True)):
            if (w and not world) or (o and not every):
                continue
            sel = {"region": REGION_TOTAL if w else regions} if "region" in da.dims else {}
            if "option" in da.dims:
                sel["option"] = OPTION_TOTAL if o else options
            part = da.sel(sel, drop=True)
            totals[total_name(name, w, o)] = part.assign_attrs(_named(da.attrs, w, o))
    keep = {}
    if has_world:
        keep["region"] = regions
    if has_all:
        keep["option"] = options
    out = ds.sel(keep)
    if "region" in out.coords and "long_name" in out["region"].attrs:
        out["region"].attrs["long_name"] = "region code"
    if "option" in out.coords and "long_name" in out["option"].attrs:
        out["option"].attrs["long_name"] = "CDR option (ar, beccs, daccs)"
    return out.assign(totals)


def labelled(ds: xr.Dataset) -> xr.Dataset:
    """`ds` with "world" added on `region` and "all" on `option`, as long tables show them: the
    additive variables summed, each ratio's total taken from its own variable (which is
    dropped), any other variable on `region` NaN (or "") at the world."""
    if is_labelled(ds):
        return ds
    regions = _labels(ds, "region")
    options = _labels(ds, "option")
    all_regions = regions + [REGION_TOTAL] if regions else []
    all_options = options + [OPTION_TOTAL] if options else []
    skip = total_names()
    out = {}
    for name, da in ds.data_vars.items():
        if name in skip:
            continue
        has_r, has_o = "region" in da.dims, "option" in da.dims
        if not (has_r or has_o):
            out[name] = da
        elif name in ADDITIVE:
            out[name] = _with_sums(da)
        elif name in RATIOS:
            out[name] = _with_totals(ds, name)
        else:
            fill = "" if da.dtype.kind in "OUST" else float("nan")
            idx = {}
            if has_r:
                idx["region"] = all_regions
            if has_o:
                idx["option"] = all_options
            out[name] = da.reindex(idx, fill_value=fill)
    res = xr.Dataset(out, coords={k: v for k, v in ds.coords.items()
                                  if k not in ("region", "option")}, attrs=ds.attrs)
    if regions:
        res = res.assign_coords(region=("region", all_regions, dict(ds["region"].attrs)))
    if options:
        res = res.assign_coords(option=("option", all_options, dict(ds["option"].attrs)))
    return res


def _with_sums(da: xr.DataArray) -> xr.DataArray:
    """Append the sums over option ("all") and region ("world"); NaN stays NaN."""
    out = da
    if "option" in out.dims:
        s = out.sum("option", skipna=False).expand_dims(option=[OPTION_TOTAL])
        out = xr.concat([out, s], "option", combine_attrs="override").transpose(*da.dims)
    if "region" in out.dims:
        s = out.sum("region", skipna=False).expand_dims(region=[REGION_TOTAL])
        out = xr.concat([out, s], "region", combine_attrs="override").transpose(*da.dims)
    return out.assign_attrs(da.attrs)


def _with_totals(ds: xr.Dataset, name: str) -> xr.DataArray:
    """A ratio with its stored totals appended as the "all" option and the "world" region."""
    da = ds[name]
    has_r, has_o = "region" in da.dims, "option" in da.dims

    def get(w: bool, o: bool) -> xr.DataArray:
        v = ds[total_name(name, w, o)] if (w or o) else da
        if o:
            v = v.expand_dims(option=[OPTION_TOTAL])
        if w:
            v = v.expand_dims(region=[REGION_TOTAL])
        return v

    def along_option(w: bool) -> xr.DataArray:
        base = get(w, False)
        if not has_o:
            return base
        return xr.concat([base, get(w, True)], "option", combine_attrs="override")

    out = along_option(False)
    if has_r:
        out = xr.concat([out, along_option(True)], "region", combine_attrs="override")
    return out.transpose(*da.dims).assign_attrs(da.attrs)
