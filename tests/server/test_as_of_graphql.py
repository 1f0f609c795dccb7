"""GraphQL `asOf` on trace, impact, review and runs, and the flag audit trail in the schema."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.store.connection import Database
from tests.pipelines import log, make_run
from tests.server.conftest import gql

TRACE = """query($id: String!, $asOf: DateTime) {
  trace(outputId: $id, asOf: $asOf) { __typename
    ... on TraceGraph { asOf note nodes { id } }
    ... on NotFound { ids } } }"""


@pytest.fixture
def retrained(db: Database) -> None:
    """clean (1) -> train (2) -> predict (3) -> preds.csv; at minute 30 train (4), predict (5)."""
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("train", 10, ["clean.csv"], ["model.pkl"]),
        make_run("predict", 20, ["model.pkl"], ["preds.csv"]),
        make_run("train", 30, ["clean.csv"], ["model.pkl"]),
        make_run("predict", 40, ["model.pkl"], ["preds.csv"]),
    )


def q(client: FlaskClient, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    body = gql(client, query, variables, kw.get("headers"))
    assert "errors" not in body, body
    return body["data"]


def _runs(graph: dict[str, Any]) -> list[str]:
    return [n["id"] for n in graph["nodes"] if n["id"].startswith("run:")]


def test_trace_as_of_shows_the_producer_of_then_and_echoes_the_moment(
    client: FlaskClient, retrained: None
) -> None:
    # A naive moment is UTC.
    then = q(client, TRACE, {"id": "preds.csv", "asOf": "2026-01-01T00:25:00"})["trace"]
    assert then["asOf"] == "2026-01-01T00:25:00+00:00"
    assert (_runs(then), then["note"]) == (["run:3", "run:2", "run:1"], None)
    now = q(client, TRACE, {"id": "preds.csv"})["trace"]
    assert (_runs(now), now["asOf"], now["note"]) == (["run:5", "run:4", "run:1"], None, None)


def test_trace_as_of_before_the_first_run_is_empty_with_a_note(
    client: FlaskClient, retrained: None
) -> None:
    graph = q(client, TRACE, {"id": "preds.csv", "asOf": "2025-06-01T00:00:00Z"})["trace"]
    assert [n["id"] for n in graph["nodes"]] == ["io:preds.csv"]
    assert graph["note"] == (
        "nothing had been logged by 2025-06-01T00:00:00Z; "
        "the first run started 2026-01-01T00:00:00Z"
    )
    missing = q(client, TRACE, {"id": "nope", "asOf": "2025-06-01T00:00:00Z"})["trace"]
    assert missing == {"__typename": "NotFound", "ids": ["nope"]}


def test_impact_and_runs_as_of_leave_out_later_runs(client: FlaskClient, retrained: None) -> None:
    impact = q(
        client,
        '{ impact(id: "run:1", asOf: "2026-01-01T00:25:00Z") '
        "{ ... on TraceGraph { nodes { id } } } }",
    )["impact"]
    assert _runs(impact) == ["run:1", "run:2", "run:3"]
    runs = q(client, '{ runs(asOf: "2026-01-01T00:25:00Z") { runs { id } } }')["runs"]
    assert [r["id"] for r in runs["runs"]] == [3, 2, 1]
    history = q(
        client, '{ runs(component: "train", asOf: "2026-01-01T00:25:00Z") { runs { id } } }'
    )["runs"]
    assert [r["id"] for r in history["runs"]] == [2]


def test_review_as_of_uses_the_flags_of_then_and_events_name_the_token(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("predict", 1, ["raw"], ["A"]),
        make_run("predict", 2, ["raw"], ["B"]),
    )
    db.write(
        "MATCH (r:ComponentRun) SET r.start_timestamp = $start + duration({minutes: r.id}), "
        "r.end_timestamp = $start + duration({minutes: r.id, seconds: 5})",
        start=start,
    )
    flag = "mutation($ids: [String!]!) { flag(outputIds: $ids) { __typename } }"
    unflag = "mutation($ids: [String!]!) { unflag(outputIds: $ids) { __typename } }"
    q(client, flag, {"ids": ["A"]}, headers=auth)
    time.sleep(0.05)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    q(client, unflag, {"ids": ["A"]}, headers=auth)
    q(client, flag, {"ids": ["B"]}, headers=auth)
    review = (
        "query($asOf: DateTime) { review(asOf: $asOf) "
        "{ flaggedOutputs note culprits { run { id } ef ep } } }"
    )
    then = q(client, review, {"asOf": between})["review"]
    assert then == {
        "flaggedOutputs": ["A"],
        "note": None,
        "culprits": [{"run": {"id": 2}, "ef": 1, "ep": 0}, {"run": {"id": 1}, "ef": 1, "ep": 2}],
    }
    assert q(client, review)["review"]["flaggedOutputs"] == ["B"]
    trail = q(
        client,
        '{ ioPointer(name: "A") { flagEvents { output flagged by } } '
        "run(id: 2) { flagEvents { output flagged by } } }",
    )
    expected = [
        {"output": "A", "flagged": False, "by": "tests"},
        {"output": "A", "flagged": True, "by": "tests"},
    ]
    assert trail == {"ioPointer": {"flagEvents": expected}, "run": {"flagEvents": expected}}


def test_review_as_of_before_anything_was_logged_says_so(
    client: FlaskClient, retrained: None
) -> None:
    review = q(client, '{ review(asOf: "2025-06-01T00:00:00Z") { asOf note flaggedOutputs } }')
    assert review["review"] == {
        "asOf": "2025-06-01T00:00:00+00:00",
        "note": (
            "nothing had been logged by 2025-06-01T00:00:00Z; "
            "the first run started 2026-01-01T00:00:00Z"
        ),
        "flaggedOutputs": [],
    }


def test_a_bad_as_of_is_refused_naming_the_argument(client: FlaskClient, retrained: None) -> None:
    body = gql(client, '{ review(asOf: "yesterday") { note } }')
    assert body["data"] is None
    assert "asOf" in body["errors"][0]["message"] or "DateTime" in body["errors"][0]["message"]
