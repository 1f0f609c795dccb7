"""The flat lineage graph a trace or an impact returns, and how it is built from rows.

Pure Python: ``lineage`` runs the queries; this module turns their per-run rows into nodes
(each run and pointer once, with levels) and edges, for the CLI tree, the API and the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mltrace_graph.store.temporal import to_datetime


@dataclass(frozen=True)
class TraceNode:
    """A run or an IO pointer in a trace graph, with its hop level from the start.

    ``id`` is typed and parseable: ``run:<id>`` or ``io:<name>``. Run fields are ``None`` on
    pointer nodes and pointer fields are ``None``/``False`` on run nodes.
    """

    id: str
    kind: str  # "run" | "io"
    level: int
    label: str
    run_id: int | None = None
    component_name: str | None = None
    status: str | None = None
    stale: tuple[str, ...] = ()
    start_timestamp: datetime | None = None
    end_timestamp: datetime | None = None
    pointer_name: str | None = None
    pointer_type: str | None = None
    value: str | None = None
    flag: bool = False


@dataclass(frozen=True)
class TraceEdge:
    """A graph edge in its stored direction: run->pointer (CONSUMED, PRODUCED), run->run."""

    source: str
    target: str
    type: str  # "CONSUMED" | "PRODUCED" | "DEPENDS_ON"


@dataclass(frozen=True)
class TraceGraph:
    """A flat lineage graph: each node once, edges between kept nodes, levels for layout.

    ``truncated`` is true when ``max_depth`` or ``max_nodes`` left some reachable run out.
    ``direction`` is ``"upstream"`` for a trace and ``"downstream"`` for an impact.
    ``as_of`` echoes the moment the graph was read as of (``None``: now); ``note`` says why
    the graph is empty when it is empty because of that moment (``store.as_of_note``).
    """

    root: str
    direction: str
    nodes: list[TraceNode] = field(default_factory=list)
    edges: list[TraceEdge] = field(default_factory=list)
    truncated: bool = False
    as_of: datetime | None = None
    note: str | None = None

    @property
    def runs(self) -> list[TraceNode]:
        return [n for n in self.nodes if n.kind == "run"]

    @property
    def pointers(self) -> list[TraceNode]:
        return [n for n in self.nodes if n.kind == "io"]


def run_node_id(run_id: int) -> str:
    return f"run:{run_id}"


def pointer_node_id(name: str) -> str:
    return f"io:{name}"


def _pointer_node(props: dict[str, Any], level: int) -> TraceNode:
    value = props.get("value")
    return TraceNode(
        id=pointer_node_id(props["name"]),
        kind="io",
        level=level,
        label=props["name"],
        pointer_name=props["name"],
        pointer_type=props.get("pointer_type"),
        value=None if value is None else str(value),
        flag=bool(props.get("flag")),
    )


def assemble(
    row: dict[str, Any],
    direction: str,
    root: str,
    as_of: datetime | None = None,
    note: str | None = None,
) -> TraceGraph:
    """Builds nodes and edges from per-run rows (pure Python; the query did the walking)."""
    runs = row["runs"]
    kept_ids = {int(item["run"]["id"]) for item in runs}
    nodes: list[TraceNode] = []
    edges: list[TraceEdge] = []
    pointer_props: dict[str, dict[str, Any]] = {}
    pointer_level: dict[str, int] = {}
    start = row["start"]
    if "name" in start:  # a pointer start: it is in the graph whatever else is
        pointer_props[start["name"]] = start
        pointer_level[start["name"]] = 0
    for item in runs:
        run, level = item["run"], int(item["level"])
        nodes.append(
            TraceNode(
                id=run_node_id(int(run["id"])),
                kind="run",
                level=level,
                label=run["component_name"],
                run_id=int(run["id"]),
                component_name=run["component_name"],
                status=run.get("status") or "success",
                stale=tuple(run.get("stale") or ()),
                start_timestamp=to_datetime(run.get("start_timestamp")),
                end_timestamp=to_datetime(run.get("end_timestamp")),
            )
        )
        for dep in sorted(item["depends_on"]):
            if int(dep) in kept_ids:
                edges.append(TraceEdge(run_node_id(int(run["id"])), run_node_id(dep), "DEPENDS_ON"))
    # Which pointers belong: upstream, every input of a kept run plus the traced output;
    # downstream, every output of a kept run plus the starting pointer.
    for item in runs:
        for props in item["outputs"] if direction == "downstream" else item["inputs"]:
            pointer_props.setdefault(props["name"], props)
    produced: set[str] = set()
    for item in runs:
        run_id, level = int(item["run"]["id"]), int(item["level"])
        for props in item["outputs"]:
            if props["name"] in pointer_props:
                name = props["name"]
                edges.append(TraceEdge(run_node_id(run_id), pointer_node_id(name), "PRODUCED"))
                pointer_level[name] = min(pointer_level.get(name, level), level)
                produced.add(name)
    for item in runs:
        run_id, level = int(item["run"]["id"]), int(item["level"])
        for props in item["inputs"]:
            name = props["name"]
            if name in pointer_props:
                edges.append(TraceEdge(run_node_id(run_id), pointer_node_id(name), "CONSUMED"))
                if name not in produced and name not in pointer_level:
                    # Raw inputs sit one level beyond their nearest consumer.
                    pointer_level[name] = level + 1
                elif name not in produced:
                    pointer_level[name] = min(pointer_level[name], level + 1)
    for name in sorted(pointer_props, key=lambda n: (pointer_level.get(n, 0), n)):
        nodes.append(_pointer_node(pointer_props[name], pointer_level.get(name, 0)))
    edges.sort(key=lambda e: (e.type, e.source, e.target))
    return TraceGraph(
        root=root,
        direction=direction,
        nodes=nodes,
        edges=edges,
        truncated=bool(row["truncated"]),
        as_of=as_of,
        note=note,
    )
