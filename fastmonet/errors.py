"""Errors raised for bad user input: the message names the file, field or option at fault."""

__all__ = ["InputError", "SolveError"]


class InputError(ValueError):
    """Bad input data, parameters, configuration or scenario.

    The message must say where (file / column / option / parameter) and what (the first
    offending row or cell index and its value), so a user can fix it without a traceback.
    """


class SolveError(RuntimeError):
    """The LP could not be solved as asked (infeasible, unbounded, time limit, rejected model)."""
