"""The explicit logging API: log runs, manage components, notes, ids, and wiping the graph.

Every function here is one round trip to Neo4j. Logging never fails a pipeline because
the database is down: the runs go to the durable spool (see ``client.spool``) with one
warning, and are replayed by ``mltrace-graph sync`` or by the next log that succeeds.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from neo4j import exceptions as neo4j_errors

from mltrace_graph import remote
from mltrace_graph.client import spool
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.errors import (
    DatabaseAuthError,
    DatabaseUnavailableError,
    RemoteServerError,
    SpooledRunWarning,
    StaleRunWarning,
)
from mltrace_graph.store import components as component_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import DEFAULT_STALENESS_THRESHOLD, run_to_row, write_rows

# Failures that mean "the database is not there right now", as opposed to a bad request.
UNREACHABLE = (
    DatabaseUnavailableError,
    DatabaseAuthError,
    neo4j_errors.TransientError,
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    TimeoutError,
)


class _SpoolNotice:
    """Warns once per outage: set on the first spooled run, cleared by a good write."""

    warned = False


# After a failed attempt, runs logged to the same URI within this many seconds go to the
# spool without trying again: a pooled driver retries a dead server for up to 15 seconds,
# which would otherwise stall every step of a pipeline during an outage.
RETRY_AFTER_SECONDS = 30.0
_outage_until: dict[str, float] = {}


def _threshold(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(
            f"staleness_threshold must be a number of seconds >= 0, got {value!r} "
            f"(the default is {DEFAULT_STALENESS_THRESHOLD}, 30 days)"
        )
    return int(value)


def log_component_runs(
    runs: Sequence[ComponentRun],
    set_dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> None:
    """Logs runs in order, in one round trip (a backfill logs a whole pipeline at once).

    Each run gets its ``id``, ``stale`` and ``dependency_ids``. Stale warnings are
    printed with ``warnings.warn``. If Neo4j cannot be reached, the runs are spooled and
    keep ``id = None``.
    """
    if isinstance(runs, ComponentRun):
        raise TypeError("log_component_runs takes a list of runs; use log_component_run(cr)")
    for position, run in enumerate(runs):
        if not isinstance(run, ComponentRun):
            raise TypeError(
                f"runs[{position}] must be a ComponentRun, got {type(run).__name__}: {run!r}"
            )
    threshold = _threshold(staleness_threshold)
    rows = [
        run_to_row(
            run,
            dependencies_from_inputs=bool(set_dependencies_from_inputs),
            staleness_threshold=threshold,
        )
        for run in runs
    ]
    if not rows:
        return
    server = remote.get_server()
    if server is not None:
        _send_through_server(runs, rows, server)
        return
    db = Database()
    if time.monotonic() < _outage_until.get(db.settings.uri, 0.0):
        spool.append(rows)
        return
    try:
        if spool.has_pending():
            _replay_quietly(db)
        result = write_rows(db, rows)
    except UNREACHABLE as exc:
        _outage_until[db.settings.uri] = time.monotonic() + RETRY_AFTER_SECONDS
        _spool_with_notice(
            rows,
            f"Neo4j is unavailable ({exc})",
            "They are written by 'mltrace-graph sync' or by the next successful log.",
        )
        return
    _SpoolNotice.warned = False
    _outage_until.pop(db.settings.uri, None)
    for run in runs:
        written = result[run.uid]
        run.id = int(written["id"])
        run.stale = list(written["stale"])
        run.dependency_ids = sorted(int(i) for i in written["dependency_ids"])
        for message in run.stale:
            warnings.warn(message, StaleRunWarning, stacklevel=3)


def _spool_with_notice(
    rows: list[dict[str, Any]], why: str, replay: str, stacklevel: int = 4
) -> None:
    """Keeps runs in the spool and warns once per outage, not once per run."""
    path = spool.append(rows)
    if not _SpoolNotice.warned:
        _SpoolNotice.warned = True
        warnings.warn(
            f"lineage not written, {why}; {len(rows)} run(s) kept in {path}. {replay} "
            f"(Shown once per outage.)",
            SpooledRunWarning,
            stacklevel=stacklevel,
        )


def _send_through_server(
    runs: Sequence[ComponentRun], rows: list[dict[str, Any]], server: remote.RemoteServer
) -> None:
    """Logs via the HTTP server (no database credentials); spools when it does not answer.

    A refused token or a refused run is raised: that is a mistake to fix, not an outage.
    """
    try:
        remote.send_runs(runs, server=server)
    except RemoteServerError as exc:
        if not exc.unreachable:
            raise
        _spool_with_notice(
            rows,
            str(exc),
            "Replay them with 'mltrace-graph sync' where the database is reachable.",
            stacklevel=5,
        )
        return
    _SpoolNotice.warned = False
    for run in runs:
        for message in run.stale:
            warnings.warn(message, StaleRunWarning, stacklevel=4)


def _replay_quietly(db: Database) -> None:
    """Replays the spool before a live write; another process replaying is not an error."""
    try:
        report = spool.replay(db, blocking=False)
    except spool.ReplayBusy:
        return
    except UNREACHABLE:
        raise
    except Exception as exc:
        # A line Neo4j refuses must not fail every later log: report it and go on.
        warnings.warn(
            f"could not replay the spool ({exc}); the runs stay there, run "
            f"'mltrace-graph sync' to retry and see the full error",
            SpooledRunWarning,
            stacklevel=4,
        )
        return
    if report.corrupt:
        warnings.warn(
            f"{report.corrupt} torn line(s) in the spool were set aside in "
            f"{spool.spool_dir() / 'corrupt.jsonl'}",
            SpooledRunWarning,
            stacklevel=4,
        )


def log_component_run(
    component_run: ComponentRun,
    set_dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> None:
    """Logs one run: component, run, pointers, edges and dependencies in one round trip.

    Args:
        component_run: the run, with both timestamps set.
        set_dependencies_from_inputs: depend on the latest producer of each input.
        staleness_threshold: seconds after which a dependency counts as stale.
    """
    if not isinstance(component_run, ComponentRun):
        raise TypeError(
            f"component_run must be a ComponentRun, got {type(component_run).__name__}: "
            f"{component_run!r}"
        )
    log_component_runs(
        [component_run],
        set_dependencies_from_inputs=set_dependencies_from_inputs,
        staleness_threshold=staleness_threshold,
    )


def _tag_list(tags: Iterable[str] | None) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        raise TypeError(f"tags must be a list of str, got the str {tags!r}; use [{tags!r}]")
    return [validate_name(tag, "tag") for tag in tags]


def create_component(
    name: str, description: str, owner: str, tags: Iterable[str] | None = None
) -> None:
    """Creates a component, or updates its description and owner and adds tags."""
    validate_name(name, "component name")
    for what, value in (("description", description), ("owner", owner)):
        if not isinstance(value, str):
            raise TypeError(f"{what} must be a str, got {type(value).__name__}: {value!r}")
    component_store.upsert_component(
        Database(), name, owner=owner, description=description, tags=_tag_list(tags)
    )


def tag_component(component_name: str, tags: Iterable[str]) -> list[str]:
    """Adds tags to an existing component; returns all its tags."""
    validate_name(component_name, "component_name")
    return component_store.tag_component(Database(), component_name, _tag_list(tags))


def add_notes_to_component_run(component_run_id: int | str, notes: str) -> str:
    """Replaces the notes of a logged run and returns them."""
    if not isinstance(notes, str):
        raise TypeError(f"notes must be a str, got {type(notes).__name__}: {notes!r}")
    try:
        run_id = int(component_run_id)
    except (TypeError, ValueError):
        raise ValueError(
            f"component_run_id must be a run id (an integer), got {component_run_id!r}"
        ) from None
    component_store.set_run_notes(Database(), run_id, notes)
    return notes


def create_random_ids(num_outputs: int = 1) -> list[str]:
    """Unique ids for outputs such as predictions (log them with ``endpoint=True``)."""
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, int) or num_outputs < 1:
        raise ValueError(f"num_outputs must be an int >= 1, got {num_outputs!r}")
    return [uuid.uuid4().hex for _ in range(num_outputs)]


def clean_db() -> None:
    """Deletes all lineage data (components, runs, pointers, tags); the schema stays."""
    component_store.delete_lineage(Database())
