"""The LP with and without one column for identical overlap/mal chains, on the bundled data.

    python benchmarks/overlap_merge.py --scenario cooperation,current_policy,isolation

Each (scenario, merged or not) runs in its own child process and prints one JSON line: columns,
rows, non-zeros, build CPU/wall (best of 3), pass, solve CPU/wall (sifting), simplex iterations
over all stages, the optimum and the peak RSS (which includes the coefficients). CPU times are
`time.process_time` (all threads): on a shared machine they are the comparable figure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = r'''
import json, resource, sys, time
from fastmonet import api, lp, scenarios, solver
pol, merge = sys.argv[1], sys.argv[2] == "1"
co = api.load_coefficients()
sc = scenarios.make(pol)
lp.build(co, sc, merge_overlap=merge)   # first-call costs out of the way
bc, bw = [], []
for _ in range(3):
    c = time.process_time(); w = time.perf_counter()
    m = lp.build(co, sc, merge_overlap=merge)
    bc.append(time.process_time() - c); bw.append(time.perf_counter() - w)
c = time.process_time(); w = time.perf_counter(); s = solver.solve_model(m)
sc_, sw = time.process_time() - c, time.perf_counter() - w
print(json.dumps({"scenario": pol, "merged": merge, "columns": m.n_col,
  "xB": m.index.columns["xB"].size, "rows": m.n_row, "nonzeros": m.nnz,
  "build_cpu_s": round(min(bc), 3), "build_wall_s": round(min(bw), 3),
  "pass_s": round(s.stats["pass_s"], 4), "solve_cpu_s": round(sc_, 2), "solve_wall_s": round(sw, 2),
  "simplex_iterations": s.stats["simplex_iterations_total"], "cost_musd": s.cost,
  "shortfall_mt": s.shortfall,
  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
'''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="cooperation,current_policy,isolation")
    args = ap.parse_args(argv)
    for pol in args.scenario.split(","):
        for merge in ("0", "1"):
            out = subprocess.run([sys.executable, "-c", CHILD, pol, merge], capture_output=True,
                                 text=True)
            if out.returncode:
                sys.stderr.write(out.stderr)
                return out.returncode
            print(out.stdout.strip().splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
