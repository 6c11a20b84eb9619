"""BECCS supply chains (formulation §3): transport distances and per-chain coefficients as dense
arrays.

A chain is (source sr, plant sr', biomass-land combination q, period p). Source-side terms
(cultivation, drying, pelleting) come per tDM delivered to the plant; this module adds transport
and the plant, and returns, per chain,

    removal   tCO2 removed per tDM delivered (NaN where the chain is not allowed by the data)
    cost      aCostB, US$ per tCO2 removed (may be negative: electricity revenue)
    stored    aSCO2B, tCO2 stored per tCO2 removed
    units     UnitB, plants per (tCO2 removed / yr)
    land      LandB, ha per (tCO2 removed / yr) at the source

cost/stored/units/land are NaN where removal <= 0 or the chain is not allowed.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EARTH_RADIUS_KM = 6371.0088


@njit(cache=True)
def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance between two points given in degrees."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@njit(cache=True, parallel=True)
def transport_legs(lat, lon, region, local_km, port_lat, port_lon, sea_km, winding,
                   road_km, sea_leg_km, road_legs, port_calls):
    """Fill (n_sr, n_sr) road and sea distances, number of road legs and port calls.

    Same subregion: one road leg of ``local_km`` (already including winding). Same region: one
    road leg, great circle x winding. Different regions: road to the source region's port, sea
    leg ``sea_km[r, r']``, road from the destination region's port.
    """
    n = lat.shape[0]
    for i in prange(n):
        ri = region[i]
        for j in range(n):
            rj = region[j]
            if i == j:
                road_km[i, j] = local_km[i]
                sea_leg_km[i, j] = 0.0
                road_legs[i, j] = 1
                port_calls[i, j] = 0
            elif ri == rj:
                road_km[i, j] = great_circle_km(lat[i], lon[i], lat[j], lon[j]) * winding
                sea_leg_km[i, j] = 0.0
                road_legs[i, j] = 1
                port_calls[i, j] = 0
            else:
                road_km[i, j] = (great_circle_km(lat[i], lon[i], port_lat[ri], port_lon[ri])
                                 + great_circle_km(port_lat[rj], port_lon[rj], lat[j], lon[j])) * winding
                sea_leg_km[i, j] = sea_km[ri, rj]
                road_legs[i, j] = 2
                port_calls[i, j] = 2


@njit(cache=True, parallel=True)
def chain_coefficients(src_valid, src_em, src_cost, src_land, bl_biomass,
                       captured, elec_mwh, annual_tdm, plant_cost,
                       plant_valid, elec_price, ts_em, ts_cost,
                       road_km, sea_leg_km, road_legs, port_calls,
                       mass, road_em, sea_em, road_cost, handling_cost, ship_cost, port_cost,
                       removal, cost, stored, units, land):
    """Fill the dense (n_sr, n_sr, n_bl, n_p) outputs.

    src_valid (n_sr, n_bl) uint8; src_em, src_cost (n_sr, n_bl, n_p) per tDM delivered;
    src_land (n_sr, n_bl) ha per tDM delivered; bl_biomass (n_bl) index into the per-biomass
    arrays captured (tCO2/tDM), elec_mwh (MWh_e/tDM), annual_tdm (tDM per plant-year),
    plant_cost (US$/tDM: levelised CAPEX, fixed and variable O&M); plant_valid (n_sr) uint8;
    elec_price (n_sr) US$/MWh; ts_em (n_sr, n_p) tCO2 per tCO2 stored; ts_cost US$/tCO2 stored;
    mass t transported per tDM; road_em, sea_em (n_p) tCO2/tkm; road_cost, ship_cost US$/tkm;
    handling_cost US$/t per road leg; port_cost US$/t per port call.
    """
    n_sr = src_valid.shape[0]
    n_bl = src_valid.shape[1]
    n_p = src_em.shape[2]
    for s in prange(n_sr):
        for d in range(n_sr):
            km_road = road_km[s, d]
            km_sea = sea_leg_km[s, d]
            t_fixed = mass * (km_road * road_cost + road_legs[s, d] * handling_cost
                              + km_sea * ship_cost + port_calls[s, d] * port_cost)
            for q in range(n_bl):
                b = bl_biomass[q]
                ok = src_valid[s, q] != 0 and plant_valid[d] != 0
                cap = captured[b]
                for p in range(n_p):
                    if not ok:
                        removal[s, d, q, p] = np.nan
                        cost[s, d, q, p] = np.nan
                        stored[s, d, q, p] = np.nan
                        units[s, d, q, p] = np.nan
                        land[s, d, q, p] = np.nan
                        continue
                    t_em = mass * (km_road * road_em[p] + km_sea * sea_em[p])
                    r = cap - src_em[s, q, p] - t_em - cap * ts_em[d, p]
                    removal[s, d, q, p] = r
                    if r > 0.0:
                        money = (src_cost[s, q, p] + t_fixed + plant_cost[b] + cap * ts_cost
                                 - elec_mwh[b] * elec_price[d])
                        cost[s, d, q, p] = money / r
                        stored[s, d, q, p] = cap / r
                        units[s, d, q, p] = 1.0 / (annual_tdm[b] * r)
                        land[s, d, q, p] = src_land[s, q] / r
                    else:
                        cost[s, d, q, p] = np.nan
                        stored[s, d, q, p] = np.nan
                        units[s, d, q, p] = np.nan
                        land[s, d, q, p] = np.nan
