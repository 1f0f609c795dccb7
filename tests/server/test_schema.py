"""The exported SDL matches the code, and the schema's protective limits hold."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from mltrace_graph.server.graphql.schema import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    SDL_PATH,
    build_schema,
    export_sdl,
)
from tests.server.conftest import gql


def test_committed_sdl_matches_the_schema_in_code(repo_root: Path) -> None:
    assert repo_root / "graphql" / "schema.graphql" == SDL_PATH
    assert SDL_PATH.read_text() == export_sdl(), (
        "graphql/schema.graphql drifted from the code: regenerate it with "
        "'python -m mltrace_graph.server.graphql.schema > graphql/schema.graphql'"
    )


def test_a_query_deeper_than_the_limit_is_refused(client: FlaskClient) -> None:
    # Our types have no cycles, so no valid query is this deep; depth is checked anyway.
    deep = "{ run(id: 1) { " + "a { " * MAX_DEPTH + "b" + " }" * MAX_DEPTH + " } }"
    body = gql(client, deep)
    assert body["data"] is None
    assert f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}" in [
        e["message"] for e in body["errors"]
    ]


def test_more_aliases_than_the_limit_are_refused(client: FlaskClient) -> None:
    aliases = " ".join(f"a{i}: tags" for i in range(MAX_ALIASES + 1))
    body = gql(client, "{ " + aliases + " }")
    assert (
        body["errors"][0]["message"] == f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"
    )


def test_graphiql_is_served_to_a_browser(client: FlaskClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.get_data(as_text=True).lower()


def test_a_document_with_too_many_tokens_is_refused(client: FlaskClient) -> None:
    body = gql(client, "{ " + "tags " * (MAX_TOKENS + 1) + "}")
    assert body["data"] is None
    assert "Document contains more than" in body["errors"][0]["message"]


# The types a trace returns by the thousand (about 24,000 fields for 2,000 nodes).
BULK_TYPES = ("TraceNode", "TraceRun", "TraceEdge", "IOPointer")
# Read on demand, one query per item (server/graphql/flag_events.py): a trace never
# selects it, and an unselected resolver field costs nothing.
ON_DEMAND = {"flag_events"}


def test_bulk_trace_fields_stay_on_strawberrys_basic_field_path() -> None:
    schema = build_schema()
    for type_name in BULK_TYPES:
        definition = schema.get_type_by_name(type_name)
        fields = definition.fields  # type: ignore[union-attr]
        assert fields, type_name
        slow = [f.python_name for f in fields if not f.is_basic_field]
        slow = [name for name in slow if name not in ON_DEMAND]
        assert slow == [], (type_name, slow)


def test_the_package_patches_no_private_strawberry_attribute() -> None:
    package = Path(__file__).resolve().parents[2] / "mltrace_graph"
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "._schema" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
