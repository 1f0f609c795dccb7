"""One wire row on every path: a rich run reads back identically over Bolt, over HTTP, and
after the spool and ``sync`` on either."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

import mltrace_graph as mltrace
from mltrace_graph import wire
from mltrace_graph.cli import main
from mltrace_graph.client.spool import decode, encode
from mltrace_graph.errors import InvalidInputError, MissingTimestampError
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import Transport

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _upstream() -> mltrace.ComponentRun:
    """A producer of ``features.parquet`` two days before the rich run, and its upstream."""
    return mltrace.ComponentRun(
        "featuregen",
        start_timestamp=T0 - timedelta(days=2),
        end_timestamp=T0 - timedelta(days=2, seconds=-30),
        # A pointer's value is its producer's (inputs never overwrite it), so the same here.
        outputs=[mltrace.IOPointer("features.parquet", value="sha256:ab12", pointer_type="DATA")],
    )


def _rich() -> mltrace.ComponentRun:
    run = mltrace.ComponentRun(
        "train",
        notes="retrained after the holiday\nline two",
        start_timestamp=T0,
        end_timestamp=T0 + timedelta(minutes=3, microseconds=123456),
        git_hash="a1b2c3d4",
        git_tags=["v1.2", "release"],
        code_snapshot="def train(features):\n    return fit(features)\n",
    )
    run.add_input(mltrace.IOPointer("features.parquet", value="sha256:ab12", pointer_type="DATA"))
    run.add_input(mltrace.IOPointer("seed", value=42, pointer_type="UNKNOWN"))
    run.add_output(mltrace.IOPointer("model.pkl", value=0.5, pointer_type="MODEL"))
    run.add_output(mltrace.IOPointer("accepted", value=False, pointer_type="ENDPOINT"))
    run.set_upstream(["featuregen"])
    run.status = "failed"
    run.params = {"alpha": 0.5, "layers": [64, 32], "solver": "lbfgs", "opts": {"tol": 1e-4}}
    run.log_metric("rmse", 1.75)
    for step, loss in enumerate([0.9, 0.4, 0.3]):
        run.log_metric("loss", loss, step=step)
    run.test_results = [{"test": "rows_positive", "passed": False, "error": "0 rows"}]
    run.owner = "dana"
    run.component_description = "Fits the tip model"
    run.component_tags = ["ml", "nightly"]
    return run


def _attributes(run: mltrace.ComponentRun) -> dict[str, Any]:
    return {
        "uid": run.uid,
        "component_name": run.component_name,
        "notes": run.notes,
        "start_timestamp": run.start_timestamp,
        "end_timestamp": run.end_timestamp,
        "inputs": [(p.name, p.value, p.pointer_type.value) for p in run.inputs],
        "outputs": [(p.name, p.value, p.pointer_type.value) for p in run.outputs],
        "git_hash": run.git_hash,
        "git_tags": run.git_tags,
        "code_snapshot": run.code_snapshot,
        "stale": run.stale,
        "dependencies": run.dependencies,
        "dependency_ids": run.dependency_ids,
        "status": run.status,
        "test_results": run.test_results,
        "params": run.params,
        "metrics": run.metrics,
        "metric_steps": run.metric_steps,
        "owner": run.owner,
    }


def _log(run: mltrace.ComponentRun) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Only the upstream component, and stale after 60 s: both options must travel.
        mltrace.log_component_run(run, set_dependencies_from_inputs=False, staleness_threshold=60)


def _expected(upstream_id: int, run_id: int) -> dict[str, Any]:
    expected = _attributes(_rich())
    expected["inputs"] = sorted(expected["inputs"])
    expected["outputs"] = sorted(expected["outputs"])
    expected["dependency_ids"] = [upstream_id]
    expected["stale"] = [f"featuregen (ID {upstream_id}) was run 2 days ago."]
    del expected["uid"]
    return expected | {"id": run_id}


def _stored(db: Database, run_id: int) -> dict[str, Any]:
    [stored] = get_runs(db, [run_id])
    got = _attributes(stored)
    del got["uid"]
    return got | {"id": stored.id}


def _component() -> tuple[str, str, list[str]]:
    info = mltrace.get_component_information("train")
    return (info.owner, info.description, sorted(info.tags))


def test_a_rich_run_reads_back_identically(db: Database, transport: Transport) -> None:
    upstream = _upstream()
    mltrace.log_component_run(upstream)
    run = _rich()
    _log(run)
    assert run.id is not None
    expected = _expected(upstream.id or 0, run.id)
    assert _stored(db, run.id) == expected
    # What the log call set on the object is what the graph holds.
    logged = _attributes(run)
    assert (logged["stale"], logged["dependency_ids"]) == (
        expected["stale"],
        expected["dependency_ids"],
    )
    assert _component() == ("dana", "Fits the tip model", ["ml", "nightly"])


def _spooled_rich_run(transport: Transport) -> tuple[int, mltrace.ComponentRun]:
    """Logs the upstream run, then the rich run during an outage; the upstream's id."""
    upstream = _upstream()
    mltrace.log_component_run(upstream)
    transport.cut()
    run = _rich()
    _log(run)
    assert run.id is None
    transport.restore()
    return upstream.id or 0, run


