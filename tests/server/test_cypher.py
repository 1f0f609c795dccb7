"""The ad hoc Cypher door: reads answer, every kind of write is refused and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import record_runs
from tests.server.conftest import AppFactory, gql

GRAPH_SNAPSHOT = """
CALL () { MATCH (n) RETURN count(n) AS nodes, collect(DISTINCT labels(n)) AS labels,
          sum(size(keys(n))) AS properties }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, labels, properties, relationships
"""
SCHEMA_SNAPSHOT = "SHOW INDEXES YIELD name, type RETURN collect([name, type]) AS indexes"

WRITE_ATTEMPTS = [
    "CREATE (n:Intruder {name: 'x'}) RETURN n",
    "MERGE (n:Component {name: 'intruder'}) RETURN n",
    "MATCH (r:ComponentRun) SET r.notes = 'changed' RETURN r",
    "MATCH (p:IOPointer) SET p:Hacked",
    "MATCH (n) DETACH DELETE n",
    "MATCH (r:ComponentRun)-[d:RUN_OF]->() DELETE d",
    "MATCH (r:ComponentRun) REMOVE r.notes",
    "MATCH (n) FOREACH (i IN [1] | SET n.x = i)",
    "CALL { CREATE (:Intruder) }",
    "CALL db.createLabel('Intruder')",
    "CALL db.createProperty('intruder')",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL db.clearQueryCaches()",
    "CALL `db`.`createLabel`('Intruder')",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load csv with headers from 'https://example.com/x.csv' AS row CREATE (:Intruder)",
    "UNWIND range(1, 3) AS i CALL (i) { CREATE (:Intruder {i: i}) } IN TRANSACTIONS",
    "UNWIND [1] AS i CALL (i) { MATCH (n) SET n.x = i } IN 2 CONCURRENT TRANSACTIONS OF 10 ROWS",
    "CREATE INDEX intruder_index FOR (n:Intruder) ON (n.name)",
    "CREATE CONSTRAINT intruder_unique FOR (n:Intruder) REQUIRE n.name IS UNIQUE",
    "DROP INDEX component_run_start",
    "DROP CONSTRAINT component_name",
    "USE system CREATE USER intruder SET PASSWORD 'secret-password'",
    "CREATE DATABASE intruder",
    "EXPLAIN CREATE (:Intruder)",
    "PROFILE MATCH (n) SET n.x = 1",
    "CYPHER runtime=slotted CREATE (:Intruder)",
    "MATCH (n) WITH n /* comment */ CREATE (:Intruder)",
]


def _snapshot(db: Database) -> dict[str, Any]:
    return {**db.read(GRAPH_SNAPSHOT)[0], **db.read(SCHEMA_SNAPSHOT)[0]}


@pytest.fixture
def logged(db: Database) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    record_runs(
        db,
        [ComponentRun("etl", start_timestamp=start, end_timestamp=start, outputs=["data.csv"])],
    )


# Administration commands do not plan against the lineage database at all: 400, not 403.
UNPLANNABLE = {"CREATE DATABASE intruder"}


@pytest.mark.parametrize("query", WRITE_ATTEMPTS)
def test_a_write_attempt_is_refused_and_the_graph_is_unchanged(
    client: FlaskClient, auth: dict[str, str], db: Database, logged: None, query: str
) -> None:
    before = _snapshot(db)
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    if query in UNPLANNABLE:
        assert response.status_code == 400
        assert response.get_json()["error"].startswith("the query does not plan")
    else:
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"].startswith("writes are not allowed here")
    assert _snapshot(db) == before


def test_a_read_query_returns_columns_and_rows_with_parameters(
    client: FlaskClient, auth: dict[str, str], logged: None
) -> None:
    response = client.post(
        "/api/v1/cypher",
        json={
            "query": "MATCH (r:ComponentRun {component_name: $name}) "
            "RETURN r.id AS id, r.component_name AS name, $odd AS odd",
            "params": {"name": "etl", "odd": "'`{}} MATCH (n) DETACH DELETE n //"},
        },
        headers=auth,
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "columns": ["id", "name", "odd"],
        "rows": [[1, "etl", "'`{}} MATCH (n) DETACH DELETE n //"]],
        "truncated": False,
    }


def test_rows_beyond_the_limit_are_cut_and_flagged(
    make_app: AppFactory, auth: dict[str, str]
) -> None:
    client = make_app(cypher_row_limit=3).test_client()
    response = client.post(
        "/api/v1/cypher", json={"query": "UNWIND range(1, 10) AS i RETURN i"}, headers=auth
    )
    assert response.get_json() == {"columns": ["i"], "rows": [[1], [2], [3]], "truncated": True}


def test_a_query_past_its_time_budget_is_stopped(
    make_app: AppFactory, auth: dict[str, str]
) -> None:
    client = make_app(cypher_timeout=0.5).test_client()
    response = client.post(
        "/api/v1/cypher",
        json={"query": "UNWIND range(1, 1000000000) AS i WITH i WHERE i < 0 RETURN count(i)"},
        headers=auth,
    )
    assert response.status_code == 408
    assert "ran longer than 0.5 seconds" in response.get_json()["error"]


def test_a_query_that_does_not_parse_gets_400(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/cypher", json={"query": "MATCH (n RETURN n"}, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("the query does not plan")


def test_the_cypher_door_needs_a_token_even_on_loopback(client: FlaskClient) -> None:
    response = client.post("/api/v1/cypher", json={"query": "RETURN 1"})
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.get_json()["error"]


def test_the_graphql_cypher_field_returns_rows_or_a_refusal(
    client: FlaskClient, auth: dict[str, str], db: Database, logged: None
) -> None:
    query = """query($q: String!, $p: JSON) { cypher(query: $q, params: $p) {
      __typename ... on CypherRows { columns rows truncated }
      ... on CypherRefused { message } ... on InvalidInput { message field } } }"""
    body = gql(client, query, {"q": "RETURN $x AS x", "p": {"x": 7}}, auth)
    assert body["data"]["cypher"] == {
        "__typename": "CypherRows",
        "columns": ["x"],
        "rows": [[7]],
        "truncated": False,
    }
    before = _snapshot(db)
    body = gql(client, query, {"q": "MATCH (n) DETACH DELETE n"}, auth)
    assert body["data"]["cypher"]["__typename"] == "CypherRefused"
    assert body["data"]["cypher"]["message"].startswith("writes are not allowed here")
    assert _snapshot(db) == before


def test_keywords_inside_strings_and_comments_do_not_trip_the_text_check(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    query = (
        "// CREATE (:Intruder) in a comment\n"
        "RETURN 'LOAD CSV ... USE system ... CALL dbms.x() IN TRANSACTIONS' AS text, "
        "$name AS name"
    )
    response = client.post(
        "/api/v1/cypher",
        json={"query": query, "params": {"name": "CALL db.createLabel"}},
        headers=auth,
    )
    assert response.status_code == 200
    assert response.get_json()["rows"] == [
        ["LOAD CSV ... USE system ... CALL dbms.x() IN TRANSACTIONS", "CALL db.createLabel"]
    ]
