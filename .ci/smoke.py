"""The installed package, used as a user uses it: run from outside the source tree by `.ci/run`.

1. every subpackage imports (a wheel once lacked `fastmonet.blocs`);
2. `fastmonet solve --scenario isolation --summary-csv` on the bundled data: stdout is the summary
   table alone, read by pandas.read_csv with its six columns (HiGHS's banner once came first);
3. a solve, then a 2-member ensemble in the same process: every member done (HiGHS 1.16's shared
   thread scheduler once failed them all after a first solve).

Prints the versions it ran with first, so that a CI log says what the registry served.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import subprocess
import sys
import sysconfig
import tempfile
from importlib import metadata
from pathlib import Path

PACKAGES = ("fastmonet", "highspy", "numpy", "numba", "scipy", "pandas", "xarray", "zarr", "dask",
            "distributed", "matplotlib", "SALib", "tqdm")


def versions() -> None:
    print("versions: " + ", ".join(f"{p} {metadata.version(p)}" for p in PACKAGES), flush=True)


def imports() -> None:
    import fastmonet
    here = Path(fastmonet.__file__).resolve()
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    if installed not in here.parents:
        sys.exit(f"smoke: fastmonet imported from {here}, not from the install ({installed})")
    names = [m.name for m in pkgutil.walk_packages(fastmonet.__path__, "fastmonet.")]
    for name in names:
        importlib.import_module(name)
    print(f"imports: {len(names)} modules of {here.parent}", flush=True)


def summary_csv(folder: Path) -> None:
    import pandas as pd
    cli = str(Path(sys.executable).with_name("fastmonet"))      # the installed console script
    p = subprocess.run([cli, "solve", "--scenario", "isolation", "--summary-csv"],
                       cwd=folder, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.exit(f"smoke: fastmonet solve failed ({p.returncode}): {p.stderr[-2000:]}")
    table = pd.read_csv(io.StringIO(p.stdout))
    expected = ["scenario", "region", "option", "metric", "value", "unit"]
    if list(table.columns) != expected or table.empty:
        sys.exit(f"smoke: --summary-csv gave columns {list(table.columns)}, not {expected}")
    print(f"summary-csv: {len(table)} rows, columns {expected}", flush=True)


def ensemble_after_a_solve(folder: Path) -> None:
    import fastmonet
    import fastmonet.ensemble as ens
    fastmonet.solve(scenario="isolation")
    got = ens.run(n=2, scenarios=["isolation"], out=folder / "e.zarr", sampler="lhs", seed=1,
                  workers=0, progress=False)
    if got.done != {"isolation": 2} or got.failed != {"isolation": 0}:
        sys.exit(f"smoke: ensemble after a solve: done {got.done}, failed {got.failed}: {got.note}")
    print("ensemble after a solve: 2 of 2 members done", flush=True)


def main() -> None:
    versions()
    imports()
    with tempfile.TemporaryDirectory() as tmp:
        summary_csv(Path(tmp))
        ensemble_after_a_solve(Path(tmp))
    print("smoke: passed")


if __name__ == "__main__":
    main()
