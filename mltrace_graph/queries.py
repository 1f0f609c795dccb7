"""mltrace's query functions, with its names and return shapes, over the graph store.

Each function is a thin wrapper: it opens the process's ``Database`` (configured by
``set_db_uri``/env vars), calls one store function (one round trip) and shapes the answer
as mltrace did. New capabilities (impact, the flat trace graph, Ochiai ranking, search) sit
beside them with the same conventions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from mltrace_graph.client.session import default_client
from mltrace_graph.entities.component import Component
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.store import history, lineage, review, search
from mltrace_graph.store.connection import Database
from mltrace_graph.store.history import ComponentInfo
from mltrace_graph.store.lineage import TraceGraph
from mltrace_graph.store.review import Review


def _db() -> Database:
    return default_client().database()


# --- lineage -------------------------------------------------------------------------------


def backtrace(output_id: str, max_depth: int | None = None) -> list[tuple[int, ComponentRun]]:
    """The runs behind an output as ``[(level, ComponentRun), ...]``, each run once.

    Level 0 is the latest run that produced ``output_id``; level n is n dependency hops
    upstream of it. Ordered by level, then by run id descending.

    Raises:
        NotFoundError: no output is named ``output_id``.
    """
    return lineage.backtrace(_db(), output_id, max_depth=max_depth)


def trace_graph(
    output_id: str, max_depth: int | None = None, max_nodes: int = lineage.DEFAULT_MAX_NODES
) -> TraceGraph:
    """The upstream lineage of an output as a flat graph of runs and pointers."""
    return lineage.trace(_db(), output_id, max_depth=max_depth, max_nodes=max_nodes)


def web_trace(output_id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
    """The nested form mltrace's UI used: run nodes whose children are their inputs.

    Each run is expanded once, at its shortest distance; where a later branch reaches a run
    already shown, it appears as a leaf with ``"repeat": True`` instead of its subtree
    again, so diamond-shaped pipelines stay small.
    """
    return nest_trace(trace_graph(output_id, max_depth=max_depth))


def nest_trace(graph: TraceGraph) -> list[dict[str, Any]]:
    """Turns a flat upstream trace into mltrace's nested tree, iteratively (no recursion)."""
    by_id = {node.id: node for node in graph.nodes}
    produced_by: dict[str, list[str]] = {}
    consumed: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.type == "PRODUCED":
            produced_by.setdefault(edge.target, []).append(edge.source)
        elif edge.type == "CONSUMED":
            consumed.setdefault(edge.source, []).append(edge.target)
    root_runs = produced_by.get(graph.root, [])
    if not root_runs:
        return []
    expanded: set[str] = set()

    def card(node_id: str) -> dict[str, Any]:
        node = by_id[node_id]
        if node.kind == "run":
            return {
                "id": f"componentrun_{node.run_id}",
                "label": node.component_name,
                "hasCaret": True,
                "isExpanded": True,
                "stale": list(node.stale),
                "childNodes": [],
            }
        return {
            "id": f"iopointer_{node.pointer_name}",
            "label": node.pointer_name,
            "hasCaret": False,
            "flag": node.flag,
            "childNodes": [],
        }

    top = card(root_runs[0])
    # Breadth-first, so each run is expanded where it is nearest to the output.
    queue = deque([(root_runs[0], top)])
    while queue:
        run_id, holder = queue.popleft()
        if run_id in expanded:
            holder["repeat"] = True
            holder["hasCaret"] = False
            continue
        expanded.add(run_id)
        for pointer_id in sorted(consumed.get(run_id, [])):
            pointer_card = card(pointer_id)
            holder["childNodes"].append(pointer_card)
            for producer in produced_by.get(pointer_id, []):
                producer_card = card(producer)
                pointer_card["childNodes"].append(producer_card)
                pointer_card["hasCaret"] = True
                queue.append((producer, producer_card))
    return [top]


def impact(
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    max_nodes: int = lineage.DEFAULT_MAX_NODES,
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


# --- history and metadata ------------------------------------------------------------------


def get_history(
    component_name: str,
    limit: int = 10,
    date_lower: datetime | str | None = None,
    date_upper: datetime | str | None = None,
) -> list[ComponentRun]:
    """The newest runs of a component (newest first) started between the bounds."""
    return history.history(_db(), component_name, limit, date_lower, date_upper)


def get_recent_run_ids(limit: int = 5, last_run_id: int | None = None) -> list[int]:
    """Ids of the most recently started runs; pass the last id seen to get the next page."""
    return history.recent_run_ids(_db(), limit=limit, last_run_id=last_run_id)


def get_recent_runs(limit: int = 20, last_run_id: int | None = None) -> list[ComponentRun]:
    """The most recently started runs, paged like ``get_recent_run_ids``."""
    return history.recent_runs(_db(), limit=limit, last_run_id=last_run_id)


def get_component_run_information(component_run_id: int | str) -> ComponentRun:
    """One run by id (mltrace accepted the id as a string too)."""
    return history.component_run(_db(), _run_id(component_run_id))


def get_component_information(component_name: str) -> Component:
    """A component's name, owner, description and tags.

    Raises:
        NotFoundError: no component has this name.
    """
    return _component(history.component(_db(), component_name))


def get_components(tag: str = "", owner: str = "") -> list[Component]:
    """Components with the tag and/or owner given; all components when neither is."""
    return [_component(c) for c in history.components(_db(), tag=tag or None, owner=owner or None)]


def _component(info: ComponentInfo) -> Component:
    return Component(info.name, owner=info.owner, description=info.description, tags=info.tags)


def get_all_tags() -> list[str]:
    """Every tag name, sorted."""
    return history.tags(_db())


def get_io_pointer(
    io_pointer_id: str, io_pointer_val: Any = None, create: bool = True
) -> IOPointer:
    """A pointer by name, created with ``io_pointer_val`` when missing (unless create=False)."""
    return history.io_pointer(_db(), io_pointer_id, value=io_pointer_val, create=create)


# --- flags and review ----------------------------------------------------------------------


def flag_output_id(output_id: str) -> bool:
    """Flags an output for review (any pointer can be flagged)."""
    review.flag_outputs(_db(), [output_id])
    return True


def unflag_output_id(output_id: str) -> bool:
    """Clears the flag of an output."""
    review.unflag_outputs(_db(), [output_id])
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
    return search.search_runs(
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


def _run_id(value: int | str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"a run id must be an int, got {value!r}")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"a run id is an integer, got {value!r}") from None
