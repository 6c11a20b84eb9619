"""Numba kernels of the AR stand model and of the decadal coefficients (formulation §2.1-2.5, §2.8).

Inputs are validated by `fastmonet.stand`; nothing here checks them. All arrays are contiguous
float64 (int64 for the thinning schedule), one entry per cell; `prange` runs over cells.

How the year loop avoids exp, log-of-the-inverse and modulo (formulation §2.3):

* Reference curve: Bref(yr) = B / (1 + z_yr) with z_yr = 99 E^yr and E = exp(-k), so one
  multiplication per year advances it.
* Managed growth: with u = B/BT(yr-1) - 1 (the "position" of the stand on the reference curve),
  Bref(Bref^-1(BT(yr-1)) + 1) = B / (1 + u E). After a year without thinning BT(yr) equals that
  value, hence the next u is just u E; only after a thinning is u recomputed (one division).
  Before the first thinning u = z_yr, so one recurrence covers every age.
* Thinning schedule: thinning ages only depend on the phase boundaries yr_mmag and yr_half of the
  reference curve, so they form at most three arithmetic progressions per cell (full vigour,
  mature, old growth) plus the first thinning. The loop keeps the next thinning age and
  recomputes it (a few integer operations) only at a thinning.
* MAG(yr) = (Bref(yr) - Bref(0))/yr is the slope of a chord from the start of a convex-concave
  curve, which rises then falls (one sign change of Bref' - MAG): MMAG and yr_half are found by
  short monotone walks from seeds proportional to T (see `growth_phases`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

CO2_PER_C = 44.0 / 12.0
LN99 = math.log(99.0)


# MAG(yr)/B * T depends on yr/T only (substitute yr = xi T in Bref), so the continuous maximiser
# of MAG and the continuous age where it has halved are fixed multiples of T. They only seed the
# integer searches below, which are exact whatever the seed; the values come from maximising
# s(xi) = (1/(1 + 99^(1 - 2 xi)) - 0.01)/xi and solving s(xi) = s_max/2 after it
# (tests/model/test_stand_kernel.py recomputes them).
XI_MMAG = 0.6824255623365434
XI_HALF = 1.6231192572550917


@njit(cache=True, inline="always")
def _mag(B, x0, k, b0, yr):
    """MAG(yr) = (Bref(yr) - Bref(0)) / yr, Bref written exactly as in the reference."""
    return (B / (1.0 + math.exp(-k * (yr - x0))) - b0) / yr


@njit(cache=True)
def growth_phases(B, G, horizon):
    """(yr_mmag, yr_half) of the reference curve; yr_half = horizon + 1 when MAG stays above
    MMAG/2 up to the horizon.

    MAG rises then falls (see the module docstring), so a hill climb from the seed XI_MMAG T
    finds its first maximum, and a walk from XI_HALF T finds the first age after it with
    MAG <= MMAG/2: a handful of evaluations instead of a scan of all ages.
    """
    x0 = 0.5 * B / G
    k = LN99 / x0
    b0 = B / (1.0 + math.exp(-k * (0.0 - x0)))
    T = B / G
    seed = XI_MMAG * T + 0.5
    y = 1
    if seed >= horizon:
        y = horizon
    elif seed >= 1.0:
        y = int(seed)
    m = _mag(B, x0, k, b0, y)
    while y < horizon:
        m2 = _mag(B, x0, k, b0, y + 1)
        if m2 > m:
            y += 1
            m = m2
        else:
            break
    while y > 1:
        m0 = _mag(B, x0, k, b0, y - 1)
        if m0 >= m:
            y -= 1
            m = m0
        else:
            break
    yr_mmag = y
    half = 0.5 * m
    if yr_mmag >= horizon:
        return yr_mmag, horizon + 1
    seed = XI_HALF * T + 0.5
    y = yr_mmag + 1
    if seed >= horizon:
        y = horizon
    elif seed > y:
        y = int(seed)
    if _mag(B, x0, k, b0, y) <= half:
        while y - 1 > yr_mmag and _mag(B, x0, k, b0, y - 1) <= half:
            y -= 1
        return yr_mmag, y
    y += 1
    while y <= horizon:
        if _mag(B, x0, k, b0, y) <= half:
            return yr_mmag, y
        y += 1
    return yr_mmag, horizon + 1


@njit(cache=True, inline="always")
def _ln1p(x):
    """ln(1 + x) for x >= 0: log(1 + x) loses at most 1.2e-16/x relative, below 1e-12 for
    x > 1e-4, and is about twice as fast as log1p; log1p covers small x."""
    if x > 1e-4:
        return math.log(1.0 + x)
    return math.log1p(x)


@njit(cache=True, inline="always")
def _first_after(p, lo, hi, base, step):
    """First element of {base + step j, j >= 1} in (max(p, lo), hi]; hi + 1 when none."""
    start = p if p > lo else lo
    if start < base:
        start = base
    cand = base + step * ((start - base) // step + 1)
    if cand > hi:
        return hi + 1
    return cand


@njit(cache=True, inline="always")
def _next_thinning(p, horizon, yr_i_end, yr_mmag, yr_half, fv, mi, oi, base1, base2):
    """Next thinning age after age p (horizon + 1 when none): the union of the full-vigour,
    mature and old-growth progressions of formulation §2.2."""
    best = horizon + 1
    hi = yr_mmag if yr_mmag < horizon else horizon
    c = _first_after(p, yr_i_end, hi, yr_i_end, fv)
    if c <= hi and c < best:
        best = c
    lo = yr_mmag if yr_mmag > yr_i_end else yr_i_end
    hi = yr_half if yr_half < horizon else horizon
    c = _first_after(p, lo, hi, base1, mi)
    if c <= hi and c < best:
        best = c
    lo = yr_half if yr_half > yr_i_end else yr_i_end
    c = _first_after(p, lo, horizon, base2, oi)
    if c <= horizon and c < best:
        best = c
    return best


@njit(cache=True, inline="always")
def thinning_bases(yr_e_end, yr_i_end, yr_mmag, yr_half, fv, mi):
    """(first, base1, base2): the age of the first thinning (0 if none), the base of the mature
    progression (last full-vigour thinning, else yr_i_end) and of the old-growth progression
    (last mature thinning, else base1)."""
    first = yr_i_end if yr_i_end > yr_e_end else 0
    base1 = yr_i_end
    if yr_mmag >= yr_i_end + fv:
        base1 = yr_i_end + fv * ((yr_mmag - yr_i_end) // fv)
    lo = yr_mmag if yr_mmag > yr_i_end else yr_i_end
    base2 = base1
    if yr_half > lo:
        last = base1 + mi * ((yr_half - base1) // mi)
        if last > lo:
            base2 = last
    return first, base1, base2


@njit(cache=True)
def _cell(c, B, G, R1, R2, Cf, rfire, thin_share, yr_e_end, yr_i_end, fv, mi, oi, horizon,
          period_years, n_periods, seq_decadal, summary, phases,
          BT_o, AT_o, Th_o, BG_o, CO2_o, CO2thin_o, CO2seq_o, write):
    b_max = B[c]
    x0 = 0.5 * b_max / G[c]
    E = math.exp(-LN99 / x0)
    r1 = R1[c]
    r2 = R2[c]
    cfc = Cf[c] * CO2_PER_C
    keep = 1.0 - rfire[c]
    share = thin_share[c]
    ie = yr_i_end[c]
    f_iv = fv[c]
    m_iv = mi[c]
    yr_mmag, yr_half = growth_phases(b_max, G[c], horizon)
    phases[c, 0] = yr_mmag
    phases[c, 1] = yr_half
    first, base1, base2 = thinning_bases(yr_e_end[c], ie, yr_mmag, yr_half, f_iv, m_iv)
    if first >= 1 and first <= horizon:
        next_thin = first
    else:
        next_thin = _next_thinning(ie, horizon, ie, yr_mmag, yr_half, f_iv, m_iv, oi[c],
                                   base1, base2)

    # age 0: the seedlings, Bref(0) = B/100
    u = 99.0
    bt = b_max / 100.0
    if r2 > 0.0:
        bg = r1 * _ln1p(r2 * bt)
    else:
        bg = r1 * bt
    co2 = (bt + bg) * cfc
    co2_max = co2
    co2thin = 0.0
    if write:
        BT_o[c, 0] = bt
        AT_o[c, 0] = bt
        Th_o[c, 0] = 0.0
        BG_o[c, 0] = bg
        CO2_o[c, 0] = co2
        CO2thin_o[c, 0] = 0.0
        CO2seq_o[c, 0] = co2 * keep
    th_prev = 0.0
    acc = 0.0
    in_period = 0
    period = 0
    inv_p = 1.0 / period_years
    for yr in range(1, horizon + 1):
        u *= E
        g = b_max / (1.0 + u)
        if th_prev > 0.0:
            bt = g - th_prev
            u = b_max / bt - 1.0
            if u < 0.0:
                u = 0.0
        else:
            bt = g
        if yr == next_thin:
            th = share * bt
            next_thin = _next_thinning(yr, horizon, ie, yr_mmag, yr_half, f_iv, m_iv, oi[c],
                                       base1, base2)
        else:
            th = 0.0
        at = bt - th
        if r2 > 0.0:
            bg = r1 * _ln1p(r2 * bt)
            if th > 0.0:
                bg *= at / bt
        else:
            bg = r1 * at
        co2 = (at + bg) * cfc
        co2thin += th * cfc
        if co2 > co2_max:
            co2_max = co2
        th_prev = th
        if period < n_periods:
            acc += co2
            in_period += 1
            if in_period == period_years:
                seq_decadal[c, period] = acc * keep * inv_p
                acc = 0.0
                in_period = 0
                period += 1
        if write:
            BT_o[c, yr] = bt
            AT_o[c, yr] = at
            Th_o[c, yr] = th
            BG_o[c, yr] = bg
            CO2_o[c, yr] = co2
            CO2thin_o[c, yr] = co2thin
            CO2seq_o[c, yr] = co2 * keep
    summary[c, 0] = co2_max
    summary[c, 1] = co2
    summary[c, 2] = co2thin


@njit(parallel=True, cache=True)
def stand_kernel(B, G, R1, R2, Cf, rfire, thin_share, yr_e_end, yr_i_end, fv, mi, oi, horizon,
                 period_years, n_periods, seq_decadal, summary, phases,
                 BT, AT, Th, BG, CO2, CO2thin, CO2seq, write):
    """Run every cell for ages 0..horizon.

    Always fills `seq_decadal[c, d]` (mean CO2seq over ages d*P+1 .. d*P+P, d < n_periods),
    `summary[c] = (max CO2 over ages 0..H, CO2(H), CO2thin(H))` and `phases[c] = (yr_mmag,
    yr_half)` (yr_half = H + 1: not within H). With `write`, also the seven (n_cells, H+1)
    trajectories; without it those arguments may be (0, 0) arrays and no per-year memory is
    touched.
    """
    for c in prange(B.shape[0]):
        _cell(c, B, G, R1, R2, Cf, rfire, thin_share, yr_e_end, yr_i_end, fv, mi, oi, horizon,
              period_years, n_periods, seq_decadal, summary, phases,
              BT, AT, Th, BG, CO2, CO2thin, CO2seq, write)


@njit(parallel=True, cache=True)
def expand_decadal(seq_decadal, n_vintages, n_years):
    """coef[c, a, j] = seq_decadal[c, j - a] for j >= a, else 0: for a stock with no flows, the
    coefficient of vintage a in reporting year j only depends on the age gap j - a (formulation
    §2.8)."""
    n = seq_decadal.shape[0]
    out = np.zeros((n, n_vintages, n_years))
    for c in prange(n):
        for a in range(n_vintages):
            for j in range(a, n_years):
                out[c, a, j] = seq_decadal[c, j - a]
    return out


@njit(parallel=True, cache=True)
def vintage_kernel(stock, flows, factors, period_years, n_periods):
    """`vintage_coefficients` (formulation §9.1) with calendar offsets relative to first_year.

    For planting year offset y (0 .. n_periods*P - 1) the cumulative flow emission to age m is
    built once, age by age, and read at the ages m = (j+1) P - y of the reporting years.
    """
    n = stock.shape[0]
    K = flows.shape[1]
    out = np.zeros((n, n_periods, n_periods))
    inv_p = 1.0 / period_years
    for c in prange(n):
        for a in range(n_periods):
            for i in range(period_years):
                y = a * period_years + i
                cum = 0.0
                age = 0
                for j in range(a, n_periods):
                    m = (j + 1) * period_years - y
                    while age < m:
                        age += 1
                        col = y + age - 1
                        for k in range(K):
                            cum += flows[c, k, age] * factors[k, col]
                    out[c, a, j] += (stock[c, m] - cum) * inv_p
    return out
