"""What a store is: every store fastmonet writes records its kind and layout version at its root.

    kind_of(path) -> Kind | None     recorded, else inferred from the content; None: nothing there
    require(path, want, accept, action) -> Kind | None   refuse any other kind, before any work
    stamp(path, kind)                the root attributes `fastmonet_store_kind` / `_layout`
    check_names(path, names, kind)   scenario group names that would overwrite the store's own

Four kinds live side by side in a modeller's folders for months, and each writer replaces
something: a results group, a run's root arrays, an ensemble's layout, a whole coefficient
store.  So each writer and reader asks the kind first and refuses another one in one line naming
the store and both kinds; nothing of another kind is ever replaced.

Stores written before kinds were recorded are read by what they hold: an ensemble has its
`title`, a coefficient store the guarded writer's `checksums` at its root, a run store the
combined view's `title`, a results store scenario groups.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from fastmonet.store.errors import StoreError

KIND_ATTR = "fastmonet_store_kind"
LAYOUT_ATTR = "fastmonet_store_layout"

RESULTS, RUN, ENSEMBLE, COEFFICIENTS = "results", "run", "ensemble", "coefficients"
# The layout each kind is written with now; a store with a higher one is from a newer fastmonet.
# Ensemble layout 2: member and coefficient checksums (group `integrity`); 1: without.
# Results and run layout 2, ensemble layout 3: `region` holds the regions and `option` the
# options only (world and all-option values are sums, or variables of their own: see
# fastmonet.partition); earlier layouts held "world" and "all" inside those dimensions and are
# converted when read (results and run stores also in place, before anything is added to them).
LAYOUTS = {RESULTS: 2, RUN: 2, ENSEMBLE: 3, COEFFICIENTS: 1}
#: The first layout of each kind whose `region` / `option` partition (fastmonet.partition).
PARTITIONED = {RESULTS: 2, RUN: 2, ENSEMBLE: 3}
DESCRIPTIONS = {
    RESULTS: "a results store (fastmonet solve: one group per scenario)",
    RUN: "a run's results store (fastmonet run: every scenario combined at its root)",
    ENSEMBLE: "an ensemble store (fastmonet ensemble run)",
    COEFFICIENTS: "a coefficient store (fastmonet coefficients build)",
    "unknown": "a zarr store not written by fastmonet",
    "folder": "a non-empty folder that is not a zarr store",
}
ENSEMBLE_TITLE = "fastmonet uncertainty ensemble"          # = fastmonet.ensemble.store.TITLE
RUN_TITLE = "fastmonet results: every scenario"            # = scenario_dataset.combine's title
_GUARDED = ("parts", "checksums", "complete", "provenance")  # a guarded group's own attributes


@dataclass(frozen=True)
class Kind:
    name: str                 # results, run, ensemble, coefficients, or "unknown"
    layout: int               # 0: not recorded (a store written before kinds were)
    recorded: bool            # False: inferred from the content

    def describe(self) -> str:
        return DESCRIPTIONS.get(self.name, f"a store of kind {self.name!r}")


def _meta(folder: Path) -> dict | None:
    """A node's zarr.json, None when there is none; StoreError when it cannot be read."""
    meta = folder / "zarr.json"
    if not meta.is_file():
        return None
    try:
        doc = json.loads(meta.read_text())
    except (OSError, ValueError) as exc:
        raise StoreError(f"store {folder}: its metadata zarr.json cannot be read "
                         f"({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})"
                         "; not a store fastmonet can use") from None
    if not isinstance(doc, dict):
        raise StoreError(f"store {folder}: its metadata zarr.json is not a zarr node; not a "
                         "store fastmonet can use")
    return doc


def kind_of(path) -> Kind | None:
    """What the store at `path` is; None when there is no store (or an empty one) yet."""
    path = Path(path)
    if not path.is_dir():
        return None
    doc = _meta(path)
    if doc is None:
        visible = [c for c in path.iterdir() if not c.name.startswith(".")]
        return Kind("folder", 0, False) if visible else None
    if doc.get("node_type") != "group":
        return Kind("unknown", 0, False)
    attrs = doc.get("attributes") or {}
    if not isinstance(attrs, dict):
        return Kind("unknown", 0, False)
    if KIND_ATTR in attrs:
        try:
            layout = int(attrs.get(LAYOUT_ATTR, 0))
        except (TypeError, ValueError):
            layout = 0
        return Kind(str(attrs[KIND_ATTR]), layout, True)
    return _infer(path, attrs)


