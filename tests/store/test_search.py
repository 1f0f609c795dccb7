"""search_runs: filters by component, tag, owner, time, params and metrics; a DataFrame out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from pipelines import T0, log, make_run

from mltrace_graph.queries import search_runs
from mltrace_graph.store import search
from mltrace_graph.store.connection import Database


def _search(db: Database, **filters: Any) -> pd.DataFrame:
    """The search as the Python API returns it (db is the process's default database)."""
    return search_runs(**filters)


def _experiments(db: Database) -> None:
    runs = []
    for i, (model, depth, acc) in enumerate(
        [("tree", 3, 0.81), ("tree", 5, 0.93), ("forest", 5, 0.95), ("linear", 1, 0.70)]
    ):
        run = make_run("train", i, ["data.csv"], [f"model{i}.pkl"], seconds=60)
        run.params = {"model": model, "depth": depth}
        run.metrics = {"accuracy": acc}
        runs.append(run)
    runs.append(make_run("report", 10, ["model2.pkl"], ["report.html"]))
    log(db, *runs)
    db.write(
        "MATCH (c:Component {name: 'train'}) SET c.owner = 'ana' "
        "MERGE (t:Tag {name: 'ml'}) MERGE (c)-[:TAGGED]->(t)"
    )


def test_search_returns_one_row_per_run_with_params_and_metrics_columns(db: Database) -> None:
    _experiments(db)
    frame = _search(db, component="train")
    assert list(frame.columns) == [
        *search.BASE_COLUMNS,
        "metrics.accuracy",
        "params.depth",
        "params.model",
    ]
    assert list(frame["run_id"]) == [4, 3, 2, 1]
    assert list(frame["params.model"]) == ["linear", "forest", "tree", "tree"]
    assert list(frame["duration_seconds"]) == [60.0, 60.0, 60.0, 60.0]
    assert frame.loc[0, "owner"] == "ana"
    assert frame.loc[0, "inputs"] == ["data.csv"]


def test_search_filters_params_and_metrics(db: Database) -> None:
    _experiments(db)
    frame = _search(db, params={"model": "tree"}, metrics={"accuracy": (">", 0.9)})
    assert list(frame["run_id"]) == [2]
    frame = _search(db, filter_string="params.depth >= 5 and metrics.accuracy < 0.94")
    assert list(frame["run_id"]) == [2]
    frame = _search(db, filter_string="params.model != 'tree'")
    assert list(frame["run_id"]) == [4, 3]


def test_search_by_tag_owner_and_time_window(db: Database) -> None:
    _experiments(db)
    assert list(_search(db, tag="ml")["run_id"]) == [4, 3, 2, 1]
    assert list(_search(db, owner="ana", max_results=1)["run_id"]) == [4]
    window = _search(db, since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=2))
    assert list(window["run_id"]) == [3, 2]
    assert list(_search(db, since=T0 + timedelta(minutes=5))["run_id"]) == [5]


def test_search_orders_by_metrics_then_newest(db: Database) -> None:
    _experiments(db)
    frame = _search(db, component="train", order_by=["metrics.accuracy DESC"])
    assert list(frame["metrics.accuracy"]) == [0.95, 0.93, 0.81, 0.70]
    frame = _search(db, component="train", order_by=["params.depth", "run_id DESC"])
    assert list(frame["run_id"]) == [4, 1, 3, 2]


def test_search_with_no_match_is_an_empty_frame_with_the_base_columns(db: Database) -> None:
    frame = _search(db, component="nothing")
    assert frame.empty
    assert list(frame.columns) == search.BASE_COLUMNS


def test_unreadable_filters_and_sort_keys_are_refused_with_the_text(db: Database) -> None:
    with pytest.raises(ValueError, match="cannot read the filter 'accuracy > 1'"):
        _search(db, filter_string="accuracy > 1")
    with pytest.raises(ValueError, match="cannot read the order_by key 'x y z'"):
        _search(db, order_by=["x y z"])
    with pytest.raises(ValueError, match="unknown run attribute 'colour'"):
        _search(db, order_by=["colour"])
