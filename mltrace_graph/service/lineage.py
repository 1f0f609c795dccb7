"""Lineage questions: backtrace, the flat trace, impact, flagging an impact, mltrace's tree."""

from __future__ import annotations

from collections import deque
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments
from mltrace_graph.service.arguments import UNBOUNDED, Bounds
from mltrace_graph.store import lineage
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import LOCAL_ACTOR
from mltrace_graph.store.lineage import DEFAULT_MAX_NODES, TraceGraph


def backtrace(
    db: Database, output_id: str, max_depth: int | None = None, as_of: Any = None
) -> list[tuple[int, ComponentRun]]:
    """The runs behind an output as ``[(level, run), ...]``, each run once.

    ``as_of`` (a datetime or ISO string, naive = UTC): the backtrace as it stood then.

    Raises:
        NotFoundError: no output is named ``output_id``.
    """
    output = arguments.name(output_id, "output_id")
    return lineage.backtrace(
        db, output, max_depth=arguments.depth(max_depth), as_of=arguments.as_of(as_of)
    )


def trace(
    db: Database,
    output_id: str,
    max_depth: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    bounds: Bounds = UNBOUNDED,
    as_of: Any = None,
) -> TraceGraph:
    """The upstream lineage of an output as a flat graph of runs and pointers.

    ``as_of``: the graph as it stood then; empty with a ``note`` when nothing had
    produced the output (or nothing had been logged) by then.

    Raises:
        NotFoundError: no output is named ``output_id``.
    """
    return lineage.trace(
        db,
        arguments.name(output_id, "output_id"),
        max_depth=arguments.depth(max_depth, maximum=bounds.depth),
        max_nodes=arguments.positive_int(max_nodes, "max_nodes", bounds.nodes),
        as_of=arguments.as_of(as_of),
    )


def _target(run_id: Any, output_id: Any) -> tuple[int | None, str | None]:
    if (run_id is None) == (output_id is None):
        raise InvalidInputError(
            f"give exactly one of run_id and output_id, got run_id={run_id!r}, "
            f"output_id={output_id!r}",
            "run_id",
        )
    if run_id is not None:
        return arguments.run_id(run_id), None
    return None, arguments.name(output_id, "output_id")


def impact(
    db: Database,
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    bounds: Bounds = UNBOUNDED,
    as_of: Any = None,
) -> TraceGraph:
    """Everything downstream of a run or an output (give exactly one).

    ``as_of``: only the runs started by then.

    Raises:
        NotFoundError: the run or output does not exist.
    """
    start_run, start_output = _target(run_id, output_id)
    return lineage.impact(
        db,
        run_id=start_run,
        output_id=start_output,
        max_depth=arguments.depth(max_depth, maximum=bounds.depth),
        max_nodes=arguments.positive_int(max_nodes, "max_nodes", bounds.nodes),
        as_of=arguments.as_of(as_of),
    )


def flag_impact(
    db: Database,
    run_id: int | None = None,
    output_id: str | None = None,
    max_depth: int | None = None,
    bounds: Bounds = UNBOUNDED,
    actor: str = LOCAL_ACTOR,
) -> list[str]:
    """Flags every output downstream of a run or output; returns their names, sorted.

    ``actor`` is recorded on the flag events (the API token's name through the server).

    Raises:
        NotFoundError: the run or output does not exist (nothing is flagged).
    """
    start_run, start_output = _target(run_id, output_id)
    depth = arguments.depth(max_depth, maximum=bounds.depth) if max_depth is not None else None
    return lineage.flag_impact(
        db, run_id=start_run, output_id=start_output, max_depth=depth, actor=actor
    )


def web_trace(db: Database, output_id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
    """mltrace's nested trace (its UI's tree), built from the flat trace."""
    return nest_trace(trace(db, output_id, max_depth=max_depth))


def nest_trace(graph: TraceGraph) -> list[dict[str, Any]]:
    """Turns a flat upstream trace into mltrace's nested tree, iteratively (no recursion).

    Each run is expanded once, at its shortest distance; where a later branch reaches a run
    already shown, it appears as a leaf with ``"repeat": True`` instead of its subtree
    again, so diamond-shaped pipelines stay small.
    """
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
