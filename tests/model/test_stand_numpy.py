"""The vectorised-NumPy stand model (benchmark baseline) agrees with the kernel and the reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fastmonet.reference import stand as ref
from fastmonet.reference import stand_numpy
from fastmonet.stand import TRAJECTORIES, StandParams, simulate


def random_cells(seed: int, n: int, schedules: bool) -> StandParams:
    rng = np.random.default_rng(seed)
    B = rng.uniform(1.0, 1000.0, n)
    T = np.exp(rng.uniform(np.log(2.0), np.log(500.0), n))
    fitted = rng.random(n) < 0.6
    kw = {}
    if schedules:
        e = rng.integers(0, 15, n)
        kw = dict(yr_e_end=e, yr_i_end=e + rng.integers(0, 20, n),
                  fv_interval=rng.integers(1, 12, n), mature_interval=rng.integers(1, 20, n),
                  old_interval=rng.integers(1, 30, n))
    return StandParams(B=B, G=B / T, R1=np.where(fitted, rng.uniform(1, 1000, n), rng.uniform(0, 1.5, n)),
                       R2=np.where(fitted, 10 ** rng.uniform(-5, -0.5, n), 0.0),
                       Cf=rng.uniform(0.4, 0.55, n), rfire=rng.uniform(0.0, 0.6, n),
                       thin_share=rng.uniform(0.0, 0.5, n), **kw)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), schedules=st.booleans(),
       horizon=st.integers(80, 140))
def test_numpy_matches_kernel(seed, n, schedules, horizon):
    p = random_cells(seed, n, schedules)
    k = simulate(p, horizon=horizon)
    v = stand_numpy.simulate(p, horizon=horizon, trajectories=True)
    np.testing.assert_array_equal(v["yr_mmag"], k.yr_mmag)
    np.testing.assert_array_equal(np.where(v["yr_half"] > horizon, np.inf, v["yr_half"]), k.yr_half)
    for name in TRAJECTORIES:
        np.testing.assert_array_equal(v[name] == 0.0, getattr(k, name) == 0.0)
        np.testing.assert_allclose(v[name], getattr(k, name), rtol=1e-9, err_msg=name)
    for name in ("seq_decadal", "co2_max", "co2_final", "co2thin_final"):
        np.testing.assert_allclose(v[name], getattr(k, name), rtol=1e-9, err_msg=name)


def test_numpy_matches_reference():
    p = random_cells(7, 12, schedules=True)
    v = stand_numpy.simulate(p, trajectories=True)
    for i in range(p.n_cells):
        r = ref.simulate_cell(p.B[i], p.G[i], p.R1[i], p.R2[i], p.Cf[i], p.rfire[i],
                              float(p.thin_share[i]), int(p.yr_e_end[i]), int(p.yr_i_end[i]),
                              int(p.fv_interval[i]), int(p.mature_interval[i]),
                              int(p.old_interval[i]))
        assert v["yr_mmag"][i] == r["yr_mmag"]
        for name in TRAJECTORIES:
            np.testing.assert_allclose(v[name][i], r[name], rtol=1e-9, err_msg=f"{i} {name}")


def test_numpy_without_trajectories():
    p = random_cells(3, 50, schedules=False)
    lean = stand_numpy.simulate(p)
    full = stand_numpy.simulate(p, trajectories=True)
    assert "BT" not in lean
    np.testing.assert_array_equal(lean["seq_decadal"], full["seq_decadal"])
    np.testing.assert_allclose(full["seq_decadal"][:, 2], full["CO2seq"][:, 21:31].mean(axis=1),
                               rtol=1e-12)
