"""Lineage reads: backtrace (upstream), the flat trace graph, impact (downstream), flagging it.

Every query here walks ``DEPENDS_ON`` with ``MATCH p = (a)-[:DEPENDS_ON*0..N]->(b)`` followed
by ``min(length(p))`` grouped by the end node. Neo4j 5.26 plans exactly that shape as
``VarLengthExpand(Pruning,BFS,All)``: a breadth-first search that reaches each run once and
reports its shortest distance, so a diamond-shaped pipeline costs its number of runs, not its
number of paths. Two look-alikes are slower and are avoided on purpose (measured on 5.26):

* ``SHORTEST 1 (a)-[:DEPENDS_ON]->*(b)`` with ``b`` unbound timed out on a 40-layer diamond
  (it keeps one partition per end node but still explores every path to it);
* a ``WHERE length(p) <= $max`` filter instead of a literal upper bound turns the pruning BFS
  back into a plain ``VarLengthExpand(All)`` that enumerates paths.

So the depth bound is written into the query as a validated int literal (see ``_bounded``).
``tests/store/test_plans.py`` asserts the operator with ``PROFILE``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.as_of import PRODUCER_ORDER, started_by
from mltrace_graph.store.as_of_note import EMPTY_FACTS, empty_note
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import LOCAL_ACTOR, flagged_at, set_flag
from mltrace_graph.store.trace_graph import (
    TraceEdge,
    TraceGraph,
    TraceNode,
    assemble,
    pointer_node_id,
    run_node_id,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "TraceEdge",
    "TraceGraph",
    "TraceNode",
    "backtrace",
    "check_depth",
    "flag_impact",
    "impact",
    "pointer_node_id",
    "run_node_id",
    "trace",
]

# The default cap on runs in a trace or impact graph: the UI cannot draw much more.
DEFAULT_MAX_NODES = 5000
_UNBOUNDED = 2**31 - 1
_BOUND = "$$DEPTH$$"


def check_depth(max_depth: int | None, name: str = "max_depth") -> int | None:
    """Depth bounds end up as Cypher literals, so only plain non-negative ints pass."""
    if max_depth is None:
        return None
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 0:
        raise ValueError(f"{name} must be a non-negative int or None, got {max_depth!r}")
    return max_depth


def _bounded(template: LiteralString, bound: int | None) -> LiteralString:
    """Writes a var-length upper bound into the query (a validated int, never user text)."""
    text = "" if bound is None else str(int(bound))
    return template.replace(_BOUND, text)  # mypy reads LiteralString as str


# The latest producer of the output is level 0: the one that ended last (ties: higher id;
# a run still open, with no end, comes after every ended one), the same "latest" as the
# dependency rule of RECORD_RUNS. Then its dependencies, each once at its shortest
# distance. One row when the output exists.
BACKTRACE = (
    """
MATCH (out:IOPointer {name: $output})
CALL (out) {
  MATCH (out)<-[:PRODUCED]-(r0:ComponentRun)
  WHERE """
    + started_by("r0")
    + """
  WITH r0 """
    + PRODUCER_ORDER
    + """ LIMIT 1
  MATCH p = (r0)-[:DEPENDS_ON*0..$$DEPTH$$]->(r:ComponentRun)
  WITH r, min(length(p)) AS level
  ORDER BY level, r.id DESC
  MATCH (r)-[:RUN_OF]->(c:Component)
  RETURN collect({level: level, record: """
    + RUN_PROJECTION
    + """}) AS runs
}
RETURN runs
"""
)

# Reached runs are sorted by level and cut at $max_nodes + 1 so the caller can tell a
# truncated graph from a complete one; the expansion bound is max_depth + 1 for the same
# reason. Then, per kept run, what the graph needs to draw it and its edges.
_GRAPH_TAIL = (
    """
  ORDER BY level, r.id DESC
  LIMIT $max_nodes + 1
  RETURN collect({run: r, level: level}) AS reached
}
WITH start, reached, [x IN reached WHERE x.level <= $max_depth] AS kept
WITH start, size(kept) < size(reached) OR size(kept) > $max_nodes AS truncated,
     kept[..$max_nodes] AS kept
CALL (kept) {
  UNWIND kept AS x
  WITH x.run AS r, x.level AS level
  RETURN collect({
    level: level,
    run: r {.id, .component_name, .status, .stale,
            start_timestamp: r.start_timestamp.epochSeconds * 1000000
                             + r.start_timestamp.microsecond,
            end_timestamp: r.end_timestamp.epochSeconds * 1000000 + r.end_timestamp.microsecond},
    inputs: [(r)-[:CONSUMED]->(p:IOPointer) | p {.name, .value, .pointer_type, flag: """
    + flagged_at("p")
    + """}],
    outputs: [(r)-[:PRODUCED]->(p:IOPointer) | p {.name, .value, .pointer_type, flag: """
    + flagged_at("p")
    + """}],
    depends_on: [(r)-[:DEPENDS_ON]->(d:ComponentRun) | d.id]}) AS runs
}
RETURN CASE WHEN start:IOPointer THEN start {.*, flag: """
    + flagged_at("start")
    + """} ELSE start {.*} END AS start, truncated, runs,
