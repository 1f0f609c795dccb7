"""The graph as it stood at a moment: the one rule every ``as_of`` read shares.

A read given ``$as_of`` (a UTC datetime, or null for now) sees:

* **runs started at or before it**, and the edges between such runs
  (``started_by``): a run started later did not exist yet;
* **the producer of a pointer as of then** (``PRODUCER_ORDER``): among its producers that
  had started, those that had *ended* by ``$as_of`` come first, latest end first (ties:
  higher id), then runs still open at ``$as_of``. With ``$as_of`` null this is exactly
  today's "latest producer" (open runs last, latest end first), so one query serves both.

Dependencies never need rewriting: ``RECORD_RUNS`` links a run to the producer that had
ended before the run started, so the subgraph of runs started by ``$as_of`` already has
the edges it had then. Only the choice of "the latest" changes, and that is here.

Flags are the one thing that changes in place; their history is kept as flag events
(see ``store/flags.py`` when it exists) and review as of a time reads those.
"""

from __future__ import annotations

from typing import LiteralString

__all__ = ["PRODUCER_ORDER", "producer_order", "started_by"]


def started_by(run: LiteralString) -> LiteralString:
    """A WHERE term true for runs that had started by ``$as_of`` (always true when null)."""
    return "($as_of IS NULL OR " + run + ".start_timestamp <= $as_of)"


def producer_order(run: LiteralString) -> LiteralString:
    """ORDER BY terms that put the producer as of ``$as_of`` first (see the module doc).

    Use after filtering the producers with ``started_by(run)``, then ``LIMIT 1``.
    """
    return (
        "ORDER BY ("
        + run
        + ".end_timestamp IS NULL OR ($as_of IS NOT NULL AND "
        + run
        + ".end_timestamp > $as_of)), "
        + run
        + ".end_timestamp DESC, "
        + run
        + ".id DESC"
    )


# The common case, a producer bound to ``r0``.
PRODUCER_ORDER: LiteralString = producer_order("r0")
