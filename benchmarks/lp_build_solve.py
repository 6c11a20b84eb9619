"""Build, pass and solve the full-size LP; prints one JSON object per scenario.

    python benchmarks/lp_build_solve.py                       # COOPERATION on a synthetic instance
    python benchmarks/lp_build_solve.py --scenario cooperation,current_policy,isolation,switch_2050
    python benchmarks/lp_build_solve.py --data                # the bundled data instead

The synthetic instance (`fastmonet.synthetic.full_size`) has the full dimensions: 169
subregions, 15 ecozones, 2 forest types and a chain for every (source, plant, biomass, land,
period); its coefficients are random, so the timings measure the LP, not the paper's answer.
Fields: columns, rows, nonzeros, build_s, pass_s (the passModel call: with sifting, of the
working set), solve_s (all lexicographic stages, with sifting's set-up and pricing),
peak_rss_mb (process peak so far), plus the stage split and the optimum.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="cooperation")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plants-per-source", type=int, default=None)
    ap.add_argument("--data", action="store_true", help="use fastmonet.data + coefficients")
    ap.add_argument("--method", default="dual")
    ap.add_argument("--sifting", default="auto", help="auto (default), on or off")
    args = ap.parse_args(argv)

    from fastmonet import lp, results, scenarios, solver, synthetic
    from fastmonet.api import load_coefficients

    t0 = time.perf_counter()
    ds = load_coefficients() if args.data else synthetic.full_size(args.seed, args.plants_per_source)
    prep_s = time.perf_counter() - t0
    iso = None
    for name in args.scenario.split(","):
        sc = scenarios.make(name, solver=scenarios.SolverOptions(method=args.method,
                                                                 sifting=args.sifting))
        fx = None
        if sc.policy == "switch":
            if iso is None:
                iso_sc = sc.isolation_base()
                iso_m = lp.build(ds, iso_sc)
                iso_sol = solver.solve_model(iso_m)
                iso = results.solution_dataset(ds, iso_m, iso_sol)
            fx = results.fixings_from(iso, sc.switch_year)
        m = lp.build(ds, sc, fixings=fx)
        sol = solver.solve_model(m)
        if sc.policy == "isolation":
            iso = results.solution_dataset(ds, m, sol)
        st = sol.stats
        out = {
            "scenario": sc.name, "instance": "data" if args.data else f"synthetic(seed={args.seed})",
            "chains": int(ds.sizes["chain"]), "prepare_s": round(prep_s, 3),
            "columns": m.n_col, "rows": m.n_row, "nonzeros": m.nnz,
            "build_s": round(m.build_s, 3), "pass_s": round(st["pass_s"], 3),
            "solve_s": round(st["solve_s"], 3),
            "build_pass_share_of_solve": round((m.build_s + st["pass_s"]) / st["solve_s"], 4),
            "stages": st["stages"],
            **{k: round(v, 3) for k, v in st.items() if k.startswith("stage_")},
            "simplex_iterations": st["simplex_iterations"],
            "cost_busd": round(sol.cost / 1e3, 3), "shortfall_gt": round(sol.shortfall / 1e3, 4),
            "max_violation": sol.max_violation,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
