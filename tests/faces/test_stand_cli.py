"""`fastmonet stand`: table, CSV, plot, help and errors."""

from __future__ import annotations

import csv
import io
import shutil

import numpy as np
import pytest

from fastmonet import forest_tables as ft
from fastmonet.cli.main import main
from fastmonet.stand import StandParams, simulate

HEADER = "zone,forest_type,growing_period_yr,fire_penalty,max_co2_tha,max_seq_tha,thinning_share_100yr"


def _run(capsys, *argv):
    code = main(["stand", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_header_rows_and_values(capsys):
    code, out, _ = _run(capsys, "--csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["zone"], r["forest_type"]) for r in rows] == ft.stand_rows()
    assert len(rows) == 18
    # values agree with the kernel run independently on trajectories
    p = StandParams.from_tables()
    res = simulate(p, horizon=100)
    for i, r in enumerate(rows):
        assert float(r["growing_period_yr"]) == pytest.approx(p.B[i] / p.G[i], rel=1e-9)
        assert float(r["fire_penalty"]) == pytest.approx(p.rfire[i], abs=1e-12)
        assert float(r["max_co2_tha"]) == pytest.approx(res.CO2[i].max(), rel=1e-9)
        assert float(r["max_seq_tha"]) == pytest.approx(res.CO2seq[i].max(), rel=1e-9)
        assert float(r["thinning_share_100yr"]) == pytest.approx(
            res.CO2thin[i, 100] / res.CO2[i, 100], rel=1e-9)


def test_table_output(capsys):
    code, out, _ = _run(capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3 + 18
    assert lines[0].split()[:2] == ["zone", "forest"]
    assert lines[3].split()[0] == "tropical_rainforest"
    assert lines[-1].split()[:2] == ["boreal_mountain_systems", "conifers"]


def test_plot_is_png(capsys, tmp_path):
    path = tmp_path / "fig12.png"
    code, out, err = _run(capsys, "--csv", "--plot", str(path))
    assert code == 0
    assert out.splitlines()[0] == HEADER
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    assert str(path) in err


def test_plot_into_missing_directory(capsys, tmp_path):
    code, _, err = _run(capsys, "--plot", str(tmp_path / "no" / "fig.png"))
    assert code == 2
    assert "--plot" in err and "does not exist" in err


def test_bad_table_reports_file(capsys, tmp_path):
    d = tmp_path / "forest"
    shutil.copytree(ft.DATA_DIR, d)
    f = d / "table2_growth.csv"
    f.write_text(f.read_text().replace("300,7.0", "-300,7.0"))
    code, _, err = _run(capsys, "--csv", "--data", str(d))
    assert code == 2
    assert "table2_growth.csv" in err and "biomass_stock_tdm_ha" in err and "line 2" in err


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["stand", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--csv" in out and "--plot" in out and "thinnings" in out


def test_csv_thinning_shares_are_shares(capsys):
    _, out, _ = _run(capsys, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    share = np.array([float(r["thinning_share_100yr"]) for r in rows])
    seq = np.array([float(r["max_seq_tha"]) for r in rows])
    co2 = np.array([float(r["max_co2_tha"]) for r in rows])
    assert ((share > 0) & (share < 1)).all()
    assert (seq <= co2).all()


@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".svg", b"<?xml")])
def test_plot_honours_the_extension(capsys, tmp_path, suffix, magic):
    path = tmp_path / f"fig12{suffix}"
    code, _, _ = _run(capsys, "--csv", "--plot", str(path))
    assert code == 0
    assert path.read_bytes().startswith(magic)


def test_plot_with_an_unknown_extension_fails_before_work(capsys, tmp_path):
    code, out, err = _run(capsys, "--plot", str(tmp_path / "fig.jpgx"))
    assert code == 2 and out == ""
    assert "--plot" in err and ".png, .pdf, .svg" in err


def test_data_is_the_data_folder(capsys, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(ft.DATA_DIR, d / "forest")
    f = d / "forest" / "table2_growth.csv"
    f.write_text(f.read_text().replace("300,7.0", "-300,7.0"))
    code, _, err = _run(capsys, "--csv", "--data", str(d))
    assert code == 2 and "table2_growth.csv" in err
