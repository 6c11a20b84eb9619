"""One CLI style: --version, --quiet/--verbose everywhere, defaults in --help, choices checked by
the parser, --data meaning the data folder."""

from __future__ import annotations

import argparse

import pytest

from fastmonet import __version__
from fastmonet.cli import common
from fastmonet.cli.main import build_parser, main


def _leaves(parser, path=()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for a in subs:
        for name, sub in a.choices.items():
            yield from _leaves(sub, path + (name,))


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"fastmonet {__version__}"


def test_every_command_takes_quiet_and_verbose_and_shows_defaults():
    leaves = list(_leaves(build_parser()))
    assert {p[0] for p, _ in leaves} >= {"run", "solve", "stand", "data", "coefficients"}
    for path, parser in leaves:
        opts = parser._option_string_actions
        assert "--quiet" in opts and "--verbose" in opts, path
        text = parser.format_help()
        for action in parser._actions:
            # a flag's default (--no-warm-start: True) would read as its opposite: not shown
            if action.option_strings and action.nargs != 0 and \
                    action.default not in (None, False, "", argparse.SUPPRESS):
                assert "default" in (action.help or "").lower() or \
                    f"(default: {action.default})" in " ".join(text.split()), (path, action.dest)


def test_run_choices_are_checked_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["run", "--format", "pdf"])
    assert exc.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_data_option_means_the_data_folder_of_path_commands(tmp_path):
    args = build_parser().parse_args(["data", "summary", "--data", str(tmp_path)])
    common.normalise(args)
    assert args.path == str(tmp_path)
    args = build_parser().parse_args(["data", "summary", str(tmp_path), "--data", str(tmp_path)])
    with pytest.raises(ValueError, match="give the data folder once"):
        common.normalise(args)


def test_run_refuses_an_output_path_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "results"
    f.write_text("")
    assert main(["run", "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err
