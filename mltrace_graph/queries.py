"""mltrace's query functions, with its names and return shapes, over the graph store.

Each function opens the process's ``Database`` through ``_db()`` and calls one service
function (``mltrace_graph.service``), which validates the arguments and makes the store
call; what is left here is mltrace's shape of the answer: lists and tuples as mltrace
returned them, ``[]`` where mltrace found nothing, and pandas DataFrames, which only this
edge of the package builds. New capabilities (impact, the flat trace graph, Ochiai
ranking, search) sit beside them with the same conventions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from mltrace_graph.client.component import Component
from mltrace_graph.client.session import default_client
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.errors import NotFoundError
from mltrace_graph.service import (
    components,
    diff,
    lineage,
    pointers,
    review,
    runs,
    search,
    staleness,
)
from mltrace_graph.service.staleness import PlanStep, StalenessReport
from mltrace_graph.store.connection import Database
from mltrace_graph.store.history import ComponentInfo
from mltrace_graph.store.lineage import DEFAULT_MAX_NODES, TraceGraph
from mltrace_graph.store.review import Review

# mltrace's nested tree from a flat trace, for callers that already hold the graph.
nest_trace = lineage.nest_trace


def _db() -> Database:
    """The one place the query functions get their database from: the default client's."""
    return default_client().database()


# --- lineage -------------------------------------------------------------------------------


def backtrace(output_pointer: str, max_depth: int | None = None) -> list[tuple[int, ComponentRun]]:
    """The runs behind an output as ``[(level, ComponentRun), ...]``, each run once.

    Level 0 is the latest run that produced ``output_pointer`` (mltrace's name for the
    argument); level n is n dependency hops upstream of it. Ordered by level, then by run
    id descending.

    Raises:
        NotFoundError: no output is named ``output_pointer`` (``exc.ids`` names it).
    """
    return lineage.backtrace(_db(), output_pointer, max_depth=max_depth)


def trace_graph(
    output_id: str, max_depth: int | None = None, max_nodes: int = DEFAULT_MAX_NODES
) -> TraceGraph:
    """The upstream lineage of an output as a flat graph of runs and pointers."""
    return lineage.trace(_db(), output_id, max_depth=max_depth, max_nodes=max_nodes)


