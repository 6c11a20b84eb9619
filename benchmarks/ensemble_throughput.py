"""Ensemble throughput: the same members x (COOPERATION, CURRENT_POLICY, ISOLATION) with 1 and
with 2 worker processes, coefficient generation rate, peak worker memory.

    python benchmarks/ensemble_throughput.py --n 40            # one JSON line on stdout
    python benchmarks/ensemble_throughput.py --n 16 --workers 1,2 --skip-cold

Three runs of the same members: 1 worker and 2 workers warm-started from the central member's
bases (the default), and 2 workers cold (`warm_start=False`), the reference of the warm start.

Fields: members_per_min_1, members_per_min_2 (members x all scenarios per minute of wall time,
cluster start excluded, coefficient stage and the central member's solve included), scaling
(= their ratio), warm_iterations and cold_iterations (mean simplex iterations per (member,
scenario) solve, warm and cold runs), members_per_min_2_cold and warm_speedup (= warm over cold
members per minute, 2 workers), coefficient_cells_per_s (stand cells computed and written to
zarr per second, in this process, one thread, blocks of 32 random members: a stand cell is one
(member, subregion, ecozone, forest type, vintage) stand whose removal and cost coefficients over
the reporting years are computed and stored, so a member has AR cells x N_PERIODS of them) and
coefficient_members_per_s (members' AR and DAC coefficients per second), peak_worker_mib (largest peak RSS
of a worker), plus the run's size and seconds. `--subregions K` keeps K subregions per region
(a quick run; the goals are for the full 169).  `--workers 1,2,8,16`: one warm run per count
(default 1,2); `workers` then lists, per count, members_per_min, first_member_s (from the run's
start, cluster started, to its first finished member: the central member's solve, every
worker's first compile and the first coefficient block) and scaling against the first count.
`--skip-cold` leaves out the cold 2-worker run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SCENARIOS = ["cooperation", "current_policy", "isolation"]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: kB


def _inputs(k: int | None):
    from fastmonet import data
    inputs = data.load()
    if not k:
        return inputs
    reg = inputs["subregion_region"].values
    idx = np.concatenate([np.flatnonzero(reg == r)[:k] for r in np.unique(reg)])
    return inputs.isel(subregion=np.sort(idx))


def run_with(workers: int, args, inputs, tmp: Path, warm_start: bool = True) -> dict:
    from distributed import Client

    import fastmonet.ensemble as ens
    from fastmonet.workflows.executor import local_cluster
    out = tmp / f"w{workers}{'' if warm_start else '_cold'}.zarr"
    t_cluster = time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:
        t0 = time.perf_counter()
        cluster_s = t0 - t_cluster
        s = ens.run(n=args.n, scenarios=SCENARIOS, out=out, ranges=args.ranges, sampler=args.sampler,
                    seed=args.seed, inputs=inputs, scheduler=cluster.scheduler_address,
                    progress=not args.quiet, warm_start=warm_start)
        seconds = time.perf_counter() - t0
        peak = max(client.run(_peak_mib).values())
    ds = ens.open(out).load()
    it = ds["simplex_iterations"].values
    return {"seconds": seconds, "members": s.members, "peak_mib": peak,
            "iterations": float(np.nanmean(it)), "failed": int(sum(s.failed.values())),
            "first_member_s": s.first_member_s, "cluster_s": cluster_s}


def coefficient_rate(args, inputs, tmp: Path) -> dict:
    """Stand cells (member x AR cell x vintage) and members whose coefficients are computed and
    written to zarr per second: `coefficient_task` on blocks of 32, one process, one thread."""
    import numba

    from fastmonet.dimensions import N_PERIODS
    from fastmonet.ensemble import execute, tasks
    numba.set_num_threads(1)
    n = max(args.n, 64)
    ctx, draws, sample, unit, info = execute._prepare(n, SCENARIOS[:1], args.ranges, "random", args.seed,
                                                      "p3", "medium", None, inputs, None, None, None)
    keys, attrs = execute._keys(ctx, draws, sample, unit, info)
    out = str(tmp / "coef.zarr")
    block = 32
    execute._open_or_create(out, ctx, attrs, keys, sample, unit, len(draws), block, 1)
    tasks.coefficient_task(ctx, out, 0, draws[:block])          # JIT warm-up, first block
    t0 = time.perf_counter()
    members = 0                                                 # members computed (not failed)
    for start in range(block, len(draws), block):
        r = tasks.coefficient_task(ctx, out, start, draws[start:start + block])
        members += r["n"] - r["failed"]
    seconds = time.perf_counter() - t0
    return {"coefficient_cells_per_s": round(members * ctx.cells.size * N_PERIODS / seconds),
            "coefficient_members_per_s": round(members / seconds, 2)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--ranges", default=None, help="ranges TOML (default: bundled)")
    p.add_argument("--sampler", default="lhs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--subregions", type=int, default=None, help="subregions kept per region")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    p.add_argument("--skip-cold", action="store_true", help="no cold 2-worker run")
    args = p.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    inputs = _inputs(args.subregions)
    tmp = Path(tempfile.mkdtemp(prefix="ens_bench_"))
    try:
        coef = coefficient_rate(args, inputs, tmp)
        runs = {w: run_with(w, args, inputs, tmp) for w in counts}
        one, two = runs.get(1) or runs[counts[0]], runs.get(2) or runs[counts[-1]]
        cold = two if args.skip_cold else run_with(2, args, inputs, tmp, warm_start=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    per = {w: r["members"] / r["seconds"] * 60.0 for w, r in runs.items()}
    mpm1 = one["members"] / one["seconds"] * 60.0
    mpm2 = two["members"] / two["seconds"] * 60.0
    mpm2_cold = cold["members"] / cold["seconds"] * 60.0
    print(json.dumps({
        "members_per_min_1": round(mpm1, 3), "members_per_min_2": round(mpm2, 3),
        "scaling": round(mpm2 / mpm1, 3), "warm_iterations": round(two["iterations"], 1),
        "cold_iterations": round(cold["iterations"], 1),
        "members_per_min_2_cold": round(mpm2_cold, 3), "warm_speedup": round(mpm2 / mpm2_cold, 3),
        **coef, "peak_worker_mib": round(max(one["peak_mib"], two["peak_mib"]), 1),
        "members": one["members"], "scenarios": len(SCENARIOS), "seconds_1": round(one["seconds"], 1),
        "seconds_2": round(two["seconds"], 1), "seconds_2_cold": round(cold["seconds"], 1),
        "failed": one["failed"] + two["failed"] + cold["failed"],
        "subregions": int(inputs.sizes["subregion"]),
        "workers": {str(w): {"members_per_min": round(per[w], 3),
                             "first_member_s": round(runs[w]["first_member_s"], 1),
                             "cluster_start_s": round(runs[w]["cluster_s"], 1),
                             "scaling": round(per[w] / per[counts[0]] * counts[0] / w, 3)}
                    for w in counts},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
