"""Every operation in graphql/examples/ runs against a real pipeline without errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mltrace_graph.store import components
from mltrace_graph.store.connection import Database
from tests.pipelines import log, make_run
from tests.server.conftest import gql

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "graphql" / "examples").glob("*.graphql"))


def _variables(text: str) -> dict[str, object]:
    for line in text.splitlines():
        if line.startswith("# variables:"):
            parsed: dict[str, object] = json.loads(line.removeprefix("# variables:"))
            return parsed
    return {}


def test_there_are_examples_for_queries_and_mutations() -> None:
    names = {path.stem for path in EXAMPLES}
    assert {"trace", "review", "log_run", "flag", "cypher"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_operation_runs_without_errors(
    path: Path, client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    components.upsert_component(db, "train", owner="ana", description="fits", tags=["ml"])
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("train", 10, ["clean.csv"], ["model.pkl"]),
        make_run("predict", 20, ["model.pkl"], ["preds.csv"]),
    )
    db.write("MATCH (p:IOPointer {name: 'preds.csv'}) SET p.flag = true")
    text = path.read_text()
    body = gql(client, text, _variables(text), auth)
    assert "errors" not in body, body
    (result,) = body["data"].values() if len(body["data"]) == 1 else (body["data"],)
    assert result, f"{path.name} returned nothing"
    if isinstance(result, dict) and "__typename" in result:
        assert result["__typename"] in (
            "TraceGraph",
            "LoggedRuns",
            "FlagSuccess",
            "CypherRows",
            "StalenessReport",
            "TraceDiff",
        )
