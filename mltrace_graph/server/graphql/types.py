"""GraphQL object types: read-only views of the store's entities, built without I/O.

Each type has a ``from_*`` constructor that copies what the store returned, so a resolver
makes its one store call and every nested field is answered from memory (no N+1). The one
exception is ``flagEvents``, read when selected (see ``flag_events``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer as IOPointerEntity
from mltrace_graph.server.graphql.flag_events import (
    FlagEvent,
    pointer_flag_events,
    run_flag_events,
)
from mltrace_graph.store import trace_graph
from mltrace_graph.store.history import ComponentInfo


def as_json(value: Any) -> JSON:
    """Marks plain data as a value of the JSON scalar (for the type checker only)."""
    return cast(JSON, value)


@strawberry.enum(description="What an IO pointer points at.")
class PointerType(enum.Enum):
    DATA = "DATA"
    MODEL = "MODEL"
    ENDPOINT = "ENDPOINT"
    UNKNOWN = "UNKNOWN"


@strawberry.type(description="A named input or output of runs; flag marks it as wrong.")
class IOPointer:
    name: str
    value: str
    pointer_type: PointerType
    flag: bool
    flag_events: list[FlagEvent] = strawberry.field(
        resolver=pointer_flag_events,
        description="Flag and unflag events of this output, newest first (one query).",
    )

    @classmethod
    def from_entity(cls, pointer: IOPointerEntity) -> IOPointer:
        value = pointer.value
        return cls(
            name=pointer.name,
            value="" if value is None else str(value),
            pointer_type=PointerType(pointer.pointer_type.value),
            flag=pointer.flag,
        )


@strawberry.type(description="A stage of a pipeline and its static metadata.")
class Component:
    name: str
    owner: str
    description: str
    tags: list[str]
    created_at: datetime | None
    run_count: int
    last_run_id: int | None
    last_run_start: datetime | None

    @classmethod
    def from_info(cls, info: ComponentInfo) -> Component:
        return cls(
            name=info.name,
            owner=info.owner,
            description=info.description,
            tags=list(info.tags),
            created_at=info.created_at,
            run_count=info.run_count,
            last_run_id=info.last_run_id,
            last_run_start=info.last_run_start,
        )


@strawberry.type(description="One execution of a component.")
class Run:
    id: int
    uid: str
    component_name: str
    owner: str | None
    notes: str
    status: str
    start_timestamp: datetime | None
    end_timestamp: datetime | None
    duration_seconds: float | None
    git_hash: str | None
    git_tags: list[str]
    code_snapshot: str | None
    stale: list[str]
    dependencies: list[str] = strawberry.field(
        description="Names of the components this run depends on."
    )
    dependency_ids: list[int] = strawberry.field(description="Ids of the runs it depends on.")
    inputs: list[IOPointer]
    outputs: list[IOPointer]
    test_results: JSON
    params: JSON
    metrics: JSON
    flag_events: list[FlagEvent] = strawberry.field(
        resolver=run_flag_events,
        description="Flag events of this run's outputs, newest first (one query).",
    )

    @classmethod
    def from_entity(cls, run: ComponentRun) -> Run:
        return cls(
            id=int(run.id or 0),
            uid=run.uid,
            component_name=run.component_name,
            owner=run.owner,
            notes=run.notes,
            status=run.status,
            start_timestamp=run.start_timestamp,
            end_timestamp=run.end_timestamp,
            duration_seconds=run.duration_seconds,
            git_hash=run.git_hash,
            git_tags=list(run.git_tags),
            code_snapshot=run.code_snapshot,
            stale=list(run.stale),
            dependencies=list(run.dependencies),
            dependency_ids=list(run.dependency_ids),
            inputs=[IOPointer.from_entity(p) for p in run.inputs],
            outputs=[IOPointer.from_entity(p) for p in run.outputs],
            test_results=as_json(run.test_results),
            params=as_json(run.params),
            metrics=as_json(run.metrics),
        )


@strawberry.type(description="A page of runs, newest first; pass endCursor as `after`.")
class RunPage:
    runs: list[Run]
    end_cursor: str | None
    has_next_page: bool


@strawberry.enum(description="What a node of a trace graph stands for.")
class NodeKind(enum.Enum):
    RUN = "RUN"
    IO_POINTER = "IO_POINTER"


@strawberry.enum(description="Relationship types of the lineage graph.")
class EdgeType(enum.Enum):
    CONSUMED = "CONSUMED"
    PRODUCED = "PRODUCED"
    DEPENDS_ON = "DEPENDS_ON"


@strawberry.type(description="The run of a trace node: what a graph view draws on its card.")
class TraceRun:
    id: int
    component_name: str
    status: str
    stale: list[str]
    start_timestamp: datetime | None
    end_timestamp: datetime | None


@strawberry.type(description="A node of a trace: a run or an IO pointer, at its shortest level.")
class TraceNode:
    id: str = strawberry.field(description="Typed id: 'run:<id>' or 'io:<name>'.")
    kind: NodeKind
    level: int
    label: str
    run: TraceRun | None
    io_pointer: IOPointer | None

    @classmethod
    def from_store(cls, node: trace_graph.TraceNode) -> TraceNode:
        is_run = node.kind == "run"
        return cls(
            id=node.id,
            kind=NodeKind.RUN if is_run else NodeKind.IO_POINTER,
            level=node.level,
            label=node.label,
            run=TraceRun(
                id=int(node.run_id or 0),
                component_name=node.component_name or "",
                status=node.status or "success",
                stale=list(node.stale),
                start_timestamp=node.start_timestamp,
                end_timestamp=node.end_timestamp,
            )
            if is_run
            else None,
            io_pointer=None
            if is_run
            else IOPointer(
                name=node.pointer_name or node.label,
                value=node.value or "",
                pointer_type=PointerType(node.pointer_type or "UNKNOWN"),
                flag=node.flag,
            ),
        )


@strawberry.type(description="A relationship of a trace, from `source` to `target` node id.")
class TraceEdge:
    source: str
    target: str
    type: EdgeType


@strawberry.type(description="A flat lineage graph; `truncated` says a depth bound was hit.")
class TraceGraph:
    root: str
    nodes: list[TraceNode]
    edges: list[TraceEdge]
    levels: int = strawberry.field(description="Number of distinct levels (max level + 1).")
    truncated: bool
    direction: str = strawberry.field(description="'upstream' (trace) or 'downstream' (impact).")
    as_of: datetime | None = strawberry.field(
        description="The moment the graph was read as of (null: now)."
    )
    note: str | None = strawberry.field(
        description="Why the graph is empty when it is empty because of `asOf`; else null."
    )

    @classmethod
    def from_store(cls, graph: trace_graph.TraceGraph) -> TraceGraph:
        return cls(
            root=graph.root,
            nodes=[TraceNode.from_store(n) for n in graph.nodes],
            edges=[
                TraceEdge(source=e.source, target=e.target, type=EdgeType(e.type))
                for e in graph.edges
            ],
            levels=max((n.level for n in graph.nodes), default=-1) + 1,
            truncated=graph.truncated,
            direction=graph.direction,
            as_of=graph.as_of,
            note=graph.note,
        )


@strawberry.enum(description="How review ranks the runs behind flagged outputs.")
class ReviewRank(enum.Enum):
    COVERAGE = "coverage"
    OCHIAI = "ochiai"


@strawberry.type(description="A run behind flagged outputs and why it ranks where it does.")
class Culprit:
    run: Run
    ef: int = strawberry.field(description="Flagged outputs downstream of the run.")
    ep: int = strawberry.field(description="Unflagged outputs downstream of the run.")
    coverage: float = strawberry.field(description="ef / number of flagged outputs.")
    ochiai: float = strawberry.field(description="ef / sqrt(flagged total * (ef + ep)).")
    score: float = strawberry.field(description="The score ranked on (coverage or Ochiai).")


@strawberry.type(description="Flagged outputs and the runs behind them, ranked.")
class Review:
    rank: ReviewRank
    flagged_outputs: list[str]
    culprits: list[Culprit]
    as_of: datetime | None = strawberry.field(
        default=None, description="The moment the review was read as of (null: now)."
    )
    note: str | None = strawberry.field(
        default=None, description="Why the review is empty when nothing was logged by `asOf`."
    )


@strawberry.type(description="A run with stale warnings (it may need to be re-run).")
class Staleness:
    run: Run
    warnings: list[str]


@strawberry.type(description="Rows of a read-only ad hoc Cypher query.")
class CypherRows:
    columns: list[str]
    rows: JSON = strawberry.field(description="A list of rows, each a list of values.")
    truncated: bool = strawberry.field(description="True when the row limit cut the result.")


# --- Expected errors, as schema types ----------------------------------------------------


@strawberry.type(description="Something asked for does not exist.")
class NotFound:
    message: str
    ids: list[str]


@strawberry.type(description="An argument was refused; `field` names it.")
class InvalidInput:
    message: str
    field: str


@strawberry.type(description="The ad hoc Cypher query was refused (writes are not allowed).")
class CypherRefused:
    message: str


@strawberry.type(description="Outputs whose flag was set or cleared.")
class FlagSuccess:
    outputs: list[IOPointer]
    flag: bool


@strawberry.type(description="Runs written by a log mutation (already-logged uids are kept).")
class LoggedRuns:
    runs: list[Run]


FlagResult = Annotated[FlagSuccess | NotFound | InvalidInput, strawberry.union("FlagResult")]
RunResult = Annotated[Run | NotFound | InvalidInput, strawberry.union("RunResult")]
ComponentResult = Annotated[
    Component | NotFound | InvalidInput, strawberry.union("ComponentResult")
]
LogRunsResult = Annotated[LoggedRuns | InvalidInput, strawberry.union("LogRunsResult")]
CypherResult = Annotated[
    CypherRows | CypherRefused | InvalidInput, strawberry.union("CypherResult")
]
TraceResult = Annotated[TraceGraph | NotFound | InvalidInput, strawberry.union("TraceResult")]


# --- Inputs ------------------------------------------------------------------------------


@strawberry.input(description="An input or output of a logged run.")
class PointerInput:
    name: str
    value: JSON | None = strawberry.field(
        default=None, description="A string, number or boolean; kept with its type."
    )
    pointer_type: PointerType | None = None


@strawberry.input(description="What a run says about its component (created if new).")
class ComponentInput:
    owner: str = ""
    description: str = ""
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input(
    description=(
        "A run to log; `uid` makes a retried log idempotent. The fields are those of the "
        "wire row (docs/logging.md), which `logComponentRuns(rows:)` takes as JSON."
    )
)
class RunInput:
    component_name: str
    start_timestamp: datetime
    end_timestamp: datetime
    inputs: list[PointerInput] = strawberry.field(default_factory=list)
    outputs: list[PointerInput] = strawberry.field(default_factory=list)
    component: ComponentInput | None = None
    notes: str = ""
    git_hash: str | None = None
    git_tags: list[str] = strawberry.field(default_factory=list)
    code_snapshot: str | None = None
    dependencies: list[str] = strawberry.field(
        default_factory=list, description="Upstream component names (set_upstream)."
    )
    dependencies_from_inputs: bool = True
    staleness_threshold: int | None = strawberry.field(
        default=None, description="Seconds after which a dependency is stale (default 30 days)."
    )
    status: str = "success"
    uid: str | None = None
    params: JSON | None = None
    metrics: JSON | None = None
    metric_steps: JSON | None = strawberry.field(
        default=None, description='Per metric, [[step, value], ...], e.g. {"loss": [[0, 0.9]]}.'
    )
    test_results: JSON | None = None
