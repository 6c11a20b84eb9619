"""docs/scripts/sensitivity.py: the page generated from an ensemble store (issue 21)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "scripts" / "sensitivity.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("sensitivity_page", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def store_like(sampler="sobol", base=128):
    """A store's root group whose outputs are known functions of a Saltelli design over a, b, c."""
    from SALib.sample import sobol as salib_sobol
    names = ["a", "b", "c"]
    u = salib_sobol.sample({"num_vars": 3, "names": names, "bounds": [[0.0, 1.0]] * 3}, base,
                           calc_second_order=False, seed=4)
    m, scen = u.shape[0], ["cooperation", "isolation"]
    # Partitioned like a store (layout 3): the world is the sum over regions and options.
    regions, options, years = ["IND", "CHN"], ["ar", "beccs", "daccs"], [2090, 2100]
    cnc_world = np.zeros((m, 2, 2))
    cnc_world[..., 1] = (50.0 + 100.0 * u[:, 0] + 300.0 * u[:, 1])[:, None]   # world, 2100
    cum = np.zeros((m, 2, 2, 3, 2))
    total = 250e9
    ar = (total * (0.1 + 0.3 * u[:, 2]))[:, None]                           # AR share 10-40 %
    daccs = (total * 0.2 * u[:, 0])[:, None]                                # DACCS 0-20 %
    cum[..., 1, 0, 1], cum[..., 1, 2, 1] = ar, daccs
    cum[..., 1, 1, 1] = total - ar - daccs
    short = np.zeros((m, 2, 2, 2))
    short[:, 1, 0, 1] = 10e9 + 10e9 * u[:, 1]                               # India, isolation
    ds = xr.Dataset(
        {"cnc": (("member", "scenario", "region", "option", "year"), np.zeros_like(cum)),
         "cnc_world_all_options": (("member", "scenario", "year"), cnc_world),
         "cum_removal": (("member", "scenario", "region", "option", "year"), cum),
         "shortfall": (("member", "scenario", "region", "year"), short),
         "status": (("member", "scenario"), np.ones((m, 2), np.int8))},
        coords={"member": np.arange(m), "scenario": scen, "region": regions, "option": options,
                "year": years, "parameter": names},
        attrs={"sampler": sampler, "seed": 0, "saltelli_second_order": False,
               "saltelli_base_n": base, "targets": "p3"})
    return ds, u


def test_headline_percentiles_and_sobol_indices_follow_the_members(script):
    from scipy.stats import percentileofscore
    ds, u = store_like()
    text, summary = script.render(ds, "demo.zarr")
    cnc = 50.0 + 100.0 * u[:, 0] + 300.0 * u[:, 1]
    p5, p50, p95, pct = summary[("cnc", "cooperation")]
    assert (p5, p50, p95) == tuple(np.percentile(cnc, [5, 50, 95]))
    assert pct == percentileofscore(cnc, 57.0, kind="mean") and pct < 5
    assert summary[("daccs_share", "cooperation")][3] == pytest.approx(0.0)   # every member has DACCS
    ar = 100.0 * (0.1 + 0.3 * u[:, 2])
    assert summary[("ar_share", "isolation")][3] == percentileofscore(ar, 26.0, kind="mean")
    assert summary[("india_shortfall", "isolation")][3] == percentileofscore(
        10.0 + 10.0 * u[:, 1], 16.0, kind="mean")
    # CNC: b drives it (variance 9x a's), c not at all; the top row is b and it is resolved.
    section = text.split("### cooperation: world CNC 2100")[1].split("###")[0]
    rows = [r for r in section.splitlines() if r.startswith("| ") and not r.startswith("| input")]
    assert rows[0].startswith("| b |") and rows[0].endswith("| yes |")
    assert rows[1].startswith("| a |") and rows[-1].startswith("| c |")
    assert "driven most by b (ST 0.9" in section


def test_a_store_drawn_without_sobol_gets_percentiles_and_says_why_no_indices(script):
    ds, _ = store_like(sampler="lhs", base=8)
    text, summary = script.render(ds, "lhs.zarr")
    assert "Not computed: the store was drawn with --sampler lhs" in text
    assert "### cooperation" not in text and len(summary) == 8


def test_readings_block_goes_after_the_scenario_table_and_is_replaced_in_place(script):
    doc = "a\n<!-- generated:results:begin -->\nT\n<!-- generated:results:end -->\nb\n"
    once = script.replace_section(doc, "ensemble", "E1")
    assert once.index("generated:results:end") < once.index("E1") < once.index("\nb\n")
    twice = script.replace_section(once, "ensemble", "E2")
    assert "E1" not in twice and twice.count("generated:ensemble:begin") == 1
