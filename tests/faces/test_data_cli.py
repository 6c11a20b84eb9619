"""`fastmonet data check` and `fastmonet data summary --csv`."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

import fastmonet.cli.main as cli
from fastmonet.data import DEFAULT_PATH


@pytest.fixture(autouse=True)
def only_data_command(monkeypatch):
    # Other commands are developed in parallel; this test exercises the data command alone.
    monkeypatch.setattr(cli, "COMMANDS", ["data"])


def test_summary_csv(capsys):
    assert cli.main(["data", "summary", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["region", "field", "case", "value", "unit"]
    got = {(r["region"], r["field"], r["case"]): float(r["value"]) for r in rows}
    assert got[("BRA", "subregions", "-")] == 27
    assert got[("USA", "storage_gt", "high")] == pytest.approx(21865)
    assert got[("CHN", "target_2100_gt", "p3")] == pytest.approx(56)
    fields = {(r["field"], r["case"]) for r in rows}
    for need in [("subregions", "-"), ("lrp_mha", "-"), ("ovl_mha", "-"), ("mal_mha", "-"),
                 ("lhw_mha", "-"), ("storage_gt", "low"), ("storage_gt", "medium"),
                 ("storage_gt", "high"), ("target_2100_gt", "p3"), ("target_2100_gt", "p4")]:
        assert need in fields, need
    assert len(rows) == 5 * 10


def test_check_ok(capsys):
    assert cli.main(["data", "check", str(DEFAULT_PATH)]) == 0
    out = capsys.readouterr().out
    assert "valid, 169 subregions" in out


def test_check_bad_data_exits_2(tmp_path, capsys):
    dst = tmp_path / "data"
    shutil.copytree(DEFAULT_PATH, dst, ignore=shutil.ignore_patterns("technology", "sources",
                                                                     "scripts"))
    path = dst / "land.csv"
    # by key, not by value: the bundled land figures move whenever a source is re-read
    path.write_text(re.sub(r"^BR-AL,\d+,", "BR-AL,-1,", path.read_text(), flags=re.M))
    assert cli.main(["data", "check", str(dst)]) == 2
    err = capsys.readouterr().err
    assert "land.csv: column 'mal_ha', line 3 (subregion='BR-AL')" in err
