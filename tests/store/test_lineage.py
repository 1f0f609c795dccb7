"""Backtrace, the flat trace graph, impact and flagging an impact, on hand-built pipelines."""

from __future__ import annotations

import pytest
from pipelines import chain, diamond, diamond_ladder, log, make_run

from mltrace_graph.errors import NotFoundError
from mltrace_graph.store import lineage
from mltrace_graph.store.connection import Database
from mltrace_graph.store.lineage import TraceEdge


def _levels(trace: list[tuple[int, object]]) -> list[tuple[int, int]]:
    return [(level, run.id) for level, run in trace]  # type: ignore[attr-defined]


def test_a_chain_of_ten_traces_from_the_last_run_back_to_the_first(db: Database) -> None:
    runs = chain(db, 10)
    trace = lineage.backtrace(db, "out10")
    assert _levels(trace) == [(level, 10 - level) for level in range(10)]
    assert [run.component_name for _, run in trace] == [f"step{i}" for i in range(10, 0, -1)]
    assert trace[0][1].outputs[0].name == "out10"
    assert trace[0][1].start_timestamp == runs[-1].start_timestamp


def test_a_binary_tree_traces_level_by_level_with_newer_ids_first(db: Database) -> None:
    log(
        db,
        make_run("leaf", 0, [], ["d1"]),
        make_run("leaf", 1, [], ["d2"]),
        make_run("leaf", 2, [], ["d3"]),
        make_run("leaf", 3, [], ["d4"]),
        make_run("merge", 4, ["d1", "d2"], ["e1"]),
        make_run("merge", 5, ["d3", "d4"], ["e2"]),
        make_run("root", 6, ["e1", "e2"], ["final"]),
    )
    assert _levels(lineage.backtrace(db, "final")) == [
        (0, 7),
        (1, 6),
        (1, 5),
        (2, 4),
        (2, 3),
        (2, 2),
        (2, 1),
    ]


def test_backtrace_visits_each_run_once_on_a_diamond(db: Database) -> None:
    diamond(db)
    assert _levels(lineage.backtrace(db, "d.out")) == [(0, 4), (1, 3), (1, 2), (2, 1)]


def test_a_thirty_layer_diamond_ladder_lists_each_of_its_sixty_runs_once(db: Database) -> None:
    # 2**29 paths lead from the bottom to the top: enumerating paths would never finish.
    diamond_ladder(db, 30)
    trace = lineage.backtrace(db, "l29.right")
    assert len(trace) == 59
    assert len({run.id for _, run in trace}) == 59
    assert trace[0] == (0, trace[0][1]) and trace[0][1].id == 60
    assert _levels(trace)[1:3] == [(1, 58), (1, 57)]
    assert _levels(trace)[-2:] == [(29, 2), (29, 1)]


def test_the_latest_producer_by_start_time_is_level_zero(db: Database) -> None:
    # A backfill: the newer ingest run (start minute 10) is logged before the older one.
    log(
        db,
        make_run("ingest", 10, [], ["raw.csv"]),
        make_run("ingest", 0, [], ["raw.csv"]),
    )
    assert _levels(lineage.backtrace(db, "raw.csv")) == [(0, 1)]


def test_a_re_run_component_is_traced_through_the_version_that_was_consumed(
    db: Database,
) -> None:
    log(
        db,
        make_run("ingest", 0, [], ["raw.csv"]),
        make_run("clean", 1, ["raw.csv"], ["clean.csv"]),
        make_run("ingest", 2, [], ["raw.csv"]),
        make_run("clean", 3, ["raw.csv"], ["clean.csv"]),
        make_run("train", 4, ["clean.csv"], ["model.pkl"]),
    )
    assert _levels(lineage.backtrace(db, "model.pkl")) == [(0, 5), (1, 4), (2, 3)]
    assert _levels(lineage.backtrace(db, "raw.csv")) == [(0, 3)]


