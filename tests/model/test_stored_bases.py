"""Each solve's basis kept in its store; a scenario solved again there starts from it (issue 20)."""

import numpy as np
import pytest

from fastmonet import api, scenarios, synthetic
from fastmonet.lp import build
from fastmonet.store import bases


@pytest.fixture(scope="module")
def coeffs():
    return synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, seed=11)


def test_a_stored_basis_lays_onto_a_model_as_the_reference_does(coeffs, tmp_path):
    res = api.solve_coefficients(coeffs, "cooperation", keep_reference=True)
    bases.save(tmp_path, "coop", res.reference)
    back = bases.load(tmp_path, "coop")
    model = build(coeffs, scenarios.make("cooperation"))
    a, b = res.reference.onto(model), back.onto(model)
    np.testing.assert_array_equal(a["warm_basis"].col_status, b["warm_basis"].col_status)
    np.testing.assert_array_equal(a["warm_basis"].row_status, b["warm_basis"].row_status)
    assert a["zero_first"] == b["zero_first"]
    kept = sum(k.size for k, _ in back.cost.columns.values())
    assert kept < model.n_col                      # only the entries off their default


def test_a_scenario_solved_again_into_its_store_starts_from_its_basis(coeffs, tmp_path):
    store = tmp_path / "r.zarr"
    first = api.solve_many([scenarios.make("cooperation")], out=store, coefficients=coeffs)[0]
    assert bases.path(store, "cooperation-p3-medium").is_file()
    assert "warm_start_from" not in first.provenance
    changed = coeffs.assign(beccs_cost=coeffs["beccs_cost"] * 1.05)
    again = api.solve_many([scenarios.make("cooperation")], out=store, coefficients=changed,
                           overwrite=True)[0]
    cold = api.solve_coefficients(changed, "cooperation")
    assert again.provenance["warm_start_from"] == "the stored basis of cooperation-p3-medium"
    assert again.solution.attrs["cost_musd"] == pytest.approx(cold.solution.attrs["cost_musd"],
                                                              rel=1e-9)


def test_an_unreadable_basis_means_a_cold_solve(coeffs, tmp_path):
    store = tmp_path / "r.zarr"
    api.solve_many([scenarios.make("isolation")], out=store, coefficients=coeffs)
    bases.path(store, "isolation-p3-medium").write_bytes(b"not a zip")
    assert bases.load(store, "isolation-p3-medium") is None
    res = api.solve_many([scenarios.make("isolation")], out=store,
                         coefficients=coeffs.assign(target=coeffs["target"] * 0.9), overwrite=True)
    assert "warm_start_from" not in res[0].provenance


def test_info_does_not_list_the_bases_as_a_group(coeffs, tmp_path, capsys):
    from fastmonet.cli import main
    store = tmp_path / "r.zarr"
    api.solve_many([scenarios.make("isolation")], out=store, coefficients=coeffs)
    assert main.main(["info", str(store)]) == 0
    assert ".bases" not in capsys.readouterr().out

