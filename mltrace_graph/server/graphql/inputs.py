"""Turning GraphQL run inputs into ``ComponentRun`` objects, with errors naming the field."""

from __future__ import annotations

from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer as IOPointerEntity
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.server.graphql.types import PointerInput, RunInput

STATUSES = ("success", "failed")


def _pointer(item: PointerInput, where: str) -> IOPointerEntity:
    try:
        return IOPointerEntity(
            item.name,
            value=item.value or "",
            pointer_type=item.pointer_type.value if item.pointer_type else None,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{where}: {exc}", field=where) from exc


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInputError(f"{where} must be a JSON object, got {value!r}", field=where)
    return value


def run_from_input(item: RunInput, where: str = "run") -> ComponentRun:
    """A ``ComponentRun`` ready for ``record_runs``; the input's ``uid`` is kept for retries."""
    try:
        run = ComponentRun(
            component_name=item.component_name,
            notes=item.notes,
            start_timestamp=item.start_timestamp,
            end_timestamp=item.end_timestamp,
            git_hash=item.git_hash,
            git_tags=list(item.git_tags),
            code_snapshot=item.code_snapshot,
        )
        run.set_upstream(list(item.dependencies))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{where}: {exc}", field=where) from exc
    run.add_inputs([_pointer(p, f"{where}.inputs[{i}]") for i, p in enumerate(item.inputs)])
    run.add_outputs([_pointer(p, f"{where}.outputs[{i}]") for i, p in enumerate(item.outputs)])
    if item.end_timestamp < item.start_timestamp:
        raise InvalidInputError(
            f"{where}.endTimestamp {item.end_timestamp.isoformat()} is before startTimestamp "
            f"{item.start_timestamp.isoformat()}",
            field=f"{where}.endTimestamp",
        )
    if item.status not in STATUSES:
        raise InvalidInputError(
            f"{where}.status must be one of {', '.join(STATUSES)}, got {item.status!r}",
            field=f"{where}.status",
        )
    run.status = item.status
    if item.uid is not None:
        if not item.uid.strip() or len(item.uid) > 200:
            raise InvalidInputError(
                f"{where}.uid must be 1 to 200 characters", field=f"{where}.uid"
            )
        run.uid = item.uid
    run.params = _mapping(item.params, f"{where}.params")
    metrics = _mapping(item.metrics, f"{where}.metrics")
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInputError(
                f"{where}.metrics.{key} must be a number, got {value!r}",
                field=f"{where}.metrics",
            )
    run.metrics = {k: float(v) for k, v in metrics.items()}
    results: Any = item.test_results if item.test_results is not None else []
    if not isinstance(results, list):
        raise InvalidInputError(
            f"{where}.testResults must be a list of objects", field=f"{where}.testResults"
        )
    run.test_results = results
    return run
