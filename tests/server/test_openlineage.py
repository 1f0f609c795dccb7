"""OpenLineage ingestion, exercised with the real openlineage-python client over HTTP."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    error_message_run,
    source_code_location_job,
    sql_job,
)
from openlineage.client.generated import data_quality_assertions_dataset as quality
from openlineage.client.transport.http import (
    ApiKeyTokenProvider,
    HttpCompression,
    HttpConfig,
    HttpTransport,
)

from mltrace_graph.store import lineage
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs

PRODUCER = "https://github.com/example/pipelines"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

RUNS_BY_COMPONENT = """
MATCH (r:ComponentRun)-[:RUN_OF]->(c:Component)
RETURN c.name AS component, r.id AS id, r.status AS status, r.start_timestamp AS start,
       r.end_timestamp AS end, r.sql AS sql, r.git_hash AS git_hash,
       r.source_code_url AS url, r.test_results AS tests, r.notes AS notes,
       COLLECT { MATCH (r)-[:CONSUMED]->(p) RETURN p.name ORDER BY p.name } AS inputs,
       COLLECT { MATCH (r)-[:PRODUCED]->(p) RETURN p.name ORDER BY p.name } AS outputs,
       COLLECT { MATCH (r)-[:DEPENDS_ON]->(d) RETURN d.id } AS depends_on
