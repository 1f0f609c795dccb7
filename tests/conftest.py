"""Test fixtures: one real Neo4j for the whole session, an empty graph for every test.

Where the Neo4j comes from, in order: ``NEO4J_URI``/``MLTRACE_NEO4J_URI`` if set; else the
local launcher (Java 17 + Maven), started on a free port with a throw-away data folder;
else a testcontainers Neo4j when a Docker engine answers. If none of the three works the
session fails with a message saying what is missing: it never skips silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mltrace_graph import config, launcher
from mltrace_graph.client.session import default_client
from mltrace_graph.config import Settings
from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database, close_drivers

# In batches of their own transactions: one transaction deleting a graph left by a
# benchmark (tens of thousands of runs) ran a 1 GiB heap out of memory and killed Neo4j.
CLEAN_GRAPH = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""
NEO4J_IMAGE = "neo4j:5.26-community"


@dataclass(frozen=True)
class Neo4jServer:
    """The session's database and how it was obtained (shown in the test summary)."""

    settings: Settings
    source: str


_source_line: list[str] = []


def _docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _from_env() -> Settings | None:
    uri = os.environ.get("MLTRACE_NEO4J_URI") or os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return Settings(
        uri=uri,
        user=os.environ.get("MLTRACE_NEO4J_USER") or os.environ.get("NEO4J_USER") or "neo4j",
        password=os.environ.get("MLTRACE_NEO4J_PASSWORD") or os.environ.get("NEO4J_PASSWORD"),
        database=os.environ.get("MLTRACE_NEO4J_DATABASE") or os.environ.get("NEO4J_DATABASE"),
    )


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """Yields the session's Neo4j, with migrations applied."""
    home = tmp_path_factory.mktemp("mltrace-home")
    saved_env = {k: os.environ.get(k) for k in ("MLTRACE_HOME",)}
    os.environ["MLTRACE_HOME"] = str(home)
    cleanup = None
    settings = _from_env()
    if settings is not None:
        source = f"NEO4J_URI ({settings.uri})"
    elif shutil.which("java") and shutil.which("mvn"):
        cfg = launcher.LauncherConfig(
            home=home / "local",
            cache=config.cache_dir(),
            port=0,
            heap="512m",
            pagecache_mb=128,
        )
        os.environ.pop("NEO4J_PASSWORD", None)
        os.environ.pop("MLTRACE_NEO4J_PASSWORD", None)
        try:
            state = launcher.start(cfg, echo=print)
        except MltraceGraphError as exc:
            pytest.fail(f"the local Neo4j launcher could not start: {exc}", pytrace=False)
        password = config.local_password(cfg.home)
        settings = Settings(uri=str(state.uri), password=password)
        source = (
            f"local launcher ({state.uri}, Neo4j {launcher.NEO4J_VERSION}, data {cfg.data_dir})"
        )

        def cleanup() -> None:
            launcher.stop(cfg)
    elif _docker_available():
        from testcontainers.community.neo4j import Neo4jContainer

        container = Neo4jContainer(NEO4J_IMAGE, password="test-password-123")
        container.start()
        settings = Settings(uri=container.get_connection_url(), password="test-password-123")
        source = f"testcontainers ({NEO4J_IMAGE} at {settings.uri})"

        def cleanup() -> None:
            container.stop()
    else:
        pytest.fail(
            "no Neo4j for the tests: set NEO4J_URI to a running server, or install Java 17+ "
            "and Maven (apt-get install openjdk-17-jdk-headless maven) for the local launcher, "
            "or start a Docker engine for testcontainers",
            pytrace=False,
        )
    for key, value in (
        ("MLTRACE_NEO4J_URI", settings.uri),
        ("MLTRACE_NEO4J_USER", settings.user),
        ("MLTRACE_NEO4J_PASSWORD", settings.password),
    ):
        if value is not None:
            os.environ[key] = value
    _source_line.append(f"Neo4j for this test run: {source}")
    print(f"\n{_source_line[-1]}")
    try:
        Database(settings).ping()
        migrations.upgrade(Database(settings))
        yield Neo4jServer(settings=settings, source=source)
    finally:
        close_drivers()
        if cleanup is not None:
            cleanup()
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def db(neo4j_server: Neo4jServer) -> Iterator[Database]:
    """A handle on the session's Neo4j, with an empty lineage graph and default config."""
    default_client().reset()
    database = Database(neo4j_server.settings)
    database.write_idempotent(CLEAN_GRAPH)
    yield database
    default_client().reset()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _source_line:
        terminalreporter.write_line(line)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
