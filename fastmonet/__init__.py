"""fastmonet: least-cost CO2 removal (AR, BECCS, DACCS) for the Paris 1.5 C targets."""

__version__ = "0.1.0"


def __getattr__(name):
    # Lazy: `import fastmonet` stays cheap; `fastmonet.solve` pulls in xarray, HiGHS, ...
    if name in ("solve", "solve_coefficients", "solve_many", "Results", "Scenario"):
        from fastmonet import api, results, scenarios
        return {"solve": api.solve, "solve_coefficients": api.solve_coefficients,
                "solve_many": api.solve_many, "Results": results.Results,
                "Scenario": scenarios.Scenario}[name]
    raise AttributeError(f"module 'fastmonet' has no attribute {name!r}")
