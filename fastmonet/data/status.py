"""Provenance status of every value in a data folder (`data/SOURCES.md`, "Status").

Every CSV row of a data folder (`*.csv`, `sources/*.csv`, `forest/*.csv`) carries a `status`
column: `sourced` (read from a cited source), `derived` (computed by a script in `data/scripts/`
from sourced numbers) or `assumed` (the reason is in the row's source/notes field or in
`SOURCES.md` under the row's source tag).  A wide row whose values differ in provenance also
carries one `status_<header>` column per value column (`status_mal_ha`); its `status` is then the
weakest of them (assumed < derived < sourced), so filtering on `status` never hides an assumption.

A value column is a column, other than the key, a `year` and the status columns, whose non-blank
cells are all numbers or booleans.  Long tables (a `value` column) count each row under its `field` (or
`parameter`) name.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastmonet.errors import InputError

STATUSES: tuple[str, ...] = ("sourced", "derived", "assumed")
COLUMN = "status"
PREFIX = "status_"
#: folders of a data folder whose CSVs carry a status (relative to the folder)
SUBFOLDERS: tuple[str, ...] = ("", "sources", "forest")
_BOOL = {"true", "false"}
#: numeric columns that identify a row rather than hold a value
KEY_NAMES = frozenset({"year"})


def weakest(statuses) -> str:
    """The least-supported status among `statuses` (assumed < derived < sourced)."""
    return max(statuses, key=STATUSES.index)


def combine(*statuses: str, computed: bool = True) -> str:
    """Status of a value made from inputs of `statuses`: assumed if any input is assumed, else
    derived if it was computed (or any input was derived), else sourced (a copy or a unit
    conversion of a sourced number: `computed=False`)."""
    worst = weakest(statuses)
    if worst == "sourced" and computed:
        return "derived"
    return worst


@dataclass(frozen=True)
class FileStatus:
    """Counts of values by status in one file: `counts[field][status]`."""

    file: str
    counts: dict[str, Counter]


def _is_value(text: str) -> bool:
    if text.lower() in _BOOL:
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = [h.strip() for h in (reader.fieldnames or [])]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot be parsed as UTF-8 CSV ({exc})") from None
    rows = [{k.strip(): (v or "").strip() for k, v in r.items() if k is not None} for r in rows]
    return header, rows


def _layout(header: list[str], rows: list[dict[str, str]],
            key: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[str]]:
    """(key columns, value columns) of a table; `key` None: the columns before the first value."""
    status_cols = {h for h in header if h == COLUMN or h.startswith(PREFIX)}
    if "value" in header:
        values = ["value"]
    else:
        values = [h for h in header if h not in status_cols and h not in (key or ())
                  and h not in KEY_NAMES and any(r.get(h, "") for r in rows)
                  and all(_is_value(r.get(h, "")) for r in rows if r.get(h, ""))]
    if key is None:
        first = min((header.index(v) for v in values), default=len(header))
        key = tuple(h for h in header[:first] if h not in status_cols) or tuple(header[:1])
    return key, values


def check_file(path: Path, key: tuple[str, ...] | None = None) -> FileStatus:
    """Validate the status columns of one CSV and count its values by status."""
    header, rows = _read(path)
    key, values = _layout(header, rows, key)
    if COLUMN not in header:
        raise InputError(f"{path}: missing column '{COLUMN}' (every row must say whether its "
                         f"values are {', '.join(STATUSES)}; see data/SOURCES.md)")
    per_field = [h for h in header if h.startswith(PREFIX)]
    for h in per_field:
        if h[len(PREFIX):] not in header:
            raise InputError(f"{path}: column '{h}' has no value column '{h[len(PREFIX):]}'")
    long_name = next((c for c in ("field", "parameter") if c in header), None)
    # wide tables list their fields in header order, long ones in order of appearance
    counts: dict[str, Counter] = {} if long_name else {v: Counter() for v in values}
    for i, row in enumerate(rows):
        where = _where(path, i, key, row)
        for h in [COLUMN] + per_field:
            if row.get(h, "") == "":
                raise InputError(f"{where}: column '{h}': missing status (expected one of "
                                 f"{', '.join(STATUSES)})")
            if row[h] not in STATUSES:
                raise InputError(f"{where}: column '{h}': unknown status {row[h]!r} (expected one "
                                 f"of {', '.join(STATUSES)})")
        if per_field and row[COLUMN] != weakest(row[h] for h in per_field):
            raise InputError(f"{where}: column '{COLUMN}': {row[COLUMN]!r} but the weakest of its "
                             f"{PREFIX}* columns is {weakest(row[h] for h in per_field)!r}")
        for v in values:
            if row.get(v, "") == "":
                continue
            field = row[long_name] if long_name and v == "value" else v
            status = row.get(PREFIX + v) or row[COLUMN]
            counts.setdefault(field, Counter())[status] += 1
    return FileStatus(str(path), counts)


def _where(path: Path, i: int, key: tuple[str, ...], row: dict[str, str]) -> str:
    keys = ", ".join(f"{k}={row.get(k, '')!r}" for k in key)
    return f"{path}: line {i + 2} ({keys})"


def csv_files(directory: Path) -> list[Path]:
    """The CSVs of a data folder that must carry a status, in a stable order."""
    out: list[Path] = []
    for sub in SUBFOLDERS:
        folder = directory / sub if sub else directory
        if folder.is_dir():
            out.extend(sorted(folder.glob("*.csv")))
    return out


def check_folder(directory: str | Path, keys: dict[str, tuple[str, ...]] | None = None
                 ) -> list[FileStatus]:
    """Validate and count every status-carrying CSV of `directory`; `keys` maps a file name of
    the top folder to its key columns (default: the columns before the first value column)."""
    directory = Path(directory)
    keys = keys or {}
    return [check_file(p, keys.get(p.name) if p.parent == directory else None)
            for p in csv_files(directory)]


def counts_table(directory: str | Path, statuses: list[FileStatus]) -> list[tuple]:
    """Rows (file relative to `directory`, field, sourced, derived, assumed, total)."""
    directory = Path(directory)
    out = []
    for fs in statuses:
        rel = Path(fs.file).relative_to(directory).as_posix()
        for field, c in fs.counts.items():
            out.append((rel, field, *(c.get(s, 0) for s in STATUSES), sum(c.values())))
    return out


HEADER: tuple[str, ...] = ("file", "field", *STATUSES, "total")


def report(directory: str | Path) -> list[tuple]:
    """Validated status counts of a data folder: rows as in `counts_table`, then one row per
    status total (`file` 'all', `field` 'all')."""
    from fastmonet.data.schema import TABLES

    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: data folder not found")
    rows = counts_table(directory, check_folder(directory, {t.file: t.key for t in TABLES.values()}))
    total = tuple(sum(r[i] for r in rows) for i in range(2, 2 + len(STATUSES) + 1))
    return rows + [("all", "all", *total)]


def to_csv(rows: list[tuple]) -> str:
    """The status rows as CSV text with `HEADER` (file, field, one count per status, total)."""
    lines = [",".join(HEADER)] + [",".join(str(c) for c in r) for r in rows]
    return "\n".join(lines) + "\n"


def to_text(rows: list[tuple]) -> str:
    """The status rows as an aligned text table (names left-aligned, counts right-aligned)."""
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    def line(r):
        return "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(HEADER)] + [line(r) for r in rows])
