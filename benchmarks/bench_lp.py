"""asv benchmarks of the LP stage on a mid-size synthetic instance (see lp_build_solve.py for
the full-size one-shot JSON report)."""

from __future__ import annotations


class LP:
    timeout = 600

    def setup(self):
        from fastmonet import lp, scenarios, synthetic
        # 40 subregions, every pair: about 115 k chains, a tenth of full size.
        self.ds = synthetic.instance(
            region_sizes={"BRA": 6, "CHN": 8, "EU": 8, "IND": 8, "USA": 10}, n_ecozones=15, seed=0,
            nonneg_cost=False, target_gt_per_subregion=1.5)
        self.coop = scenarios.make("cooperation")
        self.iso = scenarios.make("isolation")
        self.model = lp.build(self.ds, self.coop)

    def time_build_cooperation(self):
        from fastmonet import lp
        lp.build(self.ds, self.coop)

    def time_build_isolation(self):
        from fastmonet import lp
        lp.build(self.ds, self.iso)

    def time_pass_model(self):
        import highspy

        from fastmonet import solver
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        solver.pass_model(h, self.model, self.model.cost, self.model.col_upper, "bench")

    def time_solve_cooperation(self):
        from fastmonet import solver
        solver.solve_model(self.model)

    def time_metrics(self):
        from fastmonet.api import solve_coefficients
        solve_coefficients(self.ds, self.coop)

    def peakmem_build(self):
        from fastmonet import lp
        lp.build(self.ds, self.coop)
