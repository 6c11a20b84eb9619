"""Trading blocs in the LP: the paper's policies as special cases, and the ordering properties.

The lexicographic objective is (shortfall, then cost): merging two blocs relaxes the targets
(one summed row instead of two) and, with within-bloc biomass trade, offers more chains, so it
can never be worse; any partition lies between COOPERATION and ISOLATION.
"""


import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastmonet import api, scenarios, synthetic
from fastmonet.blocs import Burden
from fastmonet.blocs.metrics import bloc_metrics
from fastmonet.blocs.structure import Structure, named
from fastmonet.dimensions import REGIONS

SIZES = {r: 2 for r in REGIONS}


def instance(seed=3, target=1.0):
    return synthetic.instance(region_sizes=SIZES, n_ecozones=2, seed=seed, chain_keep=0.3,
                              target_gt_per_subregion=target)


def blocs(structure: Structure, **kw) -> scenarios.Scenario:
    return scenarios.make("blocs", blocs=structure, **kw)


def objective(res):
    return res.solution.attrs["shortfall_mt"], res.solution.attrs["cost_musd"]


@pytest.fixture(scope="module")
def ds():
    return instance()


@pytest.mark.parametrize("policy", ["cooperation", "current_policy", "isolation"])
def test_named_policies_are_special_cases_exactly(ds, policy):
    a = api.solve_coefficients(ds, scenarios.make(policy))
    b = api.solve_coefficients(ds, blocs(named(policy)))
    assert objective(a) == objective(b)
    np.testing.assert_array_equal(a.solution["beccs_rate"].values, b.solution["beccs_rate"].values)
    np.testing.assert_array_equal(a.metrics["shortfall"].values, b.metrics["shortfall"].values)


def test_switch_is_a_special_case_of_a_blocs_switch(ds):
    a = api.solve_coefficients(ds, scenarios.make("switch_2050"))
    b = api.solve_coefficients(ds, scenarios.make(
        "blocs", blocs=named("cooperation"), from_blocs=named("isolation"), switch_year=2050))
    assert objective(a) == objective(b)


def _tight():
    # Tight targets make shortfall and trade matter.
    return instance(seed=5, target=4.0)


@st.composite
def partitions(draw):
    labels = draw(st.lists(st.integers(0, 4), min_size=5, max_size=5))
    groups: dict[int, list[str]] = {}
    for r, g in zip(REGIONS, labels):
        groups.setdefault(g, []).append(r)
    return Structure.parse(list(groups.values()), "within_bloc")


def _lex_le(a, b, rel=1e-6):
    """a <= b in (shortfall, cost) order, up to solver tolerance."""
    (sa, ca), (sb, cb) = a, b
    tol_s = rel * max(1.0, abs(sb))
    if sa < sb - tol_s:
        return True
    return abs(sa - sb) <= tol_s and ca <= cb + rel * max(1.0, abs(cb))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitions(), st.data())
def test_merging_two_blocs_never_worsens_the_objective(structure, data):
    ds = _tight()
    if len(structure.blocs) < 2:
        return
    i = data.draw(st.integers(0, len(structure.blocs) - 1))
    j = data.draw(st.integers(0, len(structure.blocs) - 1).filter(lambda k: k != i))
    before = objective(api.solve_coefficients(ds, blocs(structure)))
    after = objective(api.solve_coefficients(ds, blocs(structure.merged(i, j))))
    assert _lex_le(after, before)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitions())
def test_any_partition_lies_between_cooperation_and_isolation(structure):
    ds = _tight()
    coop = objective(api.solve_coefficients(ds, scenarios.make("cooperation")))
    iso = objective(api.solve_coefficients(ds, scenarios.make("isolation")))
    mid = objective(api.solve_coefficients(ds, blocs(structure)))
    assert _lex_le(coop, mid) and _lex_le(mid, iso)


def test_a_bloc_pools_its_members_targets(ds):
    st_ = Structure.parse([["EU", "USA"], ["BRA"], ["CHN"], ["IND"]], "within_bloc")
    res = api.solve_coefficients(ds, blocs(st_))
    groups = [str(g) for g in res.solution["group"].values]
    assert "EU+USA" in groups
    assert np.isnan(res.solution["shortfall"].sel(group="world")).all()
    assert np.isnan(res.solution["shortfall"].sel(group="EU")).all()
    # Biomass moves only inside blocs.
    tr = res.metrics["beccs_trade"].sum("year")
    for src in REGIONS:
        for dst in REGIONS:
            same = src == dst or {src, dst} == {"EU", "USA"}
            if not same:
                assert float(tr.sel(source_region=src, plant_region=dst)) == 0.0


