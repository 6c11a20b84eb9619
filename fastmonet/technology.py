"""Technology parameters of AR operations, BECCS chains and DACCS, from ``data/technology/*.toml``.

Every number in those files is an inline table ``{ value = ..., unit = "...", source = "..." }``;
the loader checks each one (present, finite, >= 0, with a unit and a source) and keeps the unit
and source in ``Technology.provenance`` so outputs can cite them. Bad files raise ``InputError``
naming the file, the section and the key.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from fastmonet import bundled
from fastmonet.dimensions import BIOMASS, DAC_TECHS, REGIONS
from fastmonet.errors import InputError
from fastmonet.store.provenance import hash_file
from fastmonet.technology_schema import BOUNDS, Bound

DEFAULT_DIR = bundled.DATA_DIR / "technology"

NM_TO_KM = 1.852
# The longest port-to-port sea routes are about 12,000 nm; a longer one is a typing/unit error.
MAX_SEA_NM = 25000.0


@dataclass(frozen=True)
class Finance:
    interest_rate: float
    lifetime: float

    @property
    def crf(self) -> float:
        """Capital recovery factor: the annuity paying back 1 US$ over ``lifetime`` years."""
        i, n = self.interest_rate, self.lifetime
        if i == 0.0:
            return 1.0 / n
        return i * (1.0 + i) ** n / ((1.0 + i) ** n - 1.0)


@dataclass(frozen=True)
class Transition:
    start_year: float
    grid_zero_year: float
    fossil_fuel_zero_year: float
    drying_gas_zero_year: float


@dataclass(frozen=True)
class Fuels:
    diesel_lhv: float          # MJ/L
    diesel_direct: float       # kgCO2/GJ
    diesel_upstream: float     # kgCO2e/GJ
    gas_direct: float          # kgCO2/GJ
    gas_upstream: float        # kgCO2e/GJ
    ship_fuel: float           # gCO2/tkm

    @property
    def diesel_tco2_per_l(self) -> float:
        """Fossil diesel, combustion plus upstream, tCO2 per litre."""
        return self.diesel_lhv * (self.diesel_direct + self.diesel_upstream) * 1e-6


@dataclass(frozen=True)
class Nitrogen:
    n2o_direct: float          # kgN2O-N/kgN
    n2o_indirect: float        # kgN2O-N/kgN
    gwp_n2o: float             # kgCO2e/kgN2O

    @property
    def tco2e_per_kgn(self) -> float:
        """Field N2O (direct + indirect) per kg N applied, tCO2e."""
        return (self.n2o_direct + self.n2o_indirect) * 44.0 / 28.0 * self.gwp_n2o * 1e-3


@dataclass(frozen=True)
class Materials:
    n_fertiliser: float        # kgCO2e/kgN
    p2o5_fertiliser: float
    k2o_fertiliser: float
    herbicide: float           # kgCO2e/kg a.i.
    seedling: float            # kgCO2e/seedling
    road_rock: float           # kgCO2e/t
    explosive: float           # kgCO2e/kg
    explosive_rate: float      # kg/t rock


@dataclass(frozen=True)
class LandUseChange:
    direct_luc: float          # kgCO2/ha


@dataclass(frozen=True)
class AREstablishment:
    mounding_diesel: float
    mounding_hours: float
    tractor_diesel: float
    tractor_hours: float
    seedlings: float
    planting_hours_per_seedling: float
    herbicide: float
    fertiliser_n: float
    fertiliser_p2o5: float
    excavator_cost: float
    tractor_cost: float
    seedling_cost: float
    herbicide_cost: float
    n_cost: float
    p2o5_cost: float


@dataclass(frozen=True)
class ARRoads:
    density_a: float
    density_b: float
    rock: float
    aggregate: float
    construction_diesel: float
    construction_hours: float
    regrade_diesel: float
    regrade_hours: float
    resurface_aggregate: float
    resurface_diesel: float
    resurface_hours: float
    machine_cost: float
    rock_cost: float


@dataclass(frozen=True)
class ARThinning:
    basic_density: float
    harvester_diesel: float
    harvester_productivity: float
    forwarder_diesel: float
    forwarder_productivity: float
    bundler_diesel: float
    bundler_productivity: float
    stem_share: float
    residue_left: float
    dm_loss: float
    harvester_cost: float
    forwarder_cost: float
    bundler_cost: float


@dataclass(frozen=True)
class AROperations:
    establishment: AREstablishment
    roads: ARRoads
    thinning: ARThinning


@dataclass(frozen=True)
class BECCSPlant:
    capacity: float            # MW net
    capacity_factor: float
    net_efficiency: float
    capture_rate: float
    capex: float               # US$/kW
    fixed_opex: float          # share of CAPEX per year
    variable_opex: float       # US$/MWh_e


@dataclass(frozen=True)
class TransportStorage:
    distance: float            # km
    cost: float                # US$/tCO2 stored
    electricity: float         # MWh/tCO2 stored


@dataclass(frozen=True)
class BiomassCommon:
    pellet_moisture: float
    drying_heat: float         # GJ/t water
    pelleting_electricity: float  # MWh/tDM
    pelleting_cost: float      # US$/tDM
    dm_loss: float
    n_cost: float              # US$/kgN
    p2o5_cost: float
    k2o_cost: float
    herbicide_cost: float      # US$/kg a.i.


@dataclass(frozen=True)
class Crop:
    lhv: float
    carbon: float
    harvest_moisture: float
    fertiliser_n: float
    fertiliser_p2o5: float
    fertiliser_k2o: float
    herbicide: float
    diesel: float
    labour: float
    machinery: float
    n_per_tdm: float
    diesel_per_tdm: float
    labour_per_tdm: float
    machinery_per_tdm: float
    land_use_change: float


@dataclass(frozen=True)
class Road:
    winding: float
    truck_diesel: float        # L/tkm
    truck_cost: float          # US$/tkm
    handling_cost: float       # US$/t


@dataclass(frozen=True)
class Sea:
    ship_cost: float           # US$/tkm
    port_cost: float           # US$/t per port


@dataclass(frozen=True)
class Port:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class DACTech:
    gas: float                 # GJ/tCO2 captured
    electricity: float         # MWh/tCO2
    heat: float                # MWh heat/tCO2
    heat_cop: float
    combustion_captured: float  # 1: CO2 of the burnt gas is captured and stored
    capex: float               # US$/(tCO2/yr)
    opex: float                # US$/(tCO2/yr)/yr
    embodied: float            # tCO2e/tCO2 captured: plant construction and sorbent (formulation §4)


@dataclass(frozen=True)
class Technology:
    finance: Finance
    transition: Transition
    fuels: Fuels
    nitrogen: Nitrogen
    materials: Materials
    luc: LandUseChange
    ar: AROperations
    ar_region: dict[str, AROperations]
    plant: BECCSPlant
    storage: TransportStorage
    biomass_common: BiomassCommon
    crops: dict[str, Crop]
    road: Road
    sea: Sea
    ports: dict[str, Port]
    sea_km: dict[tuple[str, str], float]
    dac: dict[str, DACTech]
    provenance: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    #: The folder the TOMLs were read from, and {"technology/<file>.toml": "sha256:<hex>"}.
    path: str = ""
    input_files: dict[str, str] = field(default_factory=dict, repr=False)

    def ar_for_region(self, region: str) -> AROperations:
        """AR operation parameters of one region (defaults with its overrides applied)."""
        return self.ar_region.get(region, self.ar)

    def sea_distance_km(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        lo, hi = sorted((a, b))
        return self.sea_km[(lo, hi)]


def _number(entry, where: str, bound: Bound) -> tuple[float, str, str]:
    if not isinstance(entry, dict) or not {"value", "unit", "source"} <= set(entry):
        raise InputError(f"{where}: expected {{ value = ..., unit = \"...\", source = \"...\" }}, got {entry!r}")
    unknown = sorted(set(entry) - {"value", "unit", "source"})
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r} (expected value, unit, source)")
    value = entry["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where}: value must be a finite number, got {value!r}")
    if not isinstance(entry["unit"], str) or not isinstance(entry["source"], str):
        raise InputError(f"{where}: unit and source must be strings")
    if not entry["unit"].strip() or not entry["source"].strip():
        raise InputError(f"{where}: unit and source must be non-empty")
    if entry["unit"].strip() not in bound.units:
        raise InputError(f"{where}: unit {entry['unit']!r}, expected {bound.units[0]!r} (the "
                         f"model reads this number in {bound.units[0]}; convert it)")
    if not bound.lo <= value <= bound.hi:
        raise InputError(f"{where}: {value!r} is out of range [{bound.lo:g}, {bound.hi:g}] "
                         f"{bound.units[0]} ({bound.reason})")
    return float(value), entry["unit"], entry["source"]


def _bound(cls, name: str) -> Bound:
    try:
        return BOUNDS[cls.__name__][name]
    except KeyError:   # a new field: give it a unit and bound in technology_schema.BOUNDS
        raise RuntimeError(f"fastmonet.technology_schema.BOUNDS has no entry for "
                           f"{cls.__name__}.{name}") from None


def _section(cls, table, file: Path, section: str, prov: dict, partial: bool = False, base=None):
    """Build dataclass ``cls`` from a TOML table; every field must be present unless ``partial``."""
    if not isinstance(table, dict):
        raise InputError(f"{file} [{section}]: missing section")
    names = [f.name for f in fields(cls)]
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise InputError(f"{file} [{section}]: unknown key {unknown[0]!r} (expected one of {names})")
    values = {}
    for name in names:
        if name not in table:
            if partial:
                continue
            raise InputError(f"{file} [{section}]: missing key {name!r}")
        where = f"{file} [{section}] {name}"
        v, unit, source = _number(table[name], where, _bound(cls, name))
        values[name] = v
        prov[f"{file.stem}.{section}.{name}"] = (unit, source)
    if partial:
        return replace(base, **values)
    return cls(**values)


#: The files of a technology folder and the top-level tables each may hold.
FILES: dict[str, tuple[str, ...]] = {
    "finance.toml": ("finance",),
    "energy_transition.toml": ("transition",),
    "emission_factors.toml": ("fuels", "nitrogen", "materials", "land_use_change"),
    "ar_operations.toml": ("establishment", "roads", "thinning", "region"),
    "beccs.toml": ("plant", "transport_storage"),
    "biomass.toml": ("common",) + BIOMASS,
    "transport.toml": ("road", "sea", "ports", "sea_distance_nm"),
    "dac.toml": DAC_TECHS,
}


def _read(path: Path, seen: list | None = None) -> dict:
    if seen is not None:
        seen.append(path)
    if not path.is_file():
        raise InputError(f"technology file {path} not found")
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    allowed = FILES.get(path.name, ())
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise InputError(f"{path} [{unknown[0]}]: unknown section (expected one of "
                         f"{', '.join(allowed)}); it would be ignored")
    return table


def _check_folder(d: Path) -> None:
    """A TOML the loader does not read would be silently ignored: refuse it."""
    for p in sorted(d.glob("*.toml")):
        if p.name not in FILES:
            raise InputError(f"{p}: not a technology file fastmonet reads (expected "
                             f"{', '.join(FILES)}); it would be ignored")


def _check_share(value: float, where: str) -> None:
    if value >= 1.0:
        raise InputError(f"{where}: share must be < 1, got {value}")


def resolve_dir(technology: str | Path | None = None, data_path: str | Path | None = None) -> Path:
    """The technology folder a run uses: `technology` if given, else ``<data_path>/technology``
    when that folder exists, else the bundled ``data/technology``."""
    if technology is not None:
        return Path(technology)
    if data_path is not None and (Path(data_path) / "technology").is_dir():
        return Path(data_path) / "technology"
    return DEFAULT_DIR


def load(path: str | Path | None = None) -> Technology:
    """Read the technology parameters from a directory of TOML files (default: bundled data)."""
    if path is not None and not isinstance(path, (str, Path)):
        raise InputError(f"technology.load: path must be a folder path (str or Path), "
                         f"got {type(path).__name__}")
    d = Path(path) if path is not None else DEFAULT_DIR
    if not d.is_dir():
        raise InputError(f"technology directory {d} not found")
    _check_folder(d)
    prov: dict[str, tuple[str, str]] = {}
    seen: list[Path] = []

    f = d / "finance.toml"
    finance = _section(Finance, _read(f, seen).get("finance"), f, "finance", prov)

    if finance.lifetime != int(finance.lifetime):
        raise InputError(f"{f} [finance] lifetime: {finance.lifetime!r} is not a whole number of "
                         f"years (the AR annuities are paid yearly)")

    f = d / "energy_transition.toml"
    transition = _section(Transition, _read(f, seen).get("transition"), f, "transition", prov)
    for name in ("grid_zero_year", "fossil_fuel_zero_year", "drying_gas_zero_year"):
        if getattr(transition, name) <= transition.start_year:
            raise InputError(f"{f} [transition] {name}: must be after start_year")

    f = d / "emission_factors.toml"
    t = _read(f, seen)
    fuels = _section(Fuels, t.get("fuels"), f, "fuels", prov)
    nitrogen = _section(Nitrogen, t.get("nitrogen"), f, "nitrogen", prov)
    materials = _section(Materials, t.get("materials"), f, "materials", prov)
    luc = _section(LandUseChange, t.get("land_use_change"), f, "land_use_change", prov)

    f = d / "ar_operations.toml"
    t = _read(f, seen)
    parts = {"establishment": AREstablishment, "roads": ARRoads, "thinning": ARThinning}
    ar = AROperations(**{k: _section(c, t.get(k), f, k, prov) for k, c in parts.items()})
    for name in ("stem_share", "residue_left", "dm_loss"):
        _check_share(getattr(ar.thinning, name), f"{f} [thinning] {name}")
    for name in ("basic_density", "harvester_productivity", "forwarder_productivity", "bundler_productivity"):
        if getattr(ar.thinning, name) <= 0:
            raise InputError(f"{f} [thinning] {name}: must be > 0")
    ar_region = {}
    for region, over in (t.get("region") or {}).items():
        if region not in REGIONS:
            raise InputError(f"{f} [region.{region}]: unknown region (expected one of {REGIONS})")
        if not isinstance(over, dict):
            raise InputError(f"{f} [region.{region}]: must be a table of sections")
        bad = sorted(set(over) - set(parts))
        if bad:
            raise InputError(f"{f} [region.{region}.{bad[0]}]: unknown section (expected one of {list(parts)})")
        ar_region[region] = AROperations(**{
            k: _section(c, over[k], f, f"region.{region}.{k}", prov, partial=True, base=getattr(ar, k))
            if k in over else getattr(ar, k)
            for k, c in parts.items()
        })

    f = d / "beccs.toml"
    t = _read(f, seen)
    plant = _section(BECCSPlant, t.get("plant"), f, "plant", prov)
    storage = _section(TransportStorage, t.get("transport_storage"), f, "transport_storage", prov)
    for name in ("capacity", "capacity_factor", "net_efficiency", "capture_rate"):
        if getattr(plant, name) <= 0:
            raise InputError(f"{f} [plant] {name}: must be > 0")
    for name in ("capacity_factor", "net_efficiency", "capture_rate"):
        if getattr(plant, name) > 1:
            raise InputError(f"{f} [plant] {name}: must be <= 1, got {getattr(plant, name)}")

    f = d / "biomass.toml"
    t = _read(f, seen)
    common = _section(BiomassCommon, t.get("common"), f, "common", prov)
    _check_share(common.pellet_moisture, f"{f} [common] pellet_moisture")
    _check_share(common.dm_loss, f"{f} [common] dm_loss")
    crops = {}
    for b in BIOMASS:
        crops[b] = _section(Crop, t.get(b), f, b, prov)
        _check_share(crops[b].harvest_moisture, f"{f} [{b}] harvest_moisture")
        if crops[b].lhv <= 0 or crops[b].carbon <= 0:
            raise InputError(f"{f} [{b}]: lhv and carbon must be > 0")

    f = d / "transport.toml"
    t = _read(f, seen)
    road = _section(Road, t.get("road"), f, "road", prov)
    if road.winding < 1:
        raise InputError(f"{f} [road] winding: must be >= 1, got {road.winding}")
    sea = _section(Sea, t.get("sea"), f, "sea", prov)
    ports = {}
    unknown = sorted(set(t.get("ports") or {}) - set(REGIONS))
    if unknown:
        raise InputError(f"{f} [ports.{unknown[0]}]: unknown region (expected one of {REGIONS})")
    for region in REGIONS:
        p = (t.get("ports") or {}).get(region)
        if not isinstance(p, dict) or "name" not in p:
            raise InputError(f"{f} [ports.{region}]: missing (needs name, lat, lon)")
        extra = sorted(set(p) - {"name", "lat", "lon"})
        if extra:
            raise InputError(f"{f} [ports.{region}] {extra[0]}: unknown key (expected name, lat, lon)")
        lat_v = p["lat"].get("value") if isinstance(p.get("lat"), dict) else None
        lon_v = p["lon"].get("value") if isinstance(p.get("lon"), dict) else None
        coords = {}
        for key, v, lim in (("lat", lat_v, 90.0), ("lon", lon_v, 180.0)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not abs(v) <= lim:
                raise InputError(f"{f} [ports.{region}] {key}: expected a value in [-{lim}, {lim}], got {v!r}")
            coords[key] = float(v)
        ports[region] = Port(str(p["name"]), coords["lat"], coords["lon"])
    sea_nm = t.get("sea_distance_nm") or {}
    sea_km = {}
    for i, a in enumerate(REGIONS):
        for b in REGIONS[i + 1:]:
            key = f"{a}-{b}"
            v = sea_nm.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v <= MAX_SEA_NM):
                raise InputError(f"{f} [sea_distance_nm] {key}: expected a number in (0, "
                                 f"{MAX_SEA_NM:g}] nm (twice the longest sea route), got {v!r}")
            sea_km[(a, b)] = float(v) * NM_TO_KM
    unknown = sorted(set(sea_nm) - {f"{a}-{b}" for a, b in sea_km})
    if unknown:
        raise InputError(f"{f} [sea_distance_nm] {unknown[0]}: unknown pair (use A-B with A before B in {REGIONS})")

    f = d / "dac.toml"
    t = _read(f, seen)
    dac = {k: _section(DACTech, t.get(k), f, k, prov) for k in DAC_TECHS}
    for k, tech in dac.items():
        if tech.heat > 0 and tech.heat_cop <= 0:
            raise InputError(f"{f} [{k}] heat_cop: must be > 0 when heat > 0")
        if tech.combustion_captured > 1:
            raise InputError(f"{f} [{k}] combustion_captured: must be 0 or 1 (share), got {tech.combustion_captured}")

    files = {f"technology/{p.name}": hash_file(p) for p in seen}
    return Technology(finance, transition, fuels, nitrogen, materials, luc, ar, ar_region, plant, storage,
                      common, crops, road, sea, ports, sea_km, dac, prov, str(d.resolve()), files)
