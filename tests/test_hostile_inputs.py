"""Issue 18, findings 6-9: contradictory options, path-dependent content hashes, tracebacks and
silent no-ops.  Each test fails on the code before the fix: the input was accepted (and solved
as something else), or failed with a traceback instead of one line (rc 2 / InputError).
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import fastmonet.ensemble as ens
from fastmonet import bundled, data, scenarios, technology, uncertainty
from fastmonet.blocs import Structure
from fastmonet.errors import InputError

RANGES = Path(__file__).parent / "data" / "ensemble_ranges.toml"
REGIONS = ("BRA", "CHN", "EU", "IND", "USA")


def cli(*argv) -> tuple[int, str, str]:
    from fastmonet.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def one_line_rc2(argv, *words) -> str:
    rc, _, err = cli(*argv)
    assert rc == 2, (argv, err)
    line = err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in line, (w, line)
    return line


# ----------------------------------------------------------- finding 6: contradictions refused
def test_finding_6_equal_cost_with_given_shares_is_refused(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[scenario]]\npolicy = "cooperation"\nburden = "equal_cost"\n'
                 'shares = { BRA = 0.2, CHN = 0.2, EU = 0.2, IND = 0.2, USA = 0.2 }\n')
    with pytest.raises(InputError, match=r"scenario\[0\]\.burden: rule 'equal_cost' solves its "
                                         r"shares"):
        scenarios.load_scenario_file(f)
    one_line_rc2(["solve", "--scenario-file", f], "equal_cost", str(f))


def test_finding_6_a_named_policy_with_blocs_is_refused(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[scenario]]\npolicy = "isolation"\nblocs = [["BRA", "CHN", "EU", "IND", "USA"]]\n')
    with pytest.raises(InputError, match=r"\.policy: 'isolation' with 'blocs'"):
        scenarios.load_scenario_file(f)
    one_line_rc2(["solve", "--scenario-file", f], "isolation", "blocs")
    world = Structure.parse([list(REGIONS)])
    with pytest.raises(InputError, match="policy 'isolation' with blocs"):
        scenarios.make("isolation", blocs=world)
    assert scenarios.make(blocs=world).policy == "blocs"          # no policy: a blocs scenario
    assert scenarios.make("blocs", blocs=world).policy == "blocs"
    assert scenarios.make().policy == "cooperation"


# ------------------------------------------------- finding 7: content hashes hash contents only
@pytest.mark.slow   # ~15 s: two small ensembles from two copies of the bundled data
def test_finding_7_an_identical_copy_of_the_data_folder_resumes(tmp_path):
    copies = []
    for name in ("a", "b"):
        folder = tmp_path / name / "data"
        shutil.copytree(bundled.DATA_DIR, folder)
        copies.append(folder)
    out = tmp_path / "e.zarr"
    for folder, skipped in zip(copies, (0, 1)):
        inputs = data.load(folder)
        reg = inputs["subregion_region"].values
        idx = np.concatenate([np.flatnonzero(reg == r)[:2] for r in REGIONS])
        tech = technology.load(folder / "technology")
        assert tech.path == str(folder / "technology")
        s = ens.run(n=1, scenarios=["isolation"], out=out, ranges=RANGES, sampler="lhs",
                    inputs=inputs.isel(subregion=idx), tech=tech, workers=0, progress=False)
        assert s.skipped == skipped


def test_finding_7_the_run_key_does_not_depend_on_where_the_data_lies(tmp_path):
    from fastmonet.ensemble import execute
    keys = []
    for name in ("a", "b"):
        folder = tmp_path / name
        shutil.copytree(bundled.DATA_DIR / "technology", folder / "technology")
        tech = technology.load(folder / "technology")
        inputs = data.load().isel(subregion=np.arange(3)).assign_attrs(data_path=str(folder))
        ranges = uncertainty.load(RANGES, tech=tech)
        ctx, draws, sample, unit, info = execute._prepare(
            None, ["isolation"], ranges, "lhs", 0, "p3", "medium", None, inputs, tech,
            [ranges.central()], None)
        member_keys, attrs = execute._keys(ctx, draws, sample, unit, info)
        keys.append((attrs["input_hash"], attrs["technology_hash"], attrs["run_key"]))
    assert keys[0] == keys[1]
