"""Group names: letters, digits, `_`, `-` and `.`, not starting with `.`, no duplicates.

A `/` would make one scenario's group a child of another's (`a/b` inside `a`: writing `a`
deleted `a/b`); names equal apart from case would share a folder on case-insensitive disks.
"""

from __future__ import annotations

import re
from typing import Iterable

from fastmonet.errors import InputError

_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]*")
MAX_LENGTH = 200


def check(name, where: str = "scenario name") -> str:
    """The name itself, or an `InputError` saying what is wrong with it."""
    if not isinstance(name, str):
        raise InputError(f"{where}: must be a string, got {type(name).__name__}")
    if not name:
        raise InputError(f"{where}: empty")
    if len(name) > MAX_LENGTH or not _NAME.fullmatch(name):
        raise InputError(f"{where} {name!r}: use letters, digits, '_', '-' and '.' only (not "
                         f"starting with '.', at most {MAX_LENGTH} characters); '/' would nest "
                         "one scenario's results inside another's")
    return name


def check_all(names: Iterable[str], where: str = "scenario name") -> list[str]:
    """Every name valid and no two equal (ignoring case)."""
    seen: dict[str, str] = {}
    out = []
    for name in names:
        check(name, where)
        other = seen.get(name.lower())
        if other is not None:
            same = "twice" if other == name else f"and {other!r} (equal ignoring case)"
            raise InputError(f"{where} {name!r}: given {same}; each scenario needs its own name")
        seen[name.lower()] = name
        out.append(name)
    return out
