"""Query resolvers: each makes at most one store call and shapes the result into types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import (
    AdhocQueryError,
    CypherRefusedError,
    InvalidInputError,
    NotFoundError,
)
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.ids import parse_node_id
from mltrace_graph.server.graphql.types import (
    Component,
    Culprit,
    CypherRefused,
    CypherResult,
    CypherRows,
    InvalidInput,
    IOPointer,
    NotFound,
    Review,
    ReviewRank,
    Run,
    RunPage,
    Staleness,
    TraceGraph,
    TraceResult,
    as_json,
)
from mltrace_graph.store import adhoc, health, history, lineage, pointers, review, runs, search

MAX_PAGE = 500
MAX_TRACE_DEPTH = 1000
MAX_TRACE_NODES = 20_000


def _page_size(first: int) -> int:
    if first < 1 or first > MAX_PAGE:
        raise InvalidInputError(f"first must be between 1 and {MAX_PAGE}, got {first}", "first")
    return first


def _depth(max_depth: int) -> int:
    if max_depth < 0 or max_depth > MAX_TRACE_DEPTH:
        raise InvalidInputError(
            f"maxDepth must be between 0 and {MAX_TRACE_DEPTH}, got {max_depth}", "maxDepth"
        )
    return max_depth


def _node_cap(max_nodes: int) -> int:
    if max_nodes < 1 or max_nodes > MAX_TRACE_NODES:
        raise InvalidInputError(
            f"maxNodes must be between 1 and {MAX_TRACE_NODES}, got {max_nodes}", "maxNodes"
        )
    return max_nodes


def _cursor(run: ComponentRun) -> str:
    """Opaque to clients: the last run's id and start time, enough to continue after it."""
    start = run.start_timestamp.isoformat() if run.start_timestamp else ""
    return f"{run.id}|{start}"


def _after(cursor: str) -> tuple[int, datetime | None]:
    raw_id, _, raw_start = cursor.partition("|")
    try:
        return int(raw_id), datetime.fromisoformat(raw_start) if raw_start else None
    except ValueError as exc:
        raise InvalidInputError(
            f"after {cursor!r} is not a cursor this API returned (use a page's endCursor)",
            "after",
        ) from exc


# History pages continue from the previous page's last start time (inclusive), so runs that
# share that exact start time come back again and are skipped; this many may share it.
SAME_START_SLACK = 50


def _history_page(
    info: Info,
    component: str,
    first: int,
    after: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ComponentRun] | None:
    upper, seen_id = until, None
    if after is not None:
        seen_id, upper = _after(after)
    try:
        found = history.history(
            info.context.db,
            component,
            limit=first + 1 + (SAME_START_SLACK if seen_id is not None else 0),
            date_lower=since,
            date_upper=upper,
        )
    except NotFoundError:
        return None
    if seen_id is not None and upper is not None:
        found = [r for r in found if r.start_timestamp != upper or int(r.id or 0) < seen_id]
    return found


def _trace_result(asked: str, walk: Callable[[], lineage.TraceGraph]) -> TraceResult:
    """Runs a trace or impact walk and maps its expected errors into the schema."""
    try:
        graph = walk()
    except NotFoundError as exc:
        return NotFound(message=str(exc), ids=[asked])
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    return TraceGraph.from_store(graph)