def web_trace(output_id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
    """The nested form mltrace's UI used: run nodes whose children are their inputs.

    Each run is expanded once, at its shortest distance; where a later branch reaches a run
    already shown, it appears as a leaf with ``"repeat": True`` instead of its subtree
    again, so diamond-shaped pipelines stay small.
    """
    return lineage.web_trace(_db(), output_id, max_depth=max_depth)


def impact(
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> TraceGraph:
    """Everything downstream of a run or an output: the runs it fed and what they produced."""
    return lineage.impact(
        _db(), run_id=run_id, output_id=output_id, max_depth=max_depth, max_nodes=max_nodes
    )


def flag_impact(
    run_id: int | None = None, output_id: str | None = None, max_depth: int | None = None
) -> list[str]:
    """Flags every output downstream of a run or output in one call; returns their names."""
    return lineage.flag_impact(_db(), run_id=run_id, output_id=output_id, max_depth=max_depth)


# --- staleness at query time --------------------------------------------------------------


def get_staleness(
    output_id: str | None = None,
    run_id: int | str | None = None,
    as_of: datetime | str | None = None,
) -> StalenessReport:
    """Why the runs behind an output (or a run) are stale, with the re-run plan.

    Computed when asked, transitively: DATA, AGE, CODE and UPSTREAM reasons, each naming
    the run that causes it (docs/diagnosis.md). The log-time ``stale`` list of each run
    stays as mltrace wrote it. Give exactly one of ``output_id`` and ``run_id``;
    ``as_of`` looks at the graph as it stood then. ``report.to_dict()`` is JSON-ready.

    Raises:
        NotFoundError: no output or run by that name or id (``exc.ids`` names it).
    """
    return staleness.staleness(_db(), output_id, as_of, run_id=run_id)


def get_rerun_plan(output_id: str, as_of: datetime | str | None = None) -> list[PlanStep]:
    """The runs to redo, upstream first, to make an output fresh; ``[]`` when it is."""
    return staleness.plan(_db(), output_id, as_of)


# --- history and metadata ------------------------------------------------------------------


def get_history(
    component_name: str,
    limit: int | None = 10,
    date_lower: datetime | str | None = None,
    date_upper: datetime | str | None = None,
) -> list[ComponentRun]:
    """The newest runs of a component (newest first) started between the bounds.

    ``limit=None`` returns every run in the window. A component with no runs, or a name
    nothing was logged under, has an empty history, as in mltrace.
    """
    try:
        return runs.component_history(_db(), component_name, limit, date_lower, date_upper)
    except NotFoundError:
        return []


def get_recent_run_ids(limit: int | None = 5, last_run_id: int | None = None) -> list[int]:
    """Ids of the most recently started runs; pass the last id seen to get the next page.

    ``limit=None`` returns them all.
    """
    return runs.recent_run_ids(_db(), limit=limit, last_run_id=last_run_id)


def get_recent_runs(limit: int | None = 20, last_run_id: int | None = None) -> list[ComponentRun]:
    """The most recently started runs, paged like ``get_recent_run_ids``."""
    return runs.recent_runs(_db(), limit=limit, last_run_id=last_run_id)


def get_component_run_information(component_run_id: int | str) -> ComponentRun:
    """One run by id (mltrace accepted the id as a string too).

    Raises:
        NotFoundError: no run has this id.
    """
    return runs.run(_db(), component_run_id)


def get_component_information(component_name: str) -> Component:
    """A component's name, owner, description and tags.

    Raises:
        NotFoundError: no component has this name.
    """
    return _component(components.component(_db(), component_name))


def get_components(tag: str = "", owner: str = "") -> list[Component]:
    """Components with the tag and/or owner given; all components when neither is."""
    return [_component(c) for c in components.components(_db(), tag=tag, owner=owner)]


def get_components_with_owner(owner: str) -> list[Component]:
    """Components owned by ``owner`` (mltrace's older name for ``get_components(owner=)``)."""
    return get_components(owner=owner)


def get_components_with_tag(tag: str) -> list[Component]:
    """Components tagged ``tag`` (mltrace's older name for ``get_components(tag=)``)."""
    return get_components(tag=tag)


def _component(info: ComponentInfo) -> Component:
    return Component(info.name, owner=info.owner, description=info.description, tags=info.tags)


def get_all_tags() -> list[str]:
    """Every tag name, sorted."""
    return components.tags(_db())


def get_io_pointer(
    io_pointer_id: str, io_pointer_val: Any = None, create: bool = True
) -> IOPointer:
    """A pointer by name, created with ``io_pointer_val`` when missing (unless create=False)."""
    return pointers.pointer(_db(), io_pointer_id, value=io_pointer_val, create=create)


# --- flags and review ----------------------------------------------------------------------


def flag_output_id(output_id: str) -> bool:
    """Flags an output for review (any pointer can be flagged)."""
    review.flag(_db(), [output_id])
    return True


def unflag_output_id(output_id: str) -> bool:
    """Clears the flag of an output."""
    review.unflag(_db(), [output_id])
    return False


def unflag_all() -> int:
    """Clears every flag; returns how many outputs were flagged."""
    return review.unflag_all(_db())


def review_flagged_outputs(
    rank: str = "coverage", limit: int | None = None
) -> tuple[list[str], list[tuple[ComponentRun, int]]]:
    """mltrace's review: ``(flagged_ids, [(ComponentRun, count), ...])``.

    Sorted by count descending, ties by run id descending (``rank="coverage"``), or by the
    Ochiai score (``rank="ochiai"``). ``review_culprits`` returns the numbers behind it.
    """
    result = review.review(_db(), rank=rank, limit=limit)
    return result.flagged, [(c.run, c.ef) for c in result.culprits]


def review_culprits(rank: str = "coverage", limit: int | None = None) -> Review:
    """The review with ef, ep, coverage and Ochiai score for each run."""
    return review.review(_db(), rank=rank, limit=limit)


# --- search --------------------------------------------------------------------------------


def search_runs(
    component: str | None = None,
    tag: str | None = None,
    owner: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    status: str | None = None,
    params: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 1000,
) -> pd.DataFrame:
    """Runs as a DataFrame, one row each, ``params.*``/``metrics.*`` columns (MLflow-style)."""
    found = search.search_runs(
        _db(),
        component=component,
        tag=tag,
        owner=owner,
        since=since,
        until=until,
        status=status,
        params=params,
        metrics=metrics,
        filter_string=filter_string,
        order_by=order_by,
        max_results=max_results,
    )
    return pd.DataFrame.from_records(found.records, columns=found.columns)


# --- diff ----------------------------------------------------------------------------------


def diff_traces(a: str, b: str, as_of: datetime | str | None = None) -> diff.TraceDiff:
    """What differs between the lineage of outputs ``a`` and ``b``, and where to look first.

    Runs are aligned by component (and by depth, then start time, where a component occurs
    several times); ``first_divergences`` are the most upstream aligned runs that differ
    in more than time. ``as_of`` looks at the graph as it stood then (naive means UTC).
    ``to_dict()`` gives JSON-ready data.

    Raises:
        NotFoundError: an output does not exist (``exc.ids`` names it).
    """
    return diff.diff_traces(_db(), a, b, as_of=as_of)


def diff_runs(run_a: int | str, run_b: int | str) -> diff.RunPairDiff:
    """What differs between two runs of one component (``same`` when they are one run).

    Raises:
        NotFoundError: a run does not exist (``exc.ids`` names it).
        InvalidInputError: the runs are of different components.
    """
    return diff.diff_runs(_db(), run_a, run_b)
