"""Plain-Python stand model, one cell at a time, written to read like formulation §2.1-2.5 and §2.8.

This is the yardstick the Numba kernel (`fastmonet.kernels.stand`) is tested against: explicit
reference curve, explicit inverse, explicit phase logic from MAG/MMAG, explicit modulo schedule.
It is slow on purpose (no vectorisation, no algebraic shortcuts).
"""

from __future__ import annotations

import math

import numpy as np

CO2_PER_C = 44.0 / 12.0


def fire_penalty(mfri: float, vdep: float, permanence: float = 100.0) -> float:
    """Rfire = VDep (1 - mFRI/P) if mFRI <= P else 0 (formulation §2.5, Eq. 26)."""
    if mfri <= permanence:
        return vdep * (1.0 - mfri / permanence)
    return 0.0


class ReferenceCurve:
    """Bref(yr) = B / (1 + exp(-k (yr - x0))) with T = B/G, x0 = T/2, k = ln(99)/x0 (formulation
    §2.1)."""

    def __init__(self, B: float, G: float):
        self.B = B
        self.T = B / G
        self.x0 = self.T / 2.0
        self.k = math.log(99.0) / self.x0

    def __call__(self, yr: float) -> float:
        return self.B / (1.0 + math.exp(-self.k * (yr - self.x0)))

    def inverse(self, b: float) -> float:
        """Bref^-1(b) = x0 - ln(B/b - 1)/k, for 0 < b < B."""
        return self.x0 - math.log(self.B / b - 1.0) / self.k


def growth_phases(curve: ReferenceCurve, horizon: int) -> tuple[float, int, float]:
    """MMAG, yr_mmag and yr_half of the reference curve (formulation §2.2).

    MAG(yr) = (Bref(yr) - Bref(0)) / yr; yr_mmag is the first age of its maximum over 1..H;
    yr_half the first age after yr_mmag with MAG <= MMAG/2 (math.inf if none within H).
    """
    mag = {yr: (curve(yr) - curve(0)) / yr for yr in range(1, horizon + 1)}
    mmag = max(mag.values())
    yr_mmag = min(yr for yr, v in mag.items() if v == mmag)
    yr_half: float = math.inf
    for yr in range(yr_mmag + 1, horizon + 1):
        if mag[yr] <= mmag / 2.0:
            yr_half = yr
            break
    return mmag, yr_mmag, yr_half


def thinning_years(yr_mmag: int, yr_half: float, horizon: int, yr_e_end: int = 5,
                   yr_i_end: int = 15, fv_interval: int = 5, mature_interval: int = 10,
                   old_interval: int = 15) -> list[int]:
    """Ages with a thinning, walking the phases of formulation §2.2 year by year."""
    years = []
    last_thin = None  # last thinning of any phase
    last_fv = None  # last full-vigour thinning
    last_mt = None  # last mature thinning
    for yr in range(1, horizon + 1):
        if yr <= yr_e_end:  # establishment
            thin = False
        elif yr <= yr_i_end:  # initial: the first thinning, at its last year
            thin = yr == yr_i_end
        elif yr <= yr_mmag:  # full vigour: MAG still rising to MMAG
            thin = (yr - yr_i_end) % fv_interval == 0
            if thin:
                last_fv = yr
        elif yr <= yr_half:  # mature: MAG falling, still above MMAG/2
            base = last_fv if last_fv is not None else yr_i_end
            thin = (yr - base) % mature_interval == 0
            if thin:
                last_mt = yr
        else:  # old growth
            if last_mt is not None:
                base = last_mt
            elif last_thin is not None:
                base = last_thin
            else:
                base = yr_i_end
            thin = (yr - base) % old_interval == 0
        if thin:
            years.append(yr)
            last_thin = yr
    return years


