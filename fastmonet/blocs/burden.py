"""Burden sharing: how the world target is split into regional targets.

The world total and its time shape stay the data's (P3 or P4); a rule only chooses each
region's share, the same share in every reporting year:

- `responsibility`: the paper's Table 1 (cumulative historic emissions): today's targets exactly;
- `per_capita`: population in 2018, `capability`: GDP in 2018 (current US$) — both from
  `data/socioeconomic.csv` (World Bank, built by `data/scripts/build_socioeconomic.py`);
- `shares`: explicit shares from the user (non-negative, summing to 1);
- `equal_cost`: the shares that give every region the same CNC with negative-emissions trading
  under COOPERATION (see `equal_cost_shares`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import xarray as xr

from fastmonet import bundled
from fastmonet.errors import InputError

RULES = ("responsibility", "per_capita", "capability", "equal_cost", "shares")
SOCIO_FILE = "socioeconomic.csv"
_SOCIO_COLUMNS = {"per_capita": "population_2018_persons", "capability": "gdp_2018_usd"}
SHARE_TOL = 1e-6


@dataclass(frozen=True)
class Burden:
    rule: str = "responsibility"
    shares: tuple[tuple[str, float], ...] | None = None   # rule "shares" (and equal_cost, solved)

    def __post_init__(self):
        if self.rule not in RULES:
            raise InputError(f"burden: unknown rule {self.rule!r}; expected one of "
                             f"{', '.join(RULES)}")
        if self.rule == "shares" and self.shares is None:
            raise InputError("burden: rule 'shares' needs the shares, e.g. "
                             "shares = {BRA = 0.1, CHN = 0.3, EU = 0.2, IND = 0.1, USA = 0.3}")
        if self.rule not in ("shares", "equal_cost") and self.shares is not None:
            raise InputError(f"burden: shares are given only with rule 'shares', not "
                             f"{self.rule!r}")

    @classmethod
    def parse(cls, rule: str = "responsibility", shares: Mapping[str, float] | None = None,
              regions: Sequence[str] | None = None, where: str = "burden") -> "Burden":
        if not isinstance(rule, str) or rule not in RULES:
            raise InputError(f"{where}: unknown rule {rule!r}; expected one of {', '.join(RULES)}")
        if shares is None:
            return cls(rule)
        if rule == "equal_cost":
            # equal_cost's shares are solved (they give every region the same CNC); given ones
            # would be used under its name.  Shares of the user's own are rule "shares".
            raise InputError(f"{where}: rule 'equal_cost' solves its shares; give either "
                             "burden = \"equal_cost\" without shares, or burden = \"shares\" "
                             "with them")
        if not isinstance(shares, Mapping):
            raise InputError(f"{where}.shares: expected a table region = share, got {shares!r}")
        checked = check_shares(shares, regions, f"{where}.shares")
        return cls(rule, tuple(sorted(checked.items())))

    def share_map(self) -> dict[str, float] | None:
        return None if self.shares is None else dict(self.shares)


def check_shares(shares: Mapping[str, float], regions: Sequence[str] | None,
                 where: str) -> dict[str, float]:
    """User shares as {region: float}, checked: every region known and given, each a finite number
    >= 0, the total 1 within `SHARE_TOL`; an InputError naming `where` and the region otherwise."""
    out = {}
    for r, v in shares.items():
        if regions is not None and r not in regions:
            raise InputError(f"{where}: unknown region {r!r}; regions are {', '.join(regions)}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
            raise InputError(f"{where}.{r}: expected a number, got {v!r}")
        if v < 0:
            raise InputError(f"{where}.{r}: a share must be >= 0, got {v}")
        out[r] = float(v)
    if regions is not None:
        missing = [r for r in regions if r not in out]
        if missing:
            raise InputError(f"{where}: no share for region {missing[0]!r}")
    total = sum(out.values())
    if abs(total - 1.0) > SHARE_TOL:
        raise InputError(f"{where}: shares sum to {total:.6g}, not 1")
    return out


def socioeconomic(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """{column: {region: value}} from `socioeconomic.csv` of the data folder (default bundled)."""
    file = (bundled.DATA_DIR if path is None else Path(path)) / SOCIO_FILE
    try:
        with open(file, newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InputError(f"{file}: not found (needed by the per_capita and capability burden "
                         f"rules)") from None
    out: dict[str, dict[str, float]] = {c: {} for c in _SOCIO_COLUMNS.values()}
    for line, row in enumerate(rows, start=2):
        for col in out:
            try:
                v = float(row[col])
            except (KeyError, TypeError, ValueError):
                raise InputError(f"{file}: column {col!r}, line {line} "
                                 f"({row.get('region')!r}): expected a number") from None
            if not (np.isfinite(v) and v > 0):
                raise InputError(f"{file}: column {col!r}, line {line} ({row.get('region')!r}): "
                                 f"must be > 0, got {v}")
            out[col][row["region"]] = v
    return out


def rule_shares(burden: Burden, regions: Sequence[str], target_2100: np.ndarray,
                data_path: str | Path | None = None) -> np.ndarray:
    """Each region's share of the world target under a rule (equal_cost: its solved shares)."""
    if burden.rule == "responsibility":
        return np.asarray(target_2100, np.float64) / float(np.sum(target_2100))
    if burden.rule in _SOCIO_COLUMNS:
        values = socioeconomic(data_path)[_SOCIO_COLUMNS[burden.rule]]
        missing = [r for r in regions if r not in values]
        if missing:
            raise InputError(f"{SOCIO_FILE}: no row for region {missing[0]!r}")
        v = np.array([values[r] for r in regions])
        return v / v.sum()
    if burden.shares is None:   # equal_cost before its shares are solved
        raise InputError("burden: rule 'equal_cost' needs its shares solved first "
                         "(fastmonet.blocs.burden.equal_cost_shares)")
    m = dict(burden.shares)
    return np.array([m[r] for r in regions])


