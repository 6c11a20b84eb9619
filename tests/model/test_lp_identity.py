"""The LP's arrays and optimum are byte-identical to the build before the model layer was split
into `fastmonet.lp` (issue 22 requires the restructuring to leave CSC arrays, optima and stored
results byte-identical).

The sha256 digests below were recorded from main at a3d4e18, before any of the split, by this
file's `digest` (every CSC array, cost, bound, the overlap merge and the index's blocks). Pinning
the hash of a build is legitimate here, and only here: the requirement is byte identity, and any
change of order, dtype or rounding in the build must show up as a failure. A deliberate change to
the LP (a new row family, another column order) updates these digests in the same commit, with
the reason in its message.
"""

import hashlib

import numpy as np
import pytest

from fastmonet import lp, scenarios, solver, synthetic

SYNTHETIC = dict(n_subregions=6, n_regions=3, seed=7)

#: policy: (columns, rows, non-zeros, digest, cost M US$, shortfall MtCO2) on SYNTHETIC.
SYNTHETIC_DIGESTS = {
    "cooperation": (2406, 288, 9869,
                   "e4ff0b889a989c6af198274d1a42bd0bc3a3e033b1c0dc1d3be20ec79f8eddfd",
                   221434.15268191884, 0.0),
    "isolation": (1086, 304, 4541,
                 "16c209d0da710dd9df98c3865886e4521b2980eee66ad964f4d04c757ddb7a29",
                 282749.6781620808, 3367.9027837108897),
    "current_policy": (2422, 304, 9885,
                      "303972f67a21a5bddf9bd1020ec1192d5da73ece1af2fa19984435a5fc3fb0ea",
                      302932.22676185775, 3253.1991716907164),
    "switch_2050": (1911, 294, 7871,
                   "4dbf9203a612e6911c7360b6f4dee7b7f961a95b93796672b105d6c667ca9468",
                   228541.23422263615, 0.0),
}

#: policy: (columns, rows, non-zeros, digest) on the bundled P3 / medium-storage coefficients.
BUNDLED_DIGESTS = {
    "cooperation": (551748, 8107, 2226663,
                   "564361fb855ed61dc5cacf553e8deeb7532f69fd95eebf4ad0413067042de05d"),
    "isolation": (148784, 7480, 611981,
                 "8e19712a141a27dbbf74ad51a1c716d721ba463af6c75492ace4991c8377aad0"),
    "current_policy": (551780, 8139, 2226695,
                      "5de9c5d04abc228f9ccf2a48dba7bc3bc82a16b01fbee6fcca9ef168ec5b888f"),
    "switch_2050": (400881, 7875, 1622829,
                   "3728cb0b1b147be030c5f7696de495b3077a6b3c382cd80594bcc10e036dfb4f"),
}


def digest(m) -> str:
    """sha256 over every array HiGHS is handed, the overlap merge, and the index's blocks."""
    h = hashlib.sha256()

    def put(a):
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())

    for a in (m.a_start, m.a_index, m.a_value, m.cost, m.shortfall_cost, m.col_lower,
              m.col_upper, m.row_lower, m.row_upper, m.merged_chains, m.warm_columns):
        put(a)
    for blocks in (m.index.columns, m.index.rows):
        for b in blocks.values():
            h.update(f"{b.name}{b.start}{b.stop}{b.dims}{b.scale}{b.units}{b.meaning}".encode())
            for d in sorted(b.coords):
                h.update(d.encode())
                put(b.coords[d])
    h.update(repr(m.index.labels).encode())
    return h.hexdigest()


@pytest.mark.parametrize("policy", sorted(SYNTHETIC_DIGESTS))
def test_synthetic_lp_and_optimum_are_unchanged(policy):
    n_col, n_row, nnz, want, cost, shortfall = SYNTHETIC_DIGESTS[policy]
    m = lp.build(synthetic.instance(**SYNTHETIC), scenarios.make(policy))
    assert (m.n_col, m.n_row, m.nnz) == (n_col, n_row, nnz)
    assert digest(m) == want
    sol = solver.solve_model(m)
    # Same arrays, same HiGHS: the same optimum (to HiGHS's own reproducibility, and to the
    # reduced costs below solver.FACE_TOL the tie-break may spend: the costs recorded predate it).
    assert sol.cost == pytest.approx(cost, rel=1e-11)
    assert sol.shortfall == pytest.approx(shortfall, rel=1e-12, abs=1e-9)


@pytest.mark.slow
def test_bundled_lp_is_unchanged():
    from fastmonet import api
    coeffs = api.load_coefficients()
    for policy, (n_col, n_row, nnz, want) in BUNDLED_DIGESTS.items():
        m = lp.build(coeffs, scenarios.make(policy))
        assert (m.n_col, m.n_row, m.nnz) == (n_col, n_row, nnz), policy
        assert digest(m) == want, policy
