"""Issue 8, store side: content-keyed resume, guarded stores, names, clean failures.

Each `test_finding_N_*` reproduces a failure found when fastmonet was tried as a new user would
(issue 8) and fails on the code before the guarded store.  Small synthetic coefficient sets keep
them fast; bundled-data solves are in `test_store_slow.py`.
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr

from fastmonet import api, coefficients, scenarios, synthetic
from fastmonet.errors import InputError
from fastmonet.results import Results, is_complete
from fastmonet.store import groups
from fastmonet.store.errors import StoreError

ISO = "isolation-p3-medium"


@pytest.fixture(scope="module")
def solved(small_coeffs, tmp_path_factory):
    """A store with ISOLATION and SWITCH_2070 solved once; tests copy it."""
    out = tmp_path_factory.mktemp("solved") / "r.zarr"
    api.solve_many([scenarios.make("isolation"), scenarios.make("switch_2070")], out=out,
                   coefficients=small_coeffs)
    return out


def copy_store(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def cli(*argv) -> tuple[int, str, str]:
    from fastmonet.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def chunk_files(store: Path, array: str) -> list[Path]:
    return sorted(p for p in (store / array / "c").rglob("*") if p.is_file())


# ------------------------------------------------------------------------ finding 1: stale results
def test_finding_1_rerun_with_other_scenario_definition_stops_before_solving(small_coeffs, solved,
                                                                            tmp_path):
    out = copy_store(solved, tmp_path)
    before = Results.from_zarr(out, ISO)
    # The same group name, now asking for P4 targets and high storage.
    other = scenarios.make("isolation", targets="p4", storage="high", name=ISO)
    seen = []
    with pytest.raises(StoreError) as err:
        api.solve_many([scenarios.make("cooperation"), other], out=out, coefficients=small_coeffs,
                       on_result=lambda r, s: seen.append(r.scenario.name))
    msg = str(err.value)
    assert ISO in msg and "targets 'p3' -> 'p4'" in msg and "storage" in msg
    assert "--overwrite" in msg and "\n" not in msg
    assert seen == [] and not (out / "cooperation-p3-medium").exists()   # nothing solved
    xr.testing.assert_identical(Results.from_zarr(out, ISO).metrics, before.metrics)


def test_finding_1_rerun_with_other_inputs_stops_and_overwrite_replaces(small_coeffs, solved, tmp_path):
    out = copy_store(solved, tmp_path)
    cheap = small_coeffs.assign(dac_cost=small_coeffs.dac_cost * 0.01)       # the "DAC CAPEX cut 100x" inputs
    with pytest.raises(StoreError, match="inputs differ"):
        api.solve_many([scenarios.make("isolation")], out=out, coefficients=cheap)
    seen, notes = [], []
    res = api.solve_many([scenarios.make("isolation")], out=out, coefficients=cheap,
                         overwrite=True, on_result=lambda r, s: seen.append(s),
                         on_message=notes.append)
    assert seen == [False] and any("replacing" in n for n in notes)
    back = Results.from_zarr(out, ISO)
    assert back.provenance["input_key"] == res[0].provenance["input_key"]
    xr.testing.assert_identical(back.metrics, res[0].metrics)
    # The unchanged request is reused, not solved again.
    seen.clear()
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=cheap,
                   on_result=lambda r, s: seen.append(s))
    assert seen == [True]


def test_finding_1_cli_names_group_and_difference(small_coeffs, tmp_path):
    store_a, store_b = tmp_path / "a.zarr", tmp_path / "b.zarr"
    coefficients.save(small_coeffs, store_a)
    coefficients.save(small_coeffs.assign(dac_cost=small_coeffs.dac_cost * 0.01), store_b)
    out = tmp_path / "s.zarr"
    rc, _, err = cli("solve", "--coefficients", store_a, "--scenario", "isolation", "--name", "m",
                     "--out", out)
    assert rc == 0, err
    rc, _, err = cli("solve", "--coefficients", store_b, "--scenario", "isolation", "--name", "m",
                     "--out", out)
    assert rc == 2 and "'m'" in err and "inputs differ" in err and len(err.splitlines()) == 1
    rc, _, err = cli("solve", "--coefficients", store_b, "--scenario", "isolation", "--name", "m",
                     "--out", out, "--overwrite")
    assert rc == 0 and "replacing" in err


def test_provenance_recorded_on_results_and_coefficient_stores(small_coeffs, solved, tmp_path):
    import fastmonet
    prov = Results.from_zarr(solved, ISO).provenance
    for key in ("fastmonet_version", "highs_version", "platform", "input_key", "scenario_key",
                "highs_options", "started", "finished", "written"):
        assert prov.get(key), key
    assert prov["fastmonet_version"] == fastmonet.__version__
    store = tmp_path / "c.zarr"
    from fastmonet.store.provenance import input_files_attr
    coefficients.save(small_coeffs.assign_attrs(input_files=input_files_attr({"x.csv": "sha256:1"})), store)
    st = groups.state(store, "")
    assert st.complete and st.attrs["provenance"]["input_files"] == {"x.csv": "sha256:1"}
    assert coefficients.open_store(store).attrs["input_files"]   # passed on to results


def test_units_and_long_name_on_every_result_variable(solved):
    res = Results.from_zarr(solved, ISO)
    for part in (res.solution, res.metrics):
        for name, var in part.variables.items():
            assert "units" in var.attrs and "long_name" in var.attrs, name


# ---------------------------------------------------------------------- finding 3: two writers
def test_finding_3_second_writer_waits_then_reuses(small_coeffs, tmp_path):
    import threading
    import time

    from fastmonet.store import lock
    out = tmp_path / "cc.zarr"
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=small_coeffs)
    notes, seen = [], []
    holder_done = threading.Event()

    def hold():
        # flock conflicts between two open files even in one process: a thread stands in for
        # the first writer once the process-local re-entrancy is bypassed.
        fh = open(lock.lock_path(out), "a+")
        import fcntl
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        holder_done.wait(30)
        fh.close()

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.2)
    threading.Timer(0.5, holder_done.set).start()
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=small_coeffs,
                   on_message=notes.append, on_result=lambda r, s: seen.append(s))
    t.join()
    assert any("waiting" in n for n in notes) and seen == [True]


# ------------------------------------------------------------------- finding 4: damaged stores
def test_finding_4_deleted_metrics_chunk_is_an_error_then_recomputed(small_coeffs, solved, tmp_path):
    out = copy_store(solved, tmp_path)
    for f in chunk_files(out / ISO / "metrics", "cum_removal"):
        f.unlink()
    with pytest.raises(StoreError) as err:
        Results.from_zarr(out, ISO)
    assert str(out) in str(err.value) and ISO in str(err.value) and "cum_removal" in str(err.value)
    rc, _, e = cli("info", out)
    assert rc == 1
    notes, seen = [], []
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=small_coeffs,
                   on_message=notes.append, on_result=lambda r, s: seen.append(s))
    assert seen == [False] and any("cum_removal" in n and "solving it again" in n for n in notes)
    good = Results.from_zarr(solved, ISO)
    xr.testing.assert_allclose(Results.from_zarr(out, ISO).metrics, good.metrics)


def test_finding_4_garbage_chunk_names_group_and_variable(solved, tmp_path):
    out = copy_store(solved, tmp_path)
    chunk = chunk_files(out / ISO / "solution", "beccs_rate")[0]
    chunk.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(StoreError) as err:
        Results.from_zarr(out, ISO)
    assert "beccs_rate" in str(err.value) and ISO in str(err.value)
    rc, _, e = cli("solve", "--coefficients", "nowhere.zarr", "--out", out)   # fails on input
    assert rc == 2 and "Traceback" not in e


def test_finding_4_missing_group_attribute_is_damage(small_coeffs, solved, tmp_path):
    out = copy_store(solved, tmp_path)
    g = zarr.open_group(str(out), mode="a", path=ISO)
    del g.attrs["checksums"]
    with pytest.raises(StoreError, match="checksums"):
        Results.from_zarr(out, ISO)
    notes = []
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=small_coeffs,
                   on_message=notes.append)
    assert any("checksums" in n and "solving it again" in n for n in notes)
    assert "checksums" in zarr.open_group(str(out), mode="r", path=ISO).attrs


def test_finding_4_deleted_chain_plant_chunk_in_coefficient_store(small_coeffs, tmp_path):
    store = tmp_path / "c.zarr"
    coefficients.save(small_coeffs, store)
    xr.testing.assert_identical(coefficients.open_store(store)["chain_plant"], small_coeffs["chain_plant"])
    assert np.any(small_coeffs["chain_plant"].values != 0)
    for f in chunk_files(store, "chain_plant"):
        f.unlink()
    # zarr alone reads the missing chunk back as index 0, silently.
    raw = xr.open_zarr(store, consolidated=False)["chain_plant"].values
    assert np.all(raw == 0)
    with pytest.raises(StoreError) as err:
        coefficients.open_store(store)
    assert "chain_plant" in str(err.value) and str(store) in str(err.value)
    rc, _, e = cli("solve", "--coefficients", store, "--scenario", "cooperation")
    assert rc == 2 and "chain_plant" in e and len(e.splitlines()) == 1


def test_unguarded_coefficient_store_is_refused(small_coeffs, tmp_path):
    store = tmp_path / "raw.zarr"
    from fastmonet.results import _zarr_ready
    _zarr_ready(small_coeffs).to_zarr(store, mode="w", consolidated=False)
    with pytest.raises(StoreError, match="rebuild it"):
        coefficients.open_store(store)


# ------------------------------------------------------------------------ finding 5: group names
def test_finding_5_slash_in_a_name_is_refused_before_any_work(small_coeffs, solved, tmp_path):
    out = copy_store(solved, tmp_path)
    nested = scenarios.make("isolation", name="a/b")
    with pytest.raises(InputError, match="'a/b'"):
        api.solve_many([nested], out=out, coefficients=small_coeffs)
    with pytest.raises(InputError, match="twice"):
        api.solve_many([scenarios.make("isolation", name="a"), scenarios.make("cooperation",
                        name="a")], out=out, coefficients=small_coeffs)
    with pytest.raises(InputError, match="ignoring case"):
        api.solve_many([scenarios.make("isolation", name="A"), scenarios.make("cooperation",
                        name="a")], coefficients=small_coeffs)
    f = tmp_path / "s.toml"
    f.write_text('[[scenario]]\npolicy = "isolation"\nname = "a/b"\n')
    rc, _, err = cli("solve", "--scenario-file", f, "--coefficients", tmp_path / "no.zarr",
                     "--out", out)
    assert rc == 2 and "a/b" in err and "letters, digits" in err
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in solved.iterdir())


# ------------------------------------------------------------------- finding 7: clean failures
def test_finding_7_output_paths_checked_before_any_work(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    missing = tmp_path / "no-such-coefficients.zarr"   # would fail later, if reached
    rc, _, err = cli("solve", "--coefficients", missing, "--out", a_file)
    assert rc == 2 and "--out" in err and "not a folder" in err
    rc, _, err = cli("solve", "--coefficients", missing, "--netcdf", a_file)
    assert rc == 2 and "--netcdf" in err
    rc, _, err = cli("solve", "--coefficients", missing, "--scenario-file", tmp_path)
    assert rc == 2 and "--scenario-file" in err and "folder" in err
    ro = read_only_place(tmp_path)
    for option in ("--out", "--netcdf"):
        rc, _, err = cli("solve", "--coefficients", missing, option, ro / "x")
        assert rc == 2 and option in err and "cannot write" in err, err
    assert all(len(e.splitlines()) == 1 for e in [err])


def read_only_place(tmp_path: Path) -> Path:
    """A folder this process cannot write into (root ignores permission bits: use /sys)."""
    import os
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        return ro
    assert Path("/sys").is_dir()
    return Path("/sys")


def test_finding_7_disk_full_is_one_line_and_leaves_no_complete_group(small_coeffs, tmp_path,
                                                                      monkeypatch):
    import errno
    store = tmp_path / "c.zarr"
    coefficients.save(small_coeffs, store)
    out = tmp_path / "r.zarr"
    real = xr.Dataset.to_zarr

    def full(self, *a, **k):
        if "metrics" in str(k.get("group", "")):
            raise OSError(errno.ENOSPC, "No space left on device", str(out))
        return real(self, *a, **k)

    monkeypatch.setattr(xr.Dataset, "to_zarr", full)
    rc, _, err = cli("solve", "--coefficients", store, "--scenario", "isolation", "--out", out)
    assert rc == 1 and "No space left on device" in err and len(err.splitlines()) == 1
    assert not is_complete(out, ISO)


def test_finding_7_api_wrong_argument_types_raise_input_error(small_coeffs):
    import fastmonet
    for kwargs in ({"scenario": 3}, {"targets": 4}, {"out": 5}, {"coefficients": 42},
                   {"rates": "fast"}, {"overwrite": "yes"}):
        with pytest.raises(InputError, match=next(iter(kwargs))):
            fastmonet.solve(**kwargs)
    with pytest.raises(InputError):
        api.solve_many("cooperation", coefficients=small_coeffs)
    with pytest.raises(InputError):
        api.solve_many([scenarios.make("isolation")], coefficients="c.zarr")
    with pytest.raises(InputError):
        api.solve_coefficients([1, 2], "cooperation")


# ---------------------------------------------------------------------- 5 (what to build): reuse
def test_reused_group_is_reverified_from_checksums(small_coeffs, solved, tmp_path, monkeypatch):
    out = copy_store(solved, tmp_path)
    calls = []
    real = groups.read
    monkeypatch.setattr(groups, "read", lambda p, g: calls.append(g) or real(p, g))
    seen = []
    api.solve_many([scenarios.make("isolation"), scenarios.make("switch_2070")], out=out,
                   coefficients=small_coeffs, on_result=lambda r, s: seen.append(s))
    assert seen == [True, True] and calls == [ISO, "switch_2070-p3-medium"]


def test_info_prints_groups_status_and_provenance(solved):
    rc, out, err = cli("info", solved, "--files")
    assert rc == 0, err
    assert ISO in out and "checksums verified" in out and "fastmonet" in out and "HiGHS" in out
    rc, out, _ = cli("info", solved, "--json")
    info = json.loads(out)
    assert info["kind"] == "results" and info["groups"][ISO]["status"] == "verified"


def test_info_skips_root_arrays_and_reports_damage(solved, tmp_path):
    out = copy_store(solved, tmp_path)
    xr.Dataset({"combined": ("scenario", [1.0, 2.0])}).to_zarr(out, mode="a", consolidated=False)
    g = zarr.open_group(str(out), mode="a", path="switch_2070-p3-medium")
    del g.attrs["complete"]
    rc, text, _ = cli("info", out)
    assert rc == 1 and "combined" not in text and "scenario:" not in text
    assert "switch_2070-p3-medium: incomplete" in text and f"{ISO}: complete" in text


def test_coefficients_changed_in_memory_are_other_inputs(small_coeffs, tmp_path):
    """Same recorded input files, other values (edited after the build): not the same inputs."""
    from fastmonet.store.provenance import input_files_attr
    built = small_coeffs.assign_attrs(input_files=input_files_attr({"land.csv": "sha256:1"}))
    out = tmp_path / "r.zarr"
    api.solve_many([scenarios.make("isolation")], out=out, coefficients=built)
    edited = built.copy()
    edited["dac_cost"] = built["dac_cost"] * 0.01
    with pytest.raises(StoreError, match="same files, other coefficient values"):
        api.solve_many([scenarios.make("isolation")], out=out, coefficients=edited)


def test_finding_7_interrupt_and_os_errors_are_one_line(monkeypatch, tmp_path):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "solve_many", interrupted)
    store = tmp_path / "c.zarr"
    coefficients.save(synthetic.instance(n_subregions=2, n_regions=1, n_ecozones=1, seed=3),
                      store)
    rc, _, err = cli("solve", "--coefficients", store, "--scenario", "isolation")
    assert rc == 130 and err == "fastmonet solve: interrupted\n"

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr(api, "solve_many", denied)
    rc, _, err = cli("solve", "--coefficients", store, "--scenario", "isolation")
    assert rc == 1 and err == "fastmonet solve: error: Permission denied: /some/file\n"


def test_coefficient_save_never_replaces_a_results_store(small_coeffs, solved, tmp_path):
    out = copy_store(solved, tmp_path)
    with pytest.raises(InputError, match="refusing to replace"):
        coefficients.save(small_coeffs, out)
    Results.from_zarr(out, ISO)                     # untouched
    store = tmp_path / "c.zarr"
    coefficients.save(small_coeffs, store)
    coefficients.save(small_coeffs.assign(dac_cost=small_coeffs.dac_cost * 2), store)   # a coefficient store: replaced
    np.testing.assert_allclose(coefficients.open_store(store).dac_cost, small_coeffs.dac_cost * 2)
