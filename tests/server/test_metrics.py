"""Prometheus metrics: traffic, GraphQL operations, logging, OpenLineage, lineage health."""

from __future__ import annotations

from flask.testing import FlaskClient

from mltrace_graph.store.connection import Database
from tests.server.conftest import gql


def _metrics(client: FlaskClient) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    values = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


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
    values = _metrics(client)
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
