"""Issue 18, findings 6-9: contradictory options, path-dependent content hashes, tracebacks and
silent no-ops.  Each test fails on the code before the fix: the input was accepted (and solved
as something else), or failed with a traceback instead of one line (rc 2 / InputError).
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import fastmonet.ensemble as ens
from fastmonet import bundled, data, scenarios, technology, uncertainty
from fastmonet.blocs import Structure
from fastmonet.dimensions import REGIONS
from fastmonet.errors import InputError

RANGES = Path(__file__).parents[1] / "data" / "ensemble_ranges.toml"


def cli(*argv) -> tuple[int, str, str]:
    from fastmonet.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def one_line_rc2(argv, *words) -> str:
    rc, _, err = cli(*argv)
    assert rc == 2, (argv, err)
    line = err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in line, (w, line)
    return line


# ----------------------------------------------------------- finding 6: contradictions refused
def test_finding_6_equal_cost_with_given_shares_is_refused(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[scenario]]\npolicy = "cooperation"\nburden = "equal_cost"\n'
                 'shares = { BRA = 0.2, CHN = 0.2, EU = 0.2, IND = 0.2, USA = 0.2 }\n')
    with pytest.raises(InputError, match=r"scenario\[0\]\.burden: rule 'equal_cost' solves its "
                                         r"shares"):
        scenarios.load_scenario_file(f)
    one_line_rc2(["solve", "--scenario-file", f], "equal_cost", str(f))


def test_finding_6_a_named_policy_with_blocs_is_refused(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[scenario]]\npolicy = "isolation"\nblocs = [["BRA", "CHN", "EU", "IND", "USA"]]\n')
    with pytest.raises(InputError, match=r"\.policy: 'isolation' with 'blocs'"):
        scenarios.load_scenario_file(f)
    one_line_rc2(["solve", "--scenario-file", f], "isolation", "blocs")
    world = Structure.parse([list(REGIONS)])
    with pytest.raises(InputError, match="policy 'isolation' with blocs"):
        scenarios.make("isolation", blocs=world)
    assert scenarios.make(blocs=world).policy == "blocs"          # no policy: a blocs scenario
    assert scenarios.make("blocs", blocs=world).policy == "blocs"
    assert scenarios.make().policy == "cooperation"


# ------------------------------------------------- finding 7: content hashes hash contents only
@pytest.mark.slow   # ~15 s: two small ensembles from two copies of the bundled data
def test_finding_7_an_identical_copy_of_the_data_folder_resumes(tmp_path):
    copies = []
    for name in ("a", "b"):
        folder = tmp_path / name / "data"
        shutil.copytree(bundled.DATA_DIR, folder)
        copies.append(folder)
    out = tmp_path / "e.zarr"
    for folder, skipped in zip(copies, (0, 1)):
        inputs = data.load(folder)
        reg = inputs["subregion_region"].values
        idx = np.concatenate([np.flatnonzero(reg == r)[:2] for r in REGIONS])
        tech = technology.load(folder / "technology")
        assert tech.path == str(folder / "technology")
        s = ens.run(n=1, scenarios=["isolation"], out=out, ranges=RANGES, sampler="lhs",
                    inputs=inputs.isel(subregion=idx), tech=tech, workers=0, progress=False)
        assert s.skipped == skipped


def test_finding_7_the_run_key_does_not_depend_on_where_the_data_lies(tmp_path):
    from fastmonet.ensemble import execute
    keys = []
    for name in ("a", "b"):
        folder = tmp_path / name
        shutil.copytree(bundled.DATA_DIR / "technology", folder / "technology")
        tech = technology.load(folder / "technology")
        inputs = data.load().isel(subregion=np.arange(3)).assign_attrs(data_path=str(folder))
        ranges = uncertainty.load(RANGES, tech=tech)
        ctx, draws, sample, unit, info = execute._prepare(
            None, ["isolation"], ranges, "lhs", 0, "p3", "medium", None, inputs, tech,
            [ranges.central()], None)
        member_keys, attrs = execute._keys(ctx, draws, sample, unit, info)
        keys.append((attrs["input_hash"], attrs["technology_hash"], attrs["run_key"]))
    assert keys[0] == keys[1]


# ------------------------------------------------ finding 8: one line, rc 2, before any work
@pytest.mark.parametrize("extra, words", [
    (["--workers", "-1"], ["--workers", ">= 0"]),
    (["--block", "0"], ["--block", ">= 1"]),
    (["--block", "-3"], ["--block"]),
    (["--seed", "-5"], ["--seed", ">= 0"]),
    (["--scheduler", "not a url"], ["--scheduler", "not a dask scheduler address"]),
    (["--n", "0"], ["--n", ">= 1"]),
])
def test_finding_8_ensemble_run_options_are_one_line_before_any_work(tmp_path, extra, words):
    argv = ["ensemble", "run", "--n", "2", "--out", tmp_path / "e.zarr", "--workers", "0"]
    one_line_rc2(argv + extra, *words)
    assert not (tmp_path / "e.zarr").exists()


@pytest.mark.parametrize("kw, words", [
    (dict(n=True), "--n"), (dict(scenarios=3), "--scenario"), (dict(scenarios=[]), "--scenario"),
    (dict(workers="2"), "--workers"), (dict(block=0), "--block"), (dict(seed=1.5), "--seed"),
    (dict(draws=[]), "draws"), (dict(out=3), "out"), (dict(sampler="grid"), "--sampler"),
])
def test_finding_8_ensemble_run_arguments_raise_input_error(tmp_path, kw, words):
    args = dict(n=2, scenarios=["isolation"], out=tmp_path / "e.zarr", workers=0, progress=False)
    with pytest.raises(InputError, match=words):
        ens.run(**{**args, **kw})
    assert not (tmp_path / "e.zarr").exists()


def test_finding_8_python_readers_refuse_wrong_types():
    from fastmonet.results import Results
    with pytest.raises(InputError, match="path"):
        ens.open(3)
    with pytest.raises(InputError, match="path"):
        Results.from_zarr(123, "x")


@pytest.mark.parametrize("content", [b'structure = "not a table"\n', b"structure = [1, 2]\n",
                                     b'[[structure]]\nname = "\xff\xfe"\n'])
def test_finding_8_a_bad_blocs_file_is_one_line(tmp_path, content):
    f = tmp_path / "b.toml"
    f.write_bytes(content)
    one_line_rc2(["linkage", "--blocs-file", f], str(f))


# ------------------------------------------------------------- finding 9: no silent no-ops
def test_finding_9_an_empty_scenario_list_is_refused(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("scenario = []\n")
    with pytest.raises(InputError, match="empty: nothing to solve"):
        scenarios.load_scenario_file(f)
    one_line_rc2(["solve", "--scenario-file", f], "nothing to solve")


def test_finding_9_time_limit_zero_is_refused_not_unlimited(tmp_path):
    one_line_rc2(["ensemble", "run", "--n", "2", "--out", tmp_path / "e.zarr", "--workers", "0",
                  "--time-limit", "0"], "time_limit")
    assert not (tmp_path / "e.zarr").exists()


HOLD_SCRIPT = """
import sys, time
from fastmonet.store import lock
with lock.writer(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


def test_finding_9_a_busy_ensemble_store_gives_advice_the_command_has(tmp_path):
    import subprocess
    import sys

    from fastmonet.store.errors import StoreError
    out = tmp_path / "busy.zarr"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(out)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError) as err:
            ens.run(n=2, scenarios=["isolation"], out=out, ranges=RANGES, sampler="lhs",
                    workers=0, progress=False, inputs=data.load().isel(subregion=np.arange(3)))
    finally:
        holder.kill()
        holder.wait()
    msg = str(err.value)
    assert "being written by" in msg and "--no-wait" not in msg and "another --out" in msg


