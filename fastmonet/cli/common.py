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
    """Defaults shown in --help (where there is one and the help does not already say it),
    descriptions kept as written."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default in (None, False, "", argparse.SUPPRESS) or "default" in text.lower():
            return text   # no default, or the help already says it
        if action.nargs == 0:
            return text   # a flag (--no-warm-start): its "default: True" reads as the opposite

        return super()._get_help_string(action)


def add_parser(subparsers, name: str, **kw) -> argparse.ArgumentParser:
    """A subcommand parser whose help shows each option's default (`HelpFormatter`) unless told otherwise."""
    kw.setdefault("formatter_class", HelpFormatter)
    return subparsers.add_parser(name, **kw)


def add_data(p: argparse.ArgumentParser) -> None:
    """`--data DIR`, the data folder every command reads (None: the bundled data)."""
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="data folder (default: the bundled data)")


def add_csv(p: argparse.ArgumentParser, what: str = "rows") -> None:
    """`--csv`: print `what` as CSV on stdout instead of an aligned table."""
    p.add_argument("--csv", action="store_true", help=f"print the {what} as CSV on stdout")


def add_store_options(p: argparse.ArgumentParser, store: str) -> None:
    """`--overwrite` and `--no-wait` for a command writing results to `store`."""
    p.add_argument("--overwrite", action="store_true",
                   help=f"replace what {store} holds from other inputs or scenario definitions "
                        f"(default: stop before solving anything)")
    p.add_argument("--no-wait", action="store_true",
                   help=f"fail at once if another run is writing {store} (default: wait for it)")


def add_verbosity(p: argparse.ArgumentParser, solves: bool = False) -> None:
    """`-q/--quiet` and `-v/--verbose`; `solves`: the command runs HiGHS, whose log -v shows."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing on stderr but errors (no progress)")
    g.add_argument("-v", "--verbose", action="store_true",
                   help="print more on stderr" + (" (the HiGHS log, timings)" if solves else ""))


def say(args: argparse.Namespace, *text, **kw) -> None:
    """A progress or status line on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        print(*text, file=sys.stderr, flush=True, **kw)


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:   # argparse keeps sub-commands here; there is no public API
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.values()


def apply_style(parser: argparse.ArgumentParser) -> None:
    """Give every command the shared style, whichever module registered it: defaults in --help,
    `-q/--quiet` and `-v/--verbose`, and `--data DIR` where a command takes a data folder as
    its positional PATH."""
    parser.formatter_class = HelpFormatter
    subs = list(_subparsers(parser))
    for sub in subs:
        apply_style(sub)
    if subs:
        return
    opts = parser._option_string_actions
    if "--quiet" not in opts and "--verbose" not in opts:
        add_verbosity(parser)
    elif "--quiet" not in opts:
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="print nothing on stderr but errors")
    elif "--verbose" not in opts:
        parser.add_argument("-v", "--verbose", action="store_true",
                            help="print more on stderr")
    if "--data" not in opts and any(a.dest == "path" and not a.option_strings
                                    for a in parser._actions):
        parser.add_argument("--data", metavar="DIR", type=Path, default=None, dest="data_folder",
                            help="data folder, as PATH (default: the bundled data)")


def normalise(args: argparse.Namespace) -> None:
    """`--data DIR` of a command that also takes PATH means PATH (one of them, not both)."""
    folder = getattr(args, "data_folder", None)
    if folder is None:
        return
    if getattr(args, "path", None) is not None:
        from fastmonet.errors import InputError
        raise InputError(f"--data {folder} and PATH {args.path}: give the data folder once")
    args.path = str(folder)
