"""The public ``diff_traces`` / ``diff_runs``: exported beside ``trace``, JSON-ready results."""

from __future__ import annotations

import json

import pytest

import mltrace_graph as mltrace
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.connection import Database
from tests.day_pipelines import day_pipeline
from tests.pipelines import log


def test_diff_traces_and_diff_runs_are_public_and_serialise_to_json(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    result = mltrace.diff_traces("pred-d1", "pred-d2")
    assert [d.reason for d in result.first_divergences] == ["featuregen: param window 7 -> 14"]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["pairs"][1]["changes"][0] == {
        "field": "params.window",
        "kind": "changed",
        "a": 7,
        "b": 14,
    }
    assert data["pairs"][1]["a"]["start_timestamp"] == "2026-01-01T00:03:00+00:00"
    pair = mltrace.diff_runs("3", 8)
    assert (pair.a.id, pair.b.id, pair.same) == (3, 8, False)
    assert json.loads(json.dumps(pair.to_dict()))["component"] == "featuregen"


def test_diff_traces_of_an_unknown_output_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError) as caught:
        mltrace.diff_traces("nope", "nope")
    assert caught.value.ids == ("nope",)
