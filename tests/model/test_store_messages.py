"""Messages and partial files: what a refused or failed write tells the user."""

import errno

import pytest

from fastmonet.store.provenance import differences


def _prov(targets, storage, coeff_key):
    return {"scenario_key": f"{targets}-{storage}", "input_key": coeff_key,
            "scenario_definition": {"targets": targets, "storage": storage},
            "input_files": {"land.csv": "sha256:1"}, "coefficients_key": coeff_key}


def test_a_case_change_does_not_claim_the_inputs_changed_in_memory():
    msg = "; ".join(differences(_prov("p3", "medium", "k1"), _prov("p4", "high", "k2")))
    assert "targets 'p3' -> 'p4'" in msg and "storage 'medium' -> 'high'" in msg
    assert "changed in memory" not in msg
    assert "coefficients of the other targets and storage case" in msg


def test_same_case_other_coefficients_still_says_so():
    msg = "; ".join(differences(_prov("p3", "medium", "k1"), _prov("p3", "medium", "k2")))
    assert "changed in memory" in msg


def test_a_failed_netcdf_write_leaves_no_truncated_file(tmp_path, monkeypatch):
    import xarray as xr

    from fastmonet import results
    ds = xr.Dataset({"x": ("a", [1.0, 2.0])})
    target = tmp_path / "r.nc"

    def full_disk(self, path, *a, **k):
        with open(path, "wb") as fh:
            fh.write(b"CDF\x01 truncated")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full_disk)
    with pytest.raises(OSError, match=r"No space left on device: writing .*r\.nc"):
        results._write_whole(ds, target)
    assert list(tmp_path.iterdir()) == []
