"""Flags and review: marking outputs wrong, and ranking the runs behind the flagged ones."""

from __future__ import annotations

from collections.abc import Sequence

from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.service import arguments
from mltrace_graph.store import pointers
from mltrace_graph.store import review as review_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.review import RANKS, Review

__all__ = ["RANKS", "Review", "flag", "review", "unflag", "unflag_all"]


def review(
    db: Database, rank: str = "coverage", limit: int | None = None, maximum: int | None = None
) -> Review:
    """The runs behind the flagged outputs, ranked by coverage or Ochiai score."""
    return review_store.review(
        db,
        rank=arguments.choice(rank, RANKS, "rank"),
        limit=arguments.limit(limit, "limit", maximum),
    )


def flag(db: Database, output_ids: str | Sequence[str]) -> list[str]:
    """Flags outputs, all or none; returns their names, sorted.

    Raises:
        NotFoundError: some names are not outputs (``ids`` lists them); nothing changed.
    """
    return review_store.flag_outputs(db, arguments.names(output_ids, "output_ids"))


def unflag(db: Database, output_ids: str | Sequence[str]) -> list[str]:
    """Clears the flag of outputs, all or none; returns their names, sorted.

    Raises:
        NotFoundError: some names are not outputs (``ids`` lists them); nothing changed.
    """
    return review_store.unflag_outputs(db, arguments.names(output_ids, "output_ids"))


def unflag_all(db: Database) -> int:
    """Clears every flag; returns how many outputs were flagged."""
    return review_store.unflag_all(db)


def changed_pointers(db: Database, names: Sequence[str]) -> list[IOPointer]:
    """The pointers a flag change touched, read back in one query (for the API's answer)."""
    return pointers.get_pointers(db, list(names)) if names else []