def _assert_stored_as_expected(db: Database, upstream_id: int, run: mltrace.ComponentRun) -> None:
    [row] = db.read("MATCH (r:ComponentRun {uid: $uid}) RETURN r.id AS id", uid=run.uid)
    assert _stored(db, row["id"]) == _expected(upstream_id, row["id"])


def test_a_rich_run_reads_back_identically_after_the_spool_and_sync(
    db: Database, transport: Transport
) -> None:
    upstream_id, run = _spooled_rich_run(transport)
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 0, result.output
    _assert_stored_as_expected(db, upstream_id, run)
    assert _component() == ("dana", "Fits the tip model", ["ml", "nightly"])


def test_the_next_log_through_the_same_transport_replays_the_spool_losslessly(
    db: Database, transport: Transport
) -> None:
    upstream_id, run = _spooled_rich_run(transport)
    later = mltrace.ComponentRun("report", start_timestamp=T0, end_timestamp=T0)
    mltrace.log_component_run(later)
    assert mltrace.default_client().spool.pending_count() == 0
    _assert_stored_as_expected(db, upstream_id, run)


def test_a_decorated_component_keeps_owner_description_and_tags(
    db: Database, transport: Transport
) -> None:
    clean = mltrace.Component(
        "clean", owner="plumber", description="Cleans raw data", tags=["etl", "daily"]
    )

    @clean.run(input_vars=["source"], output_vars=["target"])
    def step(source: str) -> str:
        target = source + ".clean"
        return target

    step("raw.csv")
    info = mltrace.get_component_information("clean")
    assert (info.owner, info.description, sorted(info.tags)) == (
        "plumber",
        "Cleans raw data",
        ["daily", "etl"],
    )


def test_a_spool_line_is_the_wire_row_and_reads_back_the_same() -> None:
    row = wire.encode_run(_rich(), dependencies_from_inputs=False, staleness_threshold=60)
    line = encode(row)
    assert json.loads(line) == row
    assert decode(line) == row
    assert row["outputs"][0]["value"] == 0.5 and row["inputs"][1]["value"] == 42


def test_a_version_1_spool_line_is_still_read() -> None:
    old = {
        "v": 1,
        "row": {
            "uid": "u1",
            "component_name": "clean",
            "component": None,
            "start_timestamp": "2026-11-01T09:00:00+00:00",
            "end_timestamp": "2026-11-01T09:01:00+00:00",
            "props": {
                "git_hash": "abc",
                "code_snapshot": None,
                "status": "success",
                "notes": "n",
                "params": json.dumps({"k": 1}),
                "metrics": json.dumps({"acc": 0.9}),
                "param.k": 1,
                "metric.acc": 0.9,
            },
            "inputs": [{"name": "raw.csv", "value": "", "pointer_type": "DATA"}],
            "outputs": [],
            "upstream": [],
            "dependencies_from_inputs": True,
            "staleness_threshold": 100,
        },
    }
    row = decode(json.dumps(old).encode())
    assert (row["v"], row["notes"], row["git_hash"], row["params"], row["metrics"]) == (
        2,
        "n",
        "abc",
        {"k": 1},
        {"acc": 0.9},
    )


def test_a_run_without_timestamps_is_a_runtime_error_as_in_mltrace() -> None:
    with pytest.raises(RuntimeError, match="has no start_timestamp") as caught:
        wire.encode_run(mltrace.ComponentRun("clean"))
    assert isinstance(caught.value, MissingTimestampError)
    assert caught.value.field == "start_timestamp"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"v": 7}, "row.v"),
        ({"uid": ""}, "row.uid"),
        ({"start_timestamp": "yesterday"}, "row.start_timestamp"),
        ({"inputs": [{"name": "x", "value": {"a": 1}, "pointer_type": "DATA"}]}, "row.inputs[0]"),
        (
            {"inputs": [{"name": "x", "value": 1, "pointer_type": "blob"}]},
            "row.inputs[0].pointer_type",
        ),
        ({"staleness_threshold": "soon"}, "row.staleness_threshold"),
        ({"dependencies_from_inputs": "yes"}, "row.dependencies_from_inputs"),
        ({"metric_steps": {"loss": [[0.5, 1.0]]}}, "row.metric_steps.loss"),
        ({"component": {"owner": 3, "description": "", "tags": []}}, "row.component.owner"),
    ],
)
def test_the_one_validator_names_the_bad_field(change: dict[str, Any], field: str) -> None:
    row = wire.encode_run(_rich()) | change
    with pytest.raises(InvalidInputError) as caught:
        wire.check_row(row, "row")
    assert caught.value.field == field
