"""Location of the bundled dataset (`data/` in the repository, `fastmonet.bundled_data` installed).

One place resolves it, so an editable install, a wheel and a checkout all find the same files.
"""

from __future__ import annotations

from pathlib import Path

import fastmonet.bundled_data as _bundled_data

DATA_DIR: Path = Path(_bundled_data.__file__).resolve().parent
