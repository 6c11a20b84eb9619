"""`fastmonet run`: the main job, from the bundled data to a folder a modeller publishes from.

    fastmonet run                              # the paper's seven P3 scenarios into results/
    fastmonet run --all                        # + the Appendix E sensitivities
    fastmonet run --scenario-file my.toml --out runs/ --format md

The folder holds `results.zarr` (every scenario on a `scenario` dimension at the root, openable
with `xr.open_zarr` alone, plus each scenario's detail in its own group), `summary.csv`,
`timeseries.csv`, `solver.csv`, `iamc.csv` (the IAMC format through pyam; `fastmonet.iamc`;
`--xlsx` adds iamc.xlsx) and `report.html` (or `report.md` with its PNGs).  Scenarios are
solved through `fastmonet.api.solve_many`, so a rerun reuses what is already in the store, as a
warm chain: CURRENT_POLICY starts from ISOLATION's basis and SWITCH_Y from COOPERATION's (each
result records its source; the same optimum in about 0.6x the time).  A
scenario that cannot be solved is named in the error after all the others are written.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from fastmonet.cli import common
from fastmonet.errors import InputError, SolveError
from fastmonet.scenarios import METHODS
from fastmonet.store.errors import store_where, writing

FILES = ("results.zarr", "summary.csv", "timeseries.csv", "solver.csv", "iamc.csv")


def register(subparsers) -> None:
    """Add `fastmonet run` (scenario set -> results folder with store, CSVs and report) to the parser."""
    p = common.add_parser(
        subparsers, "run", help="the main job: solve a scenario set, write results and a report",
        description=__doc__.split("\n\n", 1)[1])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true",
                       help="add the Appendix E sensitivities (P4 targets, high storage, high "
                            "deployment rates, build factor F = 10) to the paper's P3 set")
    which.add_argument("--scenario-file", type=Path, default=None, metavar="TOML",
                       help="solve the scenarios of this file instead (see fastmonet.scenarios)")
    p.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                   help="output folder")
    p.add_argument("--format", choices=("html", "md"), default="html",
                   help="report.html (self-contained) or report.md with PNGs beside it")
    p.add_argument("--xlsx", action="store_true",
                   help="also write iamc.xlsx (the IAMC table of iamc.csv, for pyam and Excel)")
    common.add_data(p)
    p.add_argument("--technology", type=Path, default=None, metavar="DIR",
                   help="technology TOML folder (default: DATA/technology if it exists, else "
                        "the bundled one)")
    p.add_argument("--coefficients", type=Path, default=None, metavar="ZARR",
                   help="solve from a saved coefficient store instead of the data")
    p.add_argument("--linkage", action="store_true",
                   help="also solve every pairwise link of regions and the greedy join order "
                        "(linkage.csv and two report figures); on by default when the run "
                        "holds a trading-blocs scenario")
    common.add_store_options(p, "the store")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="HiGHS time limit per scenario, seconds")
    p.add_argument("--method", choices=METHODS, default="dual", help="HiGHS method")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                   help="worker processes solving independent scenarios at once (1: in this one)")
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    common.add_csv(p, "summary table (the rows of summary.csv)")
    common.add_verbosity(p, solves=True)
    p.set_defaults(func=run)


# ------------------------------------------------------------------------------------- scenarios
def _scenarios(args) -> list:
    from fastmonet import scenario_sets, scenarios
    from fastmonet.scenarios import SolverOptions
    solver = SolverOptions(time_limit=args.time_limit, method=args.method, threads=args.threads,
                           verbose=args.verbose)
    if args.scenario_file is not None:
        out = scenarios.load_scenario_file(args.scenario_file)
        # Command-line solver options apply unless the file has a [solver] table.
        return [s if s.solver != SolverOptions() else dataclasses.replace(s, solver=solver)
                for s in out]
    scs = scenario_sets.paper(solver)
    if args.all:
        scs += scenario_sets.appendix_e(solver)
    return scs


def _out_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path}: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".fastmonet-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    return path


def _check_store(store: Path, scs) -> None:
    """DIR/results.zarr is a run's (or a results) store or new, and no scenario takes a name of
    its root arrays: before any work (`fastmonet.store.kinds`)."""
    from fastmonet.store import kinds, names, paths
    names.check_all([s.name for s in scs])
    paths.check_store_path(store, "--out")
    kinds.require(store, kinds.RUN, accept=(kinds.RESULTS,), action="fastmonet run --out")
    kinds.check_names(store, [s.name for s in scs], kinds.RUN)


# ----------------------------------------------------------------------------------------- solve
class _Progress:
    """What has been solved, reused or has failed, with a live line per scenario on stderr;
    each scenario keeps its place in the set ([k/n]), as several may be solved at once."""

    def __init__(self, args, names: list[str]):
        self.args, self.n = args, len(names)
        self.place = {name: k + 1 for k, name in enumerate(names)}
        self.done, self.reused, self.failed = {}, {}, []
        self.t: dict[str, float] = {}

    def _count(self, name: str) -> str:
        return f"[{self.place[name]}/{self.n}]"

    def started(self, sc) -> None:
        self.t[sc.name] = time.perf_counter()
        common.say(self.args, f"{self._count(sc.name)} {sc.name}: solving ...")

    def finished(self, res, skipped: bool) -> None:
        name = res.scenario.name
        took = time.perf_counter() - self.t.get(name, time.perf_counter())
        how = "already in the store, reused" if skipped else f"solved in {took:.1f} s"
        common.say(self.args, f"{self._count(name)} {name}: {how}")
        self.done[name], self.reused[name] = res, skipped
        if self.args.verbose and not skipped:
            common.say(self.args, f"  {res!r}")

    def fail(self, sc, exc: Exception) -> None:
        common.say(self.args, f"{self._count(sc.name)} {sc.name}: FAILED: {exc}")
        self.failed.append((sc.name, str(exc)))


def _solve_all(scs, store: Path, args):
    """`api.solve_many` over every scenario: the store is checked before anything is solved,
    "solving" is announced only after that (`on_start`), and a scenario that fails is recorded
    while the others go on (`on_failure`; the plan solves each ISOLATION base once)."""
    from fastmonet import api
    progress = _Progress(args, [sc.name for sc in scs])
    solve_kw = {"data_path": args.data}
    if args.coefficients is not None:
        if args.data or args.technology:
            raise InputError("--coefficients: not with --data or --technology (the store was "
                             "built from its own inputs)")
        solve_kw = {"coefficients": api.open_coefficients(args.coefficients)}
    elif args.technology is not None:
        solve_kw["technology"] = args.technology
    if store.is_dir() and any(store.iterdir()):
        # Comparing what the store holds needs the coefficients' content key: seconds of work.
        common.say(args, f"checking what {store} already holds against this request ...")
    api.solve_many(scs, out=store, overwrite=args.overwrite, wait=not args.no_wait,
                   on_message=lambda text: common.say(args, f"  {text}"),
                   on_start=progress.started, on_result=progress.finished,
                   on_failure=progress.fail, warm_chain=True, workers=args.workers, **solve_kw)
    return progress.done, progress.reused, progress.failed, solve_kw.get("coefficients")


# ---------------------------------------------------------------------------------------- writers
@contextmanager
def _csv_file(path: Path):
    """A CSV open for writing; a full disk names the file (a failed `write` names none)."""
    with writing(str(path)), open(path, "w", newline="") as fh:
        yield fh


def _write_tables(out: Path, ds, results: dict, reused: dict, names: list[str]) -> list:
    from fastmonet import summary_table as st
    rows = [r for n in names for r in st.summary_rows(ds.sel(scenario=n), n)]
    with _csv_file(out / "summary.csv") as fh:
        st.summary_writer(fh).write(rows)
    with _csv_file(out / "timeseries.csv") as fh:
        w = st.timeseries_writer(fh)
        for n in names:
            w.write(st.timeseries_rows(ds.sel(scenario=n), n))
    with _csv_file(out / "solver.csv") as fh:
        st.solver_writer(fh).write(
            st.solver_row(n, results[n].stats, results[n].solution.attrs, reused[n]) for n in names)
    return rows


def _report_inputs(args, coeffs):
    """The inputs (centroids for the map) and, unless a coefficient store was given, the
    coefficients of the data (AR potential and cost per subregion) for the report's figures."""
    from fastmonet import coefficients, data, technology
    try:
        inputs = data.load(args.data)
    except (InputError, FileNotFoundError) as exc:
        common.say(args, f"report: no map of subregions ({exc})")
        return None, coeffs
    if coeffs is None:
        tech = technology.load(technology.resolve_dir(args.technology, args.data))
        coeffs = coefficients.build(inputs, tech)
    return inputs, coeffs


