"""Flagging outputs and ranking the runs behind the flagged ones (coverage and Ochiai).

"Output o depends on run r" means r is in ``backtrace(o)``: r is the latest producer of o or
one of its transitive ``DEPENDS_ON`` ancestors. For every such run:

* ``ef``: flagged outputs that depend on it (mltrace's count), and ``coverage = ef / F``
  with ``F`` the number of flagged outputs;
* ``ep``: unflagged outputs that depend on it;
* ``ochiai = ef / sqrt(F * (ef + ep))``, the spectrum-based fault-localisation score that
  stops blaming the upstream run that fed every output, good or bad.

The whole ranking is one aggregation statement; each seed's ancestors and each candidate's
descendants are walked with the pruning BFS (see ``lineage``), never path by path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import LiteralString

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.as_of import PRODUCER_ORDER, started_by
from mltrace_graph.store.as_of_note import FIRST_RUN_START, empty_note
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import LOCAL_ACTOR, flagged_at, set_flag

RANKS = ("coverage", "ochiai")


@dataclass(frozen=True)
class Culprit:
    """One run behind flagged outputs, with the numbers that rank it."""

    run: ComponentRun
    ef: int
    ep: int
    coverage: float
    ochiai: float


@dataclass(frozen=True)
class Review:
    """The flagged outputs (sorted by name) and the ranked runs behind them.

    ``as_of`` echoes the moment the review was read as of (``None``: now); ``note`` says
    why it is empty when nothing had been logged by then.
    """

    flagged: list[str] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    rank: str = "coverage"
    as_of: datetime | None = None
    note: str | None = None


# Sets the flag of every named pointer, or of none when a name is unknown (then the
# unknown names come back in ``missing``). Each change is recorded as a flag event.
SET_FLAGS = (
    """
UNWIND $names AS wanted
OPTIONAL MATCH (p:IOPointer {name: wanted})
WITH collect(p) AS found, collect(CASE WHEN p IS NULL THEN wanted END) AS missing
CALL (found, missing) {
  WITH found, missing WHERE size(missing) = 0
  UNWIND found AS p
  WITH DISTINCT p
"""
    + set_flag("p")
    + """
}
RETURN missing, [p IN found | p.name] AS names
"""
)

# The flag index makes this a seek on flag = true, not a scan of every pointer.
UNFLAG_ALL = (
    """
MATCH (p:IOPointer {flag: true})
USING INDEX p:IOPointer(flag)
"""
    + set_flag("p", "false")
    + """
RETURN count(p) AS unflagged
"""
)


def _names(names: str | Sequence[str]) -> list[str]:
    listed = [names] if isinstance(names, str) else list(names)
    for name in listed:
        if not isinstance(name, str):
            raise TypeError(f"output ids must be str, got {type(name).__name__}: {name!r}")
    return listed


def flag_outputs(db: Database, names: str | Sequence[str], actor: str = LOCAL_ACTOR) -> list[str]:
    """Flags pointers by name in one write (any pointer, whatever its value).

    ``actor`` is recorded on the flag events of the pointers that were not flagged yet.

    Raises:
        NotFoundError: a name is not a pointer; then nothing is flagged.
    """
    return _set_flags(db, _names(names), True, actor)


def unflag_outputs(db: Database, names: str | Sequence[str], actor: str = LOCAL_ACTOR) -> list[str]:
    """Clears the flag of pointers by name in one write (events as for ``flag_outputs``).

    Raises:
        NotFoundError: a name is not a pointer; then nothing is changed.
    """
    return _set_flags(db, _names(names), False, actor)


def _set_flags(db: Database, names: list[str], flag: bool, actor: str) -> list[str]:
    if not names:
        return []
    row = db.write(SET_FLAGS, names=names, flag=flag, actor=actor)[0]
    if row["missing"]:
        raise NotFoundError("output", sorted(row["missing"]))
    return sorted({str(n) for n in row["names"]})


def unflag_all(db: Database, actor: str = LOCAL_ACTOR) -> int:
    """Clears every flag (one event each); returns how many pointers were flagged."""
    return int(db.write(UNFLAG_ALL, actor=actor)[0]["unflagged"])


# The outputs flagged at $as_of (now when null), each once. A pointer whose flag has not
# changed since $as_of is flagged then iff it is flagged now (the flag index answers);
# one whose flag changed since was flagged then iff the first change since unflagged it
# (events alternate, see store.flags; the FlagEvent.at index answers). So the cost is the
# flagged outputs plus the flag changes since $as_of, never every pointer. An output no
# run had produced or read by $as_of did not exist yet, so it was not flagged then either.
FLAGGED_OUTPUTS = (
    """
CALL () {
  MATCH (p:IOPointer {flag: true})
  USING INDEX p:IOPointer(flag)
  WHERE $as_of IS NULL
     OR NOT EXISTS { MATCH (p)-[:FLAG_CHANGED]->(e:FlagEvent) WHERE e.at > $as_of }
  RETURN p AS flagged
  UNION
  MATCH (e:FlagEvent)
  USING INDEX e:FlagEvent(at)
  WHERE e.at > $as_of
  MATCH (p:IOPointer)-[:FLAG_CHANGED]->(e)
  WITH p, e ORDER BY e.at
  WITH p, head(collect(e)) AS first
  WHERE NOT first.flagged
  RETURN p AS flagged
}
WITH flagged
WHERE $as_of IS NULL OR EXISTS {
  MATCH (flagged)<-[:PRODUCED|CONSUMED]-(x:ComponentRun) WHERE """
    + started_by("x")
    + """ }
