"""`fastmonet` entry point.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (called with the parsed
arguments, returning an exit code).  Add a module name to COMMANDS to expose it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from fastmonet.cli import common
from fastmonet.errors import InputError, SolveError

COMMANDS = [
    "coefficients",
    "data",
    "ensemble",
    "info",
    "linkage",
    "oat",
    "run",
    "solve",
    "stand",
]


def build_parser() -> argparse.ArgumentParser:
    """The `fastmonet` argument parser with every subcommand of `COMMANDS` registered and styled."""
    parser = argparse.ArgumentParser(
        prog="fastmonet",
        description="Least-cost CO2 removal (AR, BECCS, DACCS) across 169 subregions, 2020-2100.",
        epilog='Help texts cite the model as "formulation §N.M": the numbered sections of '
               "docs/formulation.md in the fastmonet source.",
    )
    from fastmonet import __version__
    parser.add_argument("--version", action="version", version=f"fastmonet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"fastmonet.cli.{name}").register(sub)
    common.apply_style(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv) and return its exit status.

    Bad input or an unsolvable model is one line on stderr and status 2, a closed stdout 141;
    any other exception is a bug and propagates with its traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)   # as typed, for provenance
    try:
        common.normalise(args)
        return int(args.func(args) or 0)
    except (InputError, SolveError, FileNotFoundError) as exc:
        return _fail(args, f"error: {exc}", 2)
    except BrokenPipeError:            # stdout's reader went away (`| head`)
        from fastmonet.cli.solve import silence_stdout
        silence_stdout()
        return _fail(args, "stdout closed early (broken pipe)", 141)
    except KeyboardInterrupt:
        return _fail(args, "interrupted", 130)
    except OSError as exc:             # disk full, permissions, ...: one line, no traceback
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        return _fail(args, f"error: {exc.strerror or exc}{where}", 1)


def _fail(args, text: str, code: int) -> int:
    # After a failure zarr's abandoned chunk reads/writes (tasks on its event loop) are destroyed
    # at exit and asyncio logs each ("Task was destroyed but it is pending!"): noise after the
    # one line that says what failed.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    try:
        print(f"fastmonet {args.command}: {text}", file=sys.stderr)
    except OSError:
        pass
    return code


if __name__ == "__main__":
    sys.exit(main())
