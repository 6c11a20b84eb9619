"""Moment-independent sensitivity of an ensemble output to its sampled inputs, for any sample.

    table = pawn("ens.zarr", "cnc_2100")                  # every scenario of the store
    table = pawn(ds, "shortfall_2100", scenario="isolation", num_resamples=200)
    rows = pawn_indices(x, y)                             # any (inputs DataFrame, output) pair

Sobol indices need the Saltelli design (`sampler = sobol`); an `lhs` or `random` ensemble has
none of that structure.  The PAWN index (Pianosi & Wagener 2015, 2018) needs none: the members
are cut into `slices` equal-count slices of one input, and the index is the median over the
slices of the Kolmogorov-Smirnov distance between the output's distribution in the slice and
over all members (0: fixing the input does not move the output's distribution; 1: at most).
It is computed by `SALib.analyze.pawn`; its confidence interval is the `conf_level` percentile
interval of the index over `num_resamples` bootstrap resamples of the members, shifted back by
the resamples' bias (a resample repeats members, which raises a KS distance).

At 100 members a slice holds 10 of them, and the distance between 10 draws and 100 is well above
0 even when the output does not depend on the input: every table carries a `dummy` row, the
index of a column of random numbers, and an input is told apart from sampling noise only when
its index exceeds the dummy's in the resamples (`above_dummy`: the lower `conf_level` bound of
the difference, resample by resample, is above 0).

Why not SALib's delta: in SALib 1.6 its point estimate is taken on one bootstrap resample (it
changes with `num_resamples`), and with its binned variants it costs about a second an input at
100 members, against PAWN's ~0.4 s for all 60 inputs.

The inputs are the store's sampled columns (`fastmonet.ensemble.sampled`: a group of
correlated entries is one column), as the unit-hypercube numbers they were drawn from (the index
does not change under a monotone map of an input, and a discrete input's cases would leave the
equal-count slices of SALib empty), the output the world value of a 2100 scalar of the report
(`outcomes.outputs`) over the members whose (member, scenario) solve finished.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.ensemble import outcomes, sampled, store
from fastmonet.errors import InputError
from fastmonet.partition import labelled

#: The outputs `pawn` analyses (2100 values; cum_removal_2100 of every option together).
OUTPUTS = {"cnc_2100": "US$2018/tCO2", "shortfall_2100": "GtCO2", "cum_removal_2100": "GtCO2",
           "nep": "US$2018/tCO2"}
SLICES = 10
#: Members for `SLICES` slices of at least two members each.
MIN_MEMBERS = 2 * SLICES
DUMMY = "dummy"
COLUMNS = ["scenario", "output", "region", "unit", "members", "input", "pawn", "pawn_low",
           "pawn_high", "above_dummy"]


def pawn_indices(x: pd.DataFrame, y, *, slices: int = SLICES, num_resamples: int = 100,
                 conf_level: float = 0.95, seed: int = 1, dummy: bool = True) -> pd.DataFrame:
    """PAWN indices (median over slices) of `y` (n,) over the columns of `x` (n, d), with a
    `dummy` row last.

    Columns: input, pawn, pawn_low and pawn_high (the `conf_level` bootstrap interval),
    above_dummy (the index exceeds the dummy's in all but the `conf_level` tail of the
    resamples; False for the dummy itself and without one).  Same seed, same numbers; the global
    numpy random state is left as it was."""
    from SALib.analyze import pawn as salib_pawn
    x = pd.DataFrame(x)
    y = np.asarray(y, np.float64)
    n = y.shape[0]
    if x.shape[0] != n:
        raise InputError(f"pawn: {x.shape[0]} input rows for {n} output values")
    if not isinstance(slices, (int, np.integer)) or slices < 2:
        raise InputError(f"pawn: slices must be a whole number >= 2, got {slices!r}")
    if n < 2 * slices:
        raise InputError(f"pawn: {n} members; {slices} slices need at least {2 * slices}")
    if not isinstance(num_resamples, (int, np.integer)) or num_resamples < 10:
        raise InputError(f"pawn: num_resamples must be a whole number >= 10, got {num_resamples!r}")
    if not 0 < conf_level < 1:
        raise InputError(f"pawn: conf_level must lie in (0, 1), got {conf_level!r}")
    if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
        raise InputError("pawn: the output does not vary across members (or is not finite)")
    names = [str(c) for c in x.columns]
    values = np.asarray(x.to_numpy(np.float64))
    rng = np.random.default_rng(seed)
    if dummy:
        names.append(DUMMY)
        values = np.column_stack([values, rng.random(n)])
    if not np.all(np.isfinite(values)):
        raise InputError("pawn: the inputs have missing values")
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[float(lo), float(hi)] for lo, hi in zip(values.min(0), values.max(0))]}

    def median(idx):
        # SALib seeds the global numpy generator when given a seed (none here: PAWN draws
        # nothing) and warns on empty slices of a resample with ties: kept inside this call.
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("ignore")
            return np.asarray(salib_pawn.analyze(problem, values[idx], y[idx], S=int(slices))["median"],
                              np.float64)

    state = np.random.get_state()
    try:
        point = median(np.arange(n))
        boot = np.array([median(rng.integers(0, n, n)) for _ in range(int(num_resamples))])
    finally:
        np.random.set_state(state)
    tail = 100 * (1 - conf_level) / 2
    # Resampling with replacement repeats members, which raises a KS distance: the percentile
    # interval is shifted back by that bias (the resamples' mean index minus the index).
    bias = np.nanmean(boot, axis=0) - point
    low, high = np.nanpercentile(boot, [tail, 100 - tail], axis=0) - bias
    low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    above = np.zeros(len(names), bool)
    if dummy:
        # Paired with the dummy in the same resamples, so that the bias cancels.
        diff = boot[:, :-1] - boot[:, -1:]
        above[:-1] = np.nanpercentile(diff, tail, axis=0) > 0
    return pd.DataFrame({"input": names, "pawn": point, "pawn_low": low, "pawn_high": high,
                         "above_dummy": above})


def output_values(ds: xr.Dataset, output: str, scenario: str, region: str = "world") -> pd.Series:
    """The output of each member whose (member, scenario) solve finished, indexed by member."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    if output not in OUTPUTS:
        raise InputError(f"output: unknown output {output!r}; expected one of {', '.join(OUTPUTS)}")
    outcomes.check_scenario(ds, scenario)
    regions = [str(r) for r in ds["region"].values]
    if region not in regions:
        raise InputError(f"region: {region!r} is not in the store (it has {', '.join(regions)})")
    da = outcomes.outputs(ds)[output].sel(scenario=scenario)
    if "region" in da.dims:
        da = da.sel(region=region)
    if "option" in da.dims:
        da = da.sel(option="all")
    ok = np.asarray(ds["status"].sel(scenario=scenario).values) == store.DONE
    vals = np.asarray(da.values, np.float64)
    keep = ok & np.isfinite(vals)
    return pd.Series(vals[keep], index=pd.Index(np.asarray(ds["member"].values)[keep], name="member"))


