"""Client tests: each gets its own MLTRACE_HOME (spool) and SAVE_DIR (auto_log files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mltrace_graph.client import api
from mltrace_graph.store.connection import Database


@pytest.fixture(autouse=True)
def client_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("MLTRACE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SAVE_DIR", str(tmp_path / "saved"))
    api._SpoolNotice.warned = False
    api._outage_until.clear()
    yield tmp_path
    api._SpoolNotice.warned = False
    api._outage_until.clear()


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
    return int(db.read("MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n")[0]["n"])
