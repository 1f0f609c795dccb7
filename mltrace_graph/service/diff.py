"""Trace diff: what differs between the lineage of two outputs, and where to look first.

One store read fetches both upstream traces (``store/diff.py``); the rest is pure Python on
its runs. The rules, also in docs/diagnosis.md ("Trace diff"):

* **Alignment.** Runs are aligned by component. Where a component occurs several times
  in a trace, each side's runs of it are put in order of depth from the output (fewest
  ``DEPENDS_ON`` hops from the producer), then start time, then id, and the k-th of side
  a is paired with the k-th of side b. What is left over on the longer side is a run on
  one side only.
* **Changes.** Two aligned runs with the same id are ``same``. Otherwise every field that
  differs is a ``FieldChange``: git hash and tags, code snapshot (compared by its SHA-256,
  shown as the first 12 hex digits), params and metrics per key, status, test results,
  the log-time stale warnings (compared with run ids and counts masked, since two fresh
  runs of one pipeline always name different ids), start and end time, and the input
  and output pointers (names on one side only, then type and value per shared name).
* **First divergences.** A change is *substantive* unless it is start or end time alone.
  A pair with a substantive change is a first divergence when no aligned pair upstream
  of it (an ancestor on side a or on side b) has one: the most upstream places where the
  two lineages part, most upstream first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments
from mltrace_graph.service.arguments import UNBOUNDED, Bounds
from mltrace_graph.service.run_changes import (
    TIME_FIELDS,
    FieldChange,
    compare_runs,
    describe,
    iso,
)
from mltrace_graph.store import diff as diff_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.diff import UpstreamRun

__all__ = [
    "TIME_FIELDS",
    "Divergence",
    "FieldChange",
    "RunPairDiff",
    "TraceDiff",
    "UpstreamRun",
    "compare_runs",
    "diff_runs",
    "diff_traces",
]


@dataclass(frozen=True)
class RunPairDiff:
    """Two aligned runs of one component and what differs between them.

    ``position`` says where the pair sits (``#1 at depth 2``, or ``#1 at depth 2 / 3`` when
    the two runs are at different depths; empty from ``diff_runs``, where there is no
    trace); ``same`` is true when both sides are one run.
    """

    component: str
    position: str
    a: ComponentRun
    b: ComponentRun
    depth_a: int
    depth_b: int
    same: bool
    changes: tuple[FieldChange, ...]
    rank: int = 1  # k of "the k-th run of this component", 1-based

    @property
    def substantive(self) -> bool:
        """True when something other than the start or end time differs."""
        return any(change.substantive for change in self.changes)

    @property
    def reason(self) -> str:
        """One line: ``featuregen: param window 7 -> 14, git a1b2c3d -> c3d4e5f``."""
        parts = [describe(c) for c in self.changes if c.substantive]
        if not parts:
            parts = [describe(c) for c in self.changes] or ["same run"]
        return f"{self.component}: {', '.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "position": self.position,
            "depth_a": self.depth_a,
            "depth_b": self.depth_b,
            "same": self.same,
            "a": run_dict(self.a),
            "b": run_dict(self.b),
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class Divergence:
    """An aligned pair that differs while nothing upstream of it does: where to look first."""

    component: str
    a_run_id: int
    b_run_id: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "a_run_id": self.a_run_id,
            "b_run_id": self.b_run_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TraceDiff:
    """The diff of the upstream lineage of outputs ``a`` and ``b`` (see the module doc).

    ``pairs`` are in trace order (producer first, by depth); ``only_in_a`` / ``only_in_b``
    are the runs left unaligned, with their depth; ``identical`` is true when every pair is
    one run and no run is on one side only.
    """

    a: str
    b: str
    as_of: datetime | None
    identical: bool
    summary: str
    pairs: tuple[RunPairDiff, ...]
    only_in_a: tuple[UpstreamRun, ...]
    only_in_b: tuple[UpstreamRun, ...]
    first_divergences: tuple[Divergence, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "identical": self.identical,
            "summary": self.summary,
            "first_divergences": [d.to_dict() for d in self.first_divergences],
            "pairs": [p.to_dict() for p in self.pairs],
            "only_in_a": [{"depth": u.depth, "run": run_dict(u.run)} for u in self.only_in_a],
            "only_in_b": [{"depth": u.depth, "run": run_dict(u.run)} for u in self.only_in_b],
        }


def diff_traces(
    db: Database,
    a: str,
    b: str,
    as_of: Any = None,
    max_depth: int | None = None,
    bounds: Bounds = UNBOUNDED,
) -> TraceDiff:
    """Diffs the upstream lineage of outputs ``a`` and ``b``, as of a moment (default now).

    Raises:
        NotFoundError: an output does not exist (``ids`` names every missing one).
        InvalidInputError: an argument is malformed.
    """
    output_a = arguments.name(a, "a")
    output_b = arguments.name(b, "b")
    moment = arguments.as_of(as_of)
    depth = arguments.depth(max_depth, maximum=bounds.depth)
    side_a, side_b = diff_store.upstream_pair(db, output_a, output_b, as_of=moment, max_depth=depth)
    pairs, only_a, only_b = align(side_a.runs, side_b.runs)
    firsts = first_divergences(pairs, side_a.runs, side_b.runs)
    # Outputs nothing had produced (raw inputs, or none yet as of the moment): said in the
    # summary, and two different such outputs are not "identical" for having no runs.
    sides = (side_a,) if output_a == output_b else (side_a, side_b)
    unproduced = [side.output for side in sides if not side.runs]
    identical = (
        not only_a
        and not only_b
        and all(p.same for p in pairs)
        and (output_a == output_b or not unproduced)
    )
    summary = _summary(identical, pairs, only_a, only_b, firsts)
    if unproduced:
        by = f" by {moment.isoformat()}" if moment is not None else ""
        summary += f"; no run had produced {', '.join(unproduced)}{by}"
    return TraceDiff(
        a=output_a,
        b=output_b,
        as_of=moment,
        identical=identical,
        summary=summary,
        pairs=tuple(pairs),
        only_in_a=tuple(only_a),
        only_in_b=tuple(only_b),
        first_divergences=tuple(firsts),
    )


def diff_runs(db: Database, run_a: Any, run_b: Any) -> RunPairDiff:
    """Diffs two runs of one component.

    Raises:
        NotFoundError: a run does not exist (``ids`` names every missing one).
        InvalidInputError: the runs are of different components (the message names both).
    """
    id_a = arguments.run_id(run_a, "run_a")
    id_b = arguments.run_id(run_b, "run_b")
    a, b = diff_store.run_pair(db, id_a, id_b)
    if a.component_name != b.component_name:
        raise InvalidInputError(
            f"run {id_a} is of component {a.component_name!r} and run {id_b} of "
            f"{b.component_name!r}: diff_runs compares two runs of one component "
            f"(diff_traces compares the lineage of two outputs)",
            "run_b",
        )
    return _pair(a.component_name, "", UpstreamRun(0, a), UpstreamRun(0, b))


# --- alignment (pure) ---------------------------------------------------------------------


def align(
    runs_a: Iterable[UpstreamRun], runs_b: Iterable[UpstreamRun]
) -> tuple[list[RunPairDiff], list[UpstreamRun], list[UpstreamRun]]:
    """Pairs runs by component, then by position (depth, start time, id); see the module doc."""
    by_component_a = _by_component(runs_a)
    by_component_b = _by_component(runs_b)
    pairs: list[RunPairDiff] = []
    only_a: list[UpstreamRun] = []
    only_b: list[UpstreamRun] = []
    for component in sorted(by_component_a.keys() | by_component_b.keys()):
        left = by_component_a.get(component, [])
        right = by_component_b.get(component, [])
        for k, (x, y) in enumerate(zip(left, right, strict=False)):
            depths = f"{x.depth}" if x.depth == y.depth else f"{x.depth} / {y.depth}"
            pairs.append(_pair(component, f"#{k + 1} at depth {depths}", x, y, k + 1))
        only_a.extend(left[len(right) :])
        only_b.extend(right[len(left) :])
    pairs.sort(key=lambda p: (min(p.depth_a, p.depth_b), p.depth_a, p.component, p.rank))
    only_a.sort(key=_trace_order)
    only_b.sort(key=_trace_order)
    return pairs, only_a, only_b


def _trace_order(u: UpstreamRun) -> tuple[int, str, int]:
    return u.depth, u.run.component_name, int(u.run.id or 0)


def _by_component(runs: Iterable[UpstreamRun]) -> dict[str, list[UpstreamRun]]:
    grouped: dict[str, list[UpstreamRun]] = {}
    for u in runs:
        grouped.setdefault(u.run.component_name, []).append(u)
    for group in grouped.values():
        group.sort(key=_position_key)
    return grouped


def _position_key(u: UpstreamRun) -> tuple[int, float, int]:
    start = u.run.start_timestamp
    return u.depth, start.timestamp() if start else 0.0, int(u.run.id or 0)


def _pair(
    component: str, position: str, x: UpstreamRun, y: UpstreamRun, rank: int = 1
) -> RunPairDiff:
    same = x.run.id == y.run.id
    return RunPairDiff(
        component=component,
        position=position,
        a=x.run,
        b=y.run,
        depth_a=x.depth,
        depth_b=y.depth,
        same=same,
        changes=() if same else tuple(compare_runs(x.run, y.run)),
        rank=rank,
    )


# --- first divergences ---------------------------------------------------------------------


def first_divergences(
    pairs: list[RunPairDiff], runs_a: list[UpstreamRun], runs_b: list[UpstreamRun]
) -> list[Divergence]:
    """Substantively changed pairs with no substantively changed pair upstream of them.

    "Upstream" is an ancestor in either trace. Computed by propagating a taint down each
    trace's dependency edges once (linear in runs and edges), not by ancestor sets per run.
    """
    changed = [p for p in pairs if p.substantive]
    tainted_a = _tainted(runs_a, {int(p.a.id or 0) for p in changed})
    tainted_b = _tainted(runs_b, {int(p.b.id or 0) for p in changed})
    firsts = [
        p
        for p in changed
        if int(p.a.id or 0) not in tainted_a and int(p.b.id or 0) not in tainted_b
    ]
    firsts.sort(key=lambda p: (-max(p.depth_a, p.depth_b), p.component, p.rank))
    return [Divergence(p.component, int(p.a.id or 0), int(p.b.id or 0), p.reason) for p in firsts]


def _tainted(runs: list[UpstreamRun], changed: set[int]) -> set[int]:
    """Runs of a trace with a changed run among their ancestors (within the trace)."""
    deps = {int(u.run.id or 0): list(u.run.dependency_ids) for u in runs}
    tainted: set[int] = set()
    done: set[int] = set()
    entered: set[int] = set()
    for start in deps:
        # Iterative post-order DFS: a run is decided after all its dependencies. A run
        # entered twice before it is done would be a cycle, which DEPENDS_ON never has;
        # skipping it keeps a corrupt graph from looping.
        stack = [(start, False)]
        while stack:
            run_id, expanded = stack.pop()
            if run_id in done:
                continue
            if not expanded:
                if run_id in entered:
                    continue
                entered.add(run_id)
                stack.append((run_id, True))
                stack.extend((d, False) for d in deps[run_id] if d in deps and d not in done)
                continue
            done.add(run_id)
            if any(d in deps and (d in changed or d in tainted) for d in deps[run_id]):
                tainted.add(run_id)
    return tainted


# --- words ---------------------------------------------------------------------------------


def _summary(
    identical: bool,
    pairs: list[RunPairDiff],
    only_a: list[UpstreamRun],
    only_b: list[UpstreamRun],
    firsts: list[Divergence],
) -> str:
    if identical:
        return f"identical: the same {len(pairs)} upstream run(s)"
    differ = sum(1 for p in pairs if not p.same)
    text = (
        f"{differ} of {len(pairs)} aligned run(s) differ, {len(only_a)} only in a, "
        f"{len(only_b)} only in b"
    )
    if firsts:
        return f"{text}; look first at {firsts[0].reason}" + (
            f" (and {len(firsts) - 1} more)" if len(firsts) > 1 else ""
        )
    if any(not p.same for p in pairs):
        return f"{text}; aligned runs differ only in time"
    return text


def run_dict(run: ComponentRun) -> dict[str, Any]:
    """A run as JSON-ready data (timestamps as ISO strings), with its dependency ids."""
    data = run.to_dictionary()
    data["start_timestamp"] = iso(run.start_timestamp)
    data["end_timestamp"] = iso(run.end_timestamp)
    data["owner"] = run.owner
    data["dependency_ids"] = list(run.dependency_ids)
    return data
