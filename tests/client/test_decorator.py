"""@component.run and register: what each call logs, read back from the graph."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import mltrace_graph as mltrace
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import graph_runs, node_count

# Every test here runs over Bolt and over HTTP (see tests/client/conftest.py).
pytestmark = pytest.mark.usefixtures("transport")


def test_bare_decorator_logs_one_run_per_call_with_component_metadata(db: Database) -> None:
    c = mltrace.Component("ingest", "alice", "Reads raw data", tags=["etl", "nyc"])

    @c.run
    def ingest() -> int:
        return 42

    assert ingest() == 42
    assert ingest() == 42
    assert [(r["id"], r["component"], r["status"]) for r in graph_runs(db)] == [
        (1, "ingest", "success"),
        (2, "ingest", "success"),
    ]
    [component] = db.read(
        "MATCH (c:Component {name: 'ingest'}) RETURN c.owner AS owner, "
        "c.description AS description, "
        "COLLECT { MATCH (c)-[:TAGGED]->(t) RETURN t.name ORDER BY t.name } AS tags"
    )
    assert component == {"owner": "alice", "description": "Reads raw data", "tags": ["etl", "nyc"]}
    [run] = get_runs(db, [1])
    assert run.code_snapshot is not None and "def ingest" in run.code_snapshot
    assert run.start_timestamp is not None and run.end_timestamp is not None
    assert run.start_timestamp <= run.end_timestamp


def test_vars_are_read_at_return_and_dependencies_follow_pointers(db: Database) -> None:
    c_ingest = mltrace.Component("ingest")
    c_clean = mltrace.Component("clean")

    @c_ingest.run(output_vars=["path"])
    def ingest() -> str:
        path = "first.csv"
        path = "raw.csv"  # the value at return is what counts
        return path

    @c_clean.run(input_vars=["path"], output_vars=["outs"])
    def clean(path: str) -> None:
        outs = ["clean_a.csv", "clean_b.csv"]
        del outs[2:]

    clean(ingest())
    runs = graph_runs(db)
    assert [(r["component"], r["inputs"], r["outputs"], r["depends_on"]) for r in runs] == [
        ("ingest", [], ["raw.csv"], []),
        ("clean", ["raw.csv"], ["clean_a.csv", "clean_b.csv"], [1]),
    ]


def test_static_inputs_and_outputs_and_set_pointer_types(db: Database) -> None:
    c = mltrace.Component("train")

    @c.run(inputs=["features.csv"], outputs=["model.joblib"])
    def train() -> None:
        pass

    train()
    types = db.read(
        "MATCH (p:IOPointer) RETURN p.name AS name, p.pointer_type AS type ORDER BY name"
    )
    assert types == [
        {"name": "features.csv", "type": "DATA"},
        {"name": "model.joblib", "type": "MODEL"},
    ]


def test_endpoint_makes_each_output_element_its_own_endpoint_pointer(db: Database) -> None:
    c = mltrace.Component("inference")

    @c.run(output_vars=["ids"], endpoint=True)
    def predict(n: int) -> list[str]:
        ids = [f"pred-{i}" for i in range(n)]
        return ids

    predict(3)
    rows = db.read(
        "MATCH (:ComponentRun)-[:PRODUCED]->(p) RETURN p.name AS name, "
        "p.pointer_type AS type ORDER BY name"
    )
    assert rows == [{"name": f"pred-{i}", "type": "ENDPOINT"} for i in range(3)]


def test_output_kwargs_pair_names_with_values(db: Database) -> None:
    c = mltrace.Component("inference")

    @c.run(output_kwargs={"ids": "labels"}, endpoint=True)
    def predict() -> None:
        ids = ["a", "b"]
        labels = [True, False]
        del ids, labels  # gone by the time the function returns

    with pytest.raises(ValueError, match="has no variable 'ids'"):
        predict()

    @c.run(input_kwargs={"names": "values"}, output_kwargs={"ids": "labels"}, endpoint=True)
    def predict2(names: list[str], values: list[int]) -> list[str]:
        ids = ["a", "b"]
        labels = ["yes", "no"]
        return [*ids, *labels]

    predict2(["in-1", "in-2"], [10, 20])
    rows = db.read(
        "MATCH (r:ComponentRun)-[e:CONSUMED|PRODUCED]->(p) RETURN type(e) AS edge, "
        "p.name AS name, p.value AS value, p.pointer_type AS type ORDER BY edge, name"
    )
    assert rows == [
        {"edge": "CONSUMED", "name": "in-1", "value": 10, "type": "UNKNOWN"},
        {"edge": "CONSUMED", "name": "in-2", "value": 20, "type": "UNKNOWN"},
        {"edge": "PRODUCED", "name": "a", "value": "yes", "type": "ENDPOINT"},
        {"edge": "PRODUCED", "name": "b", "value": "no", "type": "ENDPOINT"},
    ]


def test_mismatched_input_kwargs_lengths_raise_and_write_nothing(db: Database) -> None:
    c = mltrace.Component("inference")

    @c.run(input_kwargs={"names": "values"})
    def predict(names: list[str], values: list[int]) -> None:
        pass

    with pytest.raises(ValueError, match=r"'values' must be a list as long as 'names' \(2"):
        predict(["a", "b"], [1])
    assert node_count(db) == 0


def test_unknown_variable_is_a_value_error_naming_it_and_nothing_is_written(
    db: Database,
) -> None:
    c = mltrace.Component("clean")

    @c.run(input_vars=["raw_path"], output_vars=["clean_pth"])
    def clean(raw_path: str) -> str:
        clean_path = raw_path + ".clean"
        return clean_path

    with pytest.raises(ValueError, match=r"output_vars names 'clean_pth'.*clean_path, raw_path"):
        clean("raw.csv")
    assert node_count(db) == 0


def test_bad_options_fail_when_decorating() -> None:
    c = mltrace.Component("c")
    with pytest.raises(TypeError, match=r"unknown option.*'input_var'"):
        c.run(input_var=["x"])
    with pytest.raises(TypeError, match="input_kwargs must be a dict"):
        c.run(input_kwargs=["x"])
    with pytest.raises(ValueError, match="staleness_threshold must be seconds"):
        c.run(staleness_threshold=-1)
    with pytest.raises(ValueError, match="input_vars entry must not be empty"):
        c.run(input_vars=[""])


class PositiveTest(mltrace.Test):
    def testPositive(self, x: int) -> None:
        if x <= 0:
            raise ValueError(f"x is {x}, expected > 0")


class ResultSmallTest(mltrace.Test):
    def testSmall(self, doubled: int) -> None:
        if doubled > 10:
            raise ValueError(f"doubled is {doubled}")


def test_failed_before_test_raises_and_still_records_a_failed_run(db: Database) -> None:
    calls: list[int] = []
    c = mltrace.Component("double", beforeTests=[PositiveTest])

    @c.run(inputs=["numbers.csv"])
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    with pytest.raises(ValueError, match="x is -1"):
        double(-1)
    assert calls == []
    [run] = get_runs(db, [1])
    assert run.status == "failed"
    assert run.test_results == [
        {
            "test": "PositiveTest.testPositive",
            "passed": False,
            "error": "ValueError: x is -1, expected > 0",
        }
    ]
    assert double(2) == 4
    [second] = get_runs(db, [2])
    assert (second.status, [p.name for p in second.inputs]) == ("success", ["numbers.csv"])
    assert second.test_results[0]["passed"] is True


def test_after_tests_receive_the_variables_at_return(db: Database) -> None:
    c = mltrace.Component("double", afterTests=[ResultSmallTest()])

    @c.run
    def double(x: int) -> int:
        doubled = 2 * x
        return doubled

    assert double(3) == 6
    with pytest.raises(ValueError, match="doubled is 14"):
        double(7)
    statuses = [(r.status, [t["passed"] for t in r.test_results]) for r in get_runs(db, [1, 2])]
    assert statuses == [("success", [True]), ("failed", [False])]


def test_an_exception_in_the_function_is_recorded_as_failed_and_reraised(db: Database) -> None:
    c = mltrace.Component("boom")

    @c.run(inputs=["in.csv"], output_vars=["never"])
    def boom() -> None:
        raise KeyError("missing column")

    with pytest.raises(KeyError, match="missing column"):
        boom()
    assert [(r["status"], r["inputs"], r["outputs"]) for r in graph_runs(db)] == [
        ("failed", ["in.csv"], [])
    ]


def test_subclassed_before_run_is_called_with_the_arguments(db: Database) -> None:
    seen: list[dict[str, Any]] = []

    class Audited(mltrace.Component):
        def beforeRun(self, **kwargs: Any) -> list[dict[str, Any]]:
            seen.append(kwargs)
            return []

    @Audited("audited").run
    def step(a: int, b: int = 5, **extra: Any) -> int:
        return a + b

    assert step(1, flag=True) == 6
    assert seen == [{"a": 1, "b": 5, "flag": True}]
    assert len(graph_runs(db)) == 1


def test_register_decorator_logs_like_component_run(db: Database) -> None:
    @mltrace.register("legacy", input_vars=["src"], output_vars=["dst"])
    def copy(src: str) -> str:
        dst = src + ".copy"
        return dst

    assert copy("a.txt") == "a.txt.copy"
    assert [(r["component"], r["inputs"], r["outputs"]) for r in graph_runs(db)] == [
        ("legacy", ["a.txt"], ["a.txt.copy"])
    ]


def test_params_and_metrics_by_variable_name_and_by_value(db: Database) -> None:
    c = mltrace.Component("train")

    @c.run(params=["alpha"], metrics={"baseline": 0.5})
    def train(alpha: float) -> None:
        accuracy = 0.9
        mltrace.log_metric("accuracy", accuracy)
        mltrace.log_param("solver", "lstsq")

    train(0.1)
    [run] = get_runs(db, [1])
    assert run.params == {"alpha": 0.1, "solver": "lstsq"}
    assert run.metrics == {"accuracy": 0.9, "baseline": 0.5}
    [flat] = db.read(
        "MATCH (r:ComponentRun) RETURN r.`param.alpha` AS alpha, r.`metric.accuracy` AS accuracy"
    )
    assert flat == {"alpha": 0.1, "accuracy": 0.9}


def test_decorated_runs_warn_about_stale_dependencies(db: Database) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    producer = mltrace.ComponentRun(
        "ingest",
        start_timestamp=old,
        end_timestamp=old + timedelta(minutes=1),
        outputs=["old.csv"],
    )
    mltrace.log_component_run(producer)
    c = mltrace.Component("clean")

    @c.run(inputs=["old.csv"])
    def clean() -> None:
        pass

    with pytest.warns(mltrace.StaleRunWarning, match=r"^ingest \(ID 1\) was run 40 days ago\.$"):
        clean()
    [run] = get_runs(db, [2])
    assert run.stale == ["ingest (ID 1) was run 40 days ago."]


def test_save_and_load_inside_a_run_become_its_output_and_input(
    db: Database, tmp_path: Any
) -> None:
    model_file = str(tmp_path / "model.joblib")
    mltrace.save({"w": [1, 2]}, model_file)  # outside a run: just a file
    writer = mltrace.Component("writer")
    reader = mltrace.Component("reader")

    @writer.run
    def write() -> str:
        return mltrace.save({"w": [3, 4]}, model_file)

    @reader.run
    def read() -> Any:
        return mltrace.load(model_file)

    write()
    assert read() == {"w": [3, 4]}
    assert [(r["inputs"], r["outputs"], r["depends_on"]) for r in graph_runs(db)] == [
        ([], [model_file], []),
        ([model_file], [], [1]),
    ]


def test_overhead_caches_git_and_source_per_function(db: Database) -> None:
    c = mltrace.Component("cached")

    @c.run
    def step() -> None:
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step()
        step()
    snapshots = db.read("MATCH (r:ComponentRun) RETURN DISTINCT r.code_snapshot AS s")
    assert len(snapshots) == 1
    [row] = db.read("MATCH (r:ComponentRun {id: 1}) RETURN r.test_results AS t")
    assert row["t"] is None  # no tests: nothing stored


def test_called_decorator_without_options_works_on_a_method(db: Database) -> None:
    c = mltrace.Component("called")

    class Model:
        factor = 3

        @c.run()
        def scale(self, x: int) -> int:
            return self.factor * x

    assert Model().scale(2) == 6
    assert [r["component"] for r in graph_runs(db)] == ["called"]


def test_an_empty_or_overlong_pointer_name_in_a_variable_names_the_variable(
    db: Database,
) -> None:
    c = mltrace.Component("names")

    @c.run(output_vars=["paths"])
    def write(paths: list[str]) -> None:
        pass

    with pytest.raises(ValueError, match="output_vars variable 'paths': IOPointer name must not"):
        write(["ok.csv", ""])
    with pytest.raises(ValueError, match=r"output_vars variable 'paths'.*limit is 1024"):
        write(["x" * 5000])
    assert node_count(db) == 0
