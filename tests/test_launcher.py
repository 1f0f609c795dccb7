"""The local Neo4j launcher: persistence across restarts, and its failure cases."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from mltrace_graph import config, launcher
from mltrace_graph.cli import main
from mltrace_graph.config import Settings
from mltrace_graph.errors import (
    DatabaseAuthError,
    DatabaseUnavailableError,
    PortInUseError,
    PrerequisiteError,
)
from mltrace_graph.store.connection import Database, close_drivers


def _cfg(tmp_path: Path, port: int = 0) -> launcher.LauncherConfig:
    return launcher.LauncherConfig(
        home=tmp_path / "home",
        cache=config.cache_dir(),
        port=port,
        heap="256m",
        pagecache_mb=32,
    )


@pytest.mark.launcher
def test_stop_then_start_keeps_every_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLTRACE_NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    cfg = _cfg(tmp_path)
    first = launcher.start(cfg)
    try:
        assert first.running and first.uri and first.uri.startswith("bolt://127.0.0.1:")
        password_file = cfg.home / config.PASSWORD_FILE
        assert oct(password_file.stat().st_mode & 0o777) == "0o600"
        again = launcher.start(cfg)
        assert (again.pid, again.uri) == (first.pid, first.uri), "start while running is a no-op"
        monkeypatch.setenv("MLTRACE_HOME", str(cfg.home))
        cli_start = CliRunner().invoke(main, ["neo4j", "start"])
        assert cli_start.exit_code == 0
        assert cli_start.output == f"Neo4j is already running at {first.uri} (pid {first.pid}).\n"
        cli_status = CliRunner().invoke(main, ["neo4j", "status"])
        assert cli_status.output.startswith(f"running  {first.uri}  pid {first.pid}\n")
        db = Database(Settings(uri=first.uri, password=config.local_password(cfg.home)))
        db.write("UNWIND range(1, 250) AS i CREATE (:Keep {i: i})")
        close_drivers()
        assert launcher.stop(cfg) is True
        assert launcher.status(cfg).running is False
        assert launcher.stop(cfg) is False, "stop while stopped says so"

        second = launcher.start(cfg)
        db = Database(Settings(uri=str(second.uri), password=config.local_password(cfg.home)))
        rows = db.read("MATCH (n:Keep) RETURN count(n) AS n, sum(n.i) AS total")
        assert rows == [{"n": 250, "total": 250 * 251 // 2}]
        with pytest.raises(DatabaseAuthError, match="refused the credentials"):
            Database(Settings(uri=str(second.uri), password="wrong-password")).ping()
    finally:
        close_drivers()
        launcher.stop(cfg)


def test_a_taken_port_is_named_in_the_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} .* --port"):
            launcher.start(_cfg(tmp_path, port=port))


def test_a_port_left_in_time_wait_by_a_dead_server_can_be_reused(tmp_path: Path) -> None:
    """After a crash, the old server's connections linger in TIME_WAIT for a minute."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Neo4j's Bolt does
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the side closing first keeps TIME_WAIT on the server's port
        client.close()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the port check used to do
    cfg = _cfg(tmp_path, port=port)
    try:
        assert launcher.start(cfg).running
    finally:
        launcher.stop(cfg)


def test_a_stale_pid_file_is_detected_and_removed(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    cfg.home.mkdir(parents=True)
    # Our own pid is alive but is not a Neo4j launcher, like a pid reused after a crash.
    cfg.state_file.write_text(json.dumps({"pid": os.getpid(), "uri": "bolt://127.0.0.1:1"}))
    state = launcher.status(cfg)
    assert state.running is False
    assert not cfg.state_file.exists()


def test_unreachable_database_is_one_clear_line() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatabaseUnavailableError) as info:
        Database(Settings(uri=f"bolt://127.0.0.1:{port}", password="whatever1")).ping()
    message = str(info.value)
    assert f"cannot reach Neo4j at bolt://127.0.0.1:{port}" in message
    assert "connection refused" in message
    assert "\n" not in message


def test_cli_stop_and_status_when_nothing_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLTRACE_HOME", str(tmp_path))
    runner = CliRunner()
    stopped = runner.invoke(main, ["neo4j", "stop"])
    assert (stopped.exit_code, stopped.output) == (0, "Neo4j is not running.\n")
    status = runner.invoke(main, ["neo4j", "status", "--json"])
    assert status.exit_code == 0
    assert json.loads(status.output)["running"] is False


def test_cli_reports_a_down_database_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MLTRACE_NEO4J_URI", f"bolt://127.0.0.1:{port}")
    result = CliRunner().invoke(main, ["db", "status"])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: cannot reach Neo4j at bolt://127.0.0.1:{port}")
    assert "Traceback" not in result.output


def test_cli_rejects_an_out_of_range_port_as_usage_error() -> None:
    result = CliRunner().invoke(main, ["neo4j", "start", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000" in result.output


def _fake_java_home(tmp_path: Path, version_line: str) -> Path:
    """A JAVA_HOME whose java prints a chosen version: the process edge we cannot vary here."""
    bin_dir = tmp_path / "jdk" / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return tmp_path / "jdk"


def test_java_older_than_17_is_refused_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(_fake_java_home(tmp_path, 'openjdk version "11.0.2"')))
    with pytest.raises(PrerequisiteError, match=r"is Java 11; .* needs Java 17 or 21"):
        launcher.start(_cfg(tmp_path))


def test_missing_maven_is_refused_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = launcher.LauncherConfig(home=tmp_path / "home", cache=tmp_path / "empty-cache")
    java_dir = Path(launcher.local.java_executable()).resolve().parent
    monkeypatch.setenv("PATH", str(java_dir))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(PrerequisiteError, match=r"Maven is needed .* \(apt-get install maven\)"):
        launcher.prepare(cfg)
    assert not cfg.lib_dir.exists()
