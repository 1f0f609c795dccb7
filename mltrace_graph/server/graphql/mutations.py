"""Mutation resolvers: every one needs an API token when auth is on; one store call each."""

from __future__ import annotations

import strawberry

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.inputs import run_from_input
from mltrace_graph.server.graphql.types import (
    ComponentResult,
    FlagResult,
    InvalidInput,
    LoggedRuns,
    LogRunsResult,
    Run,
    RunInput,
    RunResult,
)
from mltrace_graph.store import runs as run_store

MAX_BATCH = 1000


def _waiting() -> NotImplementedError:
    return NotImplementedError("this field is served once the read-side store lands")


def _log(info: Info, items: list[RunInput], where: str) -> LoggedRuns | InvalidInput:
    authenticate("write")
    if len(items) > MAX_BATCH:
        return InvalidInput(
            message=f"{len(items)} runs in one call; the limit is {MAX_BATCH}", field=where
        )
    try:
        names = [where] if where == "run" else [f"{where}[{i}]" for i in range(len(items))]
        entities = [run_from_input(item, name) for item, name in zip(items, names, strict=True)]
        run_store.record_runs(info.context.db, entities)
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    except ValueError as exc:
        return InvalidInput(message=str(exc), field=where)
    info.context.metrics.runs_logged.labels("graphql").inc(len(entities))
    return LoggedRuns(runs=[Run.from_entity(run) for run in entities])


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Flags outputs as wrong (one or many names).")
    def flag(self, info: Info, output_ids: list[str]) -> FlagResult:
        authenticate("write")
        raise _waiting()

    @strawberry.mutation(description="Clears the flag of outputs (one or many names).")
    def unflag(self, info: Info, output_ids: list[str]) -> FlagResult:
        authenticate("write")
        raise _waiting()

    @strawberry.mutation(description="Clears every flag; returns how many were cleared.")
    def unflag_all(self, info: Info) -> int:
        authenticate("write")
        raise _waiting()

    @strawberry.mutation(description="Sets (or appends to) the notes of a run.")
    def add_notes(self, info: Info, run_id: int, notes: str, append: bool = False) -> RunResult:
        authenticate("write")
        raise _waiting()

    @strawberry.mutation(description="Adds tags to a component (existing tags are kept).")
    def tag_component(self, info: Info, name: str, tags: list[str]) -> ComponentResult:
        authenticate("write")
        raise _waiting()

    @strawberry.mutation(
        description="Logs one run, from any language; a retry with the same uid is a no-op."
    )
    def log_component_run(self, info: Info, run: RunInput) -> LogRunsResult:
        return _log(info, [run], "run")

    @strawberry.mutation(description="Logs a batch of runs in order, in one transaction.")
    def log_component_runs(self, info: Info, runs: list[RunInput]) -> LogRunsResult:
        return _log(info, runs, "runs")
