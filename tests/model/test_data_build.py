"""The derived tables of data/ are exactly what data/scripts/build_tables.py makes of sources/."""

from __future__ import annotations

import importlib.util
import shutil

from fastmonet.data import DEFAULT_PATH

DERIVED = ("subregions.csv", "land_ecozone.csv", "land.csv", "storage.csv", "energy.csv",
           "crop_yield.csv")


def test_rebuild_is_byte_identical(tmp_path):
    spec = importlib.util.spec_from_file_location("build_tables",
                                                  DEFAULT_PATH / "scripts" / "build_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shutil.copytree(DEFAULT_PATH / "sources", tmp_path / "sources")
    shutil.copy(DEFAULT_PATH / "storage_totals.csv", tmp_path / "storage_totals.csv")
    module.build(tmp_path)
    for name in DERIVED:
        assert (tmp_path / name).read_bytes() == (DEFAULT_PATH / name).read_bytes(), name


def test_largest_remainder_is_exact():
    spec = importlib.util.spec_from_file_location("build_tables",
                                                  DEFAULT_PATH / "scripts" / "build_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.largest_remainder(10, {"a": 1.0, "b": 1.0, "c": 1.0})
    assert sum(out.values()) == 10 and sorted(out.values()) == [3, 3, 4]
    assert module.largest_remainder(0, {"a": 0.0}) == {"a": 0}
