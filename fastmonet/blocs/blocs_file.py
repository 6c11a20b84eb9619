"""A user's trading-bloc structures, read from a TOML file of [[structure]] tables.

    [[structure]]
    name = "americas"
    blocs = [["BRA", "USA"], ["CHN"], ["EU"], ["IND"]]
    biomass_trade = "within_bloc"      # or "none", "all" (formulation §6.9)
"""

from __future__ import annotations

from fastmonet.blocs.structure import Structure

__all__ = ["load_blocs_file"]


def load_blocs_file(path) -> list[tuple[str, Structure]]:
    """[[structure]] tables of a TOML file: name, blocs, biomass_trade (default within_bloc)."""
    import tomllib
    from pathlib import Path

    from fastmonet.errors import InputError
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); a blocs "
                         "file is TOML") from None
    except FileNotFoundError:
        raise InputError(f"{path}: blocs file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a directory, not a blocs file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    tables = doc.get("structure")
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{path}: expected one or more [[structure]] tables")
    out = []
    for i, t in enumerate(tables):
        where = f"{path}: structure[{i}]"
        if not isinstance(t, dict):
            raise InputError(f"{where}: expected a [[structure]] table (name, blocs, "
                             f"biomass_trade), got {type(t).__name__} {t!r:.40}")
        unknown = sorted(set(t) - {"name", "blocs", "biomass_trade"})
        if unknown:
            raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: blocs, biomass_trade, name")
        if "blocs" not in t:
            raise InputError(f"{where}: missing key 'blocs'")
        st = Structure.parse(t["blocs"], t.get("biomass_trade", "within_bloc"), where=f"{where}.blocs")
        out.append((str(t.get("name", "_".join(".".join(b) for b in st.blocs))), st))
    names = [n for n, _ in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise InputError(f"{path}: two structures share the name {dup!r}")
    return out
