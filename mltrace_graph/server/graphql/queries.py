"""Query resolvers: each makes at most one store call and shapes the result into types."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from mltrace_graph.errors import AdhocQueryError, CypherRefusedError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.types import (
    Component,
    CypherRefused,
    CypherResult,
    CypherRows,
    InvalidInput,
    IOPointer,
    Review,
    ReviewRank,
    Run,
    RunPage,
    Staleness,
    TraceResult,
    as_json,
)
from mltrace_graph.store import adhoc, health, runs

MAX_PAGE = 500
MAX_TRACE_DEPTH = 1000


def _waiting() -> NotImplementedError:
    return NotImplementedError("this field is served once the read-side store lands")


@strawberry.type
class Query:
    @strawberry.field(description="Components, optionally only those with a tag or owner.")
    def components(
        self, info: Info, tag: str | None = None, owner: str | None = None
    ) -> list[Component]:
        raise _waiting()

    @strawberry.field(description="One component by name; null when unknown.")
    def component(self, info: Info, name: str) -> Component | None:
        raise _waiting()

    @strawberry.field(description="One run by id; null when unknown.")
    def run(self, info: Info, id: int) -> Run | None:
        found = runs.get_runs(info.context.db, [id])
        return Run.from_entity(found[0]) if found else None

    @strawberry.field(
        description=(
            "Runs newest first: the history of `component` when given, else recent runs of "
            "all components. Page with `first` and `after` (the previous page's endCursor)."
        )
    )
    def runs(
        self,
        info: Info,
        component: str | None = None,
        first: int = 20,
        after: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> RunPage:
        raise _waiting()

    @strawberry.field(description="One IO pointer by name; null when unknown.")
    def io_pointer(self, info: Info, name: str) -> IOPointer | None:
        raise _waiting()

    @strawberry.field(description="IO pointers whose name starts with `prefix` (autocomplete).")
    def io_pointers(
        self, info: Info, prefix: str = "", flagged: bool | None = None, first: int = 20
    ) -> list[IOPointer]:
        raise _waiting()

    @strawberry.field(description="Every tag name, sorted.")
    def tags(self, info: Info) -> list[str]:
        raise _waiting()

    @strawberry.field(
        description=(
            "Upstream lineage of an output: the run that produced it, its inputs and "
            "dependencies, each node once at its shortest level."
        )
    )
    def trace(self, info: Info, output_id: str, max_depth: int = 50) -> TraceResult:
        raise _waiting()

    @strawberry.field(
        description=(
            "Downstream lineage of a run or output: everything it fed. `id` is 'run:<id>', "
            "'io:<name>', or a plain output name."
        )
    )
    def impact(self, info: Info, id: str, max_depth: int = 50) -> TraceResult:
        raise _waiting()

    @strawberry.field(description="Flagged outputs and the runs behind them, ranked.")
    def review(self, info: Info, rank: ReviewRank = ReviewRank.COVERAGE, limit: int = 50) -> Review:
        raise _waiting()

    @strawberry.field(description="The most recent runs with stale warnings.")
    def staleness(self, info: Info, limit: int = 50) -> list[Staleness]:
        stale = health.stale_runs(info.context.db, limit=max(1, min(limit, MAX_PAGE)))
        return [Staleness(run=Run.from_entity(r), warnings=list(r.stale)) for r in stale]

    @strawberry.field(
        description=(
            "Runs matching every filter given; `params` and `metrics` are maps of exact "
            "values, `orderBy` a run property with an optional ' DESC'."
        )
    )
    def search(
        self,
        info: Info,
        component: str | None = None,
        tag: str | None = None,
        owner: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        params: JSON | None = None,
        metrics: JSON | None = None,
        order_by: str = "start_timestamp DESC",
        first: int = 100,
    ) -> list[Run]:
        raise _waiting()

    @strawberry.field(
        description=(
            "Read-only ad hoc Cypher (needs an API token): planned first and refused "
            "unless read-only, run in a transaction that is rolled back."
        )
    )
    def cypher(self, info: Info, query: str, params: JSON | None = None) -> CypherResult:
        authenticate("write")
        config = info.context.config
        try:
            result = adhoc.run_read_only(
                info.context.db,
                query,
                params,  # type: ignore[arg-type]
                timeout=config.cypher_timeout,
                row_limit=config.cypher_row_limit,
            )
        except CypherRefusedError as exc:
            return CypherRefused(message=str(exc))
        except AdhocQueryError as exc:
            return InvalidInput(message=str(exc), field="query")
        return CypherRows(
            columns=result.columns, rows=as_json(result.rows), truncated=result.truncated
        )
