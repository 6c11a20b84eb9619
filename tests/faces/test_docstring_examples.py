"""The ten entry points (issue 22) carry numpydoc docstrings whose examples run and give what
they show: `doctest` runs each one here, so an example cannot rot when the API changes."""

import doctest
import importlib
import tempfile

import pytest

import fastmonet

# (name shown, the object whose docstring is checked)
ENTRY_POINTS = {
    "fastmonet.solve": lambda: fastmonet.solve,
    "fastmonet.solve_many": lambda: fastmonet.solve_many,
    "fastmonet.Results": lambda: fastmonet.Results,
    "fastmonet.ensemble.run": lambda: fastmonet.ensemble.run,
    "fastmonet.ensemble.open": lambda: fastmonet.ensemble.open,
    "fastmonet.data.load": lambda: fastmonet.data.load,
    "fastmonet.coefficients.build": lambda: fastmonet.coefficients.build,
    "fastmonet.blocs.Structure": lambda: fastmonet.blocs.Structure,
    "fastmonet.uncertainty.load": lambda: fastmonet.uncertainty.load,
    "fastmonet.warm_start": lambda: importlib.import_module("fastmonet.warm_start"),
    "fastmonet.warm_start.reference": lambda: fastmonet.warm_start.reference,
}
# numpydoc sections each entry point has (Raises where it raises; a module documents its
# functions' parameters on them, a class its fields as Parameters or Attributes).
SECTIONS = {"fastmonet.warm_start": ("Examples",),
            "fastmonet.warm_start.reference": ("Parameters", "Returns", "Examples"),   # raises nothing
            "fastmonet.Results": ("Attributes", "Examples"),
            "fastmonet.blocs.Structure": ("Parameters", "Raises", "Examples")}


def section_titles(doc: str) -> set[str]:
    lines = [line.strip() for line in doc.splitlines()]
    return {t for t, under in zip(lines, lines[1:]) if t and set(under) == {"-"} and len(under) == len(t)}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_the_docstring_has_its_numpydoc_sections(name):
    doc = ENTRY_POINTS[name]().__doc__
    want = SECTIONS.get(name, ("Parameters", "Returns", "Raises", "Examples"))
    assert set(want) <= section_titles(doc), f"{name}: sections {sorted(section_titles(doc))}"


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_the_examples_run_and_give_what_they_show(name, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))   # the examples' stores land here
    monkeypatch.chdir(tmp_path)
    tests = doctest.DocTestFinder(recurse=False).find(ENTRY_POINTS[name](), name, globs={})
    examples = sum(len(t.examples) for t in tests)
    assert examples >= 3, f"{name}: {examples} examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted == examples
