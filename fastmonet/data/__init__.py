"""The bundled dataset: `load()` returns the validated inputs Dataset (formulation §9.2), `check()`
validates a data folder and summarises it.  Schema: `fastmonet.data.schema`; provenance of every
field: `data/SOURCES.md`."""

from fastmonet.data.loader import DEFAULT_PATH, load
from fastmonet.data.summary import DataSummary, check

__all__ = ["DEFAULT_PATH", "DataSummary", "check", "load"]
