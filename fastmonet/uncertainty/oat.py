"""One-at-a-time sweep: solve a scenario at each range's low and high end, the rest central.

    python -m fastmonet.uncertainty.oat [--scenario cooperation] [--csv out.csv] [--top 10]

Per parameter, every dimension of it (e.g. all five regions of "mal") is moved to the same end.
Effect = the change of CNC 2100 (US$/tCO2) and of the world shortfall 2100 (GtCO2) against the
central solve; parameters are ranked by the larger of |dCNC| / CNC and |dShortfall| / target.
Coefficients are rebuilt only where a draw changes what they are computed from: scenario entries
reuse the central coefficients, and multipliers of the LP's land and target variables (which
`coefficients.build` copies through) patch them.
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

# Variables coefficients.build copies into the coefficient Dataset; positive multipliers of them
# change nothing else (land only decides which chains exist through land > 0).
PATCHABLE = {"mal", "lhw", "lrp", "ovl", "target", "target_2100_by_case"}


def _metrics(res) -> dict:
    m = res.metrics
    last = m["year"].values[-1]
    w = m["cum_removal"].sel(region="world", year=last) / 1e9
    return {"cnc": float(m["cnc"].sel(region="world", option="all", year=last)),
            "shortfall": float(m["shortfall"].sel(region="world", year=last)) / 1e9,
            **{o: float(w.sel(option=o)) for o in ("ar", "beccs", "daccs")}}


def _coefficients(applied, p, base_coeffs, inputs):
    from fastmonet.uncertainty import fields as F
    kind = F.split(p.targets[0], p.name)[0]
    if kind == "scenario":
        return base_coeffs
    names = {t.split(":", 1)[1] for t in p.targets}
    if kind == "inputs" and p.apply == "multiplier" and names <= PATCHABLE:
        out = base_coeffs.copy()
        for n in names & set(base_coeffs.data_vars):
            out[n] = applied.inputs[n]
        return out
    return applied.coefficients()


def sweep(scenario: str = "cooperation", names=None, progress=print) -> pd.DataFrame:
    """One row per (parameter, end): the draw's value and the scenario's metrics."""
    from fastmonet import api, data, scenarios, technology, uncertainty
    from fastmonet.uncertainty import ranges as ranges_mod
    inputs, tech = data.load(), technology.load()
    ranges = uncertainty.load(tech=tech)
    base_sc = scenarios.make(scenario)
    base_coeffs = uncertainty.apply(inputs, tech, ranges.central(), ranges).coefficients()
    t0 = time.perf_counter()
    central = _metrics(api.solve_coefficients(base_coeffs, base_sc))
    rows = [{"parameter": "central", "end": "central", "value": "", **central, "seconds": time.perf_counter() - t0}]
    dims = ranges.dimensions()
    for p in ranges.parameters:
        if names and p.name not in names:
            continue
        for end in ("low", "high"):
            draw = {n: p.end(end, s) for n, (q, s) in zip(ranges.dimension_names(), dims) if q is p}
            if all(v == p.central for v in draw.values()):
                continue
            value = ranges_mod._show(p.end(end))
            t0 = time.perf_counter()
            applied = uncertainty.apply(inputs, tech, draw, ranges)
            coeffs = _coefficients(applied, p, base_coeffs, inputs)
            res = api.solve_coefficients(coeffs, applied.scenario(base_sc))
            rows.append({"parameter": p.name, "end": end, "value": value, **_metrics(res),
                         "seconds": time.perf_counter() - t0})
            progress(f"{p.name} {end} {value}: CNC {rows[-1]['cnc']:.1f}, shortfall "
                     f"{rows[-1]['shortfall']:.2f} ({rows[-1]['seconds']:.1f} s)")
    table = pd.DataFrame(rows)
    table["d_cnc"] = table["cnc"] - central["cnc"]
    table["d_shortfall"] = table["shortfall"] - central["shortfall"]
    return table


def ranking(table: pd.DataFrame, world_target_gt: float) -> pd.DataFrame:
    """Per parameter: low/high CNC and shortfall, and the score the ranking uses."""
    central = table[table["parameter"] == "central"].iloc[0]
    rows = []
    for name, g in table[table["parameter"] != "central"].groupby("parameter", sort=False):
        score = max((g["d_cnc"].abs() / central["cnc"]).max(),
                    (g["d_shortfall"].abs() / world_target_gt).max())
        by = {r["end"]: r for _, r in g.iterrows()}
        rows.append({"parameter": name,
                     "cnc_low": by["low"]["cnc"] if "low" in by else central["cnc"],
                     "cnc_high": by["high"]["cnc"] if "high" in by else central["cnc"],
                     "shortfall_low": by["low"]["shortfall"] if "low" in by else central["shortfall"],
                     "shortfall_high": by["high"]["shortfall"] if "high" in by else central["shortfall"],
                     "score": score})
    return pd.DataFrame(rows).sort_values("score", ascending=False, ignore_index=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scenario", default="cooperation")
    ap.add_argument("--csv", default=None, help="write every solve's row to this CSV")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--only", default=None, help="comma-separated parameter names")
    args = ap.parse_args(argv)
    from fastmonet import data
    table = sweep(args.scenario, args.only.split(",") if args.only else None,
                  progress=lambda s: print(s, file=sys.stderr, flush=True))
    if args.csv:
        table.to_csv(args.csv, index=False)
    target = float(data.load()["target"].isel(year=-1).sum()) / 1e9
    central = table.iloc[0]
    print(f"central {args.scenario}: CNC 2100 {central['cnc']:.1f} US$/tCO2, shortfall "
          f"{central['shortfall']:.2f} GtCO2 (world target {target:.0f} GtCO2)")
    print(ranking(table, target).head(args.top).to_string(index=False, float_format="%.2f"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
