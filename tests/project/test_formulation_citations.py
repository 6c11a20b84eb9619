"""Users have docs/formulation.md, not the project's working specification: help texts,
docstrings, error messages and documents cite the model as "formulation §N.M", and every such
section exists."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from fastmonet.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
FORMULATION = ROOT / "docs" / "formulation.md"
# Citations of a document users do not have (spelled in two pieces so this file is not a hit).
UNSHIPPED = re.compile(r"\b" + "SP" + r"EC\b|\bContracts?[- ]\d")
SECTION = re.compile(r"§(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?")
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", re.MULTILINE)


def _parsers(parser: argparse.ArgumentParser, prog: str = "fastmonet"):
    """(command line, parser) of the top-level parser and every sub-command, nested ones too."""
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{prog} {name}")


def _text_files():
    """The repository's own text: code, tests, documents, data descriptions and scenario files."""
    for pattern in ("*.md", "fastmonet/**/*.py", "kernels/**/*.py", "tests/**/*.py",
                    "benchmarks/**/*.py", "docs/**/*.md", "docs/**/*.py", "data/**/*.md",
                    "data/**/*.toml", "data/**/*.py", "data/**/*.csv", "scenarios/**/*.toml"):
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and path.resolve() != Path(__file__).resolve():
                yield path


def _sections() -> set[str]:
    return set(HEADING.findall(FORMULATION.read_text(encoding="utf-8")))


def test_the_formulation_has_numbered_sections():
    sections = _sections()
    # The sections help texts cite most: the LP's rows, the solve, the metrics, the data contracts.
    for s in ("1", "2.8", "6", "6.3", "6.5", "6.6", "6.7", "7", "7.2", "7.4", "8.4", "9.2", "9.3",
              "10.5"):
        assert s in sections, f"docs/formulation.md has no section {s}"


PARSERS = dict(_parsers(build_parser()))


@pytest.mark.parametrize("prog", list(PARSERS))
def test_help_cites_the_formulation_not_unshipped_documents(prog):
    text = PARSERS[prog].format_help()
    hit = UNSHIPPED.search(text)
    assert hit is None, f"`{prog} --help` cites {hit.group(0)!r}, a document users do not have"
    for m in SECTION.finditer(text):
        for s in filter(None, m.groups()):
            assert s in _sections(), f"`{prog} --help` cites formulation §{s}, which does not exist"


def test_no_file_cites_unshipped_documents():
    hits = []
    for path in _text_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if UNSHIPPED.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not hits, "citations of documents users do not have:\n" + "\n".join(hits[:20])


def test_every_formulation_citation_names_an_existing_section():
    sections = _sections()
    bad = []
    for path in _text_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in SECTION.finditer(line):
                bad += [f"{path.relative_to(ROOT)}:{n}: §{s}" for s in filter(None, m.groups())
                        if s not in sections]
    assert not bad, "citations of sections docs/formulation.md does not have:\n" + "\n".join(bad)
