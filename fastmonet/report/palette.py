"""One palette for every report: a colour per option and per scenario policy.

The run report (`fastmonet.report.figures`), the linkage figures and the ensemble report
(`fastmonet.ensemble.report`) draw with these, so AR is the same green and COOPERATION the same
blue wherever they appear.  Scenario colours follow the policy (a run's scenarios of one policy
but other cases - P4 targets, high storage - share the colour and differ by `linestyle` /
`hatch`); the SWITCH_Y family shades from COOPERATION's blue towards ISOLATION's red with Y.
"""

from __future__ import annotations

OPTION_COLOURS = {"ar": "#4c9a2a", "beccs": "#d98c1f", "daccs": "#6a5acd"}
TOTAL_COLOUR = "#333333"              # "all options" where a figure draws the total
OPTION_NAMES = {"ar": "AR", "beccs": "BECCS", "daccs": "DACCS", "all": "all options"}

POLICY_COLOURS = {"COOPERATION": "#1f77b4", "CURRENT_POLICY": "#7f7f7f",
                  "ISOLATION": "#d62728", "BLOCS": "#8c564b"}
# Other policies (user-defined) cycle through these.
_SPARE = ("#e377c2", "#17becf", "#bcbd22", "#2ca02c", "#ff7f0e")
LINESTYLES = ("-", "--", ":", "-.")
HATCHES = ("", "//", "..", "xx")
SHORTFALL_COLOUR = "#b00020"          # marks of a missed target, on every figure

_SWITCH_YEARS = (2020, 2100)


def option_colour(option: str) -> str:
    """The colour of a removal option in every figure (the total's colour for an unknown one)."""
    return OPTION_COLOURS.get(option, TOTAL_COLOUR)


def policy_colour(policy: str) -> str:
    """The colour of a policy label (COOPERATION, SWITCH_2050, ...; case-insensitive)."""
    p = str(policy).upper()
    if p in POLICY_COLOURS:
        return POLICY_COLOURS[p]
    if p.startswith("SWITCH_") and p[7:].isdigit():
        lo, hi = _SWITCH_YEARS
        f = min(max((int(p[7:]) - lo) / (hi - lo), 0.0), 1.0)
        return _blend(POLICY_COLOURS["COOPERATION"], POLICY_COLOURS["ISOLATION"], 0.15 + 0.7 * f)
    if p.startswith("BLOCS"):
        return POLICY_COLOURS["BLOCS"]
    return _SPARE[sum(map(ord, p)) % len(_SPARE)]


def scenario_styles(names, policies) -> dict[str, dict]:
    """{scenario: {"color", "linestyle", "hatch"}}: colour by policy, the k-th scenario of a
    policy in `names` order gets the k-th line style and hatch."""
    seen: dict[str, int] = {}
    out = {}
    for name, pol in zip(names, policies):
        k = seen.get(str(pol).upper(), 0)
        seen[str(pol).upper()] = k + 1
        out[str(name)] = {"color": policy_colour(pol), "linestyle": LINESTYLES[k % len(LINESTYLES)],
                          "hatch": HATCHES[k % len(HATCHES)]}
    return out


def _blend(a: str, b: str, f: float) -> str:
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(ca, cb))
