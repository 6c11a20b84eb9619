"""Test-wide settings.

Under CI (the `CI` environment variable, set by `.ci/run`'s runner) hypothesis draws the same
examples every run, so a red build always points at a change, never at a newly drawn example;
locally it explores afresh each run. `HYPOTHESIS_PROFILE=ci` forces the CI behaviour.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