def _linkage(out: Path, scs, coeffs, args) -> list:
    """Pairwise links and the join path for the case of the run's first blocs scenario (else its
    first scenario): linkage.csv, and the figures for the report."""
    import csv

    from fastmonet.cli.linkage import HEADER
    from fastmonet.report import linkage as linkage_figures
    from fastmonet.workflows import linkage
    first = next((s for s in scs if s.policy == "blocs"), scs[0])
    base = dataclasses.replace(first, policy="isolation", blocs=None, from_blocs=None,
                               switch_year=None, name="")
    common.say(args, f"linkage: every pair of regions and the join order ({first.targets.upper()} "
                     f"targets, {first.storage} storage) ...")
    t = time.perf_counter()
    if coeffs is None:
        from fastmonet import api
        coeffs = api.load_coefficients(first.targets, first.storage, args.data,
                                       technology=args.technology)
    with linkage.Solver(coeffs, base, workers=args.workers) as solver:
        pairs = linkage.pairwise(solver)
        rows = linkage.pair_rows(solver, pairs) + linkage.path_rows(solver, linkage.join_path(solver, pairs))
    common.say(args, f"  solved in {time.perf_counter() - t:.1f} s")
    with _csv_file(out / "linkage.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows([a, b, m, f"{v:.6g}", u] for a, b, m, v, u in rows)
    return linkage_figures.figures(rows)


def _report(out: Path, ds, rows, results, failed, coeffs, scs, args, started,
            extra_figures=()) -> Path:
    from fastmonet import forest_tables
    from fastmonet.report import build, provenance
    inputs, coeffs = _report_inputs(args, coeffs)
    forest = args.data / "forest" if args.data is not None else None
    tables = forest_tables.load(forest if forest is not None and forest.is_dir() else None)
    prov = provenance.collect(args.data, coeffs, scs, started,
                              datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              command="fastmonet " + " ".join(getattr(args, "argv", sys.argv[1:])),
                              results=results)
    rep = build.make(ds, rows, results, prov, inputs=inputs, coeffs=coeffs, tables=tables,
                     failed=failed, extra_figures=extra_figures)
    with writing(f"the report in {out}"):
        return build.write_report(rep, out, args.format)


def run(args: argparse.Namespace) -> int:
    """The main job: solve the scenario set into OUT/results.zarr, write the CSVs, IAMC file and
    report; returns 0, or raises SolveError naming the scenarios that could not be solved (after
    the others are written)."""
    from fastmonet import scenario_dataset
    from fastmonet.partition import labelled
    from fastmonet.report import table
    t0 = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if args.workers < 1:
        raise InputError(f"--workers: must be >= 1, got {args.workers}")
    scs = _scenarios(args)
    out = _out_folder(args.out)
    store = out / "results.zarr"
    _check_store(store, scs)
    common.say(args, f"fastmonet run: {len(scs)} scenarios into {out}/")
    results, reused, failed, coeffs = _solve_all(scs, store, args)
    names = [s.name for s in scs if s.name in results]
    if not names:
        raise SolveError("no scenario could be solved: " +
                         "; ".join(f"{n}: {m}" for n, m in failed))
    common.say(args, "writing the results, tables and report ...")
    ds = scenario_dataset.combine([results[n] for n in names]).load()
    with writing(store_where(store) + " (the combined arrays at its root)"):
        scenario_dataset.write(ds, store)
    # Tables, IAMC file and report read "world" and "all" rows: labelled once, not per reader.
    ds = labelled(ds)
    rows = _write_tables(out, ds, results, reused, names)
    from fastmonet import iamc
    with writing(str(out / "iamc.csv")):
        iamc_files = iamc.write(ds, out / "iamc.csv", xlsx=args.xlsx)
    extra = []
    if args.linkage or any(s.policy == "blocs" for s in scs):
        extra = _linkage(out, scs, coeffs, args)
    report = _report(out, ds, rows, results, failed, coeffs, scs, args, started, extra)
    if args.csv:
        sys.stdout.write((out / "summary.csv").read_text())
    elif not args.quiet:
        from fastmonet.report import shortfall
        price = shortfall.pricing(ds)
        lines = table.lines(rows, shortfall.world_cnc_priced(ds, price))
        print(table.text(lines))
        for note in table.notes(lines, price):
            print(table.wrapped(note))
        print()
    if not args.quiet:
        stream = sys.stderr if args.csv else sys.stdout
        for f in (*FILES, *(p.name for p in iamc_files[1:]), report.name):
            print(f"wrote {out / f}", file=stream)
        print(f"open in Python: import xarray as xr; ds = xr.open_zarr('{store}')  "
              f"# e.g. ds.cum_removal.sel(year=2100).sum(('region', 'option'))", file=stream)
        print(f"took {time.perf_counter() - t0:.0f} s", file=stream)
    if failed:
        raise SolveError(f"{len(failed)} of {len(scs)} scenarios could not be solved (the others "
                         f"are in {out}/): " + "; ".join(f"{n}: {m}" for n, m in failed))
    return 0
