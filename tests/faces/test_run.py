"""`fastmonet run` end to end on a reduced set (ISOLATION + SWITCH_2090 on the bundled data).

One run (about 15 s of CPU) writes the output folder; the tests check that the folder holds the
store, the CSVs and the report, that the report's figures are real PNGs, that summary.csv,
timeseries.csv and the terminal table carry the numbers of results.zarr, and that a scenario that
cannot be solved is named after the others are written.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import xarray as xr

from fastmonet.cli.main import main

SCENARIOS = ("isolation-p3-medium", "switch_2090-p3-medium")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "two.toml"
    path.write_text('[[scenario]]\npolicy = "isolation"\n\n[[scenario]]\npolicy = "switch_2090"\n')
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory, scenario_file):
    out = tmp_path_factory.mktemp("run") / "results"
    code, stdout, stderr = _run(["run", "--scenario-file", str(scenario_file), "--out", str(out)])
    assert code == 0, stderr
    return out, stdout, stderr


def _csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_folder_holds_the_store_the_tables_and_the_report(run):
    out, stdout, stderr = run
    for name in ("results.zarr", "summary.csv", "timeseries.csv", "solver.csv", "iamc.csv",
                 "report.html"):
        assert (out / name).exists(), name
        assert f"wrote {out / name}" in stdout
    assert "xr.open_zarr(" in stdout
    assert "[1/2] isolation-p3-medium" in stderr and "[2/2] switch_2090-p3-medium" in stderr


def test_the_store_opens_with_xarray_alone_on_a_scenario_dimension(run):
    out, _, _ = run
    ds = xr.open_zarr(out / "results.zarr")
    assert list(ds["scenario"].values) == list(SCENARIOS)
    assert ds["cum_removal"].dims == ("scenario", "region", "option", "year")
    assert ds["cum_removal"].attrs["units"] == "tCO2"
    assert list(ds["policy"].values) == ["ISOLATION", "SWITCH_2090"]
    from fastmonet.results import Results
    detail = Results.from_zarr(out / "results.zarr", SCENARIOS[1])
    np.testing.assert_allclose(detail.metrics["cum_removal"].values,
                               ds["cum_removal"].sel(scenario=SCENARIOS[1]).values)


def test_summary_csv_equals_the_store(run):
    out, _, _ = run
    ds = xr.open_zarr(out / "results.zarr").load()
    rows = _csv(out / "summary.csv")
    assert set(rows[0]) == {"scenario", "region", "option", "metric", "value", "unit"}
    assert {r["metric"] for r in rows} == {"cum_removal_2100", "shortfall_2100", "cnc_2100", "nep"}
    assert len(rows) == len(SCENARIOS) * (6 * 4 + 6 + 6 + 1)
    assert "world" not in ds["region"].values and "all" not in ds["option"].values

    def at(da, region, option=None):
        """The CSV's world / all rows are sums over the store's region / option."""
        da = da.sum("region") if region == "world" else da.sel(region=region)
        if option is not None:
            da = da.sum("option") if option == "all" else da.sel(option=option)
        return da

    for r in rows:
        d = ds.sel(scenario=r["scenario"])
        world = r["region"] == "world"
        want = {
            "cum_removal_2100": lambda: at(d["cum_removal"].sel(year=2100), r["region"],
                                           r["option"]) / 1e9,
            "shortfall_2100": lambda: at(d["shortfall"].sel(year=2100), r["region"]) / 1e9,
            "cnc_2100": lambda: d["cnc_trading_2100_world"] if world
            else d["cnc_trading_2100"].sel(region=r["region"]),
            "nep": lambda: d["nep"],
        }[r["metric"]]()
        got, want = float(r["value"]), float(want)
        if math.isnan(want):
            assert math.isnan(got), r
        else:
            assert got == pytest.approx(want, rel=1e-5, abs=1e-9), r


def test_solve_summary_csv_is_the_same_format(run):
    out, _, _ = run
    code, stdout, stderr = _run(["solve", "--scenario", "isolation", "--summary-csv", "--quiet",
                                 "--out", str(out / "results.zarr")])   # reused from the store
    assert code == 0, stderr
    mine = [line for line in (out / "summary.csv").read_text().splitlines()
            if line.startswith(SCENARIOS[0] + ",")]
    assert stdout.splitlines() == ["scenario,region,option,metric,value,unit", *mine]


def test_timeseries_csv_equals_the_store(run):
    out, _, _ = run
    ds = xr.open_zarr(out / "results.zarr").load()
    rows = _csv(out / "timeseries.csv")
    assert list(rows[0]) == ["scenario", "region", "option", "metric", "year", "value", "unit"]
    assert {r["metric"] for r in rows} == {"cum_removal", "removal_rate", "ctnc", "cnc", "mnc",
                                           "target", "shortfall"}
    for r in rows[::17]:
        name, world, every = r["metric"], r["region"] == "world", r["option"] == "all"
        if name in ("cnc", "mnc"):      # ratios: their totals are variables of their own
            has_option = name in ds and "option" in ds[name].dims
            name += ("_world" if world else "") + ("_all_options" if every and has_option else "")
        da = ds[name].sel(scenario=r["scenario"], year=int(r["year"]))
        if "region" in da.dims:
            da = da.sum("region") if world else da.sel(region=r["region"])
        if "option" in da.dims:
            da = da.sum("option") if every else da.sel(option=r["option"])
        assert r["unit"] == ds[name].attrs["units"]
        want, got = float(da), float(r["value"])
        assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, rel=1e-9), r


def test_solver_csv_has_one_row_per_scenario(run):
    out, _, _ = run
    rows = _csv(out / "solver.csv")
    assert [r["scenario"] for r in rows] == list(SCENARIOS)
    for r in rows:
        assert r["status"] == "Optimal"
        assert int(r["columns"]) > 0 and int(r["rows"]) > 0
        assert float(r["max_violation"]) <= 1e-6


def test_every_embedded_figure_is_a_valid_non_empty_png(run):
    import matplotlib.image as mpimg
    out, _, _ = run
    page = (out / "report.html").read_text()
    blobs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(blobs) >= 8
    for b in blobs:
        raw = base64.b64decode(b)
        assert raw.startswith(PNG_MAGIC)
        img = mpimg.imread(io.BytesIO(raw), format="png")
        assert img.shape[0] > 100 and img.shape[1] > 100
        assert float(np.std(img[..., :3])) > 0.01          # not a blank canvas
    assert "src=\"http" not in page and "<script" not in page   # readable offline
    assert page.count("<figcaption>") == len(blobs)
    for scenario in SCENARIOS:
        assert scenario in page
    assert "Provenance" in page and "sha256:" in page
    # ISOLATION misses India's target: the page says so in the table notes, the narrative and
    # the captions of the cost figures, and how much of the input data is assumed
    assert "isolation-p3-medium: misses the 2100 targets" in page and "not comparable" in page
    fig5 = page[page.index('id="fig5_cnc_trading"'):]
    assert "isolation-p3-medium misses" in fig5[:fig5.index("</figure>")]
    assert "Input data: how much is assumed" in page


def _table_rows(stdout):
    """The terminal table's data lines: {scenario: cells}."""
    out = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in SCENARIOS:
            out[parts[0]] = parts[1:]
    return out


