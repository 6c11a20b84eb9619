"""The report's trading-bloc figures: the linkage-gain matrix and the join-order path.

Both are drawn from the rows of `fastmonet.workflows.linkage` (region_a, region_b, metric, value,
unit), the same rows `fastmonet linkage --csv` prints and `fastmonet run` writes to linkage.csv.
"""

from __future__ import annotations

import numpy as np

from fastmonet.report.figures import Figure, plt

MATRIX = (("world_cost_change", "world cost\nchange (bn US$)", 1e-3),
          ("shortfall_change", "shortfall\nchange (GtCO2)", 1.0),
          ("cnc_change_a", "CNC change,\nfirst (US$/t)", 1.0),
          ("cnc_change_b", "CNC change,\nsecond (US$/t)", 1.0))


def _by_pair(rows, metrics) -> dict:
    out: dict = {}
    for a, b, metric, value, _unit in rows:
        if metric in metrics:
            out.setdefault((a, b), {})[metric] = value
    return out


def gain_matrix(rows) -> Figure | None:
    """Heat map of what each linked pair gains over ISOLATION (one column per metric, each on its own
    symmetric scale); None when the rows hold no pair."""
    pairs = _by_pair(rows, {m for m, _, _ in MATRIX})
    if not pairs:
        return None
    labels = [f"{a}+{b}" for a, b in pairs]
    vals = np.array([[pairs[p].get(m, np.nan) * s for m, _, s in MATRIX] for p in pairs])
    # Colour each column on its own symmetric scale: green is a gain (a fall), red a loss.
    scale = np.nanmax(np.abs(vals), axis=0)
    scale[~(scale > 0)] = 1.0
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(labels) + 1.6))
    ax.imshow(vals / scale, cmap="RdYlGn_r", vmin=-1, vmax=1, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            ax.text(j, i, f"{vals[i, j]:.1f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(MATRIX)), [t for _, t, _ in MATRIX], fontsize=8)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("change against ISOLATION")
    ax.set_ylabel("linked pair (others isolated)")
    fig.tight_layout()
    return Figure("linkage_matrix", "Gains from linking two regions",
                  "Each row links two regions into one bloc (targets pooled, credits and biomass "
                  "traded between them, the rest isolated); values are changes against ISOLATION, "
                  "green a gain.", fig)


def join_path(rows) -> Figure | None:
    """World cost and shortfall along the greedy join path; None when the rows hold no join path."""
    steps = [(a, b, v) for a, b, m, v, _ in rows if m == "join_world_cost"]
    short = [v for a, b, m, v, _ in rows if m == "join_shortfall"]
    if not steps:
        return None
    labels = [f"{a}+{b}" if i == 0 else f"+{b}" for i, (a, b, _) in enumerate(steps)]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    x = np.arange(len(steps))
    ax.plot(x, [v / 1e3 for _, _, v in steps], "o-", color="#1f77b4")
    ax.set_xticks(x, labels)
    ax.set_xlabel("region joining the bloc (greedy order)")
    ax.set_ylabel("world cost by 2100 (bn US$)")
    ax2 = ax.twinx()
    ax2.bar(x, short, alpha=0.3, color="#d62728", width=0.4)
    ax2.set_ylabel("world shortfall by 2100 (GtCO2)")
    fig.tight_layout()
    return Figure("linkage_path", "Cheapest order of joining",
                  "From the best pair, the region whose joining gives the lowest shortfall, then "
                  "cost, joins next; the last step is full cooperation.", fig)


def figures(rows) -> list[Figure]:
    """The linkage figures the rows allow (gain matrix, join path), for the run report."""
    return [f for f in (gain_matrix(rows), join_path(rows)) if f is not None]
