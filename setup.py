"""The package list, found rather than written by hand (a hand-written list once missed
`fastmonet.blocs`, and a wheel without it failed on import).  Everything else is declared in
pyproject.toml.

Every package under `fastmonet/` is found; `kernels/` (the Numba kernels, pure functions kept
apart from the package) and `data/` (the bundled dataset) install inside it as
`fastmonet.kernels` and `fastmonet.bundled_data`, mapped in pyproject.toml's `package-dir`.
"""

from setuptools import find_packages, setup

MAPPED = {"kernels": "fastmonet.kernels", "data": "fastmonet.bundled_data"}


def _packages() -> list[str]:
    found = find_packages(include=["fastmonet", "fastmonet.*"])
    for folder, name in MAPPED.items():
        found += [name + p[len(folder):] for p in find_packages(include=[folder, folder + ".*"])]
    return sorted(found)


setup(packages=_packages())
