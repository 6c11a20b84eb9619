"""solver.csv (`fastmonet run`, `fastmonet solve --solver-csv`): what its columns count."""

from fastmonet import summary_table as st


def test_simplex_iterations_count_every_stage_and_sifting_round():
    # As `fastmonet run --all` stored them for switch_2090-p3-medium: the last HiGHS call of the
    # cost stage needed no iteration (solver.csv said 0), the solve as a whole 3,104.
    stats = {"simplex_iterations": 0, "simplex_iterations_total": 3104, "sifting": True}
    row = dict(zip(st.SOLVER_COLUMNS, st.solver_row("s", stats)))
    assert row["simplex_iterations"] == 3104


def test_simplex_iterations_without_a_total_stay_what_the_solver_gave():
    row = dict(zip(st.SOLVER_COLUMNS, st.solver_row("s", {"simplex_iterations": 12})))
    assert row["simplex_iterations"] == 12