@strawberry.type
class Query:
    @strawberry.field(description="Components, optionally only those with a tag or owner.")
    def components(
        self, info: Info, tag: str | None = None, owner: str | None = None
    ) -> list[Component]:
        found = history.components(info.context.db, tag=tag, owner=owner)
        return [Component.from_info(c) for c in found]

    @strawberry.field(description="One component by name; null when unknown.")
    def component(self, info: Info, name: str) -> Component | None:
        try:
            return Component.from_info(history.component(info.context.db, name))
        except NotFoundError:
            return None

    @strawberry.field(description="One run by id; null when unknown.")
    def run(self, info: Info, id: int) -> Run | None:
        found = runs.get_runs(info.context.db, [id])
        return Run.from_entity(found[0]) if found else None

    @strawberry.field(
        description=(
            "Runs newest first: the history of `component` when given (bounded by `since` "
            "and `until`), else recent runs of all components. Page with `first` and "
            "`after` (the previous page's endCursor). An unknown component gives no runs."
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
        first = _page_size(first)
        if component is not None:
            found = _history_page(info, component, first, after, since, until)
            if found is None:
                return RunPage(runs=[], end_cursor=None, has_next_page=False)
        else:
            if since is not None or until is not None:
                raise InvalidInputError(
                    "since and until bound the history of one component: give `component` "
                    "too, or use `search` for date ranges across components",
                    "since",
                )
            last_id = _after(after)[0] if after is not None else None
            try:
                found = history.recent_runs(info.context.db, limit=first + 1, last_run_id=last_id)
            except NotFoundError as exc:
                raise InvalidInputError(
                    f"after {after!r} names a run that no longer exists", "after"
                ) from exc
        page = found[:first]
        return RunPage(
            runs=[Run.from_entity(r) for r in page],
            end_cursor=_cursor(page[-1]) if page else None,
            has_next_page=len(found) > first,
        )

    @strawberry.field(description="One IO pointer by name; null when unknown.")
    def io_pointer(self, info: Info, name: str) -> IOPointer | None:
        try:
            pointer = history.io_pointer(info.context.db, name, create=False)
        except (NotFoundError, ValueError):
            return None
        return IOPointer.from_entity(pointer)

    @strawberry.field(description="IO pointers whose name starts with `prefix` (autocomplete).")
    def io_pointers(
        self, info: Info, prefix: str = "", flagged: bool | None = None, first: int = 20
    ) -> list[IOPointer]:
        found = pointers.find_pointers(
            info.context.db, prefix=prefix, flagged=flagged, limit=_page_size(first)
        )
        return [IOPointer.from_entity(p) for p in found]

    @strawberry.field(description="Every tag name, sorted.")
    def tags(self, info: Info) -> list[str]:
        return history.tags(info.context.db)

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
            output_id,
            lambda: lineage.trace(
                info.context.db,
                output_id,
                max_depth=_depth(max_depth),
                max_nodes=_node_cap(max_nodes),
            ),
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
        def walk() -> lineage.TraceGraph:
            run_id, output_id = parse_node_id(id)
            return lineage.impact(
                info.context.db,
                run_id=run_id,
                output_id=output_id,
                max_depth=_depth(max_depth),
                max_nodes=_node_cap(max_nodes),
            )

        return _trace_result(id, walk)

    @strawberry.field(description="Flagged outputs and the runs behind them, ranked.")
    def review(self, info: Info, rank: ReviewRank = ReviewRank.COVERAGE, limit: int = 50) -> Review:
        result = review.review(info.context.db, rank=rank.value, limit=_page_size(limit))
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

    @strawberry.field(description="The most recent runs with stale warnings.")
    def staleness(self, info: Info, limit: int = 50) -> list[Staleness]:
        stale = health.stale_runs(info.context.db, limit=max(1, min(limit, MAX_PAGE)))
        return [Staleness(run=Run.from_entity(r), warnings=list(r.stale)) for r in stale]

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
        try:
            frame = search.search_runs(
                info.context.db,
                component=component,
                tag=tag,
                owner=owner,
                since=since,
                until=until,
                params=params,  # type: ignore[arg-type]
                metrics=metrics,  # type: ignore[arg-type]
                filter_string=filter,
                status=status,
                order_by=[order_by] if order_by else [],
                max_results=_page_size(first),
            )
        except ValueError as exc:
            raise InvalidInputError(str(exc), "search") from exc
        # search_runs answers a table; the runs' full cards come from one more read.
        found = runs.get_runs(info.context.db, [int(i) for i in frame["run_id"]])
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