def test_bloc_metrics_of_one_bloc_equal_the_scenario_metrics(ds):
    res = api.solve_coefficients(ds, scenarios.make("cooperation"))
    bm = bloc_metrics(res.metrics, named("cooperation"))
    m = res.metrics
    np.testing.assert_allclose(float(bm["bloc_nep"].sel(bloc="world")), float(m["nep"]), rtol=1e-12)
    np.testing.assert_allclose(bm["cnc_trading_bloc"].values,
                               m["cnc_trading_2100"].sel(region=list(REGIONS)).values, rtol=1e-12)
    np.testing.assert_allclose(bm["surplus_sold"].values,
                               m["sold_2100"].sel(region=list(REGIONS)).values, rtol=1e-12)


def test_bloc_saving_against_isolation(ds):
    st_ = Structure.parse([["EU", "USA"], ["BRA"], ["CHN"], ["IND"]], "within_bloc")
    iso = api.solve_coefficients(ds, scenarios.make("isolation"))
    res = api.solve_coefficients(ds, blocs(st_))
    bm = bloc_metrics(res.metrics, st_, isolation=iso.metrics)
    # Singleton blocs under within-bloc trade are isolated regions: no saving.
    for r in ("BRA", "CHN", "IND"):
        assert abs(float(bm["bloc_saving"].sel(bloc=r))) <= 1e-6 * max(1.0, float(bm["bloc_cost"].sel(bloc=r)))
    assert float(bm["bloc_saving"].sel(bloc="EU+USA")) >= -1e-6 * float(bm["bloc_cost"].sel(bloc="EU+USA"))


@pytest.mark.parametrize("rule", ["per_capita", "capability"])
def test_burden_rules_keep_the_world_target(ds, rule):
    base = api.solve_coefficients(ds, scenarios.make("current_policy"))
    res = api.solve_coefficients(ds, scenarios.make("current_policy", burden=Burden(rule)))
    t0, t1 = base.metrics["target"], res.metrics["target"]
    np.testing.assert_allclose(t1.sum("region"), t0.sum("region"), rtol=1e-12)
    assert not np.allclose(t1.sel(region="IND"), t0.sel(region="IND"))
    assert res.scenario.name.endswith(rule)


def test_equal_cost_shares_equalise_cnc_with_trading():
    ds = instance(seed=2)
    res = api.solve_coefficients(ds, scenarios.make("cooperation", burden=Burden("equal_cost")))
    shares = dict(res.scenario.burden.shares)
    assert abs(sum(shares.values()) - 1) < 1e-9 and min(shares.values()) >= 0
    cnc = res.metrics["cnc_trading_2100"].sel(region=list(REGIONS)).values
    np.testing.assert_allclose(cnc, cnc.mean(), rtol=1e-6)
    np.testing.assert_allclose(cnc.mean(), float(res.metrics["cnc_world_all_options"].isel(
        year=-1)), rtol=1e-6)


def test_equal_cost_without_a_non_negative_split_is_one_clear_error(ds):
    # In this instance Brazil's removal costs less per tonne than the negative-emissions price
    # while the world's costs more: no non-negative target equalises the CNCs. (The instance was
    # found with the build factor F = 10, which this case keeps: formulation §6.6's default is 5.5.)
    from fastmonet.errors import InputError
    with pytest.raises(InputError, match="equal_cost: no non-negative split"):
        api.solve_coefficients(ds, scenarios.make("cooperation", burden=Burden("equal_cost"),
                                                  rates=scenarios.Rates(build_factor=10.0)))


def test_a_blocs_scenario_carries_its_bloc_metrics_and_round_trips_through_zarr(ds, tmp_path):
    from fastmonet.results import Results
    st_ = Structure.parse([["EU", "USA"], ["BRA", "CHN"], ["IND"]], "within_bloc")
    res = api.solve_coefficients(ds, blocs(st_, burden=Burden("per_capita")))
    assert list(res.metrics["bloc"].values) == ["BRA+CHN", "EU+USA", "IND"]
    assert str(res.metrics["region_bloc"].sel(region="USA").values) == "EU+USA"
    res.to_zarr(tmp_path / "b.zarr")
    back = Results.from_zarr(tmp_path / "b.zarr", res.scenario.name)
    assert back.scenario == res.scenario
    np.testing.assert_array_equal(back.metrics["bloc_nep"].values, res.metrics["bloc_nep"].values)
