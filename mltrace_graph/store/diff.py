"""Reads for a diff: two upstream traces in one round trip, or two runs by id.

``upstream_pair`` walks from both outputs in the same statement (one ``UNWIND`` row per
side), with the same pruning-BFS shape as ``store/lineage.py`` (``min(length(p))`` grouped
by the end node, a literal depth bound), so each side costs its number of runs. The
producer of each output is the one as of ``$as_of`` (``store/as_of.py``); its ancestors
all started before it, so they need no filter of their own. Every run comes back in the
one run projection (``store/codec.py``) with its depth, so the service compares runs as
every other read shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.as_of import producer_order, started_by
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.store.lineage import check_depth

__all__ = ["DiffSide", "UpstreamRun", "run_pair", "upstream_pair"]

_BOUND = "$$DEPTH$$"

# One row. ``sides`` has an entry per side whose output exists, with the (id, depth) of
# each upstream run: empty when nothing produced the output (a raw input) or nothing had
# by ``$as_of``. ``records`` projects every reached run once, however many sides reach
# it: two outputs of one day's pipeline share most of their upstream runs.
UPSTREAM_PAIR = (
    """
UNWIND $sides AS side
MATCH (out:IOPointer {name: side.output})
CALL (out) {
  MATCH (out)<-[:PRODUCED]-(r0:ComponentRun)
  WHERE """
    + started_by("r0")
    + """
  WITH r0 """
    + producer_order("r0")
    + """ LIMIT 1
  MATCH p = (r0)-[:DEPENDS_ON*0..$$DEPTH$$]->(r:ComponentRun)
  WITH r, min(length(p)) AS depth
  RETURN collect({run: r, depth: depth}) AS reached
}
WITH collect({key: side.key, reached: reached}) AS found
CALL (found) {
  UNWIND found AS f
  UNWIND f.reached AS x
  WITH DISTINCT x.run AS r
  MATCH (r)-[:RUN_OF]->(c:Component)
  RETURN collect("""
    + RUN_PROJECTION
    + """) AS records
}
RETURN [f IN found | {key: f.key, depths: [x IN f.reached | [x.run.id, x.depth]]}] AS sides,
       records
"""
)

RUN_PAIR = (
    """
UNWIND $ids AS wanted
MATCH (r:ComponentRun {id: wanted})-[:RUN_OF]->(c:Component)
RETURN r.id AS id, """
    + RUN_PROJECTION
    + """ AS record
"""
)


@dataclass(frozen=True)
class UpstreamRun:
    """A run of a trace and its depth: the fewest ``DEPENDS_ON`` hops from the output's producer."""

    depth: int
    run: ComponentRun


@dataclass(frozen=True)
class DiffSide:
    """One output's upstream runs, producer first (depth 0), then by depth and id."""

    output: str
    runs: list[UpstreamRun]


def _bounded(bound: int | None) -> LiteralString:
    """The depth bound as a Cypher literal: a validated int (``check_depth``), never user text."""
    return UPSTREAM_PAIR.replace(_BOUND, "" if bound is None else str(int(bound)))


def upstream_pair(
    db: Database,
    output_a: str,
    output_b: str,
    *,
    as_of: datetime | None = None,
    max_depth: int | None = None,
) -> tuple[DiffSide, DiffSide]:
    """The upstream runs of two outputs, as of a moment, in one round trip.

    The same output twice is walked once and returned for both sides.

    Raises:
        NotFoundError: an output does not exist (``ids`` names every missing one).
    """
    bound = check_depth(max_depth)
    sides = [{"key": "a", "output": output_a}]
    if output_b != output_a:
        sides.append({"key": "b", "output": output_b})
    [row] = db.read(_bounded(bound), sides=sides, as_of=as_of)
    by_key = {side["key"]: side["depths"] for side in row["sides"]}
    missing = [s["output"] for s in sides if s["key"] not in by_key]
    if missing:
        raise NotFoundError("output", missing)
    decoded = {int(record["run"]["id"]): run_from_record(record) for record in row["records"]}
    a = DiffSide(output_a, _runs(by_key["a"], decoded))
    b = a if output_b == output_a else DiffSide(output_b, _runs(by_key["b"], decoded))
    return a, b


def _runs(depths: list[list[int]], decoded: dict[int, ComponentRun]) -> list[UpstreamRun]:
    """A side's runs by depth, then id, from its ``[id, depth]`` pairs."""
    runs = [UpstreamRun(int(depth), decoded[int(run_id)]) for run_id, depth in depths]
    runs.sort(key=lambda u: (u.depth, u.run.id or 0))
    return runs


def run_pair(db: Database, run_a: int, run_b: int) -> tuple[ComponentRun, ComponentRun]:
    """Two runs by id in one round trip (the same id twice reads one run).

    Raises:
        NotFoundError: a run does not exist (``ids`` names every missing one).
    """
    wanted = [int(run_a)] if run_a == run_b else [int(run_a), int(run_b)]
    rows = db.read(RUN_PAIR, ids=wanted)
    found = {int(row["id"]): run_from_record(row["record"]) for row in rows}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFoundError("run", missing)
    return found[int(run_a)], found[int(run_b)]
