"""Checks on a CSV file's header that pandas cannot make once it has read the file."""

from __future__ import annotations

import csv
from pathlib import Path

from fastmonet.errors import InputError


def check_header(path: Path) -> None:
    """A repeated header would be read as `name.1` and silently ignored: refuse it."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        header = [h.strip() for h in next(csv.reader(fh), [])]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen:
            raise InputError(f"{path}: column '{h}', line 1: header repeated (columns "
                             f"{seen[h] + 1} and {i + 1}); each column must appear once")
        seen[h] = i