def simulate_cell(B: float, G: float, R1: float, R2: float, Cf: float, rfire: float,
                  thin_share: float = 0.1, yr_e_end: int = 5, yr_i_end: int = 15,
                  fv_interval: int = 5, mature_interval: int = 10, old_interval: int = 15,
                  horizon: int = 100) -> dict[str, np.ndarray | float]:
    """Annual trajectories by age 0..H of one stand (formulation §2.3-2.5): BT, AT, Th, BG, CO2,
    CO2thin, CO2seq (arrays), plus the phase markers yr_mmag and yr_half (numbers)."""
    curve = ReferenceCurve(B, G)
    _, yr_mmag, yr_half = growth_phases(curve, horizon)
    thin_at = set(thinning_years(yr_mmag, yr_half, horizon, yr_e_end, yr_i_end, fv_interval,
                                 mature_interval, old_interval))
    n = horizon + 1
    BT = [0.0] * n
    AT = [0.0] * n
    Th = [0.0] * n
    BG = [0.0] * n
    CO2 = [0.0] * n
    CO2thin = [0.0] * n
    CO2seq = [0.0] * n
    for yr in range(0, n):
        if yr <= yr_i_end:
            BT[yr] = curve(yr)
        else:
            b = BT[yr - 1]
            if b >= B:
                growth = 0.0
            else:
                y1 = curve.inverse(b)  # Eq. 16: the inverse is taken before thinning
                growth = curve(y1 + 1.0) - curve(y1)
            BT[yr] = AT[yr - 1] + growth
        Th[yr] = thin_share * BT[yr] if yr in thin_at else 0.0
        AT[yr] = BT[yr] - Th[yr]
        if R2 != 0.0:
            # ln(R2 BT + 1), evaluated with log1p so that small R2 BT keeps full precision
            rrs = R1 * math.log1p(R2 * BT[yr]) / BT[yr]
        else:
            rrs = R1
        BG[yr] = AT[yr] * rrs
        CO2[yr] = (AT[yr] + BG[yr]) * Cf * CO2_PER_C
        CO2thin[yr] = (CO2thin[yr - 1] if yr > 0 else 0.0) + Th[yr] * Cf * CO2_PER_C
        CO2seq[yr] = CO2[yr] * (1.0 - rfire)
    out: dict[str, np.ndarray | float] = {
        name: np.array(v) for name, v in
        (("BT", BT), ("AT", AT), ("Th", Th), ("BG", BG), ("CO2", CO2), ("CO2thin", CO2thin),
         ("CO2seq", CO2seq))}
    out["yr_mmag"] = yr_mmag
    out["yr_half"] = yr_half
    return out


def vintage_coefficients(stock: np.ndarray, flows: np.ndarray | None = None,
                         factors: np.ndarray | None = None, first_year: int = 2020,
                         period_years: int = 10, n_periods: int = 8) -> np.ndarray:
    """Formulation §2.8 and §9.1, literally: for each cell c, vintage a and reporting year t,

        coef = mean over the planting years y of a of
               stock[c, t-y] - sum_{age=1}^{t-y} sum_k flows[c,k,age] factors[k, y+age-1-first_year]

    with a zero term where t - y <= 0."""
    stock = np.asarray(stock, dtype=float)
    n_cells = stock.shape[0]
    if flows is None:                        # the stock alone: no flow term (K = 0)
        flows, factors = np.zeros((n_cells, 0, 1)), np.zeros((0, 1))
    assert factors is not None, "flows need their factors"
    K = flows.shape[1]
    coef = np.zeros((n_cells, n_periods, n_periods))
    for c in range(n_cells):
        for a in range(n_periods):
            start = first_year + a * period_years
            for j in range(n_periods):
                t = first_year + (j + 1) * period_years
                total = 0.0
                for y in range(start, start + period_years):
                    age = t - y
                    if age <= 0:
                        continue
                    emitted = 0.0
                    for yr in range(1, age + 1):
                        for k in range(K):
                            emitted += flows[c, k, yr] * factors[k, y + yr - 1 - first_year]
                    total += stock[c, age] - emitted
                coef[c, a, j] = total / period_years
    return coef
