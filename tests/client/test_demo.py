"""The demo pipeline: what it logs, and that running it twice works."""

from __future__ import annotations

from click.testing import CliRunner

import mltrace_graph as mltrace
from mltrace_graph.cli import main
from mltrace_graph.demo import SAMPLE, run_demo
from mltrace_graph.store.connection import Database


def _counts(db: Database) -> dict[str, int]:
    rows = db.read(
        "MATCH (r:ComponentRun) RETURN r.component_name AS name, count(*) AS n ORDER BY name"
    )
    return {row["name"]: row["n"] for row in rows}


def test_demo_logs_history_staleness_predictions_and_flags(db: Database) -> None:
    lines: list[str] = []
    result = run_demo(echo=lines.append)
    assert _counts(db) == {"clean": 4, "featuregen": 4, "inference": 3, "ingest": 4, "train": 4}
    [traced] = db.read(
        "MATCH (r:ComponentRun)-[:PRODUCED]->(p:IOPointer {name: $id}) "
        "MATCH (r)-[:DEPENDS_ON]->(d:ComponentRun) "
        "RETURN r.component_name AS run, p.pointer_type AS type, p.flag AS flag, "
        "r.stale AS stale, collect(d.component_name) AS deps",
        id=result.trace_id,
    )
    assert traced["run"] == "inference" and traced["type"] == "ENDPOINT" and traced["flag"]
    assert sorted(traced["deps"]) == ["featuregen", "train"]
    assert any(s.startswith("train (ID ") and s.endswith("days ago.") for s in traced["stale"])
    assert db.read("MATCH (p:IOPointer {flag: true}) RETURN count(p) AS n") == [{"n": 3}]
    endpoints = db.read("MATCH (p:IOPointer {pointer_type: 'ENDPOINT'}) RETURN count(p) AS n")
    assert endpoints == [{"n": 3 * SAMPLE}]
    assert any("was run 39 days ago" in line for line in lines)
    trace = mltrace.backtrace(result.trace_id)
    names = [(level, run.component_name) for level, run in trace]
    assert names[0] == (0, "inference")
    assert sorted(name for level, name in names if level == 1) == ["featuregen", "train"]
    assert {name for _, name in names} == {"inference", "featuregen", "clean", "ingest", "train"}


def test_demo_command_runs_twice_and_prints_an_id_to_trace(db: Database) -> None:
    first = CliRunner().invoke(main, ["demo"])
    second = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "An output id to trace" in second.output
    assert _counts(db)["inference"] == 6
