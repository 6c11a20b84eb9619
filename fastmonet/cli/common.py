"""One style for every command: the same options mean the same thing everywhere.

- `--data DIR` is always the data folder (default: the bundled data);
- `--csv` prints CSV instead of a table;
- `--quiet` / `--verbose` set how much goes to stderr (progress, solver logs);
- choices are validated by the parser and every default is shown in `--help`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown in --help (only where there is one), descriptions kept as written."""

    def _get_help_string(self, action):
        if action.default in (None, False, argparse.SUPPRESS) or "%(default)" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def add_parser(subparsers, name: str, **kw) -> argparse.ArgumentParser:
    kw.setdefault("formatter_class", HelpFormatter)
    return subparsers.add_parser(name, **kw)


def add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="data folder (default: the bundled data)")


def add_csv(p: argparse.ArgumentParser, what: str = "rows") -> None:
    p.add_argument("--csv", action="store_true", help=f"print the {what} as CSV on stdout")


def add_verbosity(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing on stderr but errors (no progress)")
    g.add_argument("-v", "--verbose", action="store_true",
                   help="print more on stderr (the HiGHS log, timings)")


def say(args: argparse.Namespace, *text, **kw) -> None:
    """A progress or status line on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        print(*text, file=sys.stderr, flush=True, **kw)
