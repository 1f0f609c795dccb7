"""GraphQL ``staleness(id, asOf)``: the report's exact contract, NotFound and InvalidInput."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mltrace_graph.store.connection import Database
from tests.pipelines import log, make_run
from tests.server.conftest import gql

REPORT = """
query ($id: String!, $asOf: DateTime) {
  staleness(id: $id, asOf: $asOf) {
    __typename
    ... on StalenessReport {
      target fresh asOf
      runs { run { id } reasons { kind cause { id } rootCauses { id } message } }
      plan { order component run { id } reasons { kind cause { id } rootCauses { id } } }
    }
    ... on NotFound { message ids }
    ... on InvalidInput { message field }
  }
}
"""


def staleness(client: FlaskClient, node_id: str, as_of: str | None = None) -> Any:
    body = gql(client, REPORT, {"id": node_id, "asOf": as_of})
    assert "errors" not in body, body
    return body["data"]["staleness"]


def changed_code(db: Database) -> None:
    """featuregen 1 -> train 2 -> infer 3 (preds-1); featuregen 4 has other code."""
    runs = [
        make_run("featuregen", 0, ["raw.csv"], ["feats-1"]),
        make_run("train", 10, ["feats-1"], ["model-1"]),
        make_run("infer", 20, ["model-1"], ["preds-1"]),
        make_run("featuregen", 30, ["raw.csv"], ["feats-2"]),
    ]
    for run in runs:
        run.git_hash = "a1b2c3d4e5"
    runs[3].git_hash = "c3d4e5f6a7"
    log(db, *runs)


def test_staleness_names_causes_root_causes_and_the_plan_in_order(
    client: FlaskClient, db: Database
) -> None:
    changed_code(db)
    data = staleness(client, "preds-1")
    assert (data["__typename"], data["target"], data["fresh"], data["asOf"]) == (
        "StalenessReport",
        "preds-1",
        False,
        None,
    )
    assert [
        (r["run"]["id"], [(x["kind"], x["cause"]["id"], x["rootCauses"]) for x in r["reasons"]])
        for r in data["runs"]
    ] == [
        (1, [("CODE", 4, [])]),
        (2, [("DATA", 4, []), ("UPSTREAM", 1, [{"id": 1}])]),
        (3, [("UPSTREAM", 2, [{"id": 1}])]),
    ]
    assert [(s["order"], s["component"], s["run"]["id"]) for s in data["plan"]] == [
        (1, "featuregen", 1),
        (2, "train", 2),
        (3, "infer", 3),
    ]
    assert data["runs"][0]["reasons"][0]["message"] == (
        "CODE: featuregen has a later run 4 (started 2026-01-01 00:30) with "
        "git a1b2c3d -> c3d4e5f than run 1"
    )


def test_a_run_id_and_an_io_id_name_the_same_targets(client: FlaskClient, db: Database) -> None:
    changed_code(db)
    by_run = staleness(client, "run:2")
    assert by_run["target"] == "run:2"
    assert [s["component"] for s in by_run["plan"]] == ["featuregen", "train"]
    by_io = staleness(client, "io:preds-1")
    assert by_io["target"] == "preds-1"
    assert by_io["plan"] == staleness(client, "preds-1")["plan"]


def test_as_of_before_the_change_is_fresh_with_an_empty_plan(
    client: FlaskClient, db: Database
) -> None:
    changed_code(db)
    data = staleness(client, "preds-1", "2026-01-01T00:25:00Z")
    assert (data["fresh"], data["plan"], data["asOf"]) == (True, [], "2026-01-01T00:25:00+00:00")
    assert [(r["run"]["id"], r["reasons"]) for r in data["runs"]] == [(1, []), (2, []), (3, [])]


def test_an_unknown_output_or_run_is_not_found(client: FlaskClient, db: Database) -> None:
    changed_code(db)
    assert staleness(client, "nope.csv") == {
        "__typename": "NotFound",
        "message": "no output named nope.csv",
        "ids": ["nope.csv"],
    }
    assert staleness(client, "run:99") == {
        "__typename": "NotFound",
        "message": "no run 99",
        "ids": ["99"],
    }


def test_a_malformed_run_id_is_invalid_input(client: FlaskClient, db: Database) -> None:
    assert staleness(client, "run:x") == {
        "__typename": "InvalidInput",
        "message": "id 'run:x': a run id is 'run:<integer>'",
        "field": "id",
    }
