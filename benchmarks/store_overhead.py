"""What the guarded store costs: guarded write / verified read against plain xarray zarr I/O.

    python benchmarks/store_overhead.py [--repeat 3] [--synthetic]

One scenario's Results (ISOLATION on the bundled data by default: a ~1 M-entry chain dimension)
is written with `Results.to_zarr` (lock, write, read-back verification, checksums, provenance)
and with plain `Dataset.to_zarr` of the same two Datasets; then read with `Results.from_zarr`
(every array checked) and with plain `xr.open_zarr(...).load()`.  Also the coefficient content
key (`inputs_record`) that `solve_many` computes once per coefficient Dataset.  Prints JSON with
the median seconds and the ratios guarded / plain, measured in the same process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic", action="store_true", help="a small synthetic instance instead")
    args = ap.parse_args()
    import xarray as xr

    from fastmonet import api, synthetic
    from fastmonet.results import Results, _zarr_ready
    from fastmonet.store import provenance

    coeffs = synthetic.instance(n_subregions=8, seed=1) if args.synthetic else \
        api.load_coefficients()
    res = api.solve_coefficients(coeffs, "isolation")
    tmp = Path(tempfile.mkdtemp(prefix="fastmonet-store-bench-"))
    n = {"i": 0}

    def fresh() -> Path:
        n["i"] += 1
        return tmp / f"s{n['i']}.zarr"

    def plain_write(path=None):
        path = path or fresh()
        for part in ("solution", "metrics"):
            _zarr_ready(getattr(res, part)).to_zarr(path, group=f"g/{part}", mode="w",
                                                    consolidated=False)
        return path

    try:
        out = {"case": "synthetic" if args.synthetic else "bundled ISOLATION",
               "chains": int(coeffs.sizes["chain"])}
        out["plain_write_s"] = median_time(plain_write, args.repeat)
        out["guarded_write_s"] = median_time(lambda: res.to_zarr(fresh()), args.repeat)
        plain_store, guarded_store = plain_write(), fresh()
        res.to_zarr(guarded_store, "g")
        out["plain_read_s"] = median_time(lambda: [
            xr.open_zarr(plain_store, group=f"g/{p}", consolidated=False).load()
            for p in ("solution", "metrics")], args.repeat)
        out["verified_read_s"] = median_time(lambda: Results.from_zarr(guarded_store, "g"),
                                             args.repeat)
        out["coefficients_key_s"] = median_time(lambda: provenance.inputs_record(coeffs),
                                                args.repeat)
        out["solve_s"] = res.stats.get("solve_s")
        out["write_ratio"] = out["guarded_write_s"] / out["plain_write_s"]
        out["read_ratio"] = out["verified_read_s"] / out["plain_read_s"]
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()},
                         indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