def _infer(path: Path, attrs: dict) -> Kind | None:
    """A store from before kinds were recorded, by its content."""
    if attrs.get("title") == ENSEMBLE_TITLE:
        return Kind(ENSEMBLE, 1, False)
    if any(k in attrs for k in _GUARDED):
        return Kind(COEFFICIENTS, 1, False)
    if attrs.get("title") == RUN_TITLE:
        return Kind(RUN, 1, False)
    children = [c for c in path.iterdir() if c.is_dir() and not c.name.startswith(".")]
    if not children and not attrs:
        return None                                  # an empty root group: nothing written yet
    for child in children:
        try:
            meta = _meta(child)
        except StoreError:
            continue
        if meta is None or (meta.get("node_type") == "group"
                            and any(k in (meta.get("attributes") or {}) for k in
                                    (*_GUARDED, "scenario_json"))):
            return Kind(RESULTS, 1, False)           # scenario groups (or an interrupted one)
    return Kind("unknown", 0, False)


def require(path, want: str, accept: Iterable[str] = (), action: str = "") -> Kind | None:
    """The store's kind, if it is `want` or one of `accept` (or no store yet); else StoreError
    naming the store and both kinds.  A layout newer than this fastmonet's is refused too."""
    have = kind_of(path)
    if have is None:
        return None
    ok = (want, *accept)
    if have.name not in ok:
        doing = f"{action}: " if action else ""
        raise StoreError(f"{doing}store {path} is {have.describe()}, not "
                         f"{DESCRIPTIONS[want]}: refusing to replace or read it as one "
                         "(nothing was changed); give another path")
    newest = LAYOUTS.get(have.name, 0)
    if have.layout > newest:
        raise StoreError(f"store {path}: {have.describe()} of layout {have.layout}, written by a "
                         f"newer fastmonet (this one reads up to layout {newest}); upgrade fastmonet")
    return have


def stamp(path, kind: str) -> None:
    """Record `kind` and its current layout at the store's root (creating the root group)."""
    import zarr
    g = zarr.open_group(str(path), mode="a")
    g.attrs.update(attributes(kind))


def attributes(kind: str) -> dict:
    """The root attributes that say what a store is (for writers that lay out the root)."""
    return {KIND_ATTR: kind, LAYOUT_ATTR: LAYOUTS[kind]}


def check_names(path, names: Iterable[str], kind: str = RESULTS) -> None:
    """Scenario group names that would replace (or be shadowed by) the store's own nodes.

    A group is written by deleting what holds its name first, so a scenario named like one of
    a run store's root arrays (`cum_removal`, `region`, ...) would delete it, and one named
    `zarr.json` the store's metadata.  `kind`: results or run (a run store's root holds the
    combined view, whose names are reserved even before it is written)."""
    path = Path(path)
    reserved = {"zarr.json"}
    if kind == RUN:
        from fastmonet.scenario_dataset import ROOT_NAMES
        reserved |= set(ROOT_NAMES)
    lower = {r.lower(): r for r in reserved}
    existing = {}
    if path.is_dir():
        for child in path.iterdir():
            try:
                meta = _meta(child) if child.is_dir() else None
            except StoreError:
                meta = {"node_type": "unreadable"}
            if meta is not None and meta.get("node_type") != "group":
                existing[child.name.lower()] = child.name
    for name in names:
        key = name.lower()
        if key in existing:
            raise StoreError(f"store {path}: scenario name {name!r} is taken by the store's own "
                             f"array {existing[key]!r}, which writing the scenario would delete; "
                             "give the scenario another name")
        if key in lower:
            raise StoreError(f"store {path}: scenario name {name!r} is reserved ({lower[key]!r} "
                             f"is part of {DESCRIPTIONS[kind].split(' (')[0]}); give the "
                             "scenario another name")
