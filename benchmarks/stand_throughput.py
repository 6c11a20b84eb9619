"""Stand-model throughput: Numba kernel against the vectorised-NumPy implementation.

    python benchmarks/stand_throughput.py --cells 1000000

Runs both on the same random cells for `--years` years in one process (JIT compile excluded by
a warm-up run), checks that they agree to 1e-9 relative, and prints one JSON line with
`cells`, `years`, `numba_cell_years_per_s`, `numpy_cell_years_per_s`, `speedup` (plus the
thread count and best wall times). Both compute what the LP needs without trajectories: the
decadal sequestration means and per-cell summaries. Best of `--repeat` runs each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastmonet.reference import stand_numpy  # noqa: E402
from fastmonet.stand import StandParams, simulate  # noqa: E402


def random_params(n: int, seed: int = 0) -> StandParams:
    """n cells spread over the published ranges (Tables 2, 5-7): B 15-300 tDM/ha, growing
    period 30-140 yr, 60% fitted root ratios (R1 24-848, R2 0.00028-0.045) and 40% constant
    (0.27-0.40), Cf 0.47-0.51, Rfire 0-0.35, default schedule."""
    rng = np.random.default_rng(seed)
    B = rng.uniform(15.0, 300.0, n)
    T = rng.uniform(30.0, 140.0, n)
    fitted = rng.random(n) < 0.6
    return StandParams(
        B=B, G=B / T,
        R1=np.where(fitted, rng.uniform(24.0, 848.0, n), rng.uniform(0.27, 0.40, n)),
        R2=np.where(fitted, rng.uniform(0.00028, 0.045, n), 0.0),
        Cf=rng.uniform(0.47, 0.51, n), rfire=rng.uniform(0.0, 0.35, n),
    )


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.years < 80:
        ap.error("--years must be >= 80 (the decadal coefficients need ages up to 80)")

    params = random_params(args.cells, args.seed)
    warm = params.subset(slice(0, min(args.cells, 1000)))
    simulate(warm, horizon=args.years, trajectories=False)
    stand_numpy.simulate(warm, horizon=args.years)

    t_numba, k = _best(lambda: simulate(params, horizon=args.years, trajectories=False),
                       args.repeat)
    t_numpy, v = _best(lambda: stand_numpy.simulate(params, horizon=args.years), args.repeat)

    for name in ("seq_decadal", "co2_max", "co2_final", "co2thin_final"):
        np.testing.assert_allclose(v[name], getattr(k, name), rtol=1e-9, err_msg=name)
    np.testing.assert_array_equal(v["yr_mmag"], k.yr_mmag)

    from numba import get_num_threads

    work = args.cells * args.years
    result = {
        "cells": args.cells,
        "years": args.years,
        "numba_cell_years_per_s": round(work / t_numba),
        "numpy_cell_years_per_s": round(work / t_numpy),
        "speedup": round(t_numpy / t_numba, 2),
        "numba_threads": get_num_threads(),
        "numba_s": round(t_numba, 4),
        "numpy_s": round(t_numpy, 4),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
