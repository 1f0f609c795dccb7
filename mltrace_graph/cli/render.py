"""Text and JSON renderings of runs, traces and reviews for the terminal (no I/O here)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store.lineage import TraceGraph, TraceNode
from mltrace_graph.store.review import Review

# Past this depth a trace tree stops indenting further; the [level] tag still tells depth.
MAX_INDENT = 30


def duration(seconds: float | None) -> str:
    """A duration in the unit a person would use: 350 ms, 4.2 s, 3 min 5 s, 2 h 5 min, 1 d 3 h."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    if whole < 86400:
        return f"{whole // 3600} h {whole % 3600 // 60} min"
    return f"{whole // 86400} d {whole % 86400 // 3600} h"


def when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def to_json(value: Any) -> str:
    """JSON for scripts: datetimes as ISO 8601 strings."""
    return json.dumps(value, indent=2, default=_default, sort_keys=False)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return str(value)


def run_dict(run: ComponentRun) -> dict[str, Any]:
    """A run as JSON-ready data, with its owner, duration and dependency ids."""
    data = run.to_dictionary()
    data["owner"] = run.owner
    data["duration_seconds"] = run.duration_seconds
    data["dependency_ids"] = run.dependency_ids
    return data


def run_line(run: ComponentRun) -> str:
    """One line of a run listing."""
    marks = " [stale]" if run.stale else ""
    marks += " [failed]" if run.status == "failed" else ""
    return (
        f"{run.id:>6}  {run.component_name:<24} {when(run.start_timestamp)}  "
        f"{duration(run.duration_seconds):>12}{marks}"
    )


RUN_HEADER = f"{'ID':>6}  {'COMPONENT':<24} {'STARTED':<23}  {'DURATION':>12}"


def run_card(run: ComponentRun, code: bool = False) -> str:
    """Everything about a run, labelled, one fact per line."""
    owner = f" (owner: {run.owner})" if run.owner else ""
    lines = [f"Run {run.id} · {run.component_name}{owner} · {run.status}"]

    def add(label: str, text: str) -> None:
        lines.append(f"  {label:<10}{text}")

    add("started", when(run.start_timestamp))
    add("ended", when(run.end_timestamp))
    add("duration", duration(run.duration_seconds))
    if run.git_hash or run.git_tags:
        tags = f"  tags: {', '.join(run.git_tags)}" if run.git_tags else ""
        add("git", f"{run.git_hash or '-'}{tags}")
    add("inputs", ", ".join(p.name for p in run.inputs) or "-")
    add("outputs", ", ".join(p.name + (" [flagged]" if p.flag else "") for p in run.outputs) or "-")
    deps = [f"{i} ({name})" for i, name in zip(run.dependency_ids, run.dependencies, strict=False)]
    add("depends", ", ".join(deps) or "-")
    for warning in run.stale:
        add("stale", f"! {warning}")
    for result in run.test_results:
        add("test", ", ".join(f"{k}={v}" for k, v in result.items()))
    if run.params:
        add("params", ", ".join(f"{k}={v}" for k, v in sorted(run.params.items())))
    if run.metrics:
        add("metrics", ", ".join(f"{k}={v}" for k, v in sorted(run.metrics.items())))
    if run.notes:
        add("notes", run.notes)
    if code:
        lines.append("  code:")
        snapshot = run.code_snapshot or "(no code snapshot was logged)"
        lines.extend(f"    {line}" for line in snapshot.splitlines())
    return "\n".join(lines)


def graph_dict(graph: TraceGraph) -> dict[str, Any]:
    """A trace or impact graph as JSON-ready data."""
    return {
        "root": graph.root,
        "direction": graph.direction,
        "truncated": graph.truncated,
        "nodes": [
            {k: v for k, v in vars(node).items() if v is not None and v != ()}
            | {"stale": list(node.stale)}
            for node in graph.nodes
        ],
        "edges": [vars(edge) for edge in graph.edges],
        "as_of": graph.as_of,
        "note": graph.note,
    }


def as_of_line(as_of: datetime | None) -> str:
    """A heading line for a read as of a moment; nothing for a read as of now."""
    return "" if as_of is None else f"As of {as_of.isoformat()}:\n"


def _run_label(node: TraceNode) -> str:
    elapsed = None
    if node.start_timestamp and node.end_timestamp:
        elapsed = (node.end_timestamp - node.start_timestamp).total_seconds()
    status = " [failed]" if node.status == "failed" else ""
    return (
        f"[{node.level}] run {node.run_id} {node.component_name}  "
        f"{when(node.start_timestamp)}  {duration(elapsed)}{status}"
    )


