"""`fastmonet info STORE`: what a store holds and what it was made from (every kind: results of
`solve` or `run`, ensembles, coefficients).

    fastmonet info results/p3.zarr            groups, status (checksums verified), provenance
    fastmonet info ens.zarr                   members done / failed / pending, checksums verified
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
    """Add `fastmonet info STORE` (provenance and checksum status of any fastmonet store) to the parser."""
    p = subparsers.add_parser(
        "info", help="provenance and status of a store (results, run, ensemble, coefficients)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store", type=Path, help="a zarr store written by fastmonet")
    p.add_argument("--files", action="store_true", help="list every input file and its hash")
    p.add_argument("--json", action="store_true", help="JSON on stdout instead of text")
    p.add_argument("--no-verify", action="store_true",
                   help="do not read the arrays to check their checksums (faster)")
    p.set_defaults(func=run)


def describe(path: Path, verify: bool = True) -> dict:
    """{"store", "kind", "layout", "groups": {name: {"status", "problem", "provenance", ...}}}
    (an ensemble adds "members": counts per scenario)."""
    from fastmonet.store import kinds
    if not path.is_dir():
        raise InputError(f"{path}: no such store (a zarr store is a folder)")
    if not (path / "zarr.json").is_file():
        raise InputError(f"{path}: not a zarr store (no zarr.json)")
    kind = kinds.kind_of(path)
    if kind is None:
        return {"store": str(path), "kind": "empty", "layout": 0, "groups": {}}
    head = {"store": str(path), "kind": kind.name, "layout": kind.layout}
    if kind.name == kinds.ENSEMBLE:
        return {**head, **_ensemble(path, verify)}
    if kind.name == kinds.COEFFICIENTS:
        return {**head, "groups": {"": _group(path, "", verify)}}
    if kind.name in (kinds.RESULTS, kinds.RUN):
        names = sorted(c.name for c in path.iterdir() if not c.name.startswith(".") and _is_group(c))
        return {**head, "groups": {n: _group(path, n, verify) for n in names}}
    raise InputError(f"{path}: {kind.describe()}; fastmonet info reads the stores fastmonet writes")


def _ensemble(path: Path, verify: bool) -> dict:
    """An ensemble: members per state and scenario; results and coefficients checked."""
    import numpy as np

    from fastmonet.ensemble import store
    from fastmonet.store import provenance
    a = store.attrs(path)
    if not a.get("layout_complete", False):
        return {"groups": {"(layout)": {"status": "incomplete", "arrays": 0, "provenance": {},
                                        "problem": "the store's layout was interrupted; rerun "
                                                   "'fastmonet ensemble run' to lay it out again"}}}
    prov = {k: a[k] for k in ("fastmonet_version", "highs_version", "python_version") if k in a}
    prov.update(input_files=provenance.input_files_from(a) or {}, input_key=a.get("input_hash"),
                input_source=f"{a.get('sampler', '?')} sample, seed {a.get('seed', '?')}, "
                             f"run key {str(a.get('run_key', '?'))[:16]}...")
    scenarios = [str(s) for s in a.get("scenarios", [])]
    members = {}
    try:
        st = store.status(path)
        for k, s in enumerate(scenarios):
            col = st[:, k]
            members[s] = {state: int((col == code).sum()) for state, code in
                          (("done", store.DONE), ("failed", store.FAILED), ("pending", store.PENDING))}
    except Exception:  # noqa: BLE001 - a damaged status: said by the checks below
        pass
    out = {}
    for part, check in (("results", store.result_damage), ("coefficients", store.coefficient_damage)):
        g = {"status": "complete", "problem": "", "provenance": prov if part == "results" else {},
             "arrays": 0}
        if verify:
            bad = check(path)
            if bad:
                i, (name, why) = next(iter(bad.items()))
                g.update(status="damaged", problem=f"variable {name!r} of member {i} {why} "
                                                   f"({len(bad)} member(s) in all); rerun the "
                                                   "same 'fastmonet ensemble run' to compute them again")
            else:
                g["status"] = "verified"
        out[part] = g
    n = int(np.asarray(a.get("n_members", 0)))
    return {"groups": out, "members": members, "n_members": n,
            "checksums": store.has_integrity(path)}


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
    lines = [f"store {info['store']} ({info['kind']}, layout {info.get('layout', '?')}, "
             f"{len(info['groups'])} group(s))"]
    for s, counts in info.get("members", {}).items():
        lines.append(f"members    {s}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if info["kind"] == "ensemble" and not info.get("checksums", True):
        lines.append("checksums  none (written before ensembles had them): chunks checked "
                     "for readability only")
    for name, g in info["groups"].items():
        checked = (f"{g['arrays']} array checksums verified" if info["kind"] != "ensemble"
                   else "every member's checksums verified")
        status = {"verified": f"complete, {checked}",
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
    if "input_key" not in p and "scenario_definition" not in p:
        return ["no provenance recorded"]
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
    """Print a store's description as text or JSON; exit status 1 when a group is neither verified
    nor complete (damaged or unfinished), so scripts can check a store before using it."""
    info = describe(args.store, verify=not args.no_verify)
    if args.json:
        sys.stdout.write(json.dumps(info, indent=1, sort_keys=True) + "\n")
    else:
        sys.stdout.write("\n".join(_text(info, args.files)) + "\n")
    sys.stdout.flush()
    bad = [n for n, g in info["groups"].items() if g["status"] not in ("verified", "complete")]
    return 1 if bad else 0
