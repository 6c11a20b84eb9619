"""Plain one-chain-at-a-time BECCS supply chains (reference for ``kernels.supply_chain``)."""

from __future__ import annotations

import math

R_EARTH = 6371.0088


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between two points given in degrees (haversine, sphere of radius
    `R_EARTH`): the reference the chain kernel's road distances are checked against."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * R_EARTH * math.asin(min(1.0, math.sqrt(h)))


def legs_one(i, j, lat, lon, region, local_km, port_lat, port_lon, sea_km, winding):
    """(road km, sea km, road legs, port calls) from subregion i to subregion j."""
    if i == j:
        return local_km[i], 0.0, 1, 0
    if region[i] == region[j]:
        return great_circle_km(lat[i], lon[i], lat[j], lon[j]) * winding, 0.0, 1, 0
    ri, rj = region[i], region[j]
    road = (great_circle_km(lat[i], lon[i], port_lat[ri], port_lon[ri])
            + great_circle_km(port_lat[rj], port_lon[rj], lat[j], lon[j])) * winding
    return road, sea_km[ri][rj], 2, 2


def chain_one(s, d, q, p, a):
    """Coefficients (removal per tDM, cost, stored, units, land) of one chain.

    ``a`` is a dict holding the same arrays as the kernel's arguments (by the kernel's names).
    """
    nan = math.nan
    if not a["src_valid"][s][q] or not a["plant_valid"][d]:
        return nan, nan, nan, nan, nan
    b = a["bl_biomass"][q]
    cap = a["captured"][b]
    km_road, km_sea = a["road_km"][s][d], a["sea_leg_km"][s][d]
    mass = a["mass"]
    transport_em = mass * km_road * a["road_em"][p] + mass * km_sea * a["sea_em"][p]
    removal = cap - a["src_em"][s][q][p] - transport_em - cap * a["ts_em"][d][p]
    if removal <= 0:
        return removal, nan, nan, nan, nan
    transport_cost = (mass * km_road * a["road_cost"] + mass * a["road_legs"][s][d] * a["handling_cost"]
                      + mass * km_sea * a["ship_cost"] + mass * a["port_calls"][s][d] * a["port_cost"])
    revenue = a["elec_mwh"][b] * a["elec_price"][d]
    money = a["src_cost"][s][q][p] + transport_cost + a["plant_cost"][b] + cap * a["ts_cost"] - revenue
    return (removal, money / removal, cap / removal, 1.0 / (a["annual_tdm"][b] * removal),
            a["src_land"][s][q] / removal)
