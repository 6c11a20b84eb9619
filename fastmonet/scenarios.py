"""Policy scenarios and sensitivities (formulation §6.7; rates §6.6, targets §6.8,
storage §6.4 and Table 8).

A `Scenario` is everything the LP needs besides the coefficient Dataset.  Scenarios come from
keyword arguments, the command line, or a TOML file (`load_scenario_file`):

    [[scenario]]                 # one table, or several as an array of tables
    policy  = "switch_2050"      # cooperation | current_policy | isolation | switch_<year>
    targets = "p3"               # p3 | p4
    storage = "medium"           # low | medium | high
    name    = "my-run"           # optional: the zarr group name
    burden  = "responsibility"   # optional: responsibility | per_capita | capability | equal_cost | shares
    # shares = {BRA = 0.1, CHN = 0.3, EU = 0.2, IND = 0.1, USA = 0.3}   # with burden = "shares"
    [scenario.rates]             # multipliers of the formulation §6.6 base rates (default 1)
    ar = 10.0
    beccs = 2.5
    dac = 2.5
    build_factor = 10.0          # period build factor F (default 5.5, formulation §6.6, §10.5)

    [[scenario]]                 # trading blocs (fastmonet.blocs): policy "blocs" may be omitted
    blocs = [["EU", "USA"], ["CHN", "BRA"], ["IND"]]
    biomass_trade = "within_bloc"        # all | within_bloc | none
    switch_year = 2050                   # optional: before it, the "from" structure holds
    from_blocs = [["BRA"], ["CHN"], ["EU"], ["IND"], ["USA"]]
    from_biomass_trade = "none"

    [solver]                     # optional, applies to every scenario of the file
    time_limit = 600.0           # seconds per LP solve
    method = "dual"              # dual | primal | ipm | choose
    cost_start = "ipm"           # same | ipm | ipm_at_zero_shortfall (formulation §7.4)
    tie_break = "fixed"          # fixed | path: which of equal least-cost solutions (formulation §7.2)
    resift_method = "primal"     # same | primal: sifting's runs after columns are added
    drop_nonbasic = true         # drop the shortfall stage's unused priced-in columns
    decompose = "auto"           # auto | off: an LP that separates (ISOLATION) part by part
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fastmonet.blocs.burden import Burden
from fastmonet.blocs.structure import Structure, named
from fastmonet.dimensions import PERIOD_YEARS, REGIONS
from fastmonet.errors import InputError
from fastmonet.store import names as store_names

# What users import to define scenarios; the rest parses and checks them.
__all__ = ["Scenario", "Rates", "SolverOptions", "make", "load_scenario_file", "POLICIES",
           "SWITCH_YEARS", "TARGET_CASES", "STORAGE_CASES"]

POLICIES = ("cooperation", "current_policy", "isolation")
BLOCS = "blocs"
SWITCH_YEARS = tuple(range(2030, 2100, 10))  # a switch at the end of any period but the last
TARGET_CASES = ("p3", "p4")
STORAGE_CASES = ("low", "medium", "high")
METHODS = ("dual", "primal", "ipm", "choose")
LEXICOGRAPHIC = ("zero_first", "two_stage")
COST_STARTS = ("same", "ipm_at_zero_shortfall", "ipm")
RESIFT_METHODS = ("same", "primal")
TIE_BREAKS = ("fixed", "path")
# "High deployment rates" sensitivity (formulation §6.6): AR x10, BECCS 5 GW/yr, DAC 42 MtCO2/yr.
HIGH_RATES = (10.0, 2.5, 2.5)
# Period build factor F (formulation §6.6, §10.5): how many years' worth of the annual rate one
# decade may build. 5.5 = (1 + 2 + ... + 10)/10 as the paper's Eqs. 39, 46 and 52 print it; 10 is
# the option "the full annual rate in every year of the period".
BUILD_FACTOR = 5.5


@dataclass(frozen=True)
class Rates:
    """Build and expansion rates of formulation §6.6: base values and the sensitivity multipliers."""

    ar: float = 1.0
    beccs: float = 1.0
    dac: float = 1.0
    ar_ha_per_yr: float = 50e3          # ExpR, per subregion
    beccs_gw_per_yr: float = 2.0        # BR_B, per subregion
    beccs_plant_gw: float = 0.5         # CAP_B
    dac_t_per_yr: float = 16.8e6        # per subregion, "same rate as BECCS"
    build_factor: float = BUILD_FACTOR  # F: years' worth of the annual rate built per period

    def ar_per_period_ha(self) -> float:
        return self.build_factor * self.ar_ha_per_yr * self.ar

    def beccs_plants_per_period(self) -> float:
        return self.build_factor * self.beccs_gw_per_yr * self.beccs / self.beccs_plant_gw

    def dac_capacity_per_period_t(self) -> float:
        return self.build_factor * self.dac_t_per_yr * self.dac

    def is_default(self) -> bool:
        return self == Rates()


@dataclass(frozen=True)
class SolverOptions:
    time_limit: float | None = None     # seconds per LP solve
    method: str = "dual"                # Formulation §7.1: dual simplex beat interior point
    shortfall_rel_tol: float = 1e-9     # cost stage keeps shortfall <= s* (1 + tol) + tol * world target
    threads: int | None = None
    verbose: bool = False
    # "zero_first": try the cost objective with no shortfall, fall back to the two stages if that
    # is infeasible; "two_stage": always shortfall then cost.
    lexicographic: str = "zero_first"
    # Sifting (column generation over the BECCS chains): "auto" uses it above 100 k chain columns.
    sifting: str = "auto"
    # The solve strategy (formulation §7.4; docs/performance.md has the measurements behind the
    # defaults).  The first run of a cost stage: "same" (`method`), "ipm" (interior point with
    # crossover, then simplex) or "ipm_at_zero_shortfall" (ipm where every shortfall is 0: where
    # one is left, its split over targets and years depends on the path).
    cost_start: str = "ipm"
    # Among solutions of equal least cost: "fixed" (a tie-break stage picks the same one
    # whatever the path) or "path" (whatever the path to the cost optimum left; §7.2).
    tie_break: str = "fixed"
    # Sifting's runs after columns are added: "same" (`method`) or "primal" (the basis stays
    # primal feasible when columns enter at 0).
    resift_method: str = "primal"
    # Before the cost stage, take out the columns the shortfall stage priced in and left at 0.
    drop_nonbasic: bool = True
    # An LP that separates (ISOLATION: five regional LPs) solved part by part: "auto" or "off".
    decompose: str = "auto"


@dataclass(frozen=True)
class Scenario:
    policy: str = "cooperation"         # cooperation | current_policy | isolation | switch | blocs
    # "switch": decisions to this year are ISOLATION's; "blocs": the from_blocs structure's.
    switch_year: int | None = None
    targets: str = "p3"
    storage: str = "medium"
    rates: Rates = field(default_factory=Rates)
    solver: SolverOptions = field(default_factory=SolverOptions)
    name: str = ""
    blocs: Structure | None = None       # policy "blocs": the structure (after switch_year)
    from_blocs: Structure | None = None  # policy "blocs" with a switch_year: the one before
    burden: Burden = field(default_factory=Burden)

    def __post_init__(self):
        validate(self, where="scenario")
        if not self.name:
            object.__setattr__(self, "name", default_name(self))

    @property
    def label(self) -> str:
        """The policy as the paper writes it: COOPERATION, SWITCH_2050, BLOCS, ..."""
        if self.policy == "switch":
            return f"SWITCH_{self.switch_year}"
        if self.policy == BLOCS and self.switch_year is not None:
            return f"BLOCS_SWITCH_{self.switch_year}"
        return self.policy.upper()

    @property
    def regional_targets(self) -> bool:
        return self.policy in ("current_policy", "isolation", "switch")

    def structure_at(self, year: int, regions=REGIONS) -> Structure:
        """The trading blocs and biomass trade in force for reporting year `year` (the named
        policies over `regions`, the regions of the data)."""
        before = self.switch_year is not None and year <= self.switch_year
        if self.policy == "switch":
            return named("isolation" if before else "cooperation", regions)
        if self.policy == BLOCS:
            st = self.from_blocs if before else self.blocs
            assert st is not None, "validate: blocs are given, and from_blocs with a switch year"
            return st
        return named(self.policy, regions)

    def isolation_base(self) -> "Scenario":
        """The scenario a switching scenario fixes its early decisions from: ISOLATION for
        SWITCH_Y, the `from_blocs` structure for a blocs scenario with a switch year."""
        if self.policy == BLOCS:
            return dataclasses.replace(self, blocs=self.from_blocs, from_blocs=None,
                                       switch_year=None, name="")
        return dataclasses.replace(self, policy="isolation", switch_year=None, name="")

    @property
    def switches(self) -> bool:
        return self.switch_year is not None


def default_name(s: Scenario) -> str:
    """The name a scenario gets when given none, built from what sets it apart: policy or bloc
    structure, targets, storage, then any non-default rates or burden rule."""
    name = f"{s.label.lower()}-{s.targets}-{s.storage}"
    if s.policy == BLOCS:
        assert s.blocs is not None, "validate: policy 'blocs' has its blocs"
        name = f"{_structure_name(s.blocs)}-{s.targets}-{s.storage}"
        if s.switch_year is not None:
            assert s.from_blocs is not None, "validate: a switch year comes with from_blocs"
            name = f"{_structure_name(s.from_blocs)}-to-{name.removeprefix('blocs-')}"
            name = f"switch{s.switch_year}-{name}"
    if not s.rates.is_default():
        if not dataclasses.replace(s.rates, build_factor=BUILD_FACTOR).is_default():
            name += f"-rates{s.rates.ar:g}x{s.rates.beccs:g}x{s.rates.dac:g}"
        if s.rates.build_factor != BUILD_FACTOR:
            name += f"-F{s.rates.build_factor:g}"
    if s.burden.rule != "responsibility":
        name += f"-{s.burden.rule}"
    return name


def _structure_name(st: Structure) -> str:
    """e.g. blocs-EU.USA_BRA.CHN_IND-within (letters, digits, '_', '-', '.' only)."""
    return "blocs-" + "_".join(".".join(b) for b in st.blocs) + f"-{st.biomass_trade.split('_')[0]}"


def parse_policy(text: str, where: str = "policy") -> tuple[str, int | None]:
    """'cooperation' / 'SWITCH_2050' / 'switch-2050' -> ('switch', 2050)."""
    key = str(text).strip().lower().replace("-", "_")
    if key in POLICIES:
        return key, None
    if key.startswith("switch_"):
        tail = key[len("switch_"):]
        if tail.isdigit() and int(tail) in SWITCH_YEARS:
            return "switch", int(tail)
        raise InputError(
            f"{where}: switch year in {text!r} must be one of {', '.join(map(str, SWITCH_YEARS))}")
    valid = ", ".join(p.upper() for p in POLICIES) + ", SWITCH_<year>"
    raise InputError(f"{where}: unknown scenario {text!r}; expected one of {valid}")


def make(policy: str | None = None, targets: str = "p3", storage: str = "medium",
         rates: Rates | None = None, solver: SolverOptions | None = None, name: str = "",
         where: str = "scenario", blocs: Structure | None = None,
         from_blocs: Structure | None = None, switch_year: int | None = None,
         burden: Burden | None = None) -> Scenario:
    """A checked Scenario from user-level choices (policy name such as 'switch_2050', or blocs);
    InputError naming `where` for anything that is not a valid scenario."""
    if blocs is not None and policy is not None and str(policy).lower() != BLOCS:
        raise InputError(f"{where}: policy {policy!r} with blocs: a scenario with blocs is a "
                         "trading-blocs scenario (policy 'blocs'); drop the blocs to solve "
                         f"{policy}")
    if policy is None and blocs is None:
        policy = "cooperation"
    if blocs is not None or str(policy).lower() == BLOCS:
        pol, year = BLOCS, switch_year
    else:
        pol, year = parse_policy(str(policy), where=f"{where}: policy")   # it reads str(text) anyway
    try:
        return Scenario(policy=pol, switch_year=year, targets=str(targets).lower(),
                        storage=str(storage).lower(), rates=rates or Rates(),
                        solver=solver or SolverOptions(), name=name, blocs=blocs,
                        from_blocs=from_blocs, burden=burden or Burden())
    except InputError as exc:
        raise InputError(f"{where}: {str(exc).removeprefix('scenario: ')}") from None


def validate(s: Scenario, where: str = "scenario") -> None:
    """Raise InputError (naming `where`) when a Scenario is not one the model can solve: unknown
    policy, cases or switch year, inconsistent blocs, or negative or infinite rates."""
    if s.policy not in POLICIES + ("switch", BLOCS):
        raise InputError(f"{where}: unknown policy {s.policy!r}")
    if s.policy != BLOCS and (s.policy == "switch") != (s.switch_year is not None):
        raise InputError(f"{where}: switch_year must be given exactly for policy 'switch'")
    _validate_blocs(s, where)
    if s.switch_year is not None and s.switch_year not in SWITCH_YEARS:
        raise InputError(f"{where}: switch_year {s.switch_year} not in {SWITCH_YEARS}")
    if s.targets not in TARGET_CASES:
        raise InputError(f"{where}: targets {s.targets!r} must be one of {TARGET_CASES}")
    if s.storage not in STORAGE_CASES:
        raise InputError(f"{where}: storage {s.storage!r} must be one of {STORAGE_CASES}")
    for f in dataclasses.fields(Rates):
        v = getattr(s.rates, f.name)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0 or v == float("inf"):
            raise InputError(f"{where}: rates.{f.name} must be a finite number >= 0, got {v!r}")
    if not 0 < s.rates.build_factor <= PERIOD_YEARS:
        raise InputError(f"{where}: rates.build_factor must be in (0, {PERIOD_YEARS}] (years of "
                         f"the annual rate per period; 5.5 or 10), got {s.rates.build_factor}")
    if s.rates.beccs_plant_gw <= 0:
        raise InputError(f"{where}: rates.beccs_plant_gw must be > 0, got {s.rates.beccs_plant_gw}")
    opt = s.solver
    if opt.method not in METHODS:
        raise InputError(f"{where}: solver.method {opt.method!r} must be one of {METHODS}")
    if opt.lexicographic not in LEXICOGRAPHIC:
        raise InputError(f"{where}: solver.lexicographic {opt.lexicographic!r} must be one of "
                         f"{LEXICOGRAPHIC}")
    for name, allowed in (("cost_start", COST_STARTS), ("resift_method", RESIFT_METHODS),
                          ("tie_break", TIE_BREAKS)):
        if getattr(opt, name) not in allowed:
            raise InputError(f"{where}: solver.{name} {getattr(opt, name)!r} must be one of "
                             f"{allowed}")
    if opt.decompose not in ("auto", "off"):
        raise InputError(f"{where}: solver.decompose {opt.decompose!r} must be auto or off")
    if not isinstance(opt.drop_nonbasic, bool):
        raise InputError(f"{where}: solver.drop_nonbasic must be true or false, got "
                         f"{opt.drop_nonbasic!r}")
    if opt.sifting not in ("auto", "on", "off"):
        raise InputError(f"{where}: solver.sifting {opt.sifting!r} must be auto, on or off")
    if opt.time_limit is not None and not (isinstance(opt.time_limit, (int, float))
                                           and opt.time_limit > 0):
        raise InputError(f"{where}: solver.time_limit must be a number > 0, got {opt.time_limit!r}")
    if not (isinstance(opt.shortfall_rel_tol, (int, float)) and 0 <= opt.shortfall_rel_tol < 1e-2):
        raise InputError(f"{where}: solver.shortfall_rel_tol must be in [0, 0.01), "
                         f"got {opt.shortfall_rel_tol!r}")
    if opt.threads is not None and not (isinstance(opt.threads, int) and opt.threads >= 1):
        raise InputError(f"{where}: solver.threads must be an integer >= 1, got {opt.threads!r}")


def _validate_blocs(s: Scenario, where: str) -> None:
    if not isinstance(s.burden, Burden):
        raise InputError(f"{where}: burden must be a fastmonet.blocs.Burden, got {s.burden!r}")
    if s.policy != BLOCS:
        if s.blocs is not None or s.from_blocs is not None:
            raise InputError(f"{where}: blocs are given only with policy 'blocs', not {s.policy!r}")
        return
    if not isinstance(s.blocs, Structure):
        raise InputError(f"{where}: policy 'blocs' needs blocs (a fastmonet.blocs.Structure)")
    if (s.switch_year is None) != (s.from_blocs is None):
        raise InputError(f"{where}: switch_year and from_blocs are given together or not at all")
    if s.from_blocs is not None and not isinstance(s.from_blocs, Structure):
        raise InputError(f"{where}: from_blocs must be a fastmonet.blocs.Structure")


_SCENARIO_KEYS = {"policy", "targets", "storage", "name", "rates", "blocs", "biomass_trade",
                  "switch_year", "from_blocs", "from_biomass_trade", "burden", "shares"}
_RATE_KEYS = {f.name for f in dataclasses.fields(Rates)}
_SOLVER_KEYS = {f.name for f in dataclasses.fields(SolverOptions)}


def _check_keys(table: dict, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise InputError(f"{where}: expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


def _typed(table: dict, cls, where: str):
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in table:
            v = table[f.name]
            want = f.type if isinstance(f.type, str) else f.type.__name__
            if "float" in want and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if "float" in want and not (isinstance(v, float) or v is None):
                raise InputError(f"{where}.{f.name}: expected a number, got {v!r}")
            if want == "str" and not isinstance(v, str):
                raise InputError(f"{where}.{f.name}: expected a string, got {v!r}")
            if want == "bool" and not isinstance(v, bool):
                raise InputError(f"{where}.{f.name}: expected true/false, got {v!r}")
            kwargs[f.name] = v
    return cls(**kwargs)


def load_scenario_file(path: str | Path) -> list[Scenario]:
    """Scenarios of a TOML file; errors name the file and the key at fault."""
    path = Path(path)
    doc, text = _read_toml(path)
    _check_keys(doc, {"scenario", "solver"}, f"{path}")
    solver_t = doc.get("solver", {})
    _check_keys(solver_t, _SOLVER_KEYS, f"{path}: [solver]")
    solver = _typed(solver_t, SolverOptions, f"{path}: [solver]")
    tables = doc.get("scenario")
    if tables is None:
        raise InputError(f"{path}: no [scenario] table")
    if isinstance(tables, dict):
        tables = [tables]
    if not isinstance(tables, list):
        raise InputError(f"{path}: 'scenario' must be [[scenario]] tables, got "
                         f"{type(tables).__name__} {tables!r:.40}")
    if not tables:
        raise InputError(f"{path}: 'scenario' is empty: nothing to solve; give one or more "
                         "[[scenario]] tables")
    bad = next((t for t in tables if not isinstance(t, dict)), None)
    if bad is not None:
        raise InputError(f"{path}: 'scenario' must be [[scenario]] tables, got "
                         f"{type(bad).__name__} {bad!r:.40}")
    out, lines = [], _entry_lines(text, len(tables))
    for i, table in enumerate(tables):
        where = f"{path}:{lines[i]}: scenario[{i}]" if lines else f"{path}: scenario[{i}]"
        _check_keys(table, _SCENARIO_KEYS, where)
        if "policy" not in table and "blocs" not in table:
            raise InputError(f"{where}: missing key 'policy' (or 'blocs')")
        rates_t = table.get("rates", {})
        _check_keys(rates_t, _RATE_KEYS, f"{where}.rates")
        rates = _typed(rates_t, Rates, f"{where}.rates")
        for key in ("targets", "storage", "name", "policy"):
            if key in table and not isinstance(table[key], str):
                raise InputError(f"{where}.{key}: expected a string, got {table[key]!r}")
        out.append(make(policy=table.get("policy", BLOCS), targets=table.get("targets", "p3"),
                        storage=table.get("storage", "medium"), rates=rates, solver=solver,
                        name=table.get("name", ""), where=where, **_bloc_keys(table, where)))
        # The name becomes a store group: checked here, where the file and entry are known.
        store_names.check(out[-1].name, f"{where}.name")
    names = [s.name for s in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise InputError(f"{path}: two scenarios share the name {dup!r}; give each a distinct 'name'")
    store_names.check_all(names, f"{path}: scenario name")   # equal ignoring case
    return out


def _read_toml(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text), text
    except FileNotFoundError:
        raise InputError(f"{path}: scenario file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a scenario file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None


_ENTRY = re.compile(r"^[ \t]*\[\[[ \t]*scenario[ \t]*\]\]", re.MULTILINE)


def _entry_lines(text: str, n: int) -> list[int]:
    """The line of each `[[scenario]]` header, when the file writes its n entries that way
    (else none: errors then name the entry by its index only)."""
    lines = [text.count("\n", 0, m.start()) + 1 for m in _ENTRY.finditer(text)]
    return lines if len(lines) == n else []


def _bloc_keys(table: dict, where: str) -> dict:
    """The blocs, switch and burden keys of one [[scenario]] table."""
    out: dict = {}
    bloc_keys = {"blocs", "biomass_trade", "from_blocs", "from_biomass_trade"}
    is_blocs = "blocs" in table or str(table.get("policy", BLOCS)).lower() == BLOCS
    if not is_blocs and (bloc_keys | {"switch_year"}) & set(table):
        key = sorted((bloc_keys | {"switch_year"}) & set(table))[0]
        raise InputError(f"{where}.{key}: only for a blocs scenario (give 'blocs'); "
                         f"SWITCH_<year> policies carry their year in the name")
    policy = str(table.get("policy", BLOCS)).lower()
    if "blocs" in table and policy != BLOCS:
        raise InputError(f"{where}.policy: {table['policy']!r} with 'blocs': a scenario with blocs "
                         "is a trading-blocs scenario (policy 'blocs', or no policy); remove "
                         f"'blocs' to solve {table['policy']}")
    if is_blocs:
        if "blocs" not in table:
            raise InputError(f"{where}: policy 'blocs' needs 'blocs'")
        out["blocs"] = Structure.parse(table["blocs"], table.get("biomass_trade", "within_bloc"),
                                       where=f"{where}.blocs")
        if ("switch_year" in table) != ("from_blocs" in table):
            raise InputError(f"{where}: switch_year and from_blocs are given together")
        if "switch_year" in table:
            year = table["switch_year"]
            if year not in SWITCH_YEARS:
                raise InputError(f"{where}.switch_year: must be one of "
                                 f"{', '.join(map(str, SWITCH_YEARS))}, got {year!r}")
            out["switch_year"] = year
            out["from_blocs"] = Structure.parse(table["from_blocs"],
                                                table.get("from_biomass_trade", "none"),
                                                where=f"{where}.from_blocs")
    if "burden" in table or "shares" in table:
        out["burden"] = Burden.parse(table.get("burden", "shares"), table.get("shares"),
                                     regions=None if "shares" not in table else list(REGIONS),
                                     where=f"{where}.burden")
    return out
