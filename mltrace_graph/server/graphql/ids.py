"""Typed node ids of the API (``run:<id>``, ``io:<name>``), and errors in the API's names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.server.graphql.types import NotFound


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


def camel(name: str) -> str:
    """A Python argument name as the schema spells it: ``max_depth`` -> ``maxDepth``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_path(path: str) -> str:
    """A wire row's field path as ``RunInput`` spells it: ``runs[2].end_timestamp`` ->
    ``runs[2].endTimestamp`` (the row's ``upstream`` is the input's ``dependencies``)."""
    parts = []
    for part in path.split("."):
        head, bracket, rest = part.partition("[")
        parts.append(("dependencies" if head == "upstream" else camel(head)) + bracket + rest)
    return ".".join(parts)


@contextmanager
def graphql_names() -> Iterator[None]:
    """Re-raises the service's ``InvalidInputError`` with the GraphQL argument's name.

    The service names arguments as Python does (``max_depth``); a GraphQL client sent
    ``maxDepth``, so both the ``field`` and the name at the head of the message change.
    """
    try:
        yield
    except InvalidInputError as exc:
        field = camel(exc.field) if exc.field else exc.field
        message = str(exc)
        if exc.field and message.startswith(exc.field):
            message = field + message[len(exc.field) :]
        raise InvalidInputError(message, field) from exc


def not_found(exc: NotFoundError, suffix: str = "") -> NotFound:
    """The schema's ``NotFound`` from the error's own ids (never parsed from its message)."""
    return NotFound(message=f"{exc}{suffix}", ids=list(exc.ids))
