"""The `status` column of every data CSV (sourced / derived / assumed) and `fastmonet data sources`."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from fastmonet.cli.main import main
from fastmonet.data import DEFAULT_PATH, check, status
from fastmonet.errors import InputError

REPO = DEFAULT_PATH.parent


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path) -> Path:
    """A hand-countable folder: one long table, one wide table with per-field statuses."""
    _write(tmp_path / "sources" / "national_values.csv",
           "region,field,value,unit,source,status\n"
           "BRA,marginal_land_total,70,mha,CAI2011,sourced\n"
           "CHN,marginal_land_total,60,mha,CAI2011,sourced\n"
           "EU,marginal_land_total,35,mha,ASSUMPTION_X,assumed\n"
           "BRA,exchange_rate,3.654,lcu_per_usd,WB_FX,sourced\n")
    _write(tmp_path / "sources" / "subregion_facts.csv",
           "subregion,region,land_area_km2,area_source,wheat_area_kha,status_land_area_km2,"
           "status_wheat_area_kha,status\n"
           "A,BRA,10,IBGE,1,sourced,assumed,assumed\n"
           "B,BRA,20,IBGE,,derived,sourced,derived\n"
           "C,CHN,30,NBS,3,sourced,sourced,sourced\n")
    return tmp_path


def test_counts_match_a_hand_count(small, capsys):
    assert main(["data", "sources", str(small), "--csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "file,field,sourced,derived,assumed,total"
    assert out[1:] == [
        "sources/national_values.csv,marginal_land_total,2,0,1,3",
        "sources/national_values.csv,exchange_rate,1,0,0,1",
        "sources/subregion_facts.csv,land_area_km2,2,1,0,3",
        # B's wheat area is blank: not a value, not counted
        "sources/subregion_facts.csv,wheat_area_kha,1,0,1,2",
        "all,all,6,1,2,9",
    ]


def test_text_table(small, capsys):
    assert main(["data", "sources", str(small)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["file", "field", "sourced", "derived", "assumed", "total"]
    assert lines[-1].split() == ["all", "all", "6", "1", "2", "9"]


def test_missing_status_column(small):
    path = small / "sources" / "national_values.csv"
    path.write_text(path.read_text().replace(",status\n", "\n", 1).replace(",sourced\n", "\n")
                    .replace(",assumed\n", "\n"))
    with pytest.raises(InputError, match=r"national_values\.csv: missing column 'status'"):
        status.report(small)


def test_missing_status_value(small):
    path = small / "sources" / "national_values.csv"
    path.write_text(path.read_text().replace("CHN,marginal_land_total,60,mha,CAI2011,sourced",
                                             "CHN,marginal_land_total,60,mha,CAI2011,"))
    with pytest.raises(InputError, match=r"national_values\.csv: line 3 \(region='CHN', "
                                         r"field='marginal_land_total'\): column 'status': "
                                         r"missing status"):
        status.report(small)


def test_unknown_status(small):
    path = small / "sources" / "subregion_facts.csv"
    path.write_text(path.read_text().replace("C,CHN,30,NBS,3,sourced,sourced",
                                             "C,CHN,30,NBS,3,sourced,recalled"))
    with pytest.raises(InputError, match=r"subregion_facts\.csv: line 4 \(subregion='C', "
                                         r"region='CHN'\): column 'status_wheat_area_kha': "
                                         r"unknown status 'recalled'"):
        status.report(small)


def test_row_status_must_be_the_weakest(small):
    path = small / "sources" / "subregion_facts.csv"
    path.write_text(path.read_text().replace("sourced,assumed,assumed", "sourced,assumed,sourced"))
    with pytest.raises(InputError, match=r"line 2 \(subregion='A'.*'sourced' but the weakest .* "
                                         r"is 'assumed'"):
        status.report(small)


def test_loader_rejects_a_bad_status(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_PATH, data, ignore=shutil.ignore_patterns("technology", "scripts", "*.md"))
    path = data / "land.csv"
    lines = path.read_text().splitlines()
    lines[2] = re.sub(r",\w+$", ",guessed", lines[2])
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"land\.csv: line 3 \(subregion='BR-AL'\): column "
                                         r"'status': unknown status 'guessed'"):
        check(data)


def test_combine():
    assert status.combine("sourced", "sourced") == "derived"
    assert status.combine("sourced", computed=False) == "sourced"
    assert status.combine("sourced", "derived", computed=False) == "derived"
    assert status.combine("sourced", "assumed", "derived") == "assumed"


def test_bundled_statuses_are_valid_and_complete():
    rows = status.report(DEFAULT_PATH)
    files = {r[0] for r in rows}
    assert {"land.csv", "subregions.csv", "sources/subregion_facts.csv",
            "forest/table2_growth.csv"} <= files
    assert all(r[-1] == sum(r[2:5]) for r in rows)


def test_no_recalled_values_left():
    hits = [p for p in [*REPO.joinpath("data").rglob("*"), *REPO.joinpath("docs").rglob("*")]
            if p.is_file() and p.suffix in (".md", ".csv", ".toml", ".py")
            and "recalled" in p.read_text(encoding="utf-8").lower()]
    assert hits == []


def _build_module():
    spec = importlib.util.spec_from_file_location("build_tables",
                                                  DEFAULT_PATH / "scripts" / "build_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(path: Path, key: str) -> dict[str, str]:
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r["subregion"] == key)


def test_build_propagates_status(tmp_path):
    """LHW = wheat area x water share: derived when both are sourced, assumed when either is."""
    shutil.copytree(DEFAULT_PATH / "sources", tmp_path / "sources")
    shutil.copy(DEFAULT_PATH / "storage_totals.csv", tmp_path / "storage_totals.csv")
    facts = tmp_path / "sources" / "subregion_facts.csv"
    import csv

    with open(facts, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["subregion"] == "FR":  # EU wheat areas are used as they are (no national total)
            r["status_wheat_area_kha"] = r["status_water_low_risk_share"] = "sourced"
        if r["subregion"] == "DE":
            r["status_wheat_area_kha"], r["status_water_low_risk_share"] = "sourced", "assumed"
        fields = [r[h] for h in header if h.startswith("status_")]
        r["status"] = status.weakest(fields)
    with open(facts, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    _build_module().build(tmp_path)
    assert _row(tmp_path / "land.csv", "FR")["status_lhw_ha"] == "derived"
    assert _row(tmp_path / "land.csv", "DE")["status_lhw_ha"] == "assumed"
    # the Table 8 total pinned to GB is copied: sourced
    assert _row(tmp_path / "storage.csv", "GB")["status_storage_low_mtco2"] == "sourced"
    status.report(tmp_path)  # what the build writes passes the status check


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, DEFAULT_PATH / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_land_ranges_rebuild_is_byte_identical(tmp_path):
    shutil.copytree(DEFAULT_PATH / "sources", tmp_path / "sources")
    (tmp_path / "sources" / "land_ranges.csv").unlink()
    _load_script("build_land_ranges").build(tmp_path)
    assert ((tmp_path / "sources" / "land_ranges.csv").read_bytes()
            == (DEFAULT_PATH / "sources" / "land_ranges.csv").read_bytes())


def test_land_ranges_are_ordered_and_cover_every_region():
    import csv

    with open(DEFAULT_PATH / "sources" / "land_ranges.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = {"marginal_land_total", "reforestation_potential_total", "wheat_area_total",
              "wheat_grain_yield", "straw_removal_share"}
    assert {(r["region"], r["field"]) for r in rows} == {
        (reg, fld) for reg in ("BRA", "CHN", "EU", "IND", "USA") for fld in fields}
    for r in rows:
        assert float(r["low"]) <= float(r["central"]) <= float(r["high"]), r
        assert r["low_basis"] and r["high_basis"], r


def test_wheat_split_keeps_the_faostat_national_totals():
    build = _build_module()
    inp = build.Inputs(DEFAULT_PATH)
    wheat = build.harvested_wheat(inp)
    for reg in ("BRA", "CHN", "IND", "USA"):
        total = inp.national[(reg, "wheat_area_total")][0]
        got = sum(wheat[c][0] for c in inp.members(reg))
        assert got == pytest.approx(total, rel=1e-12)
        # the split of a sourced total by assumed weights stays assumed
        assert {wheat[c][1] for c in inp.members(reg)} == {"assumed"}


def test_us_state_land_area_sums_counties(tmp_path):
    header = "USPS\tGEOID\tANSICODE\tNAME\tALAND\tAWATER\n"
    path = _write(tmp_path / "gaz.txt", header + "AL\t01001\tx\tA\t1500000000\t0\n"
                  "AL\t01003\tx\tB\t500000000\t9\nDC\t11001\tx\tC\t1000000\t0\n")
    out = _load_script("us_state_land_area").state_land_km2(path.open())
    assert out == {"AL": 2000.0}
    piped = "AL|01001|x|A|2500000|0\n"
    assert _load_script("us_state_land_area").state_land_km2([piped]) == {"AL": 2.5}


def test_every_source_tag_is_documented():
    import csv

    text = (REPO / "data" / "SOURCES.md").read_text(encoding="utf-8")
    tags = set()
    for path in (DEFAULT_PATH / "sources").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for col in ("source", "area_source", "wheat_source"):
                    if row.get(col):
                        tags.add(row[col].split(":")[0])
    missing = sorted(t for t in tags if f"[{t}]" not in text and f"`{t}`" not in text)
    assert missing == []
