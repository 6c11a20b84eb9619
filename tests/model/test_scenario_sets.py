"""The scenario sets of `fastmonet run`: the paper's P3 set and the Appendix E sensitivities."""

from fastmonet import scenario_sets
from fastmonet.scenarios import HIGH_RATES


def test_the_paper_set_is_the_seven_p3_policies_with_medium_storage():
    scs = scenario_sets.paper()
    assert [s.label for s in scs] == ["COOPERATION", "CURRENT_POLICY", "ISOLATION", "SWITCH_2030",
                                      "SWITCH_2050", "SWITCH_2070", "SWITCH_2090"]
    assert {(s.targets, s.storage, s.rates.is_default()) for s in scs} == {("p3", "medium", True)}


def test_appendix_e_varies_one_thing_at_a_time_for_the_three_policies():
    scs = scenario_sets.appendix_e()
    names = [s.name for s in scs]
    assert len(set(names)) == len(names)
    cases = {}
    for s in scs:
        cases.setdefault((s.targets, s.storage, s.rates), set()).add(s.label)
    assert all(v == {"COOPERATION", "CURRENT_POLICY", "ISOLATION"} for v in cases.values())
    keys = set(cases)
    assert any(t == "p4" and st == "medium" and r.is_default() for t, st, r in keys)
    assert any(t == "p3" and st == "high" and r.is_default() for t, st, r in keys)
    assert any((r.ar, r.beccs, r.dac) == HIGH_RATES and t == "p3" for t, st, r in keys)
    f10 = [r for _, _, r in keys if getattr(r, "build_factor", None) == 10.0]
    assert len(f10) == (1 if scenario_sets.has_build_factor() else 0)
    assert len(keys) == 3 + scenario_sets.has_build_factor()
