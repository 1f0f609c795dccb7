"""The ad hoc Cypher door: reads answer, every kind of write is refused and changes nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store import adhoc, tokens
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


@pytest.mark.parametrize("query", WRITE_ATTEMPTS)
def test_a_write_attempt_is_refused_and_the_graph_is_unchanged(
    client: FlaskClient, auth: dict[str, str], db: Database, logged: None, query: str
) -> None:
    before = _snapshot(db)
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
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


class _CountingHandler(BaseHTTPRequestHandler):
    """Answers a one-line CSV and counts the requests: a fetch by Neo4j shows up here."""

    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"secret-from-an-internal-service\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def internal_service() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server standing in for one the server can reach and users cannot."""
    requests: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    thread.join()


@pytest.mark.parametrize(
    "template",
    [
        "WITH '//' AS s LOAD CSV FROM '{url}/a.csv' AS l RETURN l",
        "WITH 1 AS `it's` LOAD CSV FROM '{url}/b.csv' AS l RETURN l",
        'WITH "/*" AS s LOAD CSV FROM \'{url}/c.csv\' AS l RETURN l, "*/" AS t',
        "CALL {{ LOAD CSV FROM '{url}/d.csv' AS l RETURN l }} RETURN l",
    ],
)
def test_load_csv_hidden_behind_a_string_or_a_quoted_name_fetches_nothing(
    client: FlaskClient,
    auth: dict[str, str],
    internal_service: tuple[str, list[str]],
    template: str,
) -> None:
    url, requests = internal_service
    response = client.post("/api/v1/cypher", json={"query": template.format(url=url)}, headers=auth)
    assert response.status_code == 403, response.get_json()
    assert "LOAD CSV reads files and URLs" in response.get_json()["error"]
    assert "secret-from-an-internal-service" not in response.get_data(as_text=True)
    assert requests == []


def test_terminate_transactions_is_refused_and_other_clients_writes_survive(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    with db.driver.session(database=db.settings.database) as session:
        tx = session.begin_transaction(metadata={"app": "someone else"})
        tx.run("CREATE (:Precious {name: 'open write'})").consume()
        ids = [
            row["id"]
            for row in db.read(
                "SHOW TRANSACTIONS YIELD transactionId AS id, metaData "
                "WHERE metaData.app = 'someone else' RETURN id"
            )
        ]
        assert len(ids) == 1
        for query in (
            f"TERMINATE TRANSACTIONS '{ids[0]}'",
            f"SHOW TRANSACTIONS YIELD transactionId TERMINATE TRANSACTIONS '{ids[0]}'",
        ):
            response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
            assert response.status_code == 403, response.get_json()
        tx.commit()
    assert db.read("MATCH (p:Precious) RETURN p.name AS name") == [{"name": "open write"}]


@pytest.mark.parametrize(
    "query",
    [
        "SHOW TRANSACTIONS",
        "SHOW TRANSACTIONS YIELD currentQuery, clientAddress RETURN *",
        "SHOW SETTINGS YIELD name, value WHERE name CONTAINS 'directories' RETURN *",
        "show procedures",
        "SHOW USERS",
    ],
)
def test_show_commands_are_refused(client: FlaskClient, auth: dict[str, str], query: str) -> None:
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert response.status_code == 403, response.get_json()
    assert "SHOW commands describe the server" in response.get_json()["error"]


HEAVY_IN_ONE_ROW = [
    'RETURN size(reduce(s = "", x IN range(1, 300000) | s + "x")) AS n',
    "RETURN size([x IN range(1, 300000000) WHERE x < 0]) AS n",
    "RETURN any(x IN range(1, 300000000) WHERE x < 0) AS n",
    "WITH [1, 2, 3] AS l RETURN reduce(s = 0, x IN l | s + x) AS n",
]


@pytest.mark.parametrize("query", HEAVY_IN_ONE_ROW)
def test_expressions_neo4j_cannot_stop_are_refused_before_they_run(
    make_app: AppFactory, auth: dict[str, str], db: Database, query: str
) -> None:
    client = make_app(cypher_timeout=1.0).test_client()
    started = time.monotonic()
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert response.status_code == 403, response.get_json()
    assert "computes inside one row" in response.get_json()["error"]
    assert time.monotonic() - started < 1.0
    assert adhoc.open_door_transactions(db) == []


def _wait_until_no_door_transaction(db: Database, seconds: float) -> float:
    started = time.monotonic()
    while adhoc.open_door_transactions(db):
        assert time.monotonic() - started < seconds, adhoc.open_door_transactions(db)
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.mark.parametrize(
    "query",
    [
        "UNWIND range(1, 1000000000) AS i WITH i WHERE i < 0 RETURN count(i)",
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b "
        "WITH a, b WHERE a + b < 0 RETURN count(*)",
    ],
)
def test_a_stopped_query_leaves_no_door_transaction_behind(
    make_app: AppFactory, auth: dict[str, str], db: Database, query: str
) -> None:
    client = make_app(cypher_timeout=1.0).test_client()
    started = time.monotonic()
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert response.status_code == 408, response.get_json()
    assert time.monotonic() - started < 5.0
    _wait_until_no_door_transaction(db, seconds=5.0)


def test_token_nodes_and_hashes_are_not_readable_through_the_door(
    client: FlaskClient, auth: dict[str, str], db: Database, logged: None
) -> None:
    _, other = tokens.create_token(db, "someone-else")
    hashes = db.read("MATCH (t:ApiToken) RETURN collect(t.hash) AS h")[0]["h"]
    assert len(hashes) == 2
    for query in (
        "MATCH (n) RETURN n",
        "MATCH (n) RETURN properties(n) AS p, labels(n) AS l",
        "MATCH (n) WHERE n.prefix IS NOT NULL RETURN n.hash AS h, n['ha' + 'sh'] AS again",
        "MATCH (n) WHERE n.prefix IS NOT NULL RETURN substring(n.hash, 0, 20) AS part",
        "MATCH (n) RETURN [k IN keys(n) | n[k]] AS values",
        "MATCH (n) RETURN n.hash + '!' AS h",
        "MATCH p = (n) RETURN p",
    ):
        response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
        assert response.status_code == 200, (query, response.get_json())
        text = response.get_data(as_text=True)
        for stored in hashes:
            assert stored not in text, query
            assert stored[:20] not in text, query
        assert other not in text
    everything = client.post(
        "/api/v1/cypher", json={"query": "MATCH (n) RETURN n"}, headers=auth
    ).get_json()
    assert None in [row[0] for row in everything["rows"]]
    assert all(row[0] is None or "ApiToken" not in row[0]["labels"] for row in everything["rows"])
    for query in (
        "MATCH (t:ApiToken) RETURN t",
        "MATCH (n) WHERE 'ApiToken' IN labels(n) RETURN n",
    ):
        response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
        assert response.status_code == 403
        assert "ApiToken nodes hold the server's API tokens" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("MATCH p = shortestPath((a)-[*]-(a)) RETURN p", "shortest path"),
        ("MATCH p = shortestPath((a)-[*2..]-(b)) RETURN p", "minimal length"),
        ("RETURN 1 / 0 AS x", "/ by zero"),
        ("RETURN toInteger({}) AS x", "Type mismatch"),
    ],
)
def test_a_query_neo4j_rejects_gets_400_with_its_message(
    client: FlaskClient, auth: dict[str, str], logged: None, query: str, message: str
) -> None:
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert response.status_code == 400, response.get_json()
    assert message in response.get_json()["error"]


