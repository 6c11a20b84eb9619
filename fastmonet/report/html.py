"""`report.html`: one self-contained file (figures embedded as base64 PNG, CSS inline)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from fastmonet.report.content import Report
from fastmonet.report.table import HEAD, UNITS, cells

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222;
       line-height: 1.45; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th.unit { font-weight: normal; color: #666; font-size: 0.85em; }
figure { margin: 2em 0; } figure img { max-width: 100%; }
figcaption { color: #444; font-size: 0.92em; }
.note { color: #8a4b00; } .failed { color: #b00020; }
details { font-size: 0.85em; } code { font-size: 0.9em; overflow-wrap: anywhere; }
.wide { overflow-x: auto; max-width: 100%; }
"""


def _table(report: Report) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEAD)
    units = "".join(f'<th class="unit">{html.escape(u)}</th>' for u in UNITS)
    body = []
    for line in report.lines:
        cs = cells(line)
        tds = [f"<td>{html.escape(cs[0])}</td>"] + \
              [f'<td class="num">{html.escape(c)}</td>' for c in cs[1:]]
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><tr>{head}</tr><tr>{units}</tr>{''.join(body)}</table>"


SKIP = ("input_files", "solver_options", "scenarios")


SHORT = 12          # hex digits of a hash shown in the per-scenario table (the rest on hover)


def _short(v) -> str:
    """A hash as `sha256:0123456789ab...` (full value in the title), other values as they are."""
    text = str(v)
    if text.startswith("sha256:") and len(text) > 7 + SHORT:
        return (f'<code title="{html.escape(text)}">{html.escape(text[:7 + SHORT])}&hellip;'
                f"</code>")
    return f"<code>{html.escape(text)}</code>"


def _scenarios(p: dict) -> str:
    """Per scenario what the result store recorded: a narrow table (short hashes, the HiGHS
    options once when every scenario shares them), every full value in a details block."""
    rows = p.get("scenarios", {})
    keys = sorted({k for r in rows.values() for k in r})
    if not keys:
        return ""
    options = {json.dumps(r.get("highs_options"), sort_keys=True) for r in rows.values()}
    shared = len(options) == 1 and "highs_options" in keys
    cols = [k for k in keys if not (shared and k == "highs_options")]
    head = "".join(f"<th>{html.escape(k)}</th>" for k in ["scenario", *cols])

    def cell(k, v) -> str:
        if isinstance(v, dict):
            return f"<td>{len(v)} options (below)</td>"
        return f"<td>{_short(v)}</td>"
    body = "".join(f"<tr><td>{html.escape(n)}</td>" + "".join(cell(k, r.get(k, "")) for k in cols)
                   + "</tr>" for n, r in rows.items())
    out = f"<h3>Per scenario (from the result store)</h3><div class='wide'><table><tr>{head}</tr>{body}</table></div>"
    if shared:
        out += (f"<p>HiGHS options of every scenario: <code>{html.escape(options.pop())}</code></p>")
    full = "".join(f"<li>{html.escape(n)}: <code>{html.escape(json.dumps(r, sort_keys=True))}</code></li>"
                   for n, r in rows.items())
    return out + f"<details><summary>full values per scenario</summary><ul>{full}</ul></details>"


def _assumed(report: Report) -> str:
    a = report.assumed
    if a is None:
        return ""
    rows = "".join(f"<tr><td><code>{html.escape(fl)}</code></td><td><code>{html.escape(f)}</code>"
                   f'</td><td class="num">{n}</td><td class="num">{t}</td></tr>'
                   for fl, f, n, t in a.fields)
    table = (f"<table><tr><th>file</th><th>field</th><th>assumed</th><th>values</th></tr>{rows}"
             f"</table>") if rows else ""
    return f"<h2>Input data: how much is assumed</h2><p>{html.escape(a.sentence())}</p>{table}"


def _provenance(p: dict) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(str(v))}</code></td></tr>"
                   for k, v in p.items() if k not in SKIP)
    solver = html.escape(json.dumps(p.get("solver_options", []), sort_keys=True))
    files = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(v)}"
                    f"</code></td></tr>" for k, v in p.get("input_files", {}).items())
    return (f"<table>{rows}<tr><td>solver_options</td><td><code>{solver}</code></td></tr></table>"
            f"<details><summary>{len(p.get('input_files', {}))} input files and their hashes"
            f"</summary><table>{files}</table></details>{_scenarios(p)}")


def write(report: Report, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file (figures embedded as base64 PNG); returns its path."""
    path = Path(path)
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{html.escape(report.title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(report.title)}</h1>", "<h2>Summary by 2100</h2>", _table(report)]
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in report.notes]
    parts += [f'<p class="failed">{html.escape(s)}: not solved: {html.escape(m)}</p>'
              for s, m in report.failed]
    parts.append(_assumed(report))
    parts.append("<h2>Scenarios</h2>")
    parts += [f"<p>{html.escape(p)}</p>" for _, p in report.paragraphs]
    parts.append("<h2>Figures</h2>")
    for i, f in enumerate(report.figures, 1):
        b64 = base64.b64encode(f.png()).decode("ascii")
        parts.append(f'<figure id="{f.key}"><h3>Figure {i}. {html.escape(f.title)}</h3>'
                     f'<img alt="{html.escape(f.title)}" src="data:image/png;base64,{b64}">'
                     f"<figcaption>{html.escape(f.caption)}</figcaption></figure>")
    parts += ["<h2>Provenance</h2>", _provenance(report.provenance), "</body></html>"]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
