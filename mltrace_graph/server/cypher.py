"""``POST /api/v1/cypher``: read-only ad hoc Cypher for people who hold a token."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.body import read_json
from mltrace_graph.server.state import state
from mltrace_graph.store import adhoc

blueprint = Blueprint("cypher", __name__)


@blueprint.post("/api/v1/cypher")
def run_cypher() -> Response:
    """Body ``{"query": "...", "params": {...}}``; answers columns, rows and ``truncated``.

    A query that would write gets 403 "writes are not allowed here" and changes nothing.
    """
    authenticate("write")
    body = read_json()
    if not isinstance(body, dict):
        raise InvalidInputError("the body must be a JSON object with a 'query'", field="body")
    query = body.get("query")
    if not isinstance(query, str):
        raise InvalidInputError("'query' must be a string of Cypher", field="query")
    params = body.get("params")
    if params is not None and not isinstance(params, dict):
        raise InvalidInputError("'params' must be a JSON object", field="params")
    config = state().config
    result = adhoc.run_read_only(
        state().db,
        query,
        params,
        timeout=config.cypher_timeout,
        row_limit=config.cypher_row_limit,
    )
    return jsonify({"columns": result.columns, "rows": result.rows, "truncated": result.truncated})
