"""The run report compares scenarios on equal terms (issue 19, findings 1, 2, 4, 5).

A small combined Dataset (the layout of `scenario_dataset.combine`) with two scenarios that miss
India's target and two that meet every target is enough to check what the figures draw, what
the table, notes and narrative say, and the shared palette; nothing is solved here."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import xarray as xr

from fastmonet.report import figures, narrative, palette, shortfall, table

GT = 1e9
YEARS = np.arange(2030, 2101, 10)
REGIONS = ["BRA", "IND", "world"]
OPTIONS = ["ar", "beccs", "daccs", "all"]
SCEN = {  # name: (policy, IND shortfall 2100 in GtCO2, world CTNC 2100 in trillion US$)
    "cooperation": ("COOPERATION", 0.0, 40.4),
    "current_policy": ("CURRENT_POLICY", 20.0, 36.3),
    "isolation": ("ISOLATION", 20.0, 39.8),
    "switch_2050": ("SWITCH_2050", 0.0, 41.4),
}
MNC_2100 = {"cooperation": (30.0, 240.0), "current_policy": (31.0, 260.0),
            "isolation": (28.0, 300.0), "switch_2050": (33.0, 250.0)}   # (BRA, IND), US$/tCO2


def fake_run() -> xr.Dataset:
    names = list(SCEN)
    n_s, n_r, n_o, n_y = len(names), len(REGIONS), len(OPTIONS), len(YEARS)
    ramp = (np.arange(1, n_y + 1) / n_y)                                  # cumulative shape
    target = np.zeros((n_s, n_r, n_y))
    target[:, 0], target[:, 1] = 50 * GT * ramp, 100 * GT * ramp
    target[:, 2] = target[:, 0] + target[:, 1]
    short = np.zeros((n_s, n_r, n_y))
    for i, n in enumerate(names):
        short[i, 1] = SCEN[n][1] * GT * ramp
        short[i, 2] = short[i, 1]
    removed = target - short                                               # (s, r, y), all
    cum = np.zeros((n_s, n_r, n_o, n_y))
    for k, share in enumerate((0.2, 0.5, 0.3)):
        cum[:, :, k] = share * removed
    cum[:, :, 3] = removed
    ctnc = np.zeros_like(cum)
    for i, n in enumerate(names):
        ctnc[i, 2, 3] = SCEN[n][2] * 1e12 * ramp ** 2
        ctnc[i, 0, 3] = 0.2 * ctnc[i, 2, 3]
        ctnc[i, 1, 3] = 0.8 * ctnc[i, 2, 3]
    for k, share in enumerate((0.1, 0.6, 0.3)):
        ctnc[:, :, k] = share * ctnc[:, :, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        cnc = ctnc / cum
    mnc = np.full_like(cum, 100.0)
    for i, n in enumerate(names):
        mnc[i, 0, 3, -1], mnc[i, 1, 3, -1] = MNC_2100[n]
    rate = np.diff(cum, axis=3, prepend=0.0) / 10
    ds = xr.Dataset(
        {"cum_removal": (("scenario", "region", "option", "year"), cum, {"units": "tCO2"}),
         "removal_rate": (("scenario", "region", "option", "year"), rate, {"units": "tCO2/yr"}),
         "ctnc": (("scenario", "region", "option", "year"), ctnc, {"units": "US$"}),
         "cnc": (("scenario", "region", "option", "year"), cnc, {"units": "US$/tCO2"}),
         "mnc": (("scenario", "region", "option", "year"), mnc, {"units": "US$/tCO2"}),
         "target": (("scenario", "region", "year"), target, {"units": "tCO2"}),
         "shortfall": (("scenario", "region", "year"), short, {"units": "tCO2"}),
         "cnc_trading_2100": (("scenario", "region"), cnc[:, :, 3, -1], {"units": "US$/tCO2"}),
         "sold_2100": (("scenario", "region"), np.zeros((n_s, n_r)), {"units": "tCO2"}),
         "bought_2100": (("scenario", "region"), np.zeros((n_s, n_r)), {"units": "tCO2"}),
         "nep": (("scenario",), np.array([250.0, np.nan, np.nan, 255.0]), {"units": "US$/tCO2"}),
         "cum_removal_subregion": (("scenario", "subregion", "option", "year"),
                                   np.ones((n_s, 3, n_o, n_y)) * GT, {"units": "tCO2"})},
        coords={"scenario": names, "region": REGIONS, "option": OPTIONS, "year": YEARS,
                "subregion": ["BRA.1", "IND.1", "IND.2"],
                "policy": ("scenario", [SCEN[n][0] for n in names]),
                "targets": ("scenario", ["p3"] * n_s), "storage": ("scenario", ["medium"] * n_s)})
    return ds


@pytest.fixture(scope="module")
def ds():
    return fake_run()


def test_the_price_of_a_missing_tonne_follows_the_stated_rule(ds):
    p = shortfall.pricing(ds)
    # the highest 2100 MNC among the scenarios that meet every target (isolation's 300 is not)
    assert p.price == 250.0 and (p.scenario, p.region) == ("switch_2050", "IND") and p.met_only
    assert "250 US$/tCO2" in p.rule and "met every target" in p.rule
    assert shortfall.missed(ds) == ["current_policy", "isolation"]
    priced = shortfall.priced_cnc(ds, p)
    for n in SCEN:
        for r in REGIONS:
            plain = float(ds["cnc_trading_2100"].sel(scenario=n, region=r))
            short = float(ds["shortfall"].sel(scenario=n, region=r, year=2100))
            got = float(priced.sel(scenario=n, region=r))
            removed = float(ds["cum_removal"].sel(scenario=n, region=r, option="all", year=2100))
            want = (plain * removed + 250.0 * short) / (removed + short)
            assert got == pytest.approx(want if short else plain)
    # missing the target no longer looks cheap: current policy costs more than cooperation
    w = shortfall.priced_ctnc(ds, p).sel(region="world", year=2100)
    assert float(w.sel(scenario="current_policy")) > float(w.sel(scenario="cooperation"))
    assert float(w.sel(scenario="current_policy")) == pytest.approx(36.3e12 + 250.0 * 20 * GT)


def test_without_a_scenario_meeting_its_targets_the_rule_says_so(ds):
    only = ds.sel(scenario=["current_policy", "isolation"])
    p = shortfall.pricing(only)
    assert p.price == 300.0 and not p.met_only and "none met every target" in p.rule


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_fig5_marks_every_missed_target_with_its_amount_and_the_priced_cnc(ds):
    f = figures.cnc_trading(ds)
    ax = f.fig.axes[0]
    marks = [t for t in _texts(ax) if t.endswith("Gt")]
    assert sorted(marks) == ["-20.0 Gt", "-20.0 Gt", "-20.0 Gt", "-20.0 Gt"]  # IND + world, x2
    diamonds = [ln for ln in ax.get_lines() if ln.get_marker() == "D" and len(ln.get_ydata())]
    p = shortfall.pricing(ds)
    want = sorted(float(shortfall.priced_cnc(ds, p).sel(scenario=n, region=r))
                  for n in ("current_policy", "isolation") for r in ("IND", "world"))
    assert sorted(float(d.get_ydata()[0]) for d in diamonds) == pytest.approx(want)
    assert "current_policy misses 20.0 GtCO2 (IND 20.0)" in f.caption
    assert "250 US$/tCO2" in f.caption and "all 4 scenarios" in f.caption
    f.close()


def test_fig6_draws_every_scenario_and_the_priced_cost_of_those_that_miss(ds):
    f = figures.ctnc_over_time(ds)
    ax = f.fig.axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert [lab for lab in labels if "priced" not in lab] == list(SCEN)     # CURRENT_POLICY too
    dashed = {ln.get_label(): ln for ln in ax.get_lines() if "priced" in ln.get_label()}
    assert set(dashed) == {"current_policy, shortfall priced", "isolation, shortfall priced"}
    y = dashed["isolation, shortfall priced"].get_ydata()
    want = (ds["ctnc"].sel(scenario="isolation", region="world", option="all")
            + 250.0 * ds["shortfall"].sel(scenario="isolation", region="world")) / 1e12
    np.testing.assert_allclose(y, want.values)
    assert _texts(ax).count("misses 20.0 Gt") == 2
    assert "all 4 scenarios" in f.caption and "missing tonnes priced at 250" in f.caption
    f.close()


def test_fig1_and_fig4_captions_say_what_is_missed(ds):
    f = figures.cumulative_removal(ds)
    assert any("misses 20.0 Gt" in t for ax in f.fig.axes for t in _texts(ax))
    assert "isolation misses 20.0 GtCO2" in f.caption
    f.close()


def _rows(ds):
    out = []
    for n in SCEN:
        d = ds.sel(scenario=n)
        for r in REGIONS:
            out.append((n, r, "all", "shortfall_2100",
                        float(d["shortfall"].sel(region=r, year=2100)) / GT, "GtCO2"))
            out.append((n, r, "all", "cnc_2100", float(d["cnc_trading_2100"].sel(region=r)),
                        "US$/tCO2"))
            for o in OPTIONS:
                out.append((n, r, o, "cum_removal_2100",
                            float(d["cum_removal"].sel(region=r, option=o, year=2100)) / GT,
                            "GtCO2"))
        out.append((n, "world", "all", "nep", float(d["nep"]), "US$/tCO2"))
    return out


def test_the_table_and_its_notes_put_the_priced_cnc_beside_the_plain_one(ds):
    p = shortfall.pricing(ds)
    lines = table.lines(_rows(ds), shortfall.world_cnc_priced(ds, p))
    by = {x.scenario: table.cells(x) for x in lines}
    i_cnc, i_priced = table.HEAD.index("CNC"), table.HEAD.index("CNC priced")
    assert by["cooperation"][i_cnc] == by["cooperation"][i_priced]
    want = shortfall.world_cnc_priced(ds, p)["current_policy"]
    assert by["current_policy"][i_priced] == f"{want:.1f}"
    assert float(by["current_policy"][i_priced]) > float(by["cooperation"][i_priced])
    notes = table.notes(lines, p)
    assert notes[0].startswith("CNC priced:") and p.rule in notes[0]
    cp = next(n for n in notes if n.startswith("current_policy: misses"))
    assert "covers only the tonnes it delivers" in cp and f"{want:.1f} US$/tCO2" in cp


def test_the_narrative_says_the_costs_of_a_missed_target_are_not_comparable(ds):
    paras = dict(narrative.paragraphs(ds))
    iso = paras["isolation"]
    p = shortfall.pricing(ds)
    priced = float(shortfall.priced_ctnc(ds, p).sel(scenario="isolation", region="world",
                                                    year=2100)) / 1e12
    assert "not comparable" in iso and f"would be {priced:.1f} trillion US$" in iso
    assert "IND's" in iso and "it misses 20.0 GtCO2" in iso
    assert "not comparable" not in paras["cooperation"]


def test_one_palette_for_options_and_scenarios_in_both_reports(ds):
    from fastmonet.ensemble import report as ens
    f = figures.ctnc_over_time(ds)
    colour = {ln.get_label(): ln.get_color() for ln in f.fig.axes[0].get_lines()}
    for n, (pol, _, _) in SCEN.items():
        assert colour[n] == palette.policy_colour(pol)
    f.close()
    # an ensemble store's layout: (member, scenario, ...) with lower-case policy names
    m = 6
    e = xr.Dataset(
        {"cum_removal": (("member", "scenario", "region", "option", "year"),
                         np.random.default_rng(0).random((m, 2, 1, 4, len(YEARS))).cumsum(-1) * GT),
         "cnc": (("member", "scenario", "region", "option", "year"),
                 100 + np.random.default_rng(1).random((m, 2, 1, 4, len(YEARS)))),
         "shortfall": (("member", "scenario", "region", "year"), np.zeros((m, 2, 1, len(YEARS)))),
         "nep": (("member", "scenario"), np.full((m, 2), 250.0)),
         "status": (("member", "scenario"), np.ones((m, 2), np.int8))},
        coords={"member": np.arange(m), "scenario": ["cooperation", "isolation"],
                "region": ["world"], "option": OPTIONS, "year": YEARS})
    fan = ens.fan_figure(e)
    got = {ln.get_label(): ln.get_color() for ln in fan.axes[0].get_lines()}
    assert got == {"AR": palette.OPTION_COLOURS["ar"], "BECCS": palette.OPTION_COLOURS["beccs"],
                   "DACCS": palette.OPTION_COLOURS["daccs"], "all options": palette.TOTAL_COLOUR}
    fig = figures.annual_removal(ds).fig
    bar_colours = {p.get_facecolor()[:3] for p in fig.axes[0].patches}
    import matplotlib.colors as mc
    assert {mc.to_rgb(c) for c in palette.OPTION_COLOURS.values()} <= bar_colours
    hist = ens.histogram_figure(e)
    ticks = hist.axes[0].get_yticks()
    assert np.allclose(ticks, np.round(ticks))                    # whole members only
    assert {mc.to_hex(p.get_facecolor()[:3]) for p in hist.axes[0].patches} == \
        {palette.policy_colour("COOPERATION"), palette.policy_colour("ISOLATION")}
    assert any("too few for p5/p95" in t.get_text() for t in fan.axes[0].texts)


def test_small_member_counts_get_a_warning_and_bootstrap_intervals():
    from fastmonet.ensemble import report as ens
    assert ens.members_needed() == 40
    assert ens.member_warning(40) is None
    warn = ens.member_warning(6)
    assert "only 6 members" in warn and "at least 40" in warn
    vals = np.arange(6.0)
    (lo5, hi5), (lo50, hi50), (lo95, hi95) = ens.bootstrap_intervals(vals)
    assert lo5 <= np.percentile(vals, 5) <= hi5 and lo95 <= np.percentile(vals, 95) <= hi95
    assert lo50 < hi50                                           # six members: a wide interval


def test_the_map_stays_on_the_globe(ds):
    inputs = xr.Dataset({"lat": ("subregion", [-10.0, 20.0, 30.0]),
                         "lon": ("subregion", [-175.0, 75.0, 179.0])},
                        coords={"subregion": ["BRA.1", "IND.1", "IND.2"]})
    f = figures.removal_map(ds, inputs)
    for ax in f.fig.axes:
        lo, hi = ax.get_xlim()
        assert -180.0 <= lo < -175.0 and 179.0 < hi <= 180.0
    f.close()


def test_the_provenance_per_scenario_fits_the_page_and_the_share_of_assumed_inputs_is_said(tmp_path):
    from fastmonet import bundled
    from fastmonet.data import status
    from fastmonet.report import assumptions, html
    from fastmonet.report.content import Report
    full = "sha256:" + "ab" * 32
    prov = {"fastmonet": "0.1.0", "input_files": {"land.csv": full},
            "scenarios": {f"s{i}": {"scenario_key": full, "input_key": full,
                                    "started": "2026-12-04T18:30:06Z",
                                    "highs_options": {"presolve": "on", "threads": 1,
                                                      "simplex_strategy": 1}}
                          for i in range(3)}}
    a = assumptions.summary(bundled.DATA_DIR)
    rep = Report(title="t", lines=[], notes=[], paragraphs=[], figures=[], provenance=prov,
                 assumed=a)
    page = html.write(rep, tmp_path / "r.html").read_text()
    per = page[page.index("<h3>Per scenario"):]
    per = per[:per.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", c).replace("&hellip;", "…")
             for c in re.findall(r"<td>(.*?)</td>", per)]
    assert cells and max(len(c) for c in cells) <= 40
    assert f'title="{full}"' in per and "HiGHS options of every scenario" in page
    assert full in page                                           # the full values stay
    rows = [r for r in status.report(bundled.DATA_DIR)
            if r[0] != "all" and not r[0].startswith("sources/")]
    assumed = sum(r[2 + status.STATUSES.index("assumed")] for r in rows)
    total = sum(r[-1] for r in rows)
    assert (a.assumed, a.total) == (assumed, total) and 0 < assumed < total
    section = page[page.index("Input data: how much is assumed"):]
    assert f"{assumed} of the {total} input values" in section
    assert "<code>mal_ha</code></td><td class=\"num\">169</td>" in section
    assert math.isclose(a.share, assumed / total)


def test_no_biomass_crossing_a_border_reads_0_percent_not_minus_0():
    """The solver leaves flows like -1e-12 where nothing moves: the share is 0%, never -0%."""
    import numpy as np
    import xarray as xr

    from fastmonet.report import narrative
    ds = fake_run()
    flow = np.array([[1.0, -1e-12], [0.0, 2.0]])          # (source, plant): nothing crosses
    flow = np.broadcast_to(flow[None, :, :, None], (ds.sizes["scenario"], 2, 2, 1))
    ds = ds.assign(biomass_flow=xr.DataArray(
        flow, dims=("scenario", "source_region", "plant_region", "year"),
        coords={"source_region": ["BRA", "USA"], "plant_region": ["BRA", "USA"], "year": [2100]}))
    text = narrative.paragraph(ds, str(ds["scenario"].values[0]))
    assert "0% of the biomass" in text and "-0%" not in text


def test_figures_drawn_in_worker_processes_are_the_figures_drawn_here():
    from fastmonet.report import rendering
    ds = fake_run()
    makers = [lambda: figures.cnc_trading(ds), lambda: None, lambda: figures.ctnc_over_time(ds)]
    here, there = rendering.render(makers, workers=1), rendering.render(makers, workers=2)
    assert [f.key for f in here] == [f.key for f in there] == ["fig5_cnc_trading", "fig6_ctnc"]
    assert [f.png() for f in here] == [f.png() for f in there]
    assert there[0].png().startswith(b"\x89PNG")
