"""Plain per-cell, per-age AR operation flows (reference for ``kernels.operations``)."""

from __future__ import annotations


def flows_one(th_row, p, crf, capital_years):
    """Lists (fossil, const, cost) indexed by age 0..H for one cell.

    ``p`` is a dict of this cell's scalars (est_fossil, est_const, est_capital, annual_fossil,
    annual_cost, event_fossil, event_const, event_cost, thin_fossil, thin_cost).
    """
    h = len(th_row) - 1
    fossil, const, cost = [0.0], [0.0], [0.0]
    for age in range(1, h + 1):
        thinned = th_row[age]
        is_thin = thinned > 0
        fossil.append(p["annual_fossil"] + (p["est_fossil"] if age == 1 else 0.0)
                      + ((p["event_fossil"] + p["thin_fossil"] * thinned) if is_thin else 0.0))
        const.append((p["est_const"] if age == 1 else 0.0) + (p["event_const"] if is_thin else 0.0))
        cost.append(p["annual_cost"] + (crf * p["est_capital"] if age <= capital_years else 0.0)
                    + ((p["event_cost"] + p["thin_cost"] * thinned) if is_thin else 0.0))
    return fossil, const, cost


def emissions_to_age(fossil, const, fossil_share_by_year, plant_year, first_year, age):
    """Cumulative emission E(age) of a stand planted in ``plant_year`` (formulation §2.6), one age
    at a time."""
    total = 0.0
    for a in range(1, age + 1):
        total += fossil[a] * fossil_share_by_year[plant_year + a - 1 - first_year] + const[a]
    return total