def test_the_terminal_table_matches_summary_csv(run):
    out, stdout, _ = run
    rows = _csv(out / "summary.csv")
    val = {(r["scenario"], r["region"], r["option"], r["metric"]): float(r["value"]) for r in rows}
    table = _table_rows(stdout)
    assert set(table) == set(SCENARIOS)
    for sc, cells in table.items():
        ar, beccs, daccs, total, short = (float(c) for c in cells[:5])
        for got, opt in ((ar, "ar"), (beccs, "beccs"), (daccs, "daccs"), (total, "all")):
            assert got == pytest.approx(val[(sc, "world", opt, "cum_removal_2100")], abs=0.006)
        assert short == pytest.approx(val[(sc, "world", "all", "shortfall_2100")], abs=0.006)
        cnc, priced, nep = cells[-3], cells[-2], cells[-1]
        assert float(cnc) == pytest.approx(val[(sc, "world", "all", "cnc_2100")], abs=0.06)
        if short > 0:      # a missed target: the CNC with the shortfall priced is dearer
            assert float(priced) > float(cnc)
            assert f"{sc}: misses" in stdout and "CNC priced:" in stdout
        else:
            assert priced == cnc
        want_nep = val[(sc, "world", "all", "nep")]
        assert (nep == "n/a") if math.isnan(want_nep) else float(nep) == pytest.approx(want_nep,
                                                                                      abs=0.06)
        if short > 0:
            region = cells[5]
            regional = {r: val[(sc, r, "all", "shortfall_2100")]
                        for r in ("BRA", "CHN", "EU", "IND", "USA")}
            assert region == max(regional, key=regional.get)
            flat = " ".join(stdout.split())
            assert f"{sc}: misses the 2100 targets by {short:.2f} GtCO2" in flat
        if nep == "n/a":
            assert f"{sc}: NEP undefined" in stdout


