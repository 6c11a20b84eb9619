"""AR coefficients cRCO2(t, a) and cCost(t, a) per (subregion, ecozone, forest type) (formulation
§2.6-2.8).

The stand model (``fastmonet.stand``) depends only on (ecozone, forest type), so it runs once per
stand type; forestry operations depend on the subregion (prices, labour, PPP, regional
overrides of the operation quantities), so flows are built per cell by ``kernels.operations`` and
turned into decadal coefficients by ``fastmonet.stand.vintage_coefficients`` with the fossil
fuel share of each calendar year (formulation §5) as the emission factor. Costs are not transition-
dependent (2018 prices held constant).

A cell exists (``ar_allowed``) where its forest type is allowed and the zone has LRP or overlap
land in the subregion. Coefficients of other cells are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet import stand
from fastmonet.coefficients.inputs import require, subregion_regions
from fastmonet.dimensions import FIRST_YEAR, N_PERIODS, PERIOD_YEARS
from fastmonet.energy import PERIOD_STARTS, REPORT_YEARS, EnergyTransition
from fastmonet.errors import InputError
from fastmonet.kernels.operations import operation_flows
from fastmonet.technology import AROperations, Technology

UNIT_FIELDS = ("est_fossil", "est_const", "est_capital", "annual_fossil", "annual_cost",
               "event_fossil", "event_const", "event_cost", "thin_fossil", "thin_cost")


def unit_quantities(ops: AROperations, tech: Technology, diesel_price: float, labour: float,
                    ppp: float) -> dict[str, float]:
    """Per-hectare (and per-tDM-thinned) emissions and costs of one subregion's operations.

    Fossil emissions in tCO2 at 2020 fuel factors; other emissions tCO2e; money in US$2018.
    Machinery and materials are US prices x ``ppp``; labour at ``labour`` US$/h; diesel at
    ``diesel_price`` US$/L.
    """
    e, r, t = ops.establishment, ops.roads, ops.thinning
    mat = tech.materials
    dt = tech.fuels.diesel_tco2_per_l
    n_em = mat.n_fertiliser * 1e-3 + tech.nitrogen.tco2e_per_kgn
    road_m = r.density_a + r.density_b
    quarried = road_m * (r.rock + r.aggregate)
    machine_h = r.machine_cost * ppp + labour
    est_diesel = e.mounding_diesel + e.tractor_diesel + road_m * r.construction_diesel
    out = {
        "est_fossil": est_diesel * dt,
        "est_const": (e.seedlings * mat.seedling + e.herbicide * mat.herbicide
                      + quarried * (mat.road_rock + mat.explosive_rate * mat.explosive)
                      + e.fertiliser_p2o5 * mat.p2o5_fertiliser + tech.luc.direct_luc) * 1e-3
                     + e.fertiliser_n * n_em,
        "est_capital": (est_diesel * diesel_price
                        + e.mounding_hours * (e.excavator_cost * ppp + labour)
                        + e.tractor_hours * (e.tractor_cost * ppp + labour)
                        + e.seedlings * (e.seedling_cost * ppp + e.planting_hours_per_seedling * labour)
                        + (e.herbicide * e.herbicide_cost + e.fertiliser_n * e.n_cost
                           + e.fertiliser_p2o5 * e.p2o5_cost) * ppp
                        + road_m * r.construction_hours * machine_h
                        + quarried * r.rock_cost * ppp),
        "annual_fossil": r.density_a * r.regrade_diesel * dt,
        "annual_cost": r.density_a * (r.regrade_diesel * diesel_price + r.regrade_hours * machine_h),
    }
    event_diesel = r.density_a * r.resurface_diesel + r.density_b * r.regrade_diesel
    resurfaced = r.density_a * r.resurface_aggregate
    out["event_fossil"] = event_diesel * dt
    out["event_const"] = resurfaced * (mat.road_rock + mat.explosive_rate * mat.explosive) * 1e-3
    out["event_cost"] = (event_diesel * diesel_price
                         + (r.density_a * r.resurface_hours + r.density_b * r.regrade_hours) * machine_h
                         + resurfaced * r.rock_cost * ppp)
    vol = 1.0 / t.basic_density                                            # m3 per tDM thinned
    residues_taken = (1.0 - t.stem_share) * (1.0 - t.residue_left)
    extracted = (t.stem_share + residues_taken) * (1.0 - t.dm_loss)       # tDM forwarded
    collected = residues_taken * (1.0 - t.dm_loss)                         # tDM bundled
    thin_diesel = (t.harvester_diesel * vol + t.forwarder_diesel * vol * extracted
                   + t.bundler_diesel * collected)
    out["thin_fossil"] = thin_diesel * dt
    out["thin_cost"] = (thin_diesel * diesel_price
                        + vol / t.harvester_productivity * (t.harvester_cost * ppp + labour)
                        + vol * extracted / t.forwarder_productivity * (t.forwarder_cost * ppp + labour)
                        + collected / t.bundler_productivity * (t.bundler_cost * ppp + labour))
    return out


@dataclass
class ARCells:
    """Cells and their trajectories: indices into the input dims and per-cell arrays."""
    sr: np.ndarray
    ez: np.ndarray
    ft: np.ndarray
    th: np.ndarray          # (n, H+1) thinned tDM/ha by age
    co2seq: np.ndarray      # (n, H+1) tCO2/ha by age
    em_flows: np.ndarray    # (n, 2, H+1): fossil (at 2020 factors), constant
    cost_flows: np.ndarray  # (n, 1, H+1)


def _stand_params(inputs: xr.Dataset, ez: np.ndarray, ft: np.ndarray) -> stand.StandParams:
    """StandParams of the (ecozone, forest type) pairs, from the forest tables of the inputs
    Dataset."""
    get = lambda name, dims: np.asarray(inputs[name].transpose(*dims).values, np.float64)  # noqa: E731
    for name in ("growth_B", "growth_G", "rs_R1", "rs_R2", "carbon_fraction", "fire_mfri", "fire_vdep"):
        if name not in inputs.variables:
            raise InputError(f"inputs: missing variable {name!r} (formulation §9.2) needed by the AR coefficients")
    B, G = get("growth_B", ("ecozone",))[ez], get("growth_G", ("ecozone",))[ez]
    R1 = get("rs_R1", ("ecozone", "forest_type"))[ez, ft]
    R2 = np.nan_to_num(get("rs_R2", ("ecozone", "forest_type"))[ez, ft], nan=0.0)
    Cf = get("carbon_fraction", ("ecozone", "forest_type"))[ez, ft]
    rfire = stand.fire_penalty(get("fire_mfri", ("ecozone",))[ez], get("fire_vdep", ("ecozone",))[ez])
    for name, arr in (("growth_B", B), ("growth_G", G), ("rs_R1", R1), ("carbon_fraction", Cf)):
        bad = ~(np.isfinite(arr) & (arr > 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"inputs variable {name!r}: {arr[i]!r} at ecozone="
                             f"{inputs['ecozone'].values[ez[i]]}, forest_type={inputs['forest_type'].values[ft[i]]}"
                             f" is used by an allowed AR cell and must be > 0")
    return stand.StandParams(B=B, G=G, R1=R1, R2=R2, Cf=Cf, rfire=rfire)


def ar_cells(inputs: xr.Dataset, tech: Technology, horizon: int = 100, stand_adjust=None) -> ARCells:
    """The AR cells (subregion, ecozone, forest type allowed and with LRP or overlap land), their
    stand trajectories (the stand model run once per stand type) and their operation flows.

    `stand_adjust` maps the `StandParams` before the run (an ensemble member's growth, fire and
    thinning); InputError when the inputs lack `forest_type_allowed`."""
    allowed = np.asarray(inputs["forest_type_allowed"].transpose("subregion", "ecozone", "forest_type").values,
                         bool) if "forest_type_allowed" in inputs.variables else None
    if allowed is None:
        raise InputError("inputs: missing variable 'forest_type_allowed' (formulation §9.2)")
    land = require(inputs, "lrp", ("subregion", "ecozone")) + require(inputs, "ovl", ("subregion", "ecozone"))
    allowed = allowed & (land > 0)[:, :, None]
    sr, ez, ft = (a.astype(np.int64) for a in np.nonzero(allowed))
    n_ft = allowed.shape[2]
    stand_key, cell_stand = np.unique(ez * n_ft + ft, return_inverse=True)
    params = _stand_params(inputs, stand_key // n_ft, stand_key % n_ft)
    if stand_adjust is not None:   # ensembles: growth, fire and thinning of one member
        params = stand_adjust(params)
    res = stand.simulate(params, horizon=horizon, trajectories=True)
    assert res.Th is not None and res.CO2seq is not None      # asked for with trajectories=True
    th = np.ascontiguousarray(res.Th[cell_stand])
    co2seq = np.ascontiguousarray(res.CO2seq[cell_stand])

    codes, _ = subregion_regions(inputs)
    diesel = require(inputs, "diesel_price", ("subregion",))
    labour = require(inputs, "labour_cost", ("subregion",))
    ppp = require(inputs, "ppp_factor", ("subregion",))
    per_sr = np.empty((codes.size, len(UNIT_FIELDS)))
    for s in range(codes.size):
        q = unit_quantities(tech.ar_for_region(codes[s]), tech, diesel[s], labour[s], ppp[s])
        per_sr[s] = [q[k] for k in UNIT_FIELDS]
    unit = {k: np.ascontiguousarray(per_sr[sr, i]) for i, k in enumerate(UNIT_FIELDS)}
    n = sr.size
    em_flows = np.empty((n, 2, horizon + 1))
    cost_flows = np.empty((n, 1, horizon + 1))
    operation_flows(th, *(unit[k] for k in UNIT_FIELDS), tech.finance.crf, int(tech.finance.lifetime),
                    em_flows, cost_flows)
    return ARCells(sr, ez, ft, th, co2seq, em_flows, cost_flows)


def horizon_totals(cells: ARCells, transition: EnergyTransition, years: int = 100,
                   plant_year: int = FIRST_YEAR) -> dict[str, np.ndarray]:
    """Per cell, for a stand planted at the start of ``plant_year`` and ``years`` of life:
    emissions E (tCO2/ha, with the energy transition), cost K (US$/ha), sequestration and
    removal CO2seq - E (tCO2/ha)."""
    h = min(years, cells.th.shape[1] - 1)
    share = transition.fossil_share(plant_year + np.arange(h, dtype=np.float64))
    em = cells.em_flows[:, 0, 1:h + 1] @ share + cells.em_flows[:, 1, 1:h + 1].sum(axis=1)
    cost = cells.cost_flows[:, 0, 1:h + 1].sum(axis=1)
    seq = cells.co2seq[:, h]
    return {"emissions": em, "cost": cost, "sequestration": seq, "removal": seq - em}


def build_ar(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition,
             horizon: int = 100, stand_adjust=None) -> tuple[xr.Dataset, ARCells]:
    """The AR coefficients Dataset (`ar_removal`, `ar_cost` per cell, vintage and period; NaN off
    the cells; `ar_allowed`; 100-year totals) and the cells they came from (formulation §2.6-2.8)."""
    cells = ar_cells(inputs, tech, horizon, stand_adjust)
    window = PERIOD_YEARS * N_PERIODS
    factors_em = np.stack([transition.fossil_share(FIRST_YEAR + np.arange(window, dtype=np.float64)),
                           np.ones(window)])
    removal = stand.vintage_coefficients(cells.co2seq, cells.em_flows, factors_em)
    cost = -stand.vintage_coefficients(np.zeros_like(cells.co2seq), cells.cost_flows, np.ones((1, window)))

    dims3 = (inputs.sizes["subregion"], inputs.sizes["ecozone"], inputs.sizes["forest_type"])
    full_r = np.full(dims3 + (N_PERIODS, N_PERIODS), np.nan)
    full_c = np.full_like(full_r, np.nan)
    full_r[cells.sr, cells.ez, cells.ft] = removal
    full_c[cells.sr, cells.ez, cells.ft] = cost
    allowed = np.zeros(dims3, bool)
    allowed[cells.sr, cells.ez, cells.ft] = True
    tot = horizon_totals(cells, transition)
    per_cell = {}
    for key, unit in (("emissions", "tCO2/ha"), ("cost", "US$2018/ha"), ("removal", "tCO2/ha")):
        arr = np.full(dims3, np.nan)
        arr[cells.sr, cells.ez, cells.ft] = tot[key]
        per_cell[f"ar_{key}_100yr"] = (("subregion", "ecozone", "forest_type"), arr,
                                       {"units": unit, "note": "stand planted in 2020, 100 years, energy transition"})
    d5 = ("subregion", "ecozone", "forest_type", "vintage", "year")
    src = "fastmonet.coefficients.ar (formulation §2.6-2.8) from fastmonet.stand and data/technology/ar_operations.toml"
    ds = xr.Dataset(
        {
            "ar_removal": (d5, full_r, {"units": "tCO2/ha", "source": src}),
            "ar_cost": (d5, full_c, {"units": "US$2018/ha", "source": src}),
            "ar_allowed": (d5[:3], allowed, {"units": "bool", "source": src}),
            **per_cell,
        },
        coords={"subregion": inputs["subregion"].values, "ecozone": inputs["ecozone"].values,
                "forest_type": inputs["forest_type"].values, "vintage": PERIOD_STARTS, "year": REPORT_YEARS},
    )
    return ds, cells
