"""The single-statement run writer: ids, edges, dependencies, staleness, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store import runs
from mltrace_graph.store.connection import Database

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _run(name: str, day: float, inputs: list[str], outputs: list[str]) -> ComponentRun:
    start = T0 + timedelta(days=day)
    return ComponentRun(
        name,
        start_timestamp=start,
        end_timestamp=start + timedelta(seconds=5),
        inputs=inputs,
        outputs=outputs,
    )


def test_ids_are_consecutive_and_dependencies_follow_the_latest_producer(db: Database) -> None:
    first = _run("ingest", 0, [], ["raw.csv"])
    second = _run("ingest", 1, [], ["raw.csv"])
    clean = _run("clean", 2, ["raw.csv"], ["clean.csv"])
    runs.record_runs(db, [first, second, clean])
    assert [first.id, second.id, clean.id] == [1, 2, 3]
    assert clean.dependency_ids == [2]
    edges = db.read(
        "MATCH (r:ComponentRun)-[e]->(x) RETURN r.id AS run, type(e) AS edge, "
        "coalesce(x.name, toString(x.id)) AS target ORDER BY run, edge, target"
    )
    assert [(e["run"], e["edge"], e["target"]) for e in edges] == [
        (1, "PRODUCED", "raw.csv"),
        (1, "RUN_OF", "ingest"),
        (2, "PRODUCED", "raw.csv"),
        (2, "RUN_OF", "ingest"),
        (3, "CONSUMED", "raw.csv"),
        (3, "DEPENDS_ON", "2"),
        (3, "PRODUCED", "clean.csv"),
        (3, "RUN_OF", "clean"),
    ]


def test_logging_the_same_run_twice_leaves_one_run(db: Database) -> None:
    run = _run("ingest", 0, [], ["raw.csv"])
    runs.record_runs(db, [run])
    first_id = run.id
    runs.record_runs(db, [run])
    assert run.id == first_id
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n") == [{"n": 1}]


def test_stale_warnings_use_mltrace_wording(db: Database) -> None:
    old = _run("ingest", 0, [], ["raw.csv"])
    newer = _run("ingest", 40, [], ["other.csv"])
    clean = _run("clean", 45, ["raw.csv"], ["clean.csv"])
    runs.record_runs(db, [old, newer, clean])
    assert clean.stale == [
        "ingest (ID 1) was run 45 days ago.",
        "ingest (ID 1) has 1 fresher run(s) that began before this component run started.",
    ]
    assert runs.get_runs(db, [3])[0].stale == clean.stale


def test_a_run_consuming_its_own_output_is_refused_before_writing(db: Database) -> None:
    loop = _run("loop", 0, ["x.csv"], ["x.csv"])
    with pytest.raises(ValueError, match=r"consumes and produces .x\.csv."):
        runs.record_runs(db, [loop])
    assert db.read("MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n") == [{"n": 0}]


def test_get_runs_reads_back_pointers_and_dependencies(db: Database) -> None:
    ingest = _run("ingest", 0, [], ["raw.csv"])
    clean = _run("clean", 1, ["raw.csv"], ["clean.csv"])
    clean.notes = "dropped nulls"
    clean.params = {"threshold": 0.5}
    runs.record_runs(db, [ingest, clean])
    [loaded] = runs.get_runs(db, [clean.id or 0])
    assert loaded.component_name == "clean"
    assert [p.name for p in loaded.inputs] == ["raw.csv"]
    assert [p.name for p in loaded.outputs] == ["clean.csv"]
    assert loaded.dependencies == ["ingest"]
    assert loaded.notes == "dropped nulls"
    assert loaded.params == {"threshold": 0.5}
    assert loaded.start_timestamp == clean.start_timestamp


def test_a_run_read_back_has_every_attribute_it_was_logged_with(db: Database) -> None:
    ingest = _run("ingest", 0, [], ["raw.csv"])
    clean = _run("clean", 1, ["raw.csv"], ["clean.csv", "model.joblib"])
    clean.notes = "dropped nulls"
    clean.git_hash, clean.git_tags, clean.code_snapshot = "abc123", ["v1"], "def f(): ..."
    clean.status = "failed"
    clean.test_results = [{"name": "no_nulls", "passed": False}]
    clean.params, clean.metrics = {"threshold": 0.5}, {"rows": 10.0}
    clean.metric_steps = {"loss": [(0, 1.0), (1, 0.5)]}
    clean.set_upstream("ingest")
    runs.record_runs(db, [ingest, clean])
    [loaded] = runs.get_runs(db, [clean.id or 0])
    logged = vars(clean)
    # The component's metadata lives on the component node, not on the run.
    for key in ("component_description", "component_tags", "owner"):
        logged.pop(key)
        vars(loaded).pop(key)
    assert vars(loaded).keys() == logged.keys()
    for key, value in logged.items():
        if key in ("_inputs", "_outputs"):
            assert [p.to_dictionary() for p in vars(loaded)[key]] == [
                p.to_dictionary() for p in value
            ], key
        else:
            assert vars(loaded)[key] == value, key
