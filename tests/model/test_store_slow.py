"""Issue 8 finding 1 on the bundled data (slow: one real solve): resume is keyed on content."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pytest

from fastmonet.bundled import DATA_DIR
from fastmonet.cli.main import main

pytestmark = pytest.mark.slow


def cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def copy_data(dst):
    shutil.copytree(DATA_DIR, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def test_finding_1_bundled_then_other_data_or_definition(tmp_path):
    out = tmp_path / "s.zarr"
    rc, _, err = cli("solve", "--scenario", "isolation", "--name", "m", "--out", out)
    assert rc == 0, err
    # A byte-identical copy of the data is the same input: reused, not solved.
    same = copy_data(tmp_path / "same")
    rc, _, err = cli("solve", "--data", same, "--scenario", "isolation", "--name", "m",
                     "--out", out)
    assert rc == 0 and "reused" in err, err
    # DAC CAPEX cut 100x in the copy's technology folder: stop before solving, naming the file.
    other = copy_data(tmp_path / "other")
    dac = other / "technology" / "dac.toml"
    dac.write_text(dac.read_text().replace("value = 1600.0", "value = 16.0"))
    rc, _, err = cli("solve", "--data", other, "--scenario", "isolation", "--name", "m",
                     "--out", out)
    assert rc == 2 and "'m'" in err and "technology/dac.toml" in err and "solved in" not in err
    # The same name asked as P4 / high storage.
    f = tmp_path / "a.toml"
    f.write_text('[[scenario]]\npolicy = "isolation"\ntargets = "p4"\nstorage = "high"\n'
                 'name = "m"\n')
    rc, _, err = cli("solve", "--scenario-file", f, "--out", out)
    assert rc == 2 and "'m'" in err and "targets 'p3' -> 'p4'" in err, err
    rc, out_text, err = cli("info", out)
    assert rc == 0 and "m: complete" in out_text and "technology/dac.toml" not in out_text
