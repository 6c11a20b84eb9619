"""An ensemble report's analysis of any sample: PAWN sensitivity and PRIM boxes, as tables and
as `analysis.md` (what `fastmonet ensemble report` writes beside summary.csv).

    a = analyse(ds, cnc_threshold=None, num_resamples=RESAMPLES)
    a.sensitivity          # sensitivity.pawn rows of every scenario, for SENSITIVITY_OUTPUTS
    a.not_computed         # {(scenario, output): why}
    a.boxes                # discovery.Box per (scenario, question)
    boxes_table(a.boxes)   # long table of the boxes (prim_boxes.csv)
    markdown(ds, a)        # analysis.md: captions with units, scenario set and member count
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from fastmonet.ensemble import discovery, report, sampled, sensitivity, store

#: The outputs the report analyses (those of the Sobol indices).
SENSITIVITY_OUTPUTS = tuple(report.SOBOL_OUTPUTS)
RESAMPLES = 50          # bootstrap resamples of the report's PAWN intervals
TOP = 10                # inputs shown per table in analysis.md (all of them in sensitivity.csv)
BOX_COLUMNS = ["scenario", "question", "outcome", "members", "cases", "coverage", "density",
               "in_box", "cases_in_box", "input", "lower", "upper", "cases_kept", "note"]


@dataclass
class Analysis:
    sensitivity: pd.DataFrame
    not_computed: dict
    boxes: list
    num_resamples: int


def analyse(ds: xr.Dataset, *, cnc_threshold: float | None = None,
            num_resamples: int = RESAMPLES) -> Analysis:
    """PAWN indices of `SENSITIVITY_OUTPUTS` and the PRIM box of every question, per scenario."""
    ds = ds.load()
    frames, skipped = [], {}
    for out in SENSITIVITY_OUTPUTS:
        t = sensitivity.pawn(ds, out, num_resamples=num_resamples)
        skipped.update({(s, out): why for s, why in t.attrs["not_computed"].items()})
        if not t.empty:
            frames.append(t)
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=sensitivity.COLUMNS))
    boxes = [discovery.prim(ds, q, str(s), cnc_threshold=cnc_threshold)
             for s in ds["scenario"].values for q in discovery.QUESTIONS]
    return Analysis(table, skipped, boxes, num_resamples)


def boxes_table(boxes: list) -> pd.DataFrame:
    """One row per restricted input of each box (one row with the note for a box not found)."""
    rows = []
    for b in boxes:
        head = [b.scenario, b.question, b.outcome, b.members, b.cases, b.coverage, b.density,
                b.in_box, b.cases_in_box]
        if not b.found:
            rows.append(head + ["", np.nan, np.nan, "", b.note])
        for r in b.limits.itertuples(index=False):
            rows.append(head + [r.input, r.lower, r.upper, " ".join(r.cases), ""])
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def describe_run(ds: xr.Dataset) -> str:
    """'scenarios cooperation, isolation; 100 members (lhs sample, seed 1)'."""
    names = ", ".join(str(s) for s in ds["scenario"].values)
    return (f"scenarios {names}; {ds.sizes['member']} members ({ds.attrs.get('sampler', '?')} "
            f"sample, seed {ds.attrs.get('seed', '?')})")


def markdown(ds: xr.Dataset, a: Analysis) -> str:
    """analysis.md: the PAWN tables (top `TOP` inputs and the dummy) and the PRIM boxes."""
    cols = sampled.columns(ds)
    run = describe_run(ds)
    lines = ["# Ensemble analysis", "",
             f"Store: {run}; {len(cols)} sampled inputs (a group of correlated entries is one).",
             ""]
    done = {str(s): int((np.asarray(ds["status"].sel(scenario=s).values) == store.DONE).sum())
            for s in ds["scenario"].values}
    for s, n in done.items():
        warn = report.member_warning(n)
        if warn:
            lines += [f"Warning ({s}): {warn}.", ""]
    lines += ["## Sensitivity (PAWN)", "",
              f"PAWN index (SALib): the median, over {sensitivity.SLICES} equal-count slices of an "
              "input, of the Kolmogorov-Smirnov distance between the output's distribution in the "
              "slice and over all members; 0 = the input does not move the output's distribution, "
              f"1 = at most. Intervals: 95 % bootstrap over {a.num_resamples} resamples of the "
              "members. `dummy` is a column of random numbers: its index is the noise floor at this "
              "member count; * marks an input whose index exceeds the dummy's in 97.5 % of the "
              "resamples. Dimensionless; all inputs in sensitivity.csv.", ""]
    for out in SENSITIVITY_OUTPUTS:
        unit = sensitivity.OUTPUTS[out]
        for s in done:
            why = a.not_computed.get((s, out))
            title = f"**{s}: world {out} ({unit}), {done[s]} finished members**"
            if why:
                lines += [f"{title}: {why}.", ""]
                continue
            t = a.sensitivity[(a.sensitivity["scenario"] == s) & (a.sensitivity["output"] == out)]
            if t.empty:
                continue
            ranked = t[t["input"] != sensitivity.DUMMY].sort_values("pawn", ascending=False,
                                                                     kind="stable")
            shown = pd.concat([ranked.head(TOP), t[t["input"] == sensitivity.DUMMY]])
            lines += [f"{title} (top {min(TOP, len(ranked))} of {len(ranked)} inputs):", "",
                      "| input | PAWN | 95 % interval |", "|---|---|---|"]
            for r in shown.itertuples(index=False):
                mark = " *" if r.above_dummy else ""
                lines.append(f"| {r.input}{mark} | {r.pawn:.3f} | {r.pawn_low:.3f} - {r.pawn_high:.3f} |")
            lines.append("")
    lines += ["## Scenario discovery (PRIM)", "",
              "Boxes over the sampled inputs (ema_workbench PRIM) where the members answering yes "
              "are dense, all of the world in 2100: coverage = cases inside the box / all cases, "
              "density = cases inside the box / members inside it. Chosen: the widest box of "
              f"density >= {discovery.DENSITY:g} (else the densest), restrictions of quasi-p above "
              f"{discovery.MAX_QP:g} dropped (chance at this member count). Input ranges: "
              "multipliers of the named field (x unit), values in their unit, cases by name; "
              "'sampled' is the range the members drew.", ""]
    for b in a.boxes:
        lines += discovery.box_table(b, cols) + [""]
    return "\n".join(lines).rstrip() + "\n"


def summary_lines(a: Analysis) -> list[str]:
    """One line per box for the terminal."""
    out = []
    for b in a.boxes:
        if not b.found:
            out.append(f"PRIM {b.scenario} {b.question}: {b.note}")
            continue
        parts = [f"{r.input} in {{{', '.join(r.cases)}}}" if r.cases else
                 f"{r.lower:.3g} <= {r.input} <= {r.upper:.3g}" for r in b.limits.itertuples(index=False)]
        out.append(f"PRIM {b.scenario} {b.question} ({b.cases} of {b.members}): {'; '.join(parts)} "
                   f"(coverage {b.coverage:.2f}, density {b.density:.2f})")
    return out
