"""Client tests: each gets its own MLTRACE_HOME (spool) and SAVE_DIR (auto_log files).

The logging suites run once per transport (``transport`` fixture): over Bolt, and over
HTTP through a served app on the same Neo4j, so both paths are held to the same tests.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mltrace_graph.client.session import default_client
from mltrace_graph.server import ServerConfig, create_app
from mltrace_graph.store import tokens
from mltrace_graph.store.connection import Database
from tests.serving import serving


@pytest.fixture(autouse=True)
def client_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("MLTRACE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SAVE_DIR", str(tmp_path / "saved"))
    default_client().reset()
    yield tmp_path
    default_client().reset()


def free_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Transport:
    """How the default client reaches the graph in this test, and a way to cut it off."""

    name: str
    live: str
    token: str | None = None

    def cut(self) -> None:
        """Makes the transport unreachable (a dead port), as in an outage."""
        if self.name == "bolt":
            default_client().configure(uri=f"bolt://127.0.0.1:{free_port()}")
        else:
            default_client().set_server(f"http://127.0.0.1:{free_port()}", self.token)

    def restore(self) -> None:
        """Points the client back at the live database or server."""
        if self.name == "bolt":
            default_client().configure(uri=self.live)
        else:
            default_client().set_server(self.live, self.token)


@pytest.fixture(params=["bolt", "http"])
def transport(request: pytest.FixtureRequest, db: Database, tmp_path: Path) -> Iterator[Transport]:
    """The default client logs over Bolt, or through a served app with a write token."""
    if request.param == "bolt":
        yield Transport("bolt", live=db.settings.uri)
        return
    app = create_app(db.settings, ServerConfig(static_dir=tmp_path / "no-webapp"))
    secret = tokens.create_token(db, "client-tests")[1]
    with serving(app) as url:
        default_client().set_server(url, secret)
        yield Transport("http", live=url, token=secret)
        default_client().reset()


def graph_runs(db: Database) -> list[dict[str, Any]]:
    """Every run in the graph with its edges, as the tests compare them."""
    return db.read(
        """
        MATCH (r:ComponentRun)-[:RUN_OF]->(c:Component)
        RETURN r.id AS id, c.name AS component, r.status AS status,
               COLLECT { MATCH (r)-[:CONSUMED]->(p) RETURN p.name ORDER BY p.name } AS inputs,
               COLLECT { MATCH (r)-[:PRODUCED]->(p) RETURN p.name ORDER BY p.name } AS outputs,
               COLLECT { MATCH (r)-[:DEPENDS_ON]->(d) RETURN d.id ORDER BY d.id } AS depends_on
        ORDER BY r.id
        """
    )


def node_count(db: Database) -> int:
    """Lineage nodes (migration records and API tokens are not lineage)."""
    query = "MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:ApiToken RETURN count(n) AS n"
    return int(db.read(query)[0]["n"])
