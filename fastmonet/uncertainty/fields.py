"""What a range may target, and the unit of each target (checked against the entry's `unit`).

Targets are strings `<kind>:<field>`:

    inputs:<var>              a variable of the inputs Dataset, `fastmonet.data.load()`
                              (e.g. inputs:mal)
    technology:<file>.<section>.<key>   a number of data/technology/<file>.toml; the section may be
                              `*` (every section of that file with the key, e.g. biomass.*.machinery)
    scenario:<field>          a Scenario field: rates.ar, rates.beccs, rates.dac, rates.build_factor
                              (the storage case is `inputs:storage` with apply = "case")
    forest:<var>              a stand-kernel parameter: growth_B, growth_G, rfire, thin_share
                              (per-cell multipliers or values for `fastmonet.stand.StandParams`)
"""

from __future__ import annotations

import fnmatch

from fastmonet.errors import InputError
from fastmonet.technology import Technology

KINDS = ("inputs", "technology", "scenario", "forest")

#: Units of the inputs Dataset's variables (formulation §9.2); `apply` re-checks them against the
#: attrs of the Dataset it is given.
INPUT_UNITS: dict[str, str] = {
    "land_area": "ha", "lrp": "ha", "ovl": "ha", "mal": "ha", "lhw": "ha",
    "straw_removal_share": "-", "water_low_risk_share": "-",
    "storage": "tCO2", "storage_low": "tCO2", "storage_medium": "tCO2", "storage_high": "tCO2",
    "grid_intensity_2020": "kgCO2/MWh", "electricity_price": "US$2018/MWh",
    "diesel_price": "US$2018/L", "gas_price": "US$2018/GJ", "labour_cost": "US$2018/h",
    "ppp_factor": "-", "crop_yield": "tDM/ha/yr",
    "target": "tCO2", "target_2100_by_case": "tCO2", "target_shape": "-",
    "transition_grid_start_year": "year", "transition_grid_zero_year": "year",
    "transition_fuel_start_year": "year", "transition_fuel_biofuel_year": "year",
    "transition_drying_start_year": "year", "transition_drying_wood_year": "year",
}

#: Scenario fields: unit and the bundled (default) value.
SCENARIO_FIELDS: dict[str, tuple[str, float]] = {
    "rates.ar": ("-", 1.0), "rates.beccs": ("-", 1.0), "rates.dac": ("-", 1.0),
    "rates.build_factor": ("yr", 5.5),
}

#: Stand-kernel parameters (formulation §2): unit and the identity (central) value.
FOREST_FIELDS: dict[str, tuple[str, float]] = {
    "growth_B": ("tDM/ha", 1.0), "growth_G": ("tDM/ha/yr", 1.0),
    "rfire": ("-", 1.0), "thin_share": ("-", 0.1),
}

#: Technology files whose sections map to a `Technology` attribute.
_TECH_SECTIONS = {
    ("finance", "finance"): "finance", ("energy_transition", "transition"): "transition",
    ("emission_factors", "fuels"): "fuels", ("emission_factors", "nitrogen"): "nitrogen",
    ("emission_factors", "materials"): "materials", ("emission_factors", "land_use_change"): "luc",
    ("beccs", "plant"): "plant", ("beccs", "transport_storage"): "storage",
    ("biomass", "common"): "biomass_common", ("transport", "road"): "road",
    ("transport", "sea"): "sea",
}


def split(target: str, where: str) -> tuple[str, str]:
    """(kind, field) of a range's target '<kind>:<field>'; InputError naming `where` for a target
    without a colon, an unknown kind or an empty field."""
    if not isinstance(target, str) or ":" not in target:
        raise InputError(f"{where}: target {target!r} must be '<kind>:<field>' with kind one of "
                         f"{', '.join(KINDS)}")
    kind, _, name = target.partition(":")
    if kind not in KINDS or not name:
        raise InputError(f"{where}: unknown target {target!r} (kind must be one of {', '.join(KINDS)})")
    return kind, name


def tech_keys(name: str, tech: Technology, where: str) -> list[str]:
    """Provenance keys `<file>.<section>.<key>` a technology target names (`*` section expands)."""
    # Regional AR overrides (ar_operations.region.<R>...) follow their base key (see apply).
    known = [k for k in tech.provenance if not k.startswith("ar_operations.region.")]
    keys = sorted(k for k in known if fnmatch.fnmatchcase(k, name)) if "*" in name \
        else ([name] if name in known else [])
    if not keys:
        raise InputError(f"{where}: unknown target 'technology:{name}' (no such number in "
                         f"data/technology; keys look like beccs.plant.capex)")
    return keys


def target_unit(target: str, tech: Technology, where: str) -> str:
    """The unit of a target field; InputError if the target does not exist (or its expansion
    mixes units)."""
    kind, name = split(target, where)
    if kind == "inputs":
        if name not in INPUT_UNITS:
            raise InputError(f"{where}: unknown target {target!r} (not a variable of the inputs Dataset a "
                             f"range can move; known: {', '.join(INPUT_UNITS)})")
        return INPUT_UNITS[name]
    if kind == "scenario":
        if name not in SCENARIO_FIELDS:
            raise InputError(f"{where}: unknown target {target!r} (known: "
                             f"{', '.join(SCENARIO_FIELDS)})")
        return SCENARIO_FIELDS[name][0]
    if kind == "forest":
        if name not in FOREST_FIELDS:
            raise InputError(f"{where}: unknown target {target!r} (known: "
                             f"{', '.join(FOREST_FIELDS)})")
        return FOREST_FIELDS[name][0]
    units = {tech.provenance[k][0] for k in tech_keys(name, tech, where)}
    if len(units) > 1:
        raise InputError(f"{where}: target {target!r} expands to fields of different units "
                         f"{sorted(units)}; list them as separate targets")
    return units.pop()


def tech_get(tech: Technology, key: str) -> float:
    """The current value of provenance key `<file>.<section>.<name>`."""
    obj, attr = _tech_owner(tech, key)
    return float(getattr(obj, attr))


def _tech_owner(tech: Technology, key: str):
    file, section, attr = key.split(".", 2)
    if file == "ar_operations":
        return getattr(tech.ar, section), attr
    if file == "biomass" and section in tech.crops:
        return tech.crops[section], attr
    if file == "dac":
        return tech.dac[section], attr
    return getattr(tech, _TECH_SECTIONS[(file, section)]), attr
