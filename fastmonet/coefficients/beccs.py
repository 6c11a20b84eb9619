"""BECCS supply-chain coefficients aCostB, aSCO2B, UnitB, LandB per chain (formulation §3).

Chains are (source sr, plant sr', biomass-land combination, period). The nine combinations are
the four energy crops on ``mal`` and on ``overlap`` land, and wheat straw on ``lhw`` land. A
chain is allowed by the data when its source has that land (mal > 0; sum of ovl > 0; lhw > 0)
and a positive yield, and its plant subregion has storage; it is kept when its removal is > 0.
Trade restrictions between regions are scenario choices and belong to the LP builder.

Time-dependent factors (grid intensity, fossil share of fuels, gas share of drying heat) are
evaluated at the period's mid-year (2025 for the 2020s, ...). Everything is per tDM delivered to
the plant first (``dm_loss`` of the harvested dry matter is lost on the way), then divided by the
removal per tDM.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from fastmonet.coefficients.inputs import biomass_order, require, subregion_regions
from fastmonet.dimensions import BIOMASS, REGIONS
from fastmonet.energy import EnergyTransition, period_mid_years
from fastmonet.kernels.supply_chain import chain_coefficients, transport_legs
from fastmonet.technology import Technology

log = logging.getLogger("fastmonet.coefficients")

# (biomass index, land index) of the nine combinations.
COMBOS = tuple((b, ld) for b in range(4) for ld in (0, 1)) + ((4, 2),)


@dataclass
class ChainInputs:
    """All arrays the chain kernel reads (names as in ``kernels.supply_chain.chain_coefficients``)."""
    src_valid: np.ndarray
    src_em: np.ndarray
    src_cost: np.ndarray
    src_land: np.ndarray
    bl_biomass: np.ndarray
    captured: np.ndarray
    elec_mwh: np.ndarray
    annual_tdm: np.ndarray
    plant_cost: np.ndarray
    plant_valid: np.ndarray
    elec_price: np.ndarray
    ts_em: np.ndarray
    ts_cost: float
    road_km: np.ndarray
    sea_leg_km: np.ndarray
    road_legs: np.ndarray
    port_calls: np.ndarray
    mass: float
    road_em: np.ndarray
    sea_em: np.ndarray
    road_cost: float
    handling_cost: float
    ship_cost: float
    port_cost: float

    def as_args(self) -> tuple:
        return tuple(getattr(self, f) for f in self.__dataclass_fields__)


def plant_terms(tech: Technology) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per biomass: captured tCO2/tDM, MWh_e/tDM, tDM per plant-year, plant US$/tDM."""
    pl = tech.plant
    captured, elec, annual, cost = (np.empty(len(BIOMASS)) for _ in range(4))
    yearly_fixed = pl.capex * 1e3 * pl.capacity * (tech.finance.crf + pl.fixed_opex)
    for i, b in enumerate(BIOMASS):
        crop = tech.crops[b]
        captured[i] = pl.capture_rate * crop.carbon * 44.0 / 12.0
        elec[i] = crop.lhv * pl.net_efficiency / 3.6
        annual[i] = pl.capacity * pl.capacity_factor * 8760.0 * 3.6 / (pl.net_efficiency * crop.lhv)
        cost[i] = yearly_fixed / annual[i] + pl.variable_opex * elec[i]
    return captured, elec, annual, cost


