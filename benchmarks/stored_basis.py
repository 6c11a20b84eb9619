"""A scenario solved again into its store, from the basis its last solve ended with, against
the same solve cold, in one process (issue 20's stored bases).

    python benchmarks/stored_basis.py [--scenario cooperation] [--change 1.02] [--repeat 2]

The bundled P3 coefficients are solved into a fresh store; then BECCS costs are scaled by
`--change` (inputs that changed since) and the scenario is solved again with `overwrite=True`
(from `STORE/.bases/<name>.npz`) and cold; printed: seconds (best of `--repeat`), simplex
iterations and the optimum's agreement.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def main(argv=None) -> int:
    from fastmonet import api, scenarios
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="cooperation")
    ap.add_argument("--change", type=float, default=1.02)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    coeffs = api.load_coefficients()
    changed = coeffs.assign(beccs_cost=coeffs["beccs_cost"] * args.change)
    sc = scenarios.make(args.scenario)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "r.zarr"
        api.solve_many([sc], out=store, coefficients=coeffs)
        best = {}
        for _ in range(args.repeat):
            for how in ("cold", "stored basis"):
                if how == "cold":
                    res = api.solve_coefficients(changed, sc)
                else:
                    res = api.solve_many([sc], out=store, coefficients=changed, overwrite=True)[0]
                    api.solve_many([sc], out=store, coefficients=coeffs, overwrite=True)  # reset
                s = res.stats["solve_s"]
                if how not in best or s < best[how][0]:
                    best[how] = (s, res)
    (cold_s, cold), (warm_s, warm) = best["cold"], best["stored basis"]
    it = lambda r: r.stats.get("simplex_iterations_total", r.stats.get("simplex_iterations"))  # noqa: E731
    rel = abs(warm.solution.attrs["cost_musd"] / cold.solution.attrs["cost_musd"] - 1)
    print(f"{args.scenario}, BECCS cost x{args.change}: cold {cold_s:.2f} s ({it(cold)} it), from the "
          f"stored basis {warm_s:.2f} s ({it(warm)} it), ratio {warm_s / cold_s:.2f}; cost rel diff "
          f"{rel:.1e}; {warm.provenance.get('warm_start_from')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
