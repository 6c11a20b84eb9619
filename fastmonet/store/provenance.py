"""What a stored result was made from, as JSON-able attributes.

    hash_file(path) -> "sha256:<hex>"
    hash_files(paths, root) -> {relative path: "sha256:<hex>"}
    hash_tree(folder) -> the same for every file under a folder (the fallback when a loader did
                         not say which files it read)
    hash_json(obj) -> "sha256:<hex>" of a canonical JSON encoding (scenario definitions)
    input_files_attr(files) / input_files_from(attrs): the `input_files` attribute, a JSON string
                         {relative path: hash} carried by input and coefficient Datasets
    environment() -> fastmonet and HiGHS versions, platform, python

Loaders record the files they actually read with `input_files_attr`, so a result can always be
traced to its inputs and a resume compares contents, never names.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterable, Mapping

INPUT_FILES_ATTR = "input_files"
_CHUNK = 1 << 20
# Files that never describe data (editor and OS litter) are left out of folder hashes.
_IGNORED = {".DS_Store", "Thumbs.db"}


def hash_bytes(data: bytes) -> str:
    """'sha256:<hex>' of `data`, the form every input hash in the provenance takes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hash_file(path: str | Path) -> str:
    """sha256 of a file's bytes, as "sha256:<hex>"."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def hash_files(paths: Iterable[str | Path], root: str | Path | None = None) -> dict[str, str]:
    """{path relative to `root` (posix): hash} for the given files, sorted by path."""
    root = None if root is None else Path(root)
    out = {_relative(Path(p), root): hash_file(p) for p in paths}
    return dict(sorted(out.items()))


def hash_tree(folder: str | Path, suffixes: tuple[str, ...] = (".csv", ".toml")) -> dict[str, str]:
    """Every data file (by suffix) under `folder`, hashed, keyed by relative path."""
    folder = Path(folder)
    files = [p for p in folder.rglob("*")
             if p.is_file() and p.suffix in suffixes and p.name not in _IGNORED
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return hash_files(files, folder)


def canonical_json(obj) -> str:
    """`obj` as JSON with sorted keys and no spaces, so equal definitions hash equal."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def hash_json(obj) -> str:
    """Hash of a JSON-able object, independent of key order."""
    return hash_bytes(canonical_json(obj).encode())


def input_files_attr(files: Mapping[str, str]) -> str:
    """The `input_files` attribute value: a JSON string {relative path: hash}, sorted."""
    return json.dumps(dict(sorted(files.items())), sort_keys=True)


def merge_input_files(*attrs_values: str | Mapping[str, str] | None) -> str:
    """Union of several `input_files` values (JSON strings or dicts); later ones win on a key."""
    out: dict[str, str] = {}
    for v in attrs_values:
        if v is None:
            continue
        out.update(json.loads(v) if isinstance(v, str) else dict(v))
    return input_files_attr(out)


def input_files_from(attrs: Mapping) -> dict[str, str] | None:
    """The {path: hash} map recorded in `attrs`, or None when the producer did not record it."""
    v = attrs.get(INPUT_FILES_ATTR)
    if v is None:
        return None
    return json.loads(v) if isinstance(v, str) else dict(v)


def fastmonet_version() -> str:
    """The installed fastmonet's version from its package metadata ("0+unknown" from a source
    tree never installed), as `fastmonet.__version__` has it: read here, not from the package
    front, so a stored result's provenance does not depend on the front's lazy API."""
    try:
        return metadata.version("fastmonet")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def highs_version() -> str:
    """The HiGHS version the solves run with, for the provenance."""
    from fastmonet.highs_process import highs_version as version
    return version()


def environment() -> dict[str, str]:
    """Versions and host: fastmonet, HiGHS, python, platform (strings)."""
    return {
        "fastmonet_version": fastmonet_version(),
        "highs_version": highs_version(),
        "python_version": sys.version.split()[0],
        "platform": platform.platform(),
        "host": platform.node(),
    }


# ----------------------------------------------------------------------------- content keys
def now() -> str:
    """The current UTC time as ISO 8601 ('2026-01-31T12:00:00Z'), for the provenance."""
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def inputs_record(coeffs, content: bool = True) -> dict:
    """What a coefficient Dataset was made from: its input files and, with `content`, its values.

    The files come from the `input_files` attribute the loaders record; a Dataset that lacks it
    but names its `data_path` gets that folder hashed (every CSV and TOML: more than was read,
    never less).  `content` adds `coefficients_key`, the hash of every array's checksum: it
    tells apart coefficients changed in memory after they were built from the same files, or
    built by another fastmonet version (the build is deterministic on one machine: 0.3 s for
    the bundled data's 56 MB).  Inputs are never assumed equal because they cannot be told apart.
    """
    files = input_files_from(coeffs.attrs)
    source = "files recorded by the loaders"
    data_path = coeffs.attrs.get("data_path")
    if files is None and data_path and Path(data_path).is_dir():
        files = hash_tree(data_path)
        source = f"every data file under {data_path} (the loaders did not record which they read)"
    elif files is None:
        files, source = {}, "no input files recorded"
    out = {"input_files": files, "input_source": source}
    if content:
        from fastmonet.store.checksums import dataset_digests
        out["coefficients_key"] = hash_json(dataset_digests(coeffs))
    out["input_key"] = hash_json({"files": files, "coefficients": out.get("coefficients_key")})
    return out


def scenario_definition(scenario) -> dict:
    """The parts of a Scenario that decide its results (not its name or HiGHS options)."""
    import dataclasses
    d = dataclasses.asdict(scenario)
    d.pop("name", None)
    d.pop("solver", None)
    return d


def request(scenario, inputs: dict) -> dict:
    """The provenance a result of `scenario` on `inputs` (an `inputs_record`) will carry."""
    import dataclasses
    definition = scenario_definition(scenario)
    return {**environment(), **inputs,
            "scenario_definition": definition, "scenario_key": hash_json(definition),
            "highs_options": dataclasses.asdict(scenario.solver)}


def differences(stored: dict, wanted: dict) -> list[str]:
    """What makes a stored result's provenance differ from a request's (empty: the same)."""
    out = []
    if stored.get("scenario_key") != wanted.get("scenario_key"):
        a, b = stored.get("scenario_definition", {}), wanted.get("scenario_definition", {})
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        what = ", ".join(f"{k} {a.get(k)!r} -> {b.get(k)!r}" for k in keys[:3])
        out.append(f"scenario definition differs ({what or 'unrecorded'})")
    if stored.get("input_key") != wanted.get("input_key"):
        a, b = stored.get("input_files") or {}, wanted.get("input_files") or {}
        changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
        added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
        bits = [f"{label} {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
                for label, names in (("changed", changed), ("new", added), ("not read now", removed))
                if names]
        a_def, b_def = stored.get("scenario_definition", {}), wanted.get("scenario_definition", {})
        case_changed = [k for k in ("targets", "storage") if a_def.get(k) != b_def.get(k)]
        if not bits and case_changed:
            # Coefficients are built per (targets, storage) case: that difference is the one above.
            bits = [f"the coefficients of the other {' and '.join(case_changed)} case"]
        elif not bits:
            ca, cb = stored.get("coefficients_key"), wanted.get("coefficients_key")
            bits = ["same files, other coefficient values: changed in memory, or built by another "
                    "fastmonet version or machine" if ca and cb else
                    "the stored result has no coefficient content key"]
        out.append("inputs differ (" + "; ".join(bits) + ")")
    return out