"""
    + EMPTY_FACTS
    + """
"""
)

TRACE_GRAPH = (
    """
MATCH (start:IOPointer {name: $output})
CALL (start) {
  MATCH (start)<-[:PRODUCED]-(r0:ComponentRun)
  WHERE """
    + started_by("r0")
    + """
  WITH r0 """
    + PRODUCER_ORDER
    + """ LIMIT 1
  MATCH p = (r0)-[:DEPENDS_ON*0..$$DEPTH$$]->(r:ComponentRun)
  WITH r, min(length(p)) AS level
"""
    + _GRAPH_TAIL
)

IMPACT_OF_RUN = (
    """
MATCH (start:ComponentRun {id: $run_id})
CALL (start) {
  MATCH p = (start)<-[:DEPENDS_ON*0..$$DEPTH$$]-(r:ComponentRun)
  WITH r, min(length(p)) AS level
  WHERE """
    + started_by("r")
    + _GRAPH_TAIL
)

# From a pointer: the runs that consumed it are level 1 (the pointer is level 0).
IMPACT_OF_OUTPUT = (
    """
MATCH (start:IOPointer {name: $output})
CALL (start) {
  MATCH (start)<-[:CONSUMED]-(c0:ComponentRun)
  MATCH p = (c0)<-[:DEPENDS_ON*0..$$DEPTH$$]-(r:ComponentRun)
  WITH r, min(length(p)) + 1 AS level
  WHERE """
    + started_by("r")
    + _GRAPH_TAIL
)

# Flags every output of the impacted runs (and the starting pointer) in one write.
FLAG_IMPACT_OF_RUN = (
    """
MATCH (start:ComponentRun {id: $run_id})
CALL (start) {
  MATCH p = (start)<-[:DEPENDS_ON*0..$$DEPTH$$]-(r:ComponentRun)
  WITH DISTINCT r
  MATCH (r)-[:PRODUCED]->(o:IOPointer)
  WITH DISTINCT o
"""
    + set_flag("o", "true")
    + """
  RETURN collect(o.name) AS flagged
}
RETURN flagged
"""
)

FLAG_IMPACT_OF_OUTPUT = (
    """
MATCH (start:IOPointer {name: $output})
CALL (start) {
  OPTIONAL MATCH (start)<-[:CONSUMED]-(c0:ComponentRun)
  OPTIONAL MATCH (c0)<-[:DEPENDS_ON*0..$$DEPTH$$]-(r:ComponentRun)
  WITH DISTINCT r
  OPTIONAL MATCH (r)-[:PRODUCED]->(o:IOPointer)
  WITH DISTINCT o WHERE o IS NOT NULL
"""
    + set_flag("o", "true")
    + """
  RETURN collect(o.name) AS flagged
}
WITH start, flagged
"""
    + set_flag("start", "true")
    + """
RETURN [start.name] + [name IN flagged WHERE name <> start.name] AS flagged
"""
)


def backtrace(
    db: Database,
    output_id: str,
    max_depth: int | None = None,
    as_of: datetime | None = None,
) -> list[tuple[int, ComponentRun]]:
    """The runs an output depends on, each once at its shortest distance, in one query.

    Level 0 is the latest run that produced ``output_id`` (the one that ended last, ties by
    id); level n holds the runs n ``DEPENDS_ON`` hops upstream of it. Runs are ordered by
    level, then by id descending. A pointer nothing produced (a raw input) has an empty backtrace.
    With ``as_of`` (a UTC datetime), level 0 is the producer as of then (``store.as_of``),
    and a pointer nothing had produced by then has an empty backtrace.

    Raises:
        NotFoundError: no pointer is named ``output_id``.
    """
    bound = check_depth(max_depth)
    rows = db.read(_bounded(BACKTRACE, bound), output=output_id, as_of=as_of)
    if not rows:
        raise NotFoundError("output", str(output_id))
    return [(int(item["level"]), run_from_record(item["record"])) for item in rows[0]["runs"]]


def trace(
    db: Database,
    output_id: str,
    max_depth: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    as_of: datetime | None = None,
) -> TraceGraph:
    """The upstream lineage of an output as a flat graph (runs and pointers each once).

    Runs carry their backtrace level; a pointer takes the level of the run in the graph
    that produced it, or one more than its consumer's level when nothing in the graph
    produced it (a raw input). With ``as_of``, the graph as it stood then: the producer
    as of then and its ancestors (which all started before it), pointers with the flags
    of then, and a ``note`` when nothing had produced the output yet.

    Raises:
        NotFoundError: no pointer is named ``output_id``.
    """
    bound = check_depth(max_depth)
    _check_max_nodes(max_nodes)
    rows = db.read(
        _bounded(TRACE_GRAPH, None if bound is None else bound + 1),
        output=output_id,
        max_depth=_UNBOUNDED if bound is None else bound,
        max_nodes=max_nodes,
        as_of=as_of,
    )
    if not rows:
        raise NotFoundError("output", str(output_id))
    note = empty_note(as_of, rows[0]["empty"], output_id)
    return assemble(rows[0], "upstream", pointer_node_id(output_id), as_of, note)


def impact(
    db: Database,
    *,
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    as_of: datetime | None = None,
) -> TraceGraph:
    """Everything downstream of a run or a pointer: the runs it fed and their outputs.

    From a run, that run is level 0 and the runs depending on it level 1, and so on. From a
    pointer, the pointer is level 0 and the runs that consumed it level 1. Give exactly one
    of ``run_id`` and ``output_id``. With ``as_of``, only runs started by then: a run starts
    after every run it depends on, so dropping the later ones after the walk leaves each
    kept run at the level it had then.

    Raises:
        NotFoundError: the run or pointer does not exist.
    """
    bound = check_depth(max_depth)
    _check_max_nodes(max_nodes)
    params: dict[str, Any] = {
        "max_depth": _UNBOUNDED if bound is None else bound,
        "max_nodes": max_nodes,
        "as_of": as_of,
    }
    if _start(run_id, output_id) == "run":
        query = _bounded(IMPACT_OF_RUN, None if bound is None else bound + 1)
        rows = db.read(query, run_id=run_id, **params)
        if not rows:
            raise NotFoundError("run", str(run_id))
        note = empty_note(as_of, rows[0]["empty"])
        return assemble(rows[0], "downstream", run_node_id(int(run_id or 0)), as_of, note)
    # Pointer start: consumers are level 1, so a path of length n reaches level n + 1.
    query = _bounded(IMPACT_OF_OUTPUT, bound)
    rows = db.read(query, output=output_id, **params)
    if not rows:
        raise NotFoundError("output", str(output_id))
    note = empty_note(as_of, rows[0]["empty"], output_id)
    return assemble(rows[0], "downstream", pointer_node_id(str(output_id)), as_of, note)


def flag_impact(
    db: Database,
    *,
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    actor: str = LOCAL_ACTOR,
) -> list[str]:
    """Flags every output downstream of a run or pointer in one write; returns their names.

    From a pointer, the pointer itself is flagged too. ``max_depth`` bounds the runs whose
    outputs are flagged, with the same levels as ``impact``. Each pointer that was not
    flagged yet gets a flag event by ``actor`` (``store.flags``).

    Raises:
        NotFoundError: the run or pointer does not exist (nothing is flagged).
    """
    bound = check_depth(max_depth)
    if _start(run_id, output_id) == "run":
        rows = db.write(_bounded(FLAG_IMPACT_OF_RUN, bound), run_id=run_id, actor=actor)
        if not rows:
            raise NotFoundError("run", str(run_id))
    else:
        # Consumers are level 1, so max_depth d keeps paths of length d - 1 from them.
        query = (
            FLAG_POINTER
            if bound == 0
            else _bounded(FLAG_IMPACT_OF_OUTPUT, None if bound is None else bound - 1)
        )
        rows = db.write(query, output=output_id, actor=actor)
        if not rows:
            raise NotFoundError("output", str(output_id))
    return sorted(str(name) for name in rows[0]["flagged"])


# flag_impact(output_id=..., max_depth=0): the pointer alone.
FLAG_POINTER = (
    """
MATCH (start:IOPointer {name: $output})
"""
    + set_flag("start", "true")
    + """
RETURN [start.name] AS flagged
"""
)


def _start(run_id: int | None, output_id: str | None) -> str:
    if (run_id is None) == (output_id is None):
        raise ValueError(
            f"give exactly one of run_id and output_id, got run_id={run_id!r}, "
            f"output_id={output_id!r}"
        )
    if run_id is not None:
        if isinstance(run_id, bool) or not isinstance(run_id, int):
            raise TypeError(f"run_id must be an int, got {type(run_id).__name__}: {run_id!r}")
        return "run"
    return "output"


def _check_max_nodes(max_nodes: int) -> None:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
