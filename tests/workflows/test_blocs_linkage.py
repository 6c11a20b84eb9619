"""`fastmonet linkage` on a small five-region instance: pairs, join path, parallel = serial."""

import numpy as np
import pytest

from fastmonet import api, scenarios, synthetic
from fastmonet.blocs.blocs_file import load_blocs_file
from fastmonet.cli.main import main
from fastmonet.dimensions import REGIONS
from fastmonet.errors import InputError
from fastmonet.workflows import linkage


@pytest.fixture(scope="module")
def coeffs():
    return synthetic.instance(region_sizes={r: 2 for r in REGIONS}, n_ecozones=2, seed=5,
                              chain_keep=0.3, target_gt_per_subregion=4.0)


@pytest.fixture(scope="module")
def serial(coeffs):
    with linkage.Solver(coeffs, scenarios.make("isolation"), workers=1) as s:
        pairs = linkage.pairwise(s)
        path = linkage.join_path(s, pairs)
        return s, pairs, path


def _le(a, b):
    return a[0] < b[0] - 1e-6 * max(1, b[0]) or (abs(a[0] - b[0]) <= 1e-6 * max(1, b[0])
                                                 and a[1] <= b[1] * (1 + 1e-9) + 1e-9)


def test_every_pair_is_at_least_as_good_as_isolation(serial):
    s, pairs, _ = serial
    assert len(pairs) == 10
    for out in pairs.values():
        assert _le(out.objective, s.isolation.objective)


def test_join_path_ends_in_cooperation(coeffs, serial):
    s, pairs, path = serial
    assert len(path) == len(REGIONS) - 1
    assert path[0][1] is min(pairs.values(), key=lambda o: o.key)
    coop = api.solve_coefficients(coeffs, scenarios.make("cooperation"))
    last = path[-1][1]
    np.testing.assert_allclose(last.objective[1], coop.solution.attrs["cost_musd"], rtol=1e-9)
    # Each step joins one more region, so the objective never worsens along the path.
    keys = [s.isolation.objective] + [o.objective for _, o in path]
    assert all(_le(b, a) for a, b in zip(keys, keys[1:]))


def test_parallel_workers_give_the_serial_answer(coeffs, serial):
    _, pairs, _ = serial
    with linkage.Solver(coeffs, scenarios.make("isolation"), workers=2) as s2:
        pairs2 = linkage.pairwise(s2)
    for k in pairs:
        assert pairs2[k].objective == pairs[k].objective


def test_pair_rows_hold_every_metric(serial):
    s, pairs, path = serial
    rows = linkage.pair_rows(s, pairs) + linkage.path_rows(s, path)
    metrics = {r[2] for r in rows}
    assert {"world_cost_change", "shortfall_change", "cnc_change_a", "cnc_change_b",
            "join_world_cost"} <= metrics
    assert sum(r[2] == "world_cost_change" for r in rows) == 10
    assert all(np.isfinite(r[3]) or r[2] == "bloc_nep" for r in rows)


@pytest.mark.parametrize("text, message", [
    ('[[structure]]\nblocs = [["EU", "USA"], ["USA"], ["BRA", "CHN", "IND"]]\n', "in two blocs"),
    ('[[structure]]\nblocs = [["EU", "USA"]]\n', "region 'BRA' is in no bloc"),
    ('[[structure]]\nbloc = [["EU"]]\n', "unknown key 'bloc'"),
    ('blocs = 1\n', r"\[\[structure\]\]"),
    ('[[structure\n', "not valid TOML"),
])
def test_bad_blocs_file_is_one_line_naming_the_field(tmp_path, capsys, text, message):
    f = tmp_path / "b.toml"
    f.write_text(text)
    assert main(["linkage", "--blocs-file", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(f) in err
    with pytest.raises(InputError, match=message):
        load_blocs_file(f)


@pytest.mark.slow
def test_linkage_cli_on_the_bundled_data(capsys):
    assert main(["linkage", "--csv", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "region_a,region_b,metric,value,unit"
    pairs = {tuple(r.split(",")[:2]) for r in lines[1:] if ",world_cost_change," in r}
    assert len(pairs) == 10


def test_report_figures_from_linkage_rows_are_png(serial):
    from fastmonet.report import linkage as figs
    s, pairs, path = serial
    out = figs.figures(linkage.pair_rows(s, pairs) + linkage.path_rows(s, path))
    assert [f.key for f in out] == ["linkage_matrix", "linkage_path"]
    for f in out:
        png = f.png()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        f.close()


def test_run_with_a_blocs_scenario_writes_linkage_csv_and_figures(coeffs, tmp_path, capsys):
    from fastmonet import coefficients
    store = tmp_path / "c.zarr"
    coefficients.save(coeffs, store)
    sc = tmp_path / "s.toml"
    sc.write_text('[[scenario]]\nblocs = [["EU", "USA"], ["BRA", "CHN"], ["IND"]]\n'
                  '[[scenario]]\npolicy = "cooperation"\n')
    out = tmp_path / "out"
    assert main(["run", "--scenario-file", str(sc), "--coefficients", str(store),
                 "--out", str(out), "--quiet"]) == 0
    rows = (out / "linkage.csv").read_text().splitlines()
    assert rows[0] == "region_a,region_b,metric,value,unit"
    assert sum(",world_cost_change," in r for r in rows) == 10
    html = (out / "report.html").read_text()
    assert 'id="linkage_matrix"' in html and 'id="linkage_path"' in html
