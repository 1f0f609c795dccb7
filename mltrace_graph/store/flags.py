"""Flag events: the history of every pointer's flag, written by the flag writes themselves.

A flag is the one property of the lineage graph that changes in place, so its history is
kept beside it: every write that changes a pointer's flag also creates

    (p:IOPointer)-[:FLAG_CHANGED]->(:FlagEvent {at, flagged, by})

in the same statement (``SET_FLAG`` below is spliced into each of them), and only when
the value really changes. Two consequences the as-of reads rely on:

* a pointer's flag at any moment after its last event is its current flag;
* events alternate, so the state just before an event is the opposite of what it says.

So "flagged at T" is: the opposite of the first event after T when there is one, else the
current flag (``FLAGGED_AT``). That also covers pointers flagged before events existed
(V0120): their flag counts as set since ever, until the first event says otherwise.

``by`` is the actor: the API token's name for a write that came through the server with a
token, ``"anonymous"`` for one that came through a server that asked for none, and
``"local"`` for the Python API and the CLI (they talk to Neo4j directly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.connection import Database
from mltrace_graph.store.temporal import to_datetime

__all__ = [
    "ANONYMOUS_ACTOR",
    "LOCAL_ACTOR",
    "FlagEvent",
    "flag_history",
    "flagged_at",
    "run_flag_history",
    "set_flag",
]

LOCAL_ACTOR = "local"
ANONYMOUS_ACTOR = "anonymous"


@dataclass(frozen=True)
class FlagEvent:
    """One change of a pointer's flag: when, to what, and by whom."""

    at: datetime
    output: str
    flagged: bool
    by: str


def set_flag(pointer: LiteralString, value: LiteralString = "$flag") -> LiteralString:
    """Clauses that set ``pointer``'s flag to ``value`` and record the change as an event.

    ``pointer`` must be bound once per row (``WITH DISTINCT`` first): Cypher applies the
    FOREACH to every row before the SET, so a pointer on two rows would get two events.
    The statement takes the actor as ``$actor``.
    """
    return (
        "FOREACH (_ IN CASE WHEN coalesce("
        + pointer
        + ".flag, false) <> "
        + value
        + " THEN [1] ELSE [] END |\n  CREATE ("
        + pointer
        + ")-[:FLAG_CHANGED]->(:FlagEvent {at: datetime(), flagged: "
        + value
        + ", by: $actor}))\nSET "
        + pointer
        + ".flag = "
        + value
        + "\n"
    )


def flagged_at(pointer: LiteralString) -> LiteralString:
    """An expression: was ``pointer`` flagged at ``$as_of`` (its current flag when null)?

    The first event after ``$as_of`` says what the flag became, so before it the flag was
    the opposite; with no event after ``$as_of`` the flag has not changed since.
    """
    return (
        "CASE WHEN $as_of IS NULL THEN coalesce("
        + pointer
        + ".flag, false) ELSE coalesce(head(COLLECT { MATCH ("
        + pointer
        + ")-[:FLAG_CHANGED]->(e:FlagEvent) WHERE e.at > $as_of "
        + "RETURN NOT e.flagged ORDER BY e.at LIMIT 1 }), coalesce("
        + pointer
        + ".flag, false)) END"
    )


_EVENT = "{at: e.at, output: p.name, flagged: e.flagged, by: e.by}"

FLAG_HISTORY = (
    """
MATCH (p:IOPointer {name: $output})
RETURN COLLECT { MATCH (p)-[:FLAG_CHANGED]->(e:FlagEvent)
                 RETURN """
    + _EVENT
    + """ AS event ORDER BY e.at DESC } AS events
"""
)

# The run's outputs are few (its PRODUCED edges), each with a handful of events.
RUN_FLAG_HISTORY = (
    """
MATCH (r:ComponentRun {id: $run_id})
RETURN COLLECT { MATCH (r)-[:PRODUCED]->(p:IOPointer)-[:FLAG_CHANGED]->(e:FlagEvent)
                 RETURN """
    + _EVENT
    + """ AS event ORDER BY e.at DESC, p.name } AS events
"""
)


def _events(rows: list[dict[str, object]]) -> list[FlagEvent]:
    found = []
    for item in rows:
        at = to_datetime(item["at"])
        assert at is not None  # every event is written with datetime()
        found.append(
            FlagEvent(
                at=at, output=str(item["output"]), flagged=bool(item["flagged"]), by=str(item["by"])
            )
        )
    return found


def flag_history(db: Database, output_id: str) -> list[FlagEvent]:
    """The flag events of one pointer, newest first.

    Raises:
        NotFoundError: no pointer is named ``output_id``.
    """
    rows = db.read(FLAG_HISTORY, output=output_id)
    if not rows:
        raise NotFoundError("output", output_id)
    return _events(rows[0]["events"])


def run_flag_history(db: Database, run_id: int) -> list[FlagEvent]:
    """The flag events of every output of one run, newest first (ties: by output name).

    Raises:
        NotFoundError: no run has this id.
    """
    rows = db.read(RUN_FLAG_HISTORY, run_id=run_id)
    if not rows:
        raise NotFoundError("run", run_id)
    return _events(rows[0]["events"])
