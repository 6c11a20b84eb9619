"""Numba-compiled kernels: pure functions on contiguous arrays (no I/O, no pandas).

Installed as ``fastmonet.kernels``.
"""
