"""Provenance of inputs: every file the loaders read is recorded with its SHA-256 (issue 8)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from fastmonet import coefficients, data, technology
from fastmonet.data import DEFAULT_PATH
from fastmonet.data.validate import input_paths


@pytest.fixture(scope="module")
def bundled_coeffs():
    return coefficients.build(data.load())


def sha(path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_data_load_records_every_table_and_forest_file():
    files = json.loads(data.load().attrs["input_files"])
    assert files["land.csv"] == sha(DEFAULT_PATH / "land.csv")
    assert files["forest/table2_growth.csv"] == sha(DEFAULT_PATH / "forest" / "table2_growth.csv")
    expected = {p.relative_to(DEFAULT_PATH).as_posix() for p in input_paths(DEFAULT_PATH)}
    assert set(files) == expected
    assert len(files) == 16   # 11 tables + 5 forest tables


def test_technology_records_its_tomls():
    tech = technology.load()
    names = {p.name for p in (DEFAULT_PATH / "technology").glob("*.toml")}
    assert set(tech.input_files) == {f"technology/{n}" for n in names}
    assert tech.input_files["technology/beccs.toml"] == sha(DEFAULT_PATH / "technology" / "beccs.toml")


def test_coefficients_carry_both(bundled_coeffs):
    files = json.loads(bundled_coeffs.attrs["input_files"])
    assert "land.csv" in files and "technology/dac.toml" in files
    assert bundled_coeffs.attrs["technology_path"] == str((DEFAULT_PATH / "technology").resolve())


def test_a_changed_file_changes_its_hash_only(tmp_path, bundled_coeffs):
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_PATH, copy, ignore=shutil.ignore_patterns("sources", "scripts"))
    with (copy / "technology" / "dac.toml").open("a") as fh:
        fh.write("# a comment changes the bytes, not the values\n")
    got = {**json.loads(data.load(copy).attrs["input_files"]),
           **technology.load(copy / "technology").input_files}
    ref = json.loads(bundled_coeffs.attrs["input_files"])
    assert set(got) == set(ref)
    assert [k for k in ref if got[k] != ref[k]] == ["technology/dac.toml"]
