"""Writing component runs: one statement per batch, idempotent, with ids, edges and staleness.

The whole of a logged run (component, run, pointers, edges, dependencies, staleness) is
written by ``RECORD_RUNS`` in one round trip; a batch of runs is the same statement with
more rows. Conversions between ``ComponentRun`` and graph rows live here too, so every
query that returns runs shapes them the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD, Row, apply_written, encode_run

# Run ids are short integers in logging order, taken from one Sequence node. The "_lock"
# write takes the node's exclusive lock *before* its value is read, so concurrent loggers
# never read the same value (Neo4j's documented read-then-write pattern). Rows whose uid is
# already in the graph (a retry) are skipped, which makes the statement idempotent.
# Dependencies and staleness only look at runs with a smaller id: within one statement the
# planner may make later rows' writes visible early, and "earlier" must mean logged earlier.
#
# Speed (see docs/logging-performance.md): planning this statement costs 0.5-3 s, and Neo4j
# replans it each time the counts have moved a lot, which happens over and over while a
# graph is loaded from empty. "replan=skip" keeps the first plan. That is safe because
# the plan does not depend on the counts: every node is reached through a unique key, a
# hinted index, or an expansion from the run being written. "producer.id - r.id < 0" is
# written so no index can serve it: on a small graph the planner would otherwise scan all
# earlier runs by id instead of expanding from the input, and keep that plan.
RECORD_RUNS = """
CYPHER replan=skip
UNWIND range(0, size($runs) - 1) AS position
WITH position, $runs[position] AS row
OPTIONAL MATCH (existing:ComponentRun {uid: row.uid})
WITH collect(CASE WHEN existing IS NULL THEN row END) AS fresh,
     collect(CASE WHEN existing IS NOT NULL THEN {uid: row.uid, id: existing.id} END) AS known
MERGE (seq:Sequence {name: 'component_run'})
  ON CREATE SET seq.value = 0
SET seq._lock = true
WITH fresh, known, seq, seq.value AS base
SET seq.value = base + size(fresh)
REMOVE seq._lock
WITH fresh, known, base
CALL (fresh, base) {
  UNWIND range(0, size(fresh) - 1) AS i
  WITH fresh[i] AS row, base + i + 1 AS run_id
  MERGE (c:Component {name: row.component_name})
    ON CREATE SET c.owner = '', c.description = '', c.created_at = datetime()
  FOREACH (info IN CASE WHEN row.component IS NULL THEN [] ELSE [row.component] END |
    SET c.owner = CASE WHEN info.owner = '' THEN c.owner ELSE info.owner END,
        c.description = CASE WHEN info.description = '' THEN c.description
                             ELSE info.description END
    FOREACH (tag_name IN info.tags |
      MERGE (t:Tag {name: tag_name})
      MERGE (c)-[:TAGGED]->(t)))
  CREATE (r:ComponentRun {uid: row.uid, id: run_id})
  SET r += row.props,
      r.component_name = row.component_name,
      r.start_timestamp = datetime(row.start_timestamp),
      r.end_timestamp = datetime(row.end_timestamp),
      r.logged_at = datetime()
  CREATE (r)-[:RUN_OF]->(c)
  WITH r, row
  CALL (r, row) {
    UNWIND row.inputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.value = pointer.value, p.pointer_type = pointer.pointer_type,
                    p.flag = false, p.created_at = datetime()
    CREATE (r)-[:CONSUMED]->(p)
  }
  CALL (r, row) {
    UNWIND row.outputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.flag = false, p.created_at = datetime()
    SET p.value = pointer.value, p.pointer_type = pointer.pointer_type
    CREATE (r)-[:PRODUCED]->(p)
  }
  CALL (r, row) {
    WITH r, row WHERE row.dependencies_from_inputs
    MATCH (r)-[:CONSUMED]->(input:IOPointer)<-[:PRODUCED]-(producer:ComponentRun)
    WHERE producer.id - r.id < 0
    WITH r, input, producer ORDER BY producer.id DESC
    WITH r, input, head(collect(producer)) AS latest
    MERGE (r)-[:DEPENDS_ON]->(latest)
  }
  CALL (r, row) {
    UNWIND row.upstream AS upstream_name
    CALL (r, upstream_name) {
      MATCH (latest:ComponentRun)
      USING INDEX latest:ComponentRun(component_name, id)
      WHERE latest.component_name = upstream_name AND latest.id < r.id
      RETURN latest ORDER BY latest.component_name DESC, latest.id DESC LIMIT 1
    }
    MERGE (r)-[:DEPENDS_ON]->(latest)
  }
  CALL (r, row) {
    MATCH (r)-[:DEPENDS_ON]->(dep:ComponentRun)
    OPTIONAL MATCH (fresher:ComponentRun)
    USING INDEX fresher:ComponentRun(component_name, start_timestamp)
    WHERE fresher.component_name = dep.component_name
      AND fresher.start_timestamp > dep.start_timestamp
      AND fresher.start_timestamp < r.start_timestamp
    WITH r, row, dep, count(fresher) AS fresher_runs,
         duration.inDays(dep.start_timestamp, r.start_timestamp).days AS days
    WITH r, dep, fresher_runs, days,
         duration.inSeconds(dep.start_timestamp, r.start_timestamp).seconds AS age_seconds,
         row.staleness_threshold AS threshold
    ORDER BY dep.id
    WITH r, collect(CASE WHEN age_seconds > threshold
             THEN dep.component_name + ' (ID ' + toString(dep.id) + ') was run '
                  + toString(days) + ' days ago.' END)
         + collect(CASE WHEN fresher_runs > 0
             THEN dep.component_name + ' (ID ' + toString(dep.id) + ') has '
                  + toString(fresher_runs)
                  + ' fresher run(s) that began before this component run started.' END)
         AS warnings
    SET r.stale = warnings
  }
  RETURN collect({uid: r.uid, id: r.id}) AS created
}
WITH known + created AS runs
UNWIND runs AS run
MATCH (r:ComponentRun {uid: run.uid})
OPTIONAL MATCH (r)-[:DEPENDS_ON]->(dep:ComponentRun)
WITH run, r, collect(dep.id) AS dependency_ids
RETURN run.uid AS uid, run.id AS id, coalesce(r.stale, []) AS stale, dependency_ids
"""


def _property(value: Any) -> Any:
    """A param as a Neo4j property: scalars as they are, lists and maps as JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, sort_keys=True)


