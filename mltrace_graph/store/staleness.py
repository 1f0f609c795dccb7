"""What staleness at query time needs to know about a trace, read in one round trip.

The question starts from an output (its producer as of ``$as_of``, see ``store/as_of.py``)
or from a run, and walks that run's ``DEPENDS_ON`` ancestors with the pruning BFS shape of
``store/lineage.py``. For each run reached it returns the facts the reasons are built
from; the service (``service/staleness.py``) turns them into DATA, AGE, CODE and UPSTREAM
reasons and the re-run plan, so the rules live in one readable place and the store only
reads.

Cost grows with the trace, never with the database: every lookup outside the trace is an
index seek anchored on a run or pointer of the trace.

* the latest run of each component in the trace (DATA): ``component_run_history``
  ``(component_name, start_timestamp)`` read backwards from ``$as_of``, first entry that
  had ended by then;
* the latest later run of a run's component with other code (CODE): the same index, read
  backwards from ``$as_of`` down to the run's own start;
* the producer of each consumed pointer as of ``$as_of`` (DATA of a raw or re-produced
  input): the pointer's own producers, ordered by ``producer_order``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, LiteralString

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.as_of import producer_order, started_by
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD

# The bound of an index seek when there is no as_of: later than any run.
END_OF_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

__all__ = ["PointerFacts", "RunFacts", "TraceFacts", "trace_facts"]


@dataclass(frozen=True)
class PointerFacts:
    """A pointer a run consumed and its producer as of ``$as_of`` (None: nothing had).

    Which dependency the run read it from is in ``runs``: the run's dependencies are in
    the trace, with their outputs.
    """

    name: str
    current_id: int | None


@dataclass(frozen=True)
class RunFacts:
    """One run of the trace and what each reason looks at beyond the run itself."""

    id: int
    threshold: int
    dependencies_from_inputs: bool
    inputs: tuple[PointerFacts, ...]
    changed_code_id: int | None
    code_snapshot_differs: bool


@dataclass(frozen=True)
class TraceFacts:
    """The trace of a target and every run its reasons can name.

    ``root_id`` is the target's run (None when none had started by ``as_of``); ``facts``
    has one entry per run of the trace; ``latest_by_component`` the latest run of each of
    the trace's components that had ended by ``as_of``; ``runs`` every run named anywhere
    here, by id (the trace's runs and the later runs that may be causes).
    """

    root_id: int | None
    facts: tuple[RunFacts, ...]
    latest_by_component: dict[str, int]
    runs: dict[int, ComponentRun]


def _seek_started_by(var: LiteralString) -> LiteralString:
    """``started_by(var)`` as an index range: ``$until`` is ``$as_of``, or the end of time.

    The same rule as ``store/as_of.py``; its ``$as_of IS NULL OR ...`` form cannot bound an
    index seek (Neo4j refuses the index hint), so lookups through an index use this one.
    """
    return var + ".start_timestamp <= $until"


def _seek_ended_by(var: LiteralString) -> LiteralString:
    """Had ended by ``$as_of`` (any end when null), as an index-friendly comparison."""
    return var + ".end_timestamp <= $until"


# The anchors: the output's producer as of $as_of, or the run asked for (when it had
# started by then). Each yields one row with r0 (null when there is none yet).
_FROM_OUTPUT: LiteralString = (
    """
MATCH (out:IOPointer {name: $output})
CALL (out) {
  OPTIONAL MATCH (out)<-[:PRODUCED]-(r0:ComponentRun)
  WHERE """
    + started_by("r0")
    + """
  WITH r0 """
    + producer_order("r0")
    + """
  LIMIT 1
  RETURN r0
}
"""
)

_FROM_RUN: LiteralString = (
    """
MATCH (asked:ComponentRun {id: $run_id})
WITH CASE WHEN """
    + started_by("asked")
    + """ THEN asked END AS r0
"""
)

# The trace (pruning BFS), then per component its latest ended run, per run the latest
# later run of its component with other code and the producer as of $as_of of each input,
# then one projection of every run named. Code counts as other only where both runs
# recorded it (a git hash or a code snapshot), so a run logged outside git is not "new code"
# (a comparison with null is null, so CASE falls through), and a run that recorded neither
# is not looked up at all (UNWIND of an empty list: a WHERE there would be moved after the
# index seek by the planner). CASE rather than OR: the planner
# splits an OR into a union of seeks that must be sorted whole, where one seek read
# backwards stops at the first match (PartialTop).
_TAIL: LiteralString = (
    """
CALL (r0) {
  MATCH p = (r0)-[:DEPENDS_ON*0..]->(r:ComponentRun)
  WITH r, min(length(p)) AS level
  RETURN collect(r) AS trace
}
CALL (trace) {
  UNWIND trace AS r
  WITH DISTINCT r.component_name AS name
  CALL (name) {
    MATCH (n:ComponentRun)
    USING INDEX n:ComponentRun(component_name, start_timestamp)
    WHERE n.component_name = name AND """
    + _seek_started_by("n")
    + " AND "
    + _seek_ended_by("n")
    + """
    WITH n ORDER BY n.component_name DESC, n.start_timestamp DESC, n.id DESC LIMIT 1
    RETURN collect(n) AS latest
  }
  RETURN collect({component: name, latest: latest[0].id}) AS components,
         collect(latest[0]) AS latest_runs
}
CALL (trace) {
  UNWIND trace AS r
  CALL (r) {
    UNWIND CASE WHEN r.git_hash IS NULL AND r.code_snapshot IS NULL THEN [] ELSE [r] END
      AS recorded
    CALL (recorded) {
      MATCH (n:ComponentRun)
      USING INDEX n:ComponentRun(component_name, start_timestamp)
      WHERE n.component_name = recorded.component_name
        AND n.start_timestamp > recorded.start_timestamp
        AND """
    + _seek_started_by("n")
    + """
        AND CASE WHEN n.git_hash <> recorded.git_hash THEN true
                 WHEN n.code_snapshot <> recorded.code_snapshot THEN true ELSE false END
      WITH n ORDER BY n.component_name DESC, n.start_timestamp DESC, n.id DESC LIMIT 1
      RETURN n
    }
    RETURN collect(n) AS changed
  }
  CALL (r) {
    MATCH (r)-[:CONSUMED]->(p:IOPointer)
    CALL (p) {
      MATCH (q:ComponentRun)-[:PRODUCED]->(p)
      WHERE """
    + started_by("q")
    + """
      WITH q """
    + producer_order("q")
    + """
      LIMIT 1
      RETURN collect(q) AS current
    }
    RETURN collect({name: p.name, current: current[0].id}) AS inputs,
           collect(current[0]) AS producers
  }
  RETURN collect({id: r.id,
                  threshold: coalesce(r.staleness_threshold, $default_threshold),
                  from_inputs: coalesce(r.dependencies_from_inputs, true),
                  inputs: inputs, changed: changed[0].id,
                  snapshot_differs: coalesce(changed[0].code_snapshot <> r.code_snapshot,
                                             false)}) AS facts,
         collect(changed[0]) AS changed_runs,
         reduce(acc = [], runs IN collect(producers) | acc + runs) AS producers
}
WITH r0, components, facts, trace + latest_runs + changed_runs + producers AS named
CALL (named) {
  UNWIND named AS r
  WITH DISTINCT r
  MATCH (r)-[:RUN_OF]->(c:Component)
  RETURN collect("""
    + RUN_PROJECTION
    + """) AS records
}
RETURN r0.id AS root, facts, components, records
"""
)

STALENESS_FROM_OUTPUT: LiteralString = _FROM_OUTPUT + _TAIL
STALENESS_FROM_RUN: LiteralString = _FROM_RUN + _TAIL


def _run_facts(data: dict[str, Any]) -> RunFacts:
    return RunFacts(
        id=int(data["id"]),
        threshold=int(data["threshold"]),
        dependencies_from_inputs=bool(data["from_inputs"]),
        inputs=tuple(
            PointerFacts(
                name=str(p["name"]),
                current_id=None if p.get("current") is None else int(p["current"]),
            )
            for p in sorted(data["inputs"], key=lambda p: str(p["name"]))
        ),
        changed_code_id=None if data.get("changed") is None else int(data["changed"]),
        code_snapshot_differs=bool(data["snapshot_differs"]),
    )


def trace_facts(
    db: Database,
    *,
    output_id: str | None = None,
    run_id: int | None = None,
    as_of: datetime | None = None,
) -> TraceFacts:
    """The trace of an output (its producer as of ``as_of``) or of a run, with its facts.

    Give exactly one of ``output_id`` and ``run_id``. A target that had no run by
    ``as_of`` has an empty trace (``root_id`` None).

    Raises:
        NotFoundError: no output has that name, or no run that id.
    """
    params: dict[str, Any] = {
        "as_of": as_of,
        "until": END_OF_TIME if as_of is None else as_of,
        "default_threshold": DEFAULT_STALENESS_THRESHOLD,
    }
    if run_id is not None:
        rows = db.read(STALENESS_FROM_RUN, run_id=int(run_id), **params)
        if not rows:
            raise NotFoundError("run", int(run_id))
    else:
        rows = db.read(STALENESS_FROM_OUTPUT, output=str(output_id), **params)
        if not rows:
            raise NotFoundError("output", str(output_id))
    row = rows[0]
    runs = {run.id: run for run in map(run_from_record, row["records"]) if run.id is not None}
    latest = {
        str(c["component"]): int(c["latest"]) for c in row["components"] if c["latest"] is not None
    }
    facts = tuple(sorted((_run_facts(f) for f in row["facts"]), key=lambda f: f.id))
    root = row["root"]
    return TraceFacts(
        root_id=None if root is None else int(root),
        facts=facts,
        latest_by_component=latest,
        runs=runs,
    )
