"""A write that fails inside zarr (a full disk: `OSError(ENOSPC)` raised by `file.write`, which
names no file) gives one line naming the store and the group (issue 8's leftover).

The fault is injected where a real disk would raise it: zarr's local-store `_put`, the function
that writes one chunk or metadata file.  Synthetic coefficient sets keep each test about a
second."""

from __future__ import annotations

import errno
import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
import zarr.storage._local as zarr_local

from fastmonet import api, coefficients, scenarios
from fastmonet.cli.main import main
from fastmonet.results import is_complete

ISO = "isolation-p3-medium"


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _fail_writes(monkeypatch, where: str, err: int = errno.ENOSPC):
    """zarr's file writes under a path containing `where` fail as a full disk does: from
    `file.write`, so the OSError carries no file name."""
    real = zarr_local._put

    def put(path, value, *args, **kwargs):      # zarr's signature varies by version
        if where in str(path):
            raise OSError(err, "No space left on device" if err == errno.ENOSPC else
                          "Permission denied")
        return real(path, value, *args, **kwargs)
    monkeypatch.setattr(zarr_local, "_put", put)


def test_disk_full_in_a_results_group_names_store_and_group(small_coeffs, tmp_path, monkeypatch):
    store = tmp_path / "c.zarr"
    coefficients.save(small_coeffs, store)
    out = tmp_path / "r.zarr"
    _fail_writes(monkeypatch, f"{ISO}/metrics")
    rc, _, err = _cli("solve", "--coefficients", store, "--scenario", "isolation", "--out", out)
    assert rc == 1 and len(err.splitlines()) == 1
    assert "No space left on device" in err
    assert f"store {out}, group '{ISO}'" in err
    assert not is_complete(out, ISO)


def test_the_api_keeps_the_errno_and_the_oserror_kind(small_coeffs, tmp_path, monkeypatch):
    out = tmp_path / "r.zarr"
    _fail_writes(monkeypatch, f"{ISO}/solution", errno.EACCES)
    with pytest.raises(PermissionError) as exc:
        api.solve_many([scenarios.make("isolation")], out=out, coefficients=small_coeffs)
    assert exc.value.errno == errno.EACCES
    assert f"writing store {out}, group '{ISO}'" in str(exc.value)


def test_disk_full_in_a_coefficient_store_names_it(small_coeffs, tmp_path, monkeypatch):
    store = tmp_path / "c.zarr"
    _fail_writes(monkeypatch, "c.zarr/")
    with pytest.raises(OSError, match=rf"No space left on device: writing store {store}$"):
        coefficients.save(small_coeffs, store)


def test_disk_full_writing_run_combined_arrays_names_the_store(small_coeffs, tmp_path, monkeypatch):
    store = tmp_path / "c.zarr"
    coefficients.save(small_coeffs, store)
    sc = tmp_path / "one.toml"
    sc.write_text('[[scenario]]\npolicy = "isolation"\n')
    out = tmp_path / "out"
    # The combined arrays sit at the store's root, beside (not inside) the scenario groups.
    _fail_writes(monkeypatch, "results.zarr/cum_removal")
    rc, _, err = _cli("run", "--coefficients", store, "--scenario-file", sc, "--out", out, "-q")
    assert rc == 1 and len(err.splitlines()) == 1
    assert f"No space left on device: writing store {out / 'results.zarr'}" in err
    assert is_complete(out / "results.zarr", ISO)     # the scenario itself was written


def test_a_failed_csv_write_names_the_file(tmp_path):
    from fastmonet.cli.run import _csv_file
    target = tmp_path / "summary.csv"
    with pytest.raises(OSError, match=rf"No space left on device: writing {target}$"):
        with _csv_file(target) as fh:
            fh.write("scenario\n")
            raise OSError(errno.ENOSPC, "No space left on device")
