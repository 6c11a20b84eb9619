"""Units and physical bounds of every number in ``data/technology/*.toml``, with their reasons.

`technology.load` checks each entry's ``unit`` label against `UNITS` (a different label means the
number is in another unit than the code assumes: a silent misreading) and its value against
`Bound` (a value beyond a bound is a typing or unit error, never a scenario). Bounds are
deliberately wide, an order of magnitude or more outside the published values; narrower
conditions the formulas need (a positive density, a share below 1) stay in `technology.load`.
"""

from __future__ import annotations

from dataclasses import dataclass

INF = float("inf")

# Reasons shared by many fields.
SHARE = "a share of a whole"
YEAR = "the model covers 2020-2100; a year outside 1900-2300 is a typing error"
COST = "an order of magnitude above any published value: a unit or typing error"
USE = "an order of magnitude above any published input rate: a unit or typing error"
EF = "an order of magnitude above any published emission factor: a unit or typing error"
HOURLY = "machine and labour rates above 1,000 US$2018/h are a unit or typing error"


@dataclass(frozen=True)
class Bound:
    """Accepted unit label(s) of a field and its closed range [lo, hi], with the reason."""

    units: tuple[str, ...]
    lo: float
    hi: float
    reason: str


def B(units: str | tuple[str, ...], lo: float, hi: float, reason: str) -> Bound:
    """A `Bound`: the accepted unit label(s), the closed range [lo, hi] and why (a short builder for the table)."""
    return Bound(units if isinstance(units, tuple) else (units,), float(lo), float(hi), reason)


