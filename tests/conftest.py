"""Test-wide settings and the coefficient Datasets several test files share.

Under CI (the `CI` environment variable, set by `.ci/run`'s runner) hypothesis draws the same
examples every run, so a red build always points at a change, never at a newly drawn example;
locally it explores afresh each run. `HYPOTHESIS_PROFILE=ci` forces the CI behaviour.
"""

import os

import pytest
from hypothesis import settings

from fastmonet import synthetic

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# Module-scoped, as each file had them: every test file gets its own copy, so a file that
# changed one could not change another's.
@pytest.fixture(scope="module")
def small_coeffs():
    """4 subregions in 2 regions, half the chains kept, 1.5 GtCO2 of target per subregion (met),
    some BECCS chains with a negative cost: an LP that solves in milliseconds (stores, metrics)."""
    return synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, seed=21, chain_keep=0.5,
                              target_gt_per_subregion=1.5, nonneg_cost=False)


@pytest.fixture(scope="module")
def shortfall_coeffs():
    """Targets beyond what the regions can remove (15 GtCO2 per subregion): every scenario has
    a shortfall."""
    return synthetic.instance(n_subregions=4, n_regions=2, n_ecozones=2, seed=5, chain_keep=0.35,
                              target_gt_per_subregion=15.0)
