"""The explicit API: log_component_run(s), components, tags, notes, ids, clean_db, validation."""

from __future__ import annotations

import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import mltrace_graph as mltrace
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import graph_runs, node_count

T0 = datetime(2026, 3, 1, tzinfo=UTC)

# Every test here runs over Bolt and over HTTP (see tests/client/conftest.py).
pytestmark = pytest.mark.usefixtures("transport")


def _run(name: str, day: int, inputs: list[str], outputs: list[str]) -> mltrace.ComponentRun:
    start = T0 + timedelta(days=day)
    return mltrace.ComponentRun(
        name,
        start_timestamp=start,
        end_timestamp=start + timedelta(minutes=1),
        inputs=inputs,
        outputs=outputs,
    )


def test_log_component_run_sets_id_and_dependencies_from_inputs(db: Database) -> None:
    ingest = _run("ingest", 0, [], ["raw.csv"])
    clean = _run("clean", 1, ["raw.csv"], ["clean.csv"])
    mltrace.log_component_run(ingest)
    mltrace.log_component_run(clean)
    assert (ingest.id, clean.id, clean.dependency_ids) == (1, 2, [1])
    assert [r["depends_on"] for r in graph_runs(db)] == [[], [1]]


def test_each_input_depends_on_its_own_latest_producer(db: Database) -> None:
    runs = [
        _run("features", 0, [], ["features.csv"]),
        _run("train", 1, [], ["model.pkl"]),
        _run("features", 2, [], ["features.csv"]),
        _run("infer", 3, ["features.csv", "model.pkl"], ["preds.csv"]),
    ]
    mltrace.log_component_runs(runs)
    assert runs[3].dependency_ids == [2, 3]


def test_set_dependencies_from_inputs_false_uses_only_set_upstream(db: Database) -> None:
    mltrace.log_component_runs(
        [_run("ingest", 0, [], ["raw.csv"]), _run("audit", 1, [], ["audit.txt"])]
    )
    clean = _run("clean", 2, ["raw.csv"], ["clean.csv"])
    clean.set_upstream("audit")
    mltrace.log_component_run(clean, set_dependencies_from_inputs=False)
    assert clean.dependency_ids == [2]


def test_log_component_runs_writes_a_batch_in_order(db: Database) -> None:
    batch = [_run("a", 0, [], ["x.csv"]), _run("b", 1, ["x.csv"], ["y.csv"])]
    mltrace.log_component_runs(batch)
    assert [(r.id, r.dependency_ids) for r in batch] == [(1, []), (2, [1])]


def test_logging_the_same_object_twice_writes_it_once(db: Database) -> None:
    run = _run("a", 0, [], ["x.csv"])
    mltrace.log_component_run(run)
    mltrace.log_component_run(run)
    assert [r["id"] for r in graph_runs(db)] == [1]


def test_staleness_threshold_is_applied_and_warned(db: Database) -> None:
    mltrace.log_component_run(_run("ingest", 0, [], ["raw.csv"]))
    clean = _run("clean", 3, ["raw.csv"], [])
    with pytest.warns(mltrace.StaleRunWarning) as caught:
        mltrace.log_component_run(clean, staleness_threshold=2 * 24 * 3600)
    assert [str(w.message) for w in caught] == ["ingest (ID 1) was run 3 days ago."]
    assert get_runs(db, [2])[0].stale == ["ingest (ID 1) was run 3 days ago."]


def test_fresher_runs_are_warned_with_mltrace_wording(db: Database) -> None:
    mltrace.log_component_runs(
        [_run("ingest", 0, [], ["raw.csv"]), _run("ingest", 1, [], ["raw2.csv"])]
    )
    with pytest.warns(mltrace.StaleRunWarning) as caught:
        mltrace.log_component_run(_run("clean", 2, ["raw.csv"], []))
    assert [str(w.message) for w in caught] == [
        "ingest (ID 1) has 1 fresher run(s) that began before this component run started."
    ]


