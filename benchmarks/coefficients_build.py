"""Time the coefficient build on the bundled data; prints JSON with the stage timings.

    python benchmarks/coefficients_build.py [--repeat N]

The first repetition includes Numba compilation (or cache loading); ``seconds`` is the best
(minimum) of the repetitions per stage, ``first`` the first repetition.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    t0 = time.perf_counter()
    from fastmonet import technology
    from fastmonet.coefficients import build
    from fastmonet.data import load
    import_s = time.perf_counter() - t0
    runs = []
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        inputs = load()
        tech = technology.load()
        timings = {"load": time.perf_counter() - t}
        coeffs = build(inputs, tech, timings=timings)
        timings["total"] = time.perf_counter() - t
        runs.append(timings)
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    print(json.dumps({
        "chains": int(coeffs.sizes["chain"]),
        "chains_allowed": int(coeffs.attrs["beccs_chains_allowed"]),
        "ar_cells": int(coeffs["ar_allowed"].sum()),
        "subregions": int(coeffs.sizes["subregion"]),
        "import_seconds": round(import_s, 3),
        "first": {k: round(v, 4) for k, v in runs[0].items()},
        "seconds": {k: round(v, 4) for k, v in best.items()},
        "repeat": len(runs),
        "numba_threads": int(os.environ.get("NUMBA_NUM_THREADS", os.cpu_count() or 1)),
        "machine": platform.machine(),
    }, indent=1))


if __name__ == "__main__":
    main()
