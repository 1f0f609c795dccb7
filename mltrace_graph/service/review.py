"""Flags and review: marking outputs wrong, and ranking the runs behind the flagged ones."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.service import arguments
from mltrace_graph.store import pointers
from mltrace_graph.store import review as review_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import LOCAL_ACTOR
from mltrace_graph.store.review import RANKS, Review

__all__ = ["RANKS", "Review", "flag", "review", "unflag", "unflag_all"]


def review(
    db: Database,
    rank: str = "coverage",
    limit: int | None = None,
    maximum: int | None = None,
    as_of: Any = None,
) -> Review:
    """The runs behind the flagged outputs, ranked by coverage or Ochiai score.

    ``as_of``: the review as it stood then, with the flags of then (flag events); empty
    with a ``note`` when nothing had been logged by then.
    """
    return review_store.review(
        db,
        rank=arguments.choice(rank, RANKS, "rank"),
        limit=arguments.limit(limit, "limit", maximum),
        as_of=arguments.as_of(as_of),
    )


def flag(db: Database, output_ids: str | Sequence[str], actor: str = LOCAL_ACTOR) -> list[str]:
    """Flags outputs, all or none; returns their names, sorted.

    Each output whose flag changes gets a flag event by ``actor``.

    Raises:
        NotFoundError: some names are not outputs (``ids`` lists them); nothing changed.
    """
    return review_store.flag_outputs(db, arguments.names(output_ids, "output_ids"), actor)


def unflag(db: Database, output_ids: str | Sequence[str], actor: str = LOCAL_ACTOR) -> list[str]:
    """Clears the flag of outputs, all or none; returns their names, sorted.

    Raises:
        NotFoundError: some names are not outputs (``ids`` lists them); nothing changed.
    """
    return review_store.unflag_outputs(db, arguments.names(output_ids, "output_ids"), actor)


def unflag_all(db: Database, actor: str = LOCAL_ACTOR) -> int:
    """Clears every flag; returns how many outputs were flagged."""
    return review_store.unflag_all(db, actor)


def changed_pointers(db: Database, names: Sequence[str]) -> list[IOPointer]:
    """The pointers a flag change touched, read back in one query (for the API's answer)."""
    return pointers.get_pointers(db, list(names)) if names else []
