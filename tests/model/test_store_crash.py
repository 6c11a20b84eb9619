"""Crash, concurrency and broken-pipe behaviour of the guarded store, in real processes.

- kill -9 while a group is being written: the rerun solves that group again (with a message),
  reuses the finished ones, and ends with every group equal to an uninterrupted run's;
- two writers started 0.4 s apart on one store: both succeed, the second waits for the first
  and reuses its groups (finding 3: it died with "Directory not empty" and left a group marked
  complete without its metrics);
- `| head -2` on `--summary-csv`: stdout goes, every scenario still lands in the store.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

from fastmonet import api, coefficients, scenarios
from fastmonet.results import Results
from fastmonet.store import groups

ROOT = Path(__file__).resolve().parents[2]
THREE = ("isolation", "switch_2050", "cooperation")
NAMES = [f"{p}-p3-medium" for p in THREE]


@pytest.fixture(scope="module")
def coeff_store(small_coeffs, tmp_path_factory):
    path = tmp_path_factory.mktemp("coeffs") / "c.zarr"
    coefficients.save(small_coeffs, path)
    return path


@pytest.fixture(scope="module")
def reference(small_coeffs, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "ref.zarr"
    return {r.scenario.name: r for r in
            api.solve_many([scenarios.make(p) for p in THREE], out=out, coefficients=small_coeffs)}


def fastmonet(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "fastmonet.cli.main", *map(str, args)],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kw)


def solve_args(coeff_store, out):
    return ["solve", "--coefficients", coeff_store, "--scenario", ",".join(THREE), "--out", out]


def assert_store_equals_reference(out, reference):
    for name in NAMES:
        got = Results.from_zarr(out, name)            # every checksum verified
        xr.testing.assert_allclose(got.metrics, reference[name].metrics)


def kill_when(proc, out, ready) -> bool:
    """kill -9 `proc` as soon as `ready(out)` holds; False if it finished first."""
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if ready(out):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    return False


def mid_write(name):
    """The group's folder exists but it is not complete: arrays are being written."""
    return lambda out: (out / name).exists() and not groups.state(out, name).complete


def after_complete(name):
    return lambda out: groups.state(out, name).complete


def crash_and_resume(coeff_store, ds, reference, out, ready, still=None):
    """kill -9 at `ready`; `still(out)` must hold after the kill (a loaded machine may let the
    writer finish the group between the check and the kill: then try again on a fresh store)."""
    for attempt in range(3):
        store = out.with_name(f"{out.stem}{attempt}.zarr")
        proc = fastmonet(*solve_args(coeff_store, store))
        killed = kill_when(proc, store, ready)
        assert killed, "the run finished before the kill point: " + proc.stderr.read()
        if still is None or still(store):
            break
    else:
        pytest.fail("the kill never landed at the kill point")
    notes, reused = [], []
    api.solve_many([scenarios.make(p) for p in THREE], out=store, coefficients=ds,
                   on_message=notes.append, on_result=lambda r, s: reused.append(s))
    assert_store_equals_reference(store, reference)
    return notes, reused


def test_kill_9_mid_write_then_resume(coeff_store, small_coeffs, reference, tmp_path):
    out = tmp_path / "r.zarr"
    notes, reused = crash_and_resume(coeff_store, small_coeffs, reference, out, mid_write(NAMES[1]),
                                     still=mid_write(NAMES[1]))
    assert reused[0] is True and reused[1] is False
    assert any(NAMES[1] in n and "incomplete" in n for n in notes)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["first mid-write", "first complete", "last mid-write"])
def test_kill_9_at_several_points_then_resume(coeff_store, small_coeffs, reference, tmp_path, point):
    ready = {"first mid-write": mid_write(NAMES[0]), "first complete": after_complete(NAMES[0]),
             "last mid-write": mid_write(NAMES[2])}[point]
    crash_and_resume(coeff_store, small_coeffs, reference, tmp_path / "r.zarr", ready)


def test_finding_3_two_writers_0_4_s_apart(coeff_store, reference, tmp_path):
    out = tmp_path / "cc.zarr"
    first = fastmonet(*solve_args(coeff_store, out))
    time.sleep(0.4)
    second = fastmonet(*solve_args(coeff_store, out))
    (_, err1), (_, err2) = first.communicate(timeout=600), second.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "Traceback" not in err1 + err2
    # One of them solved every group, the other waited (or came after) and reused them all.
    solved = [e.count("solved in") for e in (err1, err2)]
    assert sorted(solved) == [0, len(THREE)]
    assert assert_store_equals_reference(out, reference) is None


def test_finding_3_no_wait_fails_clearly(coeff_store, tmp_path):
    import fcntl
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from fastmonet.cli.main import main
    from fastmonet.store import lock
    out = tmp_path / "busy.zarr"
    # Another writer holds the lock (flock conflicts between open files even in one process).
    with open(lock.lock_path(out), "a+") as other:
        other.write('{"pid": 4242, "host": "elsewhere", "since": "now"}')
        other.flush()
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            rc = main([str(a) for a in solve_args(coeff_store, out)] + ["--no-wait"])
    assert rc == 2 and "being written by pid 4242 on elsewhere" in err.getvalue()
    assert len(err.getvalue().splitlines()) == 1 and not (out / NAMES[0]).exists()


def test_finding_7_broken_pipe_on_summary_csv_keeps_writing(coeff_store, tmp_path):
    out = tmp_path / "p3.zarr"
    proc = fastmonet("solve", "--coefficients", coeff_store, "--scenario-file",
                     ROOT / "scenarios" / "paper_p3.toml", "--summary-csv", "--out", out)
    head = [proc.stdout.readline() for _ in range(2)]        # `| head -2`
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=600)
    assert head[0].startswith("scenario,region") and head[1].count(",") == 5
    assert proc.returncode == 141 and "broken pipe" in err and "Traceback" not in err
    names = [s.name for s in scenarios.load_scenario_file(ROOT / "scenarios" / "paper_p3.toml")]
    assert len(names) == 7 and all(groups.state(out, n).complete for n in names)
    for n in names:
        Results.from_zarr(out, n)
