"""What an ``as_of`` read says when its answer is empty because of the moment asked for.

An empty trace as of a time before anything was logged looks like an empty trace of a raw
input; the note tells them apart ("nothing had been logged by ..., the first run started
..."). The facts behind it come back in the read's own round trip (``EMPTY_FACTS``), and
only when the answer is empty and ``$as_of`` was given, so a read as of now pays nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, LiteralString

from mltrace_graph.store.temporal import to_datetime

__all__ = ["EMPTY_FACTS", "FIRST_RUN_START", "empty_note", "moment_text"]

# The earliest run start, read from the start_timestamp index in order (one entry).
FIRST_RUN_START: LiteralString = """COLLECT {
    MATCH (f:ComponentRun) WHERE f.start_timestamp IS NOT NULL
    RETURN f.start_timestamp AS s ORDER BY s LIMIT 1 }[0]"""

# For a trace or an impact: ``start`` is the pointer or run the read began at and ``runs``
# what it found. The first producer of a pointer is the earliest by start time.
EMPTY_FACTS: LiteralString = (
    """CASE WHEN $as_of IS NULL OR size(runs) > 0 THEN null ELSE {
  first_run: """
    + FIRST_RUN_START
    + """,
  first_producer: COLLECT { MATCH (start)<-[:PRODUCED]-(q:ComponentRun)
                            RETURN q {.id, .start_timestamp} AS q
                            ORDER BY q.start_timestamp, q.id LIMIT 1 }[0],
  start_run: CASE WHEN start:ComponentRun THEN start {.id, .start_timestamp} END
} END AS empty"""
)


def moment_text(value: datetime) -> str:
    """A moment as the notes print it: ISO 8601 in UTC with a ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def empty_note(
    as_of: datetime | None, facts: dict[str, Any] | None, what: str | None = None
) -> str | None:
    """Why an as-of answer is empty, or ``None`` when it is not empty because of ``as_of``.

    ``facts`` is the ``empty`` column of ``EMPTY_FACTS`` (or a dict with ``first_run``
    alone); ``what`` names the pointer a trace started from.
    """
    if as_of is None or facts is None:
        return None
    when = moment_text(as_of)
    first = to_datetime(facts.get("first_run"))
    if first is None:
        return f"nothing had been logged by {when}; no run has been logged yet"
    if first > as_of:
        return f"nothing had been logged by {when}; the first run started {moment_text(first)}"
    producer = facts.get("first_producer")
    producer_start = to_datetime(producer["start_timestamp"]) if producer else None
    if producer and producer_start is not None and producer_start > as_of:
        return (
            f"{what or 'the output'} had not been produced by {when}; its first producer, "
            f"run {producer['id']}, started {moment_text(producer_start)}"
        )
    run = facts.get("start_run")
    run_start = to_datetime(run["start_timestamp"]) if run else None
    if run and run_start is not None and run_start > as_of:
        return f"run {run['id']} had not started by {when}; it started {moment_text(run_start)}"
    return None
