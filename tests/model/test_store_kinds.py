"""Issue 18, findings 1-3: stores of different kinds never destroy each other, and ensemble
stores are checked like results stores (one checksum mechanism).

Each `test_finding_N_*` fails on the code before `fastmonet.store.kinds` and the ensemble's
`integrity` group.  Results and coefficient stores are synthetic (fast); the ensembles are two
members of ISOLATION on the 15-subregion cut of tests/workflows/test_ensemble.py, made once and copied.
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

import fastmonet.ensemble as ens
from fastmonet import api, coefficients, data, scenario_dataset, scenarios, synthetic, technology, uncertainty
from fastmonet.dimensions import REGIONS
from fastmonet.ensemble import store as ens_store
from fastmonet.errors import InputError
from fastmonet.results import Results
from fastmonet.store import kinds
from fastmonet.store.errors import StoreError

RANGES = Path(__file__).parents[1] / "data" / "ensemble_ranges.toml"


def cli(*argv) -> tuple[int, str, str]:
    from fastmonet.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def files(folder: Path) -> dict[str, bytes]:
    """Every file of a store with its bytes: what "unchanged" means."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def stores(small_coeffs, tmp_path_factory):
    """One store of each kind: results (solve), run (solve + the combined root), coefficients."""
    base = tmp_path_factory.mktemp("kinds")
    res = api.solve_many([scenarios.make("isolation")], out=base / "results.zarr", coefficients=small_coeffs)
    run = base / "run" / "results.zarr"
    api.solve_many([scenarios.make("isolation")], out=run, coefficients=small_coeffs)
    scenario_dataset.write(scenario_dataset.combine(res).load(), run)
    coefficients.save(small_coeffs, base / "coeffs.zarr")
    one = base / "one.toml"
    one.write_text('[[scenario]]\npolicy = "isolation"\n')
    return {"results": base / "results.zarr", "run": run, "coefficients": base / "coeffs.zarr",
            "scenario_file": one}


@pytest.fixture(scope="module")
def small():
    inputs = data.load()
    reg = inputs["subregion_region"].values
    idx = np.concatenate([np.flatnonzero(reg == r)[:3] for r in REGIONS])
    tech = technology.load()
    return inputs.isel(subregion=idx), tech, uncertainty.load(RANGES, tech=tech)


def run_ensemble(out, small, **kw):
    inputs, tech, ranges = small
    args = dict(n=2, scenarios=["isolation"], out=out, ranges=ranges, sampler="lhs", seed=5,
                inputs=inputs, tech=tech, workers=0, block=2, progress=False)
    return ens.run(**{**args, **kw})


