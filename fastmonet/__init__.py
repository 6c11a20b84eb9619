"""fastmonet: least-cost CO2 removal (AR, BECCS, DACCS) for the Paris 1.5 C targets."""

from importlib import metadata as _metadata

try:  # one source of truth: the installed package's metadata (pyproject.toml)
    __version__ = _metadata.version("fastmonet")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


# The Python API, loaded on first use: `import fastmonet` stays cheap (the API pulls in xarray,
# HiGHS, Numba, ...).  Each name: (module, attribute).
_API = {
    "solve": ("fastmonet.api", "solve"),
    "solve_coefficients": ("fastmonet.api", "solve_coefficients"),
    "solve_many": ("fastmonet.api", "solve_many"),
    "Results": ("fastmonet.results", "Results"),
    "Scenario": ("fastmonet.scenarios", "Scenario"),
}
# The subpackages and modules a user reaches from the front (`fastmonet.data.load()`, ...).
_SUBMODULES = ("blocs", "coefficients", "data", "ensemble", "store", "uncertainty", "synthetic",
               "warm_start")

__all__ = ["__version__", *_API, *_SUBMODULES]


def __getattr__(name):
    if name in _API:
        import importlib
        module, attribute = _API[name]
        return getattr(importlib.import_module(module), attribute)
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"fastmonet.{name}")
    raise AttributeError(f"module 'fastmonet' has no attribute {name!r}")


def __dir__():
    # Tab completion shows the lazy API beside what is loaded.
    return sorted(set(globals()) | set(__all__))
