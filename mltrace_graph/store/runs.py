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
#
# Dependencies follow time, not the order runs arrive in (docs/logging.md, "Which run a run
# depends on"): for each input, the producer that ended last by the time the run started
# (ties: higher id), else the producer that started last before it; the same for each
# component named with set_upstream. The statement works in two phases so that rows of one
# batch may name each other in any order:
#
# 1. every new run is written with its pointers and edges. The edges carry what the rule
#    looks up (PRODUCED {pointer, run_start, run_end}, CONSUMED {pointer, run_start},
#    NAMES_UPSTREAM {component, run_start}), and relationship indexes on them (V0110)
#    answer "latest producer of p that ended by t" with one index entry, however many
#    runs wrote p;
# 2. the runs to decide are the new ones plus the runs a new one may now feed: consumers of
#    its outputs (and runs naming its component) that started between its start and the end
#    of the producer after it. Those are all the rule can move to it, so a producer logged
#    late (spool replay, a slow writer) re-links exactly them; for each, the dependency
#    edges the rule no longer picks are deleted, the missing ones created, and its stale
#    warnings computed again. The edges it has are read once and compared with the ones
#    picked: CREATE, not MERGE, because no other writer can add a DEPENDS_ON meanwhile (the
#    Sequence lock below); MERGE's per-edge lock and probe cost about 7 db hits a run.
#
# Racing writers cannot miss each other: every batch takes the Sequence lock before phase
# 1 and holds it to commit, so a second writer's reads (all after its own lock) see the
# first writer's committed runs and edges. (Without that global lock, the pointer nodes
# would have to be locked in name order instead.)
#
# Speed (see docs/logging-performance.md): planning this statement costs 0.5-3 s, and Neo4j
# replans it each time the counts have moved a lot, which happens over and over while a
# graph is loaded from empty. "replan=skip" keeps the first plan. That is safe because
# the plan does not depend on the counts: every node is reached through a unique key, a
# hinted node or relationship index, or an expansion from a run being written or decided.
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
      r.dependencies_from_inputs = row.dependencies_from_inputs,
      r.staleness_threshold = row.staleness_threshold,
      r.logged_at = datetime()
  CREATE (r)-[:RUN_OF]->(c)
  WITH r, row
  CALL (r, row) {
    UNWIND row.inputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.value = pointer.value, p.pointer_type = pointer.pointer_type,
                    p.flag = false, p.created_at = datetime()
    CREATE (r)-[:CONSUMED {pointer: pointer.name, run_start: r.start_timestamp}]->(p)
  }
  CALL (r, row) {
    UNWIND row.outputs AS pointer
    MERGE (p:IOPointer {name: pointer.name})
      ON CREATE SET p.flag = false, p.created_at = datetime()
    SET p.value = pointer.value, p.pointer_type = pointer.pointer_type
    CREATE (r)-[:PRODUCED {pointer: pointer.name, run_start: r.start_timestamp,
                           run_end: r.end_timestamp}]->(p)
  }
  CALL (r, row) {
    UNWIND row.upstream AS upstream_name
    WITH DISTINCT r, upstream_name
    MERGE (u:Component {name: upstream_name})
      ON CREATE SET u.owner = '', u.description = '', u.created_at = datetime()
    CREATE (r)-[:NAMES_UPSTREAM {component: upstream_name,
                              run_start: r.start_timestamp}]->(u)
  }
  RETURN collect(r) AS created
}
CALL (created) {
  UNWIND created AS t
  CALL (t) {
    MATCH (t)-[out:PRODUCED]->(:IOPointer)
    CALL (t, out) {
      MATCH (n:ComponentRun)-[e:PRODUCED]->(:IOPointer)
      USING INDEX e:PRODUCED(pointer, run_end)
      WHERE e.pointer = out.pointer AND e.run_end >= out.run_end
        AND n <> t AND CASE WHEN e.run_end > out.run_end THEN true ELSE n.id > t.id END
      WITH e ORDER BY e.pointer, e.run_end LIMIT 1
      RETURN collect(e.run_end) AS next_end
    }
    WITH t, out, coalesce(next_end[0], datetime('9999-12-31T23:59:59Z')) AS until
    MATCH (fed:ComponentRun)-[e:CONSUMED]->(:IOPointer)
    USING INDEX e:CONSUMED(pointer, run_start)
    WHERE e.pointer = out.pointer AND e.run_start >= t.start_timestamp AND e.run_start < until
    RETURN collect(fed) AS fed_by_outputs
  }
  CALL (t) {
    CALL (t) {
      MATCH (n:ComponentRun)
      USING INDEX n:ComponentRun(component_name, end_timestamp)
      WHERE n.component_name = t.component_name AND n.end_timestamp >= t.end_timestamp
        AND n <> t
        AND CASE WHEN n.end_timestamp > t.end_timestamp THEN true ELSE n.id > t.id END
      WITH n ORDER BY n.component_name, n.end_timestamp LIMIT 1
      RETURN collect(n.end_timestamp) AS next_end
    }
    WITH t, coalesce(next_end[0], datetime('9999-12-31T23:59:59Z')) AS until
    MATCH (fed:ComponentRun)-[e:NAMES_UPSTREAM]->(:Component)
    USING INDEX e:NAMES_UPSTREAM(component, run_start)
    WHERE e.component = t.component_name
      AND e.run_start >= t.start_timestamp AND e.run_start < until
    RETURN collect(fed) AS fed_by_name
  }
  UNWIND [t] + fed_by_outputs + fed_by_name AS decided
  WITH DISTINCT decided AS r
  CALL (r) {
    MATCH (r)-[input:CONSUMED]->(:IOPointer)
    WHERE coalesce(r.dependencies_from_inputs, true)
    CALL (r, input) {
      MATCH (q:ComponentRun)-[e:PRODUCED]->(:IOPointer)
      USING INDEX e:PRODUCED(pointer, run_end)
      WHERE e.pointer = input.pointer AND e.run_end <= r.start_timestamp
      WITH q ORDER BY e.pointer DESC, e.run_end DESC, q.id DESC LIMIT 1
      RETURN collect(q) AS ended
    }
    CALL (r, input, ended) {
      UNWIND CASE WHEN size(ended) = 0 THEN [input.pointer] ELSE [] END AS pointer
      MATCH (q:ComponentRun)-[e:PRODUCED]->(:IOPointer)
      USING INDEX e:PRODUCED(pointer, run_start)
      WHERE e.pointer = pointer AND e.run_start < r.start_timestamp
      WITH q ORDER BY e.pointer DESC, e.run_start DESC, q.id DESC LIMIT 1
      RETURN collect(q) AS started
    }
    RETURN collect(head(ended + started)) AS by_input
  }
  CALL (r) {
    MATCH (r)-[named:NAMES_UPSTREAM]->(:Component)
    CALL (r, named) {
      MATCH (q:ComponentRun)
      USING INDEX q:ComponentRun(component_name, end_timestamp)
      WHERE q.component_name = named.component AND q.end_timestamp <= r.start_timestamp
        AND q <> r
      WITH q ORDER BY q.component_name DESC, q.end_timestamp DESC, q.id DESC LIMIT 1
      RETURN collect(q) AS ended
    }
    CALL (r, named, ended) {
      UNWIND CASE WHEN size(ended) = 0 THEN [named.component] ELSE [] END AS component
      MATCH (q:ComponentRun)
      USING INDEX q:ComponentRun(component_name, start_timestamp)
      WHERE q.component_name = component AND q.start_timestamp < r.start_timestamp
        AND q <> r
      WITH q ORDER BY q.component_name DESC, q.start_timestamp DESC, q.id DESC LIMIT 1
      RETURN collect(q) AS started
    }
    RETURN collect(head(ended + started)) AS by_name
  }
  WITH r, by_input + by_name AS picked
  CALL (r, picked) {
    OPTIONAL MATCH (r)-[old:DEPENDS_ON]->(had:ComponentRun)
    WITH r, picked, collect(old) AS olds, collect(had) AS had
    FOREACH (gone IN [o IN olds WHERE NOT endNode(o) IN picked] | DELETE gone)
    WITH r, had, picked
    UNWIND picked AS dep
    WITH DISTINCT r, had, dep WHERE NOT dep IN had
    CREATE (r)-[:DEPENDS_ON]->(dep)
  }
  CALL (r) {
    MATCH (r)-[:DEPENDS_ON]->(dep:ComponentRun)
    OPTIONAL MATCH (fresher:ComponentRun)
    USING INDEX fresher:ComponentRun(component_name, start_timestamp)
    WHERE fresher.component_name = dep.component_name
      AND fresher.start_timestamp > dep.start_timestamp
      AND fresher.start_timestamp < r.start_timestamp
    WITH r, dep, count(fresher) AS fresher_runs,
         duration.inDays(dep.start_timestamp, r.start_timestamp).days AS days
    WITH r, dep, fresher_runs, days,
         duration.inSeconds(dep.start_timestamp, r.start_timestamp).seconds AS age_seconds,
         coalesce(r.staleness_threshold, 2592000) AS threshold
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
  RETURN collect(r) AS decided
}
WITH known + [r IN created | {uid: r.uid, id: r.id}] AS runs
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
