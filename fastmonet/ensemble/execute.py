"""`fastmonet.ensemble.run`: sample, coefficients in member blocks, members x scenarios solved on
dask.distributed, everything written into one store; rerunning the same call resumes.

Scheduling: one coefficient task per member block, then one task per member that solves the
member's scenarios in order (they share the member's BECCS chains, ~1 M of them, and SWITCH_Y
needs the member's ISOLATION solution), recording a status per (member, scenario). A member task
depends on its block's task, so solving starts as soon as the first block is written. Tasks
write into the store themselves; the client only counts what they report.

Warm start (`warm_start=True`, the default): first tasks solve the central member cold (one
task per scenario where the scenarios need none of the others, so several workers share it) and
every member's cost stages start from its bases (`fastmonet.warm_start`). All members start from
the same bases, and the solver's tie-break (formulation §7.2) makes the answer independent of the
start anyway, so the results do not depend on the number of workers, the block size or a resume.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fastmonet import scenarios as sc_mod
from fastmonet.energy import PERIOD_STARTS, REPORT_YEARS
from fastmonet.ensemble import sampling, store
from fastmonet.ensemble.progress import Progress
from fastmonet.ensemble.stand_coefficients import Cells
from fastmonet.ensemble.tasks import Context, coefficient_task, member_task, merged_references, reference_task
from fastmonet.errors import InputError
from fastmonet.metrics import OPTIONS
from fastmonet.store import provenance
from fastmonet.technology import DAC_TECHS
from fastmonet.workflows import executor as executors
from fastmonet.workflows import scheduler as scheduling
from fastmonet.workflows.plan import Plan, Step

# Attributes that name where inputs were read from, not what they hold: left out of the hashes.
PATH_ATTRS = ("data_path", "technology_path")


@dataclass
class RunSummary:
    store: str
    members: int
    scenarios: list[str]
    done: dict                    # scenario -> members done
    failed: dict                  # scenario -> members failed
    skipped: int                  # members found complete in the store
    seconds: float
    dashboard: str | None = None
    note: str = ""                # e.g. why the warm start could not be made
    first_member_s: float = float("nan")   # from run() to the first member finished in this run

    @property
    def all_failed(self) -> bool:
        return sum(self.done.values()) == 0 and sum(self.failed.values()) > 0

    def describe(self) -> str:
        parts = [f"{s}: {self.done[s]} done, {self.failed[s]} failed" for s in self.scenarios]
        return (f"{self.members} members x {len(self.scenarios)} scenarios in {self.seconds:.1f} s "
                f"({self.skipped} members already complete); " + "; ".join(parts) + f" -> {self.store}"
                + (f"\n{self.note}" if self.note else ""))


def run(n: int | None = None, scenarios=("cooperation",), out: str | Path = "ensemble.zarr", *,
        ranges=None, sampler: str = "sobol", seed: int = 0, workers: int | None = None,
        scheduler: str | None = None, targets: str = "p3", storage: str = "medium",
        data_path=None, inputs=None, tech=None, draws: list[dict] | None = None,
        block: int | None = None, solver=None, progress: bool = True,
        warm_start: bool = True) -> RunSummary:
    """Run (or resume) an ensemble into the store `out`.

    Each member is a draw of the uncertain inputs (`fastmonet.uncertainty`): its coefficients
    are built and every scenario solved, and its row of the store is written as it finishes, so
    the same call after a crash resumes with the members not yet done.

    Parameters
    ----------
    n : int, optional
        Members to draw (sobol: at most `n`, the Saltelli design's size); not with `draws`.
    scenarios : sequence of str
        COOPERATION, CURRENT_POLICY, ISOLATION or SWITCH_<year>, each solved for every member.
    out : str or Path
        The ensemble's zarr store (created, or resumed when it holds the same request).
    ranges : str, Path or Ranges, optional
        The ranges file or a loaded `fastmonet.uncertainty.Ranges` (default: the bundled file).
    sampler : {"sobol", "lhs", "random"}
        How members are drawn from the ranges, with `seed` (the same seed, the same members).
    seed : int
        The sampler's seed.
    workers : int, optional
        Processes of a LocalCluster (default: one per core); 0 runs every task in this process.
    scheduler : str, optional
        The address of an existing dask cluster instead.
    targets, storage : str
        The target and storage cases (p3, p4; low, medium, high).
    data_path : str or Path, optional
        The data folder (default: the bundled data); or pass `inputs` and `tech`.
    inputs : xarray.Dataset, optional
        An inputs Dataset (`fastmonet.data.load`) instead of loading `data_path`.
    tech : Technology, optional
        The technology parameters instead of loading them.
    draws : list of dict, optional
        Explicit members ({parameter: value}) instead of `n` sampled ones.
    block : int, optional
        Members per coefficient task and store chunk.
    solver : SolverOptions, optional
        HiGHS options for every solve.
    progress : bool
        Show a progress bar on stderr.
    warm_start : bool
        Start each member's cost stages from the central member's bases (see above).

    Returns
    -------
    RunSummary
        The store, members done, failed and skipped per scenario, and the wall time.

    Raises
    ------
    InputError
        A bad option or ranges file, or a store holding another request.

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
    >>> summary.members, summary.done
    (2, {'cooperation': 2})
    """
    t0 = time.perf_counter()
    if not isinstance(out, (str, Path)):
        raise InputError(f"out: a store path, got {type(out).__name__}")
    _check_arguments(n=n, scenarios=scenarios, seed=seed, workers=workers, scheduler=scheduler,
                     block=block, draws=draws, sampler=sampler, warm_start=warm_start,
                     progress=progress)
    out = str(out)
    _check_out(out)          # before any work: the store is an ensemble's, or new
    ctx, draws, sample, unit, info = _prepare(n, scenarios, ranges, sampler, seed, targets, storage,
                                              data_path, inputs, tech, draws, solver)
    keys, run_attrs = _keys(ctx, draws, sample, unit, info, warm_start)
    m = len(draws)
    _check_out(out)
    from fastmonet.store import lock
    # One client per store (the guarded store's advisory lock on STORE.lock; a second run on the
    # same --out is refused, naming the holder). Workers write chunks under the client's lock.
    with lock.writer(out, wait=False, advice="one run per store: let it finish (rerun the same "
                     "command afterwards to resume), or give another --out"):
        block = _open_or_create(out, ctx, run_attrs, keys, sample, unit, m, block, workers)
        with executors.open(workers, scheduler, kind="dask") as ex:
            ctx.pin_threads = ex.remote
            summary = _execute(ex, ctx, out, draws, block, progress, warm_start)
    summary.seconds = time.perf_counter() - t0
    summary.first_member_s -= t0
    summary.dashboard = ex.dashboard
    return summary


# --------------------------------------------------------------------------------- preparation
def _whole(value, name: str, least: int, allow_none: bool = True) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name}: a whole number >= {least}, got {type(value).__name__} "
                         f"{value!r:.40}")
    if value < least:
        raise InputError(f"{name}: must be >= {least}, got {value}")


def _check_arguments(*, n, scenarios, seed, workers, scheduler, block, draws, sampler,
                     warm_start, progress) -> None:
    """Every argument of `run`, before anything is loaded: one line naming the option."""
    _whole(n, "--n", 1)
    _whole(seed, "--seed", 0, allow_none=False)
    _whole(workers, "--workers", 0)
    _whole(block, "--block", 1)
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    if not isinstance(scenarios, (list, tuple)) or not scenarios:
        raise InputError(f"--scenario: one or more scenario names, got {scenarios!r:.60}")
    bad = next((s for s in scenarios if not isinstance(s, str)), None)
    if bad is not None:
        raise InputError(f"--scenario: a scenario name, got {type(bad).__name__} {bad!r:.40}")
    if draws is not None:
        if not isinstance(draws, (list, tuple)) or not draws:
            raise InputError(f"draws: one or more draws (dicts of parameter values), got "
                             f"{draws!r:.60}")
        if not all(isinstance(d, dict) for d in draws):
            raise InputError("draws: each draw is a dict {parameter: value}")
    if not isinstance(sampler, str) or sampler not in sampling.SAMPLERS:
        raise InputError(f"--sampler: one of {', '.join(sampling.SAMPLERS)}, got {sampler!r}")
    for name, value in (("warm_start", warm_start), ("progress", progress)):
        if not isinstance(value, bool):
            raise InputError(f"{name}: True or False, got {value!r}")
    if scheduler is not None:
        _check_scheduler(scheduler)


def _check_scheduler(address) -> None:
    """A dask scheduler address: scheme://host:port or host:port (checked before any work)."""
    if not isinstance(address, str):
        raise InputError(f"--scheduler: an address such as tcp://10.0.0.5:8786, got "
                         f"{type(address).__name__}")
    try:
        from distributed.comm.addressing import get_address_host_port, parse_address
        scheme, _ = parse_address(address if "://" in address else f"tcp://{address}")
        if scheme in ("tcp", "tls", "ws", "wss", "ucx"):
            get_address_host_port(address if "://" in address else f"tcp://{address}")
    except Exception as exc:  # noqa: BLE001 - dask's parsers raise several types
        raise InputError(f"--scheduler {address!r}: not a dask scheduler address, e.g. "
                         f"tcp://10.0.0.5:8786 ({exc})") from None


def _prepare(n, scenarios, ranges, sampler, seed, targets, storage, data_path, inputs, tech, draws, solver):
    from fastmonet import data, technology, uncertainty
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    # Store labels are the policies as typed in lower case (cooperation, switch_2050, ...).
    bases = [sc_mod.make(s, targets=targets, storage=storage, solver=solver, where=f"--scenario {s}")
             for s in scenarios]
    bases = [dataclasses.replace(b, name=b.label.lower()) for b in bases]
    names = [b.name for b in bases]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup:
        raise InputError(f"--scenario: {dup!r} given twice")
    if any(b.policy == "switch" for b in bases) and not any(b.policy == "isolation" for b in bases):
        raise InputError("--scenario: SWITCH_Y scenarios fix their early decisions to the member's "
                         "ISOLATION solution; add --scenario isolation")
    if tech is None or isinstance(tech, (str, Path)):
        tech = technology.load(technology.resolve_dir(tech, data_path))
    if ranges is None or isinstance(ranges, (str, Path)):
        ranges = uncertainty.load(ranges, tech=tech, data_path=data_path)
    if inputs is None:
        inputs = data.load(data_path, storage=storage, targets=targets)
    ranges.check_inputs(inputs)        # every multiplier keeps the data physical: before any work
    if draws is not None:
        draws = [dict(d) for d in draws]
        sample = sampling.numeric_table(ranges, draws)
        unit = np.full(sample.shape, np.nan)
        info = sampling.SampleInfo("explicit", int(seed), len(draws), len(draws))
    else:
        if n is None:
            raise InputError("--n: give the number of members")
        unit, info = sampling.ranges_sample(ranges, n, sampler, seed)
        draws, sample = sampling.values_table(ranges, unit)
    regions = [str(r) for r in inputs["region"].values]
    # ISOLATION before any SWITCH_Y of the member; otherwise the user's order.
    order = sorted(range(len(bases)), key=lambda k: (bases[k].policy == "switch", k))
    ctx = Context(inputs=inputs, tech=tech, ranges=ranges, bases=bases, cells=Cells.from_inputs(inputs),
                  regions=regions, options=list(OPTIONS), years=[int(y) for y in REPORT_YEARS],
                  solve_order=order)
    return ctx, draws, sample, unit, info


def _keys(ctx: Context, draws, sample, unit, info, warm_start: bool = True) -> tuple[list[str], dict]:
    """Content hashes: of the inputs, technology, ranges, scenarios; per member; of the run.

    The warm start is part of them: where an LP has several optima, the start decides which one
    HiGHS returns, so a store is resumed only with the start it was made with."""
    ranges_text = _ranges_text(ctx.ranges)
    parts = {
        "fastmonet_version": provenance.fastmonet_version(),
        # Contents only: an identical copy of the data folder elsewhere is the same run.
        "input_hash": store.digest(_content(ctx.inputs)),
        "technology_hash": store.digest(repr(dataclasses.replace(ctx.tech, path=""))),
        "ranges_hash": store.digest(ranges_text if ranges_text is not None else repr(ctx.ranges.parameters)),
        "scenarios_json": json.dumps([dataclasses.asdict(b) for b in ctx.bases], sort_keys=True),
        "warm_start": "central" if warm_start else "none",
    }
    member_keys = [store.digest(json.dumps({**parts, "draw": {k: str(v) for k, v in sorted(d.items())}},
                                           sort_keys=True)) for d in draws]
    run_key = store.digest(json.dumps({**parts, "members": member_keys,
                                       "sample_unit": store.digest(np.nan_to_num(unit, nan=-1.0))},
                                      sort_keys=True))
    attrs = {
        "title": store.TITLE,
        "Conventions": "CF-1.10",
        "source": f"fastmonet {provenance.fastmonet_version()} ensemble (fastmonet.ensemble.run)",
        "run_key": run_key, **parts,
        "ranges_path": str(getattr(ctx.ranges, "path", "") or ""),
        "ranges_toml": ranges_text or "",
        "sampler": info.sampler, "seed": info.seed, "n_requested": info.n_requested,
        "n_members": info.n_members, "saltelli_base_n": info.base_n or 0,
        "saltelli_second_order": bool(info.second_order),
        # The sampled columns (a group of correlated entries is one) and, per parameter column,
        # the sampled column it was drawn from: what the Sobol analysis is over.
        "sample_dimensions": json.dumps(ctx.ranges.sample_dimension_names()),
        "sample_columns": json.dumps(ctx.ranges.sample_columns()),
        "scenarios": [b.name for b in ctx.bases], "targets": ctx.bases[0].targets,
        "storage": ctx.bases[0].storage,
        "data_path": str(ctx.inputs.attrs.get("data_path", "")),
    }
    attrs.update(_provenance(ctx))
    return member_keys, attrs


def _content(ds):
    """`ds` without the attributes that say where it was read from."""
    out = ds.copy(deep=False)
    out.attrs = {k: v for k, v in ds.attrs.items() if k not in PATH_ATTRS}
    return out


def _ranges_text(ranges) -> str | None:
    path = getattr(ranges, "path", None)
    if path and Path(path).is_file():
        return Path(path).read_text()
    return None


def _provenance(ctx: Context) -> dict:
    """Versions and the hashes of the files read (the guarded store's `fastmonet.store.provenance`).

    Not part of the run key: the key hashes the content those files gave (`input_hash`), so a
    copy of the data folder elsewhere resumes the same run.
    """
    from fastmonet.store import provenance as prov
    env = prov.environment()
    out = {k: env[k] for k in ("highs_version", "python_version") if k in env}
    files = prov.input_files_from(ctx.inputs.attrs) or {}
    path = getattr(ctx.ranges, "path", None)
    if path and Path(path).is_file():
        files = {**files, f"ranges:{Path(path).name}": prov.hash_file(path)}
    out["input_files"] = prov.input_files_attr(files)
    return out


def _check_out(out) -> None:
    from fastmonet.store import kinds
    p = Path(out)
    if p.exists() and not store.exists(out) and (not p.is_dir() or any(p.iterdir())):
        raise InputError(f"--out {out}: exists and is not an ensemble store")
    kinds.require(out, kinds.ENSEMBLE, action="ensemble run --out")


def _open_or_create(out, ctx, run_attrs, keys, sample, unit, m, block, workers) -> int:
    _check_out(out)     # again, under the lock
    if store.exists(out) and store.is_partial_layout(out):
        shutil.rmtree(out)
    if store.exists(out):
        have = store.attrs(out)
        if have.get("title") != store.TITLE:
            raise InputError(f"--out {out}: a zarr store, but not a fastmonet ensemble")
        from fastmonet.store import kinds
        kind = kinds.kind_of(out)
        if kind is not None and kind.layout < kinds.PARTITIONED[kinds.ENSEMBLE]:
            raise InputError(
                f"--out {out}: an ensemble store of layout {kind.layout} (\"world\" and \"all\" "
                f"inside region and option); this fastmonet writes layout "
                f"{kinds.LAYOUTS[kinds.ENSEMBLE]} and adds no members to an older one (reading it "
                "converts it): use a new --out")
        if have.get("run_key") != run_attrs["run_key"]:
            what = [k for k in ("input_hash", "technology_hash", "ranges_hash", "scenarios_json",
                                "sampler", "seed", "n_members", "fastmonet_version", "warm_start")
                    if have.get(k) != run_attrs.get(k)]
            raise InputError(f"{out}: the store holds another ensemble (differs in "
                             f"{', '.join(what) or 'its members'}); use a new --out or remove it")
        return int(store.attrs_group(out, "coefficients").get("member_block", 1))
    if block is None:
        w = max(1, workers or os.cpu_count() or 1)
        block = int(min(32, max(1, -(-m // (4 * w)))))
    from fastmonet.store.errors import writing
    with writing(f"ensemble store {out}"):
        _create(out, ctx, run_attrs, keys, sample, unit, m, block)
    return int(block)


def _create(out, ctx, run_attrs, keys, sample, unit, m, block) -> None:
    store.create(Path(out), members=m, scenarios=[b.name for b in ctx.bases], regions=ctx.regions,
                 options=ctx.options, years=ctx.years, parameters=ctx.ranges.dimension_names(),
                 units=_units(ctx.ranges), sample=sample, sample_unit=unit, member_keys=keys,
                 cells=ctx.cells, subregions=[str(s) for s in ctx.inputs["subregion"].values],
                 ecozones=[str(s) for s in ctx.inputs["ecozone"].values],
                 forest_types=[str(s) for s in ctx.inputs["forest_type"].values],
                 techs=list(DAC_TECHS), periods=[int(p) for p in PERIOD_STARTS], block=int(block),
                 attrs=run_attrs)


def _units(ranges) -> list[str]:
    return [("case index" if p.is_discrete else p.unit) for p, _ in ranges.dimensions()]


# ----------------------------------------------------------------------------------- execution
def reference_keys(bases) -> dict[str, str | None]:
    """The central member's solve as steps: step key -> the scenario it solves (None: all).
    Scenarios that need none of the others (`scenario_solve.needs`) are a step each, so several
    workers solve them at once; a set with a SWITCH_Y or an equal_cost burden is one step."""
    from fastmonet import scenario_solve
    if len(bases) > 1 and not any(scenario_solve.needs(b) for b in bases):
        return {f"reference {b.name}": b.name for b in bases}
    return {"reference": None}


def plan(m: int, block: int, draws: list[dict], out: str, coef_pending, pending: list[int],
         warm_start: bool, refs: dict[str, str | None] | None = None) -> Plan:
    """The run as a plan: the central member's solve (its bases warm-start every member; `refs`
    from `reference_keys`), the coefficient blocks still to compute, and each pending member
    after its block."""
    refs = refs or {"reference": None}
    steps = []
    if warm_start and pending:
        steps += [Step(key, ("reference", only), priority=10) for key, only in refs.items()]
    waiting = set(pending)
    for start in range(0, m, block):       # each block, then its members (this process: in order)
        stop = min(m, start + block)
        needs = {key: key for key in refs} if warm_start else {}
        if coef_pending[start:stop].any():
            steps.append(Step(f"block {start}", ("block", out, start, draws[start:stop])))
            needs["block"] = f"block {start}"
        steps += [Step(f"member {i}", ("member", out, i, draws[i]), needs)
                  for i in range(start, stop) if i in waiting]
    return Plan(tuple(steps))


def _task(ctx: Context, step: Step, given: dict):
    """A step of the run's plan, on a worker (each task records its members' failures)."""
    kind, *args = step.payload
    if kind == "reference":
        return reference_task(ctx, *args)
    if kind == "block":
        return coefficient_task(ctx, *args)
    refs = [v for k, v in given.items() if k.startswith("reference")]
    return member_task(ctx, *args, given.get("block"), merged_references(refs) if refs else None)


def _execute(ex, ctx: Context, out: str, draws: list[dict], block: int, progress: bool,
             warm_start: bool = True) -> RunSummary:
    m, names = len(draws), [b.name for b in ctx.bases]
    # Damage first (`store.result_damage` / `coefficient_damage`): a member whose stored results
    # are damaged is solved again, a block whose coefficients are, computed again; pending or
    # done, and never read as values.
    damaged = store.result_damage(out)
    if damaged:
        store.mark_pending(out, damaged)
    coef_damaged = store.coefficient_damage(out)
    if coef_damaged:
        store.mark_coefficients_pending(out, coef_damaged, block)
    st = store.status(out)
    cst = store.coef_status(out)
    pending = [i for i in range(m) if (st[i] == store.PENDING).any()]
    skipped = m - len(pending)
    bar = Progress(m, "ensemble", enabled=progress, initial_done=int((st == store.DONE).all(axis=1).sum()),
                   initial_failed=int(((st == store.FAILED).any(axis=1) & (st != store.PENDING).all(axis=1)).sum()))
    if ex.dashboard:
        bar.write(f"dask dashboard: {ex.dashboard}")
    note = "\n".join(_damage_note(d, what) for d, what in
                     ((damaged, "result chunk"), (coef_damaged, "coefficients")) if d)
    if note:
        bar.write(note)
    notes = [note] if note else []

    def finished(step: Step, rec: dict, reused: bool) -> None:
        if step.key.startswith("reference"):
            ref_note = _reference_note(rec)
            if ref_note:
                bar.write(ref_note)
                notes.append(ref_note)
            elif not reused:
                _save_reference(out, rec)
        elif step.key.startswith("member"):
            first.append(time.perf_counter())
            bar.update(all(rec["ok"]))
    first: list[float] = []
    known = _stored_reference(out, names) if warm_start and pending else None
    refs = reference_keys(ctx.bases)
    if known is not None:
        known_steps = {key: known if only is None
                       else {**known, "references": {only: known["references"][only]}}
                       for key, only in refs.items()}
    try:
        scheduling.run(plan(m, block, draws, out, cst == store.PENDING, pending, warm_start, refs),
                      _task, ex, context=ex.share(ctx), carry=(), on_result=finished,
                      done=known_steps if known is not None else None)
    finally:
        bar.close()
    st = store.status(out)
    done = {s: int((st[:, k] == store.DONE).sum()) for k, s in enumerate(names)}
    failed = {s: int((st[:, k] == store.FAILED).sum()) for k, s in enumerate(names)}
    return RunSummary(out, m, names, done, failed, skipped, 0.0, note="\n".join(notes),
                      first_member_s=first[0] if first else float("nan"))


def _save_reference(out: str, rec: dict) -> None:
    """Keep the central member's bases in the store (`fastmonet.store.bases`): a resumed run
    starts its members from them instead of solving the central member again."""
    from fastmonet.store import bases
    for scenario, ref in rec["references"].items():
        bases.save(out, f"central-{scenario}", ref)


def _stored_reference(out: str, names: list[str]) -> dict | None:
    """The central member's bases kept by an earlier run of this store, if every scenario's is
    there and readable (the store's keys already equal this run's: same inputs, same draws)."""
    from fastmonet.store import bases
    refs = {n: bases.load(out, f"central-{n}") for n in names}
    if any(r is None for r in refs.values()):
        return None
    return {"references": refs, "message": "", "seconds": 0.0, "iterations": {}}


def _damage_note(damaged: dict, what: str) -> str:
    i, (name, why) = next(iter(damaged.items()))
    again = "solved again" if what == "result chunk" else "their block computed again"
    return (f"{len(damaged)} members had a damaged {what} (first: member {i}, variable "
            f"{name!r} {why}): {again}")


def _reference_note(ref: dict) -> str:
    """One line when the warm start could not be made for some scenario (solved cold)."""
    if not ref["message"]:
        return ""
    return (f"warm start: the central member's solve failed ({ref['message']}); "
            f"those scenarios are solved cold")
