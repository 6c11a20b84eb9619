"""Every constraint family of the builder, row by row, on two-subregion cases.

Each test recomputes the expected entries of a row with plain loops over the coefficient
Dataset and compares them with the CSC matrix the builder hands to HiGHS.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastmonet import lp, scenarios, synthetic
from fastmonet.lp_index import AREA, CO2, MONEY

SHARE = [0.55, 1.0, 1.0, 0.45]


def two(seed=0, n_regions=2, **kw):
    kw.setdefault("n_ecozones", 2)
    return synthetic.instance(n_subregions=2, n_regions=n_regions, seed=seed, **kw)


def entries(model, family, **coords):
    """{(column block, coordinate tuple): value} of the one row of `family` at `coords`."""
    b = model.index.rows[family]
    sel = np.ones(b.size, bool)
    for d, v in coords.items():
        sel &= b.coords[d] == v
    hits = np.flatnonzero(sel)
    assert hits.size == 1, f"{family} {coords}: {hits.size} rows"
    i = b.start + int(hits[0])
    row = model.matrix().tocsr()[i]
    out = {}
    for j, v in zip(row.indices, row.data):
        cb = model.index.block_of_column(int(j))
        k = int(j) - cb.start
        out[(cb.name, tuple(int(cb.coords[d][k]) for d in cb.dims))] = float(v)
    return out, model.row_lower[i], model.row_upper[i]


def has_row(model, family, **coords):
    b = model.index.rows[family]
    sel = np.ones(b.size, bool)
    for d, v in coords.items():
        sel &= b.coords[d] == v
    return bool(sel.any())


def cols(model, name):
    b = model.index.columns[name]
    return [tuple(int(b.coords[d][k]) for d in b.dims) for k in range(b.size)]


def approx_dict(got, want):
    assert set(got) == set(want), (sorted(set(got) ^ set(want)))[:5]
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-12, abs=1e-15), k


def test_target_rows_cooperation_and_isolation():
    ds = two(1)
    rem = ds["ar_removal"].values
    for policy in ("cooperation", "isolation"):
        m = lp.build(ds, scenarios.make(policy))
        groups = [1 + 1] if policy == "cooperation" else [0, 1]   # index 2 = world
        for g in groups:
            for t in range(8):
                got, lo, hi = entries(m, "target", group=g, year=t)
                want = {}
                for (s, e, f, a) in cols(m, "xA"):
                    if (g == 2 or ["BRA", "CHN"].index(str(ds.subregion_region.values[s])) == g) \
                            and rem[s, e, f, a, t] != 0:
                        want[("xA", (s, e, f, a))] = rem[s, e, f, a, t] * AREA / CO2
                for (c, p) in cols(m, "r"):
                    if (g == 2 or c == g) and p <= t:
                        want[("r", (c, p))] = 10.0
                want[("s", (g, t))] = 1.0
                approx_dict(got, want)
                tv = (ds.target.values[:, t].sum() if g == 2 else ds.target.values[g, t]) / CO2
                assert lo == pytest.approx(tv)
                assert hi == (pytest.approx(tv) if t == 7 else np.inf)
        n_groups = 1 if policy == "cooperation" else 2
        assert m.index.rows["target"].size == 8 * n_groups


def test_target_rows_switch_use_regions_then_world():
    ds = two(2)
    m = lp.build(ds, scenarios.make("switch_2050"))
    b = m.index.rows["target"]
    years = np.array(ds.year.values)[b.coords["year"]]
    assert set(b.coords["group"][years <= 2050]) == {0, 1}
    assert set(b.coords["group"][years > 2050]) == {2}


def test_removal_aggregate_rows():
    ds = two(3)
    m = lp.build(ds, scenarios.make("cooperation"))
    plant = ds.chain_plant.values
    per = ds.chain_period.values
    reg = [0, 1]  # two subregions, one per region
    for (c, p) in cols(m, "r"):
        got, lo, hi = entries(m, "removal_agg", region=c, period=p)
        want = {("r", (c, p)): -1.0}
        for (ch,) in cols(m, "xB"):
            if reg[plant[ch]] == c and per[ch] == p:
                want[("xB", (ch,))] = 1.0
        for (k, s, q) in cols(m, "xD"):
            if reg[s] == c and q == p:
                want[("xD", (k, s, q))] = 1.0
        approx_dict(got, want)
        assert lo == hi == 0.0


def test_storage_rows_and_no_columns_without_storage():
    ds = two(4)
    st = ds.storage.values.copy()
    st[1] = 0.0
    ds["storage"] = ("subregion", st)
    m = lp.build(ds, scenarios.make("cooperation"))
    assert not has_row(m, "storage", subregion=1)
    assert all(ds.chain_plant.values[c] != 1 for (c,) in cols(m, "xB"))
    assert all(s != 1 for (_, s, _) in cols(m, "xD"))
    got, lo, hi = entries(m, "storage", subregion=0)
    want = {("xB", (c,)): 10 * ds.beccs_stored.values[c] for (c,) in cols(m, "xB")}
    want.update({("xD", (k, s, p)): 10 * ds.dac_stored.values[k, s, p] for (k, s, p) in cols(m, "xD")})
    approx_dict(got, want)
    assert lo == -np.inf and hi == pytest.approx(st[0] / CO2)


def test_land_ar_row_35_and_its_elision():
    ds = two(5, land_scale=0.05)      # little land: the rate does not imply row (35)
    m = lp.build(ds, scenarios.make("cooperation"))
    cap = ds.lrp.values + ds.ovl.values
    checked = 0
    for (s, e) in {(s, e) for (s, e, f, a) in cols(m, "xA")}:
        assert has_row(m, "land_ar", subregion=s, ecozone=e)
        got, lo, hi = entries(m, "land_ar", subregion=s, ecozone=e)
        want = {("xA", k): 1.0 for k in cols(m, "xA") if k[0] == s and k[1] == e}
        approx_dict(got, want)
        assert hi == pytest.approx(cap[s, e] / AREA)
        checked += 1
    assert checked > 0
    big = two(5, land_scale=100.0)    # 8 vintages x 500 kha < land: the rate rows imply (35)
    mb = lp.build(big, scenarios.make("cooperation"))
    assert mb.index.columns["xA"].size > 0
    assert mb.index.rows["land_ar"].size == 0


def test_crop_land_aggregate_and_row_36_as_bound():
    ds = two(6)
    m = lp.build(ds, scenarios.make("cooperation"))
    src, per, land = ds.chain_source.values, ds.chain_period.values, ds.chain_land.values
    ub = m.col_upper[m.index.columns["u"].slice()]
    for i, (s, p) in enumerate(cols(m, "u")):
        got, lo, hi = entries(m, "land_crop_agg", subregion=s, period=p)
        want = {("u", (s, p)): -1.0}
        for (c,) in cols(m, "xB"):
            if src[c] == s and per[c] == p and land[c] <= 1:
                want[("xB", (c,))] = ds.beccs_land.values[c] * CO2 / AREA
        approx_dict(got, want)
        assert lo == hi == 0.0
        assert ub[i] == pytest.approx((ds.mal.values[s] + ds.ovl.values[s].sum()) / AREA)   # (36)


def test_land_total_row_37():
    ds = two(7)
    lrp = ds.lrp.values * 0.02      # AR could exceed LRP: row (37) is needed
    ds["lrp"] = (("subregion", "ecozone"), lrp)
    m = lp.build(ds, scenarios.make("cooperation"))
    assert m.index.rows["land_total"].size > 0
    b = m.index.rows["land_total"]
    for s, p in zip(b.coords["subregion"], b.coords["period"]):
        got, lo, hi = entries(m, "land_total", subregion=s, period=p)
        want = {("xA", k): 1.0 for k in cols(m, "xA") if k[0] == s and k[3] <= p}
        want[("u", (int(s), int(p)))] = 1.0
        approx_dict(got, want)
        assert hi == pytest.approx((ds.mal.values[s] + (lrp[s] + ds.ovl.values[s]).sum()) / AREA)
    # With LRP larger than anything AR can plant, (37) is implied by (35) and (36).
    ds["lrp"] = (("subregion", "ecozone"), ds.lrp.values * 0 + 1e9)
    assert lp.build(ds, scenarios.make("cooperation")).index.rows["land_total"].size == 0


def test_straw_row_38_and_no_straw_without_wheat_land():
    ds = two(8)
    lhw = ds.lhw.values.copy()
    lhw[:] = [2e6, 0.0]
    ds["lhw"] = ("subregion", lhw)
    m = lp.build(ds, scenarios.make("cooperation"))
    src, per, land = ds.chain_source.values, ds.chain_period.values, ds.chain_land.values
    assert not any(land[c] == 2 and src[c] == 1 for (c,) in cols(m, "xB"))
    b = m.index.rows["land_straw"]
    assert b.size > 0 and set(b.coords["subregion"]) == {0}
    for s, p in zip(b.coords["subregion"], b.coords["period"]):
        got, lo, hi = entries(m, "land_straw", subregion=s, period=p)
        want = {("xB", (c,)): ds.beccs_land.values[c] * CO2 / AREA for (c,) in cols(m, "xB")
                if src[c] == s and per[c] == p and land[c] == 2}
        approx_dict(got, want)
        assert hi == pytest.approx(lhw[s] / AREA)


def test_beccs_build_rows_and_plant_bound():
    ds = two(9)
    sc = scenarios.make("cooperation", rates=scenarios.Rates(beccs=2.5))
    m = lp.build(ds, sc)
    plant, per = ds.chain_plant.values, ds.chain_period.values
    b = m.index.rows["beccs_build"]
    for s, p in zip(b.coords["subregion"], b.coords["period"]):
        got, lo, hi = entries(m, "beccs_build", subregion=s, period=p)
        want = {("xB", (c,)): ds.beccs_units.values[c] * CO2 for (c,) in cols(m, "xB")
                if plant[c] == s and per[c] == p}
        want.update({("nB", (int(s), q)): -SHARE[p - q] for (ss, q) in cols(m, "nB")
                     if ss == s and 0 <= p - q <= 3})
        approx_dict(got, want)
        assert lo == hi == 0.0
    nb = m.index.columns["nB"]
    assert np.allclose(m.col_upper[nb.slice()], 5.5 * 2.0 * 2.5 / 0.5)   # F = 5.5: 55 plants per decade
    # F = 10 (the full annual rate every year of the period) is an option of Rates.
    sc10 = scenarios.make("cooperation", rates=scenarios.Rates(beccs=2.5, build_factor=10.0))
    m10 = lp.build(ds, sc10)
    assert np.allclose(m10.col_upper[m10.index.columns["nB"].slice()], 10 * 2.0 * 2.5 / 0.5)


def test_plants_need_chains_for_their_whole_life():
    ds = two(10, n_regions=1)
    keep = ~((ds.chain_plant.values == 1) & (ds.chain_period.values != 3))
    ds = ds.isel(chain=np.flatnonzero(keep))
    m = lp.build(ds, scenarios.make("cooperation"))
    # Plant 1 has chains only in period 3: a plant built in 0..3 would run in 4, 5 or 6 too.
    assert not any(ds.chain_plant.values[c] == 1 for (c,) in cols(m, "xB"))
    assert not any(s == 1 for (s, q) in cols(m, "nB"))
    # Plant 0 has chains in every period: builds possible in every period.
    assert {q for (s, q) in cols(m, "nB") if s == 0} == set(range(8))


def test_dac_build_and_rate_rows():
    ds = two(11)
    sc = scenarios.make("cooperation", rates=scenarios.Rates(dac=2.5))
    m = lp.build(ds, sc)
    capt = ds.dac_captured.values
    for (k, s, p) in cols(m, "xD"):
        got, lo, hi = entries(m, "dac_build", tech=k, subregion=s, period=p)
        want = {("xD", (k, s, p)): capt[k, s, p]}
        want.update({("kD", (k, s, q)): -SHARE[p - q] for (kk, ss, q) in cols(m, "kD")
                     if kk == k and ss == s and 0 <= p - q <= 3})
        approx_dict(got, want)
        assert lo == hi == 0.0
    kd = cols(m, "kD")
    shared = {(s, q) for (k, s, q) in kd if (1 - k, s, q) in kd}
    assert shared
    for (s, q) in shared:
        got, lo, hi = entries(m, "dac_rate", subregion=s, period=q)
        approx_dict(got, {("kD", (0, s, q)): 1.0, ("kD", (1, s, q)): 1.0})
        assert hi == pytest.approx(5.5 * 16.8e6 * 2.5 / CO2)
    # A capacity alone in its (subregion, period) carries the rate as its bound instead.
    kb = m.index.columns["kD"]
    for i, (k, s, q) in enumerate(kd):
        if (s, q) not in shared:
            assert m.col_upper[kb.start + i] == pytest.approx(5.5 * 16.8e6 * 2.5 / CO2)
    # No DAC where the coefficient is NaN.
    nan = np.isnan(ds.dac_cost.values)
    assert not any(nan[k, s, p] for (k, s, p) in cols(m, "xD"))


def test_ar_rate_rows():
    ds = two(12)
    sc = scenarios.make("cooperation", rates=scenarios.Rates(ar=10.0))
    m = lp.build(ds, sc)
    xa = cols(m, "xA")
    b = m.index.rows["ar_rate"]
    assert b.size > 0
    for s, a in zip(b.coords["subregion"], b.coords["vintage"]):
        got, lo, hi = entries(m, "ar_rate", subregion=s, vintage=a)
        approx_dict(got, {("xA", k): 1.0 for k in xa if k[0] == s and k[3] == a})
        assert hi == pytest.approx(5.5 * 50e3 * 10 / AREA)


def test_ar_columns_only_with_land_and_allowed_and_costs():
    ds = two(13)
    lrp, ovl = ds.lrp.values.copy(), ds.ovl.values.copy()
    lrp[0, :] = 0.0
    ovl[0, :] = 0.0
    ds["lrp"] = (("subregion", "ecozone"), lrp)
    ds["ovl"] = (("subregion", "ecozone"), ovl)
    m = lp.build(ds, scenarios.make("cooperation"))
    xa = cols(m, "xA")
    assert xa and all(s == 1 for (s, e, f, a) in xa)
    allowed = ds.ar_allowed.values
    assert all(allowed[s, e, f] for (s, e, f, a) in xa)
    b = m.index.columns["xA"]
    want = np.array([ds.ar_cost.values[s, e, f, a, 7] * AREA / MONEY for (s, e, f, a) in xa])
    assert np.allclose(m.cost[b.slice()], want, rtol=1e-12)
    bb = m.index.columns["xB"]
    ch = m.index.columns["xB"].coords["chain"]
    assert np.allclose(m.cost[bb.slice()], 10 * ds.beccs_cost.values[ch] * CO2 / MONEY)


def test_isolation_drops_cross_region_chains_switch_only_early():
    ds = two(14)
    src, plant, per = ds.chain_source.values, ds.chain_plant.values, ds.chain_period.values
    iso = lp.build(ds, scenarios.make("isolation"))
    assert all(src[c] == plant[c] for (c,) in cols(iso, "xB"))
    sw = lp.build(ds, scenarios.make("switch_2070"))
    crossing = [c for (c,) in cols(sw, "xB") if src[c] != plant[c]]
    assert crossing and all(ds.year.values[per[c]] > 2070 for c in crossing)
    coop = lp.build(ds, scenarios.make("cooperation"))
    assert any(src[c] != plant[c] and per[c] < 3 for (c,) in cols(coop, "xB"))


def test_csc_arrays_are_well_formed():
    ds = two(15)
    m = lp.build(ds, scenarios.make("current_policy"))
    assert m.a_start.dtype == np.int32 and m.a_index.dtype == np.int32
    assert m.a_start[0] == 0 and m.a_start[-1] == m.nnz
    assert np.all(np.diff(m.a_start) >= 1)          # no empty column
    assert m.a_index.min() >= 0 and m.a_index.max() < m.n_row
    rows_used = np.bincount(m.a_index, minlength=m.n_row)
    assert np.all(rows_used >= 1)                   # no empty row
    assert np.all(np.isfinite(m.a_value)) and np.all(m.a_value != 0)
    A = m.matrix().tocsc()
    A.sum_duplicates()
    assert A.nnz == m.nnz                           # no duplicate (row, column) entries