WITH collect(flagged) AS outputs
"""
)

# Seeds: each flagged output's producer as of $as_of (store.as_of; with $as_of null the
# latest, as lineage.BACKTRACE). Candidates: each seed's ancestors-or-self (all started
# before it), DISTINCT per (output, run) so the var-length expand is a pruning BFS.
# Aggregations over no rows still give one row, so an empty review is one row of empty
# lists.
_REVIEW_HEAD = (
    FLAGGED_OUTPUTS
    + """
CALL (outputs) {
  UNWIND outputs AS o
  MATCH (o)<-[:PRODUCED]-(r0:ComponentRun)
  WHERE """
    + started_by("r0")
    + """
  WITH o, r0 """
    + PRODUCER_ORDER
    + """
  WITH o, head(collect(r0)) AS r0
  MATCH (r0)-[:DEPENDS_ON*0..]->(r:ComponentRun)
  WITH DISTINCT o, r
  WITH r, count(o) AS ef, size(outputs) AS total
"""
)

# Unflagged outputs (at $as_of) that depend on r: outputs whose producer as of $as_of is r
# or a descendant started by then. Most outputs have one producer, and a degree count
# answers that without expanding; otherwise the as-of producer is picked by the rule.
_REVIEW_EP = (
    """
  CALL (r) {
    MATCH (r)<-[:DEPENDS_ON*0..]-(d:ComponentRun)
    WITH DISTINCT d
    WHERE """
    + started_by("d")
    + """
    MATCH (d)-[:PRODUCED]->(o:IOPointer)
    WHERE NOT """
    + flagged_at("o")
    + """
      AND (COUNT { (o)<-[:PRODUCED]-() } = 1 OR COLLECT {
        MATCH (o)<-[:PRODUCED]-(r0:ComponentRun)
        WHERE """
    + started_by("r0")
    + """
        WITH r0 """
    + PRODUCER_ORDER
    + """ LIMIT 1
        RETURN r0
      }[0] = d)
    RETURN count(o) AS ep  // d is distinct and the as-of producer: no duplicates
  }
  WITH r, ef, ep, toFloat(ef) / total AS coverage,
       toFloat(ef) / sqrt(toFloat(total) * (ef + ep)) AS ochiai
"""
)

_REVIEW_TAIL = (
    """
  $$LIMIT$$
  MATCH (r)-[:RUN_OF]->(c:Component)
  RETURN collect({ef: ef, ep: ep, coverage: coverage, ochiai: ochiai, record: """
    + RUN_PROJECTION
    + """}) AS ranked
}
RETURN [o IN outputs | o.name] AS flagged, ranked,
  CASE WHEN $as_of IS NULL OR size(outputs) > 0 THEN null
       ELSE {first_run: """
    + FIRST_RUN_START
    + """} END AS empty
"""
)

_REVIEW = {
    "coverage": _REVIEW_HEAD + _REVIEW_EP + "  ORDER BY ef DESC, r.id DESC" + _REVIEW_TAIL,
    "ochiai": _REVIEW_HEAD
    + _REVIEW_EP
    + "  ORDER BY ochiai DESC, ef DESC, r.id DESC"
    + _REVIEW_TAIL,
}


def review_query(rank: str, limited: bool) -> LiteralString:
    """The ranking statement; ``LIMIT`` only when asked for.

    With a stand-in "no limit" of 2**31 - 1, ``ORDER BY .. LIMIT`` planned as a Top
    operator that PROFILE showed holding 730 MB for 8,620 ranked runs (3,000 flagged
    outputs), past a 1 GiB heap's transaction memory limit; a plain sort of the same rows
    fits.
    """
    return _REVIEW[rank].replace("$$LIMIT$$", "LIMIT $limit" if limited else "")


REVIEW_BY_COVERAGE = review_query("coverage", limited=True)
REVIEW_BY_OCHIAI = review_query("ochiai", limited=True)


def review(
    db: Database,
    rank: str = "coverage",
    limit: int | None = None,
    as_of: datetime | None = None,
) -> Review:
    """Ranks the runs behind the flagged outputs, in one aggregation query.

    ``rank="coverage"`` sorts by ``ef`` descending (ties: newer run id first), as mltrace's
    ``review_flagged_outputs``; ``rank="ochiai"`` by the Ochiai score, then ``ef``, then id.
    ``limit`` keeps the top runs only. With ``as_of``, the review as it would have been
    then: the outputs flagged then (flag events, ``store.flags``), their producers then,
    and only runs started by then.
    """
    if rank not in RANKS:
        raise ValueError(f"rank must be one of {', '.join(RANKS)}, got {rank!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    rows = db.read(review_query(rank, limited=limit is not None), limit=limit, as_of=as_of)
    culprits = [
        Culprit(
            run=run_from_record(item["record"]),
            ef=int(item["ef"]),
            ep=int(item["ep"]),
            coverage=float(item["coverage"]),
            ochiai=float(item["ochiai"]),
        )
        for item in rows[0]["ranked"]
    ]
    return Review(
        flagged=sorted(str(n) for n in rows[0]["flagged"]),
        culprits=culprits,
        rank=rank,
        as_of=as_of,
        note=empty_note(as_of, rows[0]["empty"]),
    )