BLAS_SCRIPT = """
import numpy as np
from fastmonet.solution_check import objective_value
rng = np.random.default_rng(7)
c, x = rng.standard_normal(2_000_000) * 1e3, np.abs(rng.standard_normal(2_000_000))
print(repr(float(c @ x)), repr(objective_value(c, x)))
"""


def test_finding_9_total_cost_does_not_depend_on_the_blas_thread_count():
    """The cause of the 1-ULP `total_cost` difference between --workers 0 and --workers 2: the
    objective was a BLAS dot product, whose summation order follows the BLAS thread count
    (worker processes run BLAS on one thread).  `objective_value` is correctly rounded."""
    import math
    import os
    import subprocess
    import sys
    runs = []
    for threads in ("1", "4"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads}
        out = subprocess.run([sys.executable, "-c", BLAS_SCRIPT], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        runs.append(out)
    assert runs[0][1] == runs[1][1]                       # the objective: the same double
    from fastmonet.solution_check import objective_value
    rng = np.random.default_rng(7)
    c, x = rng.standard_normal(2_000_000) * 1e3, np.abs(rng.standard_normal(2_000_000))
    assert repr(objective_value(c, x)) == runs[0][1] == repr(math.fsum(c * x))
    perm = rng.permutation(c.size)
    assert objective_value(c[perm], x[perm]) == objective_value(c, x)   # any order


def test_finding_9_the_solution_cost_is_the_correctly_rounded_objective(small_coeffs):
    from fastmonet import api, lp, solution_check, solver
    ds = small_coeffs
    model = lp.build(ds, scenarios.make("cooperation"))
    sol = solver.solve_model(model)
    assert sol.cost == solution_check.objective_value(model.cost, sol.x)
    res = api.solve_coefficients(ds, "cooperation")
    assert res.solution.attrs["cost_musd"] == sol.cost
