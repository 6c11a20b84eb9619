"""The headline table of a run, built from the summary rows (so it always matches summary.csv).

One `Line` per scenario: cumulative removal by 2100 per option and in total (GtCO2), the world
shortfall and the region missing most of its target, CNC with trading (world), the same CNC
with the shortfall priced (`fastmonet.report.shortfall`; equal to CNC where nothing is missed)
and NEP (US$/tCO2).  `text(lines)` is what `fastmonet run` prints; `notes(lines, rule)` says in
words what a shortfall or an undefined NEP means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A shortfall below this (GtCO2) is solver noise, not a missed target.
SHORTFALL_EPS_GT = 1e-6
HEAD = ("scenario", "AR", "BECCS", "DACCS", "total", "shortfall", "missing most", "CNC",
        "CNC priced", "NEP")
UNITS = ("", "GtCO2", "GtCO2", "GtCO2", "GtCO2", "GtCO2", "(GtCO2)", "US$/tCO2", "US$/tCO2",
         "US$/tCO2")


@dataclass(frozen=True)
class Line:
    scenario: str
    ar: float
    beccs: float
    daccs: float
    total: float
    shortfall: float
    short_region: str          # "" when nothing is missing
    short_region_gt: float
    cnc: float
    nep: float
    cnc_priced: float = math.nan    # CNC with the shortfall priced (NaN: not computed)

    @property
    def has_shortfall(self) -> bool:
        return self.shortfall > SHORTFALL_EPS_GT


def lines(rows, priced: dict[str, float] | None = None) -> list[Line]:
    """Summary rows (scenario, region, option, metric, value, unit) -> one Line per scenario;
    `priced`: {scenario: world CNC with the shortfall priced} (`shortfall.world_cnc_priced`)."""
    priced = priced or {}
    by = {}
    order = []
    for sc, region, option, metric, value, _unit in rows:
        if sc not in by:
            by[sc] = {}
            order.append(sc)
        by[sc][(region, option, metric)] = float(value)
    out = []
    for sc in order:
        d = by[sc]
        cum = lambda o: d[("world", o, "cum_removal_2100")]  # noqa: E731
        regional = {r: v for (r, o, m), v in d.items()
                    if m == "shortfall_2100" and r != "world"}
        worst = max(regional, key=regional.get) if regional else ""
        worst_gt = regional.get(worst, 0.0)
        short = d[("world", "all", "shortfall_2100")]
        if not short > SHORTFALL_EPS_GT:
            worst, worst_gt = "", 0.0
        out.append(Line(sc, cum("ar"), cum("beccs"), cum("daccs"), cum("all"), short, worst,
                        worst_gt, d[("world", "all", "cnc_2100")], d[("world", "all", "nep")],
                        priced.get(sc, math.nan)))
    return out


def _num(v: float, digits: int) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.{digits}f}"


def cells(line: Line) -> tuple[str, ...]:
    """The printed cells of one line (GtCO2 to 2 decimals, US$/tCO2 to 1)."""
    region = f"{line.short_region} ({line.short_region_gt:.2f})" if line.has_shortfall else "-"
    return (line.scenario, _num(line.ar, 2), _num(line.beccs, 2), _num(line.daccs, 2),
            _num(line.total, 2), _num(line.shortfall, 2), region, _num(line.cnc, 1),
            _num(line.cnc_priced, 1), _num(line.nep, 1))


def text(lines_: list[Line]) -> str:
    """The summary table as aligned plain text: header, units row, a rule, one line per scenario."""
    body = [cells(x) for x in lines_]
    widths = [max(len(r[i]) for r in (HEAD, UNITS, *body)) for i in range(len(HEAD))]

    def fmt(row):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEAD), fmt(UNITS), rule, *(fmt(b) for b in body)])


def notes(lines_: list[Line], pricing=None) -> list[str]:
    """A sentence for every shortfall (with the priced CNC; `pricing`: the run's
    `shortfall.Pricing`, its rule stated once first) and every undefined NEP."""
    out = []
    priced = pricing is not None and pricing.defined
    if priced and any(x.has_shortfall for x in lines_):
        out.append(f"CNC priced: CNC per tonne of target with the {pricing.rule}; it equals CNC "
                   f"where the targets are met, so scenarios that deliver unequal tonnes compare "
                   f"on equal terms.")
    for x in lines_:
        if x.has_shortfall:
            text = (f"{x.scenario}: misses the 2100 targets by {x.shortfall:.2f} GtCO2, most of "
                    f"it in {x.short_region} ({x.short_region_gt:.2f} GtCO2): the land, CO2 "
                    f"storage and build rates it may use under this policy cannot remove more.")
            if priced and math.isfinite(x.cnc_priced):
                text += (f" Its CNC of {x.cnc:.1f} US$/tCO2 covers only the tonnes it delivers, "
                         f"so it is not comparable with a scenario that meets its targets; with "
                         f"the {pricing.short} it is {x.cnc_priced:.1f} US$/tCO2 (CNC priced).")
            out.append(text)
        if not math.isfinite(x.nep):
            out.append(
                f"{x.scenario}: NEP undefined: no region removes more than its own 2100 target, so "
                f"there is no surplus to trade and no price for it.")
    return out


def wrapped(note: str, width: int = 100) -> str:
    """A note as the terminal prints it: a bullet, wrapped and indented."""
    import textwrap
    return textwrap.fill(note, width=width, initial_indent="* ", subsequent_indent="  ")
