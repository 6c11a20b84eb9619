"""Numba stand kernel: agreement with the reference, formulation §2.9 invariants, input
validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastmonet.errors import InputError
from fastmonet.reference import stand as ref
from fastmonet.stand import TRAJECTORIES, StandParams, reporting_years, simulate, vintage_coefficients, vintage_starts

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Published ranges: B 15-300 tDM/ha, G 0.4-7, T 30-140 yr, R1 0.27-848, R2 0-0.045, Cf 0.47-0.51,
# Rfire 0-0.35. The draws go well beyond them on every side.
# Subnormal shares or ratios (5e-324) only exercise the rounding of denormals; they are excluded.
pos = lambda lo, hi: st.floats(lo, hi, allow_nan=False, allow_infinity=False,  # noqa: E731
                               allow_subnormal=False)


@st.composite
def cells(draw, max_cells: int = 6, schedule: bool = True):
    n = draw(st.integers(1, max_cells))
    B, G, R1, R2, Cf, rf, ts = [], [], [], [], [], [], []
    sched = {k: [] for k in ("yr_e_end", "yr_i_end", "fv_interval", "mature_interval",
                             "old_interval")}
    for _ in range(n):
        b = draw(pos(0.5, 3000.0))
        T = draw(st.one_of(pos(0.5, 400.0), pos(20.0, 150.0)))
        B.append(b)
        G.append(b / T)
        if draw(st.booleans()):
            R1.append(draw(pos(0.0, 2.0)))
            R2.append(0.0)
        else:
            R1.append(draw(pos(0.5, 2000.0)))
            R2.append(draw(st.one_of(pos(1e-7, 0.5), st.just(0.00029), st.just(0.04466))))
        Cf.append(draw(pos(0.3, 0.6)))
        rf.append(draw(st.one_of(st.just(0.0), pos(0.0, 0.95))))
        ts.append(draw(st.one_of(st.just(0.1), pos(0.0, 0.9))))
        if schedule and draw(st.booleans()):
            e = draw(st.integers(0, 20))
            sched["yr_e_end"].append(e)
            sched["yr_i_end"].append(e + draw(st.integers(0, 25)))
            sched["fv_interval"].append(draw(st.integers(1, 20)))
            sched["mature_interval"].append(draw(st.integers(1, 30)))
            sched["old_interval"].append(draw(st.integers(1, 40)))
        else:
            for k, v in zip(sched, (5, 15, 5, 10, 15)):
                sched[k].append(v)
    return StandParams(B=B, G=G, R1=R1, R2=R2, Cf=Cf, rfire=rf, thin_share=ts, **sched)


def _reference(p: StandParams, horizon: int) -> list[dict]:
    return [ref.simulate_cell(p.B[i], p.G[i], p.R1[i], p.R2[i], p.Cf[i], p.rfire[i],
                              float(p.thin_share[i]), int(p.yr_e_end[i]), int(p.yr_i_end[i]),
                              int(p.fv_interval[i]), int(p.mature_interval[i]),
                              int(p.old_interval[i]), horizon)
            for i in range(p.n_cells)]


def _assert_agree(res, refs, rtol=1e-9):
    for i, r in enumerate(refs):
        assert res.yr_mmag[i] == r["yr_mmag"]
        assert res.yr_half[i] == r["yr_half"]
        for name in TRAJECTORIES:
            got, want = getattr(res, name)[i], r[name]
            # thinning years agree exactly; values to 1e-9 relative
            assert np.array_equal(got == 0.0, want == 0.0), (i, name)
            np.testing.assert_allclose(got, want, rtol=rtol, atol=0.0, err_msg=f"cell {i} {name}")


@SETTINGS
@given(p=cells(), horizon=st.integers(80, 160))
def test_kernel_matches_reference(p, horizon):
    res = simulate(p, horizon=horizon)
    refs = _reference(p, horizon)
    _assert_agree(res, refs)
    # summaries and the decadal coefficient follow from the trajectories
    np.testing.assert_allclose(res.co2_max, [r["CO2"].max() for r in refs], rtol=1e-9)
    np.testing.assert_allclose(res.co2_final, [r["CO2"][-1] for r in refs], rtol=1e-9)
    np.testing.assert_allclose(res.co2thin_final, [r["CO2thin"][-1] for r in refs], rtol=1e-9)
    want = ref.vintage_coefficients(np.array([r["CO2seq"] for r in refs]))
    np.testing.assert_allclose(res.seq_coef, want, rtol=1e-9, atol=0.0)


def test_kernel_matches_reference_table_cells():
    p = StandParams.from_tables()
    _assert_agree(simulate(p), _reference(p, 100))


@SETTINGS
@given(p=cells())
def test_without_trajectories_same_coefficients(p):
    full = simulate(p, trajectories=True)
    lean = simulate(p, trajectories=False)
    assert lean.BT is None and lean.CO2seq is None
    for name in ("seq_decadal", "co2_max", "co2_final", "co2thin_final", "yr_mmag", "yr_half"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(full, name))


@SETTINGS
@given(p=cells(), horizon=st.integers(80, 130))
def test_invariants(p, horizon):
    res = simulate(p, horizon=horizon)
    n = p.n_cells
    for name in TRAJECTORIES:
        arr = getattr(res, name)
        assert arr.shape == (n, horizon + 1)
        assert np.isfinite(arr).all() and (arr >= 0.0).all(), name
    B = p.B[:, None]
    assert (res.BT <= B).all()
    assert (res.AT <= res.BT).all()
    # the first yr_i_end years follow the reference curve
    for i in range(n):
        curve = ref.ReferenceCurve(p.B[i], p.G[i])
        upto = min(int(p.yr_i_end[i]), horizon)
        np.testing.assert_allclose(res.BT[i, : upto + 1], [curve(y) for y in range(upto + 1)],
                                   rtol=1e-12)
    # Above ground, biomass only leaves by thinning: AT + cumulative Th never decreases.
    ag = res.AT + np.cumsum(res.Th, axis=1)
    assert (np.diff(ag, axis=1) >= -1e-12 * B).all()
    # CO2 + CO2thin never decreases in a year without thinning ...
    cfc = p.Cf[:, None] * 44.0 / 12.0
    total = res.CO2 + res.CO2thin
    step = np.diff(total, axis=1)
    no_thin = res.Th[:, 1:] == 0.0
    assert (step[no_thin] >= -1e-12 * np.broadcast_to(B * cfc, step.shape)[no_thin]).all()
    # ... and in thinning years it drops by at most the roots of the thinned trees
    # (BG = AT RRS: their below-ground biomass leaves the system but is not in CO2thin).
    rrs = np.where(p.R2[:, None] > 0,
                   p.R1[:, None] * np.log1p(p.R2[:, None] * res.BT) / res.BT, p.R1[:, None])
    roots = np.cumsum(res.Th * rrs, axis=1) * cfc
    assert (np.diff(total + roots, axis=1) >= -1e-9 * B * cfc).all()
    # fire
    assert ((0.0 <= p.rfire) & (p.rfire < 1.0)).all()
    assert (res.CO2seq <= res.CO2).all()
    # phases
    assert ((1 <= res.yr_mmag) & (res.yr_mmag <= horizon)).all()
    assert (res.yr_half > res.yr_mmag).all()


@SETTINGS
@given(p=cells(schedule=False), scale=pos(0.01, 100.0))
def test_scaling_with_constant_ratio(p, scale):
    p.R2 = np.zeros(p.n_cells)
    base = simulate(p)
    p2 = StandParams(B=p.B * scale, G=p.G * scale, R1=p.R1, R2=p.R2, Cf=p.Cf, rfire=p.rfire,
                     thin_share=p.thin_share)
    scaled = simulate(p2)
    np.testing.assert_array_equal(scaled.yr_mmag, base.yr_mmag)
    for name in ("AT", "BG", "Th", "CO2"):
        np.testing.assert_allclose(getattr(scaled, name), getattr(base, name) * scale,
                                   rtol=1e-9, err_msg=name)


@SETTINGS
@given(p=cells(schedule=False))
def test_coefficient_vintages(p):
    res = simulate(p)
    coef = res.seq_coef
    starts, years = vintage_starts(), reporting_years()
    assert coef.shape == (p.n_cells, 8, 8)
    for a, start in enumerate(starts):
        for j, t in enumerate(years):
            if t <= start:
                assert (coef[:, a, j] == 0.0).all()
            else:
                assert (coef[:, a, j] > 0.0).all()
    # later vintages are time shifts of earlier ones
    np.testing.assert_array_equal(coef[:, 1:, 1:], coef[:, :-1, :-1])
    # vintage 2020 at 2030 averages ages 1..10
    np.testing.assert_allclose(coef[:, 0, 0], res.CO2seq[:, 1:11].mean(axis=1), rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), K=st.integers(0, 3), horizon=st.integers(80, 110),
       seed=st.integers(0, 2**32 - 1))
def test_vintage_coefficients_match_reference(n, K, horizon, seed):
    rng = np.random.default_rng(seed)
    stock = np.cumsum(rng.uniform(0, 5, (n, horizon + 1)), axis=1)
    flows = rng.uniform(0, 2, (n, K, horizon + 1))
    factors = rng.uniform(0, 3, (K, 85))
    got = vintage_coefficients(stock, flows, factors)
    want = ref.vintage_coefficients(stock, flows, factors)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())
    if K == 0:
        np.testing.assert_array_equal(got, vintage_coefficients(stock))


def test_vintage_coefficients_calendar_alignment():
    """A flow in age 1 of a stand planted in 2029 happens in calendar year 2029: column 9."""
    n, H = 1, 100
    stock = np.zeros((n, H + 1))
    flows = np.zeros((n, 1, H + 1))
    flows[0, 0, 1] = 1.0
    factors = np.zeros((1, 80))
    factors[0, 9] = 10.0
    coef = vintage_coefficients(stock, flows, factors)
    # only the 2029 planting (1 of 10) of vintage 2020 pays it, in every later reporting year
    np.testing.assert_allclose(coef[0, 0, :], -1.0)
    assert (coef[0, 1:, :] == 0.0).all()


# ----------------------------------------------------------------------------- validation

GOOD = dict(B=[100.0, 50.0, 20.0], G=[2.0, 1.0, 0.5], R1=[0.3, 25.0, 0.2], R2=[0.0, 0.02, 0.0],
            Cf=[0.47, 0.51, 0.48], rfire=[0.0, 0.2, 0.35])


@pytest.mark.parametrize("field,value,pattern", [
    ("B", [100.0, 0.0, 20.0], r"StandParams\.B.*cell 1.*> 0"),
    ("B", [100.0, 50.0, -3.0], r"StandParams\.B.*cell 2"),
    ("G", [0.0, 1.0, 0.5], r"StandParams\.G.*cell 0"),
    ("R2", [0.0, -0.02, 0.0], r"StandParams\.R2.*cell 1.*>= 0"),
    ("R1", [0.3, 25.0, math.nan], r"StandParams\.R1: NaN at cell 2"),
    ("Cf", [0.47, math.nan, 0.48], r"StandParams\.Cf: NaN at cell 1"),
    ("rfire", [0.0, 1.0, 0.1], r"StandParams\.rfire.*cell 1.*\[0, 1\)"),
    ("thin_share", [0.1, 0.1, 1.0], r"StandParams\.thin_share.*cell 2.*\[0, 1\)"),
    ("thin_share", [-0.1, 0.1, 0.1], r"StandParams\.thin_share.*cell 0"),
    ("G", [2.0, 1.0], r"StandParams\.G: 2 entries, but B has 3"),
    ("B", [100.0, math.inf, 1.0], r"StandParams\.B: infinite.*cell 1"),
    ("fv_interval", [5, 0, 5], r"StandParams\.fv_interval.*cell 1.*>= 1"),
    ("yr_i_end", [15, 3, 15], r"StandParams\.yr_i_end.*cell 1.*>= yr_e_end"),
    ("yr_e_end", [5, 2.5, 5], r"StandParams\.yr_e_end.*cell 1.*whole number"),
    ("B", [[1.0, 2.0]], r"StandParams\.B.*1-D"),
    ("G", ["a", "b", "c"], r"StandParams\.G: not numeric"),
])
def test_invalid_params(field, value, pattern):
    with pytest.raises(InputError, match=pattern):
        StandParams(**{**GOOD, field: value})


def test_validation_runs_again_before_simulate():
    p = StandParams(**GOOD)
    p.G = np.array([2.0, np.nan, 0.5])  # changed after construction
    with pytest.raises(InputError, match=r"StandParams\.G: NaN at cell 1"):
        simulate(p)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(horizon=50), r"horizon = 50 is shorter"),
    (dict(horizon=100.0), r"horizon must be an integer"),
    (dict(period_years=0), r"period_years must be an integer >= 1"),
])
def test_invalid_simulate_options(kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        simulate(StandParams(**GOOD), **kwargs)


def test_invalid_vintage_inputs():
    stock = np.ones((2, 101))
    with pytest.raises(InputError, match=r"stock covers ages 0\.\.60"):
        vintage_coefficients(np.ones((2, 61)))
    with pytest.raises(InputError, match=r"flows must be"):
        vintage_coefficients(stock, np.ones((3, 1, 101)), np.ones((1, 80)))
    with pytest.raises(InputError, match=r"factors cover 70 calendar years"):
        vintage_coefficients(stock, np.ones((2, 1, 101)), np.ones((1, 70)))
    with pytest.raises(InputError, match=r"both flows and factors"):
        vintage_coefficients(stock, np.ones((2, 1, 101)))
    bad = stock.copy()
    bad[1, 7] = np.nan
    with pytest.raises(InputError, match=r"stock\[1, 7\] is nan"):
        vintage_coefficients(bad)


def test_subset_and_dataset():
    p = StandParams(**GOOD)
    res = simulate(p.subset([0, 2]))
    full = simulate(p)
    np.testing.assert_array_equal(res.CO2, full.CO2[[0, 2]])
    ds = full.to_dataset()
    assert ds.sizes["cell"] == 3 and ds.sizes["age"] == 101
    assert list(ds.year.values) == list(range(2030, 2101, 10))
    assert list(ds.vintage.values) == list(range(2020, 2091, 10))
    assert float(ds.seq_coef.sel(vintage=2020, year=2100)[1]) == pytest.approx(
        full.CO2seq[1, 71:81].mean())


# ----------------------------------------------------------------------------- growth phases

def test_phase_seeds_are_the_continuous_optima():
    """XI_MMAG, XI_HALF: maximiser of the normalised MAG and where it has halved."""
    from scipy.optimize import brentq, minimize_scalar

    from fastmonet.kernels.stand import XI_HALF, XI_MMAG

    s = lambda x: (1.0 / (1.0 + 99.0 ** (1.0 - 2.0 * x)) - 0.01) / x  # noqa: E731
    opt = minimize_scalar(lambda x: -s(x), bounds=(0.1, 3.0), method="bounded",
                          options={"xatol": 1e-12})
    assert XI_MMAG == pytest.approx(opt.x, abs=1e-6)
    assert XI_HALF == pytest.approx(brentq(lambda x: s(x) - s(opt.x) / 2, opt.x, 10.0), abs=1e-6)


@pytest.mark.parametrize("horizon", [1, 2, 17, 100, 250])
def test_growth_phases_match_full_scan(horizon):
    """The seeded walks give the reference's full-scan answer for growing periods from 0.01 yr
    to 10,000 yr (seeds far off, clipped, or outside the horizon)."""
    from fastmonet.kernels.stand import growth_phases

    rng = np.random.default_rng(horizon)
    for T in np.concatenate([np.geomspace(0.01, 1e4, 600), rng.uniform(20, 160, 200)]):
        B = float(rng.uniform(1.0, 500.0))
        curve = ref.ReferenceCurve(B, B / T)
        _, want_mmag, want_half = ref.growth_phases(curve, horizon)
        got_mmag, got_half = growth_phases(B, B / T, horizon)
        assert got_mmag == want_mmag, T
        assert got_half == (want_half if want_half != math.inf else horizon + 1), T
