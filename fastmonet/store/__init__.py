"""Trustworthy result and coefficient stores: provenance, checksums, locking, names.

Small pieces other writers reuse (see docs/architecture.md, "Contract: result stores"):

- `provenance`: what a stored object was made from (fastmonet / HiGHS versions, input-file hashes,
  scenario hash, times, platform) and the content key compared on resume.
- `checksums`: one checksum per stored array, recorded when written and checked when read.
- `lock`: one writer per store (an advisory lock on `STORE/.lock`).
- `names`: which group names are allowed.
"""

# The pieces are modules, imported on use (`from fastmonet.store import provenance`).
__all__ = ["checksums", "errors", "groups", "kinds", "lock", "names", "paths", "provenance"]
