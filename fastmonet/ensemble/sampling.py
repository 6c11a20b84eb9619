"""Seeded samples of the unit hypercube, mapped to parameter values by the ranges.

    u, info = unit_sample(d, n, sampler="lhs", seed=1)      # (n_members, d) in [0, 1]

- ``sobol``: Saltelli's extension of a scrambled Sobol' sequence (SALib), the design
  ``SALib.analyze.sobol`` needs for first-order and total indices. Second-order indices are
  not drawn for (``calc_second_order=False``): the design has ``N (d + 2)`` members for a base
  size ``N`` instead of ``N (2 d + 2)``. ``n`` is the most members the run may have, so
  ``N = n // (d + 2)`` (at least 1) and the run has ``N (d + 2)`` members. The store records
  ``saltelli_second_order`` so the report analyses any store with the design it was drawn with.
- ``lhs``: a scrambled Latin hypercube (``scipy.stats.qmc.LatinHypercube``).
- ``random``: independent uniform draws (``numpy.random.default_rng``).

The same (sampler, n, d, seed) always gives the same array: that is what makes a rerun of the
same command resume the same members.

Correlated entries (``group`` in the ranges file) are one sampled dimension for every sampler:
``ranges_sample`` draws the ranges' sampled columns (``Ranges.sample_dimension_names``, d' <= d)
and gives every entry of a group its group's column, so grouped entries move together and the
Saltelli design (and its Sobol indices) is over the d' sampled columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastmonet.errors import InputError

SAMPLERS = ("sobol", "lhs", "random")
#: The report gives first-order and total indices only: no second-order (S2) rows in the design.
SECOND_ORDER = False


@dataclass(frozen=True)
class SampleInfo:
    sampler: str
    seed: int
    n_requested: int
    n_members: int
    base_n: int | None = None          # Saltelli base size N (sobol only)
    second_order: bool = False         # Saltelli design with second-order terms


def saltelli_size(d: int, base_n: int, second_order: bool = SECOND_ORDER) -> int:
    """Members of a Saltelli design of base size `base_n` over `d` dimensions: N (d + 2), or
    N (2 d + 2) with second-order indices."""
    return base_n * (2 * d + 2 if second_order else d + 2)


def unit_sample(d: int, n: int, sampler: str = "sobol", seed: int = 0,
                names: list[str] | None = None) -> tuple[np.ndarray, SampleInfo]:
    """(n_members, d) samples of [0, 1]^d and what was drawn."""
    if sampler not in SAMPLERS:
        raise InputError(f"--sampler: unknown sampler {sampler!r}; expected one of {', '.join(SAMPLERS)}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"--n: the number of members must be a whole number >= 1, got {n!r}")
    if d < 1:
        raise InputError("ranges: no parameter to sample (the ranges file has no dimension)")
    seed = int(seed)
    if sampler == "sobol":
        per = saltelli_size(d, 1, SECOND_ORDER)
        if n < per:
            raise InputError(f"--n {n}: the sobol (Saltelli) design over {d} parameters needs at "
                             f"least d+2 = {per} members; raise --n or use --sampler lhs")
        base = n // per
        from SALib.sample import sobol as salib_sobol
        names = names or [f"x{i}" for i in range(d)]
        problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
        import warnings
        with warnings.catch_warnings():
            # SALib warns when N is not a power of two (balance of the Sobol' sequence); the
            # run size is the user's choice, and the indices stay valid.
            warnings.simplefilter("ignore", UserWarning)
            u = salib_sobol.sample(problem, base, calc_second_order=SECOND_ORDER, scramble=True, seed=seed)
        info = SampleInfo(sampler, seed, int(n), int(u.shape[0]), base_n=base, second_order=SECOND_ORDER)
    elif sampler == "lhs":
        from scipy.stats import qmc
        u = qmc.LatinHypercube(d, scramble=True, rng=np.random.default_rng(seed)).random(n)
        info = SampleInfo(sampler, seed, int(n), int(n))
    else:
        u = np.random.default_rng(seed).random((n, d))
        info = SampleInfo(sampler, seed, int(n), int(n))
    u = np.ascontiguousarray(np.clip(u, 0.0, 1.0), dtype=np.float64)
    return u, info


def ranges_sample(ranges, n: int, sampler: str = "sobol", seed: int = 0) -> tuple[np.ndarray, SampleInfo]:
    """(n_members, d) unit samples over the ranges' dimensions, drawn over its sampled columns
    (groups share one) and expanded: what `Ranges.ppf` / `values_table` take."""
    names = ranges.sample_dimension_names()
    u, info = unit_sample(len(names), n, sampler, seed, names=names)
    return ranges.expand(u), info


def values_table(ranges, u: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """The draws (one dict per member, what ``uncertainty.apply`` takes) and their numeric
    table (n, d): a value, or for a discrete parameter the index of its case."""
    draws = ranges.draws(u)
    return draws, numeric_table(ranges, draws)


def numeric_table(ranges, draws: list[dict]) -> np.ndarray:
    """The draws as a (members, dimensions) float array for sensitivity analysis: a discrete
    parameter as the index of its case, a missing entry at its central value."""
    names = ranges.dimension_names()
    params = [p for p, _ in ranges.dimensions()]
    out = np.empty((len(draws), len(names)))
    for i, draw in enumerate(draws):
        for j, (name, p) in enumerate(zip(names, params)):
            v = draw.get(name, p.central)
            out[i, j] = _case_index(p, v) if p.is_discrete else float(v)
    return out


def _case_index(p, v) -> float:
    for k, c in enumerate(p.cases):
        if (str(c) == str(v)) if isinstance(c, str) or isinstance(v, str) else float(c) == float(v):
            return float(k)
    raise InputError(f"draw: parameter {p.name!r}: {v!r} is not one of the cases {list(p.cases)}")
