"""What `fastmonet run` / `fastmonet solve` say before refusing: the refusal first, naming the
store or the scenario file, before any "solving" line (issue 8's leftovers).  Synthetic
coefficient sets keep these to a second or two each."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from fastmonet import api, coefficients, scenarios, synthetic
from fastmonet.cli.main import main


def _instance(seed):
    return synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, seed=seed,
                              chain_keep=0.5, target_gt_per_subregion=1.5, nonneg_cost=False)


@pytest.fixture(scope="module")
def ds():
    return _instance(21)


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def test_run_refuses_a_store_of_other_results_before_announcing_any_solve(ds, tmp_path):
    out = tmp_path / "out"
    api.solve_many([scenarios.make("isolation")], out=out / "results.zarr", coefficients=ds)
    other = tmp_path / "other.zarr"
    coefficients.save(_instance(22), other)
    sc = tmp_path / "one.toml"
    sc.write_text('[[scenario]]\npolicy = "isolation"\n\n[[scenario]]\npolicy = "switch_2070"\n')
    rc, _, err = _cli("run", "--coefficients", other, "--scenario-file", sc, "--out", out)
    assert rc == 2                                # an InputError (StoreError)
    assert "holds results of another request" in err.splitlines()[-1]
    assert "solving" not in err and "FAILED" not in err


def test_on_start_is_called_only_for_what_is_solved_after_the_store_check(ds, tmp_path):
    out = tmp_path / "r.zarr"
    iso, sw = scenarios.make("isolation"), scenarios.make("switch_2070")
    started = []
    api.solve_many([iso], out=out, coefficients=ds, on_start=started.append)
    assert started == [iso]
    started.clear()
    api.solve_many([iso, sw], out=out, coefficients=ds, on_start=started.append)
    assert started == [sw]                       # isolation reused: not announced
    started.clear()
    from fastmonet.store.errors import StoreError
    with pytest.raises(StoreError, match="another request"):
        api.solve_many([iso, sw], out=out, coefficients=_instance(22), on_start=started.append)
    assert started == []


# ------------------------------------------------------------- a bad entry of a --scenario-file
BAD_NAME = '[[scenario]]\npolicy = "isolation"\n\n[[scenario]]\npolicy = "cooperation"\nname = "a/b"\n'


@pytest.mark.parametrize("command", ["run", "solve"])
def test_a_bad_name_in_a_scenario_file_names_the_file_and_entry_before_any_work(
        ds, tmp_path, command):
    sc = tmp_path / "mine.toml"
    sc.write_text(BAD_NAME)
    out = tmp_path / ("out" if command == "run" else "r.zarr")
    store = tmp_path / "c.zarr"
    coefficients.save(ds, store)
    rc, stdout, err = _cli(command, "--coefficients", store, "--scenario-file", sc, "--out", out)
    assert rc == 2 and stdout == ""
    assert len(err.splitlines()) == 1
    assert f"{sc}:4: scenario[1].name 'a/b'" in err      # file, line of the entry, index, key
    assert not out.exists()                                # refused before any folder was made


@pytest.mark.parametrize("text, says", [
    ("scenario = 3\n", "'scenario' must be [[scenario]] tables, got int"),
    ("scenario = true\n", "'scenario' must be [[scenario]] tables, got bool"),
    ('[[scenario]]\npolicy = "isolation"\nname = "Iso"\n\n'
     '[[scenario]]\npolicy = "cooperation"\nname = "iso"\n', "'iso': given and 'Iso'"),
    ('[[scenario]]\npolicy = "isolation"\nname = ".hidden"\n', ":1: scenario[0].name '.hidden'"),
    (b"\xff\xfe[[scenario]]\n", "not valid TOML"),
])
def test_a_malformed_scenario_file_is_one_input_error_naming_the_file(tmp_path, text, says):
    from fastmonet.errors import InputError
    sc = tmp_path / "mine.toml"
    sc.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(InputError) as err:
        scenarios.load_scenario_file(sc)
    assert str(err.value).startswith(str(sc)) and says in str(err.value)


def test_a_folder_given_as_scenario_file_is_named(tmp_path):
    from fastmonet.errors import InputError
    with pytest.raises(InputError, match="is a folder, not a scenario file"):
        scenarios.load_scenario_file(tmp_path)


def test_run_refuses_no_workers_in_one_line_before_any_work(tmp_path):
    rc, _, err = _cli("run", "--workers", "0", "--out", tmp_path / "out")
    assert rc == 2 and err.strip().splitlines()[-1].endswith("--workers: must be >= 1, got 0")
    assert not (tmp_path / "out").exists()


def test_run_on_two_workers_numbers_each_scenario_by_its_place_in_the_set(ds, tmp_path):
    store = tmp_path / "c.zarr"
    coefficients.save(ds, store)
    sc = tmp_path / "three.toml"
    sc.write_text('[[scenario]]\npolicy = "switch_2070"\n\n[[scenario]]\npolicy = "cooperation"\n'
                  '\n[[scenario]]\npolicy = "isolation"\n')
    rc, _, err = _cli("run", "--coefficients", store, "--scenario-file", sc, "--out",
                      tmp_path / "out", "--workers", "2", "--format", "md")
    assert rc == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    for k, name in ((1, "switch_2070"), (2, "cooperation"), (3, "isolation")):
        assert any(ln.startswith(f"[{k}/3] {name}-p3-medium: solving") for ln in lines), lines
        assert any(ln.startswith(f"[{k}/3] {name}-p3-medium: solved in") for ln in lines), lines
