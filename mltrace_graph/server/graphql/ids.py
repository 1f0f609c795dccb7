"""Typed node ids of the API (``run:<id>``, ``io:<name>``), as the trace graph uses them."""

from __future__ import annotations

from mltrace_graph.errors import InvalidInputError


def parse_node_id(node_id: str) -> tuple[int | None, str | None]:
    """``(run_id, None)`` for ``run:<int>``; ``(None, name)`` for ``io:<name>`` or a name."""
    kind, sep, rest = node_id.partition(":")
    if sep and kind == "run":
        if not rest.isdigit():
            raise InvalidInputError(f"id {node_id!r}: a run id is 'run:<integer>'", "id")
        return int(rest), None
    if sep and kind == "io":
        return None, rest
    return None, node_id
