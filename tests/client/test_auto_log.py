"""auto_log: which values are saved, content-addressed reuse, and unpicklable values."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import mltrace_graph as mltrace
from mltrace_graph.store.connection import Database
from tests.client.conftest import graph_runs, node_count

# Every test here runs over Bolt and over HTTP (see tests/client/conftest.py).
pytestmark = pytest.mark.usefixtures("transport")


def _saved(tmp: Path) -> list[str]:
    return sorted(p.name for p in (tmp / "saved").glob("*.joblib"))


def test_auto_log_saves_frames_data_model_and_large_values(db: Database, client_dirs: Path) -> None:
    c = mltrace.Component("clean")

    @c.run(auto_log=True)
    def clean(df: pd.DataFrame, threshold: int) -> pd.DataFrame:
        # unused here, but auto_log reads them at return
        model = {"kind": "mean", "value": float(df["x"].mean())}  # noqa: F841
        big = b"x" * (2 * 1024 * 1024)  # noqa: F841
        small = 3  # noqa: F841 (neither data/model nor large: not logged)
        return df[df["x"] > threshold].reset_index(drop=True)

    frame = pd.DataFrame({"x": [1, 2, 3, 4]})
    out = clean(frame, 2)
    assert list(out["x"]) == [3, 4]
    [run] = graph_runs(db)
    saved = client_dirs / "saved"
    assert len(run["inputs"]) == 1 and len(run["outputs"]) == 3
    assert all(name.startswith(str(saved)) for name in run["inputs"] + run["outputs"])
    assert len(_saved(client_dirs)) == 4
    types = db.read(
        "MATCH (p:IOPointer) RETURN p.value AS value, p.pointer_type AS type ORDER BY value"
    )
    assert types == [
        {"value": "big: bytes", "type": "UNKNOWN"},
        {"value": "df: DataFrame", "type": "DATA"},
        {"value": "model: dict", "type": "MODEL"},
        {"value": "return_value: DataFrame", "type": "DATA"},
    ]


def test_identical_content_reuses_the_file_and_pointer_and_links_runs(
    db: Database, client_dirs: Path
) -> None:
    make_c, use_c = mltrace.Component("make"), mltrace.Component("use")

    @make_c.run(auto_log=True)
    def make() -> None:
        data = pd.DataFrame({"a": [1, 2]})
        del data  # a local deleted before return is not logged

    @make_c.run(auto_log=True)
    def make2() -> pd.DataFrame:
        data = pd.DataFrame({"a": [1, 2]})
        return data

    @use_c.run(auto_log=True)
    def use(training_data: pd.DataFrame) -> int:
        return len(training_data)

    make()
    assert make2()["a"].tolist() == [1, 2]
    files = _saved(client_dirs)
    assert len(files) == 1
    assert make2()["a"].tolist() == [1, 2]
    assert use(pd.DataFrame({"a": [1, 2]})) == 2
    assert _saved(client_dirs) == files
    runs = graph_runs(db)
    assert [
        (r["component"], len(r["inputs"]), len(r["outputs"]), r["depends_on"]) for r in runs
    ] == [
        ("make", 0, 0, []),
        ("make", 0, 1, []),
        ("make", 0, 1, []),
        ("use", 1, 0, [3]),
    ]
    assert db.read("MATCH (p:IOPointer) RETURN count(p) AS n") == [{"n": 1}]


def test_an_unpicklable_value_is_a_type_error_naming_it_and_nothing_is_written(
    db: Database,
) -> None:
    c = mltrace.Component("locks")

    @c.run(auto_log=True)
    def step() -> int:
        data_lock = threading.Lock()
        return 1 if data_lock else 0

    with pytest.raises(TypeError, match=r"auto_log variable 'data_lock' holds a lock"):
        step()
    assert node_count(db) == 0


def test_arguments_are_saved_as_received_before_the_function_changes_them(
    db: Database, client_dirs: Path
) -> None:
    c = mltrace.Component("enrich")

    @c.run(auto_log=True)
    def enrich(df: pd.DataFrame) -> pd.DataFrame:
        df["y"] = df["x"] * 2  # in place
        return df

    frame = pd.DataFrame({"x": [1, 2]})
    enrich(frame)
    [run] = graph_runs(db)
    [input_path] = run["inputs"]
    [output_path] = run["outputs"]
    assert list(mltrace.load(input_path).columns) == ["x"]
    assert list(mltrace.load(output_path).columns) == ["x", "y"]
