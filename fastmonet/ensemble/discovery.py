"""Scenario discovery: which ranges of the sampled inputs lead to an outcome (PRIM).

    box = prim("ens.zarr", "target_missed", scenario="cooperation")
    box = prim(ds, "daccs_built", scenario="isolation")
    box = prim(ds, "cnc_above", scenario="isolation", cnc_threshold=150.0)
    print("\n".join(box_table(box)))
    box = prim_box(x, cases)                      # any (inputs DataFrame, bool cases) pair

The questions a modeller asks of an ensemble, each a yes / no per member over the members whose
(member, scenario) solve finished, all of the world in 2100 (`QUESTIONS`):

- ``target_missed``: the world's cumulative removal falls short of its 2100 target (shortfall
  above `outcomes.MET_TOL` of the target, the report's rule for "met");
- ``daccs_built``: DACCS has removed CO2 by 2100 (cumulative DACCS removal above `outcomes.MET_TOL`
  of the world's 2100 target: a solver's round-off is not a plant);
- ``cnc_above``: the world's cumulative net cost per tonne by 2100 is above `cnc_threshold`
  (US$2018/tCO2; default: the median over the scenario's members).

PRIM (Friedman & Fisher 1999, as used for scenario discovery by Bryant & Lempert 2010; here
`ema_workbench.analysis.prim`) peels the sampled input space down to a box where the cases are
dense.  Of the boxes on its peeling trajectory, the one returned is the one with the largest
coverage (share of all cases inside it) among those whose density (share of the members inside
it that are cases) reaches `density`; when none does, the densest.  Each restriction has a
quasi-p value (a one-sided binomial test of whether it raises the density by chance; small is
significant): with 100 members PRIM restricts many inputs by chance, so the least significant
restriction is dropped while its quasi-p value is above `MAX_QP` (one restriction is always
kept).  The limits are given on the restricted inputs only; a discrete input (storage case) is
peeled as a set of its named cases.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.ensemble import outcomes, sampled, store
from fastmonet.errors import InputError
from fastmonet.partition import labelled

QUESTIONS = {
    "target_missed": "the world misses its 2100 removal target",
    "daccs_built": "DACCS is built by 2100",
    "cnc_above": "world CNC by 2100 above the threshold",
}
DENSITY = 0.8          # the density a returned box should reach
PEEL_ALPHA = 0.05      # share of the members in the box peeled off per step
MASS_MIN = 0.05        # the smallest box, as a share of the members
MAX_QP = 0.05         # a restriction with a larger quasi-p value is dropped from the box
LIMIT_COLUMNS = ["input", "lower", "upper", "cases", "sample_low", "sample_high", "sample_cases",
                 "qp_lower", "qp_upper"]


@dataclass
class Box:
    """A PRIM box, or why there is none (`note`; then `limits` is empty)."""
    question: str
    scenario: str
    outcome: str                  # the question in words, with its threshold
    members: int                  # finished members analysed
    cases: int                    # members where the answer is yes
    coverage: float = np.nan      # cases inside the box / all cases
    density: float = np.nan       # cases inside the box / members inside the box
    mass: float = np.nan          # members inside the box / members
    in_box: int = 0
    cases_in_box: int = 0
    limits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LIMIT_COLUMNS))
    note: str = ""
    density_target: float = DENSITY
    dropped: list = field(default_factory=list)   # restrictions dropped for their quasi-p
    max_qp: float | None = MAX_QP

    @property
    def found(self) -> bool:
        return not self.note


def prim_box(x: pd.DataFrame, cases, *, density: float = DENSITY, peel_alpha: float = PEEL_ALPHA,
             mass_min: float = MASS_MIN, max_qp: float | None = MAX_QP) -> dict:
    """The PRIM box of the bool `cases` (n,) over the columns of `x` (n, d): numbers, or
    categories (a discrete input: its cases by name, peeled as a set).

    The box is chosen on the peeling trajectory (`choose`); then, while its least significant
    restriction has a quasi-p value above `max_qp` (None: keep every restriction), that
    restriction is dropped (PRIM on 100 members restricts many inputs by chance).  Returns
    {coverage, density, mass, in_box, cases_in_box, res_dim, limits (DataFrame of
    `LIMIT_COLUMNS`, the restricted inputs: lower / upper for a number, the cases kept for a
    category), trajectory (coverage, density, mass, res_dim of every box peeled)}; raises
    InputError when there is no case or no member outside them."""
    x = pd.DataFrame(x).reset_index(drop=True)
    x = x.apply(lambda c: c.astype(np.float64) if pd.api.types.is_numeric_dtype(c)
                else c.astype("category"))
    y = np.asarray(cases, dtype=bool)
    if x.shape[0] != y.shape[0]:
        raise InputError(f"prim: {x.shape[0]} input rows for {y.shape[0]} outcomes")
    if not y.any() or y.all():
        raise InputError(f"prim: {int(y.sum())} cases of {y.size}: nothing to separate")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # ema_workbench warns of its optional extras on import
        from ema_workbench.analysis import prim as ema_prim
        # Binary mode: a member is a case when y >= threshold, so any threshold in (0, 1] reads
        # y = 1 as a case; a small one also keeps find_box from replacing a trajectory whose
        # last box is below it by the whole space (the box is chosen below, on `density`).
        p = ema_prim.Prim(x, y.astype(np.int64), threshold=1e-9, peel_alpha=peel_alpha,
                          paste_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
        peeled = len(box.box_lims)
        i = choose(_trajectory(box), density)
        dropped = []
        while max_qp is not None and i > 0:
            qp = {name: min(v for v in q if v is not None and v >= 0) if any(
                v is not None and v >= 0 for v in q) else np.inf for name, q in box.qp[i].items()}
            if not qp or max(qp.values()) <= max_qp or len(qp) < 2:
                break
            dropped.append(max(qp, key=qp.get))
            box.drop_restriction(dropped[-1], i)
            i = len(box.box_lims) - 1
    traj = _trajectory(box)
    lims, init = box.box_lims[i], box.box_lims[0]
    qp = box.qp[i]
    rows = []
    for name in x.columns:
        if name not in lims.columns:          # a category with one value drawn: PRIM drops it
            continue
        lo, hi, lo0, hi0 = lims.loc[0, name], lims.loc[1, name], init.loc[0, name], init.loc[1, name]
        q = [np.nan if v is None or v < 0 else float(v) for v in qp.get(name, [np.nan, np.nan])]
        if isinstance(lo, (set, frozenset)):
            if set(lo) == set(lo0):
                continue
            order = list(x[name].cat.categories)          # the cases in their file's order
            kept = tuple(c for c in order if c in lo)
            drawn = tuple(c for c in order if c in lo0)
            rows.append((str(name), np.nan, np.nan, kept, np.nan, np.nan, drawn, q[0], q[1]))
        elif float(lo) != float(lo0) or float(hi) != float(hi0):
            rows.append((str(name), float(lo), float(hi), (), float(lo0), float(hi0), (), q[0], q[1]))
    row = traj.loc[i]
    in_box = int(round(row["mass"] * y.size))
    return {"coverage": float(row["coverage"]), "density": float(row["density"]),
            "mass": float(row["mass"]), "in_box": in_box,
            "cases_in_box": int(round(row["density"] * in_box)), "res_dim": int(row["res_dim"]),
            "limits": pd.DataFrame(rows, columns=LIMIT_COLUMNS), "dropped": dropped,
            "trajectory": traj.iloc[:peeled][["coverage", "density", "mass", "res_dim"]]}


def _trajectory(box) -> pd.DataFrame:
    t = box.peeling_trajectory.reset_index(drop=True)
    return t.astype({"coverage": float, "density": float, "mass": float, "res_dim": int})


def choose(trajectory: pd.DataFrame, density: float = DENSITY) -> int:
    """The box of a peeling trajectory to report: the largest coverage among the boxes that
    restrict an input and reach `density` (then the denser, then fewer restrictions);
    the densest when none does.  Only the whole space (box 0) when PRIM peeled nothing."""
    t = trajectory.reset_index(drop=True)
    cand = t[t["res_dim"] > 0]
    if cand.empty:
        return 0
    dense = cand[cand["density"] >= density]
    if not dense.empty:
        key = dense.assign(neg_res=-dense["res_dim"]).sort_values(
            ["coverage", "density", "neg_res"], ascending=False, kind="stable")
        return int(key.index[0])
    key = cand.sort_values(["density", "coverage"], ascending=False, kind="stable")
    return int(key.index[0])


def outcome(ds: xr.Dataset, question: str, scenario: str,
            cnc_threshold: float | None = None) -> tuple[pd.Series, str]:
    """(cases: bool per finished member, indexed by member; the question in words)."""
    ds = labelled(ds)   # world rows and the all option (fastmonet.partition)
    if question not in QUESTIONS:
        raise InputError(f"question: unknown question {question!r}; expected one of {', '.join(QUESTIONS)}")
    outcomes.check_scenario(ds, scenario)
    y = int(ds["year"].values[-1])
    ok = np.asarray(ds["status"].sel(scenario=scenario).values) == store.DONE
    target = np.abs(np.asarray(ds["target"].sel(scenario=scenario, region="world", year=y).values))
    if question == "target_missed":
        short = np.asarray(ds["shortfall"].sel(scenario=scenario, region="world", year=y).values)
        value, cut = short, outcomes.MET_TOL * target
        words = QUESTIONS[question] + " (shortfall above 1e-6 of the target)"
    elif question == "daccs_built":
        value = np.asarray(ds["cum_removal"].sel(scenario=scenario, region="world", option="daccs",
                                                 year=y).values)
        cut = outcomes.MET_TOL * target
        words = (QUESTIONS[question] + " (world cumulative DACCS removal above 1e-6 of the "
                 "world target)")
    else:
        value = np.asarray(ds["cnc"].sel(scenario=scenario, region="world", option="all",
                                         year=y).values, np.float64)
        fin = ok & np.isfinite(value)
        if cnc_threshold is None:
            if not fin.any():
                cnc_threshold = np.nan
            else:
                cnc_threshold = float(np.median(value[fin]))
            how = ", the median of the members"
        else:
            if not np.isfinite(cnc_threshold):
                raise InputError(f"--cnc-threshold: a finite number of US$2018/tCO2, got {cnc_threshold!r}")
            how = ""
        cut = np.full(value.shape, float(cnc_threshold))
        words = f"world CNC by 2100 above {cnc_threshold:.4g} US$2018/tCO2{how}"
    value = np.asarray(value, np.float64)
    keep = ok & np.isfinite(value)
    members = np.asarray(ds["member"].values)[keep]
    return pd.Series(value[keep] > cut[keep], index=pd.Index(members, name="member")), words


def prim(data, question: str, scenario: str, *, cnc_threshold: float | None = None,
         density: float = DENSITY, peel_alpha: float = PEEL_ALPHA, mass_min: float = MASS_MIN,
         max_qp: float | None = MAX_QP) -> Box:
    """The PRIM box of `question` (one of `QUESTIONS`) in `scenario` over the store's sampled
    columns; `data` an ensemble store path or its Dataset.  No case, or cases in every member,
    is a Box with a `note` (e.g. "target never missed in 100 members") and no limits."""
    ds = sampled.open_any(data)
    cases, words = outcome(ds, question, scenario, cnc_threshold)
    n, k = int(cases.size), int(cases.sum())
    box = Box(question, scenario, words, n, k, density_target=density, max_qp=max_qp)
    never = {"target_missed": "target never missed", "daccs_built": "DACCS never built",
             "cnc_above": "CNC never above the threshold"}
    always = {"target_missed": "target missed", "daccs_built": "DACCS built",
              "cnc_above": "CNC above the threshold"}
    if n == 0:
        box.note = "no finished member"
    elif k == 0:
        box.note = f"{never[question]} in {n} members: no box"
    elif k == n:
        box.note = f"{always[question]} in every one of {n} members: no box separates them"
    if box.note:
        return box
    found = prim_box(named_inputs(ds).loc[cases.index], cases.to_numpy(), density=density,
                     peel_alpha=peel_alpha, mass_min=mass_min, max_qp=max_qp)
    box.coverage, box.density, box.mass = found["coverage"], found["density"], found["mass"]
    box.in_box, box.cases_in_box, box.limits = found["in_box"], found["cases_in_box"], found["limits"]
    box.dropped = found["dropped"]
    if box.limits.empty:
        box.note = (f"no box: PRIM found no restriction that raises the share of cases "
                    f"({k} of {n}) in {n} members")
    return box


def named_inputs(ds: xr.Dataset) -> pd.DataFrame:
    """`sampled.inputs` with each discrete column as a category of its case names."""
    x = sampled.inputs(ds)
    for c in sampled.columns(ds):
        if c.cases:
            idx = x[c.name].round().astype(int)
            x[c.name] = pd.Categorical.from_codes(idx, categories=list(c.cases))
    return x


def box_table(box: Box, columns: list[sampled.Column] | None = None) -> list[str]:
    """The box as Markdown lines: a caption line, then a table of the restricted inputs (range in
    the box, range sampled, quasi-p), or the caption and the note when there is no box."""
    head = (f"**{box.scenario}: {box.outcome}** ({box.cases} of {box.members} members)")
    if not box.found:
        return [head + f": {box.note}."]
    cols = {c.name: c for c in (columns or [])}
    reach = "" if box.density >= box.density_target else f"; density below {box.density_target:g}"
    if box.dropped:
        reach += (f"; {len(box.dropped)} restriction{'s' if len(box.dropped) > 1 else ''} of "
                  f"quasi-p above {box.max_qp:g} dropped")
    lines = [head + f": coverage {box.coverage:.2f}, density {box.density:.2f}, "
             f"{box.in_box} members in the box ({box.cases_in_box} of them cases){reach}.", "",
             "| input | unit | in the box | sampled | quasi-p |", "|---|---|---|---|---|"]
    for r in box.limits.itertuples(index=False):
        c = cols.get(r.input)
        qp = ", ".join(f"{v:.2g}" for v in (r.qp_lower, r.qp_upper) if np.isfinite(v))
        if r.cases:
            inside, sampled_ = ", ".join(r.cases), ", ".join(r.sample_cases)
            unit = "case"
        else:
            inside = f"{r.lower:.3g} - {r.upper:.3g}"
            sampled_ = f"{r.sample_low:.3g} - {r.sample_high:.3g}"
            unit = (f"x {c.field_unit}" if c.kind == "multiplier" else c.unit) if c else ""
        lines.append(f"| {r.input} | {unit} | {inside} | {sampled_} | {qp} |")
    return lines
