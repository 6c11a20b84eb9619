"""asv benchmarks of the LP stage on the bundled data: build and hand-over (passModel) of the
COOPERATION and ISOLATION models, their solves, and peak memory (see compare.py for the side by
side with linopy and highspy, lp_build_solve.py for a one-shot JSON report)."""

from __future__ import annotations


class LPBundled:
    timeout = 600
    params = ["cooperation", "isolation"]
    param_names = ["scenario"]
    # One solve is seconds: a few samples are enough.
    number = 1
    repeat = (1, 5, 60.0)

    def setup(self, scenario):
        from fastmonet import lp, scenarios
        from fastmonet.api import load_coefficients
        self.coeffs = load_coefficients()
        self.sc = scenarios.make(scenario)
        self.model = lp.build(self.coeffs, self.sc)

    def time_build(self, scenario):
        from fastmonet import lp
        lp.build(self.coeffs, self.sc)

    def time_pass(self, scenario):
        import highspy

        from fastmonet import solver
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        solver.pass_model(h, self.model, self.model.cost, self.model.col_upper, "bench")

    def time_solve(self, scenario):
        from fastmonet import solver
        solver.solve_model(self.model)

    def peakmem_build(self, scenario):
        from fastmonet import lp
        lp.build(self.coeffs, self.sc)

    def peakmem_solve(self, scenario):
        from fastmonet import solver
        solver.solve_model(self.model)

    def track_columns(self, scenario):
        return self.model.n_col

    def track_nonzeros(self, scenario):
        return self.model.nnz