def pawn(data, output: str = "cnc_2100", scenario: str | list[str] | None = None, *,
         region: str = "world", slices: int = SLICES, num_resamples: int = 100,
         conf_level: float = 0.95, seed: int = 1) -> pd.DataFrame:
    """PAWN indices of an ensemble output over the store's sampled columns, per scenario.

    `data`: an ensemble store path or its Dataset; `scenario`: one, a list, or every scenario
    of the store.  Rows: `COLUMNS` (one per sampled column and scenario, and the dummy's).  A
    scenario that cannot be analysed (too few finished members, an output that does not vary)
    has no rows; `table.attrs["not_computed"]` maps it to the reason."""
    ds = sampled.open_any(data)
    scenarios = ([str(s) for s in ds["scenario"].values] if scenario is None
                 else [scenario] if isinstance(scenario, str) else list(scenario))
    x_all = sampled.inputs(ds, space="unit")
    frames, skipped = [], {}
    for s in scenarios:
        y = output_values(ds, output, s, region)
        if y.size < 2 * slices:
            skipped[s] = (f"not computed: {y.size} finished members; {slices} slices need at "
                          f"least {2 * slices}")
            continue
        if np.ptp(y.to_numpy()) == 0:
            skipped[s] = f"not computed: {output} is {y.iloc[0]:.4g} in every member"
            continue
        rows = pawn_indices(x_all.loc[y.index], y.to_numpy(), slices=slices,
                            num_resamples=num_resamples, conf_level=conf_level, seed=seed)
        rows.insert(0, "members", int(y.size))
        rows.insert(0, "unit", OUTPUTS[output])
        rows.insert(0, "region", region)
        rows.insert(0, "output", output)
        rows.insert(0, "scenario", s)
        frames.append(rows)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    table.attrs["not_computed"] = skipped
    return table
