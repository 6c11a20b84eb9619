"""asv benchmark of the README's main job: the seven P3 scenarios on the bundled data, from a
fresh interpreter (imports, data, coefficients, solves, metrics, zarr store, summary CSV)."""

from __future__ import annotations

from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "paper_p3.toml"


class MainJob:
    timeout = 900
    number = 1
    repeat = (1, 3, 120.0)

    def timeraw_main_job(self):
        # `fastmonet solve --scenario-file scenarios/paper_p3.toml --out ... --summary-csv`
        return f"""
import contextlib, io, shutil, tempfile
from pathlib import Path
from fastmonet.cli.main import main
tmp = Path(tempfile.mkdtemp())
try:
    with contextlib.redirect_stdout(io.StringIO()):
        rc = main(["solve", "--scenario-file", {str(SCENARIOS)!r}, "--out", str(tmp / "p3.zarr"),
                   "--summary-csv"])
    assert not rc, rc
finally:
    shutil.rmtree(tmp, ignore_errors=True)
"""
