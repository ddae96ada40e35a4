"""The reads pages and packs run, one module per subject over one SQL helper
(:mod:`lakehouse.sql`): :mod:`~lakehouse.reads.base` (the filters as SQL, what is loaded,
the round), :mod:`~lakehouse.reads.schools`, :mod:`~lakehouse.reads.returns`,
:mod:`~lakehouse.reads.grades`, :mod:`~lakehouse.reads.triage` and
:mod:`~lakehouse.reads.casework`.
"""

from lakehouse.reads import base, casework, grades, returns, schools, triage

__all__ = ["base", "casework", "grades", "returns", "schools", "triage"]