@pytest.fixture(scope="module")
def ensemble(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("ens") / "ens.zarr"
    s = run_ensemble(out, small)
    assert s.done == {"isolation": 2}
    return out


def assert_same_ensemble(a: Path, b: Path) -> None:
    xr.testing.assert_identical(ens.open(a).load(), ens.open(b).load())
    ca, cb = (ens.open(p, group="coefficients").load() for p in (a, b))
    for name in ens_store.COEF_CHECKED:
        np.testing.assert_array_equal(ca[name].values, cb[name].values, err_msg=name)


# ------------------------------------------------------------------- every store knows its kind
def test_every_store_records_its_kind_and_layout(stores, ensemble):
    want = {"results": "results", "run": "run", "coefficients": "coefficients"}
    for key, kind in want.items():
        got = kinds.kind_of(stores[key])
        assert (got.name, got.recorded, got.layout) == (kind, True, kinds.LAYOUTS[kind])
    got = kinds.kind_of(ensemble)
    assert (got.name, got.recorded, got.layout) == ("ensemble", True, kinds.LAYOUTS["ensemble"])
    # What readers give back does not carry the store's own attributes.
    assert kinds.KIND_ATTR not in coefficients.open_store(stores["coefficients"]).attrs


def test_stores_written_before_kinds_are_inferred_from_their_content(stores, ensemble, tmp_path):
    for key, kind in (("results", "results"), ("run", "run"), ("coefficients", "coefficients")):
        old = copy(stores[key], tmp_path / key)
        attrs = zarr.open_group(str(old), mode="a").attrs
        del attrs[kinds.KIND_ATTR], attrs[kinds.LAYOUT_ATTR]
        got = kinds.kind_of(old)
        assert (got.name, got.recorded) == (kind, False), key
    Results.from_zarr(tmp_path / "results", "isolation-p3-medium")
    coefficients.open_store(tmp_path / "coefficients")
    old = copy(ensemble, tmp_path / "ens.zarr")
    attrs = zarr.open_group(str(old), mode="a").attrs
    del attrs[kinds.KIND_ATTR], attrs[kinds.LAYOUT_ATTR]
    assert kinds.kind_of(old).name == "ensemble"
    xr.testing.assert_equal(ens.open(old)[["cnc"]].load(), ens.open(ensemble)[["cnc"]].load())
    # A store of a newer layout is refused, not misread.
    attrs = zarr.open_group(str(tmp_path / "results"), mode="a").attrs
    attrs.update({kinds.KIND_ATTR: "results", kinds.LAYOUT_ATTR: 99})
    with pytest.raises(StoreError, match="newer fastmonet"):
        Results.from_zarr(tmp_path / "results", "isolation-p3-medium")


# ------------------------------------- finding 1: `run --out DIR` replaced DIR/results.zarr
@pytest.mark.parametrize("kind", ["ensemble", "coefficients"])
def test_finding_1_run_refuses_a_store_of_another_kind_before_any_work(stores, ensemble, tmp_path,
                                                                       kind):
    folder = tmp_path / "out"
    folder.mkdir()
    target = copy(ensemble if kind == "ensemble" else stores["coefficients"],
                  folder / "results.zarr")
    before = files(target)
    rc, out, err = cli("run", "--coefficients", stores["coefficients"], "--scenario-file",
                       stores["scenario_file"], "--out", folder)
    assert rc == 2, err
    line = err.strip()
    assert len(line.splitlines()) == 1 and str(target) in line
    assert f"is {kinds.DESCRIPTIONS[kind]}" in line and "run's results store" in line
    assert "solving" not in err and not (folder / "summary.csv").exists()
    assert files(target) == before


def test_finding_1_every_writer_and_reader_refuses_another_kind(small_coeffs, stores, ensemble, tmp_path):
    ens_copy = copy(ensemble, tmp_path / "e.zarr")
    before = files(ens_copy)
    iso = scenarios.make("isolation")
    res = Results.from_zarr(stores["results"], "isolation-p3-medium")
    for attempt in (lambda: api.solve_many([iso], out=ens_copy, coefficients=small_coeffs),
                    lambda: res.to_zarr(ens_copy, "coefficients"),
                    lambda: coefficients.save(small_coeffs, ens_copy),
                    lambda: coefficients.open_store(ens_copy),
                    lambda: Results.from_zarr(ens_copy, "coefficients"),
                    lambda: scenario_dataset.write(scenario_dataset.combine([res]), ens_copy)):
        with pytest.raises(StoreError, match="is an ensemble store"):
            attempt()
    assert files(ens_copy) == before
    for key in ("results", "run", "coefficients"):
        other = copy(stores[key], tmp_path / f"{key}.zarr")
        with pytest.raises(InputError, match=f"is {kinds.DESCRIPTIONS[key][:12]}.*not an ensemble"):
            ens.open(other)
        with pytest.raises(InputError, match="not an ensemble"):
            ens.run(n=1, scenarios=["isolation"], out=other, workers=0, progress=False)
    rc, _, err = cli("ensemble", "report", tmp_path / "results.zarr")
    assert rc == 2 and "is a results store" in err and "remove the store" not in err
    rc, _, err = cli("solve", "--coefficients", stores["coefficients"], "--out",
                     tmp_path / "coefficients.zarr", "--scenario", "isolation")
    assert rc == 2 and "is a coefficient store" in err


# -------------------------------- finding 2: `solve --name X` deleted whatever was called X
def test_finding_2_a_name_taken_by_a_stores_own_array_is_refused_before_solving(small_coeffs, stores,
                                                                               tmp_path):
    run = copy(stores["run"], tmp_path / "run.zarr")
    before = files(run)
    taken = scenarios.make("isolation", name="cum_removal")
    calls = []
    with pytest.raises(StoreError, match="'cum_removal'.*another name"):
        api.solve_many([taken], out=run, coefficients=small_coeffs, on_start=calls.append)
    assert calls == [] and files(run) == before
    rc, _, err = cli("solve", "--coefficients", stores["coefficients"], "--name", "cum_removal",
                     "--out", run, "--scenario", "isolation")
    assert rc == 2 and "cum_removal" in err and len(err.strip().splitlines()) == 1
    assert files(run) == before
    res = Results.from_zarr(run, "isolation-p3-medium")
    with pytest.raises(StoreError, match="cum_removal"):
        res.to_zarr(run, "cum_removal")
    assert files(run) == before
    from fastmonet.store import groups
    with pytest.raises(StoreError, match="refusing to delete"):
        groups.remove(run, "cum_removal")
    assert float(xr.open_zarr(run)["cum_removal"].sum()) > 0


def test_finding_2_a_run_scenario_named_like_a_combined_array_is_refused_before_solving(
        stores, tmp_path):
    f = tmp_path / "named.toml"
    f.write_text('[[scenario]]\npolicy = "isolation"\nname = "cum_removal"\n')
    rc, out, err = cli("run", "--coefficients", stores["coefficients"], "--scenario-file", f,
                       "--out", tmp_path / "out")
    assert rc == 2, err
    assert "'cum_removal' is reserved" in err and "solving" not in err
    assert not (tmp_path / "out" / "results.zarr" / "cum_removal").exists()
    f.write_text('[[scenario]]\npolicy = "isolation"\nname = "zarr.json"\n')
    with pytest.raises(StoreError, match="reserved"):
        api.solve_many(scenarios.load_scenario_file(f), out=tmp_path / "z.zarr",
                       coefficients=synthetic.instance(n_subregions=2, n_regions=1, n_ecozones=1))


def test_root_names_list_every_name_of_the_combined_view(small_coeffs):
    """`check_names` reserves ROOT_NAMES for run stores: combine must give no other name."""
    from fastmonet.blocs import Structure
    coop = api.solve_coefficients(small_coeffs, "cooperation")
    regions = [str(r) for r in np.unique(small_coeffs["subregion_region"].values)]
    blocs = scenarios.make("blocs", blocs=Structure.parse([regions], regions=regions))
    combined = scenario_dataset.combine([coop, api.solve_coefficients(small_coeffs, blocs)])
    assert set(map(str, combined.variables)) <= set(scenario_dataset.ROOT_NAMES)


# ------------------------------------------------- finding 3: ensemble stores carry checksums
def _result_chunk(store: Path, var: str, member: int) -> Path:
    chunks = [p for p in (store / var / "c" / str(member)).rglob("*") if p.is_file()]
    return chunks[0]


def test_finding_3_a_deleted_result_chunk_is_found_by_open_report_info_and_solved_again(
        ensemble, small, tmp_path):
    out = copy(ensemble, tmp_path / "d.zarr")
    _result_chunk(out, "cum_removal", 1).unlink()        # reads back as NaN without a word
    with pytest.raises(InputError, match=r"variable 'cum_removal' of member 1 does not match its "
                                         r"checksum"):
        ens.open(out)
    rc, _, err = cli("ensemble", "report", out, "--out", tmp_path / "rep")
    assert rc == 2 and "member 1" in err and len(err.strip().splitlines()) == 1
    rc, text, _ = cli("info", out)
    assert rc == 1 and "damaged" in text and "member 1" in text
    again = run_ensemble(out, small)
    assert again.skipped == 1 and "damaged result chunk" in again.note
    assert_same_ensemble(out, ensemble)


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_finding_3_damaged_coefficients_are_found_and_computed_again(ensemble, small, tmp_path,
                                                                      damage):
    out = copy(ensemble, tmp_path / "c.zarr")
    chunk = [p for p in (out / "coefficients" / "ar_removal" / "c").rglob("*") if p.is_file()][0]
    if damage == "delete":
        chunk.unlink()
    else:
        chunk.write_bytes(b"not zstd")
    with pytest.raises(InputError, match=r"variable 'ar_removal' of member 0"):
        ens.open(out, group="coefficients")
    again = run_ensemble(out, small)
    assert again.skipped == 2 and "damaged coefficients" in again.note
    assert_same_ensemble(out, ensemble)


def test_finding_3_a_pending_member_with_damaged_coefficients_is_solved_not_failed(ensemble,
                                                                                  small, tmp_path):
    out = copy(ensemble, tmp_path / "p.zarr")
    ens_store.mark_pending(out, [1])                     # as if killed before member 1 ran
    chunk = [p for p in (out / "coefficients" / "dac_cost" / "c").rglob("*") if p.is_file()][0]
    chunk.write_bytes(b"garbage")
    again = run_ensemble(out, small)
    assert again.done == {"isolation": 2} and again.failed == {"isolation": 0}
    assert_same_ensemble(out, ensemble)


def test_finding_3_info_reads_an_ensemble(ensemble):
    rc, text, err = cli("info", ensemble)
    assert rc == 0, err
    assert "ensemble" in text and "isolation: 2 done, 0 failed, 0 pending" in text
    assert "results: complete, every member's checksums verified" in text
    rc, text, _ = cli("info", ensemble, "--json")
    info = json.loads(text)
    assert info["kind"] == "ensemble" and info["groups"]["coefficients"]["status"] == "verified"


def test_a_garbage_root_metadata_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.zarr"
    bad.mkdir()
    (bad / "zarr.json").write_text("{not json")
    for argv in (("info", bad), ("ensemble", "report", bad)):
        rc, _, err = cli(*argv)
        assert rc == 2 and "zarr.json" in err and len(err.strip().splitlines()) == 1, argv
