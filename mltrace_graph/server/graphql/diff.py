"""GraphQL for trace diff: the result types and the ``traceDiff`` / ``runDiff`` resolvers.

The resolvers translate only: arguments to one service call (``service/diff.py``), its
dataclasses to these types, and its expected errors to the ``NotFound`` / ``InvalidInput``
members of the result unions. The web app's diff view codes against these types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.server.graphql.ids import graphql_names, not_found
from mltrace_graph.server.graphql.types import InvalidInput, NotFound, Run, as_json
from mltrace_graph.service import diff
from mltrace_graph.service.arguments import SERVER_BOUNDS

__all__ = [
    "Divergence",
    "FieldChange",
    "RunDiffResult",
    "RunPairDiff",
    "TraceDiff",
    "TraceDiffResult",
    "run_diff",
    "trace_diff",
]


@strawberry.type(description="A field that differs between two runs.")
class FieldChange:
    field: str = strawberry.field(
        description=(
            "A dotted path: 'git_hash', 'params.window', 'inputs' (names on one side "
            "only, listed in a and b), 'outputs.model.pkl.value', 'start_timestamp'."
        )
    )
    a: JSON | None
    b: JSON | None

    @classmethod
    def from_service(cls, change: diff.FieldChange) -> FieldChange:
        return cls(field=change.field, a=as_json(change.a), b=as_json(change.b))


@strawberry.type(description="Two aligned runs of one component and what differs between them.")
class RunPairDiff:
    component: str
    position: str = strawberry.field(
        description=(
            "Where the pair sits: '#k at depth d' (the k-th run of the component, by depth "
            "then start time), '#k at depth d / e' when the depths differ; '' from runDiff."
        )
    )
    a: Run
    b: Run
    same: bool = strawberry.field(description="Both sides are the same run.")
    changes: list[FieldChange]

    @classmethod
    def from_service(cls, pair: diff.RunPairDiff) -> RunPairDiff:
        return cls(
            component=pair.component,
            position=pair.position,
            a=Run.from_entity(pair.a),
            b=Run.from_entity(pair.b),
            same=pair.same,
            changes=[FieldChange.from_service(c) for c in pair.changes],
        )


@strawberry.type(description="An aligned pair that differs while nothing upstream of it does.")
class Divergence:
    component: str
    a_run_id: int
    b_run_id: int
    reason: str = strawberry.field(description="e.g. 'featuregen: param window 7 -> 14'.")


@strawberry.type(
    description=(
        "The diff of two outputs' upstream lineage: aligned pairs, runs on one side only, "
        "and the first divergences (where to look first, most upstream first)."
    )
)
class TraceDiff:
    a: str
    b: str
    identical: bool
    summary: str
    pairs: list[RunPairDiff]
    only_in_a: list[Run]
    only_in_b: list[Run]
    first_divergences: list[Divergence]

    @classmethod
    def from_service(cls, result: diff.TraceDiff) -> TraceDiff:
        return cls(
            a=result.a,
            b=result.b,
            identical=result.identical,
            summary=result.summary,
            pairs=[RunPairDiff.from_service(p) for p in result.pairs],
            only_in_a=[Run.from_entity(u.run) for u in result.only_in_a],
            only_in_b=[Run.from_entity(u.run) for u in result.only_in_b],
            first_divergences=[
                Divergence(
                    component=d.component,
                    a_run_id=d.a_run_id,
                    b_run_id=d.b_run_id,
                    reason=d.reason,
                )
                for d in result.first_divergences
            ],
        )


TraceDiffResult = Annotated[
    TraceDiff | NotFound | InvalidInput, strawberry.union("TraceDiffResult")
]
RunDiffResult = Annotated[RunPairDiff | NotFound | InvalidInput, strawberry.union("RunDiffResult")]


def trace_diff(info: Info, a: str, b: str, as_of: datetime | None = None) -> TraceDiffResult:
    """``traceDiff``: one service call, its expected errors as union members."""
    try:
        with graphql_names():
            result = diff.diff_traces(
                info.context.db,
                a,
                b,
                as_of=as_of,
                max_depth=SERVER_BOUNDS.depth,
                bounds=SERVER_BOUNDS,
            )
    except NotFoundError as exc:
        return not_found(exc)
    except InvalidInputError as exc:
        return InvalidInput(message=str(exc), field=exc.field)
    return TraceDiff.from_service(result)


def run_diff(info: Info, a: int, b: int) -> RunDiffResult:
    """``runDiff``: two runs of one component; different components are ``InvalidInput``."""
    try:
        pair = diff.diff_runs(info.context.db, a, b)
    except NotFoundError as exc:
        return not_found(exc)
    except InvalidInputError as exc:
        # The service names its arguments run_a / run_b; here they are a and b.
        field = {"run_a": "a", "run_b": "b"}.get(exc.field, exc.field)
        return InvalidInput(message=str(exc), field=field)
    return RunPairDiff.from_service(pair)
