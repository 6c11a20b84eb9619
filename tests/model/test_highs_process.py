"""HiGHS's process-wide state: the thread scheduler shared by every instance, the banner its first
instance prints, and the log, which belongs on stderr (fastmonet.highs_process)."""

import dataclasses
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from fastmonet import api, scenarios, synthetic
from fastmonet.summary_table import SUMMARY_COLUMNS


@pytest.fixture(scope="module")
def coeffs():
    return synthetic.instance(seed=3)


def _with_threads(threads):
    sc = scenarios.make("isolation")
    return dataclasses.replace(sc, solver=dataclasses.replace(sc.solver, threads=threads))


def test_solves_asking_other_thread_counts_share_one_process(coeffs):
    # HiGHS makes one scheduler per process; with 1.16 an instance asking another explicit count
    # than the running one returned "Not Set" (every ensemble member after a notebook's solve).
    cnc = [api.solve_coefficients(coeffs, _with_threads(t)).metrics.cnc.values
           for t in (None, 1, 2, 1, None)]
    for other in cnc[1:]:
        np.testing.assert_allclose(other, cnc[0], rtol=1e-9)


def _python(code: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def test_a_process_first_highs_prints_nothing_on_stdout(tmp_path):
    p = _python("from fastmonet import highs_process\n"
                "highs_process.new_highs(); highs_process.new_highs(verbose=True)", tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""


def test_verbose_log_goes_to_stderr_only(tmp_path):
    code = ("from fastmonet import api, scenarios, synthetic\n"
            "import dataclasses\n"
            "sc = scenarios.make('isolation')\n"
            "sc = dataclasses.replace(sc, solver=dataclasses.replace(sc.solver, verbose=True))\n"
            "api.solve_coefficients(synthetic.instance(seed=3), sc)\n")
    p = _python(code, tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    assert "Objective value" in p.stderr or "objective" in p.stderr.lower()


@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
def test_summary_csv_on_stdout_is_csv_alone(tmp_path, coeffs, verbose):
    from fastmonet import coefficients
    coefficients.save(coeffs, tmp_path / "c.zarr")
    p = subprocess.run([sys.executable, "-m", "fastmonet.cli.main", "solve", *verbose,
                        "--coefficients", str(tmp_path / "c.zarr"), "--scenario", "isolation",
                        "--summary-csv"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    table = pd.read_csv(io.StringIO(p.stdout))
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert (table["scenario"] == "isolation-p3-medium").all()
