"""The whole pipeline on the bundled data: data -> coefficients -> LP -> results.

Every P3 policy scenario is solved once (about 15 s in all) and checked against the physical
invariants a user relies on: targets met or the gap reported as shortfall, storage and land within
what the data allow, removal that never runs backwards, and the policy ordering of formulation §6.7.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import api, data

POLICIES = ("cooperation", "current_policy", "isolation",
            "switch_2030", "switch_2050", "switch_2070", "switch_2090")
REL = 1e-6
REGIONS = ["BRA", "CHN", "EU", "IND", "USA"]


@pytest.fixture(scope="module")
def inputs():
    return data.load()


@pytest.fixture(scope="module")
def runs(inputs):
    from fastmonet import coefficients
    coeffs = coefficients.build(inputs)
    out = {"isolation": api.solve_coefficients(coeffs, "isolation")}
    for name in POLICIES:
        if name not in out:
            out[name] = api.solve_coefficients(coeffs, name, isolation=out["isolation"])
    return out


@pytest.mark.parametrize("name", POLICIES)
def test_solution_satisfies_the_lp(runs, name):
    assert runs[name].solution.attrs["stat_max_violation"] <= 1e-6


@pytest.mark.parametrize("name", POLICIES)
def test_removal_plus_shortfall_meets_the_2100_target_exactly(runs, name):
    m = runs[name].metrics
    cooperating_in_2100 = name == "cooperation" or name.startswith("switch")
    # a target group's regions: all of them under a world target (region partitions)
    groups = [REGIONS] if cooperating_in_2100 else [[r] for r in REGIONS]
    for g in groups:
        removed = float(m["cum_removal"].sel(region=g, year=2100).sum())
        short = float(m["shortfall"].sel(region=g, year=2100).sum())
        target = float(m["target"].sel(region=g, year=2100).sum())
        assert removed + short == pytest.approx(target, rel=REL), g


@pytest.mark.parametrize("name", POLICIES)
def test_storage_and_land_within_the_data(runs, inputs, name):
    m = runs[name].metrics
    used = m["storage_used"].values
    cap = inputs["storage"].sel(subregion=m["subregion"]).values
    assert np.all(used <= cap * (1 + REL) + 1.0)
    ar_land = (inputs["lrp"] + inputs["ovl"]).sum("ecozone").sel(subregion=m["subregion"]).values
    crop_land = (inputs["mal"] + inputs["ovl"].sum("ecozone")).sel(subregion=m["subregion"]).values
    for year in m["year"].values:
        ar = m["land_ar"].sel(year=year).values
        crops = m["land_crops"].sel(year=year).values
        straw = m["land_straw"].sel(year=year).values
        assert np.all(ar <= ar_land * (1 + REL) + 1.0)
        assert np.all(crops <= crop_land * (1 + REL) + 1.0)
        assert np.all(ar + crops <= (ar_land + inputs["mal"].values) * (1 + REL) + 1.0)
        assert np.all(straw <= inputs["lhw"].sel(subregion=m["subregion"]).values * (1 + REL) + 1.0)


@pytest.mark.parametrize("name", POLICIES)
def test_engineered_removal_never_runs_backwards(runs, name):
    # BECCS and DACCS rates are >= 0, so their cumulative removal can only grow (AR may dip after
    # a thinning, since thinned carbon counts as emitted: formulation §2.5).
    cum = runs[name].metrics["cum_removal"].sel(option=["beccs", "daccs"]).values
    assert np.all(np.diff(cum, axis=-1) >= -REL * max(1.0, np.abs(cum).max()))


def test_policy_ordering_of_shortfall_and_cost(runs):
    short = {k: runs[k].solution.attrs["shortfall_mt"] for k in POLICIES}
    cost = {k: runs[k].solution.attrs["cost_musd"] for k in POLICIES}
    world_short_2100 = {k: float(runs[k].metrics["shortfall"].sel(year=2100).sum("region"))
                        for k in POLICIES}
    assert short["cooperation"] <= short["current_policy"] * (1 + REL) + 1e-6
    assert short["current_policy"] <= short["isolation"] * (1 + REL) + 1e-6
    if short["cooperation"] == short["current_policy"] == short["isolation"] == 0:
        assert cost["cooperation"] <= cost["current_policy"] * (1 + REL)
        assert cost["current_policy"] <= cost["isolation"] * (1 + REL)
    for y in (2030, 2050, 2070, 2090):
        s = world_short_2100[f"switch_{y}"]
        assert world_short_2100["cooperation"] - 1.0 <= s <= world_short_2100["isolation"] * (1 + REL) + 1.0


def test_switch_keeps_the_isolation_decisions_up_to_its_year(runs):
    iso = runs["isolation"].solution
    for y in (2030, 2050):
        sw = runs[f"switch_{y}"].solution
        early = iso["period"].values + 10 <= y
        a = iso["beccs_plants_built"].isel(period=early).values
        b = sw["beccs_plants_built"].isel(period=early).values
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6)
        a = iso["ar_area"].isel(vintage=early).values
        b = sw["ar_area"].isel(vintage=early).values
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-3)


@pytest.mark.slow
def test_sifting_reaches_the_optimum_of_the_whole_lp(inputs):
    """Column generation over the ~1 M chains against HiGHS on the whole LP (about 40 s)."""
    import dataclasses

    from fastmonet import coefficients, scenarios
    coeffs = coefficients.build(inputs)
    base = scenarios.make("cooperation")
    whole = dataclasses.replace(base, solver=dataclasses.replace(base.solver, sifting="off"))
    sifted = api.solve_coefficients(coeffs, base)
    full = api.solve_coefficients(coeffs, whole)
    assert sifted.solution.attrs["stat_sifting"] and not full.solution.attrs["stat_sifting"]
    assert sifted.solution.attrs["cost_musd"] == pytest.approx(full.solution.attrs["cost_musd"],
                                                               rel=1e-7)
    assert sifted.solution.attrs["shortfall_mt"] == pytest.approx(
        full.solution.attrs["shortfall_mt"], abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["cooperation", "isolation"])
def test_p4_targets_are_met_or_reported_as_shortfall(policy):
    from fastmonet import coefficients, scenarios
    coeffs = coefficients.build(data.load(targets="p4"))
    res = api.solve_coefficients(coeffs, scenarios.make(policy, targets="p4"))
    m = res.metrics
    assert res.solution.attrs["stat_max_violation"] <= 1e-6
    groups = [REGIONS] if policy == "cooperation" else [[r] for r in REGIONS]
    for g in groups:
        removed = float(m["cum_removal"].sel(region=g, year=2100).sum())
        short = float(m["shortfall"].sel(region=g, year=2100).sum())
        assert removed + short == pytest.approx(float(m["target"].sel(region=g, year=2100).sum()),
                                                rel=REL)
