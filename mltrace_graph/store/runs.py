"""Writing component runs: one statement per batch, idempotent, with ids, edges and staleness.

The whole of a logged run (component, run, pointers, edges, dependencies, staleness) is
written by ``RECORD_RUNS`` in one round trip; a batch of runs is the same statement with
more rows. Conversions between ``ComponentRun`` and graph rows live here too, so every
query that returns runs shapes them the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.store.connection import Database
from mltrace_graph.store.temporal import to_datetime

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
#    warnings computed again.
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
    MATCH (r)-[old:DEPENDS_ON]->(dep:ComponentRun)
    WHERE NOT dep IN picked
    DELETE old
  }
  CALL (r, picked) {
    UNWIND picked AS dep
    WITH DISTINCT r, dep
    MERGE (r)-[:DEPENDS_ON]->(dep)
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

DEFAULT_STALENESS_THRESHOLD = 60 * 60 * 24 * 30


def _plain(value: Any) -> Any:
    """Pointer values are kept only when Neo4j can store them as a property."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)[:1000]


def run_to_row(
    run: ComponentRun,
    *,
    dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> dict[str, Any]:
    """The parameter row ``RECORD_RUNS`` takes for one run; checks what Neo4j cannot."""
    if run.start_timestamp is None or run.end_timestamp is None:
        raise ValueError(
            f"run of component {run.component_name!r} has no "
            f"{'start' if run.start_timestamp is None else 'end'}_timestamp; call "
            f"set_start_timestamp() and set_end_timestamp() before logging it"
        )
    produced = {p.name for p in run.outputs}
    looped = [p.name for p in run.inputs if p.name in produced]
    if looped:
        raise ValueError(
            f"run of component {run.component_name!r} both consumes and produces {looped[0]!r}; "
            f"a run cannot depend on its own output (give the output a new name or version)"
        )
    # Empty values are left out rather than stored as '', [] or '{}': most runs have no
    # notes, tags, tests, params or metrics, and a 1,000-run backtrace reads and ships every
    # stored property (leaving them out saved about 6 ms of its 45). Reads treat a missing
    # property as empty.
    props: dict[str, Any] = {
        "git_hash": run.git_hash,
        "code_snapshot": run.code_snapshot,
        "status": run.status,
    }
    if run.notes:
        props["notes"] = run.notes
    if run.git_tags:
        props["git_tags"] = list(run.git_tags)
    if run.test_results:
        props["test_results"] = json.dumps(run.test_results, default=str)
    if run.params:
        props["params"] = json.dumps(run.params, default=str, sort_keys=True)
    if run.metrics:
        props["metrics"] = json.dumps(run.metrics, default=str, sort_keys=True)
    if run.metric_steps:
        props["metric_steps"] = json.dumps(run.metric_steps, sort_keys=True)
    for key, value in run.params.items():
        props[f"param.{key}"] = _plain(value)
    for key, value in run.metrics.items():
        props[f"metric.{key}"] = value
    component = None
    if run.owner or run.component_description or run.component_tags:
        component = {
            "owner": run.owner or "",
            "description": run.component_description or "",
            "tags": list(run.component_tags),
        }
    return {
        "uid": run.uid,
        "component_name": run.component_name,
        "component": component,
        "start_timestamp": run.start_timestamp,
        "end_timestamp": run.end_timestamp,
        "props": props,
        "inputs": [_pointer_row(p) for p in run.inputs],
        "outputs": [_pointer_row(p) for p in run.outputs],
        "upstream": list(run.dependencies),
        "dependencies_from_inputs": dependencies_from_inputs,
        "staleness_threshold": int(staleness_threshold),
    }


def _pointer_row(pointer: IOPointer) -> dict[str, Any]:
    return {
        "name": pointer.name,
        "value": _plain(pointer.value),
        "pointer_type": pointer.pointer_type.value,
    }


def record_runs(
    db: Database,
    runs: Sequence[ComponentRun],
    *,
    dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> None:
    """Writes runs in one round trip and sets ``id``, ``stale`` and ``dependency_ids`` on them.

    Runs are written in the order given; dependencies on runs earlier in the same batch
    are found, so a backfill logs a whole pipeline in one call.
    """
    if not runs:
        return
    rows = [
        run_to_row(
            run,
            dependencies_from_inputs=dependencies_from_inputs,
            staleness_threshold=staleness_threshold,
        )
        for run in runs
    ]
    result = write_rows(db, rows)
    for run in runs:
        written = result[run.uid]
        run.id = int(written["id"])
        run.stale = list(written["stale"])
        run.dependency_ids = sorted(int(i) for i in written["dependency_ids"])


def write_rows(db: Database, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Writes rows made by ``run_to_row`` in one round trip; results keyed by uid.

    The spool keeps rows rather than runs, so replaying it goes through here too.
    """
    if not rows:
        return {}
    written = db.write_idempotent(RECORD_RUNS, runs=[_wire(row) for row in rows])
    return {row["uid"]: row for row in written}


def _wire(row: dict[str, Any]) -> dict[str, Any]:
    """The row as sent: timestamps as ISO 8601 text, pointers once per name.

    The driver's packing of a timezone-aware ``datetime`` goes through slow pure-Python
    conversions (about 0.3 ms per value); a string costs almost nothing, and Cypher's
    ``datetime()`` stores the same UTC ``DateTime``. With each name once (the first one
    given wins), a new run's CONSUMED/PRODUCED edges are CREATEd instead of MERGEd.
    """
    return {
        **row,
        "start_timestamp": _iso(row["start_timestamp"]),
        "end_timestamp": _iso(row["end_timestamp"]),
        "inputs": _distinct(row["inputs"]),
        "outputs": _distinct(row["outputs"]),
    }


def _distinct(pointers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    first: dict[str, dict[str, Any]] = {}
    for pointer in pointers:
        first.setdefault(pointer["name"], pointer)
    return list(first.values())


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# The projection every run-returning query uses, so ``run_from_record`` can read any of them.
# Timestamps travel as epoch microseconds (see ``store.temporal``).
RUN_PROJECTION = """
{run: r {.*, logged_at: null,
         start_timestamp: r.start_timestamp.epochSeconds * 1000000
                          + r.start_timestamp.microsecond,
         end_timestamp: r.end_timestamp.epochSeconds * 1000000 + r.end_timestamp.microsecond},
 owner: c.owner,
 inputs: COLLECT { MATCH (r)-[:CONSUMED]->(p:IOPointer)
                 RETURN p {.name, .value, .pointer_type, .flag} ORDER BY p.name },
 outputs: COLLECT { MATCH (r)-[:PRODUCED]->(p:IOPointer)
                  RETURN p {.name, .value, .pointer_type, .flag} ORDER BY p.name },
 dependencies: COLLECT { MATCH (r)-[:DEPENDS_ON]->(d:ComponentRun)
                         RETURN d {.id, .component_name} ORDER BY d.id }}
"""


def run_from_record(record: dict[str, Any]) -> ComponentRun:
    """Builds a ``ComponentRun`` from a map shaped by ``RUN_PROJECTION``."""
    props = record["run"]
    run = ComponentRun.restored(
        component_name=props["component_name"],
        notes=props.get("notes") or "",
        start_timestamp=to_datetime(props.get("start_timestamp")),
        end_timestamp=to_datetime(props.get("end_timestamp")),
        inputs=[_pointer_from(p) for p in record.get("inputs", ())],
        outputs=[_pointer_from(p) for p in record.get("outputs", ())],
        id=int(props["id"]),
        uid=props["uid"],
    )
    run.git_hash = props.get("git_hash")
    run.git_tags = list(props.get("git_tags") or ())
    run.code_snapshot = props.get("code_snapshot")
    run.stale = list(props.get("stale") or ())
    dependencies = record.get("dependencies", ())
    run.dependencies = [d["component_name"] for d in dependencies]
    run.dependency_ids = [int(d["id"]) for d in dependencies]
    run.status = props.get("status") or "success"
    run.test_results = _json(props.get("test_results"), [])
    run.params = _json(props.get("params"), {})
    run.metrics = _json(props.get("metrics"), {})
    metric_steps = _json(props.get("metric_steps"), {})
    if metric_steps:
        run.metric_steps = {
            key: [(int(step), float(value)) for step, value in pairs]
            for key, pairs in metric_steps.items()
        }
    run.owner = record.get("owner")
    return run


def _json(text: str | None, empty: Any) -> Any:
    """Parses a JSON property; most runs store empty ones, which need no parser."""
    if not text or text in ("[]", "{}"):
        return type(empty)()
    return json.loads(text)


def _pointer_from(props: dict[str, Any]) -> IOPointer:
    return IOPointer.restored(
        props["name"],
        props.get("value") or "",
        props.get("pointer_type"),
        bool(props.get("flag")),
    )


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
