"""Timestamps between Neo4j and Python.

The driver builds a ``neo4j.time.DateTime`` object for every temporal value it receives,
which costs tens to hundreds of microseconds each: a 1,000-run backtrace spent most of its
time there. Queries that return many runs therefore return timestamps as integer
microseconds since the epoch (see ``EPOCH_US`` uses), which ``to_datetime`` turns into an
exact ``datetime`` with the standard library's C code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(value: Any) -> datetime | None:
    """A UTC ``datetime`` from epoch microseconds, a driver DateTime, or a datetime."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return _EPOCH + timedelta(microseconds=value)
    native = value.to_native() if hasattr(value, "to_native") else value
    return native.astimezone(UTC) if isinstance(native, datetime) else None
