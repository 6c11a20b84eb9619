"""coefficients.build (formulation §9.3), the summary and the ``fastmonet coefficients`` command."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from test_coeff_inputs import make_inputs

from fastmonet import technology
from fastmonet.cli import coefficients as cli
from fastmonet.coefficients import build, open_store, save
from fastmonet.coefficients.summary import COLUMNS, summary
from fastmonet.errors import InputError

TECH = technology.load()


@pytest.fixture(scope="module")
def built():
    ds = make_inputs()
    timings = {}
    return ds, build(ds, TECH, timings=timings), timings


def test_contract3_variables(built):
    ds, c, timings = built
    dims = {
        "ar_removal": ("subregion", "ecozone", "forest_type", "vintage", "year"),
        "ar_cost": ("subregion", "ecozone", "forest_type", "vintage", "year"),
        "ar_allowed": ("subregion", "ecozone", "forest_type"),
        "lrp": ("subregion", "ecozone"), "ovl": ("subregion", "ecozone"),
        "mal": ("subregion",), "lhw": ("subregion",), "storage": ("subregion",), "target": ("region", "year"),
        "chain_source": ("chain",), "chain_plant": ("chain",), "chain_biomass": ("chain",),
        "chain_land": ("chain",), "chain_period": ("chain",), "beccs_cost": ("chain",),
        "beccs_stored": ("chain",), "beccs_units": ("chain",), "beccs_land": ("chain",),
        "dac_cost": ("tech", "subregion", "period"), "dac_stored": ("tech", "subregion", "period"),
        "dac_captured": ("tech", "subregion", "period"),
    }
    for name, d in dims.items():
        assert c[name].dims == d, name
    assert c["chain_source"].dtype == np.int32 and c["chain_biomass"].dtype == np.int8
    assert c["chain_land"].dtype == np.int8 and c["chain_period"].dtype == np.int8
    assert c["vintage"].values.tolist() == list(range(2020, 2100, 10))
    assert c["year"].values.tolist() == list(range(2030, 2110, 10))
    assert c["tech"].values.tolist() == ["ce", "cw"]
    assert c["subregion_region"].values.tolist() == ds["subregion_region"].values.tolist()
    # Straw only on lhw, crops only on mal/overlap.
    straw = c["chain_biomass"].values == 4
    assert np.all(c["chain_land"].values[straw] == 2) and np.all(c["chain_land"].values[~straw] < 2)
    assert np.all(c["beccs_stored"].values >= 1) and np.all(c["beccs_units"].values > 0)
    assert set(timings) >= {"ar", "beccs", "dac"}
    np.testing.assert_array_equal(c["storage"].values, ds["storage"].values)


def test_missing_input_variable_is_named():
    ds = make_inputs().drop_vars("gas_price")
    with pytest.raises(InputError, match="'gas_price'"):
        build(ds, TECH)


def test_summary_rows(built):
    ds, c, _ = built
    table = summary(ds, c, TECH)
    assert list(table.columns) == COLUMNS
    need = {("ar", "ar_removal_cost_100yr", "-"), ("ar", "ar_emissions_100yr", "-"),
            ("daccs_ce", "dac_efficiency", "2020"), ("daccs_cw", "dac_efficiency", "2060"),
            ("daccs_ce", "dac_cost", "2060"), ("daccs_cw", "dac_cost", "2060"),
            ("beccs", "beccs_net_cost", "2030"), ("beccs", "beccs_net_cost", "2060"),
            ("beccs", "beccs_removal_per_tdm", "2030"), ("beccs", "beccs_removal_per_tdm", "2060")}
    for region in ("BRA", "CHN", "EU", "IND", "USA"):
        got = {tuple(r) for r in table[table.region == region][["option", "metric", "year"]].values}
        assert need <= got, region
    ok = table.dropna(subset=["min"])
    assert np.all(ok["min"] <= ok["median"]) and np.all(ok["median"] <= ok["max"])
    em = table[(table.metric == "ar_emissions_100yr")]
    assert np.all(em["min"] > 0)
    # CW after the grid is carbon-free: no grid emissions (T&S is powered from the same grid),
    # only the plant's embodied emissions (dac.toml, formulation §4).
    cw = table[(table.option == "daccs_cw") & (table.metric == "dac_efficiency") & (table.year == "2060")]
    np.testing.assert_allclose(cw["max"], 100.0 * (1 - TECH.dac["cw"].embodied))


def _parser():
    p = argparse.ArgumentParser(prog="fastmonet")
    cli.register(p.add_subparsers(dest="command", required=True))
    return p


def test_cli_summary_csv_on_bundled_data(capsys):
    args = _parser().parse_args(["coefficients", "summary", "--csv", "--quiet"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "region,option,metric,year,min,median,max,unit"
    table = pd.read_csv(io.StringIO(out), dtype={"year": str})
    assert set(table.region) == {"BRA", "CHN", "EU", "IND", "USA"}
    assert {"ar_removal_cost_100yr", "ar_emissions_100yr", "dac_efficiency", "dac_cost", "beccs_net_cost",
            "beccs_removal_per_tdm"} <= set(table.metric)
    assert set(table[table.metric == "dac_efficiency"].year) == {"2020", "2060"}


def test_zarr_round_trip(built, tmp_path):
    ds, c, _ = built
    out = tmp_path / "coeffs.zarr"
    save(c, out)
    back = open_store(out)
    for name in ("ar_removal", "beccs_cost", "chain_source", "dac_cost", "target"):
        np.testing.assert_array_equal(back[name].values, c[name].values)
    assert back["subregion"].values.astype(str).tolist() == c["subregion"].values.tolist()
    assert back["subregion_region"].values.astype(str).tolist() == c["subregion_region"].values.tolist()
    with pytest.raises(InputError, match="not found"):
        open_store(tmp_path / "missing.zarr")
    assert back.attrs["beccs_chains_allowed"] == c.attrs["beccs_chains_allowed"]


def test_benchmark_script_prints_stage_timings():
    pytest.importorskip("fastmonet.data")
    res = subprocess.run([sys.executable, "benchmarks/coefficients_build.py", "--repeat", "1"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["chains"] > 0 and set(report["seconds"]) >= {"load", "ar", "beccs", "dac"}
