"""Vectorised-NumPy stand model: a loop over ages, arrays over cells (formulation §2.1-2.5, §2.8).

The same model as `fastmonet.kernels.stand`, written the way one would in NumPy: the reference
curve's phase markers from a pass over all ages, the thinning decision of formulation §2.2 with
modulo arithmetic and per-cell "last thinning" state, the closed form
Bref(Bref^-1(b) + 1) = B / (1 + (B/b - 1) e^-k) for growth. It is the baseline of
`benchmarks/stand_throughput.py` and is tested against the kernel.
"""

from __future__ import annotations

import math

import numpy as np

CO2_PER_C = 44.0 / 12.0
LN99 = math.log(99.0)


def growth_phases(B: np.ndarray, G: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """yr_mmag (first age of max MAG over 1..H) and yr_half (first later age with
    MAG <= MMAG/2, horizon + 1 if none), per cell."""
    x0 = 0.5 * B / G
    k = LN99 / x0
    b0 = B / (1.0 + np.exp(k * x0))
    mmag = np.full(B.shape, -np.inf)
    yr_mmag = np.zeros(B.shape, dtype=np.int64)
    for yr in range(1, horizon + 1):
        mag = (B / (1.0 + np.exp(-k * (yr - x0))) - b0) / yr
        better = mag > mmag
        mmag = np.where(better, mag, mmag)
        yr_mmag = np.where(better, yr, yr_mmag)
    half = 0.5 * mmag
    yr_half = np.full(B.shape, horizon + 1, dtype=np.int64)
    for yr in range(2, horizon + 1):
        mag = (B / (1.0 + np.exp(-k * (yr - x0))) - b0) / yr
        hit = (yr > yr_mmag) & (mag <= half) & (yr_half > horizon)
        yr_half = np.where(hit, yr, yr_half)
    return yr_mmag, yr_half


def simulate(params, horizon: int = 100, period_years: int = 10, n_periods: int = 8,
             trajectories: bool = False) -> dict[str, np.ndarray]:
    """Run all cells of a `StandParams`. Returns `seq_decadal` (n, n_periods), `co2_max`,
    `co2_final`, `co2thin_final`, `yr_mmag`, `yr_half` (horizon + 1 if none) and, with
    `trajectories`, the seven (n, H+1) arrays."""
    p = params
    B, r1, r2, share = p.B, p.R1, p.R2, p.thin_share
    n = B.shape[0]
    E = np.exp(-LN99 / (0.5 * B / p.G))
    cfc = p.Cf * CO2_PER_C
    keep = 1.0 - p.rfire
    fitted = r2 > 0.0
    ie, ee = p.yr_i_end, p.yr_e_end
    fv, mi, oi = p.fv_interval, p.mature_interval, p.old_interval
    yr_mmag, yr_half = growth_phases(B, p.G, horizon)

    traj = {}
    if trajectories:
        traj = {name: np.empty((n, horizon + 1)) for name in
                ("BT", "AT", "Th", "BG", "CO2", "CO2thin", "CO2seq")}

    u = np.full(n, 99.0)
    bt = B / 100.0
    bg = np.where(fitted, r1 * np.log1p(r2 * bt), r1 * bt)
    co2 = (bt + bg) * cfc
    co2_max = co2.copy()
    co2thin = np.zeros(n)
    th = np.zeros(n)
    if trajectories:
        for name, v in (("BT", bt), ("AT", bt), ("Th", th), ("BG", bg), ("CO2", co2),
                        ("CO2thin", co2thin), ("CO2seq", co2 * keep)):
            traj[name][:, 0] = v
    last_fv = np.full(n, -1, dtype=np.int64)
    last_mt = np.full(n, -1, dtype=np.int64)
    last_thin = np.full(n, -1, dtype=np.int64)
    seq_decadal = np.zeros((n, n_periods))
    acc = np.zeros(n)

    for yr in range(1, horizon + 1):
        # growth: the reference curve one year on from where the stand stood before thinning
        u *= E
        g = B / (1.0 + u)
        thinned = th > 0.0
        bt = g - th
        u = np.where(thinned, np.maximum(B / bt - 1.0, 0.0), u)

        # thinning decision (formulation §2.2), phase by phase
        late = yr > ie
        in_fv = late & (yr <= yr_mmag)
        in_mt = late & (yr > yr_mmag) & (yr <= yr_half)
        in_old = late & (yr > yr_half)
        thin = (yr == ie) & (yr > ee)
        thin_fv = in_fv & ((yr - ie) % fv == 0)
        base1 = np.where(last_fv >= 0, last_fv, ie)
        thin_mt = in_mt & ((yr - base1) % mi == 0)
        base2 = np.where(last_mt >= 0, last_mt, np.where(last_thin >= 0, last_thin, ie))
        thin_old = in_old & ((yr - base2) % oi == 0)
        thin = thin | thin_fv | thin_mt | thin_old
        last_fv = np.where(thin_fv, yr, last_fv)
        last_mt = np.where(thin_mt, yr, last_mt)
        last_thin = np.where(thin, yr, last_thin)

        th = np.where(thin, share * bt, 0.0)
        at = bt - th
        bg = np.where(fitted, r1 * np.log1p(r2 * bt) * (at / bt), r1 * at)
        co2 = (at + bg) * cfc
        co2thin += th * cfc
        np.maximum(co2_max, co2, out=co2_max)
        d = (yr - 1) // period_years
        if d < n_periods:
            acc += co2
            if yr % period_years == 0:
                seq_decadal[:, d] = acc * keep / period_years
                acc[:] = 0.0
        if trajectories:
            for name, v in (("BT", bt), ("AT", at), ("Th", th), ("BG", bg), ("CO2", co2),
                            ("CO2thin", co2thin), ("CO2seq", co2 * keep)):
                traj[name][:, yr] = v

    out = {"seq_decadal": seq_decadal, "co2_max": co2_max, "co2_final": co2,
           "co2thin_final": co2thin, "yr_mmag": yr_mmag, "yr_half": yr_half}
    out.update(traj)
    return out
