"""Each read-side call is one round trip and enters the graph through an index.

Round trips are counted with a ``Database`` subclass that tallies its calls and still talks
to the real Neo4j. Plans are checked with ``PROFILE`` on a small graph: the lineage walks
must be the pruning BFS (``VarLengthExpand(Pruning,BFS,All)``), never a path enumeration,
and no hot-path query may scan a label or all nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, LiteralString

import neo4j
import pytest
from pipelines import T0, diamond_ladder

from mltrace_graph.store import history, lineage, review, search
from mltrace_graph.store.connection import Database
from mltrace_graph.store.history import EARLIEST, LATEST

SCANS = {"NodeByLabelScan", "AllNodesScan"}
PRUNING = "VarLengthExpand(Pruning,BFS,All)"
NO_ORDER = [{"prop": None, "desc": None}] * 3


class CountingDatabase(Database):
    """A real ``Database`` that counts every round trip it makes."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.calls = 0

    def read(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        self.calls += 1
        return super().read(query, **params)

    def write(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        self.calls += 1
        return super().write(query, **params)

    def write_unit(self, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        self.calls += 1
        return super().write_unit(work)

    @contextmanager
    def session(self, **kwargs: Any) -> Iterator[neo4j.Session]:
        self.calls += 1
        with super().session(**kwargs) as session:
            yield session


@pytest.fixture
def ladder(db: Database) -> Database:
    diamond_ladder(db, 10)
    db.write(
        "MATCH (c:Component) SET c.owner = 'ana' MERGE (t:Tag {name: 'ml'}) "
        "MERGE (c)-[:TAGGED]->(t)"
    )
    review.flag_outputs(db, ["l9.left", "l5.right"])
    return db


@pytest.fixture
def planned(ladder: Database) -> Database:
    """The ladder, with statistics the planner can trust."""
    db = ladder
    # Plans are costed with index statistics, refreshed in the background. Right after an
    # earlier test filled and emptied the graph they are stale, and with every estimate near
    # zero the planner may scan where it would seek. Resample and drop cached plans first,
    # so the plans checked are the ones an up-to-date database makes.
    db.write("CALL db.prepareForReplanning(60)")
    return db


CALLS: list[tuple[str, Callable[[Database], object]]] = [
    ("backtrace", lambda d: lineage.backtrace(d, "l9.left")),
    ("trace", lambda d: lineage.trace(d, "l9.left", max_depth=3)),
    ("impact of a run", lambda d: lineage.impact(d, run_id=1)),
    ("impact of an output", lambda d: lineage.impact(d, output_id="l0.left")),
    ("flag impact", lambda d: lineage.flag_impact(d, run_id=17)),
    ("flag impact of an output", lambda d: lineage.flag_impact(d, output_id="l8.left")),
    ("history", lambda d: history.history(d, "left", limit=3)),
    ("recent runs", lambda d: history.recent_runs(d, limit=3, last_run_id=10)),
    ("recent run ids", lambda d: history.recent_run_ids(d, limit=3)),
    ("component run", lambda d: history.component_run(d, 3)),
    ("component", lambda d: history.component(d, "left")),
    ("components by tag", lambda d: history.components(d, tag="ml")),
    ("components by owner", lambda d: history.components(d, owner="ana")),
    ("tags", history.tags),
    ("io pointer", lambda d: history.io_pointer(d, "new.csv")),
    ("flag", lambda d: review.flag_outputs(d, ["l1.left", "l2.left"])),
    ("unflag", lambda d: review.unflag_outputs(d, ["l1.left"])),
    ("unflag all", review.unflag_all),
    ("review by coverage", lambda d: review.review(d)),
    ("review by ochiai", lambda d: review.review(d, rank="ochiai")),
    ("search", lambda d: search.search_runs(d, component="left", metrics={"x": 1})),
    ("trace as of", lambda d: lineage.trace(d, "l9.left", as_of=T0)),
    ("impact as of", lambda d: lineage.impact(d, run_id=1, as_of=T0)),
    ("review as of", lambda d: review.review(d, as_of=T0)),
]


@pytest.mark.parametrize(("what", "call"), CALLS, ids=[what for what, _ in CALLS])
def test_each_query_is_one_round_trip(
    ladder: Database, what: str, call: Callable[[Database], object]
) -> None:
    counting = CountingDatabase(ladder.settings)
    call(counting)
    assert counting.calls == 1, what


def _operators(db: Database, query: str, **params: Any) -> list[str]:
    with db.session() as session:
        result = session.run("PROFILE " + query, params)  # type: ignore[arg-type]
        plan = result.consume().profile
    names: list[str] = []
    stack = [plan]
    while stack:
        node = stack.pop()
        names.append(node["operatorType"].split("@")[0])
        stack.extend(node.get("children", []))
    return names


NOW: dict[str, Any] = {"as_of": None}
# A moment in the middle of the ladder (its runs start a minute apart from T0).
AS_OF: dict[str, Any] = {"as_of": T0 + timedelta(minutes=9, seconds=30)}
GRAPH = {"max_depth": 99, "max_nodes": 100, **NOW}
ACTOR = {"actor": "tests"}
_READS: list[tuple[str, str, dict[str, Any]]] = [
    ("backtrace", lineage._bounded(lineage.BACKTRACE, None), {"output": "l9.left", **NOW}),
    (
        "bounded backtrace",
        lineage._bounded(lineage.BACKTRACE, 3),
        {"output": "l9.left", **NOW},
    ),
    ("trace", lineage._bounded(lineage.TRACE_GRAPH, None), {"output": "l9.left", **GRAPH}),
    ("impact of a run", lineage._bounded(lineage.IMPACT_OF_RUN, 4), {"run_id": 1, **GRAPH}),
    (
        "impact of an output",
        lineage._bounded(lineage.IMPACT_OF_OUTPUT, None),
        {"output": "l0.left", **GRAPH},
    ),
    ("review by coverage", review.REVIEW_BY_COVERAGE, {"limit": 10, **NOW}),
    ("review by ochiai", review.REVIEW_BY_OCHIAI, {"limit": 10, **NOW}),
]
LINEAGE_PLANS: list[tuple[str, str, dict[str, Any]]] = [
    *_READS,
    # As of a moment: the same walks, the same entry points.
    *[(what + " as of", query, {**params, **AS_OF}) for what, query, params in _READS],
    (
        "flag impact",
        lineage._bounded(lineage.FLAG_IMPACT_OF_RUN, None),
        {"run_id": 1, **ACTOR},
    ),
    (
        "flag impact of an output",
        lineage._bounded(lineage.FLAG_IMPACT_OF_OUTPUT, None),
        {"output": "l0.left", **ACTOR},
    ),
]


@pytest.mark.parametrize(
    ("what", "query", "params"), LINEAGE_PLANS, ids=[what for what, _, _ in LINEAGE_PLANS]
)
def test_lineage_walks_are_pruning_breadth_first_searches_from_an_index(
    planned: Database, what: str, query: str, params: dict[str, Any]
) -> None:
    operators = _operators(planned, query, **params)
    assert PRUNING in operators, what
    assert not [op for op in operators if op.startswith("VarLengthExpand(All)")], what
    assert not SCANS & set(operators), what
    assert any("IndexSeek" in op for op in operators), what


def test_review_walks_up_from_each_flag_and_down_from_each_candidate(planned: Database) -> None:
    operators = _operators(planned, review.REVIEW_BY_OCHIAI, limit=10, **NOW)
    assert operators.count(PRUNING) == 2
    assert "NodeIndexSeek" in operators  # IOPointer(flag) for the flagged outputs
    as_of = _operators(planned, review.REVIEW_BY_OCHIAI, limit=10, **AS_OF)
    assert as_of.count(PRUNING) == 2
    assert "NodeIndexSeekByRange" in as_of  # FlagEvent(at): the flag changes since then


SEARCH = {
    "component": None,
    "tag": None,
    "owner": None,
    "status": None,
    "since": EARLIEST,
    "until": LATEST,
    "filters": [],
    "order": NO_ORDER,
    "max_results": 5,
}
# History's keyset parameters on a first page.
NO_KEYSET: dict[str, Any] = {"after_start": None, "after_id": None}
BROWSE_PLANS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "history",
        history.HISTORY,
        {"name": "left", "limit": 3, "lower": EARLIEST, "upper": LATEST, **NO_KEYSET},
        "NodeIndexSeek",
    ),
    (
        "recent",
        history.RECENT,
        {"limit": 3, "last_run_id": None, "latest": LATEST},
        "NodeIndexSeekByRange",
    ),
    (
        "recent page",
        history.RECENT_IDS,
        {"limit": 3, "last_run_id": 5, "latest": LATEST},
        "NodeIndexSeekByRange",
    ),
    ("run", history.GET_RUN, {"run_id": 3}, "NodeUniqueIndexSeek"),
    ("component", history.GET_COMPONENT, {"name": "left"}, "NodeUniqueIndexSeek"),
    ("by tag", history.COMPONENTS_BY_TAG, {"tag": "ml", "owner": None}, "NodeUniqueIndexSeek"),
    ("by owner", history.COMPONENTS_BY_OWNER, {"owner": "ana"}, "NodeIndexSeek"),
    ("unflag all", review.UNFLAG_ALL, ACTOR, "NodeIndexSeek"),
    (
        "search by component",
        search.SEARCH_BY_COMPONENT,
        {**SEARCH, "component": "left"},
        "NodeIndexSeek",
    ),
    ("search by tag", search.SEARCH_BY_TAG, {**SEARCH, "tag": "ml"}, "NodeUniqueIndexSeek"),
    ("search by owner", search.SEARCH_BY_OWNER, {**SEARCH, "owner": "ana"}, "NodeIndexSeek"),
    ("search by time", search.SEARCH_BY_TIME, SEARCH, "NodeIndexSeekByRange"),
]


@pytest.mark.parametrize(
    ("what", "query", "params", "entry"), BROWSE_PLANS, ids=[b[0] for b in BROWSE_PLANS]
)
def test_browsing_queries_enter_through_an_index_and_never_scan_a_label(
    planned: Database, what: str, query: str, params: dict[str, Any], entry: str
) -> None:
    operators = _operators(planned, query, **params)
    assert entry in operators, f"{what}: {operators}"
    assert not SCANS & set(operators), what


_BUSY_COMPONENT = """
MERGE (c:Component {name: 'busy'}) SET c.owner = 'ana'
WITH c
UNWIND range(1, $runs) AS i
CREATE (r:ComponentRun {uid: 'busy-' + i, id: 100000 + i, component_name: 'busy',
                        status: 'success',
                        start_timestamp: datetime('2026-01-01T00:00:00Z') + duration({minutes: i})})
CREATE (r)-[:RUN_OF]->(c)
"""


def _rows_read_from_run_indexes(db: Database, query: str, **params: Any) -> int:
    """Rows produced by the operators that read a ComponentRun index."""
    with db.session() as session:
        result = session.run("PROFILE " + query, params)  # type: ignore[arg-type]
        plan = result.consume().profile
    total, stack = 0, [plan]
    while stack:
        node = stack.pop()
        details = str(node.get("args", {}).get("Details", ""))
        if "IndexSeek" in node["operatorType"] and ":ComponentRun(" in details:
            total += int(node.get("rows", 0))
        stack.extend(node.get("children", []))
    return total


NEWEST_FIRST: list[tuple[str, str, dict[str, Any], int]] = [
    (
        "history",
        history.HISTORY,
        {"name": "busy", "limit": 5, "lower": EARLIEST, "upper": LATEST, **NO_KEYSET},
        6,
    ),
    (
        "history page after a keyset",
        history.HISTORY,
        {
            "name": "busy",
            "limit": 5,
            "lower": EARLIEST,
            "upper": LATEST,
            "after_start": LATEST,
            "after_id": 10**9,
        },
        6,
    ),
    ("recent", history.RECENT, {"limit": 5, "last_run_id": None, "latest": LATEST}, 6),
    (
        "search by component",
        search.SEARCH_BY_COMPONENT,
        {**SEARCH, "component": "busy", "max_results": 5},
        6,
    ),
    ("search by time", search.SEARCH_BY_TIME, {**SEARCH, "max_results": 5}, 6),
    ("search by an owner with no runs", search.SEARCH_BY_OWNER, {**SEARCH, "owner": "nobody"}, 0),
]


@pytest.mark.parametrize(
    ("what", "query", "params", "most"), NEWEST_FIRST, ids=[n[0] for n in NEWEST_FIRST]
)
def test_newest_first_reads_stop_after_the_limit_however_many_runs_there_are(
    db: Database, what: str, query: str, params: dict[str, Any], most: int
) -> None:
    """Reading the index backwards, not sorting all 2,000 runs of the component."""
    db.write(_BUSY_COMPONENT, runs=2000)
    db.write("CALL db.prepareForReplanning(60)")
    assert _rows_read_from_run_indexes(db, query, **params) <= most, what
