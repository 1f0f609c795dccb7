"""Finding IO pointers by name prefix, for autocomplete in the web app and the API."""

from __future__ import annotations

from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.store.codec import pointer_from
from mltrace_graph.store.connection import Database

# STARTS WITH is answered by the range index behind the name uniqueness constraint.
POINTERS_BY_PREFIX = """
MATCH (p:IOPointer)
WHERE p.name STARTS WITH $prefix AND ($flagged IS NULL OR coalesce(p.flag, false) = $flagged)
RETURN p {.*} AS pointer
ORDER BY p.name
LIMIT $limit
"""

POINTERS_BY_NAME = """
UNWIND $names AS wanted
MATCH (p:IOPointer {name: wanted})
RETURN p {.*} AS pointer
ORDER BY p.name
"""


def find_pointers(
    db: Database, prefix: str = "", flagged: bool | None = None, limit: int = 20
) -> list[IOPointer]:
    """Pointers whose name starts with ``prefix``, sorted by name, at most ``limit``."""
    rows = db.read(POINTERS_BY_PREFIX, prefix=prefix, flagged=flagged, limit=int(limit))
    return [pointer_from(row["pointer"]) for row in rows]


def get_pointers(db: Database, names: list[str]) -> list[IOPointer]:
    """Pointers by name in one round trip, sorted by name; unknown names are left out."""
    return [pointer_from(row["pointer"]) for row in db.read(POINTERS_BY_NAME, names=list(names))]