def test_a_run_consuming_its_own_output_is_a_clear_error(db: Database) -> None:
    with pytest.raises(ValueError, match=r"consumes and produces 'x\.csv'"):
        mltrace.log_component_run(_run("loop", 0, ["x.csv"], ["x.csv"]))
    assert node_count(db) == 0


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: mltrace.ComponentRun("c", notes=5), TypeError, "notes must be a str"),
        (
            lambda: mltrace.ComponentRun("c", start_timestamp="2026-01-01"),
            TypeError,
            "start_timestamp must be a datetime",
        ),
        (lambda: mltrace.ComponentRun(""), ValueError, "component name must not be empty"),
        (lambda: mltrace.ComponentRun("c" * 1025), ValueError, "limit is 1024"),
        (lambda: mltrace.IOPointer(""), ValueError, "IOPointer name must not be empty"),
        (lambda: mltrace.ComponentRun("c").add_input(3.5), TypeError, "str name or an IOPointer"),
    ],
)
def test_bad_values_are_refused_naming_the_argument(
    build: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build()


def test_a_run_without_timestamps_is_refused_before_writing(db: Database) -> None:
    run = mltrace.ComponentRun("c")
    run.set_start_timestamp()
    with pytest.raises(ValueError, match="has no end_timestamp"):
        mltrace.log_component_run(run)
    with pytest.raises(TypeError, match="component_run must be a ComponentRun"):
        mltrace.log_component_run("c")  # type: ignore[arg-type]
    good = _run("ok", 0, [], [])
    with pytest.raises(ValueError, match="has no start_timestamp"):
        mltrace.log_component_runs([good, mltrace.ComponentRun("bad")])
    assert node_count(db) == 0


def test_create_component_and_tag_component(db: Database) -> None:
    mltrace.create_component("etl", "Extracts", "bob", tags=["nightly"])
    mltrace.create_component("etl", "Extracts and loads", "carol")
    assert mltrace.tag_component("etl", ["batch", "nightly"]) == ["batch", "nightly"]
    [row] = db.read(
        "MATCH (c:Component {name: 'etl'}) RETURN c.owner AS owner, c.description AS d, "
        "COLLECT { MATCH (c)-[:TAGGED]->(t) RETURN t.name ORDER BY t.name } AS tags"
    )
    assert row == {"owner": "carol", "d": "Extracts and loads", "tags": ["batch", "nightly"]}
    with pytest.raises(NotFoundError, match=r"^no component named nope; create it first"):
        mltrace.tag_component("nope", ["x"])
    with pytest.raises(TypeError, match="owner must be a str"):
        mltrace.create_component("x", "d", None)  # type: ignore[arg-type]


def test_add_notes_replaces_notes_of_a_logged_run(db: Database) -> None:
    mltrace.log_component_run(_run("a", 0, [], []))
    assert mltrace.add_notes_to_component_run(1, "looked fine") == "looked fine"
    assert mltrace.add_notes_to_component_run("1", "rerun needed") == "rerun needed"
    assert get_runs(db, [1])[0].notes == "rerun needed"
    with pytest.raises(TypeError, match="notes must be a str"):
        mltrace.add_notes_to_component_run(1, 42)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match=r"^no run 99$"):
        mltrace.add_notes_to_component_run(99, "x")


def test_create_random_ids_are_unique_strings() -> None:
    ids = mltrace.create_random_ids(50)
    assert len(set(ids)) == 50 and all(isinstance(i, str) and len(i) == 32 for i in ids)
    assert len(mltrace.create_random_ids()) == 1
    with pytest.raises(ValueError, match="num_outputs must be an int >= 1"):
        mltrace.create_random_ids(0)


def test_clean_db_deletes_lineage_and_keeps_migration_records(db: Database) -> None:
    migrations_before = db.read("MATCH (m:SchemaMigration) RETURN count(m) AS n")
    mltrace.create_component("c", "d", "o", tags=["t"])
    mltrace.log_component_run(_run("c", 0, ["a.csv"], ["b.csv"]))
    mltrace.clean_db()
    assert node_count(db) == 0
    assert db.read("MATCH (m:SchemaMigration) RETURN count(m) AS n") == migrations_before
    mltrace.log_component_run(_run("c", 1, [], []))
    assert [r["id"] for r in graph_runs(db)] == [1]


def test_clean_db_deletes_in_batches_and_keeps_api_tokens(db: Database) -> None:
    from mltrace_graph.store import tokens

    _, secret = tokens.create_token(db, "ci")
    # More nodes than one delete batch holds, so the batching itself is exercised.
    db.write("UNWIND range(1, 12000) AS i CREATE (:IOPointer {name: 'p' + i, flag: false})")
    mltrace.clean_db()
    assert db.read("MATCH (p:IOPointer) RETURN count(p) AS n") == [{"n": 0}]
    assert tokens.find_active_token(db, secret) is not None


def test_git_hash_and_tags_come_from_the_working_directory(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert mltrace.get_git_hash() is None
    assert mltrace.get_git_tags() == []


def test_git_hash_and_tags_of_the_repository_are_logged_by_the_decorator(
    db: Database, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    subprocess.run([*git, "tag", "v1.0"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    monkeypatch.chdir(repo)
    assert (mltrace.get_git_hash(), mltrace.get_git_tags()) == (head, ["v1.0"])

    @mltrace.Component("git").run
    def step() -> None:
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step()
    [run] = get_runs(db, [1])
    assert (run.git_hash, run.git_tags) == (head, ["v1.0"])


def test_db_uri_functions_follow_mltrace(db: Database) -> None:
    mltrace.set_db_uri("bolt://db.example:7777")
    assert mltrace.get_db_uri() == "bolt://db.example:7777"
    mltrace.set_address("10.0.0.5")
    assert mltrace.get_db_uri() == "bolt://10.0.0.5:7777"


def test_concurrent_loggers_get_distinct_consecutive_ids(db: Database) -> None:
    def log_ten(worker: int) -> list[int]:
        ids = []
        for i in range(10):
            run = _run(f"worker-{worker}", i, [], [f"out-{worker}-{i}"])
            mltrace.log_component_run(run)
            ids.append(run.id or 0)
        return ids

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(log_ten, range(4)))
    assert sorted(i for ids in results for i in ids) == list(range(1, 41))
    assert all(ids == sorted(ids) for ids in results)
