"""IO pointers: one by name (created on demand, as mltrace did), and prefix search."""

from __future__ import annotations

from typing import Any

from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.errors import NotFoundError
from mltrace_graph.service import arguments
from mltrace_graph.service.arguments import UNBOUNDED, Bounds
from mltrace_graph.store import history, pointers
from mltrace_graph.store.connection import Database


def pointer(db: Database, name: str, value: Any = None, create: bool = True) -> IOPointer:
    """A pointer by name; created with ``value`` when missing, unless ``create`` is false.

    Raises:
        NotFoundError: the pointer does not exist and ``create`` is false.
    """
    return history.io_pointer(db, arguments.name(name, "io_pointer_id"), value, create)


def find_pointer(db: Database, name: str) -> IOPointer | None:
    """A pointer by name, or ``None`` (a name that is not a valid name is not a pointer)."""
    try:
        return history.io_pointer(db, arguments.name(name, "name"), create=False)
    except (NotFoundError, ValueError):
        return None


def find_pointers(
    db: Database,
    prefix: str = "",
    flagged: bool | None = None,
    limit: int = 20,
    bounds: Bounds = UNBOUNDED,
) -> list[IOPointer]:
    """Pointers whose name starts with ``prefix``, sorted by name, at most ``limit``."""
    return pointers.find_pointers(
        db,
        prefix=prefix,
        flagged=flagged,
        limit=arguments.positive_int(limit, "first", bounds.page),
    )
