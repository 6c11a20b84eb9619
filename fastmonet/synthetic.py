"""Random coefficient Datasets shaped like the coefficients Dataset (formulation §9.3).

They stand in for `fastmonet.coefficients.build` in the LP tests and benchmarks: any size from
two subregions to the full 169, with magnitudes of the right order (AR stocks 40-700 tCO2/ha,
BECCS plants of about 4.2 MtCO2/yr, DAC 150-600 US$/tCO2, storage split from Table 8) so the LP
has the structure and conditioning of the real one.  The numbers are random, not data: nothing
here is calibrated to the paper's results.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from fastmonet.dimensions import DAC_TECHS, FOREST_TYPES, PERIOD_STARTS, REGIONS, REPORT_YEARS

# What users import: small made-up coefficient Datasets (tests, examples, benchmarks).
__all__ = ["instance", "full_size"]

# Subregion counts per region (formulation §1.2).
FULL_SUBREGIONS = {"BRA": 27, "CHN": 31, "EU": 28, "IND": 33, "USA": 50}
ECOZONES = (
    "tropical_rainforest", "tropical_moist_deciduous", "tropical_dry", "tropical_shrubland",
    "tropical_mountain", "subtropical_humid", "subtropical_dry", "subtropical_steppe",
    "subtropical_mountain", "temperate_oceanic", "temperate_continental", "temperate_mountain",
    "boreal_coniferous", "boreal_tundra", "boreal_mountain",
)
TECHS = DAC_TECHS
YEARS = REPORT_YEARS
# Formulation §6.8: 2100 targets (GtCO2) and the cumulative shape.
P3_2100_GT = {"BRA": 7.0, "CHN": 56.0, "EU": 81.0, "IND": 20.0, "USA": 87.0}
TARGET_SHAPE = (0.02, 0.07, 0.16, 0.28, 0.42, 0.58, 0.78, 1.00)
# Formulation §9.4 / Table 8, medium storage case (GtCO2).
STORAGE_MEDIUM_GT = {"BRA": 0.95, "CHN": 3106.0, "EU": 180.0, "IND": 0.0, "USA": 8533.0}
PLANT_T_PER_YR = 4.2e6  # Formulation §3: one 500 MW plant captures about 4.2 MtCO2/yr


def _ar_coefficients(rng, n_cells, nonneg_cost):
    """cRCO2(t, a) and cCost(t, a) from a logistic stock curve averaged over planting years."""
    stock = rng.uniform(40.0, 700.0, n_cells)          # tCO2/ha at saturation
    half = rng.uniform(15.0, 45.0, n_cells)            # age of half the stock
    k = np.log(99.0) / half
    ops = rng.uniform(1.2, 4.4, n_cells)               # tCO2/ha of operations over the life
    est = rng.uniform(1500.0, 4000.0, n_cells)         # US$/ha at establishment
    annual = rng.uniform(5.0, 40.0, n_cells)           # US$/ha/yr afterwards
    ages = np.arange(0, 81, dtype=np.float64)
    curve = stock[:, None] * (1.0 / (1.0 + np.exp(-k[:, None] * (ages - half[:, None]))) - 0.01)
    removal_age = curve - ops[:, None] * np.minimum(ages / 80.0, 1.0)
    removal_age[:, 0] = 0.0
    cost_age = np.where(ages > 0, est[:, None] + annual[:, None] * ages, 0.0)
    if not nonneg_cost:
        cost_age -= rng.uniform(0.0, 500.0, n_cells)[:, None] * (ages > 0)
    n_p = len(PERIOD_STARTS)
    rem = np.zeros((n_cells, n_p, n_p))
    cost = np.zeros((n_cells, n_p, n_p))
    for a, start in enumerate(PERIOD_STARTS):
        for ti, t in enumerate(YEARS):
            age = t - (start + np.arange(10))  # planting years of the vintage
            age = age[age > 0]
            if age.size:
                rem[:, a, ti] = removal_age[:, age].sum(axis=1) / 10.0
                cost[:, a, ti] = cost_age[:, age].sum(axis=1) / 10.0
    return rem, cost


def instance(
    n_subregions: int = 4,
    n_regions: int = 2,
    n_ecozones: int = 3,
    seed: int = 0,
    plants_per_source: int | None = None,
    chain_keep: float = 1.0,
    target_gt_per_subregion: float = 2.0,
    nonneg_cost: bool = True,
    region_sizes: dict[str, int] | None = None,
    storage_gt: dict[str, float] | None = None,
    land_scale: float = 1.0,
    storage_scale: float = 1.0,
) -> xr.Dataset:
    """A random coefficients Dataset.

    `region_sizes` fixes the subregions per region (overrides `n_subregions`/`n_regions`);
    `plants_per_source` limits each source subregion to that many random plant subregions (None:
    every subregion); `chain_keep` is the share of (source, plant, biomass, land, period) chains kept.
    `nonneg_cost=False` lets BECCS and AR costs go negative (electricity revenue, as in the paper).
    Targets are `target_gt_per_subregion` GtCO2 per subregion in 2100 with the formulation §6.8
    shape.
    """
    rng = np.random.default_rng(seed)
    if region_sizes is None:
        if not 1 <= n_regions <= len(REGIONS):
            raise ValueError(f"n_regions must be 1..{len(REGIONS)}, got {n_regions}")
        base = np.full(n_regions, n_subregions // n_regions)
        base[: n_subregions % n_regions] += 1
        region_sizes = {REGIONS[i]: int(base[i]) for i in range(n_regions)}
    regions = tuple(region_sizes)
    sr_region = np.concatenate([np.full(n, i) for i, n in enumerate(region_sizes.values())])
    n_sr = sr_region.size
    codes = [f"{regions[r]}-{i:02d}" for i, r in enumerate(sr_region)]
    n_ez = min(n_ecozones, len(ECOZONES))
    n_ft, n_p, n_y = len(FOREST_TYPES), len(PERIOD_STARTS), len(YEARS)

    # AR cells: each subregion has one to three of the ecozones; about 70% of (sr, ez, ft) allowed.
    present = rng.random((n_sr, n_ez)) < max(0.5, 2.0 / n_ez)
    present[np.arange(n_sr), rng.integers(0, n_ez, n_sr)] = True
    allowed = present[:, :, None] & (rng.random((n_sr, n_ez, n_ft)) < 0.7)
    allowed[:, :, 0] |= present & ~allowed.any(axis=2)
    rem, cost = _ar_coefficients(rng, n_sr * n_ez * n_ft, nonneg_cost)
    shape5 = (n_sr, n_ez, n_ft, n_p, n_y)
    lrp = np.where(present, rng.uniform(0.0, 3e6, (n_sr, n_ez)), 0.0) * land_scale
    ovl = np.where(present, rng.uniform(0.0, 1e6, (n_sr, n_ez)), 0.0) * land_scale
    mal = rng.uniform(0.0, 4e6, n_sr) * land_scale * (rng.random(n_sr) < 0.85)
    lhw = rng.uniform(0.0, 5e6, n_sr) * land_scale * (rng.random(n_sr) < 0.7)

    # Storage: national totals (Table 8 medium by default) split by random weights.
    storage_gt = STORAGE_MEDIUM_GT if storage_gt is None else storage_gt
    storage = np.zeros(n_sr)
    for r, name in enumerate(regions):
        idx = np.flatnonzero(sr_region == r)
        w = rng.random(idx.size) * (rng.random(idx.size) < 0.7)
        if w.sum() == 0:
            w[0] = 1.0
        total = storage_gt.get(name, 100.0) * 1e9
        if total == 0 and len(regions) < len(REGIONS):
            total = 50e9  # small instances: keep storage somewhere unless the caller says 0
        storage[idx] = total * w / w.sum()
    storage *= storage_scale

    # BECCS chains over (source, plant, biomass, land, period).
    if plants_per_source is None or plants_per_source >= n_sr:
        src_grid, plant_grid = np.meshgrid(np.arange(n_sr), np.arange(n_sr), indexing="ij")
        src, plant = src_grid.ravel(), plant_grid.ravel()
    else:
        src = np.repeat(np.arange(n_sr), plants_per_source)
        plant = np.concatenate([
            np.concatenate([[s], rng.choice(np.delete(np.arange(n_sr), s), plants_per_source - 1,
                                            replace=False)])
            for s in range(n_sr)
        ])
    # Biomass/land combinations: four crops on mal or overlap land, straw on lhw.
    bl = np.array([(b, ld) for b in range(4) for ld in (0, 1)] + [(4, 2)], dtype=np.int64)
    n_pair, n_bl = src.size, bl.shape[0]
    pair = np.repeat(np.arange(n_pair), n_bl * n_p)
    combo = np.tile(np.repeat(np.arange(n_bl), n_p), n_pair)
    period = np.tile(np.arange(n_p), n_pair * n_bl)
    keep = rng.random(pair.size) < chain_keep
    pair, combo, period = pair[keep], combo[keep], period[keep]
    n_chain = pair.size
    c_src, c_plant = src[pair], plant[pair]
    c_bio, c_land = bl[combo, 0], bl[combo, 1]
    cross = sr_region[c_src] != sr_region[c_plant]
    lo = -40.0 if not nonneg_cost else 20.0
    beccs_cost = rng.uniform(lo, 250.0, n_chain) + 15.0 * (c_src != c_plant) + 25.0 * cross
    beccs_cost -= 3.0 * period  # fuels decarbonise (formulation §5): later chains remove more per tonne
    beccs_cost = np.maximum(beccs_cost, lo)
    beccs_stored = rng.uniform(1.05, 1.6, n_chain)
    beccs_units = rng.uniform(1.0, 1.5, n_chain) / PLANT_T_PER_YR
    beccs_land = np.where(c_land == 2, rng.uniform(0.2, 1.0, n_chain), rng.uniform(0.03, 0.2, n_chain))
    removal_tdm = 1.0 / rng.uniform(0.9, 1.6, n_chain)  # tCO2 removed per tDM delivered

    # DAC: CW cheaper after grid decarbonisation; a few (tech, sr, p) not offered (efficiency <= 0).
    dac_cost = np.empty((2, n_sr, n_p))
    decline = np.linspace(1.0, 0.55, n_p)
    dac_cost[0] = rng.uniform(200.0, 350.0, (n_sr, 1)) * decline
    dac_cost[1] = rng.uniform(250.0, 600.0, (n_sr, 1)) * decline**1.3
    dac_stored = rng.uniform(1.0, 1.3, (2, n_sr, n_p))
    dac_captured = rng.uniform(1.05, 2.0, (2, n_sr, n_p))
    off = rng.random((2, n_sr, n_p)) < 0.1
    off[1, :, 0] |= rng.random(n_sr) < 0.5  # CW is often net-positive in 2020 (formulation §4)
    for arr in (dac_cost, dac_stored, dac_captured):
        arr[off] = np.nan

    target = np.zeros((len(regions), n_y))
    for r in range(len(regions)):
        total = target_gt_per_subregion * 1e9 * np.count_nonzero(sr_region == r)
        target[r] = total * np.asarray(TARGET_SHAPE)

    dims5 = ("subregion", "ecozone", "forest_type", "vintage", "year")
    ds = xr.Dataset(
        {
            "ar_removal": (dims5, rem.reshape(shape5), {"units": "tCO2/ha"}),
            "ar_cost": (dims5, cost.reshape(shape5), {"units": "US$/ha"}),
            "ar_allowed": (("subregion", "ecozone", "forest_type"), allowed),
            "lrp": (("subregion", "ecozone"), lrp, {"units": "ha"}),
            "ovl": (("subregion", "ecozone"), ovl, {"units": "ha"}),
            "mal": ("subregion", mal, {"units": "ha"}),
            "lhw": ("subregion", lhw, {"units": "ha"}),
            "storage": ("subregion", storage, {"units": "tCO2"}),
            "target": (("region", "year"), target, {"units": "tCO2"}),
            "chain_source": ("chain", c_src.astype(np.int32)),
            "chain_plant": ("chain", c_plant.astype(np.int32)),
            "chain_biomass": ("chain", c_bio.astype(np.int8)),
            "chain_land": ("chain", c_land.astype(np.int8)),
            "chain_period": ("chain", period.astype(np.int8)),
            "beccs_cost": ("chain", beccs_cost, {"units": "US$/tCO2"}),
            "beccs_stored": ("chain", beccs_stored, {"units": "tCO2/tCO2"}),
            "beccs_units": ("chain", beccs_units, {"units": "plants/(tCO2/yr)"}),
            "beccs_land": ("chain", beccs_land, {"units": "ha/(tCO2/yr)"}),
            "beccs_removal_tdm": ("chain", removal_tdm, {"units": "tCO2/tDM"}),
            "dac_cost": (("tech", "subregion", "period"), dac_cost, {"units": "US$/tCO2"}),
            "dac_stored": (("tech", "subregion", "period"), dac_stored, {"units": "tCO2/tCO2"}),
            "dac_captured": (("tech", "subregion", "period"), dac_captured, {"units": "tCO2/tCO2"}),
        },
        coords={
            "subregion": list(codes),
            "subregion_region": ("subregion", [regions[r] for r in sr_region]),
            "region": list(regions),
            "ecozone": list(ECOZONES[:n_ez]),
            "forest_type": list(FOREST_TYPES),
            "vintage": list(PERIOD_STARTS),
            "period": list(PERIOD_STARTS),
            "year": list(YEARS),
            "tech": list(TECHS),
            "chain": np.arange(n_chain),
        },
        attrs={"source": f"fastmonet.synthetic.instance(seed={seed}): random, not data"},
    )
    return ds


def full_size(seed: int = 0, plants_per_source: int | None = None) -> xr.Dataset:
    """169 subregions, 15 ecozones, both forest types, P3 targets, medium storage; every
    (source, plant) pair by default: 2.06 M chains, of which about 1.2 M have storage at the plant."""
    ds = instance(
        region_sizes=dict(FULL_SUBREGIONS), n_ecozones=len(ECOZONES), seed=seed,
        plants_per_source=plants_per_source, nonneg_cost=False,
    )
    target = np.array([P3_2100_GT[r] * 1e9 for r in REGIONS])[:, None] * np.asarray(TARGET_SHAPE)
    ds["target"] = (("region", "year"), target, {"units": "tCO2"})
    return ds
