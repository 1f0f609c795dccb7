"""Health, readiness, the web app at /, body limits, and behaviour during a Neo4j outage."""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from mltrace_graph.errors import ConfigurationError
from mltrace_graph.server import ServerConfig, create_app
from mltrace_graph.store.connection import Database
from tests.server.conftest import AppFactory, gql
from tests.server.proxy import Forwarder


def test_healthz_and_readyz_answer_ok_on_a_migrated_database(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_readyz_lists_pending_migrations(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, repo_root: Path
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in (repo_root / "migrations").glob("*.cypher"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "V0039__later.cypher").write_text(
        "CREATE INDEX later IF NOT EXISTS FOR (n:Later) ON (n.x);\n"
    )
    monkeypatch.setattr("mltrace_graph.store.migrations.default_directory", lambda: folder)
    response = make_app().test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["pending"] == ["V0039__later"]


def test_the_root_explains_itself_when_the_web_app_is_not_built(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "The web app is not built" in response.get_data(as_text=True)
    assert client.get("/no/such/page").status_code == 404


def test_the_built_web_app_is_served_with_deep_links(make_app: AppFactory, tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<html>app</html>")
    (static / "assets" / "app.js").write_text("console.log(1)")
    client = make_app(static_dir=static).test_client()
    assert client.get("/").get_data(as_text=True) == "<html>app</html>"
    assert client.get("/assets/app.js").get_data(as_text=True) == "console.log(1)"
    assert client.get("/trace/model.pkl").get_data(as_text=True) == "<html>app</html>"
    assert client.get("/api/v1/nothing").status_code == 404


def test_an_oversized_body_gets_413(make_app: AppFactory, auth: dict[str, str]) -> None:
    client = make_app(max_body_bytes=1000).test_client()
    response = client.post("/api/v1/lineage", data="x" * 2000, headers=auth)
    assert response.status_code == 413
    assert "larger than the limit of 1000 bytes" in response.get_json()["error"]


def test_a_gzip_body_that_inflates_past_the_limit_gets_413(
    make_app: AppFactory, auth: dict[str, str]
) -> None:
    client = make_app(max_body_bytes=1000).test_client()
    bomb = gzip.compress(b"[" + b" " * 100_000 + b"]")
    response = client.post(
        "/api/v1/lineage/batch",
        data=bomb,
        headers={**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert len(bomb) < 1000
    assert response.status_code == 413


def test_invalid_json_gets_400_naming_the_body(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/lineage", data="{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "body"
    assert response.get_json()["error"].startswith("the request body is not valid JSON")


def test_binding_beyond_loopback_without_auth_is_refused_unless_forced() -> None:
    with pytest.raises(ConfigurationError, match=r"refusing to serve on 0\.0\.0\.0 with auth"):
        create_app(config=ServerConfig(host="0.0.0.0", auth=False))
    assert create_app(config=ServerConfig(host="0.0.0.0", auth=False, force_insecure=True))


@pytest.fixture
def forwarder(db: Database) -> Iterator[Forwarder]:
    target = urlsplit(db.settings.uri)
    proxy = Forwarder(target.hostname or "127.0.0.1", target.port or 7687)
    yield proxy
    proxy.close()


def test_a_neo4j_outage_gives_503_and_the_server_recovers_when_it_returns(
    db: Database, forwarder: Forwarder, tmp_path: Path
) -> None:
    settings = dataclasses.replace(db.settings, uri=f"bolt://127.0.0.1:{forwarder.port}")
    app = create_app(settings, ServerConfig(static_dir=tmp_path))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert gql(client, "{ run(id: 1) { id } }") == {"data": {"run": None}}

    forwarder.cut()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "cannot reach Neo4j" in health.get_json()["error"]
    response = client.post("/graphql", json={"query": "{ run(id: 1) { id } }"})
    assert response.status_code == 503
    body = response.get_json()
    assert body["data"] == {"run": None}
    assert "cannot reach Neo4j" in body["errors"][0]["message"]

    forwarder.restore()
    assert client.get("/healthz").status_code == 200
    assert gql(client, "{ run(id: 1) { id } }") == {"data": {"run": None}}


def test_an_app_pointed_at_a_dead_port_answers_503_with_a_clear_message(
    db: Database, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    settings = dataclasses.replace(db.settings, uri=f"bolt://127.0.0.1:{dead_port}")
    client = create_app(settings, ServerConfig(static_dir=tmp_path)).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert f"cannot reach Neo4j at bolt://127.0.0.1:{dead_port}" in response.get_json()["error"]
    response = client.post("/api/v1/cypher", json={"query": "RETURN 1"})
    assert response.status_code == 401  # the token check needs the graph too: 401 or 503


def test_a_forked_worker_opens_its_own_driver_as_under_gunicorn(client: FlaskClient) -> None:
    import os

    from mltrace_graph.store import connection

    assert client.get("/healthz").status_code == 200  # the parent's driver now exists
    parent_drivers = {pid for pid, _ in connection._drivers}
    child = os.fork()
    if child == 0:  # the worker: same app object, fresh process
        try:
            ok = client.get("/healthz").status_code == 200
            mine = any(pid == os.getpid() for pid, _ in connection._drivers)
            os._exit(0 if ok and mine else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert parent_drivers == {os.getpid()}


def test_graphql_bodies_that_are_not_json_or_too_large_are_refused(make_app: AppFactory) -> None:
    client = make_app(max_body_bytes=1000).test_client()
    bad = client.post("/graphql", data="{bad", headers={"Content-Type": "application/json"})
    assert (bad.status_code, bad.get_data(as_text=True)) == (
        400,
        "Unable to parse request body as JSON",
    )
    large = client.post("/graphql", json={"query": "{ tags }", "padding": "x" * 2000})
    assert large.status_code == 413
