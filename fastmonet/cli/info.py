"""`fastmonet info STORE`: what a results or coefficient store holds and what it was made from.

    fastmonet info results/p3.zarr            groups, status (checksums verified), provenance
    fastmonet info results/p3.zarr --files    also every input file with its hash
    fastmonet info coeffs.zarr --json         the same as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fastmonet.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "info", help="provenance and status of a results or coefficient store",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store", type=Path, help="a zarr store written by fastmonet")
    p.add_argument("--files", action="store_true", help="list every input file and its hash")
    p.add_argument("--json", action="store_true", help="JSON on stdout instead of text")
    p.add_argument("--no-verify", action="store_true",
                   help="do not read the arrays to check their checksums (faster)")
    p.set_defaults(func=run)


def describe(path: Path, verify: bool = True) -> dict:
    """{"store", "kind", "groups": {name: {"status", "problem", "provenance", ...}}}."""
    from fastmonet.store import groups
    if not path.is_dir():
        raise InputError(f"{path}: no such store (a zarr store is a folder)")
    root = groups.state(path, "")
    if root.status == "absent":
        raise InputError(f"{path}: not a zarr store (no zarr.json)")
    if "parts" in root.attrs or "provenance" in root.attrs or "checksums" in root.attrs:
        return {"store": str(path), "kind": "coefficients",
                "groups": {"": _group(path, "", verify)}}
    names = sorted(c.name for c in path.iterdir() if _is_group(c))
    return {"store": str(path), "kind": "results",
            "groups": {n: _group(path, n, verify) for n in names}}


def _is_group(folder: Path) -> bool:
    """A sub-group (scenario); arrays at the root (e.g. `fastmonet run`'s combined view) are not."""
    try:
        return json.loads((folder / "zarr.json").read_text()).get("node_type") == "group"
    except (OSError, ValueError):
        return folder.is_dir() and not (folder / "c").exists() and any(folder.iterdir())


def _group(path: Path, name: str, verify: bool) -> dict:
    from fastmonet.store import groups
    st = groups.state(path, name)
    out = {"status": st.status, "problem": st.problem,
           "provenance": st.attrs.get("provenance", {}),
           "arrays": len(st.attrs.get("checksums", {}))}
    if st.complete and verify:
        try:
            groups.verify(path, name)
            out["status"] = "verified"
        except InputError as exc:
            out.update(status="damaged", problem=str(exc))
    for key in ("cost_musd", "status", "max_violation"):
        if key in st.attrs:
            out[f"solve_{key}"] = st.attrs[key]
    return out


def _text(info: dict, files: bool) -> list[str]:
    lines = [f"store {info['store']} ({info['kind']}, {len(info['groups'])} group(s))"]
    for name, g in info["groups"].items():
        status = {"verified": f"complete, {g['arrays']} array checksums verified",
                  "complete": "complete (not verified)"}.get(g["status"], g["status"])
        problem = f": {g['problem']}" if g["problem"] else ""
        lines.append(f"{name or '(root)'}: {status}{problem}")
        lines += ["  " + s for s in _provenance_lines(g["provenance"], files)]
    return lines


def _provenance_lines(p: dict, files: bool) -> list[str]:
    if not p:
        return ["no provenance recorded"]
    out = []
    d = p.get("scenario_definition")
    if d is not None:
        out.append(f"scenario   {d.get('policy')} {d.get('switch_year') or ''} targets "
                   f"{d.get('targets')}, storage {d.get('storage')}, rates "
                   f"{json.dumps(d.get('rates'))}  [{_short(p.get('scenario_key'))}]")
    n = len(p.get("input_files") or {})
    out.append(f"inputs     {n} file(s), key {_short(p.get('input_key'))} "
               f"({p.get('input_source', '?')})")
    if files:
        out += [f"    {f}  {h}" for f, h in sorted((p.get("input_files") or {}).items())]
    out.append(f"versions   fastmonet {p.get('fastmonet_version', '?')}, HiGHS "
               f"{p.get('highs_version', '?')}, python {p.get('python_version', '?')}")
    if "highs_options" in p:
        out.append(f"highs      {json.dumps(p['highs_options'], sort_keys=True)}")
    times = " -> ".join(p[k] for k in ("started", "finished") if k in p)
    out.append(f"written    {p.get('written', '?')}" + (f" (solved {times})" if times else "")
               + f" on {p.get('host', '?')} ({p.get('platform', '?')})")
    return out


def _short(h) -> str:
    return h[:19] + "..." if isinstance(h, str) and len(h) > 22 else str(h)


def run(args) -> int:
    info = describe(args.store, verify=not args.no_verify)
    if args.json:
        sys.stdout.write(json.dumps(info, indent=1, sort_keys=True) + "\n")
    else:
        sys.stdout.write("\n".join(_text(info, args.files)) + "\n")
    sys.stdout.flush()
    bad = [n for n, g in info["groups"].items() if g["status"] not in ("verified", "complete")]
    return 1 if bad else 0
