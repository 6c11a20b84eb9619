"""`report.md` with the figures as PNG files beside it (in `figures/`)."""

from __future__ import annotations

import json
from pathlib import Path

from fastmonet.report.content import Report
from fastmonet.report.table import HEAD, UNITS, cells


def _table(report: Report) -> list[str]:
    head = [f"{h} ({u})" if u else h for h, u in zip(HEAD, UNITS)]
    rule = "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"
    out = ["| " + " | ".join(head) + " |", rule]
    out += ["| " + " | ".join(cells(x)) + " |" for x in report.lines]
    return out


def _assumed(report: Report) -> list[str]:
    a = report.assumed
    if a is None:
        return []
    out = ["## Input data: how much is assumed", "", a.sentence(), ""]
    if a.fields:
        out += ["| file | field | assumed | values |", "|---|---|---:|---:|"]
        out += [f"| `{fl}` | `{f}` | {n} | {t} |" for fl, f, n, t in a.fields] + [""]
    return out


def write(report: Report, path: str | Path, figure_dir: str = "figures") -> Path:
    """Write the report as Markdown with its figures as PNGs in `figure_dir` beside it; returns its path."""
    path = Path(path)
    (path.parent / figure_dir).mkdir(parents=True, exist_ok=True)
    md = [f"# {report.title}", "", "## Summary by 2100", "", *_table(report), ""]
    md += [f"> {n}\n" for n in report.notes]
    md += [f"**{s}: not solved:** {m}\n" for s, m in report.failed]
    md += _assumed(report)
    md += ["## Scenarios", ""] + [f"{p}\n" for _, p in report.paragraphs]
    md += ["## Figures", ""]
    for i, f in enumerate(report.figures, 1):
        rel = f"{figure_dir}/{f.key}.png"
        (path.parent / rel).write_bytes(f.png())
        md += [f"### Figure {i}. {f.title}", "", f"![{f.title}]({rel})", "", f"*{f.caption}*", ""]
    p = report.provenance
    md += ["## Provenance", ""]
    md += [f"- {k}: `{v}`" for k, v in p.items()
           if k not in ("input_files", "solver_options", "scenarios")]
    md += [f"- scenario {n}: " + ", ".join(f"{k} `{v}`" for k, v in r.items())
           for n, r in p.get("scenarios", {}).items()]
    md += [f"- solver_options: `{json.dumps(p.get('solver_options', []), sort_keys=True)}`", "",
           "<details><summary>input files and their hashes</summary>", ""]
    md += [f"- `{k}`: `{v}`" for k, v in p.get("input_files", {}).items()]
    md += ["", "</details>", ""]
    path.write_text("\n".join(md), encoding="utf-8")
    return path
