"""The API's guards against solving one case or scenario and labelling it as another."""

from __future__ import annotations

import pytest

from fastmonet import api, scenarios, synthetic
from fastmonet.errors import InputError


def small(seed=2):
    return synthetic.instance(n_subregions=3, n_regions=2, n_ecozones=2, seed=seed,
                              chain_keep=0.4, target_gt_per_subregion=1.0)


@pytest.mark.parametrize("kw,match", [
    (dict(storage="low"), r"storage_case 'medium'.*'low'"),
    (dict(targets="p4"), r"target_case 'p3'.*'p4'"),
])
def test_coefficients_of_another_case_are_refused(kw, match):
    ds = small()
    ds.attrs.update(storage_case="medium", target_case="p3")   # as coefficients.build writes
    with pytest.raises(InputError, match=match):
        api.solve_coefficients(ds, scenarios.make("cooperation", **kw))
    # The matching case, and a Dataset carrying every case, still solve.
    api.solve_coefficients(ds, scenarios.make("cooperation"))
    both = ds.assign(storage_low=ds["storage"] * 0.5, target_p4=ds["target"] * 2.0)
    res = api.solve_coefficients(both, scenarios.make("cooperation", storage="low", targets="p4"))
    assert float(res.metrics["target"].sum("region").values[-1]) == \
        pytest.approx(2.0 * float(ds["target"].values[:, -1].sum()))


def test_switch_refuses_a_base_that_is_not_its_isolation():
    ds = small(5)
    coop = api.solve_coefficients(ds, scenarios.make("cooperation"))
    iso = api.solve_coefficients(ds, scenarios.make("isolation"))
    with pytest.raises(InputError, match=r"isolation: .*COOPERATION"):
        api.solve_coefficients(ds, scenarios.make("switch_2050"), isolation=coop)
    with pytest.raises(InputError, match=r"isolation: .*rates"):
        api.solve_coefficients(ds, scenarios.make("switch_2050",
                                                  rates=scenarios.Rates(ar=2.0)), isolation=iso)
    with pytest.raises(InputError, match=r"isolation: .*chain"):
        api.solve_coefficients(small(6), scenarios.make("switch_2050"), isolation=iso)
    sw = api.solve_coefficients(ds, scenarios.make("switch_2050"), isolation=iso)
    assert sw.solution.attrs["policy"] == "SWITCH_2050"


def test_a_policy_name_takes_the_cases_of_the_coefficients():
    ds = small()
    ds.attrs.update(storage_case="high", target_case="p4")
    res = api.solve_coefficients(ds, "cooperation")
    assert (res.scenario.storage, res.scenario.targets) == ("high", "p4")
    assert res.scenario.name == "cooperation-p4-high"
