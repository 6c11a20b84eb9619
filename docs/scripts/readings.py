"""Regenerate the generated tables of docs/readings.md from the bundled data and the model.

    python docs/scripts/readings.py            # print the inputs table (the paper's published inputs)
    python docs/scripts/readings.py --write    # rewrite that section of docs/readings.md
    python docs/scripts/readings.py --results --write   # also solve COOPERATION, CURRENT_POLICY and
                                                        # ISOLATION (P3, medium) and rewrite that section
    python docs/scripts/readings.py --oat oat.csv --write   # the one-at-a-time table from the CSV of
                                                            # fastmonet oat --csv

Paper values are typed from the paper's text (`shared/paper/...txt`; the place is given per row)
or, for the forest tables, from `data/forest/` (the decoded published tables). Bundled values are
computed here from `fastmonet.data.load()`, `fastmonet.technology.load()`, `fastmonet.stand`,
`fastmonet.coefficients` and `fastmonet.scenarios.Rates`, so the table follows the data.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import numpy as np

DOC = Path(__file__).resolve().parents[1] / "readings.md"
REGIONS = ("BRA", "CHN", "EU", "IND", "USA")
ZONES_T2 = [  # Table 2 in the paper's row order: (B tDM/ha, G tDM/ha/yr, growing period yr)
    (300, 7.0, 43), (180, 5.0, 36), (130, 2.4, 54), (70, 1.0, 70), (140, 1.0, 140),
    (220, 5.0, 44), (130, 2.4, 54), (70, 1.0, 70), (140, 1.0, 140), (180, 4.4, 41),
    (120, 4.0, 30), (100, 3.0, 33), (50, 1.0, 50), (15, 0.4, 38), (30, 1.0, 30)]


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return "–".join(_fmt(x) for x in v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    a = abs(v)
    return f"{v:,.0f}" if a >= 100 else f"{v:.3g}" if a >= 0.01 or a == 0 else f"{v:.2e}"


def _ratio(b, p) -> str:
    if isinstance(b, tuple) and isinstance(p, tuple):
        return "–".join(_ratio(x, y) for x, y in zip(b, p))
    if isinstance(b, tuple) or isinstance(p, tuple) or not p:
        return "n/a"
    return f"{b / p:.2f}"


def input_rows() -> list[tuple]:
    """(group, item, unit, bundled, paper, where) for every input the paper publishes."""
    from fastmonet import data, forest_tables, stand, technology
    from fastmonet.coefficients.ar import ar_cells, horizon_totals
    from fastmonet.coefficients.dac import dac_at_years
    from fastmonet.energy import EnergyTransition
    from fastmonet.scenarios import HIGH_RATES, Rates

    ds = data.load()
    tech = technology.load()
    rows = []
    # Table 1: regional 2100 targets.
    t1 = {"p3": (7, 56, 81, 20, 87), "p4": (21, 161, 235, 58, 252)}
    for case, vals in t1.items():
        for r, p in zip(REGIONS, vals):
            b = float(ds["target_2100_by_case"].sel(region=r, target_case=case)) / 1e9
            rows.append(("Table 1 targets", f"{case.upper()} {r} 2100", "GtCO2", b, float(p),
                         "Table 1 (formulation §6.8)"))
    # Table 8: storage national totals.
    t8 = {"low": (0.95, 54, 180, 0, 2565), "medium": (0.95, 3106, 180, 0, 8533),
          "high": (641, 3106, 180, 53, 21865)}
    reg = ds["subregion_region"].values
    for case, vals in t8.items():
        st = ds[f"storage_{case}"].values / 1e9
        for r, p in zip(REGIONS, vals):
            rows.append(("Table 8 storage", f"{case} {r}", "GtCO2", float(st[reg == r].sum()),
                         float(p), "Table 8 (formulation §9.4)"))
        if "GB" in ds["subregion"].values:
            uk = float(ds[f"storage_{case}"].sel(subregion="GB")) / 1e9
            rows.append(("Table 8 storage", f"{case} of which UK", "GtCO2", uk, 78.0, "Table 8"))
    # Table 2: B and G per zone; growing period T = B/G.
    for z, (B, G, T) in zip(forest_tables.ZONES, ZONES_T2):
        b_B, b_G = float(ds["growth_B"].sel(ecozone=z)), float(ds["growth_G"].sel(ecozone=z))
        rows.append(("Table 2 growth", f"{z} B", "tDM/ha", b_B, float(B), "Table 2"))
        rows.append(("Table 2 growth", f"{z} G", "tDM/ha/yr", b_G, G, "Table 2"))
        rows.append(("Table 2 growth", f"{z} T = B/G", "yr", b_B / b_G, float(T), "Table 2"))
    # Tables 4-7 as loaded by the model against data/forest (the decoded published tables).
    tables = forest_tables.load()
    t_ds = tables.to_dataset()
    for var, label in (("rs_R1", "Table 5 R1"), ("rs_R2", "Table 5 R2"),
                       ("carbon_fraction", "Table 6 Cf"), ("fire_mfri", "Table 7 mFRI"),
                       ("fire_vdep", "Table 7 VDep")):
        a = np.nan_to_num(ds[var].values.astype(float))
        p = np.nan_to_num(t_ds[var].values.astype(float))
        same = int(np.sum(a == p))
        rows.append(("Tables 4-7", f"{label}: entries equal to data/forest", "-", float(same),
                     float(a.size), "data/forest (decoded Tables 5-7)"))
    rows += _stand_rows(stand, forest_tables)
    # AR operations: emissions over 100 years and costs per region.
    transition = EnergyTransition.from_inputs(ds, tech)
    cells = ar_cells(ds, tech)
    tot = horizon_totals(cells, transition)
    rows.append(("AR", "emissions over 100 years (min–max over cells)", "tCO2/ha",
                 (float(tot["emissions"].min()), float(tot["emissions"].max())), (1.2, 4.4),
                 "A.1.6 (after Fig. 14)"))
    eff = (tot["removal"] / tot["sequestration"]) * 100
    rows.append(("AR", "removal / sequestration over 100 years", "%",
                 (float(eff.min()), float(eff.max())), (97.5, 99.6), "A.1.6"))
    cost = tot["cost"] / tot["removal"]
    paper_cost = {"BRA": (44, 242), "CHN": (59, 265), "EU": (52, 247), "IND": (22, 139),
                  "USA": (77, 395)}
    cell_reg = reg[cells.sr]
    for r in REGIONS:
        c = cost[(cell_reg == r) & (tot["removal"] > 0)]
        rows.append(("AR", f"removal cost over 100 years, {r} (min–max)", "US$/tCO2",
                     (float(c.min()), float(c.max())), tuple(map(float, paper_cost[r])),
                     "A.1.7 / Fig. 15 text"))
    # DACCS.
    d = tech.dac
    for k, item, unit, p in (("ce", "gas", "GJ/tCO2", 5.25), ("ce", "electricity", "MWh/tCO2", 0.366),
                             ("ce", "capex", "US$/(tCO2/yr)", 1600.0), ("ce", "opex", "US$/(tCO2/yr)/yr", 65.0),
                             ("cw", "capex", "US$/(tCO2/yr)", 1815.0), ("cw", "opex", "US$/(tCO2/yr)/yr", 160.0)):
        rows.append(("DACCS", f"{k.upper()} {item}", unit, getattr(d[k], item), p, "A.3.3 (formulation §4)"))
    eff = dac_at_years(ds, tech, transition, [2020, 2060])["dac_efficiency"] * 100
    for k, p20, p60 in (("ce", (44, 88), (86, 88)), ("cw", (-79, 92), (94, 94))):
        e = eff.sel(tech=k)
        for year, p in ((2020, p20), (2060, p60)):
            v = e.sel(calendar_year=year).values
            rows.append(("DACCS", f"{k.upper()} efficiency {year if year == 2020 else 'after 2050'}",
                         "%", (float(v.min()), float(v.max())), tuple(map(float, p)),
                         "A.3.2 / Fig. 16 text"))
    # Build rates and plant size.
    r0 = Rates()
    for item, unit, b, p in (
            ("AR expansion per subregion", "kha/yr", r0.ar_ha_per_yr / 1e3, 50.0),
            ("BECCS build per subregion", "GW/yr", r0.beccs_gw_per_yr, 2.0),
            ("DAC build per subregion", "MtCO2/yr", r0.dac_t_per_yr / 1e6, 16.8),
            ("high rates: AR", "kha/yr", r0.ar_ha_per_yr * HIGH_RATES[0] / 1e3, 500.0),
            ("high rates: BECCS", "GW/yr", r0.beccs_gw_per_yr * HIGH_RATES[1], 5.0),
            ("high rates: DAC", "MtCO2/yr", r0.dac_t_per_yr * HIGH_RATES[2] / 1e6, 42.0),
            ("period build factor F", "yr", r0.build_factor, 5.5)):
        rows.append(("Build rates", item, unit, b, p, "section 2.4 / Appendix E; Eqs. 39, 46, 52"))
    pl = tech.plant
    crop = tech.crops["miscanthus"]
    fuel_gj = pl.capacity * 8760 * pl.capacity_factor * 3.6 / pl.net_efficiency
    captured = fuel_gj / crop.lhv * crop.carbon * 44 / 12 * pl.capture_rate / 1e6
    rows.append(("BECCS plant", "capacity", "MW", pl.capacity, 500.0, "A.2"))
    rows.append(("BECCS plant", "CO2 captured per plant (miscanthus)", "MtCO2/yr", captured, 4.2,
                 "A.2 (about 4.2)"))
    return rows


def _stand_rows(stand, forest_tables) -> list[tuple]:
    rows = []
    keys = forest_tables.stand_rows()
    nofire = stand.simulate(stand.StandParams.from_tables(keys, fire=False))
    fire = stand.simulate(stand.StandParams.from_tables(keys, fire=True))
    rows.append(("AR stand", "sequestration potential, no fire (min–max)", "tCO2/ha",
                 (float(nofire.co2_max.min()), float(nofire.co2_max.max())), (40.0, 709.0),
                 "A.1.5 (formulation §2.10)"))
    sub = np.array([z.startswith("subtropical") for z, _ in keys])
    trop = np.array([z.startswith("tropical") for z, _ in keys])
    pf = stand.StandParams.from_tables(keys, fire=True).rfire
    rows.append(("AR stand", "fire penalty, subtropical zones", "%",
                 (float(pf[sub].min() * 100), float(pf[sub].max() * 100)), (23.0, 29.0), "A.1.5"))
    rows.append(("AR stand", "fire penalty, tropical zones", "%", float(pf[trop].max() * 100), 35.0,
                 "A.1.5 / Table 7"))
    for age, p in ((30, (200.0, 250.0)), (50, (400.0, 430.0))):
        rows.append(("AR stand", f"largest CO2 stock after {age} years (with fire)", "tCO2/ha",
                     float(fire.CO2seq[:, age].max()), p, "A.1.6 Fig. 14 text (a range of maxima)"))
    return rows


def results_rows() -> list[tuple]:
    """(scenario, quantity, unit, model, paper) for the three P3 policy scenarios."""
    from fastmonet import api
    paper = {
        "COOPERATION": {"cnc": 57.0, "beccs": 186.0, "ar": 65.0, "daccs": 0.0, "shortfall": 0.0,
                        "nep": 64.0},
        "CURRENT_POLICY": {"cnc": 57.0 * 1.45, "beccs": 195.0, "ar": 40.0, "daccs": 0.0,
                           "shortfall": 16.0, "nep": float("nan")},
        "ISOLATION": {"cnc": 57.0 * 1.69, "beccs": None, "ar": None, "daccs": None,
                      "shortfall": 16.0, "nep": float("nan")},
    }
    coeffs = api.load_coefficients()
    out = []
    for name in paper:
        res = api.solve_coefficients(coeffs, name.lower())
        m = res.metrics
        last = m["year"].values[-1]
        w = m["cum_removal"].sel(year=last).sum("region") / 1e9
        model = {"cnc": float(m["cnc_world_all_options"].sel(year=last)),
                 "beccs": float(w.sel(option="beccs")), "ar": float(w.sel(option="ar")),
                 "daccs": float(w.sel(option="daccs")),
                 "shortfall": float(m["shortfall"].sel(year=last).sum("region")) / 1e9,
                 "nep": float(m["nep"])}
        for key, unit in (("cnc", "US$/tCO2"), ("beccs", "GtCO2"), ("ar", "GtCO2"),
                          ("daccs", "GtCO2"), ("shortfall", "GtCO2"), ("nep", "US$/tCO2")):
            out.append((name, key, unit, model[key], paper[name][key]))
    return out


def inputs_markdown(rows) -> str:
    lines = ["| group | item | unit | bundled | paper | ratio | paper's place |",
             "|---|---|---|---|---|---|---|"]
    for g, item, unit, b, p, where in rows:
        lines.append(f"| {g} | {item} | {unit} | {_fmt(b)} | {_fmt(p)} | {_ratio(b, p)} | {where} |")
    return "\n".join(lines)


def results_markdown(rows) -> str:
    lines = ["| scenario | quantity (2100) | unit | model | paper | ratio |", "|---|---|---|---|---|---|"]
    for s, q, unit, model, paper in rows:
        lines.append(f"| {s} | {q} | {unit} | {_fmt(model)} | {_fmt(paper)} | "
                     f"{_ratio(model, paper) if paper else 'n/a'} |")
    return "\n".join(lines)


def oat_markdown(path: str, min_score: float = 0.05) -> str:
    """The one-at-a-time table: every input whose score reaches `min_score` (issue 21's 5%), with
    the status of each end in data/uncertainty.toml (sourced / derived / assumed)."""
    import pandas as pd

    from fastmonet import data, uncertainty
    from fastmonet.workflows.oat import ranking
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    target = float(data.load()["target"].isel(year=-1).sum()) / 1e9
    central = table.iloc[0]
    full = ranking(table, target)
    rank = full[full["score"] >= min_score]
    ranges = uncertainty.load()
    lines = [f"Central COOPERATION (P3, medium): CNC 2100 {central['cnc']:.1f} US$/tCO2, shortfall "
             f"{central['shortfall']:.2f} GtCO2; {len(table) - 1} solves; the {len(rank)} of "
             f"{len(full)} inputs scoring {min_score:.2f} or more.", "",
             "| rank | parameter | CNC 2100 at low / high (US$/tCO2) "
             "| shortfall 2100 at low / high (GtCO2) | score | ends (status low / high) |",
             "|---|---|---|---|---|---|"]
    for i, r in rank.iterrows():
        p = ranges[r["parameter"]]
        lines.append(f"| {i + 1} | {r['parameter']} | {r['cnc_low']:.1f} / {r['cnc_high']:.1f} | "
                     f"{r['shortfall_low']:.2f} / {r['shortfall_high']:.2f} | {r['score']:.3f} | "
                     f"{p.status_low} / {p.status_high} |")
    return "\n".join(lines)


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- generated:{name}:begin -->", f"<!-- generated:{name}:end -->"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    block = f"{begin}\n{body}\n{end}"
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: no {begin} ... {end} markers")
    return pattern.sub(lambda _: block, text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--results", action="store_true", help="also solve the three P3 scenarios")
    ap.add_argument("--write", action="store_true", help="rewrite docs/readings.md")
    ap.add_argument("--oat", default=None, help="CSV of fastmonet oat --csv")
    ap.add_argument("--no-inputs", action="store_true", help="leave the inputs table as it is")
    args = ap.parse_args(argv)
    sections = {} if args.no_inputs else {"inputs": inputs_markdown(input_rows())}
    if args.oat:
        sections["oat"] = oat_markdown(args.oat)
    if args.results:
        sections["results"] = results_markdown(results_rows())
    if not args.write:
        for body in sections.values():
            print(body + "\n")
        return 0
    text = DOC.read_text()
    for name, body in sections.items():
        text = replace_section(text, name, body)
    DOC.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