def test_a_component_level_cycle_terminates_with_each_run_once(db: Database) -> None:
    # Two components feed each other through versions of x and y.
    log(
        db,
        make_run("a", 0, ["x"], ["y"]),
        make_run("b", 1, ["y"], ["x"]),
        make_run("a", 2, ["x"], ["y"]),
        make_run("b", 3, ["y"], ["x"]),
    )
    assert _levels(lineage.backtrace(db, "x")) == [(0, 4), (1, 3), (2, 2), (3, 1)]
    # Even a run-level cycle (not produced by logging, but possible in an imported graph).
    db.write(
        "MATCH (old:ComponentRun {id: 1}), (new:ComponentRun {id: 4}) "
        "CREATE (old)-[:DEPENDS_ON]->(new)"
    )
    assert _levels(lineage.backtrace(db, "x")) == [(0, 4), (1, 3), (2, 2), (3, 1)]


def test_max_depth_stops_the_backtrace_at_that_level(db: Database) -> None:
    chain(db, 10)
    assert _levels(lineage.backtrace(db, "out10", max_depth=3)) == [
        (0, 10),
        (1, 9),
        (2, 8),
        (3, 7),
    ]
    assert _levels(lineage.backtrace(db, "out10", max_depth=0)) == [(0, 10)]


def test_an_unknown_output_is_an_error_naming_it(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no output named nope\.csv$"):
        lineage.backtrace(db, "nope.csv")
    with pytest.raises(NotFoundError, match=r"^no output named nope\.csv$"):
        lineage.trace(db, "nope.csv")


def test_a_raw_input_has_an_empty_backtrace(db: Database) -> None:
    diamond(db)
    assert lineage.backtrace(db, "src") == []


def test_a_negative_max_depth_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="max_depth must be a non-negative int"):
        lineage.backtrace(db, "x", max_depth=-1)


def test_the_trace_graph_of_a_diamond_has_each_node_once_with_levels(db: Database) -> None:
    diamond(db)
    graph = lineage.trace(db, "d.out")
    assert graph.root == "io:d.out"
    assert graph.direction == "upstream"
    assert graph.truncated is False
    assert [(n.id, n.level) for n in graph.nodes] == [
        ("run:4", 0),
        ("run:3", 1),
        ("run:2", 1),
        ("run:1", 2),
        ("io:d.out", 0),
        ("io:b.out", 1),
        ("io:c.out", 1),
        ("io:a.out", 2),
        ("io:src", 3),
    ]
    assert graph.edges == [
        TraceEdge("run:1", "io:src", "CONSUMED"),
        TraceEdge("run:2", "io:a.out", "CONSUMED"),
        TraceEdge("run:3", "io:a.out", "CONSUMED"),
        TraceEdge("run:4", "io:b.out", "CONSUMED"),
        TraceEdge("run:4", "io:c.out", "CONSUMED"),
        TraceEdge("run:2", "run:1", "DEPENDS_ON"),
        TraceEdge("run:3", "run:1", "DEPENDS_ON"),
        TraceEdge("run:4", "run:2", "DEPENDS_ON"),
        TraceEdge("run:4", "run:3", "DEPENDS_ON"),
        TraceEdge("run:1", "io:a.out", "PRODUCED"),
        TraceEdge("run:2", "io:b.out", "PRODUCED"),
        TraceEdge("run:3", "io:c.out", "PRODUCED"),
        TraceEdge("run:4", "io:d.out", "PRODUCED"),
    ]
    [run_d] = [n for n in graph.runs if n.run_id == 4]
    assert (run_d.kind, run_d.label, run_d.status, run_d.stale) == ("run", "d", "success", ())
    [src] = [n for n in graph.pointers if n.pointer_name == "src"]
    assert (src.kind, src.flag, src.pointer_type) == ("io", False, "UNKNOWN")


def test_the_trace_graph_says_truncated_when_max_depth_cut_it(db: Database) -> None:
    diamond(db)
    graph = lineage.trace(db, "d.out", max_depth=1)
    assert graph.truncated is True
    assert [n.id for n in graph.runs] == ["run:4", "run:3", "run:2"]
    assert [(n.id, n.level) for n in graph.pointers] == [
        ("io:d.out", 0),
        ("io:b.out", 1),
        ("io:c.out", 1),
        ("io:a.out", 2),
    ]
    assert lineage.trace(db, "d.out", max_depth=2).truncated is False


