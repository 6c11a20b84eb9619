"""The Python API refuses wrong argument types with one InputError (issue 8), and errors raised
after loading name the file the bad value came from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fastmonet import coefficients, data, forest_tables, technology
from fastmonet.errors import InputError


@pytest.mark.parametrize("call, pattern", [
    (lambda: data.load(42), r"data folder: path must be a folder path.*got int"),
    (lambda: data.load(storage=["medium"]), r"data\.load: option storage must be a string"),
    (lambda: data.load(targets=3), r"data\.load: option targets must be a string"),
    (lambda: data.check(3.5), r"data folder: path must be a folder path.*got float"),
    (lambda: technology.load(["data/technology"]), r"technology\.load: path must be a folder"),
    (lambda: forest_tables.load(7), r"forest_tables\.load: path must be a folder path"),
    (lambda: coefficients.build({"lrp": 1}), r"coefficients\.build: inputs must be the xarray"),
    (lambda: coefficients.build(data.load(), tech=5), r"coefficients\.build: tech must be"),
])
def test_wrong_argument_types(call, pattern):
    with pytest.raises(InputError, match=pattern):
        call()


def test_later_errors_name_the_file():
    inputs = data.load()
    assert Path(inputs["mal"].attrs["file"]).name == "land.csv"
    assert Path(inputs["growth_G"].attrs["file"]).name == "table2_growth.csv"
    bad = inputs.copy(deep=True)
    bad["mal"].values[3] = np.nan          # e.g. a Dataset edited after loading
    with pytest.raises(InputError, match=r"inputs variable 'mal' \(from .*land\.csv\): invalid "
                                         r"value nan at subregion="):
        coefficients.build(bad)
