"""Runs: one by id, a component's history, recent runs, pages of either, and run notes.

Pages are keyset pages: the cursor is the ``(start_timestamp, id)`` of a page's last run,
and the next page holds the runs strictly after it in that order, newest first. So runs
sharing a start time are each returned once, however many share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.service import arguments
from mltrace_graph.service.arguments import EARLIEST, LATEST, UNBOUNDED, Bounds
from mltrace_graph.store import components, history, runs
from mltrace_graph.store.connection import Database

MAX_NOTES = 100_000


@dataclass(frozen=True)
class RunPage:
    """Runs newest first; ``end_cursor`` continues after the last of them."""

    runs: list[ComponentRun]
    end_cursor: str | None
    has_next_page: bool


def cursor(run: ComponentRun) -> str:
    """Opaque to clients: the run's id and start time, enough to continue after it."""
    start = run.start_timestamp.isoformat() if run.start_timestamp else ""
    return f"{run.id}|{start}"


def read_cursor(value: str, field: str = "after") -> tuple[int, datetime | None]:
    """The ``(id, start)`` in a cursor this module wrote."""
    raw_id, _, raw_start = str(value).partition("|")
    try:
        start = datetime.fromisoformat(raw_start) if raw_start else None
        return int(raw_id), start
    except ValueError:
        raise InvalidInputError(
            f"{field} {value!r} is not a cursor this API returned (use a page's endCursor)",
            field,
        ) from None


def run(db: Database, run_id: int | str) -> ComponentRun:
    """One run by id (an int, or its digits as a str).

    Raises:
        NotFoundError: no run has this id.
    """
    return history.component_run(db, arguments.run_id(run_id))


def find_run(db: Database, run_id: int) -> ComponentRun | None:
    """One run by id, or ``None``."""
    found = runs.get_runs(db, [arguments.run_id(run_id)])
    return found[0] if found else None


def component_history(
    db: Database,
    component_name: str,
    limit: int | None = 10,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    as_of: Any = None,
) -> list[ComponentRun]:
    """The newest runs of a component started within the bounds; ``limit=None``: all.

    ``as_of``: only the runs started by then.

    Raises:
        NotFoundError: no component has this name.
    """
    return history.history(
        db,
        arguments.name(component_name, "component_name"),
        arguments.limit(limit),
        arguments.moment(since, EARLIEST, "since"),
        arguments.moment(until, LATEST, "until"),
        as_of=arguments.as_of(as_of),
    )


def history_page(
    db: Database,
    component_name: str,
    first: int = 20,
    after: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    bounds: Bounds = UNBOUNDED,
    as_of: Any = None,
) -> RunPage:
    """One page of a component's history, continuing after the cursor ``after``.

    Raises:
        NotFoundError: no component has this name.
    """
    size = arguments.positive_int(first, "first", bounds.page)
    keyset = None
    if after is not None:
        after_id, after_start = read_cursor(after)
        if after_start is None:
            raise InvalidInputError(
                f"after {after!r} is not a history cursor (use a page's endCursor)", "after"
            )
        keyset = (arguments.moment(after_start, LATEST, "after"), after_id)
    found = history.history(
        db,
        arguments.name(component_name, "component"),
        size + 1,
        arguments.moment(since, EARLIEST, "since"),
        arguments.moment(until, LATEST, "until"),
        after=keyset,
        as_of=arguments.as_of(as_of),
    )
    return _page(found, size)


def recent_runs(
    db: Database, limit: int | None = 20, last_run_id: int | None = None, as_of: Any = None
) -> list[ComponentRun]:
    """The most recently started runs, newest first, after ``last_run_id`` if given.

    ``as_of``: only the runs started by then.

    Raises:
        NotFoundError: ``last_run_id`` is not a run.
    """
    after = None if last_run_id is None else arguments.run_id(last_run_id, "last_run_id")
    return history.recent_runs(db, arguments.limit(limit), after, as_of=arguments.as_of(as_of))


def recent_run_ids(
    db: Database, limit: int | None = 5, last_run_id: int | None = None, as_of: Any = None
) -> list[int]:
    """Ids of the most recently started runs, paged like ``recent_runs``.

    Raises:
        NotFoundError: ``last_run_id`` is not a run.
    """
    after = None if last_run_id is None else arguments.run_id(last_run_id, "last_run_id")
    return history.recent_run_ids(db, arguments.limit(limit), after, as_of=arguments.as_of(as_of))


def recent_page(
    db: Database,
    first: int = 20,
    after: str | None = None,
    bounds: Bounds = UNBOUNDED,
    as_of: Any = None,
) -> RunPage:
    """One page of recent runs across components.

    Raises:
        InvalidInputError: ``after`` is not a cursor, or names a run that no longer exists.
    """
    size = arguments.positive_int(first, "first", bounds.page)
    last_id = read_cursor(after)[0] if after is not None else None
    try:
        found = history.recent_runs(db, size + 1, last_id, as_of=arguments.as_of(as_of))
    except NotFoundError as exc:
        raise InvalidInputError(
            f"after {after!r} names run {', '.join(exc.ids)}, which no longer exists", "after"
        ) from exc
    return _page(found, size)


def _page(found: list[ComponentRun], size: int) -> RunPage:
    page = found[:size]
    return RunPage(
        runs=page,
        end_cursor=cursor(page[-1]) if page else None,
        has_next_page=len(found) > size,
    )


def set_notes(db: Database, run_id: Any, notes: str, append: bool = False) -> ComponentRun:
    """Sets (or appends a line to) the notes of a run; returns the run as it is now.

    Raises:
        InvalidInputError: the notes are not a str or are longer than ``MAX_NOTES``.
        NotFoundError: no run has this id.
    """
    wanted = arguments.run_id(run_id)
    if not isinstance(notes, str):
        raise InvalidInputError(f"notes must be a str, got {type(notes).__name__}", "notes")
    if len(notes) > MAX_NOTES:
        raise InvalidInputError(
            f"notes are {len(notes)} characters; the limit is {MAX_NOTES}", "notes"
        )
    if append:
        current = history.component_run(db, wanted)
        notes = "\n".join(part for part in (current.notes, notes) if part)
    components.set_run_notes(db, wanted, notes)
    return history.component_run(db, wanted)
