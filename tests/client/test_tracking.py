"""start_run, log_param and log_metric: MLflow-style runs for code that is not a function."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import mltrace_graph as mltrace
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import graph_runs

# Every test here runs over Bolt and over HTTP (see tests/client/conftest.py).
pytestmark = pytest.mark.usefixtures("transport")


def test_start_run_logs_the_block_with_params_metrics_and_pointers(db: Database) -> None:
    before = datetime.now(UTC)
    with mltrace.start_run("train", inputs=["features.csv"], owner="dana", tags=["ml"]) as run:
        run.log_param("alpha", 0.5)
        mltrace.log_param("solver", "lstsq")
        for epoch, loss in enumerate([0.9, 0.5, 0.4]):
            mltrace.log_metric("loss", loss, step=epoch)
        run.log_metric("rmse", 1.25)
        run.add_output("model.pkl")
        assert run.id is None
    after = datetime.now(UTC)
    assert run.id == 1
    [logged] = get_runs(db, [1])
    assert logged.params == {"alpha": 0.5, "solver": "lstsq"}
    assert logged.metrics == {"loss": 0.4, "rmse": 1.25}
    assert logged.metric_steps == {"loss": [(0, 0.9), (1, 0.5), (2, 0.4)]}
    assert [p.name for p in logged.inputs] == ["features.csv"]
    assert [p.name for p in logged.outputs] == ["model.pkl"]
    assert logged.start_timestamp is not None and logged.end_timestamp is not None
    assert before <= logged.start_timestamp <= logged.end_timestamp <= after
    [component] = db.read(
        "MATCH (c:Component {name: 'train'}) RETURN c.owner AS owner, "
        "COLLECT { MATCH (c)-[:TAGGED]->(t) RETURN t.name } AS tags"
    )
    assert component == {"owner": "dana", "tags": ["ml"]}


def test_an_exception_in_the_block_logs_a_failed_run_and_propagates(db: Database) -> None:
    with pytest.raises(ZeroDivisionError), mltrace.start_run("train") as run:
        run.log_param("alpha", 1)
        _ = 1 / 0
    [logged] = get_runs(db, [1])
    assert logged.status == "failed"
    assert logged.params == {"alpha": 1}
    assert logged.test_results == [
        {"test": "run", "passed": False, "error": "ZeroDivisionError: division by zero"}
    ]


def test_save_inside_start_run_is_an_output(db: Database, tmp_path: Path) -> None:
    with mltrace.start_run("export"):
        path = mltrace.save([1, 2, 3], tmp_path / "numbers.joblib")
    assert [r["outputs"] for r in graph_runs(db)] == [[path]]
    assert mltrace.load(path) == [1, 2, 3]


def test_log_metric_outside_a_run_says_what_to_do() -> None:
    with pytest.raises(RuntimeError, match="log_metric needs an active run"):
        mltrace.log_metric("loss", 0.1)
    with (
        pytest.raises(TypeError, match="step of metric 'loss' must be an int"),
        mltrace.start_run("x") as run,
    ):
        run.log_metric("loss", 0.1, step=1.5)  # type: ignore[arg-type]
