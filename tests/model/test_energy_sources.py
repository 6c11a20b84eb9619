"""Energy inputs: the derivation script and the unit conversions of data/scripts equal a hand
computation, and a few rows of the committed energy.csv equal the published value converted by hand."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from fastmonet.data import DEFAULT_PATH


def _script(name):
    spec = importlib.util.spec_from_file_location(name, DEFAULT_PATH / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name):
    with open(DEFAULT_PATH / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_annual_means_is_the_mean_of_that_years_months(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text(
        "Country,ISO3 Code,Date,Price (EUR/MWhe)\n"
        "Austria,AUT,2017-12-01,99.0\n"       # another year: ignored
        "Austria,AUT,2018-01-01,30.0\n"
        "Austria,AUT,2018-02-01,41.0\n"
        "Austria,AUT,2018-03-01,\n"           # blank month: skipped, not a zero
        "Ireland,IRL,2018-11-01,70.005\n"
        "Ireland,IRL,2019-01-01,10.0\n", encoding="utf-8")
    got = _script("annual_means").annual_means(path, 2018)
    assert got == {"AUT": (35.5, 2), "IRL": (70.0, 1)}  # (30 + 41) / 2; 70.005 rounds to 2 decimals


@pytest.mark.parametrize(("value", "unit", "fx", "expected"), [
    (1000.0, "lbco2_per_mwh", None, 453.59237),       # 1 lb = 0.45359237 kg exactly
    (0.5, "kgco2_per_kwh", None, 500.0),
    (312.8, "gco2_per_kwh", None, 312.8),
    (50.0, "eur2018_per_mwh", 0.8, 62.5),            # EUR / (EUR per USD)
    (0.4, "cny2018_per_kwh", 8.0, 50.0),             # 0.4 CNY/kWh = 400 CNY/MWh / 8
    (4.19, "usd2018_per_mcf", None, 4.19 / (1.037 * 1.055056)),
])
def test_convert_units_by_hand(value, unit, fx, expected):
    assert _script("build_tables").convert(value, unit, fx) == pytest.approx(expected, rel=1e-12)


def test_energy_rows_equal_hand_conversion_of_the_sources():
    sub = {(r["subregion"], r["field"]): r for r in _rows("sources/subregion_values.csv")}
    nat = {(r["region"], r["field"]): r for r in _rows("sources/national_values.csv")}
    energy = {r["subregion"]: r for r in _rows("energy.csv")}
    eur = float(nat[("EU", "exchange_rate")]["value"])
    # Austria: Ember 2018 day-ahead mean in EUR -> US$ at the WDI 2018 rate.
    at = sub[("AT", "electricity_price")]
    assert at["unit"] == "eur2018_per_mwh"
    assert float(energy["AT"]["electricity_price_usd2018_per_mwh"]) == pytest.approx(
        float(at["value"]) / eur, abs=0.005)
    # West Virginia: EIA 2023 profile in lb/MWh -> kg/MWh.
    wv = sub[("US-WV", "grid_intensity_2020")]
    assert float(energy["US-WV"]["grid_intensity_2020_kgco2_per_mwh"]) == pytest.approx(
        float(wv["value"]) * 0.45359237, abs=0.05)
    # Sichuan: MEE/NBS 2021 in kg/kWh; India (no state value): the national CEA factor.
    sc = sub[("CN-SC", "grid_intensity_2020")]
    assert float(energy["CN-SC"]["grid_intensity_2020_kgco2_per_mwh"]) == pytest.approx(
        float(sc["value"]) * 1000.0, abs=0.05)
    ind = nat[("IND", "grid_intensity_2020")]
    assert float(energy["IN-MH"]["grid_intensity_2020_kgco2_per_mwh"]) == pytest.approx(
        float(ind["value"]) * 1000.0, abs=0.05)


def test_energy_statuses_follow_the_sources():
    """A value read from a source stays sourced through an exact unit conversion, becomes derived
    when converted with an exchange rate, and an assumed input keeps the output assumed."""
    energy = {r["subregion"]: r for r in _rows("energy.csv")}
    sub = {(r["subregion"], r["field"]): r for r in _rows("sources/subregion_values.csv")}
    assert sub[("US-WV", "grid_intensity_2020")]["status"] == "sourced"
    assert energy["US-WV"]["status_grid_intensity_2020_kgco2_per_mwh"] == "sourced"
    assert energy["AT"]["status_electricity_price_usd2018_per_mwh"] == "derived"
    assert sub[("CY", "electricity_price")]["status"] == "assumed"
    assert energy["CY"]["status_electricity_price_usd2018_per_mwh"] == "assumed"


def test_energy_ranges_file_is_ordered_and_has_statuses():
    rows = _rows("sources/energy_ranges.csv")
    assert rows and all(r["status"] in ("sourced", "derived", "assumed") for r in rows)
    for r in rows:
        if r["low"] and r["high"]:
            assert float(r["low"]) <= float(r["high"]), (r["field"], r["scope"])


def test_beccs_capex_range_equals_the_crosscheck_script():
    script = _script("beccs_capex_crosscheck")
    # hand computation of the per-capture figure: 2e9/3e6 $/(t/yr) x 4.2e6 t/yr / 5e5 kW x CPI ratio
    assert script.drax_per_capture() == pytest.approx(2e9 / 3e6 * 4.2e6 / 5e5 * 251.107 / 304.702)
    row = next(r for r in _rows("sources/energy_ranges.csv") if r["field"] == "beccs_capex")
    assert float(row["low"]) == round(script.plant_without_capture())
    assert float(row["high"]) == round(script.drax_per_kw())
    assert float(row["low"]) < float(row["central"]) < float(row["high"])


def test_eu_diesel_is_the_mean_of_the_weeks_read():
    means = _script("weekly_means").weekly_means()
    # hand computation for Austria: (1.259 + 1.226 + 1.232 + 1.312 + 1.284) / 5 = 1.2626
    assert means["AT"] == pytest.approx(1.263)
    sub = {(r["subregion"], r["field"]): r for r in _rows("sources/subregion_values.csv")}
    for country, mean in means.items():
        row = sub[(country, "diesel_price")]
        assert (float(row["value"]), row["unit"], row["status"]) == (mean, "eur2018_per_l", "derived")
    assert len(means) == 27  # the EU-27 of 2018 without the UK


def test_pld_is_the_bounded_day_weighted_mean_of_the_weekly_cmo(tmp_path):
    script = _script("pld_from_cmo")
    path = tmp_path / "cmo.csv"
    path.write_text(
        "subsystem,week_start,cmo_brl_per_mwh,source,status\n"
        "SE_CO,2017-12-30,100.0,x,sourced\n"   # Sat 30 Dec: 5 of its days (1-5 Jan) are in 2018
        "SE_CO,2018-07-07,900.0,x,sourced\n"   # above the ceiling: counts as 505.18
        "SE_CO,2018-12-29,10.0,x,sourced\n"    # below the floor, 3 days in 2018: 40.16
        "S,2017-12-23,999.0,x,sourced\n", encoding="utf-8")  # no day in 2018: no S entry
    hand = (5 * 100.0 + 7 * 505.18 + 3 * 40.16) / 15
    assert script.pld_means(path) == {"SE_CO": round(hand, 2)}


def test_brazil_se_co_price_rows_equal_the_pld_script():
    mean = _script("pld_from_cmo").pld_means()["SE_CO"]
    rows = [r for r in _rows("sources/subregion_values.csv")
            if r["field"] == "electricity_price" and r["source"] == "ONS_CMO_PLD"]
    assert sorted(r["subregion"] for r in rows) == [
        "BR-AC", "BR-DF", "BR-ES", "BR-GO", "BR-MG", "BR-MS", "BR-MT", "BR-RJ", "BR-RO", "BR-SP"]
    for r in rows:
        assert (float(r["value"]), r["unit"], r["status"]) == (mean, "brl2018_per_mwh", "derived")
    energy = {r["subregion"]: r for r in _rows("energy.csv")}
    # hand conversion at the 2018 WDI rate (BRL 3.6538 per US$)
    assert float(energy["BR-SP"]["electricity_price_usd2018_per_mwh"]) == pytest.approx(
        mean / 3.6538, abs=0.005)
    assert energy["BR-SP"]["status_electricity_price_usd2018_per_mwh"] == "derived"


@pytest.mark.parametrize(("subregion", "cny_per_kwh"), [
    ("CN-GD", 0.4530), ("CN-XJ", 0.25), ("CN-XZ", 0.4993)])  # the benchmark table as read
def test_china_benchmark_tariffs_converted_by_hand(subregion, cny_per_kwh):
    row = {r["subregion"]: r for r in _rows("energy.csv")}[subregion]
    # CNY/kWh x 1000 / 6.6160 CNY per US$ (WDI 2018)
    assert float(row["electricity_price_usd2018_per_mwh"]) == pytest.approx(
        cny_per_kwh * 1000 / 6.6160, abs=0.005)
    assert row["status_electricity_price_usd2018_per_mwh"] == "derived"