#: {dataclass name: {field: Bound}} for the dataclasses of `fastmonet.technology`.
BOUNDS: dict[str, dict[str, Bound]] = {
    "Finance": {
        "interest_rate": B("1/yr", 0, 0.5, "a rate above 0.5/yr is a percentage typed as a "
                                             "fraction (8 for 0.08)"),
        "lifetime": B("yr", 1, 100, "financing over more than a century is not a project "
                                     "lifetime (the model spans 80 years); larger values also "
                                     "overflow the annuity factor"),
    },
    "Transition": {k: B("yr", 1900, 2300, YEAR) for k in (
        "start_year", "grid_zero_year", "fossil_fuel_zero_year", "drying_gas_zero_year")},
    "Fuels": {
        "diesel_lhv": B("MJ/L", 20, 50, "diesel and biodiesel hold 33-36 MJ/L"),
        "diesel_direct": B("kgCO2/GJ", 0, 200, "fossil fuels emit 55-110 kgCO2/GJ"),
        "diesel_upstream": B("kgCO2e/GJ", 0, 100, EF),
        "gas_direct": B("kgCO2/GJ", 0, 200, "fossil fuels emit 55-110 kgCO2/GJ"),
        "gas_upstream": B("kgCO2e/GJ", 0, 100, EF),
        "ship_fuel": B("gCO2/tkm", 0, 200, "bulk shipping emits about 3-20 gCO2/tkm"),
    },
    "Nitrogen": {
        "n2o_direct": B("kgN2O-N/kgN", 0, 0.1, "IPCC (2019) ranges reach 0.03 kgN2O-N/kgN"),
        "n2o_indirect": B("kgN2O-N/kgN", 0, 0.1, "IPCC (2019) ranges reach 0.03 kgN2O-N/kgN"),
        "gwp_n2o": B("kgCO2e/kgN2O", 0, 1000, "IPCC reports give 265-298"),
    },
    "Materials": {
        "n_fertiliser": B("kgCO2e/kgN", 0, 50, EF),
        "p2o5_fertiliser": B("kgCO2e/kgP2O5", 0, 20, EF),
        "k2o_fertiliser": B("kgCO2e/kgK2O", 0, 20, EF),
        "herbicide": B("kgCO2e/kg a.i.", 0, 300, EF),
        "seedling": B("kgCO2e/seedling", 0, 5, EF),
        "road_rock": B("kgCO2e/t", 0, 100, EF),
        "explosive": B("kgCO2e/kg", 0, 50, EF),
        "explosive_rate": B("kg/t rock", 0, 10, USE),
    },
    "LandUseChange": {
        "direct_luc": B("kgCO2/ha", 0, 2e6, "clearing the densest forest releases about "
                                            "1e6 kgCO2/ha"),
    },
    "AREstablishment": {
        "mounding_diesel": B("L/ha", 0, 1000, USE),
        "mounding_hours": B("h/ha", 0, 1000, USE),
        "tractor_diesel": B("L/ha", 0, 1000, USE),
        "tractor_hours": B("h/ha", 0, 1000, USE),
        "seedlings": B("1/ha", 0, 20000, "the densest plantations hold about 5,000 stems/ha"),
        "planting_hours_per_seedling": B("h/seedling", 0, 1, USE),
        "herbicide": B("kg a.i./ha", 0, 100, USE),
        "fertiliser_n": B("kgN/ha", 0, 1000, USE),
        "fertiliser_p2o5": B("kgP2O5/ha", 0, 1000, USE),
        "excavator_cost": B("US$2018/h", 0, 1000, HOURLY),
        "tractor_cost": B("US$2018/h", 0, 1000, HOURLY),
        "seedling_cost": B("US$2018/seedling", 0, 50, COST),
        "herbicide_cost": B("US$2018/kg a.i.", 0, 1000, COST),
        "n_cost": B("US$2018/kgN", 0, 50, COST),
        "p2o5_cost": B("US$2018/kgP2O5", 0, 50, COST),
    },
    "ARRoads": {
        "density_a": B("m/ha", 0, 1000, USE),
        "density_b": B("m/ha", 0, 1000, USE),
        "rock": B("t/m", 0, 100, USE),
        "aggregate": B("t/m", 0, 100, USE),
        "construction_diesel": B("L/m", 0, 100, USE),
        "construction_hours": B("h/m", 0, 10, USE),
        "regrade_diesel": B("L/m", 0, 10, USE),
        "regrade_hours": B("h/m", 0, 10, USE),
        "resurface_aggregate": B("t/m", 0, 100, USE),
        "resurface_diesel": B("L/m", 0, 100, USE),
        "resurface_hours": B("h/m", 0, 10, USE),
        "machine_cost": B("US$2018/h", 0, 1000, HOURLY),
        "rock_cost": B("US$2018/t", 0, 1000, COST),
    },
    "ARThinning": {
        "basic_density": B("tDM/m3", 0, 1.5, "wood cell walls are about 1.5 t/m3"),
        "harvester_diesel": B("L/m3", 0, 100, USE),
        "harvester_productivity": B("m3/h", 0, 1000, USE),
        "forwarder_diesel": B("L/m3", 0, 100, USE),
        "forwarder_productivity": B("m3/h", 0, 1000, USE),
        "bundler_diesel": B("L/tDM", 0, 100, USE),
        "bundler_productivity": B("tDM/h", 0, 1000, USE),
        "stem_share": B("-", 0, 1, SHARE),
        "residue_left": B("-", 0, 1, SHARE),
        "dm_loss": B("-", 0, 1, SHARE),
        "harvester_cost": B("US$2018/h", 0, 1000, HOURLY),
        "forwarder_cost": B("US$2018/h", 0, 1000, HOURLY),
        "bundler_cost": B("US$2018/h", 0, 1000, HOURLY),
    },
    "BECCSPlant": {
        "capacity": B("MW", 0, 1e4, "the largest power units are about 1.5 GW"),
        "capacity_factor": B("-", 0, 1, SHARE),
        "net_efficiency": B("MWh_e/MWh_LHV", 0, 1, "an efficiency cannot exceed 1"),
        "capture_rate": B("-", 0, 1, SHARE),
        "capex": B("US$2018/kW", 0, 1e5, COST),
        "fixed_opex": B("1/yr of CAPEX", 0, 1, "a yearly share of CAPEX"),
        "variable_opex": B("US$2018/MWh_e", 0, 1000, COST),
    },
    "TransportStorage": {
        "distance": B("km", 0, 1e4, "pipelines longer than 10,000 km are not a plant's "
                                    "transport to storage"),
        "cost": B("US$2018/tCO2 stored", 0, 1000, COST),
        "electricity": B("MWh/tCO2 stored", 0, 10, USE),
    },
    "BiomassCommon": {
        "pellet_moisture": B("-", 0, 1, SHARE),
        "drying_heat": B("GJ/t water", 0, 20, "evaporating water takes about 2.3-2.6 GJ/t"),
        "pelleting_electricity": B("MWh/tDM", 0, 10, USE),
        "pelleting_cost": B("US$2018/tDM", 0, 1000, COST),
        "dm_loss": B("-", 0, 1, SHARE),
        "n_cost": B("US$2018/kgN", 0, 50, COST),
        "p2o5_cost": B("US$2018/kgP2O5", 0, 50, COST),
        "k2o_cost": B("US$2018/kgK2O", 0, 50, COST),
        "herbicide_cost": B("US$2018/kg a.i.", 0, 1000, COST),
    },
    "Crop": {
        "lhv": B("GJ/tDM", 0, 33, "pure carbon holds 33 GJ/t; dry biomass about 15-20"),
        "carbon": B("tC/tDM", 0, 1, "a mass fraction"),
        "harvest_moisture": B("-", 0, 1, SHARE),
        "fertiliser_n": B("kgN/ha/yr", 0, 1000, USE),
        "fertiliser_p2o5": B("kgP2O5/ha/yr", 0, 1000, USE),
        "fertiliser_k2o": B("kgK2O/ha/yr", 0, 1000, USE),
        "herbicide": B("kg a.i./ha/yr", 0, 100, USE),
        "diesel": B("L/ha/yr", 0, 1000, USE),
        "labour": B("h/ha/yr", 0, 1000, USE),
        "machinery": B("US$2018/ha/yr", 0, 10000, COST),
        "n_per_tdm": B("kgN/tDM", 0, 100, USE),
        "diesel_per_tdm": B("L/tDM", 0, 100, USE),
        "labour_per_tdm": B("h/tDM", 0, 100, USE),
        "machinery_per_tdm": B("US$2018/tDM", 0, 1000, COST),
        "land_use_change": B("-", 0, 1, "a share: 1 counts the direct land-use-change "
                                        "emissions in full, 0 not at all"),
    },
    "Road": {
        "winding": B("-", 1, 5, "a road is at least the straight line and seldom 3x longer"),
        "truck_diesel": B("L/tkm", 0, 1, USE),
        "truck_cost": B("US$2018/tkm", 0, 10, COST),
        "handling_cost": B("US$2018/t", 0, 1000, COST),
    },
    "Sea": {
        "ship_cost": B("US$2018/tkm", 0, 1, COST),
        "port_cost": B("US$2018/t per port", 0, 1000, COST),
    },
    "DACTech": {
        "gas": B("GJ/tCO2", 0, 50, USE),
        "electricity": B("MWh/tCO2", 0, 10, USE),
        "heat": B("MWh/tCO2", 0, 20, USE),
        "heat_cop": B(("-", "MWh_heat/MWh_e"), 0, 10, "heat pumps reach a COP of about 3-5"),
        "combustion_captured": B("-", 0, 1, SHARE),
        "capex": B("US$2018/(tCO2/yr)", 0, 1e5, COST),
        "opex": B("US$2018/(tCO2/yr)/yr", 0, 1e4, COST),
        "embodied": B("tCO2e/tCO2 captured", 0, 1,
                      "a plant emitting as much as it captures in construction and sorbent "
                      "removes nothing: above 1 is a unit or typing error"),
    },
}
