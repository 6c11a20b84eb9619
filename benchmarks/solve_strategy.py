"""The solve strategy (`SolverOptions.lexicographic`, `cost_start`, `resift_method`,
`drop_nonbasic`, `decompose`), each choice against the old path, in one process.

    python benchmarks/solve_strategy.py                                  # bundled P3, three policies
    python benchmarks/solve_strategy.py --scenario cooperation --repeat 3
    python benchmarks/solve_strategy.py --json

Every strategy solves the same LP (built once per scenario, P3 / medium storage of the bundled
data); the "old" row is the path before issue 20: two stages whenever sifting is on, every run
by the options' method (dual simplex), nothing dropped.  Printed per strategy: simplex (+ IPM)
iterations over all runs, the solve's wall time (best of `--repeat`), both as ratios to "old",
and the optimum's agreement with old (cost relative difference, shortfall in MtCO2), which must
stay within the solver's tolerance.  Timings on a shared machine move by 10-20%; iteration
counts do not (HiGHS is deterministic for one build and one thread count).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

#: name -> SolverOptions fields; "old" is the reference every ratio is taken against.
STRATEGIES = {
    "old": dict(lexicographic="two_stage", cost_start="same", resift_method="same",
                drop_nonbasic=False, decompose="off", tie_break="path"),
    "zero_first": dict(lexicographic="zero_first", cost_start="same", resift_method="same",
                       drop_nonbasic=False, decompose="off", tie_break="path"),
    "zero_first+primal": dict(lexicographic="zero_first", cost_start="same",
                              resift_method="primal", drop_nonbasic=False, decompose="off",
                              tie_break="path"),
    "zero_first+primal+ipm": dict(lexicographic="zero_first", cost_start="ipm",
                                  resift_method="primal", drop_nonbasic=False, decompose="off",
                                  tie_break="path"),
    "ipm_cost_start": dict(lexicographic="two_stage", cost_start="ipm", resift_method="same",
                           drop_nonbasic=False, decompose="off", tie_break="path"),
    "zero_first+primal+ipm+drop": dict(lexicographic="zero_first", cost_start="ipm",
                                       resift_method="primal", drop_nonbasic=True,
                                       decompose="off", tie_break="path"),
    # The default of 2026-12-05 morning: interior point only without shortfall, no tie-break.
    "default_before_tie_break": dict(cost_start="ipm_at_zero_shortfall", tie_break="path"),
    "default_without_tie_break": dict(tie_break="path"),
    "default_whole_lp": dict(decompose="off"),
    "default": {},
}


def _solve(model, options):
    import time

    from fastmonet import scenarios, solver
    sc = dataclasses.replace(model.scenario,
                             solver=dataclasses.replace(scenarios.SolverOptions(), **options))
    m = dataclasses.replace(model, scenario=sc)
    t0, c0 = time.perf_counter(), time.process_time()
    sol = solver.solve_model(m)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    st = sol.stats
    return {"wall_s": wall, "cpu_s": cpu, "iterations": st["simplex_iterations_total"] + st["ipm_iterations_total"],
            "simplex": st["simplex_iterations_total"], "ipm": st["ipm_iterations_total"],
            "stages": st["stages"], "sift_rounds": st["sift_rounds"],
            "dropped": st["columns_dropped"], "cost": sol.cost, "shortfall": sol.shortfall,
            "tie_break_s": st.get("stage_tie_break_s", 0.0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="cooperation,current_policy,isolation")
    ap.add_argument("--strategy", default=",".join(STRATEGIES),
                    help=f"comma-separated, from {', '.join(STRATEGIES)}")
    ap.add_argument("--repeat", type=int, default=1, help="best wall time of this many solves")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from fastmonet import api, lp, scenarios
    coeffs = api.load_coefficients()
    names = ["old"] + [s for s in args.strategy.split(",") if s != "old"]
    unknown = [s for s in names if s not in STRATEGIES]
    if unknown:
        ap.error(f"--strategy: unknown {', '.join(unknown)}; known: {', '.join(STRATEGIES)}")
    report = {}
    for policy in args.scenario.split(","):
        model = lp.build(coeffs, scenarios.make(policy))
        rows = {}
        for name in names:
            runs = [_solve(model, STRATEGIES[name]) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["wall_s"])
            rows[name] = best
        old = rows["old"]
        for r in rows.values():
            r["iterations_ratio"] = r["iterations"] / max(old["iterations"], 1)
            r["wall_ratio"] = r["wall_s"] / old["wall_s"]
            r["cpu_ratio"] = r["cpu_s"] / old["cpu_s"]
            r["cost_rel_diff"] = abs(r["cost"] - old["cost"]) / max(1.0, abs(old["cost"]))
            r["shortfall_diff_mt"] = r["shortfall"] - old["shortfall"]
        report[policy] = rows
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        print()
        return 0
    for policy, rows in report.items():
        print(f"\n{policy.upper()} P3 (columns: {lp.build(coeffs, scenarios.make(policy)).n_col})")
        print(f"{'strategy':26} {'iterations':>10} {'ratio':>6} {'wall s':>7} {'ratio':>6} "
              f"{'CPU s':>7} {'ratio':>6} {'stages':>6} {'rounds':>6} {'dropped':>7} "
              f"{'cost rel diff':>13} {'shortfall Mt':>12}")
        for name, r in rows.items():
            print(f"{name:26} {r['iterations']:>10,} {r['iterations_ratio']:>6.2f} "
                  f"{r['wall_s']:>7.2f} {r['wall_ratio']:>6.2f} {r['cpu_s']:>7.2f} "
                  f"{r['cpu_ratio']:>6.2f} {r['stages']:>6} {r['sift_rounds']:>6} "
                  f"{r['dropped']:>7} {r['cost_rel_diff']:>13.1e} {r['shortfall']:>12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
