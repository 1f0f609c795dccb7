"""GraphQL over the service: keyset history pages, NotFound built from the error's ids."""

from __future__ import annotations

from flask.testing import FlaskClient
from pipelines import log, make_run

from mltrace_graph.store.connection import Database
from tests.service.test_runs import _crowded


def test_graphql_history_pages_return_every_run_once(db: Database, client: FlaskClient) -> None:
    _crowded(db)
    query = """query($after: String) { runs(component: "train", first: 7, after: $after) {
      runs { id } endCursor hasNextPage } }"""
    seen: list[int] = []
    after = None
    while True:
        page = client.post("/graphql", json={"query": query, "variables": {"after": after}})
        data = page.get_json()["data"]["runs"]
        seen += [r["id"] for r in data["runs"]]
        if not data["hasNextPage"]:
            break
        after = data["endCursor"]
    assert sorted(seen) == list(range(1, 121))
    assert len(seen) == 120


def test_graphql_not_found_names_every_missing_output_from_the_error_ids(
    db: Database, client: FlaskClient, auth: dict[str, str]
) -> None:
    log(db, make_run("a", 0, [], ["a.out"]))
    query = """mutation { flag(outputIds: ["a.out", "nope", "gone"]) {
      __typename ... on NotFound { message ids } } }"""
    body = client.post("/graphql", json={"query": query}, headers=auth).get_json()
    assert body["data"]["flag"] == {
        "__typename": "NotFound",
        "message": "no outputs named gone, nope; nothing was changed",
        "ids": ["gone", "nope"],
    }
