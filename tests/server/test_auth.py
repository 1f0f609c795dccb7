"""API tokens: writes need one; reads need one off loopback; revoked tokens stop working."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mltrace_graph.errors import ConfigurationError
from mltrace_graph.server import ServerConfig
from mltrace_graph.store import tokens
from mltrace_graph.store.connection import Database
from tests.server.conftest import AppFactory, gql

UNFLAG_ALL_FREE_WRITE = """mutation($run: RunInput!) { logComponentRun(run: $run) {
  __typename ... on LoggedRuns { runs { id } } } }"""
RUN_INPUT = {
    "componentName": "etl",
    "startTimestamp": "2026-01-01T00:00:00+00:00",
    "endTimestamp": "2026-01-01T00:01:00+00:00",
}


def test_a_mutation_without_a_token_is_refused_and_writes_nothing(
    client: FlaskClient, db: Database
) -> None:
    body = gql(client, UNFLAG_ALL_FREE_WRITE, {"run": RUN_INPUT})
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("writes and ad hoc Cypher need an API token")
    assert db.read("MATCH (r:ComponentRun) RETURN count(r) AS n")[0]["n"] == 0


def test_a_mutation_with_a_valid_token_is_accepted(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = gql(client, UNFLAG_ALL_FREE_WRITE, {"run": RUN_INPUT}, auth)
    assert body["data"]["logComponentRun"] == {"__typename": "LoggedRuns", "runs": [{"id": 1}]}


def test_a_revoked_token_is_refused(client: FlaskClient, db: Database) -> None:
    _, secret = tokens.create_token(db, "old")
    tokens.revoke_token(db, "old")
    body = gql(
        client, UNFLAG_ALL_FREE_WRITE, {"run": RUN_INPUT}, {"Authorization": f"Bearer {secret}"}
    )
    assert body["errors"][0]["message"] == "the API token is unknown or revoked"


def test_reads_are_open_on_loopback(client: FlaskClient) -> None:
    assert gql(client, "{ run(id: 1) { id } }") == {"data": {"run": None}}


def test_reads_need_a_token_when_bound_beyond_loopback(
    make_app: AppFactory, auth: dict[str, str]
) -> None:
    client = make_app(host="0.0.0.0").test_client()
    refused = client.post("/graphql", json={"query": "{ run(id: 1) { id } }"})
    assert refused.status_code == 401
    assert "this server needs an API token" in refused.get_json()["error"]
    assert gql(client, "{ run(id: 1) { id } }", headers=auth) == {"data": {"run": None}}


def test_reads_can_be_required_to_carry_a_token_on_loopback_too(make_app: AppFactory) -> None:
    client = make_app(read_auth=True).test_client()
    assert client.post("/graphql", json={"query": "{ run(id: 1) { id } }"}).status_code == 401


def test_with_auth_off_writes_need_no_token(make_app: AppFactory) -> None:
    client = make_app(auth=False).test_client()
    body = gql(client, UNFLAG_ALL_FREE_WRITE, {"run": RUN_INPUT})
    assert body["data"]["logComponentRun"]["runs"] == [{"id": 1}]


def test_tokens_are_stored_hashed_listed_and_revoked(db: Database) -> None:
    token, secret = tokens.create_token(db, "ci")
    stored = db.read("MATCH (t:ApiToken) RETURN t.hash AS hash, keys(t) AS keys")[0]
    assert stored["hash"] == tokens.hash_secret(secret)
    assert secret not in str(stored)
    assert token.prefix == secret[:8]
    assert [t.name for t in tokens.list_tokens(db)] == ["ci"]
    assert tokens.find_active_token(db, secret) == token
    tokens.revoke_token(db, "ci")
    assert tokens.find_active_token(db, secret) is None
    assert tokens.list_tokens(db)[0].revoked_at is not None


def test_the_environment_sets_the_policy_for_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLTRACE_SERVER_HOST", "10.0.0.5")
    monkeypatch.setenv("MLTRACE_SERVER_AUTH", "off")
    with pytest.raises(ConfigurationError, match=r"refusing to serve on 10\.0\.0\.5"):
        ServerConfig.from_env().check()
    monkeypatch.setenv("MLTRACE_SERVER_FORCE_INSECURE", "on")
    assert ServerConfig.from_env().check().auth is False
    monkeypatch.setenv("MLTRACE_SERVER_AUTH", "on")
    assert ServerConfig.from_env().reads_need_token is True
    monkeypatch.setenv("MLTRACE_SERVER_READ_AUTH", "off")
    assert ServerConfig.from_env().reads_need_token is False
    monkeypatch.setenv("MLTRACE_SERVER_AUTH", "maybe")
    with pytest.raises(ConfigurationError, match="MLTRACE_SERVER_AUTH='maybe' is not valid"):
        ServerConfig.from_env()
