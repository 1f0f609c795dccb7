"""The Flask view at ``/graphql``: auth for reads, per-operation metrics, the context."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask, Request, Response, g, request
from strawberry.flask.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from mltrace_graph.errors import DatabaseAuthError, DatabaseUnavailableError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.graphql.context import Context
from mltrace_graph.server.graphql.schema import build_schema
from mltrace_graph.server.state import state

_NAMED_OPERATION = re.compile(r"^\s*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)")


def _operation_name() -> str:
    """The operation name for metrics: ``operationName``, else the document's first name."""
    name: Any = None
    document: Any = None
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            name, document = body.get("operationName"), body.get("query")
    else:
        name, document = request.args.get("operationName"), request.args.get("query")
    if not name and isinstance(document, str):
        match = _NAMED_OPERATION.match(document)
        name = match.group(1) if match else None
    if not isinstance(name, str) or not name.isidentifier() or len(name) > 100:
        return "anonymous"
    return name


class LineageGraphQLView(GraphQLView[Context, None]):
    """strawberry's Flask view, with our context and the read-token check."""

    def get_context(self, request: Request, response: Response) -> Context:
        current = state()
        g.mltrace_graphql_response = response
        return Context(db=current.db, config=current.config, metrics=current.metrics)

    def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """An outage is an HTTP 503 even in GraphQL, so load balancers and clients see it."""
        for error in result.errors or []:
            if isinstance(error.original_error, DatabaseUnavailableError | DatabaseAuthError):
                g.mltrace_graphql_response.status_code = 503
                break
        return super().process_result(request, result)

    def dispatch_request(self) -> Any:
        wants_ide = request.method == "GET" and "text/html" in request.headers.get("Accept", "")
        if not wants_ide:
            authenticate("read")
        metrics = state().metrics
        operation = metrics.operation_label(_operation_name())
        started = time.perf_counter()
        try:
            return super().dispatch_request()
        finally:
            if not wants_ide:
                metrics.graphql_operations.labels(operation).inc()
                metrics.graphql_latency.labels(operation).observe(time.perf_counter() - started)


def register_graphql(app: Flask, *, debug: bool) -> None:
    """Mounts ``/graphql`` (GraphiQL on a browser GET)."""
    view = LineageGraphQLView.as_view(
        "graphql", schema=build_schema(debug=debug), graphql_ide="graphiql"
    )
    app.add_url_rule("/graphql", view_func=view, methods=["GET", "POST"])
