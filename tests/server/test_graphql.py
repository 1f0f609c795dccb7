"""Every GraphQL query and mutation over a small real pipeline, with exact answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mltrace_graph.store import components
from mltrace_graph.store.connection import Database
from tests.pipelines import log, make_run
from tests.server.conftest import gql

WEIRD = "q'\"`{x}` MATCH (n) DETACH DELETE n"


@pytest.fixture
def pipeline(db: Database) -> None:
    """clean (1) -> train (2) -> predict (3) -> preds.csv; plus a second predict run (4)."""
    components.upsert_component(db, "train", owner="ana", description="fits", tags=["ml"])
    components.upsert_component(db, WEIRD, owner=WEIRD, description="", tags=[WEIRD])
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("train", 10, ["clean.csv"], ["model.pkl"]),
        make_run("predict", 20, ["model.pkl"], ["preds.csv"]),
        make_run("predict", 30, ["model.pkl"], ["preds-2.csv"]),
    )


def q(client: FlaskClient, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    body = gql(client, query, variables, kw.get("headers"))
    assert "errors" not in body, body
    return body["data"]


def test_components_filter_by_tag_and_owner(client: FlaskClient, pipeline: None) -> None:
    fields = "{ name owner tags runCount lastRunId }"
    assert q(client, f'{{ components(tag: "ml") {fields} }}')["components"] == [
        {"name": "train", "owner": "ana", "tags": ["ml"], "runCount": 1, "lastRunId": 2}
    ]
    assert [c["name"] for c in q(client, f"{{ components {fields} }}")["components"]] == [
        "clean",
        "predict",
        WEIRD,
        "train",
    ]
    by_owner = q(client, "query($o: String) { components(owner: $o) { name } }", {"o": WEIRD})
    assert by_owner["components"] == [{"name": WEIRD}]


def test_component_and_tags_and_unknowns_are_null(client: FlaskClient, pipeline: None) -> None:
    data = q(client, '{ component(name: "predict") { name runCount lastRunId } tags }')
    assert data == {
        "component": {"name": "predict", "runCount": 2, "lastRunId": 4},
        "tags": ["ml", WEIRD],
    }
    assert q(client, '{ component(name: "nope") { name } }') == {"component": None}
    assert q(client, '{ ioPointer(name: "nope") { name } }') == {"ioPointer": None}


def test_io_pointer_and_prefix_search(client: FlaskClient, pipeline: None) -> None:
    data = q(client, '{ ioPointer(name: "model.pkl") { name pointerType flag } }')
    assert data["ioPointer"] == {"name": "model.pkl", "pointerType": "MODEL", "flag": False}
    found = q(client, '{ ioPointers(prefix: "preds") { name } }')["ioPointers"]
    assert found == [{"name": "preds-2.csv"}, {"name": "preds.csv"}]


def test_recent_runs_page_with_a_cursor(client: FlaskClient, pipeline: None) -> None:
    query = """query($after: String) { runs(first: 3, after: $after) {
      runs { id } endCursor hasNextPage } }"""
    first = q(client, query)["runs"]
    assert [r["id"] for r in first["runs"]] == [4, 3, 2]
    assert first["hasNextPage"] is True
    second = q(client, query, {"after": first["endCursor"]})["runs"]
    assert ([r["id"] for r in second["runs"]], second["hasNextPage"]) == ([1], False)


def test_history_of_a_component_pages_and_bounds_by_date(
    client: FlaskClient, pipeline: None
) -> None:
    query = """query($after: String, $since: DateTime) {
      runs(component: "predict", first: 1, after: $after, since: $since) {
        runs { id componentName } endCursor hasNextPage } }"""
    first = q(client, query)["runs"]
    assert (first["runs"], first["hasNextPage"]) == ([{"id": 4, "componentName": "predict"}], True)
    second = q(client, query, {"after": first["endCursor"]})["runs"]
    assert (second["runs"], second["hasNextPage"]) == (
        [{"id": 3, "componentName": "predict"}],
        False,
    )
    bounded = q(client, query, {"since": "2026-01-01T00:25:00+00:00"})["runs"]
    assert (bounded["runs"], bounded["hasNextPage"]) == (
        [{"id": 4, "componentName": "predict"}],
        False,
    )
    none = q(client, '{ runs(component: "nope") { runs { id } hasNextPage } }')
    assert none == {"runs": {"runs": [], "hasNextPage": False}}


def test_a_bad_cursor_or_page_size_is_an_error_naming_the_argument(
    client: FlaskClient, pipeline: None
) -> None:
    body = gql(client, '{ runs(after: "garbage") { runs { id } } }')
    assert "after 'garbage' is not a cursor" in body["errors"][0]["message"]
    body = gql(client, "{ runs(first: 0) { runs { id } } }")
    assert body["errors"][0]["message"] == "first must be between 1 and 500, got 0"


def test_trace_returns_the_flat_graph_with_levels(client: FlaskClient, pipeline: None) -> None:
    data = q(
        client,
        """{ trace(outputId: "preds.csv") { __typename ... on TraceGraph {
          root levels truncated direction
          nodes { id kind level run { id componentName } ioPointer { name } }
          edges { source target type } } } }""",
    )["trace"]
    assert (data["root"], data["levels"], data["truncated"], data["direction"]) == (
        "io:preds.csv",
        4,
        False,
        "upstream",
    )
    levels = {n["id"]: n["level"] for n in data["nodes"]}
    assert levels == {
        "run:3": 0,
        "io:preds.csv": 0,
        "run:2": 1,
        "io:model.pkl": 1,
        "run:1": 2,
        "io:clean.csv": 2,
        "io:raw.csv": 3,
    }
    assert {"source": "run:3", "target": "run:2", "type": "DEPENDS_ON"} in data["edges"]
    run_node = next(n for n in data["nodes"] if n["id"] == "run:2")
    assert run_node["run"] == {"id": 2, "componentName": "train"} and run_node["ioPointer"] is None


def test_trace_of_an_unknown_output_is_a_not_found_result(
    client: FlaskClient, pipeline: None
) -> None:
    data = q(client, '{ trace(outputId: "nope") { __typename ... on NotFound { message ids } } }')
    assert data["trace"] == {
        "__typename": "NotFound",
        "message": "no output named nope",
        "ids": ["nope"],
    }
    data = q(
        client,
        '{ trace(outputId: "x", maxDepth: -1) { __typename ... on InvalidInput { field } } }',
    )
    assert data["trace"] == {"__typename": "InvalidInput", "field": "maxDepth"}


def test_impact_from_a_run_and_from_an_output(client: FlaskClient, pipeline: None) -> None:
    query = """query($id: String!) { impact(id: $id, maxDepth: 5) { __typename
      ... on TraceGraph { direction nodes { id } } ... on NotFound { message } } }"""
    from_run = q(client, query, {"id": "run:2"})["impact"]
    assert from_run["direction"] == "downstream"
    assert {n["id"] for n in from_run["nodes"]} == {
        "run:2",
        "io:model.pkl",
        "run:3",
        "io:preds.csv",
        "run:4",
        "io:preds-2.csv",
    }
    from_output = q(client, query, {"id": "preds.csv"})["impact"]
    assert {n["id"] for n in from_output["nodes"]} == {"io:preds.csv"}
    assert q(client, query, {"id": "run:999"})["impact"] == {
        "__typename": "NotFound",
        "message": "no run 999",
    }


def test_flag_review_and_unflag(client: FlaskClient, auth: dict[str, str], pipeline: None) -> None:
    flagged = q(
        client,
        """mutation { flag(outputIds: ["preds.csv"]) { __typename
          ... on FlagSuccess { flag outputs { name flag } } } }""",
        headers=auth,
    )
    assert flagged["flag"] == {
        "__typename": "FlagSuccess",
        "flag": True,
        "outputs": [{"name": "preds.csv", "flag": True}],
    }
    review = q(
        client,
        """{ review(rank: OCHIAI) { rank flaggedOutputs
            culprits { run { id } ef ep coverage ochiai score } } }""",
    )["review"]
    assert review["rank"] == "OCHIAI"
    assert review["flaggedOutputs"] == ["preds.csv"]
    top = review["culprits"][0]
    assert (top["run"]["id"], top["ef"], top["ep"], top["coverage"], top["score"]) == (
        3,
        1,
        0,
        1.0,
        1.0,
    )
    assert {c["run"]["id"]: c["ep"] for c in review["culprits"]} == {3: 0, 2: 2, 1: 3}
    unknown = q(
        client,
        'mutation { unflag(outputIds: ["preds.csv", "nope"]) {'
        " __typename ... on NotFound { ids } } }",
        headers=auth,
    )
    assert unknown["unflag"] == {"__typename": "NotFound", "ids": ["nope"]}
    assert q(client, "mutation { unflagAll }", headers=auth) == {"unflagAll": 1}
    assert q(client, "{ review { flaggedOutputs culprits { ef } } }")["review"] == {
        "flaggedOutputs": [],
        "culprits": [],
    }


def test_flag_impact_flags_everything_downstream(
    client: FlaskClient, auth: dict[str, str], pipeline: None
) -> None:
    data = q(
        client,
        'mutation { flagImpact(id: "run:2") { ... on FlagSuccess { outputs { name } } } }',
        headers=auth,
    )
    assert [o["name"] for o in data["flagImpact"]["outputs"]] == [
        "model.pkl",
        "preds-2.csv",
        "preds.csv",
    ]


def test_add_notes_sets_and_appends(
    client: FlaskClient, auth: dict[str, str], pipeline: None
) -> None:
    query = """mutation($id: Int!, $notes: String!, $append: Boolean!) {
      addNotes(runId: $id, notes: $notes, append: $append) {
        __typename ... on Run { notes } ... on NotFound { ids } } }"""
    first = q(client, query, {"id": 2, "notes": WEIRD, "append": False}, headers=auth)
    assert first["addNotes"] == {"__typename": "Run", "notes": WEIRD}
    second = q(client, query, {"id": 2, "notes": "more", "append": True}, headers=auth)
    assert second["addNotes"]["notes"] == f"{WEIRD}\nmore"
    missing = q(client, query, {"id": 99, "notes": "x", "append": False}, headers=auth)
    assert missing["addNotes"] == {"__typename": "NotFound", "ids": ["99"]}


def test_tag_component_adds_tags(client: FlaskClient, auth: dict[str, str], pipeline: None) -> None:
    query = """mutation($name: String!, $tags: [String!]!) {
      tagComponent(name: $name, tags: $tags) { __typename
        ... on Component { tags } ... on NotFound { ids } ... on InvalidInput { field } } }"""
    tagged = q(client, query, {"name": "train", "tags": ["prod", WEIRD]}, headers=auth)
    assert tagged["tagComponent"] == {"__typename": "Component", "tags": ["ml", "prod", WEIRD]}
    assert q(client, query, {"name": "nope", "tags": ["x"]}, headers=auth)["tagComponent"] == {
        "__typename": "NotFound",
        "ids": ["nope"],
    }
    assert q(client, query, {"name": "train", "tags": [" "]}, headers=auth)["tagComponent"] == {
        "__typename": "InvalidInput",
        "field": "tags",
    }


def test_stale_runs_lists_runs_with_warnings(client: FlaskClient, db: Database) -> None:
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("clean", 5, ["raw.csv"], ["other.csv"]),
        make_run("train", 10, ["clean.csv"], ["model.pkl"]),
    )
    data = q(client, "{ staleRuns { run { id } warnings } }")["staleRuns"]
    assert data == [
        {
            "run": {"id": 3},
            "warnings": [
                "clean (ID 1) has 1 fresher run(s) that began before this component run started."
            ],
        }
    ]


def test_search_filters_runs_by_component_and_params(
    client: FlaskClient, db: Database, pipeline: None
) -> None:
    data = q(client, '{ search(component: "predict", orderBy: "start_time") { id } }')
    assert data["search"] == [{"id": 3}, {"id": 4}]
    data = q(client, '{ search(owner: "ana") { id componentName } }')
    assert data["search"] == [{"id": 2, "componentName": "train"}]
    body = gql(client, '{ search(orderBy: "bogus DESC") { id } }')
    assert "unknown run attribute 'bogus'" in body["errors"][0]["message"]


def test_a_json_argument_of_the_wrong_shape_is_an_error_naming_it(
    client: FlaskClient, pipeline: None
) -> None:
    body = gql(client, "{ search(params: [1, 2]) { id } }")
    assert body["errors"][0]["message"] == "params must be a JSON object of exact values"


def test_unexpected_errors_are_masked_outside_debug_mode(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    # The one place a failure is faked: no real input makes a resolver hit a bug.
    def broken(_: Database) -> list[str]:
        raise RuntimeError("internal detail: bolt://secret-host")

    monkeypatch.setattr("mltrace_graph.store.history.tags", broken)
    masked = gql(make_app().test_client(), "{ tags }")
    assert masked["errors"][0]["message"] == "Unexpected error."
    shown = gql(make_app(debug=True).test_client(), "{ tags }")
    assert shown["errors"][0]["message"] == "internal detail: bolt://secret-host"


@pytest.mark.parametrize(
    "query",
    [
        '{ trace(outputId: "preds.csv") { ... on TraceGraph { nodes { id run { id stale } '
        "ioPointer { name flag } } edges { source } } } }",
        '{ impact(id: "run:1") { ... on TraceGraph { nodes { id run { componentName } } } } }',
        "{ review(rank: OCHIAI) { culprits { run { id inputs { name } outputs { name } } } } }",
        "{ runs(first: 50) { runs { id inputs { name flag } outputs { name } } } }",
        '{ runs(component: "predict") { runs { id dependencyIds } } }',
        "{ components { name tags runCount lastRunId } }",
        "{ run(id: 3) { id inputs { name } outputs { name } dependencies } }",
        "{ staleRuns { run { id inputs { name } } warnings } }",
        '{ staleness(id: "preds.csv") { ... on StalenessReport { runs { run { id inputs '
        "{ name } } reasons { cause { id } rootCauses { id } } } plan { run { id } } } } }",
        '{ ioPointers(prefix: "p") { name flag } }',
    ],
)
def test_each_query_is_one_round_trip_however_many_nested_fields(
    client: FlaskClient, pipeline: None, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    calls: list[str] = []
    real_read = Database.read

    def counting_read(self: Database, cypher: Any, **params: Any) -> Any:
        calls.append(cypher)
        return real_read(self, cypher, **params)

    monkeypatch.setattr(Database, "read", counting_read)
    q(client, query)
    assert len(calls) == 1, calls


def test_a_node_cap_truncates_the_trace_and_says_so(client: FlaskClient, pipeline: None) -> None:
    data = q(
        client,
        '{ trace(outputId: "preds.csv", maxNodes: 1) { ... on TraceGraph { truncated '
        "nodes { id } } } }",
    )["trace"]
    assert data["truncated"] is True
    assert [n["id"] for n in data["nodes"] if n["id"].startswith("run:")] == ["run:3"]


def test_search_takes_an_mlflow_filter_string(client: FlaskClient, db: Database) -> None:
    fast, slow = make_run("train", 0), make_run("train", 5)
    fast.params, slow.params = {"lr": 0.1}, {"lr": 0.01}
    fast.metrics, slow.metrics = {"auc": 0.9}, {"auc": 0.7}
    log(db, fast, slow)
    data = q(client, '{ search(filter: "metrics.auc > 0.8", orderBy: "metrics.auc DESC") { id } }')
    assert data["search"] == [{"id": 1}]
    data = q(client, "{ search(params: {lr: 0.01}) { id params } }")
    assert data["search"] == [{"id": 2, "params": {"lr": 0.01}}]
