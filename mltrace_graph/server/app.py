"""The Flask app factory: one app over one lineage graph, its policy, and its metrics."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from mltrace_graph.config import Settings
from mltrace_graph.errors import DatabaseError, MltraceGraphError
from mltrace_graph.server.config import ServerConfig
from mltrace_graph.server.metrics import Metrics
from mltrace_graph.server.state import EXTENSION_KEY, ServerState
from mltrace_graph.store.connection import Database

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, config: ServerConfig | None = None) -> Flask:
    """Builds the app; no connection is opened until the first request needs one.

    Args:
        settings: where Neo4j is (default: ``load_settings()``, the usual precedence).
        config: the server's policy and limits (default: ``ServerConfig.from_env()``).

    Under gunicorn each worker imports the app after the fork and opens its own driver on
    its first request, because ``get_driver`` is keyed on the process id.
    """
    config = (config or ServerConfig.from_env()).check()
    db = Database(settings)
    app = Flask("mltrace_graph.server", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION_KEY] = ServerState(
        db=db, config=config, metrics=Metrics(db, config.metrics_refresh_seconds)
    )

    _register_error_handlers(app)
    _register_request_metrics(app)

    from mltrace_graph.server import cypher, health, static
    from mltrace_graph.server import openlineage as openlineage_views
    from mltrace_graph.server.graphql.view import register_graphql

    app.register_blueprint(health.blueprint)
    app.register_blueprint(openlineage_views.blueprint)
    app.register_blueprint(cypher.blueprint)
    register_graphql(app, debug=config.debug)
    app.register_blueprint(static.blueprint)  # last: its catch-all serves the web app
    return app


def error_response(message: str, status: int, **extra: Any) -> Response:
    """Every error body has the same shape: ``{"error": message, "status": code, ...}``."""
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MltraceGraphError)
    def expected(exc: MltraceGraphError) -> Response:
        field = getattr(exc, "field", "")
        extra = {"field": field} if field else {}
        return error_response(str(exc), exc.http_status, **extra)

    @app.errorhandler(HTTPException)
    def http(exc: HTTPException) -> Response:
        status = exc.code or 500
        messages = {
            413: f"request body is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} "
            f"bytes; send smaller batches",
            405: f"method {request.method} is not allowed on {request.path}",
            404: f"nothing at {request.path}",
        }
        return error_response(messages.get(status, exc.description or exc.name), status)

    @app.errorhandler(DatabaseError)
    def database(exc: DatabaseError) -> Response:
        # Our own query was refused: a bug to log, with nothing of the query sent back.
        log.error("database error %s on %s: %s", exc.code, request.path, exc)
        return error_response("the database refused the request (see the server log)", 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return error_response("internal server error (see the server log)", 500)


def _register_request_metrics(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.mltrace_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        metrics: Metrics = app.extensions[EXTENSION_KEY].metrics
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.requests.labels(route, request.method, str(response.status_code)).inc()
        started = getattr(g, "mltrace_started", None)
        if started is not None:
            metrics.latency.labels(route).observe(time.perf_counter() - started)
        return response
