"""Time `fastmonet linkage` (P3) against ten CURRENT_POLICY solves, in one process.

    python benchmarks/linkage_speed.py [--workers 2] [--targets p3]

Prints one JSON line: seconds for the whole linkage analysis (ISOLATION, 10 pairs, the greedy
join path) with the given workers, seconds for one CURRENT_POLICY solve (the mean of `--repeat`),
and the ratio linkage / (10 x CURRENT_POLICY). Coefficients are built once, outside the timings.
"""

from __future__ import annotations

import argparse
import json
import time

from fastmonet import api, scenarios
from fastmonet.workflows import linkage


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--targets", default="p3")
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    coeffs = api.load_coefficients(args.targets, "medium")
    cp = scenarios.make("current_policy", targets=args.targets)
    api.solve_coefficients(coeffs, cp)                      # warm caches (Numba, HiGHS)
    t = time.perf_counter()
    for _ in range(args.repeat):
        api.solve_coefficients(coeffs, cp)
    one_cp = (time.perf_counter() - t) / args.repeat
    t = time.perf_counter()
    with linkage.Solver(coeffs, scenarios.make("isolation", targets=args.targets),
                        workers=args.workers) as solver:
        pairs = linkage.pairwise(solver)
        linkage.join_path(solver, pairs)
    total = time.perf_counter() - t
    print(json.dumps({"workers": args.workers, "linkage_s": round(total, 2),
                      "current_policy_s": round(one_cp, 2),
                      "ratio_to_10_current_policy": round(total / (10 * one_cp), 3)}))


if __name__ == "__main__":
    main()