ORDER BY r.id
"""


def _client(url: str, token: str) -> OpenLineageClient:
    config = HttpConfig(
        url=url,
        auth=ApiKeyTokenProvider({"apiKey": token}),
        compression=HttpCompression.GZIP,
        retry={"total": 0},
    )
    return OpenLineageClient(transport=HttpTransport(config))


def _event(
    state: RunState,
    run_id: str,
    job: str,
    at: datetime,
    inputs: list[InputDataset] | None = None,
    outputs: list[str] | None = None,
    job_facets: dict[str, Any] | None = None,
    run_facets: dict[str, Any] | None = None,
) -> RunEvent:
    return RunEvent(
        eventType=state,
        eventTime=at.isoformat(),
        run=Run(runId=run_id, facets=run_facets or {}),
        job=Job(namespace="shop", name=job, facets=job_facets or {}),
        producer=PRODUCER,
        inputs=inputs or [],
        outputs=[OutputDataset(namespace="warehouse", name=name) for name in outputs or []],
    )


def test_events_from_the_client_become_components_runs_pointers_and_dependencies(
    served: str, token: str, db: Database
) -> None:
    client = _client(served, token)
    ingest, train = str(uuid.uuid4()), str(uuid.uuid4())
    checked = InputDataset(
        namespace="warehouse",
        name="raw.orders",
        inputFacets={
            "dataQualityAssertions": quality.DataQualityAssertionsDatasetFacet(
                assertions=[quality.Assertion(assertion="not_null", success=True, column="id")]
            )
        },
    )
    job_facets = {
        "sql": sql_job.SQLJobFacet(query="SELECT * FROM raw.orders"),
        "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
            type="git", url="https://git.example/etl", version="abc123"
        ),
    }
    client.emit(_event(RunState.START, ingest, "ingest", T0, [checked], [], job_facets))
    client.emit(
        _event(
            RunState.COMPLETE,
            ingest,
            "ingest",
            T0 + timedelta(minutes=5),
            [checked],
            ["clean.orders"],
            job_facets,
        )
    )
    clean = InputDataset(namespace="warehouse", name="clean.orders")
    client.emit(_event(RunState.START, train, "train", T0 + timedelta(minutes=6), [clean]))
    client.emit(
        _event(
            RunState.FAIL,
            train,
            "train",
            T0 + timedelta(minutes=9),
            [clean],
            ["model"],
            run_facets={
                "errorMessage": error_message_run.ErrorMessageRunFacet(
                    message="out of memory", programmingLanguage="python"
                )
            },
        )
    )

    rows = db.read(RUNS_BY_COMPONENT)
    assert [(r["component"], r["id"], r["status"]) for r in rows] == [
        ("shop:ingest", 1, "success"),
        ("shop:train", 2, "failed"),
    ]
    first, second = rows
    assert first["start"].to_native() == T0
    assert first["end"].to_native() == T0 + timedelta(minutes=5)
    assert first["inputs"] == ["warehouse:raw.orders"]
    assert first["outputs"] == ["warehouse:clean.orders"]
    assert first["sql"] == "SELECT * FROM raw.orders"
    assert first["git_hash"] == "abc123"
    assert first["url"] == "https://git.example/etl"
    assert json.loads(first["tests"]) == [
        {"dataset": "warehouse:raw.orders", "name": "not_null", "column": "id", "success": True}
    ]
    assert second["inputs"] == ["warehouse:clean.orders"]
    assert second["outputs"] == ["warehouse:model"]
    assert second["depends_on"] == [1]
    assert second["notes"] == "out of memory"
    [run] = get_runs(db, [2])
    assert run.dependency_ids == [1]
    assert run.status == "failed"
    trace = lineage.trace(db, "warehouse:model")
    assert {(n.id, n.level) for n in trace.nodes} == {
        ("run:2", 0),
        ("io:warehouse:model", 0),
        ("run:1", 1),
        ("io:warehouse:clean.orders", 1),
        ("io:warehouse:raw.orders", 2),
    }


def test_a_retried_event_is_recorded_once(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    event = _as_dict(_event(RunState.COMPLETE, run_id, "load", T0, outputs=["t"]))
    first = client.post("/api/v1/lineage", json=event, headers=auth)
    again = client.post("/api/v1/lineage", json=event, headers=auth)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == {"runId": 1, "created": True, "duplicate": False}
    assert again.get_json() == {"runId": None, "created": False, "duplicate": True}
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n")[0]["n"] == 1


def _as_dict(event: RunEvent) -> dict[str, Any]:
    from openlineage.client.serde import Serde

    result: dict[str, Any] = json.loads(Serde.to_json(event))
    return result


def test_complete_before_start_still_merges_into_one_run(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    complete = _as_dict(_event(RunState.COMPLETE, run_id, "load", T0 + timedelta(hours=1)))
    start = _as_dict(_event(RunState.START, run_id, "load", T0))
    response = client.post("/api/v1/lineage/batch", json=[complete, start], headers=auth)
    assert response.status_code == 201
    assert response.get_json()["events"] == [
        {"runId": 1, "created": True, "duplicate": False},
        {"runId": 1, "created": False, "duplicate": False},
    ]
    [run] = get_runs(db, [1])
    assert (run.start_timestamp, run.end_timestamp, run.status) == (
        T0,
        T0 + timedelta(hours=1),
        "success",
    )


def test_a_gzip_batch_is_accepted(client: FlaskClient, auth: dict[str, str], db: Database) -> None:
    events = [
        _as_dict(_event(RunState.COMPLETE, str(uuid.uuid4()), f"job{i}", T0)) for i in range(3)
    ]
    response = client.post(
        "/api/v1/lineage/batch",
        data=gzip.compress(json.dumps(events).encode()),
        headers={**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 201
    assert [e["runId"] for e in response.get_json()["events"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e["run"].pop("runId"), "run.runId"),
        (lambda e: e.pop("job"), "job"),
        (lambda e: e["job"].update(name=""), "job.name"),
        (lambda e: e.update(eventTime="yesterday"), "eventTime"),
        (lambda e: e.update(eventType="EXPLODED"), "eventType"),
        (lambda e: e.update(inputs=[{"namespace": "x"}]), "inputs[0].name"),
    ],
)
def test_a_malformed_event_gets_400_naming_the_field(
    client: FlaskClient, auth: dict[str, str], db: Database, change: Any, field: str
) -> None:
    event = _as_dict(_event(RunState.START, str(uuid.uuid4()), "load", T0))
    change(event)
    response = client.post("/api/v1/lineage", json=event, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert field in response.get_json()["error"]
    batch = client.post("/api/v1/lineage/batch", json=[event], headers=auth)
    assert batch.get_json()["field"] == f"[0].{field}"
    assert db.read("MATCH (n:!ApiToken&!SchemaMigration) RETURN count(n) AS n")[0]["n"] == 0


def test_lineage_needs_a_token(client: FlaskClient) -> None:
    event = _as_dict(_event(RunState.START, str(uuid.uuid4()), "load", T0))
    assert client.post("/api/v1/lineage", json=event).status_code == 401


def test_running_adds_outputs_and_abort_ends_the_run_as_failed(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    events = [
        _as_dict(_event(RunState.START, run_id, "stream", T0)),
        _as_dict(
            _event(
                RunState.RUNNING, run_id, "stream", T0 + timedelta(minutes=1), outputs=["part-1"]
            )
        ),
        _as_dict(
            _event(RunState.ABORT, run_id, "stream", T0 + timedelta(minutes=2), outputs=["part-2"])
        ),
    ]
    assert client.post("/api/v1/lineage/batch", json=events, headers=auth).status_code == 201
    rows = db.read(RUNS_BY_COMPONENT)
    assert [(r["component"], r["status"], r["outputs"]) for r in rows] == [
        ("shop:stream", "failed", ["warehouse:part-1", "warehouse:part-2"])
    ]
    assert rows[0]["end"].to_native() == T0 + timedelta(minutes=2)
    state = db.read("MATCH (r:ComponentRun) RETURN r.openlineage_state AS state")[0]["state"]
    assert state == "ABORT"


def test_a_second_job_for_a_run_id_is_refused_naming_both_jobs(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    first = _as_dict(_event(RunState.START, run_id, "load", T0))
    other = _as_dict(_event(RunState.COMPLETE, run_id, "train", T0 + timedelta(minutes=1)))
    assert client.post("/api/v1/lineage", json=first, headers=auth).status_code == 201
    response = client.post("/api/v1/lineage", json=other, headers=auth)
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "job"
    assert f"run.runId {run_id} belongs to job 'shop:load'" in body["error"]
    assert "this event names job 'shop:train'" in body["error"]
    batch = client.post("/api/v1/lineage/batch", json=[first, other], headers=auth)
    assert batch.status_code == 400
    assert batch.get_json()["field"] == "[1].job"
    rows = db.read(RUNS_BY_COMPONENT)
    assert [(r["component"], r["status"]) for r in rows] == [("shop:load", "running")]
    assert db.read("MATCH (c:Component) RETURN collect(c.name) AS names")[0]["names"] == [
        "shop:load"
    ]


def test_a_batch_naming_two_jobs_for_one_new_run_id_writes_nothing(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    events = [
        _as_dict(_event(RunState.START, run_id, "load", T0, outputs=["t"])),
        _as_dict(_event(RunState.COMPLETE, run_id, "train", T0 + timedelta(minutes=1))),
    ]
    response = client.post("/api/v1/lineage/batch", json=events, headers=auth)
    assert response.status_code == 400
    assert "belongs to job 'shop:load'" in response.get_json()["error"]
    assert db.read("MATCH (n:!ApiToken&!SchemaMigration) RETURN count(n) AS n")[0]["n"] == 0


@pytest.mark.parametrize("run_id", ["run-42", "12345678-1234-1234-1234-12345678901"])
def test_a_run_id_that_is_not_a_uuid_gets_400(
    client: FlaskClient, auth: dict[str, str], db: Database, run_id: str
) -> None:
    event = _as_dict(_event(RunState.START, str(uuid.uuid4()), "load", T0))
    event["run"]["runId"] = run_id
    response = client.post("/api/v1/lineage", json=event, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["field"] == "run.runId"
    assert db.read("MATCH (n:!ApiToken&!SchemaMigration) RETURN count(n) AS n")[0]["n"] == 0


def test_a_retried_batch_with_the_same_job_stays_idempotent(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run_id = str(uuid.uuid4())
    events = [
        _as_dict(_event(RunState.START, run_id, "load", T0)),
        _as_dict(_event(RunState.COMPLETE, run_id, "load", T0 + timedelta(minutes=1))),
    ]
    assert client.post("/api/v1/lineage/batch", json=events, headers=auth).status_code == 201
    again = client.post("/api/v1/lineage/batch", json=events, headers=auth)
    assert again.status_code == 201
    assert [e["duplicate"] for e in again.get_json()["events"]] == [True, True]
    assert [(r["component"], r["status"]) for r in db.read(RUNS_BY_COMPONENT)] == [
        ("shop:load", "success")
    ]
