"""Prometheus metrics: traffic, GraphQL operations, logging, OpenLineage, lineage health."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import ConfigurationError
from mltrace_graph.server import ServerConfig
from mltrace_graph.server.metrics import LineageSnapshots
from mltrace_graph.store import health
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import record_runs
from tests.server.conftest import AppFactory, gql


def _metrics(client: FlaskClient, headers: dict[str, str] | None = None) -> dict[str, float]:
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    values = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def _with_lineage(client: FlaskClient, seconds: float = 10.0) -> dict[str, float]:
    """Scrapes until the first lineage snapshot is served (it is read in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        values = _metrics(client)
        if "mltrace_lineage_snapshot_age_seconds" in values:
            return values
        assert time.monotonic() < deadline, values
        time.sleep(0.05)


def _log(db: Database, name: str, outputs: list[str]) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    record_runs(
        db, [ComponentRun(name, start_timestamp=start, end_timestamp=start, outputs=outputs)]
    )


def test_metrics_count_requests_operations_runs_events_and_lineage_health(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    mutation = """mutation LogRuns($runs: [RunInput!]!) { logComponentRuns(runs: $runs) {
      __typename } }"""
    run = {
        "componentName": "etl",
        "startTimestamp": "2026-01-01T00:00:00+00:00",
        "endTimestamp": "2026-01-01T00:01:00+00:00",
        "outputs": [{"name": "out.csv"}],
    }
    gql(client, mutation, {"runs": [run, {**run, "outputs": []}]}, auth)
    client.post("/api/v1/lineage", json={"eventType": "BOGUS"}, headers=auth)
    db.write("MATCH (p:IOPointer {name: 'out.csv'}) SET p.flag = true")
    values = _with_lineage(client)
    assert values['mltrace_graphql_operations_total{operation="LogRuns"}'] == 1
    assert values['mltrace_runs_logged_total{source="graphql"}'] == 2
    assert values['mltrace_openlineage_events_total{result="rejected"}'] == 1
    assert values['mltrace_http_requests_total{method="POST",route="/graphql",status="200"}'] == 1
    assert values['mltrace_http_request_duration_seconds_count{route="/graphql"}'] == 1
    assert values["mltrace_graph_up"] == 1
    assert values["mltrace_runs"] == 2
    assert values["mltrace_flagged_outputs"] == 1
    assert values["mltrace_stale_runs"] == 0
    assert values["mltrace_top_culprit_score"] == 1.0  # run 1 fed the one flagged output only


def test_metrics_follow_the_read_auth_setting(make_app: AppFactory, auth: dict[str, str]) -> None:
    client = make_app(read_auth=True).test_client()
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert "this server needs an API token" in refused.get_json()["error"]
    assert (
        _metrics(client, auth)[
            'mltrace_http_requests_total{method="GET",route="/metrics",status="401"}'
        ]
        == 1
    )


def test_a_scrape_serves_the_snapshot_instead_of_reading_the_graph(
    make_app: AppFactory, db: Database
) -> None:
    client = make_app(metrics_refresh_seconds=3600).test_client()
    _log(db, "etl", ["a.csv"])
    assert _with_lineage(client)["mltrace_runs"] == 1
    _log(db, "train", ["b.csv"])
    db.write("MATCH (p:IOPointer) SET p.flag = true")
    values = _metrics(client)
    assert values["mltrace_runs"] == 1
    assert values["mltrace_flagged_outputs"] == 0
    assert values["mltrace_lineage_snapshot_age_seconds"] >= 0


def test_the_snapshot_is_refreshed_once_the_interval_has_passed(
    make_app: AppFactory, db: Database
) -> None:
    client = make_app(metrics_refresh_seconds=0.2).test_client()
    assert _with_lineage(client)["mltrace_runs"] == 0
    _log(db, "etl", ["a.csv"])
    deadline = time.monotonic() + 10
    while _metrics(client).get("mltrace_runs") != 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_parallel_scrapes_start_one_refresh_and_do_not_wait_for_it(db: Database) -> None:
    calls: list[float] = []
    release = threading.Event()

    def slow_read() -> health.LineageHealth:
        calls.append(time.monotonic())
        release.wait(10)  # a review that takes long, as on a 2,000-deep chain
        return health.lineage_health(db)

    snapshots = LineageSnapshots(slow_read, refresh_seconds=0)
    answered: list[float] = []

    def scrape() -> None:
        started = time.monotonic()
        assert snapshots.current().health is None
        answered.append(time.monotonic() - started)

    threads = [threading.Thread(target=scrape) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    release.set()
    assert len(calls) == 1
    assert len(answered) == 16
    assert max(answered) < 1.0  # each waited at most the short first-snapshot bound
    deadline = time.monotonic() + 10
    while snapshots.current().health is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert snapshots.current().up is True


def test_the_refresh_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLTRACE_SERVER_METRICS_REFRESH_SECONDS", "5")
    assert ServerConfig.from_env().metrics_refresh_seconds == 5.0
    monkeypatch.setenv("MLTRACE_SERVER_METRICS_REFRESH_SECONDS", "soon")
    with pytest.raises(ConfigurationError, match="'soon' is not a number of seconds"):
        ServerConfig.from_env()


def _operators(plan: dict[str, Any]) -> set[str]:
    found = {str(plan["operatorType"]).split("@")[0]}
    for child in plan.get("children", []):
        found |= _operators(child)
    return found


def test_the_lineage_counts_use_the_count_store_and_indexes_not_scans(db: Database) -> None:
    _log(db, "etl", ["a.csv"])
    _log(db, "train", ["b.csv"])
    _log(db, "serve", [])
    db.write("MATCH (r:ComponentRun {component_name: 'train'}) SET r.stale = ['old input']")
    db.write("MATCH (p:IOPointer {name: 'a.csv'}) SET p.flag = true")
    assert health.lineage_counts(db) == (3, 1, 1)
    with db.session() as session:
        plan = session.run("EXPLAIN " + health.LINEAGE_COUNTS).consume().plan
    assert plan is not None
    operators = _operators(plan)
    assert "NodeCountFromCountStore" in operators
    assert not operators & {"NodeByLabelScan", "AllNodesScan"}, operators
