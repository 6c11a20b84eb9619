"""asv benchmarks of the coefficient stages on the bundled data (see coefficients_build.py for a
one-shot JSON report)."""

from __future__ import annotations


class Coefficients:
    timeout = 300

    def setup(self):
        from fastmonet import technology
        from fastmonet.coefficients import build
        from fastmonet.coefficients.beccs import chain_inputs
        from fastmonet.data import load
        from fastmonet.energy import EnergyTransition

        self.inputs = load()
        self.tech = technology.load()
        self.transition = EnergyTransition.from_inputs(self.inputs, self.tech)
        self.chains = chain_inputs(self.inputs, self.tech, self.transition)
        build(self.inputs, self.tech)          # compile / load the Numba caches outside the timing

    def time_build(self):
        from fastmonet.coefficients import build
        build(self.inputs, self.tech)

    def time_beccs_dense_kernel(self):
        from fastmonet.coefficients.beccs import dense_chains
        dense_chains(self.chains)

    def time_ar(self):
        from fastmonet.coefficients.ar import build_ar
        build_ar(self.inputs, self.tech, self.transition)

    def time_dac(self):
        from fastmonet.coefficients.dac import build_dac
        build_dac(self.inputs, self.tech, self.transition)

    def peakmem_build(self):
        from fastmonet.coefficients import build
        build(self.inputs, self.tech)
