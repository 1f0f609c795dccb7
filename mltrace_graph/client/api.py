"""The explicit logging API: log runs, manage components, notes, ids, and wiping the graph.

Every function here is one round trip to Neo4j, through ``default_client()`` (see
``client.session``, which also says what happens while the database is down).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from mltrace_graph.client.session import default_client
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.store import components as component_store
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD


def log_component_runs(
    runs: Sequence[ComponentRun],
    set_dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> None:
    """Logs runs in one round trip (a backfill logs a whole pipeline at once).

    Each run gets its ``id``, ``stale`` and ``dependency_ids``; dependencies follow the
    runs' times, not their order in the list (see docs/logging.md). Stale warnings are
    printed with ``warnings.warn``. If Neo4j (or the server set with ``set_server``)
    cannot be reached, the runs are spooled and keep ``id = None``.
    """
    if isinstance(runs, ComponentRun):
        raise TypeError("log_component_runs takes a list of runs; use log_component_run(cr)")
    for position, run in enumerate(runs):
        if not isinstance(run, ComponentRun):
            raise TypeError(
                f"runs[{position}] must be a ComponentRun, got {type(run).__name__}: {run!r}"
            )
    default_client().log_runs(
        runs,
        dependencies_from_inputs=set_dependencies_from_inputs,
        staleness_threshold=staleness_threshold,
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
        default_client().database(),
        name,
        owner=owner,
        description=description,
        tags=_tag_list(tags),
    )


def tag_component(component_name: str, tags: Iterable[str]) -> list[str]:
    """Adds tags to an existing component; returns all its tags."""
    validate_name(component_name, "component_name")
    return component_store.tag_component(
        default_client().database(), component_name, _tag_list(tags)
    )


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
    component_store.set_run_notes(default_client().database(), run_id, notes)
    return notes


def create_random_ids(num_outputs: int = 1) -> list[str]:
    """Unique ids for outputs such as predictions (log them with ``endpoint=True``)."""
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, int) or num_outputs < 1:
        raise ValueError(f"num_outputs must be an int >= 1, got {num_outputs!r}")
    return [uuid.uuid4().hex for _ in range(num_outputs)]


def clean_db() -> None:
    """Deletes all lineage data (components, runs, pointers, tags); the schema stays."""
    component_store.delete_lineage(default_client().database())
