"""Sensitivity for any sample (PAWN, SALib) and scenario discovery (PRIM, ema_workbench) on
synthetic data with a known answer, and on a Dataset laid out as an ensemble store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from fastmonet.ensemble import discovery, sampled, sensitivity, store
from fastmonet.errors import InputError


def uniform(n, d, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((n, d)), columns=[f"x{i + 1}" for i in range(d)])


# ---------------------------------------------------------------------------------- PAWN
def test_pawn_ranks_the_input_that_moves_the_output_first():
    x = uniform(200, 3, seed=4)
    y = 10 * x["x1"] + x["x2"]                        # x3 does nothing
    t = sensitivity.pawn_indices(x, y, num_resamples=40).set_index("input")
    assert list(t.index) == ["x1", "x2", "x3", "dummy"]
    assert t.loc["x1", "pawn"] > t.loc["x2", "pawn"]
    assert t.loc["x1", "pawn"] > t.loc["x3", "pawn"]
    assert t.loc["x1", "above_dummy"] and not t.loc["dummy", "above_dummy"]
    assert (t["pawn_low"] <= t["pawn"]).all() and (t["pawn"] <= t["pawn_high"]).all()
    assert t[["pawn", "pawn_low", "pawn_high"]].stack().between(0, 1).all()


def test_pawn_same_seed_same_numbers_and_leaves_the_global_random_state():
    x = uniform(60, 2, seed=1)
    y = x["x1"] ** 2
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = sensitivity.pawn_indices(x, y, num_resamples=20, seed=3)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    b = sensitivity.pawn_indices(x, y, num_resamples=20, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_pawn_refuses_too_few_members_and_a_constant_output():
    x = uniform(15, 2, seed=1)
    with pytest.raises(InputError, match="15 members; 10 slices need at least 20"):
        sensitivity.pawn_indices(x, x["x1"])
    x = uniform(40, 2, seed=1)
    with pytest.raises(InputError, match="does not vary"):
        sensitivity.pawn_indices(x, np.ones(40))


# ---------------------------------------------------------------------------------- PRIM
def test_prim_recovers_a_planted_box():
    x = uniform(600, 4, seed=7)
    cases = x["x1"].between(0.2, 0.6) & (x["x3"] > 0.5)
    box = discovery.prim_box(x, cases, density=0.9)
    lim = box["limits"].set_index("input")
    assert set(lim.index) == {"x1", "x3"}
    assert lim.loc["x1", "lower"] == pytest.approx(0.2, abs=0.05)
    assert lim.loc["x1", "upper"] == pytest.approx(0.6, abs=0.05)
    assert lim.loc["x3", "lower"] == pytest.approx(0.5, abs=0.05)
    assert box["coverage"] >= 0.9 and box["density"] >= 0.9
    assert box["cases_in_box"] <= box["in_box"] and box["cases_in_box"] <= int(cases.sum())


def test_prim_peels_a_discrete_input_as_a_set_of_cases():
    x = uniform(300, 2, seed=2)
    x["storage"] = pd.Categorical(np.random.default_rng(5).choice(["low", "medium", "high"], 300),
                                  categories=["low", "medium", "high"])
    cases = x["storage"].isin(["low", "medium"]).to_numpy()
    box = discovery.prim_box(x, cases)
    lim = box["limits"].set_index("input")
    assert list(lim.index) == ["storage"]
    assert lim.loc["storage", "cases"] == ("low", "medium")
    assert box["coverage"] == 1.0 and box["density"] == 1.0


def test_prim_skips_a_discrete_input_drawn_at_one_case():
    x = uniform(100, 2, seed=3)
    x["storage"] = pd.Categorical(["medium"] * 100, categories=["low", "medium", "high"])
    box = discovery.prim_box(x, (x["x2"] > 0.7).to_numpy())
    assert list(box["limits"]["input"]) == ["x2"]


def test_the_box_chosen_is_the_widest_that_reaches_the_density():
    t = pd.DataFrame({"coverage": [1.0, 0.95, 0.9, 0.8, 0.5], "density": [0.3, 0.6, 0.82, 0.9, 1.0],
                      "mass": [1.0, 0.5, 0.3, 0.25, 0.1], "res_dim": [0, 1, 2, 2, 3]})
    assert discovery.choose(t, 0.8) == 2
    assert discovery.choose(t, 0.95) == 4
    assert discovery.choose(t.iloc[:2], 0.8) == 1           # none reaches it: the densest
    assert discovery.choose(t.iloc[:1], 0.8) == 0           # nothing peeled


# ------------------------------------------------------------- on an ensemble-store layout
def fake_store(n=80, seed=0, shortfall_where=None) -> xr.Dataset:
    """A Dataset laid out as `ensemble.open` returns it: 2 scenarios, world only, inputs
    a (multiplier), b (value) and a storage case; isolation misses its target when a > 1.2 and
    builds DACCS when the storage case is not low; CNC grows with b."""
    rng = np.random.default_rng(seed)
    u = rng.random((n, 3))
    a, b = 0.8 + 0.6 * u[:, 0], 50 + 100 * u[:, 1]
    case = np.floor(u[:, 2] * 3)
    sample = np.column_stack([a, b, case])
    years = [2090, 2100]
    scen = ["cooperation", "isolation"]
    options = ["ar", "beccs", "daccs", "all"]
    target = np.full((n, 2, 1, 2), -5e11)            # a negative target: |target| counts
    short = np.zeros((n, 2, 1, 2))
    miss = (a > 1.2) if shortfall_where is None else shortfall_where(a, b, case)
    short[:, 1, 0, 1] = np.where(miss, 1e9 * a, 0.0)
    cum = np.ones((n, 2, 1, 4, 2)) * 1e11
    cum[:, :, 0, 2, :] = np.where(case > 0, 2e9, 0.0)[:, None, None]
    cnc = np.ones((n, 2, 1, 4, 2)) * 100.0
    cnc[:, :, 0, 3, 1] = (b + rng.normal(0, 1, n))[:, None]
    ranges = ('[[parameter]]\nname = "a"\napply = "multiplier"\nunit = "ha"\n'
              '[[parameter]]\nname = "b"\napply = "value"\nunit = "US$2018/kW"\n'
              '[[parameter]]\nname = "storage_case"\napply = "case"\nunit = "tCO2"\n'
              'cases = ["low", "medium", "high"]\n')
    return xr.Dataset(
        {"status": (("member", "scenario"), np.full((n, 2), store.DONE, np.int8)),
         "target": (("member", "scenario", "region", "year"), target),
         "shortfall": (("member", "scenario", "region", "year"), short),
         "cum_removal": (("member", "scenario", "region", "option", "year"), cum),
         "cnc": (("member", "scenario", "region", "option", "year"), cnc),
         "nep": (("member", "scenario"), np.ones((n, 2))),
         "sample": (("member", "parameter"), sample),
         "sample_unit": (("member", "parameter"), u)},
        coords={"member": np.arange(n), "scenario": scen, "region": ["world"], "option": options,
                "year": years, "parameter": ["a", "b", "storage_case"],
                "parameter_unit": ("parameter", ["ha", "US$2018/kW", "case index"])},
        attrs={"sampler": "lhs", "seed": 4, "sample_dimensions": json.dumps(["a", "b", "storage_case"]),
               "sample_columns": json.dumps([0, 1, 2]), "ranges_toml": ranges})


def test_prim_answers_the_three_questions_of_a_store():
    ds = fake_store()
    box = discovery.prim(ds, "target_missed", "isolation")
    lim = box.limits.set_index("input")
    assert list(lim.index) == ["a"] and lim.loc["a", "lower"] == pytest.approx(1.2, abs=0.03)
    assert box.members == 80 and box.cases == int((ds["sample"].values[:, 0] > 1.2).sum())
    never = discovery.prim(ds, "target_missed", "cooperation")
    assert not never.found and never.note == "target never missed in 80 members: no box"
    assert "target never missed in 80 members" in discovery.box_table(never)[0]
    daccs = discovery.prim(ds, "daccs_built", "isolation")
    assert daccs.limits.set_index("input").loc["storage_case", "cases"] == ("medium", "high")
    cnc = discovery.prim(ds, "cnc_above", "isolation", cnc_threshold=120.0)
    lim = cnc.limits.set_index("input")
    assert "b" in lim.index and lim.loc["b", "lower"] == pytest.approx(120, abs=5)
    assert "above 120 US$2018/tCO2" in cnc.outcome
    median = discovery.prim(ds, "cnc_above", "isolation")
    assert median.cases == 40 and "the median of the members" in median.outcome
    lines = discovery.box_table(box, sampled.columns(ds))
    assert any(line.startswith("| a | x ha | 1.2") for line in lines)


def test_prim_says_so_when_every_member_is_a_case_and_refuses_an_unknown_question():
    ds = fake_store(shortfall_where=lambda a, b, c: np.ones_like(a, bool))
    box = discovery.prim(ds, "target_missed", "isolation")
    assert box.note == "target missed in every one of 80 members: no box separates them"
    with pytest.raises(InputError, match="unknown question 'missed'"):
        discovery.prim(ds, "missed", "isolation")
    with pytest.raises(InputError, match="'switch_2040' is not in the store"):
        discovery.prim(ds, "target_missed", "switch_2040")


def test_pawn_of_a_store_is_over_its_sampled_columns_per_scenario():
    ds = fake_store()
    t = sensitivity.pawn(ds, "cnc_2100", "isolation", num_resamples=20)
    assert list(t["input"]) == ["a", "b", "storage_case", "dummy"]
    assert t.set_index("input")["pawn"].idxmax() == "b"
    assert (t["members"] == 80).all() and (t["unit"] == "US$2018/tCO2").all()
    both = sensitivity.pawn(ds, "shortfall_2100", num_resamples=20)
    assert set(both["scenario"]) == {"isolation"}
    assert both.attrs["not_computed"] == {"cooperation": "not computed: shortfall_2100 is 0 in every member"}
    few = sensitivity.pawn(ds.isel(member=slice(0, 12)), "cnc_2100", num_resamples=20)
    assert few.empty and "12 finished members" in few.attrs["not_computed"]["isolation"]


def test_the_report_analysis_captions_units_scenarios_and_members():
    from fastmonet.report import ensemble_analysis
    ds = fake_store()
    a = ensemble_analysis.analyse(ds, cnc_threshold=120.0, num_resamples=20)
    text = ensemble_analysis.markdown(ds, a)
    assert "Store: scenarios cooperation, isolation; 80 members (lhs sample, seed 4); 3 sampled inputs" in text
    assert "**isolation: world cnc_2100 (US$2018/tCO2), 80 finished members** (top 3 of 3 inputs):" in text
    assert ("**cooperation: world shortfall_2100 (GtCO2), 80 finished members**: not computed: "
            "shortfall_2100 is 0 in every member.") in text
    assert "target never missed in 80 members: no box." in text
    assert "| storage_case | case | medium, high | low, medium, high |" in text
    assert "world CNC by 2100 above 120 US$2018/tCO2" in text
    boxes = ensemble_analysis.boxes_table(a.boxes)
    assert len(boxes[boxes["question"] == "target_missed"]) == 2          # a note and a limit
    assert boxes.set_index(["scenario", "question"]).loc[("isolation", "daccs_built"), "cases_kept"] == "medium high"
    lines = ensemble_analysis.summary_lines(a)
    assert "PRIM isolation daccs_built" in lines[4] and "storage_case in {medium, high}" in lines[4]
