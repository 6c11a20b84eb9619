"""Plain, slow, obviously-correct implementations that the compiled kernels are tested against."""
