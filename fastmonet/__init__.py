"""fastmonet: least-cost CO2 removal (AR, BECCS, DACCS) for the Paris 1.5 C targets."""

from importlib import metadata as _metadata

try:  # one source of truth: the installed package's metadata (pyproject.toml)
    __version__ = _metadata.version("fastmonet")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name):
    # Lazy: `import fastmonet` stays cheap; `fastmonet.solve` pulls in xarray, HiGHS, ...
    if name in ("solve", "solve_coefficients", "solve_many", "Results", "Scenario"):
        from fastmonet import api, results, scenarios
        return {"solve": api.solve, "solve_coefficients": api.solve_coefficients,
                "solve_many": api.solve_many, "Results": results.Results,
                "Scenario": scenarios.Scenario}[name]
    raise AttributeError(f"module 'fastmonet' has no attribute {name!r}")
