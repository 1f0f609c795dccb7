"""Logging runs over GraphQL (any language) and through the Python remote client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.client.session import Client
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import ConfigurationError, InvalidInputError, RemoteServerError
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.server.conftest import gql

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
WEIRD = 'o\'brien "`x`" {a} }) MATCH (n) DETACH DELETE n // $param'

LOG_ONE = """
mutation($run: RunInput!) { logComponentRun(run: $run) {
  __typename
  ... on LoggedRuns { runs { id uid componentName stale dependencyIds
                             inputs { name pointerType flag } outputs { name } params metrics } }
  ... on InvalidInput { message field } } }
"""
LOG_MANY = """
mutation($runs: [RunInput!]!) { logComponentRuns(runs: $runs) {
  __typename
  ... on LoggedRuns { runs { id componentName dependencyIds } }
  ... on InvalidInput { message field } } }
"""
RUN = """query($id: Int!) { run(id: $id) { id componentName notes gitHash gitTags status
  inputs { name } outputs { name } dependencies dependencyIds params metrics testResults
  durationSeconds startTimestamp } }"""


def _run(
    name: str, start: datetime, inputs: list[str], outputs: list[str], **extra: Any
) -> dict[str, Any]:
    return {
        "componentName": name,
        "startTimestamp": start.isoformat(),
        "endTimestamp": (start + timedelta(minutes=2)).isoformat(),
        "inputs": [{"name": n} for n in inputs],
        "outputs": [{"name": n} for n in outputs],
        **extra,
    }


def test_log_component_run_writes_the_run_and_run_reads_it_back(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    variables = {
        "run": _run(
            "train",
            T0,
            ["data/train.csv"],
            ["model.pkl"],
            notes="first try",
            gitHash="abc",
            gitTags=["v1"],
            params={"lr": 0.1},
            metrics={"auc": 0.9},
            testResults=[{"name": "shape", "passed": True}],
        )
    }
    body = gql(client, LOG_ONE, variables, auth)
    logged = body["data"]["logComponentRun"]
    assert logged["__typename"] == "LoggedRuns"
    assert logged["runs"][0]["id"] == 1
    assert logged["runs"][0]["inputs"] == [
        {"name": "data/train.csv", "pointerType": "DATA", "flag": False}
    ]
    run = gql(client, RUN, {"id": 1})["data"]["run"]
    assert run == {
        "id": 1,
        "componentName": "train",
        "notes": "first try",
        "gitHash": "abc",
        "gitTags": ["v1"],
        "status": "success",
        "inputs": [{"name": "data/train.csv"}],
        "outputs": [{"name": "model.pkl"}],
        "dependencies": [],
        "dependencyIds": [],
        "params": {"lr": 0.1},
        "metrics": {"auc": 0.9},
        "testResults": [{"name": "shape", "passed": True}],
        "durationSeconds": 120.0,
        "startTimestamp": "2026-02-01T09:00:00+00:00",
    }


def test_a_batch_is_logged_in_order_with_dependencies_inside_the_batch(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    runs = [
        _run("clean", T0, ["raw.csv"], ["clean.csv"]),
        _run("train", T0 + timedelta(hours=1), ["clean.csv"], ["model.pkl"]),
    ]
    body = gql(client, LOG_MANY, {"runs": runs}, auth)
    assert body["data"]["logComponentRuns"]["runs"] == [
        {"id": 1, "componentName": "clean", "dependencyIds": []},
        {"id": 2, "componentName": "train", "dependencyIds": [1]},
    ]


def test_a_retry_with_the_same_uid_logs_nothing_new(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    run = _run("clean", T0, [], ["clean.csv"], uid="retry-me")
    first = gql(client, LOG_ONE, {"run": run}, auth)["data"]["logComponentRun"]["runs"][0]
    again = gql(client, LOG_ONE, {"run": run}, auth)["data"]["logComponentRun"]["runs"][0]
    assert first["id"] == again["id"] == 1
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n")[0]["n"] == 1


def test_names_full_of_quotes_and_cypher_round_trip_as_parameters(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    body = gql(client, LOG_ONE, {"run": _run(WEIRD, T0, [WEIRD + ".in"], [WEIRD])}, auth)
    assert body["data"]["logComponentRun"]["runs"][0]["componentName"] == WEIRD
    run = gql(client, RUN, {"id": 1})["data"]["run"]
    assert (run["componentName"], run["inputs"], run["outputs"]) == (
        WEIRD,
        [{"name": WEIRD + ".in"}],
        [{"name": WEIRD}],
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"componentName": ""}, "run.componentName"),
        ({"status": "exploded"}, "run.status"),
        ({"endTimestamp": (T0 - timedelta(days=1)).isoformat()}, "run.endTimestamp"),
        ({"metrics": {"auc": "high"}}, "run.metrics.auc"),
        ({"inputs": [{"name": ""}]}, "run.inputs[0].name"),
        ({"inputs": [{"name": "same"}], "outputs": [{"name": "same"}]}, "run.inputs"),
        ({"stalenessThreshold": -1}, "run.stalenessThreshold"),
        ({"metricSteps": {"loss": [[0]]}}, "run.metricSteps.loss"),
    ],
)
def test_invalid_runs_come_back_as_invalid_input_naming_the_field(
    client: FlaskClient, auth: dict[str, str], db: Database, change: dict[str, Any], field: str
) -> None:
    run = {**_run("clean", T0, [], []), **change}
    result = gql(client, LOG_ONE, {"run": run}, auth)["data"]["logComponentRun"]
    assert result["__typename"] == "InvalidInput"
    assert result["field"] == field
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n")[0]["n"] == 0


def test_an_unknown_run_id_is_null_not_an_error(client: FlaskClient) -> None:
    assert gql(client, RUN, {"id": 999}) == {"data": {"run": None}}


def test_a_client_logs_through_the_server_and_sets_ids(
    served: str, token: str, db: Database
) -> None:
    client = Client()
    client.set_server(served, token)
    first = ComponentRun("clean", start_timestamp=T0, end_timestamp=T0, outputs=["clean.csv"])
    second = ComponentRun(
        "train", start_timestamp=T0, end_timestamp=T0, inputs=["clean.csv"], outputs=["m.pkl"]
    )
    second.params = {"depth": 3}
    client.log_runs([first, second])
    assert (first.id, second.id, second.dependency_ids) == (1, 2, [1])
    [stored] = get_runs(db, [2])
    assert stored.params == {"depth": 3}
    assert stored.uid == second.uid


def test_a_client_reads_the_server_from_the_environment(
    served: str, token: str, monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    monkeypatch.setenv("MLTRACE_SERVER_URL", served)
    monkeypatch.setenv("MLTRACE_SERVER_TOKEN", token)
    run = ComponentRun("clean", start_timestamp=T0, end_timestamp=T0)
    Client().log_runs([run])
    assert run.id == 1


def test_logging_over_http_explains_a_bad_token_and_bad_input(
    served: str, db: Database, token: str
) -> None:
    client = Client()
    run = ComponentRun("clean", start_timestamp=T0, end_timestamp=T0)
    client.set_server(served, "mlt_wrong")
    with pytest.raises(RemoteServerError, match="unknown or revoked"):
        client.log_runs([run])
    client.set_server(served, token)
    run.status = "exploded"
    with pytest.raises(InvalidInputError, match="must be one of"):
        client.log_runs([run])
    with pytest.raises(ConfigurationError, match="is not valid"):
        client.set_server("127.0.0.1:8080", token)


def test_the_decorator_logs_through_the_server_when_one_is_set(
    served: str, token: str, db: Database
) -> None:
    import mltrace_graph as mltrace

    mltrace.set_server(served, token)
    clean = mltrace.Component("clean", owner="plumber")

    @clean.run(input_vars=["source"], output_vars=["target"])
    def step(source: str) -> str:
        target = source + ".clean"
        return target

    assert step("raw.csv") == "raw.csv.clean"
    [stored] = get_runs(db, [1])
    assert stored.component_name == "clean"
    assert [p.name for p in stored.inputs] == ["raw.csv"]
    assert [p.name for p in stored.outputs] == ["raw.csv.clean"]


def test_a_server_that_does_not_answer_spools_the_run_instead_of_failing(
    served: str, token: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mltrace_graph as mltrace
    from mltrace_graph.errors import SpooledRunWarning

    monkeypatch.setenv("MLTRACE_HOME", str(tmp_path))
    mltrace.set_server("http://127.0.0.1:9", token)
    run = ComponentRun("clean", start_timestamp=T0, end_timestamp=T0, outputs=["c.csv"])
    with pytest.warns(SpooledRunWarning, match="cannot reach the mltrace-graph server"):
        mltrace.log_component_run(run)
    assert run.id is None
    assert mltrace.default_client().spool.pending_count() == 1
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n") == [{"n": 0}]
    mltrace.set_server(served, "mlt_wrong")
    with pytest.raises(RemoteServerError, match="unknown or revoked"):
        mltrace.log_component_run(ComponentRun("x", start_timestamp=T0, end_timestamp=T0))