def source_terms(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition):
    """(src_valid (n_sr, 9) uint8, src_em (n_sr, 9, 8) tCO2/tDM, src_cost (n_sr, 9, 8) US$/tDM,
    src_land (n_sr, 9) ha/tDM), all per tDM delivered to the plant."""
    order = biomass_order(inputs)
    yields = require(inputs, "crop_yield", ("subregion", "biomass"))[:, order]
    straw_share = require(inputs, "straw_removal_share", ("subregion",))
    diesel_price = require(inputs, "diesel_price", ("subregion",))
    labour = require(inputs, "labour_cost", ("subregion",))
    ppp = require(inputs, "ppp_factor", ("subregion",))
    gas_price = require(inputs, "gas_price", ("subregion",))
    elec_price = require(inputs, "electricity_price", ("subregion",))
    grid = require(inputs, "grid_intensity_2020", ("subregion",)) * 1e-3
    land = np.stack([
        require(inputs, "mal", ("subregion",)),
        require(inputs, "ovl", ("subregion", "ecozone")).sum(axis=1),
        require(inputs, "lhw", ("subregion",)),
    ], axis=1)

    mid = period_mid_years()
    fossil = transition.fossil_share(mid)
    gas_share = transition.drying_gas_share(mid)
    gridf = transition.grid_factor(mid)
    fu, nit, mat, com = tech.fuels, tech.nitrogen, tech.materials, tech.biomass_common
    diesel_t = fu.diesel_tco2_per_l
    n_em = mat.n_fertiliser * 1e-3 + nit.tco2e_per_kgn          # tCO2e per kg N applied
    harvested = 1.0 / (1.0 - com.dm_loss)                       # tDM harvested per tDM delivered

    n_sr = yields.shape[0]
    valid = np.zeros((n_sr, len(COMBOS)), np.uint8)
    em = np.zeros((n_sr, len(COMBOS), mid.size))
    cost = np.zeros((n_sr, len(COMBOS), mid.size))
    land_per_tdm = np.zeros((n_sr, len(COMBOS)))
    pellet_em = com.pelleting_electricity * grid[:, None] * gridf[None, :]
    pellet_cost = com.pelleting_electricity * elec_price + com.pelleting_cost * ppp
    for q, (b, ld) in enumerate(COMBOS):
        crop = tech.crops[BIOMASS[b]]
        y = yields[:, b] * (straw_share if BIOMASS[b] == "wheat_straw" else 1.0)
        ok = (y > 0) & (land[:, ld] > 0)
        ysafe = np.where(ok, y, 1.0)
        const_ha = (crop.fertiliser_n * n_em + crop.fertiliser_p2o5 * mat.p2o5_fertiliser * 1e-3
                    + crop.fertiliser_k2o * mat.k2o_fertiliser * 1e-3 + crop.herbicide * mat.herbicide * 1e-3
                    + crop.land_use_change * tech.luc.direct_luc * 1e-3)
        const_tdm = const_ha / ysafe + crop.n_per_tdm * n_em
        diesel_tdm = (crop.diesel / ysafe + crop.diesel_per_tdm) * diesel_t
        money_ha = (crop.machinery * ppp + crop.labour * labour + crop.diesel * diesel_price
                    + (crop.fertiliser_n * com.n_cost + crop.fertiliser_p2o5 * com.p2o5_cost
                       + crop.fertiliser_k2o * com.k2o_cost + crop.herbicide * com.herbicide_cost) * ppp)
        money_tdm = (money_ha / ysafe + crop.machinery_per_tdm * ppp + crop.labour_per_tdm * labour
                     + crop.diesel_per_tdm * diesel_price + crop.n_per_tdm * com.n_cost * ppp)
        m, pm = crop.harvest_moisture, com.pellet_moisture
        heat = max(0.0, m / (1 - m) - pm / (1 - pm)) * com.drying_heat          # GJ per tDM
        dry_em = heat * gas_share * (fu.gas_direct + fu.gas_upstream) * 1e-3     # per period
        valid[:, q] = ok
        em[:, q, :] = (harvested * (const_tdm[:, None] + diesel_tdm[:, None] * fossil[None, :])
                       + dry_em[None, :] + pellet_em)
        cost[:, q, :] = (harvested * money_tdm + heat * gas_price + pellet_cost)[:, None]
        land_per_tdm[:, q] = np.where(ok, harvested / ysafe, 0.0)
    return valid, em, cost, land_per_tdm