def test_the_trace_graph_says_truncated_when_the_node_cap_cut_it(db: Database) -> None:
    diamond(db)
    graph = lineage.trace(db, "d.out", max_nodes=2)
    assert graph.truncated is True
    assert [n.id for n in graph.runs] == ["run:4", "run:3"]
    assert lineage.trace(db, "d.out", max_nodes=4).truncated is False


def test_impact_of_a_run_lists_every_run_and_output_downstream(db: Database) -> None:
    diamond(db)
    graph = lineage.impact(db, run_id=1)
    assert graph.root == "run:1"
    assert graph.direction == "downstream"
    assert [(n.id, n.level) for n in graph.nodes] == [
        ("run:1", 0),
        ("run:3", 1),
        ("run:2", 1),
        ("run:4", 2),
        ("io:a.out", 0),
        ("io:b.out", 1),
        ("io:c.out", 1),
        ("io:d.out", 2),
    ]
    assert [e for e in graph.edges if e.type == "CONSUMED"] == [
        TraceEdge("run:2", "io:a.out", "CONSUMED"),
        TraceEdge("run:3", "io:a.out", "CONSUMED"),
        TraceEdge("run:4", "io:b.out", "CONSUMED"),
        TraceEdge("run:4", "io:c.out", "CONSUMED"),
    ]
    assert len([e for e in graph.edges if e.type == "DEPENDS_ON"]) == 4
    assert graph.truncated is False


def test_impact_of_an_output_starts_at_its_consumers(db: Database) -> None:
    diamond(db)
    graph = lineage.impact(db, output_id="b.out")
    assert [(n.id, n.level) for n in graph.nodes] == [
        ("run:4", 1),
        ("io:b.out", 0),
        ("io:d.out", 1),
    ]
    assert graph.edges == [
        TraceEdge("run:4", "io:b.out", "CONSUMED"),
        TraceEdge("run:4", "io:d.out", "PRODUCED"),
    ]
    bounded = lineage.impact(db, output_id="a.out", max_depth=1)
    assert [n.id for n in bounded.runs] == ["run:3", "run:2"]
    assert bounded.truncated is True


def test_impact_of_an_unknown_run_or_output_is_an_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no run 999$"):
        lineage.impact(db, run_id=999)
    with pytest.raises(NotFoundError, match=r"^no output named x$"):
        lineage.impact(db, output_id="x")
    with pytest.raises(ValueError, match="exactly one of run_id and output_id"):
        lineage.impact(db)


def _flagged(db: Database) -> list[str]:
    rows = db.read("MATCH (p:IOPointer {flag: true}) RETURN p.name AS name ORDER BY name")
    return [row["name"] for row in rows]


def test_flag_impact_flags_every_output_downstream_of_a_run(db: Database) -> None:
    diamond(db)
    assert lineage.flag_impact(db, run_id=2) == ["b.out", "d.out"]
    assert _flagged(db) == ["b.out", "d.out"]


def test_flag_impact_of_an_output_flags_it_and_what_it_fed(db: Database) -> None:
    diamond(db)
    assert lineage.flag_impact(db, output_id="a.out", max_depth=1) == ["a.out", "b.out", "c.out"]
    assert _flagged(db) == ["a.out", "b.out", "c.out"]
    assert lineage.flag_impact(db, output_id="src") == [
        "a.out",
        "b.out",
        "c.out",
        "d.out",
        "src",
    ]
    assert lineage.flag_impact(db, output_id="d.out", max_depth=0) == ["d.out"]


def test_flag_impact_of_an_unknown_run_flags_nothing(db: Database) -> None:
    diamond(db)
    with pytest.raises(NotFoundError, match=r"^no run 42$"):
        lineage.flag_impact(db, run_id=42)
    assert _flagged(db) == []


def test_a_thousand_run_chain_traces_to_its_first_run(db: Database) -> None:
    chain(db, 1000)
    trace = lineage.backtrace(db, "out1000")
    assert _levels(trace)[:2] == [(0, 1000), (1, 999)]
    assert _levels(trace)[-1] == (999, 1)
    graph = lineage.trace(db, "out1000")
    assert (len(graph.runs), len(graph.pointers), graph.truncated) == (1000, 1000, False)