def trace_tree(graph: TraceGraph) -> str:
    """An upstream trace as an indented tree: each run expanded once, stale warnings inline.

    Built with an explicit stack, so a 1,000-run chain prints without recursion.
    """
    nodes = {node.id: node for node in graph.nodes}
    depends: dict[str, list[str]] = {}
    produced_by: dict[str, list[str]] = {}
    consumed: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.type == "DEPENDS_ON":
            depends.setdefault(edge.source, []).append(edge.target)
        elif edge.type == "PRODUCED":
            produced_by.setdefault(edge.target, []).append(edge.source)
        else:
            consumed.setdefault(edge.source, []).append(edge.target)
    root = nodes[graph.root]
    lines = [f"{root.label}" + (" [flagged]" if root.flag else "")]
    tops = produced_by.get(graph.root, [])
    if not tops:
        lines.append("  (no run produced this output: it is a raw input)")
    shown: set[str] = set()
    deepest = max((n.level for n in graph.nodes if n.kind == "run"), default=0)
    # Stack entries: (node id, prefix of its line, is it the last sibling, pointers between)
    stack: list[tuple[str, str, bool, str]] = [(tops[0], "", True, "")] if tops else []
    while stack:
        node_id, prefix, last, via = stack.pop()
        node = nodes[node_id]
        branch = "└─ " if last else "├─ "
        child_prefix = prefix + ("   " if last else "│  ")
        if len(child_prefix) > 3 * MAX_INDENT:
            child_prefix = prefix
        if node.kind == "io":
            lines.append(f"{prefix}{branch}{node.label} {via}")
            continue
        suffix = f"  via {via}" if via else ""
        if node_id in shown:
            lines.append(f"{prefix}{branch}{_run_label(node)}{suffix}  (shown above)")
            continue
        shown.add(node_id)
        lines.append(f"{prefix}{branch}{_run_label(node)}{suffix}")
        for warning in node.stale:
            lines.append(f"{child_prefix}! stale: {warning}")
        inputs = consumed.get(node_id, [])
        children: list[tuple[str, str]] = []
        for dep in sorted(depends.get(node_id, []), key=lambda d: (nodes[d].level, d)):
            through = [p for p in inputs if dep in produced_by.get(p, [])]
            children.append((dep, ", ".join(nodes[p].label for p in through) or "upstream"))
        # An input no run in the graph produced is a raw input, unless the graph was cut
        # right below this run; then its producer may simply not have been fetched.
        cut_here = graph.truncated and node.level == deepest
        for pointer in sorted(inputs):
            if not produced_by.get(pointer):
                children.append((pointer, "(not traced further)" if cut_here else "(raw input)"))
        for index, (child, child_via) in reversed(list(enumerate(children))):
            stack.append((child, child_prefix, index == len(children) - 1, child_via))
    if graph.truncated:
        lines.append("… truncated: raise --max-depth to see further upstream")
    return "\n".join(lines)


def impact_listing(graph: TraceGraph) -> str:
    """Downstream runs by level, each with its outputs."""
    outputs: dict[str, list[str]] = {}
    labels = {node.id: node for node in graph.nodes}
    for edge in graph.edges:
        if edge.type == "PRODUCED":
            outputs.setdefault(edge.source, []).append(labels[edge.target].label)
    start = labels.get(graph.root)
    head = start.label if start and start.kind == "io" else graph.root.replace(":", " ")
    lines = [f"Impact of {head}: {len(graph.runs)} run(s), {len(graph.pointers)} output(s)"]
    for node in graph.runs:
        made = ", ".join(sorted(outputs.get(node.id, []))) or "-"
        lines.append(f"  [{node.level}] run {node.run_id} {node.component_name} -> {made}")
    if graph.truncated:
        lines.append("… truncated: raise --max-depth to see further downstream")
    return "\n".join(lines)


def review_table(result: Review) -> str:
    lines = [f"Flagged outputs ({len(result.flagged)}): {', '.join(result.flagged) or '-'}"]
    if not result.culprits:
        lines.append("No run is behind the flagged outputs.")
        return "\n".join(lines)
    lines.append(f"Runs ranked by {result.rank}:")
    lines.append(
        f"{'#':>3} {'RUN':>6}  {'COMPONENT':<24} {'COVERAGE':>8} {'EF':>4} {'EP':>4} {'OCHIAI':>7}"
    )
    for position, c in enumerate(result.culprits, start=1):
        lines.append(
            f"{position:>3} {c.run.id:>6}  {c.run.component_name:<24} "
            f"{c.coverage * 100:>7.1f}% {c.ef:>4} {c.ep:>4} {c.ochiai:>7.3f}"
        )
    return "\n".join(lines)


def review_dict(result: Review) -> dict[str, Any]:
    return {
        "flagged": result.flagged,
        "rank": result.rank,
        "as_of": result.as_of,
        "note": result.note,
        "runs": [
            {
                "run_id": c.run.id,
                "component_name": c.run.component_name,
                "ef": c.ef,
                "ep": c.ep,
                "coverage": c.coverage,
                "ochiai": c.ochiai,
            }
            for c in result.culprits
        ],
    }


# The search table leaves out the long columns; --json has every column.
SEARCH_HIDDEN = ("notes", "end_timestamp", "stale")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, list):
        return ",".join(map(str, value)) or "-"
    return str(value)


def search_table(columns: list[str], records: list[dict[str, Any]]) -> str:
    """Search results as aligned columns, a header line first (numbers right-aligned)."""
    shown = [c for c in columns if c not in SEARCH_HIDDEN]
    cells = [[_cell(record.get(c)) for c in shown] for record in records]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(shown)]
    numeric = [
        all(isinstance(r.get(c), int | float) or r.get(c) is None for r in records) for c in shown
    ]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(shown), *(line(row) for row in cells)])


def search_json(records: list[dict[str, Any]]) -> str:
    """Search results as a JSON list of records (datetimes in ISO 8601)."""
    return to_json(records)
