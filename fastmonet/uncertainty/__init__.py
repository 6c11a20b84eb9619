"""Uncertainty ranges of the inputs (`data/uncertainty.toml`) and how a draw applies.

    ranges = fastmonet.uncertainty.load()                 # validated Ranges
    ranges.dimension_names()                              # sampled columns, e.g. "mal[BRA]"
    draws = ranges.draws(u)                               # u: (n, d) unit-hypercube samples
    applied = fastmonet.uncertainty.apply(inputs, tech, draws[0], ranges)
    applied.inputs, applied.tech, applied.scenario(base), applied.forest_overrides

`ranges.py` holds the file format and validation, `fields.py` what may be targeted (and units),
`apply.py` how a draw changes inputs / technology / scenario, `forest.py` the stand overrides.
"""

from fastmonet.uncertainty.apply import Applied, apply
from fastmonet.uncertainty.forest import ForestOverrides
from fastmonet.uncertainty.ranges import DEFAULT_PATH, Parameter, Ranges, load

__all__ = ["DEFAULT_PATH", "Applied", "ForestOverrides", "Parameter", "Ranges", "apply", "load"]
