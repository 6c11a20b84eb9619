"""Imports point down only (docs/architecture.md): the model never imports a workflow or a
face, and a workflow never imports a face.  Every import counts, a function's lazy one too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Source folders of the installed package (pyproject.toml's package-dir mapping).
FOLDERS = {"fastmonet": ROOT / "fastmonet", "fastmonet.kernels": ROOT / "kernels",
           "fastmonet.bundled_data": ROOT / "data"}

MODEL, WORKFLOWS, FACES = 0, 1, 2
LAYER_NAMES = {MODEL: "model", WORKFLOWS: "workflows", FACES: "faces"}
# The faces: what a user calls or reads (CLI, reports, the Python API and the package front).
FACES_PREFIXES = ("fastmonet.cli", "fastmonet.report")
FACES_MODULES = {"fastmonet", "fastmonet.api", "fastmonet.iamc", "fastmonet.ensemble.report"}
# The workflows: what solves many times.
WORKFLOW_PREFIXES = ("fastmonet.workflows", "fastmonet.ensemble")


def layer(module: str) -> int:
    if module in FACES_MODULES or module.startswith(FACES_PREFIXES):
        return FACES
    if module.startswith(WORKFLOW_PREFIXES):
        return WORKFLOWS
    return MODEL


def modules() -> dict[str, Path]:
    out = {}
    for prefix, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((prefix, *parts))
            out[name.removesuffix(".__init__")] = path
    return out


MODULES = modules()


def resolve(name: str) -> str:
    """The module an imported name lives in (`from fastmonet import api` -> fastmonet.api)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return [(resolve(n), line) for n, line in out if n.startswith("fastmonet")]


def upward(module: str) -> list[str]:
    here = layer(module)
    return [f"{module} ({LAYER_NAMES[here]}) imports {target} ({LAYER_NAMES[layer(target)]}), "
            f"line {line}" for target, line in imports(MODULES[module]) if layer(target) > here]


def test_the_layers_hold_modules_of_each_kind():
    kinds = {layer(m) for m in MODULES}
    assert kinds == {MODEL, WORKFLOWS, FACES}
    assert layer("fastmonet.scenario_solve") == MODEL and layer("fastmonet.lp.build") == MODEL
    assert layer("fastmonet.workflows.scheduler") == WORKFLOWS
    assert layer("fastmonet.cli.run") == FACES


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) < FACES))
def test_imports_point_down_only(module):
    assert upward(module) == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from fastmonet.workflows import scheduler\n    from fastmonet import api\n")
    monkeypatch.setitem(MODULES, "fastmonet.badmodel", bad)
    assert len(upward("fastmonet.badmodel")) == 2