def chain_inputs(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition) -> ChainInputs:
    """Every array the chain kernel reads, from the inputs, the technology and the energy transition:
    per-source terms of the nine biomass-land combinations, plant terms, transport legs between
    every pair of subregions and the period factors (formulation §3)."""
    codes, region = subregion_regions(inputs)
    lat = require(inputs, "lat", ("subregion",), nonneg=False)
    lon = require(inputs, "lon", ("subregion",), nonneg=False)
    area = require(inputs, "land_area", ("subregion",))
    storage = require(inputs, "storage", ("subregion",))
    elec_price = require(inputs, "electricity_price", ("subregion",))
    grid = require(inputs, "grid_intensity_2020", ("subregion",)) * 1e-3
    w = tech.road.winding
    # Mean distance to the centre of a disc of the subregion's area: 2/3 of its radius (km).
    local_km = 2.0 / 3.0 * np.sqrt(area / 100.0 / math.pi) * w
    port_lat = np.array([tech.ports[r].lat for r in REGIONS])
    port_lon = np.array([tech.ports[r].lon for r in REGIONS])
    sea = np.array([[tech.sea_distance_km(a, b) for b in REGIONS] for a in REGIONS])
    n = lat.size
    road_km, sea_km = np.empty((n, n)), np.empty((n, n))
    legs, ports = np.empty((n, n), np.int8), np.empty((n, n), np.int8)
    transport_legs(lat, lon, region, local_km, port_lat, port_lon, sea, w, road_km, sea_km, legs, ports)

    valid, em, cost, land = source_terms(inputs, tech, transition)
    captured, elec, annual, pcost = plant_terms(tech)
    mid = period_mid_years()
    fossil = transition.fossil_share(mid)
    return ChainInputs(
        src_valid=valid, src_em=em, src_cost=cost, src_land=land,
        bl_biomass=np.array([b for b, _ in COMBOS], np.int64),
        captured=captured, elec_mwh=elec, annual_tdm=annual, plant_cost=pcost,
        plant_valid=(storage > 0).astype(np.uint8), elec_price=elec_price,
        ts_em=np.ascontiguousarray(tech.storage.electricity * grid[:, None] * transition.grid_factor(mid)[None, :]),
        ts_cost=float(tech.storage.cost),
        road_km=road_km, sea_leg_km=sea_km, road_legs=legs, port_calls=ports,
        mass=1.0 / (1.0 - tech.biomass_common.pellet_moisture),
        road_em=np.ascontiguousarray(tech.road.truck_diesel * tech.fuels.diesel_tco2_per_l * fossil),
        sea_em=np.ascontiguousarray(tech.fuels.ship_fuel * 1e-6 * fossil),
        road_cost=float(tech.road.truck_cost), handling_cost=float(tech.road.handling_cost),
        ship_cost=float(tech.sea.ship_cost), port_cost=float(tech.sea.port_cost),
    )


def dense_chains(ci: ChainInputs) -> tuple[np.ndarray, ...]:
    """Run the kernel: (removal, cost, stored, units, land), each (n_sr, n_sr, 9, n_periods)."""
    n_sr, n_bl = ci.src_valid.shape
    shape = (n_sr, n_sr, n_bl, ci.src_em.shape[2])
    out = tuple(np.empty(shape) for _ in range(5))
    chain_coefficients(*ci.as_args(), *out)
    return out


def build_beccs(inputs: xr.Dataset, tech: Technology, transition: EnergyTransition) -> xr.Dataset:
    """The coefficients Dataset's chain variables for every chain with removal > 0."""
    ci = chain_inputs(inputs, tech, transition)
    removal, cost, stored, units, land = dense_chains(ci)
    allowed = np.isfinite(removal)
    keep = removal > 0
    n_allowed, n_kept = int(allowed.sum()), int(keep.sum())
    log.info("beccs: %d chains allowed by the data, %d dropped (removal <= 0), %d kept",
             n_allowed, n_allowed - n_kept, n_kept)
    s, d, q, p = np.nonzero(keep)
    combos = np.array(COMBOS)
    src = "fastmonet.coefficients.beccs (formulation §3) from data/technology/{beccs,biomass,transport}.toml"
    data = {
        "chain_source": ("chain", s.astype(np.int32), {"units": "index into subregion"}),
        "chain_plant": ("chain", d.astype(np.int32), {"units": "index into subregion"}),
        "chain_biomass": ("chain", combos[q, 0].astype(np.int8),
                          {"units": "index into (miscanthus, switchgrass, willow, poplar, wheat_straw)"}),
        "chain_land": ("chain", combos[q, 1].astype(np.int8), {"units": "0 mal, 1 overlap, 2 lhw"}),
        "chain_period": ("chain", p.astype(np.int8), {"units": "period index 0..7"}),
        "beccs_cost": ("chain", cost[keep], {"units": "US$2018/tCO2 removed", "source": src}),
        "beccs_stored": ("chain", stored[keep], {"units": "tCO2 stored/tCO2 removed", "source": src}),
        "beccs_units": ("chain", units[keep], {"units": "plants/(tCO2 removed/yr)", "source": src}),
        "beccs_land": ("chain", land[keep], {"units": "ha/(tCO2 removed/yr)", "source": src}),
        "beccs_removal_tdm": ("chain", removal[keep], {"units": "tCO2 removed/tDM delivered", "source": src}),
    }
    ds = xr.Dataset(data)
    ds.attrs["beccs_chains_allowed"] = n_allowed
    ds.attrs["beccs_chains_dropped"] = n_allowed - n_kept
    return ds