def test_a_failing_scenario_is_named_after_the_others_are_written(run, scenario_file, tmp_path,
                                                                  monkeypatch):
    from fastmonet import scenario_solve
    from fastmonet.errors import SolveError
    out = tmp_path / "again"
    shutil.copytree(run[0] / "results.zarr", out / "results.zarr")
    three = tmp_path / "three.toml"
    three.write_text(scenario_file.read_text() + '\n[[scenario]]\npolicy = "current_policy"\n')
    real = scenario_solve.solve

    def failing(coeffs, scenario, given=None, **kw):
        if getattr(scenario, "policy", "") == "current_policy":
            raise SolveError("HiGHS says no (test)")
        return real(coeffs, scenario, given, **kw)
    monkeypatch.setattr(scenario_solve, "solve", failing)
    code, stdout, stderr = _run(["run", "--scenario-file", str(three), "--out", str(out),
                                 "--format", "md", "--quiet"])
    assert code != 0
    assert stdout == ""
    assert "current_policy-p3-medium" in stderr and "HiGHS says no (test)" in stderr
    assert list(xr.open_zarr(out / "results.zarr")["scenario"].values) == list(SCENARIOS)
    assert {r["scenario"] for r in _csv(out / "summary.csv")} == set(SCENARIOS)
    md = (out / "report.md").read_text()
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) >= 8 and all(p.read_bytes().startswith(PNG_MAGIC) for p in pngs)
    for p in pngs:
        assert f"(figures/{p.name})" in md
    assert "current_policy-p3-medium: not solved" in md


def test_iamc_csv_loads_in_pyam_and_adds_up(run):
    pyam = pytest.importorskip("pyam")
    out, _, _ = run
    df = pyam.IamDataFrame(out / "iamc.csv")
    assert sorted(df.scenario) == sorted(SCENARIOS)
    assert sorted(df.region) == ["BRA", "CHN", "EU", "IND", "USA", "World"]
    for v in ("Carbon Removal", "Carbon Removal|Geological Storage",
              "fastmonet|Cumulative Carbon Removal", "fastmonet|Cumulative Net Cost"):
        assert df.check_aggregate(v) is None, v
        assert df.check_aggregate_region(v) is None, v
    ds = xr.open_zarr(out / "results.zarr")
    got = df.filter(variable="fastmonet|Cumulative Carbon Removal", region="World",
                    scenario=SCENARIOS[0], year=2100).timeseries().iloc[0, 0]
    want = float(ds["cum_removal"].sel(scenario=SCENARIOS[0], year=2100).sum()) / 1e6
    assert got == pytest.approx(want, rel=1e-9)

