"""``traceDiff`` and ``runDiff`` over a real pipeline: exact answers and error members."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mltrace_graph.store.connection import Database
from tests.day_pipelines import day_pipeline
from tests.pipelines import log
from tests.server.conftest import gql

TRACE_DIFF = """
query($a: String!, $b: String!, $asOf: DateTime) {
  traceDiff(a: $a, b: $b, asOf: $asOf) {
    __typename
    ... on TraceDiff {
      a b identical summary
      firstDivergences { component aRunId bRunId reason }
      pairs { component position same a { id } b { id } changes { field a b } }
      onlyInA { id } onlyInB { id }
    }
    ... on NotFound { message ids }
    ... on InvalidInput { message field }
  }
}
"""

RUN_DIFF = """
query($a: Int!, $b: Int!) {
  runDiff(a: $a, b: $b) {
    __typename
    ... on RunPairDiff { component position same a { id } b { id } changes { field a b } }
    ... on NotFound { message ids }
    ... on InvalidInput { message field }
  }
}
"""


def _data(client: FlaskClient, query: str, variables: dict[str, Any]) -> Any:
    body = gql(client, query, variables)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def test_trace_diff_names_featuregen_as_the_first_divergence(
    client: FlaskClient, db: Database
) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    result = _data(client, TRACE_DIFF, {"a": "pred-d1", "b": "pred-d2"})
    assert result["__typename"] == "TraceDiff"
    assert (result["a"], result["b"], result["identical"]) == ("pred-d1", "pred-d2", False)
    assert result["firstDivergences"] == [
        {
            "component": "featuregen",
            "aRunId": 3,
            "bRunId": 8,
            "reason": "featuregen: param window 7 -> 14",
        }
    ]
    featuregen = result["pairs"][1]
    assert featuregen["component"] == "featuregen"
    assert featuregen["position"] == "#1 at depth 1"
    assert featuregen["changes"][0] == {"field": "params.window", "a": 7, "b": 14}
    assert (result["onlyInA"], result["onlyInB"]) == ([], [])


def test_trace_diff_as_of_and_with_itself(client: FlaskClient, db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    same = _data(client, TRACE_DIFF, {"a": "model.pkl", "b": "model.pkl"})
    assert same["identical"] is True
    assert same["summary"] == "identical: the same 4 upstream run(s)"
    then = _data(
        client, TRACE_DIFF, {"a": "model.pkl", "b": "pred-d1", "asOf": "2026-01-01T12:00:00Z"}
    )
    assert [(p["component"], p["a"]["id"], p["same"]) for p in then["pairs"]] == [
        ("train", 4, True),
        ("featuregen", 3, True),
        ("clean", 2, True),
        ("ingest", 1, True),
    ]
    assert then["onlyInB"] == [{"id": 5}]


def test_trace_diff_of_an_unknown_output_is_a_not_found_member(
    client: FlaskClient, db: Database
) -> None:
    result = _data(client, TRACE_DIFF, {"a": "nope", "b": "gone"})
    assert result == {
        "__typename": "NotFound",
        "message": "no outputs named nope, gone",
        "ids": ["nope", "gone"],
    }


def test_run_diff_compares_two_runs_and_refuses_two_components(
    client: FlaskClient, db: Database
) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    pair = _data(client, RUN_DIFF, {"a": 3, "b": 8})
    assert (pair["__typename"], pair["component"], pair["same"]) == (
        "RunPairDiff",
        "featuregen",
        False,
    )
    assert pair["changes"][0] == {"field": "params.window", "a": 7, "b": 14}
    refused = _data(client, RUN_DIFF, {"a": 3, "b": 4})
    assert refused["__typename"] == "InvalidInput"
    assert refused["field"] == "b"
    assert "run 3 is of component 'featuregen' and run 4 of 'train'" in refused["message"]
    missing = _data(client, RUN_DIFF, {"a": 3, "b": 99})
    assert missing == {"__typename": "NotFound", "message": "no run 99", "ids": ["99"]}
