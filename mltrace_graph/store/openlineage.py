"""OpenLineage run events as component runs: one upsert per event, keyed on the runId.

An OpenLineage run reports itself several times (START, RUNNING, then COMPLETE, FAIL or
ABORT), possibly out of order and possibly retried. All events of one ``runId`` update the
same ``ComponentRun`` (``uid`` = the runId): the start time is the earliest event time, the
end time the latest terminal one, the status follows the terminal event, and inputs and
outputs accumulate. Each event's key (type and time) is remembered on the run, so a retried
event changes nothing and is reported as a duplicate.

A runId belongs to one job: an event naming another job for a known runId changes nothing
and raises ``InvalidInputError`` naming both jobs, so a run is never ``RUN_OF`` two
components (the whole batch is rolled back, as for any rejected event).

Run ids come from the same ``Sequence`` as ``store.runs`` (same locking), so runs logged
by the Python client and by OpenLineage integrations share one id space and one graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import neo4j

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.store.connection import Database

UID_PREFIX = "openlineage:"
TERMINAL_STATUS = {"COMPLETE": "success", "FAIL": "failed", "ABORT": "failed"}
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")

UPSERT_OPENLINEAGE_RUN = """
OPTIONAL MATCH (existing:ComponentRun {uid: $run.uid})
WITH existing,
     existing IS NOT NULL AND existing.component_name <> $run.component_name AS conflict
WITH existing, conflict,
     existing IS NOT NULL AND NOT conflict
     AND $run.event_key IN coalesce(existing.openlineage_events, []) AS duplicate
OPTIONAL CALL (existing, duplicate, conflict) {
  WITH existing, duplicate, conflict WHERE NOT duplicate AND NOT conflict
  MERGE (c:Component {name: $run.component_name})
    ON CREATE SET c.owner = '', c.description = $run.description, c.created_at = datetime()
  MERGE (seq:Sequence {name: 'component_run'})
    ON CREATE SET seq.value = 0
  // Same locking as RECORD_RUNS: the lock write comes before the read of the value.
  SET seq._lock = true
  WITH existing, c, seq, seq.value + CASE WHEN existing IS NULL THEN 1 ELSE 0 END AS next_id
  SET seq.value = next_id
  REMOVE seq._lock
  MERGE (r:ComponentRun {uid: $run.uid})
    ON CREATE SET r.id = next_id, r.component_name = c.name,
                  r.start_timestamp = $run.event_time, r.logged_at = datetime(),
                  r.status = 'running', r.stale = [], r.openlineage_events = []
  MERGE (r)-[:RUN_OF]->(c)
  WITH r, existing,
       CASE WHEN $run.status IS NOT NULL THEN $run.status ELSE r.status END AS status,
       CASE WHEN $run.status IS NOT NULL OR r.status = 'running'
            THEN $run.event_type ELSE r.openlineage_state END AS state
  SET r += $run.props,
      r.start_timestamp = CASE WHEN $run.event_time < r.start_timestamp
                               THEN $run.event_time ELSE r.start_timestamp END,
      r.end_timestamp = CASE WHEN $run.status IS NOT NULL
                              AND (r.end_timestamp IS NULL OR $run.event_time > r.end_timestamp)
                             THEN $run.event_time ELSE r.end_timestamp END,
      r.status = status,
      r.openlineage_state = state,
      r.openlineage_events = r.openlineage_events + $run.event_key
  WITH r, existing
  CALL (r) {
    UNWIND $run.inputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.value = pointer.value, p.pointer_type = pointer.pointer_type,
                    p.flag = false, p.created_at = datetime()
    MERGE (r)-[:CONSUMED]->(p)
  }
  CALL (r) {
    UNWIND $run.outputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.flag = false, p.created_at = datetime()
    SET p.value = pointer.value, p.pointer_type = pointer.pointer_type
    MERGE (r)-[:PRODUCED]->(p)
  }
  // The pointer and run times on the edges are what RECORD_RUNS's time rule looks up.
  CALL (r) {
    MATCH (r)-[e:PRODUCED|CONSUMED]->(p:IOPointer)
    SET e.pointer = p.name, e.run_start = r.start_timestamp,
        e.run_end = CASE WHEN type(e) = 'PRODUCED' THEN r.end_timestamp END
  }
  // Depends on the latest earlier producer of each input, as runs logged in Python do.
  CALL (r) {
    MATCH (r)-[:CONSUMED]->(p:IOPointer)<-[:PRODUCED]-(producer:ComponentRun)
    WHERE producer.id < r.id
    WITH r, p, max(producer.id) AS latest_id
    MATCH (dep:ComponentRun {id: latest_id})
    MERGE (r)-[:DEPENDS_ON]->(dep)
  }
  RETURN r.id AS id, existing IS NULL AS created
}
RETURN duplicate, id, coalesce(created, false) AS created,
       CASE WHEN conflict THEN existing.component_name END AS other_job
"""


@dataclass(frozen=True)
class PointerRow:
    """A dataset as an IO pointer."""

    name: str
    value: str
    pointer_type: str


@dataclass(frozen=True)
class OpenLineageRun:
    """One validated run event, already mapped to our model (see ``server.openlineage``)."""

    uid: str
    component_name: str
    event_type: str
    event_time: datetime
    description: str = ""
    inputs: list[PointerRow] = field(default_factory=list)
    outputs: list[PointerRow] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        """The OpenLineage runId this event is about."""
        return self.uid.removeprefix(UID_PREFIX)

    @property
    def event_key(self) -> str:
        return f"{self.event_type}@{self.event_time.isoformat()}"

    def to_row(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "component_name": self.component_name,
            "description": self.description,
            "event_type": self.event_type,
            "event_time": self.event_time,
            "event_key": self.event_key,
            "status": TERMINAL_STATUS.get(self.event_type),
            "props": self.props,
            "inputs": [p.__dict__ for p in self.inputs],
            "outputs": [p.__dict__ for p in self.outputs],
        }


@dataclass(frozen=True)
class EventOutcome:
    """What one event did: the run id it landed on, and whether it was new or a retry."""

    run_id: int | None
    created: bool
    duplicate: bool


def record_events(db: Database, events: Sequence[OpenLineageRun]) -> list[EventOutcome]:
    """Applies events in order, all in one transaction (a batch is all or nothing).

    Raises:
        InvalidInputError: an event's runId was first seen with another job; nothing of the
            batch is written.
    """

    def work(tx: neo4j.ManagedTransaction) -> list[EventOutcome]:
        outcomes = []
        for index, event in enumerate(events):
            row = tx.run(UPSERT_OPENLINEAGE_RUN, run=event.to_row()).single(strict=True)
            if row["other_job"] is not None:
                where = f"[{index}]." if len(events) > 1 else ""
                raise InvalidInputError(
                    f"{where}run.runId {event.run_id} belongs to job {row['other_job']!r}; "
                    f"this event names job {event.component_name!r}. A run belongs to one job: "
                    f"send a new runId for a run of {event.component_name!r}",
                    field=f"{where}job",
                )
            outcomes.append(
                EventOutcome(
                    run_id=None if row["id"] is None else int(row["id"]),
                    created=bool(row["created"]),
                    duplicate=bool(row["duplicate"]),
                )
            )
        return outcomes

    if not events:
        return []
    return db.write_unit(work)
