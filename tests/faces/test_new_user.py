"""What a new user meets first: tab completion, help texts that say what a command does, tables
that are not cut, and a clear error for a store path that is not one (issue 17's small ones)."""

from __future__ import annotations

import argparse

import pytest

import fastmonet
from fastmonet.cli import common, main
from fastmonet.errors import InputError


def test_tab_completion_shows_the_api():
    shown = dir(fastmonet)
    for name in ("solve", "solve_many", "Results", "Scenario", "ensemble", "coefficients"):
        assert name in shown
    assert callable(fastmonet.solve)


def _commands(parser=None, prefix=()):
    parser = parser or main.build_parser()
    subs = list(common._subparsers(parser))
    if not subs:
        yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))


def test_no_flag_shows_a_default_that_reads_as_its_opposite():
    for name, parser in _commands():
        text = parser.format_help()
        assert "(default: True)" not in text and "(default: False)" not in text, name


def test_only_commands_that_solve_promise_a_highs_log():
    solving = {("run",), ("solve",), ("linkage",), ("oat",)}
    for name, parser in _commands():
        if name not in solving:
            assert "HiGHS log" not in parser.format_help(), " ".join(name)


def test_data_ranges_prints_every_region_value_in_full(capsys):
    from fastmonet import uncertainty
    assert main.main(["data", "ranges"]) == 0
    out = capsys.readouterr().out
    assert "~" not in "".join(line.split()[-4] + line.split()[-2] for line in out.splitlines()[1:-1])
    for p in uncertainty.load().parameters:
        low = p.end("low")
        if isinstance(low, dict):
            lines = [ln for ln in out.splitlines() if ln.split()[0] == p.name]
            assert len(lines) == len(low)
            for region, value in low.items():
                assert any(f" {region} " in ln and f"{value:g}" in ln for ln in lines), (p.name, region)


@pytest.mark.parametrize("out", [None, 3])
def test_ensemble_out_must_be_a_path(out, tmp_path, monkeypatch):
    import fastmonet.ensemble as ens
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="out: a store path"):
        ens.run(n=2, scenarios=["isolation"], out=out, workers=0, progress=False)
    assert list(tmp_path.iterdir()) == []
