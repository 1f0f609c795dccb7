"""Query resolvers: each translates its arguments, calls one service function, and shapes
the answer into schema types. Validation, defaults and paging live in ``mltrace_graph.service``;
the server's bounds on pages and walks are ``SERVER_BOUNDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from mltrace_graph.errors import (
    AdhocQueryError,
    CypherRefusedError,
    InvalidInputError,
    NotFoundError,
)
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql import diff
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.ids import graphql_names, not_found, parse_node_id
from mltrace_graph.server.graphql.staleness import StalenessResult, resolve_staleness
from mltrace_graph.server.graphql.types import (
    Component,
    Culprit,
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
    TraceGraph,
    TraceResult,
    as_json,
)
from mltrace_graph.service import components, lineage, pointers, review, runs, search
from mltrace_graph.service.arguments import SERVER_BOUNDS
from mltrace_graph.service.runs import RunPage as ServiceRunPage
from mltrace_graph.store import adhoc, health
from mltrace_graph.store import lineage as lineage_store

MAX_PAGE = SERVER_BOUNDS.page


def _trace_result(walk: Callable[[], lineage_store.TraceGraph]) -> TraceResult:
    """Runs a trace or impact walk and maps its expected errors into the schema."""
    try:
        with graphql_names():
            graph = walk()
    except NotFoundError as exc:
        return not_found(exc)
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    return TraceGraph.from_store(graph)


def _run_page(page: ServiceRunPage) -> RunPage:
    return RunPage(
        runs=[Run.from_entity(r) for r in page.runs],
        end_cursor=page.end_cursor,
        has_next_page=page.has_next_page,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Components, optionally only those with a tag or owner.")
    def components(
        self, info: Info, tag: str | None = None, owner: str | None = None
    ) -> list[Component]:
        found = components.components(info.context.db, tag=tag, owner=owner)
        return [Component.from_info(c) for c in found]

    @strawberry.field(description="One component by name; null when unknown.")
    def component(self, info: Info, name: str) -> Component | None:
        try:
            return Component.from_info(components.component(info.context.db, name))
        except (NotFoundError, InvalidInputError):
            return None

    @strawberry.field(description="One run by id; null when unknown.")
    def run(self, info: Info, id: int) -> Run | None:
        found = runs.find_run(info.context.db, id)
        return Run.from_entity(found) if found else None

    @strawberry.field(
        description=(
            "Runs newest first: the history of `component` when given (bounded by `since` "
            "and `until`), else recent runs of all components. Page with `first` and "
            "`after` (the previous page's endCursor): every run comes once, also when "
            "several share a start time. An unknown component gives no runs."
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
        db = info.context.db
        with graphql_names():
            if component is None:
                if since is not None or until is not None:
                    raise InvalidInputError(
                        "since and until bound the history of one component: give "
                        "`component` too, or use `search` for date ranges across components",
                        "since",
                    )
                return _run_page(runs.recent_page(db, first, after, bounds=SERVER_BOUNDS))
            try:
                page = runs.history_page(
                    db, component, first, after, since, until, bounds=SERVER_BOUNDS
                )
            except NotFoundError:
                return RunPage(runs=[], end_cursor=None, has_next_page=False)
        return _run_page(page)

    @strawberry.field(description="One IO pointer by name; null when unknown.")
    def io_pointer(self, info: Info, name: str) -> IOPointer | None:
        pointer = pointers.find_pointer(info.context.db, name)
        return IOPointer.from_entity(pointer) if pointer else None

    @strawberry.field(description="IO pointers whose name starts with `prefix` (autocomplete).")
    def io_pointers(
        self, info: Info, prefix: str = "", flagged: bool | None = None, first: int = 20
    ) -> list[IOPointer]:
        with graphql_names():
            found = pointers.find_pointers(
                info.context.db, prefix=prefix, flagged=flagged, limit=first, bounds=SERVER_BOUNDS
            )
        return [IOPointer.from_entity(p) for p in found]

    @strawberry.field(description="Every tag name, sorted.")
    def tags(self, info: Info) -> list[str]:
        return components.tags(info.context.db)

    @strawberry.field(
        description=(
            "Upstream lineage of an output: the run that produced it, its inputs and "
            "dependencies, each node once at its shortest level."
        )
    )
    def trace(
        self, info: Info, output_id: str, max_depth: int = 50, max_nodes: int = 5000
    ) -> TraceResult:
        return _trace_result(
            lambda: lineage.trace(
                info.context.db, output_id, max_depth, max_nodes, bounds=SERVER_BOUNDS
            )
        )

    @strawberry.field(
        description=(
            "Downstream lineage of a run or output: everything it fed. `id` is 'run:<id>', "
            "'io:<name>', or a plain output name."
        )
    )
    def impact(
        self, info: Info, id: str, max_depth: int = 50, max_nodes: int = 5000
    ) -> TraceResult:
        def walk() -> lineage_store.TraceGraph:
            run_id, output_id = parse_node_id(id)
            return lineage.impact(
                info.context.db, run_id, output_id, max_depth, max_nodes, bounds=SERVER_BOUNDS
            )

        return _trace_result(walk)

    trace_diff: diff.TraceDiffResult = strawberry.field(
        resolver=diff.trace_diff,
        description=(
            "What differs between the upstream lineage of outputs `a` and `b`, as of "
            "`asOf` (default now): runs aligned by component, their changes, runs on one "
            "side only, and the first divergences (where to look first)."
        ),
    )
    run_diff: diff.RunDiffResult = strawberry.field(
        resolver=diff.run_diff,
        description="What differs between two runs of one component (by id).",
    )

    @strawberry.field(description="Flagged outputs and the runs behind them, ranked.")
    def review(self, info: Info, rank: ReviewRank = ReviewRank.COVERAGE, limit: int = 50) -> Review:
        with graphql_names():
            result = review.review(info.context.db, rank.value, limit, maximum=MAX_PAGE)
        ochiai = rank is ReviewRank.OCHIAI
        return Review(
            rank=rank,
            flagged_outputs=list(result.flagged),
            culprits=[
                Culprit(
                    run=Run.from_entity(c.run),
                    ef=c.ef,
                    ep=c.ep,
                    coverage=c.coverage,
                    ochiai=c.ochiai,
                    score=c.ochiai if ochiai else c.coverage,
                )
                for c in result.culprits
            ],
        )

    @strawberry.field(description="The most recent runs with log-time stale warnings.")
    def stale_runs(self, info: Info, limit: int = 50) -> list[Staleness]:
        stale = health.stale_runs(info.context.db, limit=max(1, min(limit, MAX_PAGE or limit)))
        return [Staleness(run=Run.from_entity(r), warnings=list(r.stale)) for r in stale]

    @strawberry.field(
        description=(
            "Staleness computed now (or as of `asOf`) for an output or run and its upstream "
            "trace: DATA, AGE, CODE and UPSTREAM reasons, each naming its cause, and the "
            "re-run plan. `id` is 'run:<id>', 'io:<name>', or a plain output name."
        )
    )
    def staleness(self, info: Info, id: str, as_of: datetime | None = None) -> StalenessResult:
        return resolve_staleness(info.context.db, id, as_of)

    @strawberry.field(
        description=(
            "Runs matching every filter given; `params` and `metrics` are maps of exact "
            'values, `filter` an MLflow-style string ("metrics.auc > 0.9 and params.lr = '
            "0.1\"), `orderBy` a run attribute or params./metrics. key with an optional ' DESC'."
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
        filter: str | None = None,
        status: str | None = None,
        order_by: str = "start_timestamp DESC",
        first: int = 100,
    ) -> list[Run]:
        for name, value in (("params", params), ("metrics", metrics)):
            if value is not None and not isinstance(value, dict):
                raise InvalidInputError(f"{name} must be a JSON object of exact values", name)
        with graphql_names():
            found = search.search_run_cards(
                info.context.db,
                component=component,
                tag=tag,
                owner=owner,
                since=since,
                until=until,
                params=params,
                metrics=metrics,
                filter_string=filter,
                status=status,
                order_by=[order_by] if order_by else [],
                max_results=first,
                bounds=SERVER_BOUNDS,
            )
        return [Run.from_entity(r) for r in found]

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
