"""Mutation resolvers: every one needs an API token when auth is on; one store call each."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from mltrace_graph import wire
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.ids import parse_node_id
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
    NotFound,
    Run,
    RunInput,
    RunResult,
)
from mltrace_graph.store import components, history, lineage, pointers, review
from mltrace_graph.store import runs as run_store

MAX_BATCH = 1000
MAX_NOTES = 100_000
MAX_TAG = 200


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
        field = _graphql_path(exc.field)
        return InvalidInput(message=str(exc).replace(exc.field, field, 1), field=field)
    entities = []
    for row in checked:
        run = wire.decode_run(row)
        wire.apply_written(run, written[row["uid"]])
        entities.append(run)
    info.context.metrics.runs_logged.labels("graphql").inc(len(entities))
    return LoggedRuns(runs=[Run.from_entity(run) for run in entities])


def _graphql_path(path: str) -> str:
    """A wire row's field path as the typed input spells it: ``run.end_timestamp`` ->
    ``run.endTimestamp`` (``upstream`` is ``dependencies`` there)."""
    parts = []
    for part in path.split("."):
        head, bracket, rest = part.partition("[")
        first, *others = head.split("_")
        camel = first + "".join(word.capitalize() for word in others)
        parts.append(("dependencies" if camel == "upstream" else camel) + bracket + rest)
    return ".".join(parts)


def _success(info: Info, names: list[str], flag: bool) -> FlagSuccess:
    """The changed pointers, read back in one query (the flag write returns names only)."""
    changed = pointers.get_pointers(info.context.db, names) if names else []
    return FlagSuccess(outputs=[IOPointer.from_entity(p) for p in changed], flag=flag)


def _flags(info: Info, output_ids: list[str], flag: bool) -> FlagSuccess | NotFound:
    authenticate("write")
    setter = review.flag_outputs if flag else review.unflag_outputs
    try:
        names = setter(info.context.db, output_ids)
    except NotFoundError as exc:
        known_missing = str(exc).removeprefix("no output named ")
        return NotFound(message=f"{exc}; nothing was changed", ids=[known_missing])
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
        return review.unflag_all(info.context.db)

    @strawberry.mutation(
        description=(
            "Flags every output downstream of a run or output (`id` as in `impact`): "
            "'this run was wrong, flag what it contaminated'."
        )
    )
    def flag_impact(self, info: Info, id: str, max_depth: int | None = None) -> FlagResult:
        authenticate("write")
        try:
            run_id, output_id = parse_node_id(id)
            names = lineage.flag_impact(
                info.context.db, run_id=run_id, output_id=output_id, max_depth=max_depth
            )
        except NotFoundError as exc:
            return NotFound(message=str(exc), ids=[id])
        except InvalidInputError as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        except ValueError as exc:
            return InvalidInput(message=str(exc), field="maxDepth")
        return _success(info, names, True)

    @strawberry.mutation(description="Sets (or appends to) the notes of a run.")
    def add_notes(self, info: Info, run_id: int, notes: str, append: bool = False) -> RunResult:
        authenticate("write")
        db = info.context.db
        if len(notes) > MAX_NOTES:
            return InvalidInput(
                message=f"notes are {len(notes)} characters; the limit is {MAX_NOTES}",
                field="notes",
            )
        if append:
            current = run_store.get_runs(db, [run_id])
            if not current:
                return NotFound(message=f"no run {run_id}", ids=[str(run_id)])
            notes = "\n".join(part for part in (current[0].notes, notes) if part)
        try:
            components.set_run_notes(db, run_id, notes)
        except NotFoundError:
            return NotFound(message=f"no run {run_id}", ids=[str(run_id)])
        return Run.from_entity(run_store.get_runs(db, [run_id])[0])

    @strawberry.mutation(description="Adds tags to a component (existing tags are kept).")
    def tag_component(self, info: Info, name: str, tags: list[str]) -> ComponentResult:
        authenticate("write")
        cleaned = [t.strip() for t in tags]
        if not cleaned or any(not t or len(t) > MAX_TAG for t in cleaned):
            return InvalidInput(
                message=f"tags must be 1 to {MAX_TAG} characters each, and at least one",
                field="tags",
            )
        try:
            components.tag_component(info.context.db, name, cleaned)
            return Component.from_info(history.component(info.context.db, name))
        except NotFoundError:
            return NotFound(message=f"no component named {name}", ids=[name])

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