HOSTILE = [
    "CALL apoc.load.json('http://127.0.0.1:1/x')",
    "RETURN apoc.text.join(['a'], 'b')",
    "CALL db.index.fulltext.queryNodes('runs', 'x') YIELD node RETURN node",
    "RETURN db.nameFromElementId('x')",
    "RETURN 1; MATCH (n) DETACH DELETE n",
    "GRANT ROLE admin TO neo4j",
    "ALTER USER neo4j SET PASSWORD 'intruder-password'",
    "STOP DATABASE neo4j",
    "CREATE OR REPLACE DATABASE neo4j",
    "DENY READ {*} ON GRAPH * TO PUBLIC",
    "USE system SHOW USERS",
    "RETURN 'never closed",
    "RETURN `never closed",
    "/* never closed",
    "// only a comment",
    "RETURN file() AS f",
    "UNWIND range(1, 2) + range(1, 2) AS i RETURN i",
    "RETURN " + "(" * 3000 + "1" + ")" * 3000,
    "MATCH (n) RETURN n " + "UNION ALL MATCH (n) RETURN n " * 500,
    "RETURN '\u0000' AS nul, $missing AS m",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_gets_a_4xx_and_changes_nothing(
    client: FlaskClient, auth: dict[str, str], db: Database, logged: None, query: str
) -> None:
    before = _snapshot(db)
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert 400 <= response.status_code < 500, (response.status_code, response.get_json())
    body = response.get_json()
    assert body["status"] == response.status_code
    assert "Traceback" not in body["error"]
    assert _snapshot(db) == before


def test_catalogue_procedures_and_temporal_functions_still_answer(
    client: FlaskClient, auth: dict[str, str], logged: None
) -> None:
    query = (
        "CALL db.labels() YIELD label WITH collect(label) AS labels "
        "MATCH p = (r:ComponentRun)-[:RUN_OF]->(c) "
        "RETURN [n IN nodes(p) | coalesce(n.name, n.component_name)] AS names, "
        "date.truncate('year', date('2026-05-01')) AS year, 'ComponentRun' IN labels AS known"
    )
    response = client.post("/api/v1/cypher", json={"query": query}, headers=auth)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["rows"] == [[["etl", "etl"], "2026-01-01", True]]


def test_a_query_with_more_unions_than_the_planner_limit_is_refused_before_planning() -> None:
    from mltrace_graph.errors import AdhocQueryError
    from mltrace_graph.store.cypher_rules import MAX_UNIONS, check_text

    branch = "MATCH (n:ComponentRun) RETURN n.id AS id"
    check_text(" UNION ALL ".join([branch] * (MAX_UNIONS + 1)))  # MAX_UNIONS unions: fine
    with pytest.raises(AdhocQueryError, match=f"{MAX_UNIONS + 1} UNIONs; the limit is"):
        check_text(" UNION ALL ".join([branch] * (MAX_UNIONS + 2)))
