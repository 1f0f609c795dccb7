"""Fixtures for the server: a fresh app over the session's Neo4j, its test client, a token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mltrace_graph.client.session import default_client
from mltrace_graph.server import ServerConfig, create_app
from mltrace_graph.store import tokens
from mltrace_graph.store.connection import Database
from tests.serving import serving

AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(db: Database, tmp_path: Path) -> AppFactory:
    """Builds apps over the test database; keyword arguments override ``ServerConfig``."""

    def build(**overrides: Any) -> Flask:
        overrides.setdefault("static_dir", tmp_path / "no-webapp")
        app = create_app(db.settings, ServerConfig(**overrides))
        app.testing = True
        return app

    return build


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    """Loopback defaults: reads open, writes need a token."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app on a loopback port, served from a thread, so a real HTTP client can reach it."""
    with serving(app) as url:
        yield url
    default_client().reset()


@pytest.fixture
def token(db: Database) -> str:
    """The secret of a fresh API token."""
    return tokens.create_token(db, "tests")[1]


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def gql(
    client: FlaskClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Posts a GraphQL operation and returns the JSON body (asserting a 200)."""
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body
