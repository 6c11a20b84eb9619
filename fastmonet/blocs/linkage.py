"""Linkage: what each pair of regions gains by linking, and the cheapest order of joining.

Every structure is solved against ISOLATION (all regions alone, no trade): a pairwise link joins
two regions into one bloc (their targets pooled, credits and biomass traded between them), the
rest stay isolated. The greedy join path starts from the best pair and adds, one region at a
time, the one whose joining gives the lowest (shortfall, cost); it ends in one bloc of all
regions with biomass trade everywhere, which is COOPERATION.

Structures are solved in worker processes (fork: the coefficients are shared, not copied).
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import xarray as xr

from fastmonet import api, scenarios
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.blocs.structure import REGIONS, Structure, singletons
from fastmonet.scenarios import Scenario


@dataclass(frozen=True)
class Outcome:
    """One structure's solve: its lexicographic objective and per-bloc metrics."""

    structure: Structure
    objective: tuple[float, float]   # the LP's (sum of shortfalls MtCO2, cost M US$)
    shortfall_t: float               # world shortfall in 2100, tCO2
    cost_usd: float                  # world CTNC, US$
    blocs: xr.Dataset

    @property
    def key(self) -> tuple[float, float]:
        """Lexicographic order of the LP (shortfall to 1 tCO2, then cost)."""
        return (round(self.objective[0], 6), self.objective[1])


def outcome(res, structure: Structure, iso_metrics: xr.Dataset | None) -> Outcome:
    year = res.metrics["year"].values[-1]
    return Outcome(structure, (res.solution.attrs["shortfall_mt"], res.solution.attrs["cost_musd"]),
                   float(res.metrics["shortfall"].sel(region="world", year=year)),
                   res.solution.attrs["cost_musd"] * 1e6,
                   bloc_metrics(res.metrics, structure, isolation=iso_metrics))


_COEFFS: xr.Dataset | None = None   # the worker's coefficients (inherited by fork)


def _solve(args: tuple) -> Outcome:
    base, structure, iso_metrics, warm = args
    sc = dataclasses.replace(base, policy=scenarios.BLOCS, blocs=structure, name="")
    return outcome(api.solve_coefficients(_COEFFS, sc, warm=warm), structure, iso_metrics)


class Solver:
    """Solves structures on one coefficient Dataset, in `workers` processes."""

    def __init__(self, coeffs: xr.Dataset, base: Scenario, workers: int = 1):
        global _COEFFS
        _COEFFS = coeffs
        self.base = base
        self.workers = max(1, int(workers))
        self._pool = None
        self.isolation: Outcome | None = None
        self.reference = None          # ISOLATION's warm_start.Reference

    def __enter__(self):
        if self.workers > 1 and "fork" in mp.get_all_start_methods():
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"))
        # Every structure's cost stage starts from ISOLATION's basis (fastmonet.warm_start):
        # about 2.8x fewer simplex iterations for the ten pairs, the same optima.
        iso = api.solve_coefficients(_COEFFS, dataclasses.replace(self.base, policy="isolation",
                                                                  name=""), keep_reference=True)
        self.reference = iso.reference
        iso_st = singletons(biomass_trade="none")
        self.iso_metrics = iso.metrics
        self.isolation = outcome(iso, iso_st, iso.metrics)
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def solve(self, structures: list[Structure]) -> list[Outcome]:
        jobs = [(self.base, s, self.iso_metrics, self.reference) for s in structures]
        if self._pool is None:
            return [_solve(j) for j in jobs]
        return list(self._pool.map(_solve, jobs))


def pair_structure(a: str, b: str, biomass_trade: str = "within_bloc") -> Structure:
    rest = [(r,) for r in REGIONS if r not in (a, b)]
    return Structure(tuple(rest) + ((a, b),), biomass_trade)


def pairwise(solver: Solver) -> dict[tuple[str, str], Outcome]:
    pairs = list(itertools.combinations(REGIONS, 2))
    return dict(zip(pairs, solver.solve([pair_structure(a, b) for a, b in pairs])))


def join_path(solver: Solver, pairs: dict[tuple[str, str], Outcome]) -> list[tuple[str, Outcome]]:
    """[(region that joined, outcome)]: the best pair first (joined as "A+B"), then one region
    at a time, each step the lowest (shortfall, cost)."""
    (a, b), best = min(pairs.items(), key=lambda kv: kv[1].key)
    path = [(f"{a}+{b}", best)]
    bloc = [a, b]
    while len(bloc) < len(REGIONS):
        candidates = [r for r in REGIONS if r not in bloc]
        trade = "all" if len(bloc) + 1 == len(REGIONS) else "within_bloc"
        structures = [Structure(tuple((x,) for x in REGIONS if x not in bloc and x != r)
                                + (tuple(bloc) + (r,),), trade) for r in candidates]
        outcomes = solver.solve(structures)
        k = min(range(len(candidates)), key=lambda i: outcomes[i].key)
        bloc.append(candidates[k])
        path.append((candidates[k], outcomes[k]))
    return path


