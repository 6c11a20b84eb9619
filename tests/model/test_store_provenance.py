"""fastmonet.store.provenance: file hashes, folder hashes, the input_files attribute, versions."""

from __future__ import annotations

import json

import fastmonet
from fastmonet.store import provenance as pv


def test_hash_file_changes_with_content(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x,y\n1,2\n")
    h1 = pv.hash_file(f)
    assert h1.startswith("sha256:") and len(h1) == 7 + 64
    f.write_text("x,y\n1,3\n")
    assert pv.hash_file(f) != h1


def test_hash_tree_relative_sorted_and_data_files_only(tmp_path):
    (tmp_path / "technology").mkdir()
    (tmp_path / "b.csv").write_text("1")
    (tmp_path / "technology" / "dac.toml").write_text("a = 1")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.csv").write_text("ignored")
    got = pv.hash_tree(tmp_path)
    assert list(got) == ["b.csv", "technology/dac.toml"]


def test_input_files_attr_round_trip_and_merge():
    a = pv.input_files_attr({"z.csv": "sha256:1", "a.csv": "sha256:2"})
    assert list(json.loads(a)) == ["a.csv", "z.csv"]
    assert pv.input_files_from({"input_files": a}) == {"a.csv": "sha256:2", "z.csv": "sha256:1"}
    assert pv.input_files_from({}) is None
    merged = json.loads(pv.merge_input_files(a, {"t.toml": "sha256:3"}, None))
    assert set(merged) == {"a.csv", "z.csv", "t.toml"}


def test_hash_json_ignores_key_order():
    assert pv.hash_json({"a": 1, "b": [1, 2]}) == pv.hash_json({"b": [1, 2], "a": 1})
    assert pv.hash_json({"a": 1}) != pv.hash_json({"a": 2})


def test_environment_reports_package_version():
    env = pv.environment()
    assert env["fastmonet_version"] == fastmonet.__version__ != "0+unknown"
    assert env["highs_version"].count(".") == 2


def test_inputs_record_falls_back_to_hashing_the_data_folder(tmp_path):
    import xarray as xr
    (tmp_path / "land.csv").write_text("a,b\n1,2\n")
    ds = xr.Dataset(attrs={"data_path": str(tmp_path)})
    first = pv.inputs_record(ds)
    assert first["input_files"] == {"land.csv": pv.hash_file(tmp_path / "land.csv")}
    assert "did not record" in first["input_source"]
    (tmp_path / "land.csv").write_text("a,b\n1,3\n")
    second = pv.inputs_record(ds)
    assert second["input_key"] != first["input_key"]
    assert pv.differences(first, second) == ["inputs differ (changed land.csv)"]
    # Recorded files win over the folder; a Dataset with neither is keyed on its content.
    rec = pv.inputs_record(ds.assign_attrs(input_files=pv.input_files_attr({"x.csv": "h"})))
    assert rec["input_files"] == {"x.csv": "h"}
    a = pv.inputs_record(xr.Dataset({"v": ("x", [1.0, 2.0])}))
    b = pv.inputs_record(xr.Dataset({"v": ("x", [1.0, 2.5])}))
    assert a["input_key"] != b["input_key"] and a["input_files"] == {}


def test_version_is_read_from_package_metadata_not_the_package_front(monkeypatch):
    # The package front (whose __getattr__ loads the API) is not where a stored result's
    # provenance comes from: a front that says otherwise does not change it.
    from importlib import metadata
    monkeypatch.setattr(fastmonet, "__version__", "front-only")
    assert pv.fastmonet_version() == metadata.version("fastmonet")
    assert pv.environment()["fastmonet_version"] != "front-only"
