"""The type checker's selection is the model layer (docs/architecture.md, "Three layers").

pyproject.toml's [tool.mypy] names folders and excludes the faces and the workflows by pattern;
a module added to the model must fall inside it, and a face or a workflow must not (their
imports point down, so the model never needs them checked).  mypy itself runs in .ci/run."""

import importlib
import importlib.util
import re
import tomllib

import pytest
from test_layers import FACES, MODEL, MODULES, ROOT, layer


def mypy_selection() -> set[str]:
    """Paths (relative, '/'-separated) mypy checks: under `files`, not matched by `exclude`."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    exclude = [re.compile(p) for p in conf["exclude"]]
    out = set()
    for top in conf["files"]:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if not any(p.search(rel) for p in exclude):
                out.add(rel)
    return out


def test_mypy_checks_exactly_the_model_layer():
    checked = mypy_selection()
    model = {MODULES[m].relative_to(ROOT).as_posix() for m in MODULES if layer(m) == MODEL}
    assert sorted(model - checked) == [], "model modules mypy does not check"
    assert sorted(checked - model) == [], "modules mypy checks that are not the model's"


def test_the_selection_leaves_out_a_face_and_a_workflow():
    checked = mypy_selection()
    assert "fastmonet/api.py" not in checked and "fastmonet/cli/main.py" not in checked
    assert "fastmonet/workflows/scheduler.py" not in checked
    assert "fastmonet/lp/build.py" in checked and "kernels/stand.py" in checked
    assert layer("fastmonet.api") == FACES


PUBLIC = ("fastmonet", "fastmonet.api", "fastmonet.results", "fastmonet.scenarios", "fastmonet.data",
          "fastmonet.coefficients", "fastmonet.ensemble", "fastmonet.uncertainty", "fastmonet.blocs",
          "fastmonet.warm_start", "fastmonet.store", "fastmonet.synthetic", "fastmonet.errors")


@pytest.mark.parametrize("module", PUBLIC)
def test_every_name_in_all_is_there(module):
    mod = importlib.import_module(module)
    assert mod.__all__, f"{module}: no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)
               and importlib.util.find_spec(f"{module}.{n}") is None]
    assert missing == []


def test_the_front_lists_the_entry_points():
    import fastmonet
    for name in ("solve", "solve_many", "Results", "ensemble", "data", "coefficients", "blocs",
                 "uncertainty", "warm_start"):
        assert name in fastmonet.__all__
        assert getattr(fastmonet, name) is not None
    assert fastmonet.warm_start.reference is importlib.import_module("fastmonet.warm_start").reference