def pair_rows(solver: Solver, pairs: dict[tuple[str, str], Outcome]) -> list[tuple]:
    """(region_a, region_b, metric, value, unit) per pair and metric."""
    iso = solver.isolation
    iso_cnc = iso.blocs["cnc_trading_bloc"]
    rows = []
    for (a, b), out in pairs.items():
        cnc = out.blocs["cnc_trading_bloc"]
        rows += [
            (a, b, "world_cost_change", (out.cost_usd - iso.cost_usd) / 1e6, "MUS$"),
            (a, b, "shortfall_change", (out.shortfall_t - iso.shortfall_t) / 1e9, "GtCO2"),
            (a, b, "cnc_change_a", float(cnc.sel(region=a) - iso_cnc.sel(region=a)), "US$/tCO2"),
            (a, b, "cnc_change_b", float(cnc.sel(region=b) - iso_cnc.sel(region=b)), "US$/tCO2"),
            (a, b, "cnc_linked_a", float(cnc.sel(region=a)), "US$/tCO2"),
            (a, b, "cnc_linked_b", float(cnc.sel(region=b)), "US$/tCO2"),
            (a, b, "bloc_nep", float(out.blocs["bloc_nep"].sel(bloc=f"{a}+{b}")), "US$/tCO2"),
        ]
    return rows


def path_rows(solver: Solver, path: list[tuple[str, Outcome]]) -> list[tuple]:
    """(bloc before joining, region joining, metric, value, unit) per step of the join path."""
    rows, bloc = [], ""
    for joined, out in path:
        a, b = (joined.split("+") if not bloc else (bloc, joined))
        rows += [(a, b, "join_world_cost", out.cost_usd / 1e6, "MUS$"),
                 (a, b, "join_world_cost_change",
                  (out.cost_usd - solver.isolation.cost_usd) / 1e6, "MUS$"),
                 (a, b, "join_shortfall", out.shortfall_t / 1e9, "GtCO2")]
        bloc = joined if not bloc else f"{bloc}+{joined}"
    return rows


def structure_rows(solver: Solver, named: list[tuple[str, Structure]]) -> list[tuple]:
    """A user's structures (--blocs-file): (structure name, region, metric, value, unit)."""
    iso = solver.isolation
    rows = []
    for (name, _), out in zip(named, solver.solve([s for _, s in named])):
        rows += [(name, "world", "world_cost_change", (out.cost_usd - iso.cost_usd) / 1e6, "MUS$"),
                 (name, "world", "shortfall_change",
                  (out.shortfall_t - iso.shortfall_t) / 1e9, "GtCO2")]
        for r in REGIONS:
            d = float(out.blocs["cnc_trading_bloc"].sel(region=r)
                      - iso.blocs["cnc_trading_bloc"].sel(region=r))
            rows.append((name, r, "cnc_change", d, "US$/tCO2"))
    return rows


def load_blocs_file(path) -> list[tuple[str, Structure]]:
    """[[structure]] tables of a TOML file: name, blocs, biomass_trade (default within_bloc)."""
    import tomllib
    from pathlib import Path

    from fastmonet.errors import InputError
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); a blocs "
                         "file is TOML") from None
    except FileNotFoundError:
        raise InputError(f"{path}: blocs file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a directory, not a blocs file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    tables = doc.get("structure")
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{path}: expected one or more [[structure]] tables")
    out = []
    for i, t in enumerate(tables):
        where = f"{path}: structure[{i}]"
        if not isinstance(t, dict):
            raise InputError(f"{where}: expected a [[structure]] table (name, blocs, "
                             f"biomass_trade), got {type(t).__name__} {t!r:.40}")
        unknown = sorted(set(t) - {"name", "blocs", "biomass_trade"})
        if unknown:
            raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: blocs, biomass_trade, name")
        if "blocs" not in t:
            raise InputError(f"{where}: missing key 'blocs'")
        st = Structure.parse(t["blocs"], t.get("biomass_trade", "within_bloc"), where=f"{where}.blocs")
        out.append((str(t.get("name", "_".join(".".join(b) for b in st.blocs))), st))
    names = [n for n, _ in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise InputError(f"{path}: two structures share the name {dup!r}")
    return out
