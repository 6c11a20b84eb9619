"""The installed package, used as a user uses it: run from outside the source tree by `.ci/run`.

1. every subpackage imports (a wheel once lacked `fastmonet.blocs`), and `py.typed` is there;
2. `fastmonet solve --scenario isolation --summary-csv` on the bundled data: stdout is the summary
   table alone, read by pandas.read_csv with its six columns (HiGHS's banner once came first);
3. a solve, then a 2-member ensemble in the same process: every member done (HiGHS 1.16's shared
   thread scheduler once failed them all after a first solve);
4. the ensemble analyses on synthetic data: a planted PRIM box found (ema_workbench) and the
   input that moves the output ranked first by PAWN (SALib), at whatever versions resolved.

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
            "distributed", "matplotlib", "SALib", "ema-workbench", "tqdm")


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
    if not (here.parent / "py.typed").is_file():   # PEP 561: type checkers read the annotations
        sys.exit(f"smoke: {here.parent / 'py.typed'} is not installed")


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


def analyses() -> None:
    """PRIM (ema_workbench) finds a planted box and PAWN (SALib) ranks the driving input first."""
    import numpy as np
    import pandas as pd

    from fastmonet.ensemble import discovery, sensitivity
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((400, 3)), columns=["x1", "x2", "x3"])
    box = discovery.prim_box(x, (x["x1"] > 0.6).to_numpy())
    lim = box["limits"].set_index("input")
    if list(lim.index) != ["x1"] or abs(lim.loc["x1", "lower"] - 0.6) > 0.05:
        sys.exit(f"smoke: PRIM did not find the planted box x1 > 0.6: {box['limits']}")
    t = sensitivity.pawn_indices(x, 10 * x["x1"] + x["x2"], num_resamples=10)
    if t.set_index("input")["pawn"].idxmax() != "x1":
        sys.exit(f"smoke: PAWN did not rank x1 first: {t}")
    print(f"analyses: PRIM box x1 >= {lim.loc['x1', 'lower']:.3f}, PAWN x1 first", flush=True)


def main() -> None:
    versions()
    imports()
    analyses()
    with tempfile.TemporaryDirectory() as tmp:
        summary_csv(Path(tmp))
        ensemble_after_a_solve(Path(tmp))
    print("smoke: passed")


if __name__ == "__main__":
    main()
