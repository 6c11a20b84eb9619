"""`iamc.csv`: a run in the IAMC format that pyam reads, with the common-definitions names and
trees that add up (issue 19)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_report_comparisons import GT, SCEN, fake_run

from fastmonet import iamc

pyam = pytest.importorskip("pyam")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    ds = fake_run()
    path = tmp_path_factory.mktemp("iamc") / "iamc.csv"
    files = iamc.write(ds, path, xlsx=True)
    return ds, files


def test_the_csv_loads_in_pyam_with_model_scenarios_regions_and_units(written):
    ds, (csv, xlsx) = written
    df = pyam.IamDataFrame(csv)
    import fastmonet
    assert df.model == [f"fastmonet {fastmonet.__version__}"]
    assert sorted(df.scenario) == sorted(SCEN)
    assert sorted(df.region) == ["BRA", "IND", "World"]
    assert {"Carbon Removal", "Carbon Removal|Land Use|Re/Afforestation",
            "Carbon Removal|Geological Storage|Biomass",
            "Carbon Removal|Geological Storage|Direct Air Capture",
            "fastmonet|Cumulative Carbon Removal"} <= set(df.variable)
    units = dict(zip(df.as_pandas()["variable"], df.as_pandas()["unit"]))
    assert units["Carbon Removal"] == "Mt CO2/yr"
    assert units["fastmonet|Cumulative Net Cost"] == "billion USD_2018"
    assert units["fastmonet|Cumulative Net Cost per Tonne"] == "USD_2018/t CO2"
    # pyam converts the units it reads (iam-units): cost to trillion
    t = df.filter(variable="fastmonet|Cumulative Net Cost", region="World", scenario="isolation",
                  year=2100).convert_unit("billion USD_2018", to="trillion USD_2018")
    assert float(t.timeseries().iloc[0, 0]) == pytest.approx(39.8)
    back = pyam.IamDataFrame(xlsx)
    assert back.equals(df)


def test_values_are_the_store_s(written):
    ds, (csv, _) = written
    df = pyam.IamDataFrame(csv).as_pandas()
    pick = lambda v, r, s, y: float(df[(df.variable == v) & (df.region == r) & (df.scenario == s)  # noqa: E731
                                       & (df.year == y)]["value"].iloc[0])
    d = ds.sel(scenario="current_policy")
    assert pick("Carbon Removal|Geological Storage|Biomass", "IND", "current_policy", 2050) == \
        pytest.approx(float(d["removal_rate"].sel(region="IND", option="beccs", year=2050)) / 1e6)
    assert pick("fastmonet|Shortfall|Cumulative Carbon Removal", "World", "current_policy", 2100) \
        == pytest.approx(20 * GT / 1e6)
    from fastmonet.report import shortfall
    priced = shortfall.world_cnc_priced(ds)["current_policy"]
    plain = float(d["cnc_trading_2100"].sel(region="world"))
    assert priced != pytest.approx(plain)
    assert pick("fastmonet|Cumulative Net Cost per Tonne|With Trading [Shortfall Priced]", "World",
                "current_policy", 2100) == pytest.approx(priced)
    assert pick("fastmonet|Cumulative Net Cost per Tonne|With Trading", "World",
                "current_policy", 2100) == pytest.approx(plain)
    assert pick("fastmonet|Price|Negative Emissions", "World", "cooperation", 2100) == 250.0
    assert not (df.variable == "fastmonet|Price|Negative Emissions").loc[
        df.scenario == "isolation"].any()                       # NaN NEP: no row


TREES = ["Carbon Removal", "Carbon Removal|Geological Storage", "Carbon Removal|Land Use",
         "fastmonet|Cumulative Carbon Removal",
         "fastmonet|Cumulative Carbon Removal|Geological Storage",
         "fastmonet|Cumulative Net Cost", "fastmonet|Cumulative Net Cost|Geological Storage"]
REGIONAL = ["Carbon Removal", "Carbon Removal|Geological Storage|Direct Air Capture",
            "fastmonet|Cumulative Carbon Removal", "fastmonet|Cumulative Net Cost",
            "fastmonet|Target|Cumulative Carbon Removal",
            "fastmonet|Shortfall|Cumulative Carbon Removal"]


def test_every_tree_and_the_world_add_up_in_pyam(written):
    _, (csv, _) = written
    df = pyam.IamDataFrame(csv)
    for v in TREES:
        assert len(df.filter(variable=f"{v}|*", level=0).variable) >= 1, v
        assert df.check_aggregate(v) is None, v
    for v in REGIONAL:
        assert df.check_aggregate_region(v) is None, v


def test_the_checks_would_catch_a_tree_that_does_not_add_up(written):
    _, (csv, _) = written
    data = pyam.IamDataFrame(csv).as_pandas()
    hit = (data.variable == "Carbon Removal|Geological Storage|Biomass") & (data.year == 2100)
    data.loc[hit, "value"] += 1.0
    bad = pyam.IamDataFrame(data)
    assert bad.check_aggregate("Carbon Removal|Geological Storage") is not None
    assert bad.check_aggregate_region("Carbon Removal|Geological Storage|Biomass") is not None


def test_import_fastmonet_does_not_import_pyam():
    code = ("import sys, fastmonet, fastmonet.iamc, fastmonet.cli.main, fastmonet.report.build; "
            "print('pyam' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert np.isfinite(1.0)


def test_the_csv_is_byte_for_byte_what_pyam_writes(written):
    ds, (csv, _) = written
    assert csv.read_text() == pyam.IamDataFrame(iamc.frame(ds)).to_csv()


def test_writing_the_csv_does_not_import_pyam(tmp_path):
    code = ("import sys; from test_report_comparisons import fake_run; from fastmonet import iamc; "
            f"iamc.write(fake_run(), {str(tmp_path / 'x.csv')!r}); print('pyam' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent)
    assert out.stdout.strip() == "False"
