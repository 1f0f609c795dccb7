"""Mutation resolvers: every one needs an API token when auth is on.

Flags, notes and tags go through ``mltrace_graph.service``; the resolvers translate its
answers and its expected errors into the schema's result unions.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from mltrace_graph import wire
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.server.auth import actor, authenticate
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.ids import camel_path, graphql_names, not_found, parse_node_id
from mltrace_graph.server.graphql.inputs import row_from_input
from mltrace_graph.server.graphql.types import (
    Component,
    ComponentResult,
    FlagResult,
    FlagSuccess,
    InvalidInput,
    IOPointer,
    LoggedRuns,
    LogRunsResult,
    Run,
    RunInput,
    RunResult,
)
from mltrace_graph.service import components, lineage, review
from mltrace_graph.service import runs as run_service
from mltrace_graph.service.arguments import SERVER_BOUNDS
from mltrace_graph.store import runs as run_store

MAX_BATCH = 1000


def _log(
    info: Info, items: list[RunInput] | None, rows: list[JSON] | None, where: str
) -> LoggedRuns | InvalidInput:
    """Logs typed inputs or wire rows: both become checked wire rows, then one store write."""
    authenticate("write")
    if (items is None) == (rows is None):
        return InvalidInput(message="give either `runs` or `rows`, not both", field="runs")
    raw: list[Any] = (
        [row_from_input(item) for item in items] if items is not None else list(rows or [])
    )
    if len(raw) > MAX_BATCH:
        return InvalidInput(
            message=f"{len(raw)} runs in one call; the limit is {MAX_BATCH}", field=where
        )
    try:
        names = [where] if where == "run" else [f"{where}[{i}]" for i in range(len(raw))]
        checked = [wire.check_row(row, name) for row, name in zip(raw, names, strict=True)]
        written = run_store.write_rows(info.context.db, checked)
    except InvalidInputError as exc:
        if items is None:
            return InvalidInput(message=str(exc), field=exc.field)
        field = camel_path(exc.field)
        return InvalidInput(message=str(exc).replace(exc.field, field, 1), field=field)
    entities = []
    for row in checked:
        run = wire.decode_run(row)
        wire.apply_written(run, written[row["uid"]])
        entities.append(run)
    info.context.metrics.runs_logged.labels("graphql").inc(len(entities))
    return LoggedRuns(runs=[Run.from_entity(run) for run in entities])


def _success(info: Info, names: list[str], flag: bool) -> FlagSuccess:
    """The changed pointers, read back in one query (the flag write returns names only)."""
    changed = review.changed_pointers(info.context.db, names)
    return FlagSuccess(outputs=[IOPointer.from_entity(p) for p in changed], flag=flag)


def _flags(info: Info, output_ids: list[str], flag: bool) -> FlagResult:
    authenticate("write")
    setter = review.flag if flag else review.unflag
    try:
        with graphql_names():
            names = setter(info.context.db, output_ids, actor())
    except NotFoundError as exc:
        return not_found(exc, "; nothing was changed")
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    return _success(info, names, flag)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Flags outputs as wrong (one or many names).")
    def flag(self, info: Info, output_ids: list[str]) -> FlagResult:
        return _flags(info, output_ids, True)

    @strawberry.mutation(description="Clears the flag of outputs (one or many names).")
    def unflag(self, info: Info, output_ids: list[str]) -> FlagResult:
        return _flags(info, output_ids, False)

    @strawberry.mutation(description="Clears every flag; returns how many were cleared.")
    def unflag_all(self, info: Info) -> int:
        authenticate("write")
        return review.unflag_all(info.context.db, actor())

    @strawberry.mutation(
        description=(
            "Flags every output downstream of a run or output (`id` as in `impact`): "
            "'this run was wrong, flag what it contaminated'."
        )
    )
    def flag_impact(self, info: Info, id: str, max_depth: int | None = None) -> FlagResult:
        authenticate("write")
        try:
            with graphql_names():
                run_id, output_id = parse_node_id(id)
                names = lineage.flag_impact(
                    info.context.db,
                    run_id,
                    output_id,
                    max_depth,
                    bounds=SERVER_BOUNDS,
                    actor=actor(),
                )
        except NotFoundError as exc:
            return not_found(exc)
        except InvalidInputError as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        return _success(info, names, True)

    @strawberry.mutation(description="Sets (or appends to) the notes of a run.")
    def add_notes(self, info: Info, run_id: int, notes: str, append: bool = False) -> RunResult:
        authenticate("write")
        try:
            with graphql_names():
                run = run_service.set_notes(info.context.db, run_id, notes, append=append)
        except NotFoundError as exc:
            return not_found(exc)
        except InvalidInputError as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        return Run.from_entity(run)

    @strawberry.mutation(description="Adds tags to a component (existing tags are kept).")
    def tag_component(self, info: Info, name: str, tags: list[str]) -> ComponentResult:
        authenticate("write")
        try:
            with graphql_names():
                tagged = components.tag_component(info.context.db, name, tags)
        except NotFoundError as exc:
            return not_found(exc)
        except InvalidInputError as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        return Component.from_info(tagged)

    @strawberry.mutation(
        description="Logs one run, from any language; a retry with the same uid is a no-op."
    )
    def log_component_run(self, info: Info, run: RunInput) -> LogRunsResult:
        return _log(info, [run], None, "run")

    @strawberry.mutation(
        description=(
            "Logs a batch of runs in one transaction, given either as typed `runs` or as "
            "`rows` in the wire form the Python client and the spool use (docs/logging.md)."
        )
    )
    def log_component_runs(
        self, info: Info, runs: list[RunInput] | None = None, rows: list[JSON] | None = None
    ) -> LogRunsResult:
        return _log(info, runs, rows, "runs" if runs is not None else "rows")
