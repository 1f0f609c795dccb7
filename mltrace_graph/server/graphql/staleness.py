"""GraphQL for staleness at query time: the report's types and the ``staleness`` resolver.

The resolver parses the typed id, calls ``service.staleness`` once, and builds each named
run's ``Run`` once from the runs the report carries, so nested fields cost no I/O.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.server.graphql.ids import graphql_names, not_found, parse_node_id
from mltrace_graph.server.graphql.types import InvalidInput, NotFound, Run
from mltrace_graph.service import staleness as staleness_service
from mltrace_graph.store.connection import Database

__all__ = [
    "PlanStep",
    "StaleKind",
    "StaleReason",
    "StaleRun",
    "StalenessReport",
    "StalenessResult",
    "resolve_staleness",
]


@strawberry.enum(description="Why a run is stale (docs/diagnosis.md).")
class StaleKind(enum.Enum):
    DATA = "DATA"
    AGE = "AGE"
    CODE = "CODE"
    UPSTREAM = "UPSTREAM"


@strawberry.type(description="One reason a run is stale, naming the run that causes it.")
class StaleReason:
    kind: StaleKind
    cause: Run | None = strawberry.field(
        description="The causing run; for UPSTREAM the stale dependency it arrives through."
    )
    root_causes: list[Run] = strawberry.field(
        description="UPSTREAM only: the most upstream stale runs behind it."
    )
    message: str


@strawberry.type(description="A run of the trace with its reasons (none when fresh).")
class StaleRun:
    run: Run
    reasons: list[StaleReason]


@strawberry.type(description="A run to redo, in dependency order (upstream first).")
class PlanStep:
    order: int
    component: str
    run: Run = strawberry.field(description="The stale run this step replaces.")
    reasons: list[StaleReason]


@strawberry.type(description="What is stale behind a target as of a moment, and the plan.")
class StalenessReport:
    target: str
    fresh: bool
    as_of: datetime | None
    runs: list[StaleRun] = strawberry.field(
        description="Every run of the trace, upstream first; empty before any had run."
    )
    plan: list[PlanStep] = strawberry.field(description="Empty exactly when fresh.")


StalenessResult = Annotated[
    StalenessReport | NotFound | InvalidInput, strawberry.union("StalenessResult")
]


class _Runs:
    """``Run`` views made once per id from the report's runs."""

    def __init__(self, named: dict[int, ComponentRun]) -> None:
        self._named = named
        self._made: dict[int, Run] = {}

    def __call__(self, run_id: int) -> Run:
        if run_id not in self._made:
            self._made[run_id] = Run.from_entity(self._named[run_id])
        return self._made[run_id]


def _reasons(reasons: tuple[staleness_service.Reason, ...], runs: _Runs) -> list[StaleReason]:
    return [
        StaleReason(
            kind=StaleKind(r.kind),
            cause=None if r.cause_run_id is None else runs(r.cause_run_id),
            root_causes=[runs(i) for i in r.root_cause_ids],
            message=r.message,
        )
        for r in reasons
    ]


def resolve_staleness(db: Database, node_id: str, as_of: datetime | None) -> StalenessResult:
    """The report for ``run:<id>``, ``io:<name>`` or a plain output name."""
    try:
        with graphql_names():
            run_id, output_id = parse_node_id(node_id)
            report = staleness_service.staleness(db, output_id, as_of, run_id=run_id)
    except NotFoundError as exc:
        return not_found(exc)
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    runs = _Runs(report.named)
    return StalenessReport(
        target=report.target,
        fresh=report.fresh,
        as_of=report.as_of,
        runs=[
            StaleRun(run=runs(int(s.run.id or 0)), reasons=_reasons(s.reasons, runs))
            for s in report.runs
        ],
        plan=[
            PlanStep(
                order=step.order,
                component=step.component,
                run=runs(step.run_id),
                reasons=_reasons(step.reasons, runs),
            )
            for step in report.plan
        ],
    )
