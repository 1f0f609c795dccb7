"""Turning a GraphQL ``RunInput`` into the wire row, which ``wire.check_row`` then validates."""

from __future__ import annotations

import uuid
from typing import Any

from mltrace_graph.entities.io_pointer import infer_pointer_type
from mltrace_graph.server.graphql.types import PointerInput, RunInput
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD, VERSION, Row


def _pointer(item: PointerInput) -> dict[str, Any]:
    kind = item.pointer_type.value if item.pointer_type else infer_pointer_type(item.name).value
    return {
        "name": item.name,
        "value": "" if item.value is None else item.value,
        "pointer_type": kind,
    }


def row_from_input(item: RunInput) -> Row:
    """The wire row a typed ``RunInput`` stands for (field by field, nothing dropped)."""
    component = item.component
    return {
        "v": VERSION,
        "uid": item.uid if item.uid is not None else uuid.uuid4().hex,
        "component_name": item.component_name,
        "component": None
        if component is None
        else {
            "owner": component.owner,
            "description": component.description,
            "tags": component.tags,
        },
        "start_timestamp": item.start_timestamp.isoformat(),
        "end_timestamp": item.end_timestamp.isoformat(),
        "inputs": [_pointer(p) for p in item.inputs],
        "outputs": [_pointer(p) for p in item.outputs],
        "upstream": list(item.dependencies),
        "dependencies_from_inputs": item.dependencies_from_inputs,
        "staleness_threshold": DEFAULT_STALENESS_THRESHOLD
        if item.staleness_threshold is None
        else item.staleness_threshold,
        "notes": item.notes,
        "git_hash": item.git_hash,
        "git_tags": list(item.git_tags),
        "code_snapshot": item.code_snapshot,
        "status": item.status,
        "params": item.params if item.params is not None else {},
        "metrics": item.metrics if item.metrics is not None else {},
        "metric_steps": item.metric_steps if item.metric_steps is not None else {},
        "test_results": item.test_results if item.test_results is not None else [],
    }
