"""One validator per kind of argument: counts and limits, depths, run ids, names, datetimes.

Each returns the value in the form the store takes, or raises ``InvalidInputError`` whose
``field`` is the argument's Python name (GraphQL renames it to its camelCase argument).
``InvalidInputError`` is a ``ValueError``, as the checks it replaces raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mltrace_graph.entities.component_run import to_utc
from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.store.history import EARLIEST, LATEST

__all__ = ["EARLIEST", "LATEST", "SERVER_BOUNDS", "UNBOUNDED", "Bounds"]


@dataclass(frozen=True)
class Bounds:
    """The largest values a caller may ask for; ``None`` is no bound.

    The Python API is unbounded (it is the user's own process); the server passes
    ``SERVER_BOUNDS`` so one request cannot ask Neo4j for an unbounded walk or page.
    """

    page: int | None = None
    depth: int | None = None
    nodes: int | None = None


UNBOUNDED = Bounds()
SERVER_BOUNDS = Bounds(page=500, depth=1000, nodes=20_000)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def positive_int(value: Any, field: str, maximum: int | None = None) -> int:
    """A count of at least 1 (and at most ``maximum``)."""
    if not _is_int(value) or value < 1 or (maximum is not None and value > maximum):
        span = f"between 1 and {maximum}" if maximum is not None else "a positive int"
        raise InvalidInputError(f"{field} must be {span}, got {value!r}", field)
    return int(value)


def limit(value: Any, field: str = "limit", maximum: int | None = None) -> int | None:
    """A positive count, or ``None`` for no limit (as mltrace's limits allowed)."""
    if value is None:
        if maximum is not None:
            raise InvalidInputError(f"{field} must be between 1 and {maximum}, got None", field)
        return None
    return positive_int(value, field, maximum)


def depth(value: Any, field: str = "max_depth", maximum: int | None = None) -> int | None:
    """A number of dependency hops (0 is the start alone), or ``None`` for no bound."""
    if value is None and maximum is None:
        return None
    if not _is_int(value) or value < 0 or (maximum is not None and value > maximum):
        span = f"between 0 and {maximum}" if maximum is not None else "a non-negative int or None"
        raise InvalidInputError(f"{field} must be {span}, got {value!r}", field)
    return int(value)


def run_id(value: Any, field: str = "run_id") -> int:
    """A run id: an int, or a string of digits (mltrace's ids were strings)."""
    if _is_int(value):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InvalidInputError(f"{field} must be an integer run id, got {value!r}", field)


def name(value: Any, field: str) -> str:
    """A component, pointer or tag name: a non-empty str without control characters."""
    try:
        return validate_name(value, field)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(str(exc), field) from None


def names(values: Any, field: str) -> list[str]:
    """One name or a list of names (flag and unflag take either)."""
    if isinstance(values, str):
        return [name(values, field)]
    if not isinstance(values, list | tuple):
        raise InvalidInputError(f"{field} must be a name or a list of names", field)
    return [name(v, field) for v in values]


def moment(value: Any, default: datetime, field: str) -> datetime:
    """A datetime bound, from a datetime or an ISO string; naive means local time."""
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInputError(
                f"{field} must be a datetime or an ISO date string, got {value!r}", field
            ) from None
    if not isinstance(value, datetime):
        raise InvalidInputError(f"{field} must be a datetime, got {value!r}", field)
    if value.tzinfo is None and value.year in (1, 9999):
        return value.replace(tzinfo=UTC)  # the extreme defaults cannot be shifted to UTC
    try:
        return to_utc(value, field)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(str(exc), field) from None


def as_of(value: Any, field: str = "as_of") -> datetime | None:
    """The moment a read looks at the graph as it stood, or ``None`` for now.

    Every read that takes ``as_of`` (trace, impact, review, history, recent, staleness,
    diff) validates it here, so a datetime and an ISO string mean the same moment from the
    Python API, the CLI and GraphQL. A naive value (no offset) is read as UTC, the same on
    every machine, so a moment copied from a run card or a log line means what it says.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInputError(
                f"{field} must be a datetime or an ISO date string like "
                f"2026-01-05T09:30:00Z, got {value!r}",
                field,
            ) from None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return moment(value, LATEST, field)


def choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    """One of a fixed set of words (review's rank)."""
    if value not in allowed:
        raise InvalidInputError(
            f"{field} must be one of {', '.join(allowed)}, got {value!r}", field
        )
    return str(value)
