"""The main job's seven P3 solves, cold and as a warm chain, in one process.

    python benchmarks/warm_chain.py [--repeat 2] [--workers 0]

`fastmonet run` solves its scenario set with `warm_chain=True`: CURRENT_POLICY starts from
ISOLATION's optimal basis and SWITCH_Y from COOPERATION's (`fastmonet.workflows.scenario_set.
warm_source`).  Printed per scenario: seconds and simplex iterations cold and warm, their
ratio, and the optimum's agreement (cost relative difference, shortfall difference in MtCO2),
then the set's total.  The coefficients are built once; the passes alternate (cold, warm,
cold, ...) so a shared machine's load falls on both.
"""

from __future__ import annotations

import argparse
import time


def _pass(coeffs, scs, warm_chain: bool, workers: int) -> tuple[float, dict]:
    from fastmonet import api
    t = time.perf_counter()
    out = api.solve_many(scs, coefficients=coeffs, warm_chain=warm_chain, workers=workers)
    wall = time.perf_counter() - t
    return wall, {r.scenario.name: r for r in out}


def main(argv=None) -> int:
    from fastmonet import api, scenario_sets
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args(argv)
    coeffs = api.load_coefficients()
    scs = scenario_sets.paper()
    best: dict[bool, tuple[float, dict]] = {}
    for _ in range(args.repeat):
        for warm in (False, True):
            wall, res = _pass(coeffs, scs, warm, args.workers)
            if warm not in best or wall < best[warm][0]:
                best[warm] = (wall, res)
    (cold_wall, cold), (warm_wall, warm) = best[False], best[True]
    print(f"{'scenario':26s} {'cold s':>7s} {'warm s':>7s} {'ratio':>6s} {'cold it':>8s} "
          f"{'warm it':>8s} {'cost rel':>9s} {'dshort Mt':>9s}  from")
    for name, c in cold.items():
        w = warm[name]
        it = lambda r: r.stats.get("simplex_iterations_total", r.stats.get("simplex_iterations"))  # noqa: E731
        ca, wa = c.solution.attrs, w.solution.attrs
        print(f"{name:26s} {c.stats['solve_s']:7.2f} {w.stats['solve_s']:7.2f} "
              f"{w.stats['solve_s'] / c.stats['solve_s']:6.2f} {it(c):8d} {it(w):8d} "
              f"{abs(wa['cost_musd'] - ca['cost_musd']) / abs(ca['cost_musd']):9.1e} "
              f"{wa['shortfall_mt'] - ca['shortfall_mt']:9.2e}  "
              f"{w.provenance.get('warm_start_from', '-')}")
    print(f"set wall (best of {args.repeat}): cold {cold_wall:.1f} s, warm chain {warm_wall:.1f} s, "
          f"ratio {warm_wall / cold_wall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
