"""`fastmonet solve --write-model F.mps|F.lp`: the scenario's LP as a file with named columns and
rows that another solver re-solves to fastmonet's optimum (issue 19).  Small synthetic instances
keep it fast."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

from fastmonet import api, coefficients, model_file, synthetic
from fastmonet.cli.main import main


@pytest.fixture(scope="module")
def coeffs():
    return synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, seed=1)


def _resolve(path):
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    assert h.run() == highspy.HighsStatus.kOk
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h


@pytest.mark.parametrize("policy", ["isolation", "cooperation", "switch_2050"])
@pytest.mark.parametrize("ext", [".mps", ".lp"])
def test_the_written_lp_solves_to_the_same_optimum_with_named_columns(coeffs, tmp_path, policy,
                                                                      ext):
    path, sol, m = api.write_model(coeffs, policy, tmp_path / f"model{ext}")
    h = _resolve(path)
    assert h.getInfo().objective_function_value == pytest.approx(sol.cost, rel=1e-8)
    cols, rows = model_file.names(m.index, m.n_col, m.n_row)
    got = [h.getColName(j)[1] for j in range(h.getNumCol())]
    got_rows = [h.getRowName(i)[1] for i in range(m.n_row)]
    assert len(set(cols)) == len(cols) and len(set(rows)) == len(rows)
    if ext == ".mps":            # MPS keeps the order; an LP file lists columns as they appear
        assert got == cols and got_rows == rows
    else:
        assert sorted(got) == sorted(cols) and sorted(got_rows) == sorted(rows)
    assert "target(world,2100)" in rows or "target(BRA,2100)" in rows
    xa = m.index.columns["xA"]
    assert cols[xa.start] == model_file.block_names(m.index, xa)[0]
    assert cols[xa.start].startswith("xA(") and "tropical_rainforest" in cols[xa.start]
    xb = m.index.columns["xB"]
    first = cols[xb.start]
    assert first.startswith("xB(") and any(b in first for b in ("miscanthus", "switchgrass",
                                                                "willow", "poplar", "wheat"))
    # the shortfall of the first stage is the bound of the file: the same total shortfall
    s_names = set(model_file.block_names(m.index, m.index.columns["s"]))
    x = np.asarray(h.getSolution().col_value)
    short = sum(v for nm, v in zip(got, x) if nm in s_names)
    assert short == pytest.approx(sol.shortfall, rel=1e-6, abs=1e-6)
    if sol.stats["shortfall_star_mt"] > 0:
        assert h.getNumRow() == m.n_row + 1
        assert h.getRowName(h.getNumRow() - 1)[1] == model_file.CAP_ROW


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_writes_the_model_of_one_scenario(coeffs, tmp_path):
    store = tmp_path / "c.zarr"
    coefficients.save(coeffs, store)
    f = tmp_path / "iso.mps"
    code, out, err = _run(["solve", "--coefficients", str(store), "--scenario", "isolation",
                           "--write-model", str(f)])
    assert code == 0, err
    assert f"wrote {f}" in err
    _, sol, _ = api.write_model(coeffs, "isolation", tmp_path / "again.lp")
    assert _resolve(f).getInfo().objective_function_value == pytest.approx(sol.cost, rel=1e-8)


@pytest.mark.parametrize("argv, words", [
    (["--scenario", "isolation", "--write-model", "m.txt"], "--write-model m.txt: the file must end in .mps or .lp"),
    (["--scenario", "isolation,cooperation", "--write-model", "m.mps"],
     "--write-model m.mps: one scenario only"),
])
def test_cli_refuses_a_bad_model_file_before_any_work(tmp_path, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(api, "solve_many", lambda *a, **k: pytest.fail("solved"))
    code, out, err = _run(["solve", *argv])
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
