"""Published figures of Appendix A (formulation §2.10) that need no operations data.

Each figure is checked on the plain reference implementation and on the Numba kernel.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from fastmonet import forest_tables as ft
from fastmonet.reference import stand as ref
from fastmonet.stand import StandParams, fire_penalty, simulate


def _pct(x: float) -> int:
    """Percentage rounded half up, as the paper's tables round (71.5 -> 72)."""
    return int(Decimal(f"{100.0 * float(x):.9f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP))


ROWS = ft.stand_rows()


def _run(impl: str, params: StandParams, horizon: int = 100) -> dict[str, np.ndarray]:
    """Trajectories (n_cells, H+1) from either implementation."""
    if impl == "kernel":
        res = simulate(params, horizon=horizon)
        return {k: getattr(res, k) for k in ("BT", "AT", "Th", "BG", "CO2", "CO2thin", "CO2seq")}
    cells = [ref.simulate_cell(params.B[i], params.G[i], params.R1[i], params.R2[i],
                               params.Cf[i], params.rfire[i], float(params.thin_share[i]),
                               horizon=horizon)
             for i in range(params.n_cells)]
    return {k: np.array([c[k] for c in cells]) for k in cells[0] if k not in ("yr_mmag", "yr_half")}


IMPLS = ["reference", "kernel"]


def test_growing_period_table2():
    """T = B/G of every stand, rounded, is the published growing period of Table 2."""
    tables = ft.load()
    params = StandParams.from_tables(tables=tables)
    for i, (zone, _) in enumerate(ROWS):
        T = ref.ReferenceCurve(params.B[i], params.G[i]).T
        assert int(Decimal(f"{T:.9f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP)) == \
            tables.growth.loc[zone, "growing_period"], zone


def test_reference_curve_definition():
    """Bref(0) = B/100, Bref(x0) = B/2, Bref(T) = 0.99 B; the inverse undoes it."""
    for B, G in ((300.0, 7.0), (15.0, 0.4), (140.0, 1.0)):
        c = ref.ReferenceCurve(B, G)
        assert c(0.0) == pytest.approx(B / 100.0, rel=1e-12)
        assert c(c.x0) == pytest.approx(B / 2.0, rel=1e-12)
        assert c(c.T) == pytest.approx(0.99 * B, rel=1e-12)
        for yr in (0.5, 7.0, 33.0):
            assert c.inverse(c(yr)) == pytest.approx(yr, rel=1e-9)


def test_table7_fire_coefficients():
    """1 - Rfire in % reproduces Table 7's last column for every zone (formulation §10.8)."""
    tables = ft.load()
    f = tables.fire
    vec = fire_penalty(f["mfri"].to_numpy(), f["vdep"].to_numpy())
    for i, zone in enumerate(ft.ZONES):
        scalar = ref.fire_penalty(f.loc[zone, "mfri"], f.loc[zone, "vdep"])
        assert vec[i] == pytest.approx(scalar, abs=1e-15)
        assert 0.0 <= vec[i] < 1.0
        assert _pct(1.0 - vec[i]) == f.loc[zone, "one_minus_rfire_pct"], zone


@pytest.mark.parametrize("impl", IMPLS)
def test_sequestration_potential_upper_end(impl):
    """The saturation stock without fire and without thinning (formulation §2.10: "about 709
    tCO2/ha") is largest in tropical rainforest, within 1% of 709. The stand is run for 2,000 years
    so that it saturates."""
    params = StandParams.from_tables(fire=False, thin_share=0.0)
    sat = _run(impl, params, horizon=2000)["CO2"][:, -1]
    top = int(np.argmax(sat))
    assert ROWS[top] == ("tropical_rainforest", "broadleaves")
    assert sat[top] == pytest.approx(709.0, rel=0.01)


@pytest.mark.parametrize("impl", IMPLS)
def test_sequestration_potential_lower_end(impl):
    """The smallest saturation stock is boreal tundra woodland (B = 15 tDM/ha), as the paper
    says. Its value follows Table 5's fit: B (1 + R1 ln(R2 B + 1)/B) Cf 44/12. The paper's
    "about 40" matches instead Table 4's IPCC ratio for that zone (0.39 below 75 tDM/ha):
    the fit gives a larger root share at 15 tDM/ha, so this end of the range is not
    reproduced (reported, not tuned)."""
    tables = ft.load()
    params = StandParams.from_tables(tables=tables, fire=False, thin_share=0.0)
    sat = _run(impl, params, horizon=2000)["CO2"][:, -1]
    low = int(np.argmin(sat))
    zone, ftype = ROWS[low]
    assert zone == "boreal_tundra_woodland"
    c = tables.cell(zone, ftype)
    B = c["B"]
    fitted = B * (1.0 + c["R1"] * np.log(c["R2"] * B + 1.0) / B) * c["Cf"] * 44.0 / 12.0
    assert sat[low] == pytest.approx(fitted, rel=1e-9)
    ipcc = tables.root_shoot_ipcc
    row = ipcc[(ipcc.zone == zone) & (ipcc.agb_min <= B) & (ipcc.agb_max > B)]
    published_reading = B * (1.0 + float(row["ratio"].iloc[0])) * c["Cf"] * 44.0 / 12.0
    assert published_reading == pytest.approx(40.0, rel=0.05)
    assert sat[low] > published_reading


@pytest.mark.parametrize("impl", IMPLS)
def test_fire_reduction_by_climate(impl):
    """Wildfire lowers the stock by 23-29% in subtropical zones, 35% in tropical ones and not
    at all in temperate and boreal ones (formulation §2.10), at every age."""
    params = StandParams.from_tables()
    out = _run(impl, params)
    cut = 1.0 - out["CO2seq"][:, 1:] / out["CO2"][:, 1:]
    by_climate: dict[str, list[float]] = {}
    for i, (zone, _) in enumerate(ROWS):
        assert np.ptp(cut[i]) < 1e-12  # a constant factor
        by_climate.setdefault(ft.zone_climate(zone), []).append(float(cut[i, -1]))
    assert {_pct(x) for x in by_climate["tropical"]} == {35}
    sub = [_pct(x) for x in by_climate["subtropical"]]
    assert min(sub) == 23 and max(sub) == 29
    assert max(by_climate["temperate"]) == 0.0 and max(by_climate["boreal"]) == 0.0


@pytest.mark.parametrize("impl", IMPLS)
def test_thinning_share_fig12(impl):
    """Fig. 12 shows tropical rainforest (Para), subtropical humid forest (Georgia), temperate
    oceanic broadleaves (UK) and boreal tundra woodland conifers (Finland); the text reads
    43-70% for the CO2 in thinnings over 100 years relative to the CO2 standing at year 100.
    Values read off a figure: one percentage point of tolerance on each end."""
    rows = [(z, f) for z, f, _ in ft.FIG12_EXAMPLES]
    params = StandParams.from_tables(rows=rows)
    out = _run(impl, params)
    share = out["CO2thin"][:, 100] / out["CO2"][:, 100]
    assert share.min() >= 0.43 - 0.01
    assert share.max() <= 0.70 + 0.01
    # the spread spans most of the published range (it is not one value fitting by chance)
    assert share.max() - share.min() >= 0.2


@pytest.mark.parametrize("impl", IMPLS)
def test_fig12_shapes(impl):
    """Fig. 12 / text: a delay of about 10-20 years before full vigour and saturation after
    about 40-80 years: the unmanaged reference curve of the four examples passes 10% of B
    between ages 5 and 25 and 90% of B between ages 25 and 90."""
    rows = [(z, f) for z, f, _ in ft.FIG12_EXAMPLES]
    params = StandParams.from_tables(rows=rows, thin_share=0.0)
    bt = _run(impl, params)["BT"]
    for i in range(len(rows)):
        frac = bt[i] / params.B[i]
        assert 5 <= np.argmax(frac >= 0.1) <= 25, rows[i]
        assert 25 <= np.argmax(frac >= 0.9) <= 90, rows[i]
