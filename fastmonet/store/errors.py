"""The error a damaged, busy or mismatched store raises (an `InputError`: the CLI prints one line)."""

from __future__ import annotations

from fastmonet.errors import InputError


class StoreError(InputError):
    """A store is damaged, locked by another writer, or holds results of other inputs.

    The message names the store, the group and (for damage) the variable.
    """