def _statement_row(row: Row) -> dict[str, Any]:
    """The parameter row ``RECORD_RUNS`` takes for one wire row.

    Empty values are left out rather than stored as '', [] or '{}': most runs have no
    notes, tags, tests, params or metrics, and a 1,000-run backtrace reads and ships every
    stored property (leaving them out saved about 6 ms of its 45). ``store.codec`` reads a
    missing property as empty. With each pointer name once (the first one given wins), a
    new run's CONSUMED/PRODUCED edges are CREATEd instead of MERGEd.
    """
    props: dict[str, Any] = {
        "git_hash": row["git_hash"],
        "code_snapshot": row["code_snapshot"],
        "status": row["status"],
    }
    if row["notes"]:
        props["notes"] = row["notes"]
    if row["git_tags"]:
        props["git_tags"] = row["git_tags"]
    if row["test_results"]:
        props["test_results"] = json.dumps(row["test_results"])
    if row["params"]:
        props["params"] = json.dumps(row["params"], sort_keys=True)
    if row["metrics"]:
        props["metrics"] = json.dumps(row["metrics"], sort_keys=True)
    if row["metric_steps"]:
        props["metric_steps"] = json.dumps(row["metric_steps"], sort_keys=True)
    for key, value in row["params"].items():
        props[f"param.{key}"] = _property(value)
    for key, value in row["metrics"].items():
        props[f"metric.{key}"] = value
    return {
        "uid": row["uid"],
        "component_name": row["component_name"],
        "component": row["component"],
        "start_timestamp": row["start_timestamp"],
        "end_timestamp": row["end_timestamp"],
        "props": props,
        "inputs": _distinct(row["inputs"]),
        "outputs": _distinct(row["outputs"]),
        "upstream": row["upstream"],
        "dependencies_from_inputs": row["dependencies_from_inputs"],
        "staleness_threshold": row["staleness_threshold"],
    }


def _distinct(pointers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    first: dict[str, dict[str, Any]] = {}
    for pointer in pointers:
        first.setdefault(pointer["name"], pointer)
    return list(first.values())


def write_rows(db: Database, rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    """Writes checked wire rows in one round trip; the answers keyed by uid.

    Every path to the graph ends here: a live log, a row received over HTTP, and the
    spool's replay. Rows whose uid is already in the graph are answered, not written again.
    """
    if not rows:
        return {}
    written = db.write_idempotent(RECORD_RUNS, runs=[_statement_row(row) for row in rows])
    return {row["uid"]: row for row in written}


def record_runs(
    db: Database,
    runs: Sequence[ComponentRun],
    *,
    dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> None:
    """Encodes, writes and answers runs in one round trip (for code that holds a ``Database``).

    Runs are written in the order given; dependencies on runs earlier in the same batch
    are found, so a backfill logs a whole pipeline in one call.
    """
    rows = [
        encode_run(
            run,
            dependencies_from_inputs=dependencies_from_inputs,
            staleness_threshold=staleness_threshold,
        )
        for run in runs
    ]
    result = write_rows(db, rows)
    for run in runs:
        apply_written(run, result[run.uid])


GET_RUNS_BY_ID = (
    """
UNWIND $ids AS wanted
MATCH (r:ComponentRun {id: wanted})-[:RUN_OF]->(c:Component)
RETURN """
    + RUN_PROJECTION
    + """ AS record
"""
)


def get_runs(db: Database, ids: Sequence[int]) -> list[ComponentRun]:
    """Runs by id in one round trip, in the order asked; unknown ids are left out."""
    rows = db.read(GET_RUNS_BY_ID, ids=[int(i) for i in ids])
    return [run_from_record(row["record"]) for row in rows]