def apply(target: xr.DataArray, burden: Burden, data_path: str | Path | None = None) -> xr.DataArray:
    """Regional targets (region, year) under `burden`; the world total per year is unchanged."""
    if burden.rule == "responsibility":
        return target
    regions = [str(r) for r in target["region"].values]
    world = target.sum("region")
    shares = rule_shares(burden, regions, target.isel(year=-1).values, data_path)
    out = world * xr.DataArray(shares, dims="region", coords={"region": target["region"]})
    out = out.transpose(*target.dims).astype(np.float64)
    out.attrs = {**target.attrs, "burden_rule": burden.rule}
    return out


def equal_cost_shares(metrics: xr.Dataset, tol: float = 1e-10, max_iter: int = 200) -> dict[str, float]:
    """Shares of the world target that give every region the same CNC with trading.

    Solved, not guessed. Under one world target the LP's optimum does not depend on how the target
    is split, so the split only moves money: with no shortfall a region that removes R_r at cost
    C_r and is given target T_r pays C_r + NEP (T_r - R_r) (it buys its deficit, or sells its
    surplus, at the negative-emissions price), so its CNC with trading is
    NEP + (C_r - NEP R_r) / T_r. That is equal across regions exactly when
    T_r = T_world (C_r - NEP R_r) / (C - NEP T_world), and the common value is then the world CNC.
    NEP itself depends on the split (which configurations are surplus), so the split is iterated
    to a fixed point with `fastmonet.metrics.trading`, the function that reports the metric.
    `metrics` is the metrics Dataset of a COOPERATION solution.
    """
    from fastmonet.metrics import trading

    regions = [str(r) for r in metrics["region"].values]
    last = metrics["year"].values[-1]
    world_short = float(metrics["shortfall"].sel(year=last).sum("region"))
    t_world = float(metrics["target"].sel(year=last).sum("region"))
    if world_short > 1e-6 * t_world:
        raise InputError(f"burden equal_cost: the solution misses the world target by "
                         f"{world_short / 1e9:.3g} GtCO2; equal costs are defined for a met target")
    index = {r: i for i, r in enumerate(regions)}
    c_reg = np.array([index[str(r)] for r in metrics["config_region"].values], dtype=np.int64)
    c_rem = np.asarray(metrics["config_removal"].values, np.float64)
    c_cost = np.asarray(metrics["config_cost"].values, np.float64)
    removal = metrics["cum_removal"].sel(region=regions, year=last).sum("option").values
    cost = metrics["ctnc"].sel(region=regions, year=last).sum("option").values
    no_short = np.zeros(len(regions))
    target = metrics["target"].sel(region=regions, year=last).values.astype(np.float64)
    for _ in range(max_iter):
        nep = trading(c_reg, c_rem, c_cost, target, removal, cost, no_short)["nep"]
        if not np.isfinite(nep):
            raise InputError("burden equal_cost: no region has a surplus to trade, so no "
                             "negative-emissions price exists to equalise costs with")
        num = cost - nep * removal
        if np.any(num * num.sum() <= 0):
            bad = regions[int(np.argmin(num * np.sign(num.sum())))]
            raise InputError(f"burden equal_cost: no non-negative split equalises costs: "
                             f"{bad}'s removal costs {'less' if num.sum() > 0 else 'more'} per "
                             f"tonne than the negative-emissions price ({nep:.1f} US$/tCO2) while "
                             f"the world's does not")
        new = t_world * num / num.sum()
        if np.max(np.abs(new - target)) <= tol * t_world:
            target = new
            break
        target = new
    else:
        raise InputError(f"burden equal_cost: the split did not converge in {max_iter} iterations")
    return {r: float(target[i] / t_world) for i, r in enumerate(regions)}
