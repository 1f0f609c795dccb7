"""Neo4j down mid-pipeline: runs go to the durable spool and are written exactly once later."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

import mltrace_graph as mltrace
from mltrace_graph.cli import main
from mltrace_graph.client.session import default_client
from mltrace_graph.client.spool import Spool
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import write_rows
from mltrace_graph.wire import encode_run
from tests.client.conftest import Transport, free_port, graph_runs


def _spool() -> Spool:
    """The default client's spool (each test has its own MLTRACE_HOME)."""
    return default_client().spool


def _dead_uri() -> str:
    return f"bolt://127.0.0.1:{free_port()}"


def _run(name: str, inputs: list[str], outputs: list[str]) -> mltrace.ComponentRun:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return mltrace.ComponentRun(
        name,
        start_timestamp=start,
        end_timestamp=start + timedelta(seconds=1),
        inputs=inputs,
        outputs=outputs,
    )


def test_an_outage_mid_pipeline_spools_and_sync_writes_exactly_once(
    db: Database, transport: Transport
) -> None:
    ingest_c, clean_c, train_c = (mltrace.Component(n) for n in ("ingest", "clean", "train"))

    @ingest_c.run(output_vars=["raw"])
    def ingest() -> str:
        raw = "raw.csv"
        return raw

    @clean_c.run(input_vars=["raw"], output_vars=["cleaned"])
    def clean(raw: str) -> str:
        cleaned = "clean.csv"
        return cleaned

    @train_c.run(input_vars=["cleaned"], outputs=["model.pkl"])
    def train(cleaned: str) -> str:
        return "trained"

    raw = ingest()
    transport.cut()
    unavailable = "Neo4j is unavailable" if transport.name == "bolt" else "cannot reach the"
    with pytest.warns(mltrace.SpooledRunWarning, match=unavailable) as caught:
        cleaned = clean(raw)
        assert train(cleaned) == "trained"  # the pipeline goes on and gets its result
    assert len([w for w in caught if w.category is mltrace.SpooledRunWarning]) == 1
    assert _spool().pending_count() == 2
    assert [r["component"] for r in graph_runs(db)] == ["ingest"]

    transport.restore()
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 spooled run(s) to Neo4j at " in result.output
    runs = graph_runs(db)
    assert [(r["component"], r["inputs"], r["outputs"], r["depends_on"]) for r in runs] == [
        ("ingest", [], ["raw.csv"], []),
        ("clean", ["raw.csv"], ["clean.csv"], [1]),
        ("train", ["clean.csv"], ["model.pkl"], [2]),
    ]
    again = CliRunner().invoke(main, ["sync"])
    assert again.exit_code == 0 and "Nothing to sync" in again.output
    assert len(graph_runs(db)) == 3


def test_the_next_successful_log_replays_the_spool_first(
    db: Database, transport: Transport
) -> None:
    transport.cut()
    with pytest.warns(mltrace.SpooledRunWarning):
        mltrace.log_component_run(_run("ingest", [], ["raw.csv"]))
    transport.restore()
    clean = _run("clean", ["raw.csv"], [])
    mltrace.log_component_run(clean)
    assert not _spool().has_pending()
    assert [(r["component"], r["depends_on"]) for r in graph_runs(db)] == [
        ("ingest", []),
        ("clean", [1]),
    ]
    assert clean.id == 2


def test_replaying_a_run_already_written_does_not_duplicate_it(db: Database) -> None:
    run = _run("ingest", [], ["raw.csv"])
    mltrace.log_component_run(run)
    _spool().append([encode_run(run)])  # as if a crash happened after the write
    report = _spool().replay(functools.partial(write_rows, Database()))
    assert (report.written, report.corrupt) == (1, 0)
    assert [r["id"] for r in graph_runs(db)] == [1]
    assert not _spool().has_pending()


def test_a_torn_last_line_is_set_aside_and_later_appends_survive(db: Database) -> None:
    first = _run("ingest", [], ["raw.csv"])
    _spool().append([encode_run(first)])
    with _spool().file.open("ab") as handle:
        handle.write(b'{"v":1,"row":{"uid":"torn')  # a writer killed mid-line
    second = _run("clean", ["raw.csv"], [])
    _spool().append([encode_run(second)])
    assert _spool().pending_count() == 3

    report = _spool().replay(functools.partial(write_rows, Database()))
    assert (report.written, report.corrupt) == (2, 1)
    assert [(r["component"], r["depends_on"]) for r in graph_runs(db)] == [
        ("ingest", []),
        ("clean", [1]),
    ]
    corrupt = _spool().corrupt_file.read_bytes()
    assert corrupt == b'{"v":1,"row":{"uid":"torn\n'
    assert _spool().pending_count() == 0


def test_a_failed_replay_keeps_every_unwritten_line(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [encode_run(_run(f"c{i}", [], [])) for i in range(3)]
    _spool().append(rows)
    monkeypatch.setenv("MLTRACE_NEO4J_URI", _dead_uri())
    with pytest.raises(mltrace.errors.DatabaseUnavailableError):
        _spool().replay(functools.partial(write_rows, Database()))
    assert _spool().pending_count() == 3
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:")
    assert _spool().pending_count() == 3


def test_validation_errors_are_raised_not_spooled(db: Database, transport: Transport) -> None:
    transport.cut()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError, match="has no start_timestamp"):
            mltrace.log_component_run(mltrace.ComponentRun("c"))
    assert _spool().pending_count() == 0


WRITER = """
import sys
from datetime import UTC, datetime
from mltrace_graph.client.session import default_client
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.wire import encode_run
now = datetime.now(UTC)
i = 0
while True:
    run = ComponentRun("spooled", start_timestamp=now, end_timestamp=now, outputs=[f"out-{i}"])
    default_client().spool.append([encode_run(run)])
    i += 1
"""


def test_a_writer_killed_mid_append_loses_no_complete_line(db: Database) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while _spool().pending_count() < 50:
            assert writer.poll() is None, "the writer process died on its own"
            assert time.monotonic() < deadline, "the writer did not spool 50 runs in 60 s"
            time.sleep(0.05)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    lines = _spool().pending_count()
    report = _spool().replay(functools.partial(write_rows, Database()))
    assert report.written + report.corrupt == lines
    assert report.corrupt <= 1
    [row] = db.read("MATCH (r:ComponentRun {component_name: 'spooled'}) RETURN count(r) AS n")
    assert row["n"] == report.written
    assert _spool().pending_count() == 0


def test_a_spooled_line_that_is_not_a_valid_run_is_set_aside_and_live_logging_goes_on(
    db: Database, transport: Transport
) -> None:
    bad = encode_run(_run("bad", [], []))
    bad["notes"] = {"nested": "maps are not notes"}
    _spool().append([bad])
    good = _run("good", [], [])
    with pytest.warns(mltrace.SpooledRunWarning, match="torn line"):
        mltrace.log_component_run(good)
    assert good.id is not None
    assert [r["component"] for r in graph_runs(db)] == ["good"]
    assert _spool().pending_count() == 0
    assert b'"maps are not notes"' in _spool().corrupt_file.read_bytes()
